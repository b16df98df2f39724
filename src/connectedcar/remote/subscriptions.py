"""Remote callbacks as the delivery worker sees them: webhook, policies and the fleet's signing key."""

from __future__ import annotations

from sqlalchemy import Connection

from connectedcar.delivery.subscription import CachedSubscriptions, Subscription, signing_key
from connectedcar.engine.remotes.parsing import parse_remote_callback
from connectedcar.store import remotes as remote_store
from connectedcar.store.store import Store


def read_callback(conn: Connection, callback_id: str) -> Subscription | None:
    row = remote_store.callback(conn, callback_id)
    key = signing_key(conn, row.fleet_id) if row is not None else None
    if row is None or key is None:
        return None
    callback = parse_remote_callback(row.body)
    return Subscription(
        kind="remote",
        id=row.id,
        fleet_id=row.fleet_id,
        label=row.label or "",
        target=callback.webhook,
        retry=callback.retry,
        batch=callback.batch,
        signing_key=key,
        id_field="callbackId",
    )


class CallbackSubscriptions(CachedSubscriptions):
    def __init__(self, store: Store) -> None:
        super().__init__(store, read_callback)
