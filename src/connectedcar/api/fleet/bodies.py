"""Request bodies of the Fleet API's writes (monitors, remote callbacks, remote actions), read and
checked in one place: bounded (413), present (400), and the status setters' {"status": ...}."""

from __future__ import annotations

import orjson
from starlette.requests import Request

from connectedcar.api.errors import InvalidParameter, PayloadTooLarge
from connectedcar.ingest.bodies import BodyTooLarge, read_body

MAX_BODY = 64 * 1024
MAX_STATUS_BODY = 4096
STATUSES = ("Running", "Paused")


async def body_of(request: Request, limit: int = MAX_BODY) -> bytes:
    """The raw body: at most `limit` bytes, and not empty."""
    try:
        raw = await read_body(request, limit)
    except BodyTooLarge:
        raise PayloadTooLarge(f"The request body is larger than {limit} bytes") from None
    if not raw.strip():
        raise InvalidParameter("body", "is required")
    return raw


async def status_of(request: Request) -> str:
    """The body of PUT .../status (MonitorStatusSetter, RemoteCallbacksStatusSetter): Running or Paused."""
    raw = await body_of(request, MAX_STATUS_BODY)
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise InvalidParameter("body", 'is not valid JSON: expected {"status": "Running" | "Paused"}') from None
    if not isinstance(body, dict):
        raise InvalidParameter("status", 'is required, in an object body: {"status": "Running" | "Paused"}')
    status = body.get("status")
    if status not in STATUSES:
        raise InvalidParameter("status", f"must be Running or Paused, not {status!r}")
    return str(status)
