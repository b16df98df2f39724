"""Retry and batch policies of a callback (subscribeParam.retryPolicy and .batchNotify), pure.

Retry schedule (next_attempt_at):
- None: one try, never retried.
- Bounded: retryNumber retries after the first try (so 1 + retryNumber attempts in all). Seed 001's
  `maxRetryNumber` is read as retryNumber.
- Always: retried until delivered or until the event expires (RETENTION_MS, three days after it was
  written, as the docs keep undelivered events; pass deadline_ms).
- The first FIXED_RETRIES retries wait retryDelay exactly, as the spec describes it; after that the
  delay doubles on every retry, capped at max(retryDelay, MAX_BACKOFF_S), so an Always policy with a
  short delay does not hammer a receiver that is down for days. A Retry-After from the receiver
  (429 or 503) lengthens the wait, never shortens it, up to the same cap. No jitter: deterministic.

Batching (Batcher): events are grouped per key (the monitor, plus the vehicle when the webhook names
it); a batch is due when it holds `size` events or when `timeWindow` seconds have passed since its
first event, whichever comes first. Without batchNotify, every event is its own batch (SINGLE).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, NoReturn, TypeVar

from connectedcar.delivery.webhook import DeliveryConfigError

RetryKind = Literal["None", "Bounded", "Always"]

DEFAULT_RETRY_NUMBER = 3
DEFAULT_RETRY_DELAY_S = 10
MAX_RETRY_NUMBER = 100
MIN_RETRY_DELAY_S = 1
MAX_RETRY_DELAY_S = 86_400
FIXED_RETRIES = 5
MAX_BACKOFF_S = 3600
RETENTION_MS = 3 * 86_400_000

DEFAULT_TIME_WINDOW_S = 60
MIN_TIME_WINDOW_S = 5
MAX_TIME_WINDOW_S = 86_400
MAX_BATCH_SIZE = 1000


def _fail(path: str, reason: str) -> NoReturn:
    raise DeliveryConfigError(path, reason)


def _integer(value: Any, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        _fail(path, f"must be an integer, not {value!r}")
    number = int(value)
    if not low <= number <= high:
        _fail(path, f"must be between {low} and {high}, not {number}")
    return number


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    kind: RetryKind = "None"
    retry_number: int = DEFAULT_RETRY_NUMBER  # retries after the first try (Bounded only)
    retry_delay_s: int = DEFAULT_RETRY_DELAY_S

    def __post_init__(self) -> None:
        if not 1 <= self.retry_number <= MAX_RETRY_NUMBER:
            raise ValueError(f"retry_number must be between 1 and {MAX_RETRY_NUMBER}")
        if not MIN_RETRY_DELAY_S <= self.retry_delay_s <= MAX_RETRY_DELAY_S:
            raise ValueError(f"retry_delay_s must be between {MIN_RETRY_DELAY_S} and {MAX_RETRY_DELAY_S}")

    @classmethod
    def parse(cls, data: Any, path: str = "subscribeParam.retryPolicy") -> RetryPolicy:
        """From the spec's retryPolicy object; absent (None) means the spec's default, one try."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            _fail(path, "must be an object")
        kind = data.get("policy")
        if kind not in ("None", "Bounded", "Always"):
            _fail(f"{path}.policy", f"must be None, Bounded or Always, not {kind!r}")
        number = DEFAULT_RETRY_NUMBER
        for name in ("retryNumber", "maxRetryNumber"):
            if data.get(name) is not None:
                number = _integer(data[name], f"{path}.{name}", 1, MAX_RETRY_NUMBER)
        delay = DEFAULT_RETRY_DELAY_S
        if data.get("retryDelay") is not None:
            delay = _integer(data["retryDelay"], f"{path}.retryDelay", MIN_RETRY_DELAY_S, MAX_RETRY_DELAY_S)
        return cls(kind=kind, retry_number=number, retry_delay_s=delay)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"policy": self.kind}
        if self.kind == "Bounded":
            out["retryNumber"] = self.retry_number
        if self.kind != "None":
            out["retryDelay"] = self.retry_delay_s
        return out


def retry_delay_s(policy: RetryPolicy, retry: int) -> int:
    """The wait before the retry-th retry (1-based)."""
    if retry <= FIXED_RETRIES:
        return policy.retry_delay_s
    cap = max(policy.retry_delay_s, MAX_BACKOFF_S)
    doublings = min(retry - FIXED_RETRIES, 32)  # 2**32 times any delay is past the cap
    return min(policy.retry_delay_s << doublings, cap)


def next_attempt_at(
    policy: RetryPolicy,
    attempts: int,
    now_ms: int,
    *,
    deadline_ms: int | None = None,
    retry_after_s: int | None = None,
) -> int | None:
    """When to try again after `attempts` failed attempts (the last one ending at now_ms); None: give up.

    deadline_ms: when the event expires (its creation plus RETENTION_MS); no attempt is planned after.
    """
    if attempts < 1:
        raise ValueError("attempts counts the attempts made, at least 1")
    if policy.kind == "None":
        return None
    if policy.kind == "Bounded" and attempts > policy.retry_number:
        return None
    delay = retry_delay_s(policy, attempts)
    if retry_after_s is not None and retry_after_s > delay:
        delay = min(retry_after_s, max(policy.retry_delay_s, MAX_BACKOFF_S))
    at = now_ms + delay * 1000
    if deadline_ms is not None and at > deadline_ms:
        return None
    return at


@dataclass(frozen=True, slots=True)
class BatchPolicy:
    size: int = 1
    time_window_s: int = 0  # 0 only with size 1: every event is sent at once

    def __post_init__(self) -> None:
        if not 1 <= self.size <= MAX_BATCH_SIZE:
            raise ValueError(f"size must be between 1 and {MAX_BATCH_SIZE}")
        if self.time_window_s < 0 or (self.size > 1 and self.time_window_s < MIN_TIME_WINDOW_S):
            raise ValueError(f"time_window_s must be at least {MIN_TIME_WINDOW_S}")

    @classmethod
    def parse(cls, data: Any, path: str = "subscribeParam.batchNotify") -> BatchPolicy:
        """From the spec's batchNotify object; absent (None) means one event per request."""
        if data is None:
            return SINGLE
        if not isinstance(data, Mapping):
            _fail(path, "must be an object")
        if data.get("size") is None:
            _fail(f"{path}.size", "is required when batchNotify is given")
        size = _integer(data["size"], f"{path}.size", 1, MAX_BATCH_SIZE)
        window = DEFAULT_TIME_WINDOW_S
        if data.get("timeWindow") is not None:
            window = _integer(data["timeWindow"], f"{path}.timeWindow", MIN_TIME_WINDOW_S, MAX_TIME_WINDOW_S)
        return cls(size=size, time_window_s=window)

    def to_json(self) -> dict[str, Any] | None:
        if self == SINGLE:
            return None
        return {"size": self.size, "timeWindow": self.time_window_s}


SINGLE = BatchPolicy()

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Batch(Generic[T]):
    key: Hashable
    opened_ms: int  # the time of its first event
    items: tuple[T, ...]


@dataclass(slots=True)
class _Open(Generic[T]):
    opened_ms: int
    items: list[T] = field(default_factory=list)


class Batcher(Generic[T]):
    """Groups events into batches per key; no clock and no I/O: every call says what time it is.

    add() returns the batches that are due because of it (size reached, or an open batch whose window
    had elapsed by the new event's time); due() returns those whose window has elapsed at now_ms (for
    timer ticks); next_due_ms tells when to tick next. A batch's window is measured from its first
    event's time, so events given with times in the past close batches as early as they would have.
    """

    def __init__(self, policy: BatchPolicy) -> None:
        self.policy = policy
        self._open: dict[Hashable, _Open[T]] = {}

    @property
    def pending(self) -> int:
        return sum(len(b.items) for b in self._open.values())

    @property
    def next_due_ms(self) -> int | None:
        if not self._open:
            return None
        return min(b.opened_ms for b in self._open.values()) + self.policy.time_window_s * 1000

    def add(self, item: T, at_ms: int, key: Hashable = None) -> list[Batch[T]]:
        out: list[Batch[T]] = []
        current = self._open.get(key)
        if current is not None and at_ms >= current.opened_ms + self.policy.time_window_s * 1000:
            out.append(self._close(key))
            current = None
        if current is None:
            current = self._open[key] = _Open(opened_ms=at_ms)
        current.items.append(item)
        if len(current.items) >= self.policy.size:
            out.append(self._close(key))
        return out

    def due(self, now_ms: int) -> list[Batch[T]]:
        window = self.policy.time_window_s * 1000
        keys = [k for k, b in self._open.items() if now_ms >= b.opened_ms + window]
        return sorted((self._close(k) for k in keys), key=lambda b: b.opened_ms)

    def flush(self) -> list[Batch[T]]:
        """Every open batch, due or not (at shutdown)."""
        return sorted((self._close(k) for k in list(self._open)), key=lambda b: b.opened_ms)

    def _close(self, key: Hashable) -> Batch[T]:
        current = self._open.pop(key)
        return Batch(key=key, opened_ms=current.opened_ms, items=tuple(current.items))
