"""What the delivery worker needs to post a subscription's events: where, how to retry and batch, the key
that signs, and the body's id field. A monitor and a remote callback are both subscriptions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from connectedcar.delivery.policy import BatchPolicy, RetryPolicy
from connectedcar.delivery.webhook import DeliveryConfigError, WebhookTarget, parse_webhook


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
