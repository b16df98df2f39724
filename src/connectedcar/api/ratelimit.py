"""Per-client rate limiting, as seed 000 describes: N requests per fixed window (120 per 60 s).

Every API response carries X-RateLimit-Limit and X-RateLimit-Remaining; the request past the limit
gets 429 with X-RateLimit-Reset (seconds until the window resets) and Retry-After. Clients are told
apart by their client_id query parameter (the seed's per-application quota), callers without one by
their address. A pure ASGI middleware: no per-request task or body buffering.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connectedcar.api.errors import error_body
from connectedcar.domain.clock import Clock


@dataclass(slots=True)
class _Window:
    started: float
    count: int


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int


class RateLimiter:
    """Fixed windows per key. Memory is bounded: expired windows are swept when the table grows."""

    def __init__(self, clock: Clock, limit: int, window_seconds: int, max_keys: int = 100_000) -> None:
        self.clock = clock
        self.limit = limit
        self.window = float(window_seconds)
        self.max_keys = max_keys
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int | None = None) -> Decision:
        quota = limit or self.limit
        now = self.clock.now().timestamp()
        with self._lock:
            window = self._windows.get(key)
            if window is None or now - window.started >= self.window:
                if window is None and len(self._windows) >= self.max_keys:
                    self._sweep(now)
                window = _Window(started=now, count=0)
                self._windows[key] = window
            reset = max(1, math.ceil(window.started + self.window - now))
            if window.count >= quota:
                return Decision(False, quota, 0, reset)
            window.count += 1
            return Decision(True, quota, quota - window.count, reset)

    def _sweep(self, now: float) -> None:
        for key in [k for k, w in self._windows.items() if now - w.started >= self.window]:
            del self._windows[key]
        if len(self._windows) >= self.max_keys:  # still full of live windows: drop the oldest half
            for key in sorted(self._windows, key=lambda k: self._windows[k].started)[: self.max_keys // 2]:
                del self._windows[key]


_CLIENT_ID = "connectedcar.client_id"


def query_client_id(scope: Scope) -> str | None:
    """The request's client_id query parameter, parsed once per request and kept in the scope."""
    if _CLIENT_ID not in scope:
        query: bytes = scope.get("query_string", b"")
        value = None
        if b"client_id=" in query:
            values = parse_qs(query.decode("latin-1")).get("client_id")
            value = str(values[0]) if values else None
        scope[_CLIENT_ID] = value
    found: str | None = scope[_CLIENT_ID]
    return found


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        limiter: RateLimiter,
        *,
        applies_to: Callable[[str], bool],
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.applies_to = applies_to

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.applies_to(scope["path"]):
            await self.app(scope, receive, send)
            return
        decision = self.limiter.hit(self._key(scope))
        headers = [
            (b"x-ratelimit-limit", str(decision.limit).encode()),
            (b"x-ratelimit-remaining", str(decision.remaining).encode()),
        ]
        if not decision.allowed:
            reset = str(decision.reset_seconds).encode()
            body = error_body(
                42900,
                f"Rate limit exceeded: {decision.limit} requests per "
                f"{int(self.limiter.window)} s; retry in {decision.reset_seconds} s",
            )
            await send(
                {
                    "type": "http.response.start",
                    "status": 429,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        *headers,
                        (b"x-ratelimit-reset", reset),
                        (b"retry-after", reset),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # The start message is built for this response alone: extending it in place is safe.
                message["headers"] = [*message.get("headers", ()), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _key(scope: Scope) -> str:
        client_id = query_client_id(scope)
        if client_id:
            return "client:" + client_id[:128]
        client = scope.get("client")
        return "addr:" + (str(client[0]) if client else "unknown")
