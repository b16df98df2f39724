"""What the delivery worker needs to post a subscription's events: where, how to retry and batch, the key
that signs, and the body's id field. A monitor and a remote callback are both subscriptions."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection

from connectedcar.delivery.policy import BatchPolicy, RetryPolicy
from connectedcar.delivery.sender import decode_secret
from connectedcar.delivery.webhook import DeliveryConfigError, WebhookTarget, parse_webhook
from connectedcar.store import fleets
from connectedcar.store.store import Store


@dataclass(frozen=True, slots=True)
class Subscription:
    kind: str  # monitor, remote
    id: str
    fleet_id: str | None
    label: str
    target: WebhookTarget
    retry: RetryPolicy
    batch: BatchPolicy
    signing_key: bytes
    id_field: str  # monitorId, callbackId


@dataclass(frozen=True, slots=True)
class CallbackSettings:
    target: WebhookTarget
    retry: RetryPolicy
    batch: BatchPolicy


def parse_callback_settings(data: Any, path: str = "subscribeParam") -> CallbackSettings:
    """The spec's CallbackSubscribe object: callback (required), retryPolicy, batchNotify."""
    if not isinstance(data, Mapping):
        raise DeliveryConfigError(path, "is required: an object with callback, retryPolicy and batchNotify")
    if data.get("callback") is None:
        raise DeliveryConfigError(f"{path}.callback", "is required: the webhook events are posted to")
    target = parse_webhook(data["callback"], f"{path}.callback")
    retry = RetryPolicy.parse(data.get("retryPolicy"), f"{path}.retryPolicy")
    batch = BatchPolicy.parse(data.get("batchNotify"), f"{path}.batchNotify")
    return CallbackSettings(target, retry, batch)


class SubscriptionSource(Protocol):
    def subscription(self, kind: str, subscription_id: str) -> Subscription | None:
        """The subscription's current settings, or None when it no longer exists."""
        ...


class CachedSubscriptions:
    """A SubscriptionSource over the store: `read` builds a subscription from its rows (None when it no
    longer exists); results are cached until forget(id), which the API calls on every change."""

    def __init__(self, store: Store, read: Callable[[Connection, str], Subscription | None]) -> None:
        self.store = store
        self.read = read
        self._cache: dict[str, Subscription | None] = {}
        self._lock = threading.Lock()

    def subscription(self, kind: str, subscription_id: str) -> Subscription | None:
        with self._lock:
            if subscription_id in self._cache:
                return self._cache[subscription_id]
        with self.store.transaction() as conn:
            found = self.read(conn, subscription_id)
        with self._lock:
            self._cache[subscription_id] = found
        return found

    def forget(self, subscription_id: str) -> None:
        with self._lock:
            self._cache.pop(subscription_id, None)


def signing_key(conn: Connection, fleet_id: str) -> bytes | None:
    """The fleet's webhook signing key, None for a fleet without one (or gone)."""
    fleet = fleets.fleet_by_id(conn, fleet_id)
    if fleet is None or not fleet.webhook_secret:
        return None
    return decode_secret(fleet.webhook_secret)
