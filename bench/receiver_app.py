"""The benchmarks' webhook receiver: a minimal ASGI app answering 200 to everything, run by uvicorn in
a process of its own (as a real receiver would be), so that it does not share the platform's GIL."""

from __future__ import annotations

from typing import Any


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    while True:
        message = await receive()
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})
