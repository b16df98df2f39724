"""Failed sign-ins, counted per account and per client address, to slow down password guessing.

Past `max_failures` failures of an account (or `max_address_failures` from one address) within the
window, the login form refuses without checking the password until the oldest failure leaves the
window: an online guesser gets a handful of tries per quarter hour, and a real user who mistyped is
held back for minutes, not locked out. A successful sign-in clears the account's count. Memory is
bounded: the table is swept when it grows, like the rate limiter's.
"""

from __future__ import annotations

import math
import threading
from collections import deque

from connectedcar.domain.clock import Clock


class LoginThrottle:
    def __init__(
        self,
        clock: Clock,
        *,
        max_failures: int = 5,
        max_address_failures: int = 20,
        window_seconds: int = 900,
        max_keys: int = 100_000,
    ) -> None:
        self.clock = clock
        self.max_failures = max_failures
        self.max_address_failures = max_address_failures
        self.window = float(window_seconds)
        self.max_keys = max_keys
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, email: str, address: str) -> int:
        """How long this sign-in must wait (0: it may proceed)."""
        now = self.clock.now().timestamp()
        with self._lock:
            return max(
                self._wait(f"email:{email.strip().lower()}", self.max_failures, now),
                self._wait(f"addr:{address}", self.max_address_failures, now),
            )

    def failed(self, email: str, address: str) -> None:
        now = self.clock.now().timestamp()
        with self._lock:
            if len(self._failures) >= self.max_keys:
                self._sweep(now)
            for key in (f"email:{email.strip().lower()}", f"addr:{address}"):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, email: str) -> None:
        with self._lock:
            self._failures.pop(f"email:{email.strip().lower()}", None)

    def _wait(self, key: str, limit: int, now: float) -> int:
        times = self._failures.get(key)
        if not times:
            return 0
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) < limit:
            return 0
        return max(1, math.ceil(times[-limit] + self.window - now))

    def _sweep(self, now: float) -> None:
        for key in [k for k, t in self._failures.items() if not t or now - t[-1] >= self.window]:
            del self._failures[key]
        if len(self._failures) >= self.max_keys:
            for key in sorted(self._failures, key=lambda k: self._failures[k][-1])[: self.max_keys // 2]:
                del self._failures[key]
