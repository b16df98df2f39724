"""The transactional outbox: events waiting to be posted to webhooks, and the record of every attempt.

Events are written in the transaction of the update that caused them (enqueue), so an event exists if
and only if its cause was committed. The delivery worker groups pending events of one batch key into a
message (assign_message, committed before the first attempt, so a retry or a re-send after a restart
posts the very same message), posts it, and records the outcome on every event of the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

from connectedcar.store.database import insert_new
from connectedcar.store.tables import delivery_attempts, outbox


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    event_id: str
    kind: str  # monitor, remote
    subscription_id: str
    batch_key: str
    event: dict[str, Any]
    created_at: int
    expires_at: int
    fleet_id: str | None = None
    vehicle_id: str | None = None
    vin: str | None = None


@dataclass(frozen=True, slots=True)
class PendingRow:
    seq: int
    event_id: str
    kind: str
    subscription_id: str
    fleet_id: str | None
    vehicle_id: str | None
    vin: str | None
    batch_key: str
    event: dict[str, Any]
    created_at: int
    expires_at: int
    message_id: str | None
    attempts: int
    next_attempt_at: int


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    message_id: str
    kind: str
    subscription_id: str
    attempted_at: int
    events: int
    outcome: str
    status_code: int | None
    duration_ms: int
    error: str | None


def enqueue(conn: Connection, events: Sequence[OutboxEvent]) -> None:
    """Queue events; one already queued (the same event id) is left as it is."""
    insert_new(
        conn,
        outbox,
        [
            {
                "event_id": e.event_id,
                "kind": e.kind,
                "subscription_id": e.subscription_id,
                "fleet_id": e.fleet_id,
                "vehicle_id": e.vehicle_id,
                "vin": e.vin,
                "batch_key": e.batch_key,
                "event": e.event,
                "created_at": e.created_at,
                "expires_at": e.expires_at,
                "attempts": 0,
                "next_attempt_at": e.created_at,
            }
            for e in events
        ],
    )


_PENDING = and_(outbox.c.delivered_at.is_(None), outbox.c.failed_at.is_(None))


_PLAN_COLUMNS = [c for c in outbox.c if c.name not in ("event", "last_error", "delivered_at", "failed_at")]


def pending_keys(conn: Connection, limit: int, exclude_keys: Sequence[str] = ()) -> list[str]:
    """The batch keys with undelivered events, the key whose oldest event is oldest first."""
    head = func.min(outbox.c.seq)
    query = select(outbox.c.batch_key, head).where(_PENDING)
    if exclude_keys:
        query = query.where(outbox.c.batch_key.not_in(list(exclude_keys)))
    query = query.group_by(outbox.c.batch_key).order_by(head).limit(limit)
    return [key for key, _ in conn.execute(query)]


def pending_of_key(conn: Connection, batch_key: str, limit: int) -> list[PendingRow]:
    """One batch key's undelivered events, oldest first, without their bodies."""
    query = select(*_PLAN_COLUMNS).where(_PENDING, outbox.c.batch_key == batch_key).order_by(outbox.c.seq).limit(limit)
    return [_pending_row(r, with_event=False) for r in conn.execute(query)]


def with_events(conn: Connection, rows: Sequence[PendingRow]) -> list[PendingRow]:
    """The same rows with their event bodies."""
    if not rows:
        return []
    found = dict(
        conn.execute(select(outbox.c.seq, outbox.c.event).where(outbox.c.seq.in_([r.seq for r in rows]))).all()
    )
    return [replace(r, event=found[r.seq]) for r in rows if r.seq in found]


def _pending_row(r: Any, *, with_event: bool = True) -> PendingRow:
    return PendingRow(
        r.seq,
        r.event_id,
        r.kind,
        r.subscription_id,
        r.fleet_id,
        r.vehicle_id,
        r.vin,
        r.batch_key,
        r.event if with_event else {},
        r.created_at,
        r.expires_at,
        r.message_id,
        r.attempts,
        r.next_attempt_at,
    )


def message_rows(conn: Connection, message_id: str) -> list[PendingRow]:
    """The pending events of one message, in order."""
    query = select(outbox).where(_PENDING, outbox.c.message_id == message_id).order_by(outbox.c.seq)
    return [_pending_row(r) for r in conn.execute(query)]


def pending_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(outbox).where(_PENDING)).scalar_one())


def assign_message(conn: Connection, seqs: Sequence[int], message_id: str) -> None:
    conn.execute(update(outbox).where(outbox.c.seq.in_(list(seqs))).values(message_id=message_id))


def record(conn: Connection, attempt: AttemptRecord) -> None:
    conn.execute(
        insert(delivery_attempts).values(
            message_id=attempt.message_id,
            kind=attempt.kind,
            subscription_id=attempt.subscription_id,
            attempted_at=attempt.attempted_at,
            events=attempt.events,
            outcome=attempt.outcome,
            status_code=attempt.status_code,
            duration_ms=attempt.duration_ms,
            error=attempt.error,
        )
    )


def delivered(conn: Connection, message_id: str, now_ms: int) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.message_id == message_id, _PENDING)
        .values(delivered_at=now_ms, attempts=outbox.c.attempts + 1, last_error=None)
    )


def retry_at(conn: Connection, message_id: str, at_ms: int, error: str | None) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.message_id == message_id, _PENDING)
        .values(next_attempt_at=at_ms, attempts=outbox.c.attempts + 1, last_error=error)
    )


def give_up(conn: Connection, message_id: str, now_ms: int, error: str | None) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.message_id == message_id, _PENDING)
        .values(failed_at=now_ms, attempts=outbox.c.attempts + 1, last_error=error)
    )


def expire(conn: Connection, now_ms: int) -> int:
    """Give up on pending events past their expiry (three days: the retention the docs give)."""
    result = conn.execute(
        update(outbox)
        .where(_PENDING, outbox.c.expires_at <= now_ms)
        .values(failed_at=now_ms, last_error="expired: not delivered within its retention")
    )
    return int(result.rowcount or 0)


def purge(conn: Connection, before_ms: int) -> int:
    """Forget delivered and abandoned events, and attempts, older than before_ms."""
    done = or_(outbox.c.delivered_at < before_ms, outbox.c.failed_at < before_ms)
    removed = conn.execute(delete(outbox).where(done)).rowcount or 0
    conn.execute(delete(delivery_attempts).where(delivery_attempts.c.attempted_at < before_ms))
    return int(removed)


def events_of(conn: Connection, subscription_id: str) -> list[dict[str, Any]]:
    """Every event queued for a subscription with its delivery state (tests and operators)."""
    query = select(outbox).where(outbox.c.subscription_id == subscription_id).order_by(outbox.c.seq)
    return [dict(r._mapping) for r in conn.execute(query)]


def attempts_of(conn: Connection, subscription_id: str) -> list[dict[str, Any]]:
    query = (
        select(delivery_attempts)
        .where(delivery_attempts.c.subscription_id == subscription_id)
        .order_by(delivery_attempts.c.id)
    )
    return [dict(r._mapping) for r in conn.execute(query)]
