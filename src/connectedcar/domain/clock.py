"""The one clock: every "now" in the platform comes from an injected Clock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to: for tests and faster-than-real-time simulation."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when.astimezone(UTC)


class ScaledClock:
    """Time that starts at `start` and runs `speed` times faster than `base` (a simulation's clock).

    The whole platform runs on it during a sped-up demo, so that simulated vehicles' reports are
    never "from the future" and trips, maintenance and telemetry windows all agree.
    """

    def __init__(self, start: datetime, speed: float, base: Clock | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("ScaledClock needs a timezone-aware start")
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.base = base or SystemClock()
        self.start = start.astimezone(UTC)
        self.speed = speed
        self._base_start = self.base.now()

    def now(self) -> datetime:
        return self.start + (self.base.now() - self._base_start) * self.speed
