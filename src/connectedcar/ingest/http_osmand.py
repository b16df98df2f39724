"""The OsmAnd / Traccar Client protocol over HTTP: a small ASGI app of its own, served on its own port
(5055 by default, as Traccar's), because phone apps are configured with a bare server URL.

Answers as Traccar does: 200 with an empty body when the location is accepted, 400 with a plain-text
reason for a malformed one, 404 for a device id that is neither a vehicle's VIN nor a device id
registered with `connectedcar admin vehicle create --device-id`. Any path is accepted: apps differ in
whether they append one. When remote commands wait for the vehicle, the answer to its location
carries them (application/x-ndjson, one command object a line, as the native protocol writes them),
as Traccar hands queued commands to its devices; taking them sends them. OsmAnd and Traccar Client
cannot carry out remote actions: a device that can answers on the native result endpoint.
"""

from __future__ import annotations

import logging

import orjson
from sqlalchemy import Connection
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from connectedcar.api.errors import ServiceUnavailable
from connectedcar.domain.timefmt import to_ms
from connectedcar.ingest.bodies import BodyTooLarge, read_body
from connectedcar.ingest.errors import ReportError
from connectedcar.ingest.handoff import publish
from connectedcar.ingest.osmand import decode_osmand
from connectedcar.runtime import Runtime
from connectedcar.store.vehicles import vehicle_by_device, vehicle_by_vin

MAX_BODY = 64 * 1024  # one location; Traccar Client's JSON is well under 2 KiB

log = logging.getLogger("connectedcar.ingest.osmand")


def vehicle_of_device(conn: Connection, device_id: str) -> str | None:
    """The vehicle a device id names: a registered device id first, else a VIN."""
    vehicle = vehicle_by_device(conn, device_id) or vehicle_by_vin(conn, device_id)
    return None if vehicle is None else vehicle.id


def create_osmand_app(runtime: Runtime) -> ASGIApp:
    async def receive(request: Request) -> Response:
        body: bytes | None = None
        if request.method == "POST":
            try:
                body = await read_body(request, MAX_BODY)
            except BodyTooLarge as exc:
                return PlainTextResponse(f"{exc}: send one location per request", status_code=413)
        try:
            reading = decode_osmand(
                request.query_params, body, request.headers.get("content-type"), to_ms(runtime.clock.now())
            )
        except ReportError as exc:
            return PlainTextResponse(f"invalid location: {exc.describe()}", status_code=400)
        vehicle_id = await runtime.store.run(lambda conn: vehicle_of_device(conn, reading.device_id))
        if vehicle_id is None:
            log.info("osmand: unknown device id %r", reading.device_id)
            return PlainTextResponse(
                f"unknown device {reading.device_id!r}: use the vehicle's VIN, or register the id with "
                "'connectedcar admin vehicle create --device-id'",
                status_code=404,
            )
        try:
            await publish(runtime, [reading.for_vehicle(vehicle_id)])
        except ServiceUnavailable as exc:
            return PlainTextResponse(exc.message, status_code=503, headers=exc.headers)
        if runtime.remotes.has_commands(vehicle_id):
            # As Traccar answers its devices: the queued commands in the body, one JSON object a line.
            now_ms = to_ms(runtime.clock.now())
            commands = await runtime.store.run(lambda conn: runtime.remotes.fetch(conn, vehicle_id, now_ms))
            if commands:
                runtime.delivery.wake()
                lines = b"".join(orjson.dumps(c) + b"\n" for c in commands)
                return Response(lines, status_code=200, media_type="application/x-ndjson")
        return Response(status_code=200)

    methods = ["GET", "POST"]
    return Starlette(routes=[Route("/", receive, methods=methods), Route("/{path:path}", receive, methods=methods)])
