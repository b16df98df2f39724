"""`connectedcar listen`: a webhook receiver for developers, printing what the platform posts.

Each request is printed with its webhook-id and, when a signing secret is given, whether its
Standard Webhooks signature verifies (the fleet's `webhookSecret`, printed by `connectedcar admin fleet
create` and kept in the demo's credentials file). It answers 200, or the status given with --status
(to watch the platform retry).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from connectedcar.delivery.sender import decode_secret, verify

MAX_BODY = 4 << 20


def make_handler(secret: str | None, status: int, echo: Callable[[str], None]) -> type[BaseHTTPRequestHandler]:
    key = decode_secret(secret) if secret else None

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0") or 0)
            if length > MAX_BODY:
                self.send_error(413)
                return
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            check = "unsigned check (no --secret)"
            if key is not None:
                try:
                    verify(key, headers, body, int(time.time()))
                    check = "signature OK"
                except ValueError as exc:
                    check = f"signature REFUSED: {exc}"
            echo(f"--- POST {self.path}  webhook-id {headers.get('webhook-id', '-')}  {check}  -> {status}")
            try:
                parsed: Any = json.loads(body)
                echo(json.dumps(parsed, indent=2, ensure_ascii=False))
            except ValueError:
                echo(body.decode("utf-8", errors="replace"))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def listen(host: str, port: int, secret: str | None, status: int, echo: Callable[[str], None]) -> None:
    server = ThreadingHTTPServer((host, port), make_handler(secret, status, echo))
    server.daemon_threads = True
    echo(f"listening on http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
