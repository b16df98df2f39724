"""Monitors as the delivery worker sees them: webhook, policies and the fleet's signing key."""

from __future__ import annotations

from sqlalchemy import Connection

from connectedcar.delivery.subscription import CachedSubscriptions, Subscription, signing_key
from connectedcar.monitoring.definition import parse_definition
from connectedcar.store import monitors as monitor_store
from connectedcar.store.store import Store


def read_monitor(conn: Connection, monitor_id: str) -> Subscription | None:
    row = monitor_store.get(conn, monitor_id)
    key = signing_key(conn, row.fleet_id) if row is not None else None
    if row is None or key is None:
        return None
    callback = parse_definition(row.body).callback
    return Subscription(
        kind="monitor",
        id=row.id,
        fleet_id=row.fleet_id,
        label=row.label,
        target=callback.target,
        retry=callback.retry,
        batch=callback.batch,
        signing_key=key,
        id_field="monitorId",
    )


class MonitorSubscriptions(CachedSubscriptions):
    def __init__(self, store: Store) -> None:
        super().__init__(store, read_monitor)
