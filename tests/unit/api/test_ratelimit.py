from __future__ import annotations

from datetime import UTC, datetime

from connectedcar.api.ratelimit import RateLimiter
from connectedcar.domain.clock import ManualClock


def test_fixed_window_counts_down_then_refuses_until_reset() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    limiter = RateLimiter(clock, limit=3, window_seconds=60)
    assert [limiter.hit("a").remaining for _ in range(3)] == [2, 1, 0]
    clock.advance(15)
    refused = limiter.hit("a")
    assert (refused.allowed, refused.remaining, refused.reset_seconds) == (False, 0, 45)
    assert limiter.hit("b").allowed, "another client has its own quota"
    clock.advance(45)
    assert limiter.hit("a").remaining == 2, "a new window starts after 60 s"


def test_memory_stays_bounded() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    limiter = RateLimiter(clock, limit=1, window_seconds=60, max_keys=100)
    for i in range(1000):
        limiter.hit(f"k{i}")
    assert len(limiter._windows) <= 100
