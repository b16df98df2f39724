"""Fleet monitors (their accepted bodies and status) and what each remembers about each vehicle."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from connectedcar.store.database import upsert
from connectedcar.store.tables import fleet_vehicles, monitor_states, monitors, outbox, vehicles


@dataclass(frozen=True, slots=True)
class MonitorRow:
    id: str
    fleet_id: str
    label: str
    status: str  # Running, Paused
    body: dict[str, Any]
    created_at: int
    updated_at: int


def _row(row: Any) -> MonitorRow:
    return MonitorRow(row.id, row.fleet_id, row.label, row.status, row.body, row.created_at, row.updated_at)


def create(conn: Connection, monitor: MonitorRow) -> None:
    conn.execute(
        insert(monitors).values(
            id=monitor.id,
            fleet_id=monitor.fleet_id,
            label=monitor.label,
            status=monitor.status,
            body=monitor.body,
            created_at=monitor.created_at,
            updated_at=monitor.updated_at,
        )
    )


def replace_body(conn: Connection, monitor_id: str, label: str, body: dict[str, Any], now_ms: int) -> None:
    """A PUT: the new definition; what the monitor remembered of its vehicles no longer applies."""
    conn.execute(update(monitors).where(monitors.c.id == monitor_id).values(label=label, body=body, updated_at=now_ms))
    conn.execute(delete(monitor_states).where(monitor_states.c.monitor_id == monitor_id))


def set_status(conn: Connection, monitor_id: str, status: str, now_ms: int) -> None:
    conn.execute(update(monitors).where(monitors.c.id == monitor_id).values(status=status, updated_at=now_ms))


def get(conn: Connection, monitor_id: str) -> MonitorRow | None:
    row = conn.execute(select(monitors).where(monitors.c.id == monitor_id)).first()
    return _row(row) if row else None


def of_fleet(
    conn: Connection, fleet_id: str, offset: int = 0, limit: int | None = None
) -> tuple[int, list[MonitorRow]]:
    total = conn.execute(select(func.count()).select_from(monitors).where(monitors.c.fleet_id == fleet_id)).scalar_one()
    query = (
        select(monitors)
        .where(monitors.c.fleet_id == fleet_id)
        .order_by(monitors.c.created_at, monitors.c.id)
        .offset(offset)
        .limit(limit)
    )
    return int(total), [_row(r) for r in conn.execute(query)]


def all_monitors(conn: Connection) -> list[MonitorRow]:
    return [_row(r) for r in conn.execute(select(monitors).order_by(monitors.c.created_at, monitors.c.id))]


def delete_monitor(conn: Connection, monitor_id: str) -> bool:
    """Delete a monitor, its states and its undelivered events (there is no callback left to post them to)."""
    conn.execute(delete(monitor_states).where(monitor_states.c.monitor_id == monitor_id))
    conn.execute(
        delete(outbox).where(
            outbox.c.subscription_id == monitor_id, outbox.c.delivered_at.is_(None), outbox.c.failed_at.is_(None)
        )
    )
    return conn.execute(delete(monitors).where(monitors.c.id == monitor_id)).rowcount > 0


def count_of_fleet(conn: Connection, fleet_id: str) -> int:
    query = select(func.count()).select_from(monitors).where(monitors.c.fleet_id == fleet_id)
    return int(conn.execute(query).scalar_one())


# -- per-vehicle states ----------------------------------------------------------------------------


def save_states(conn: Connection, states: Mapping[tuple[str, str], dict[str, Any]], now_ms: int) -> None:
    rows = [{"monitor_id": m, "vehicle_id": v, "state": s, "updated_at": now_ms} for (m, v), s in states.items()]
    upsert(conn, monitor_states, rows, ("monitor_id", "vehicle_id"))


# -- fleet membership ------------------------------------------------------------------------------


def fleet_members(conn: Connection, fleet_ids: Iterable[str]) -> list[tuple[str, str, str]]:
    """(fleet id, vehicle id, vin) of every vehicle of these fleets."""
    wanted = list(fleet_ids)
    if not wanted:
        return []
    query = (
        select(fleet_vehicles.c.fleet_id, fleet_vehicles.c.vehicle_id, vehicles.c.vin)
        .join(vehicles, vehicles.c.id == fleet_vehicles.c.vehicle_id)
        .where(fleet_vehicles.c.fleet_id.in_(wanted))
    )
    return [(f, v, vin) for f, v, vin in conn.execute(query)]


def all_states(conn: Connection) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r.monitor_id, r.vehicle_id): r.state for r in conn.execute(select(monitor_states))}
