"""Remote callbacks, remote actions and the command queue they make for each vehicle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from connectedcar.store.tables import remote_actions, remote_callbacks


@dataclass(frozen=True, slots=True)
class CallbackRow:
    id: str
    fleet_id: str
    label: str | None
    status: str  # Running, Paused
    body: dict[str, Any]
    created_at: int
    updated_at: int


@dataclass(frozen=True, slots=True)
class ActionRow:
    id: str
    fleet_id: str
    vehicle_id: str
    callback_id: str
    type: str
    body: dict[str, Any]
    state: dict[str, Any]
    status: str
    done: bool
    deadline_at: int | None
    woke_vehicle: bool
    sent_at: int | None
    expires_at: int
    created_at: int
    updated_at: int


def _callback(r: Any) -> CallbackRow:
    return CallbackRow(r.id, r.fleet_id, r.label, r.status, r.body, r.created_at, r.updated_at)


def _action(r: Any) -> ActionRow:
    return ActionRow(
        r.id,
        r.fleet_id,
        r.vehicle_id,
        r.callback_id,
        r.type,
        r.body,
        r.state,
        r.status,
        bool(r.done),
        r.deadline_at,
        bool(r.woke_vehicle),
        r.sent_at,
        r.expires_at,
        r.created_at,
        r.updated_at,
    )


# -- callbacks ---------------------------------------------------------------------------------------


def create_callback(conn: Connection, row: CallbackRow) -> None:
    conn.execute(
        insert(remote_callbacks).values(
            id=row.id,
            fleet_id=row.fleet_id,
            label=row.label,
            status=row.status,
            body=row.body,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
    )


def callback(conn: Connection, callback_id: str) -> CallbackRow | None:
    row = conn.execute(select(remote_callbacks).where(remote_callbacks.c.id == callback_id)).first()
    return _callback(row) if row else None


def callbacks_of_fleet(
    conn: Connection, fleet_id: str, offset: int, limit: int, remote_type: str | None = None
) -> tuple[int, list[CallbackRow]]:
    rows = [
        _callback(r)
        for r in conn.execute(
            select(remote_callbacks)
            .where(remote_callbacks.c.fleet_id == fleet_id)
            .order_by(remote_callbacks.c.created_at, remote_callbacks.c.id)
        )
    ]
    if remote_type is not None:
        rows = [r for r in rows if remote_type in (r.body.get("notificationTypes") or [])]
    return len(rows), rows[offset : offset + limit]


def count_callbacks(conn: Connection, fleet_id: str) -> int:
    query = select(func.count()).select_from(remote_callbacks).where(remote_callbacks.c.fleet_id == fleet_id)
    return int(conn.execute(query).scalar_one())


def replace_callback(conn: Connection, callback_id: str, label: str | None, body: dict[str, Any], now_ms: int) -> None:
    conn.execute(
        update(remote_callbacks)
        .where(remote_callbacks.c.id == callback_id)
        .values(label=label, body=body, updated_at=now_ms)
    )


def set_callback_status(conn: Connection, callback_id: str, status: str, now_ms: int) -> None:
    conn.execute(
        update(remote_callbacks).where(remote_callbacks.c.id == callback_id).values(status=status, updated_at=now_ms)
    )


def delete_callback(conn: Connection, callback_id: str) -> None:
    conn.execute(delete(remote_actions).where(remote_actions.c.callback_id == callback_id))
    conn.execute(delete(remote_callbacks).where(remote_callbacks.c.id == callback_id))


def pending_of_callback(conn: Connection, callback_id: str) -> int:
    query = (
        select(func.count())
        .select_from(remote_actions)
        .where(remote_actions.c.callback_id == callback_id, remote_actions.c.done.is_(False))
    )
    return int(conn.execute(query).scalar_one())


# -- actions -----------------------------------------------------------------------------------------


def create_action(conn: Connection, row: ActionRow) -> None:
    conn.execute(
        insert(remote_actions).values(
            id=row.id,
            fleet_id=row.fleet_id,
            vehicle_id=row.vehicle_id,
            callback_id=row.callback_id,
            type=row.type,
            body=row.body,
            state=row.state,
            status=row.status,
            done=row.done,
            deadline_at=row.deadline_at,
            woke_vehicle=row.woke_vehicle,
            sent_at=row.sent_at,
            expires_at=row.expires_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
    )


def save_action(conn: Connection, row: ActionRow) -> None:
    conn.execute(
        update(remote_actions)
        .where(remote_actions.c.id == row.id)
        .values(
            state=row.state,
            status=row.status,
            done=row.done,
            deadline_at=row.deadline_at,
            woke_vehicle=row.woke_vehicle,
            sent_at=row.sent_at,
            updated_at=row.updated_at,
        )
    )


def action(conn: Connection, action_id: str, *, lock: bool = False) -> ActionRow | None:
    query = select(remote_actions).where(remote_actions.c.id == action_id)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return _action(row) if row else None


def actions_of(
    conn: Connection, callback_id: str, vehicle_id: str, offset: int, limit: int
) -> tuple[int, list[ActionRow]]:
    where = (remote_actions.c.callback_id == callback_id, remote_actions.c.vehicle_id == vehicle_id)
    total = conn.execute(select(func.count()).select_from(remote_actions).where(*where)).scalar_one()
    query = (
        select(remote_actions)
        .where(*where)
        .order_by(remote_actions.c.created_at, remote_actions.c.id)
        .offset(offset)
        .limit(limit)
    )
    return int(total), [_action(r) for r in conn.execute(query)]


def unfinished_of_vehicle(conn: Connection, vehicle_id: str, *, lock: bool = False) -> list[ActionRow]:
    """The vehicle's actions still in progress, oldest first: its command queue."""
    query = (
        select(remote_actions)
        .where(remote_actions.c.vehicle_id == vehicle_id, remote_actions.c.done.is_(False))
        .order_by(remote_actions.c.created_at, remote_actions.c.id)
    )
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return [_action(r) for r in conn.execute(query)]


def wake_ups_since(conn: Connection, vehicle_id: str, since_ms: int) -> int:
    query = (
        select(func.count())
        .select_from(remote_actions)
        .where(
            remote_actions.c.vehicle_id == vehicle_id,
            remote_actions.c.woke_vehicle.is_(True),
            remote_actions.c.created_at >= since_ms,
        )
    )
    return int(conn.execute(query).scalar_one())


def due(conn: Connection, now_ms: int, limit: int = 1000) -> list[ActionRow]:
    """Unfinished actions whose deadline has passed (for the tick)."""
    query = (
        select(remote_actions)
        .where(remote_actions.c.done.is_(False), remote_actions.c.deadline_at <= now_ms)
        .order_by(remote_actions.c.deadline_at)
        .limit(limit)
    )
    return [_action(r) for r in conn.execute(query)]


def vehicles_waiting(conn: Connection) -> set[str]:
    """Vehicles with an unfinished action whose command they have not taken yet."""
    query = select(remote_actions.c.vehicle_id).where(
        remote_actions.c.done.is_(False), remote_actions.c.sent_at.is_(None)
    )
    return {r[0] for r in conn.execute(query)}
