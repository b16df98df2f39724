"""A real HTTP server that receives webhooks, for delivery and end-to-end tests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """Answers each POST with the status `respond` gives (default 200) and records what was delivered.

    `received` keeps every request (as it arrives); `delivered` those answered with a 2xx.
    """

    def __init__(self, respond: Callable[[Received], int] | None = None, port: int = 0) -> None:
        self.respond = respond or (lambda _: 200)
        self.received: list[Received] = []
        self.delivered: list[Received] = []
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                split = urlsplit(self.path)
                item = Received(
                    split.path,
                    dict(parse_qsl(split.query)),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with receiver._cond:
                    receiver.received.append(item)
                    receiver._cond.notify_all()
                status = receiver.respond(item)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the sender is gone (killed, or timed out)
                    return
                if 200 <= status < 300:
                    with receiver._cond:
                        receiver.delivered.append(item)
                        receiver._cond.notify_all()

            def log_message(self, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, count: int, timeout: float = 10.0, *, delivered: bool = True) -> list[Received]:
        """Wait until `count` requests were delivered (or received); fail the test after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                items = self.delivered if delivered else self.received
                if len(items) >= count:
                    return list(items)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} webhook requests within {timeout} s, got {len(items)}")
                self._cond.wait(left)

    def events(self) -> list[dict[str, Any]]:
        """Every event delivered, in the order received."""
        return [event for item in list(self.delivered) for event in item.json()["events"]]
