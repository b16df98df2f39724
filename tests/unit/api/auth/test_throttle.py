from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectedcar.api.auth.oauth2.throttle import LoginThrottle
from connectedcar.domain.clock import ManualClock


@pytest.mark.parametrize(
    ("failures", "same_email", "expected_wait"),
    [
        (4, True, 0),  # under the limit
        (5, True, 900),  # at the limit: wait until the oldest failure leaves the window
        (5, False, 0),  # another account from the same address: 20 allowed
        (20, False, 900),  # ... until the address itself reaches its limit
    ],
)
def test_failures_hold_back_the_account_and_the_address(failures: int, same_email: bool, expected_wait: int) -> None:
    throttle = LoginThrottle(ManualClock(datetime(2026, 1, 1, tzinfo=UTC)))
    for i in range(failures):
        throttle.failed("ada@example.com" if same_email else f"user{i}@example.com", "10.0.0.1")
    assert throttle.wait_seconds("ADA@example.com ", "10.0.0.1") == expected_wait


def test_the_wait_ends_with_the_window_and_success_clears_the_account() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    throttle = LoginThrottle(clock, max_failures=3, window_seconds=60)
    for _ in range(3):
        throttle.failed("ada@example.com", "a")
        clock.advance(10)
    assert throttle.wait_seconds("ada@example.com", "b") == 30  # the first failure was 30 s ago
    clock.advance(30)
    assert throttle.wait_seconds("ada@example.com", "b") == 0
    throttle.failed("ada@example.com", "a")
    throttle.succeeded("ada@example.com")
    assert throttle.wait_seconds("ada@example.com", "b") == 0


def test_memory_stays_bounded() -> None:
    throttle = LoginThrottle(ManualClock(datetime(2026, 1, 1, tzinfo=UTC)), max_keys=100)
    for i in range(1000):
        throttle.failed(f"u{i}@example.com", f"addr{i}")
    assert len(throttle._failures) <= 100
