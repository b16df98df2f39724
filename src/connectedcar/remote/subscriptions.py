"""Remote callbacks as the delivery worker sees them: webhook, policies and the fleet's signing key."""

from __future__ import annotations

import threading

from connectedcar.delivery.sender import decode_secret
from connectedcar.delivery.subscription import Subscription
from connectedcar.engine.remotes.parsing import parse_remote_callback
from connectedcar.store import fleets
from connectedcar.store import remotes as remote_store
from connectedcar.store.store import Store


class CallbackSubscriptions:
    """Reads remote callbacks from the store, cached until forget() (the API calls it on every change)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, Subscription | None] = {}
        self._lock = threading.Lock()

    def subscription(self, kind: str, subscription_id: str) -> Subscription | None:
        with self._lock:
            if subscription_id in self._cache:
                return self._cache[subscription_id]
        found = self._read(subscription_id)
        with self._lock:
            self._cache[subscription_id] = found
        return found

    def forget(self, callback_id: str) -> None:
        with self._lock:
            self._cache.pop(callback_id, None)

    def _read(self, callback_id: str) -> Subscription | None:
        with self.store.transaction() as conn:
            row = remote_store.callback(conn, callback_id)
            fleet = fleets.fleet_by_id(conn, row.fleet_id) if row is not None else None
        if row is None or fleet is None or not fleet.webhook_secret:
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
            signing_key=decode_secret(fleet.webhook_secret),
            id_field="callbackId",
        )
