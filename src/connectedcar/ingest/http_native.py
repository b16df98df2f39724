"""The native protocol over HTTP: `POST /ingest/v1/reports`, a vehicle's batch of reports.

A vehicle authenticates with its device token (`Authorization: Bearer <token>`, from `connectedcar
admin vehicle token`). A batch is taken whole or not at all: the first bad value refuses it with a 400
naming the report and the field, and nothing of it reaches the bus. 202 means the reports are on the
bus: processing (and the pipeline's own filtering of duplicates and future reports) follows.

Remote commands (issue 5): the answer to a batch carries the vehicle's queued commands, if any
(`{"accepted": n, "commands": [...]}`); `GET /ingest/v1/commands` takes them without sending reports
(a parked vehicle's telematics unit waking up); `POST /ingest/v1/commands/{id}/result` reports the
outcome: `{"result": "Success" | "AlreadyDone" | "Failed", "failureCause": ..., "feedbackDetail": ...}`
(204; 404 for a command this vehicle does not have; 409 when the action is already over).
A command is `{"id", "type", "action" (the Remote body as the fleet owner posted it), "issuedAt",
"expiresAt"}`.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from connectedcar.api.errors import (
    ApiError,
    BadRequest,
    Conflict,
    InvalidParameter,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
)
from connectedcar.api.rendering import JsonResponse
from connectedcar.domain.credentials import hash_token
from connectedcar.domain.timefmt import to_ms
from connectedcar.ingest import native
from connectedcar.ingest.bodies import BodyTooLarge, read_body
from connectedcar.ingest.errors import ReportError
from connectedcar.ingest.handoff import publish
from connectedcar.remote.service import CommandError
from connectedcar.runtime import Runtime
from connectedcar.store.vehicles import vehicle_id_by_device_token_hash

PATH = "/ingest/v1/reports"
COMMANDS = "/ingest/v1/commands"
MAX_BODY = 1 << 20  # 1 MiB: a full batch of rich reports is about a third of it

router = APIRouter()


class UnsupportedMediaType(ApiError):
    default_status, default_code = 415, 41500


class InvalidReport(BadRequest):
    default_code = 40001

    def __init__(self, error: ReportError) -> None:
        batch = (
            "Nothing was accepted."
            if error.index is None
            else "The whole batch was refused: none of its reports was accepted; fix this one and send them again."
        )
        super().__init__(f"Invalid report: {error.describe()}. {batch}", code=40000 if error.field == "body" else None)
        self.error = error


@router.post(PATH, status_code=202, include_in_schema=False)
async def post_reports(request: Request) -> Response:
    """Accept a vehicle's batch of reports (the native protocol); 202 once they are on the bus."""
    runtime: Runtime = request.app.state.runtime
    vehicle_id = await _vehicle_of_token(request, runtime)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        shown = media_type or "none"
        raise UnsupportedMediaType(f"Reports are sent as application/json, not {shown}")
    try:
        body = await read_body(request, MAX_BODY)
    except BodyTooLarge:
        raise PayloadTooLarge(f"The request body is larger than {MAX_BODY} bytes: send smaller batches") from None
    try:
        reports = native.decode_batch(body, vehicle_id, to_ms(runtime.clock.now()))
    except ReportError as exc:
        raise InvalidReport(exc) from None
    await publish(runtime, reports)
    answer: dict[str, Any] = {"accepted": len(reports)}
    if runtime.remotes.has_commands(vehicle_id):  # queued commands ride on the answer, as Traccar does
        answer["commands"] = await _take_commands(runtime, vehicle_id)
    return JsonResponse(answer, status_code=202, media_type="application/json")


async def _take_commands(runtime: Runtime, vehicle_id: str) -> list[dict[str, Any]]:
    now_ms = to_ms(runtime.clock.now())
    commands = await runtime.store.run(lambda conn: runtime.remotes.fetch(conn, vehicle_id, now_ms))
    if commands:
        runtime.delivery.wake()
    return commands


@router.get(COMMANDS, include_in_schema=False)
async def get_commands(request: Request) -> Response:
    """The vehicle's queued remote commands: taking them is what sends them (SentToVehicle)."""
    runtime: Runtime = request.app.state.runtime
    vehicle_id = await _vehicle_of_token(request, runtime)
    commands = await _take_commands(runtime, vehicle_id) if runtime.remotes.has_commands(vehicle_id) else []
    return JsonResponse({"commands": commands}, media_type="application/json")


@router.post(COMMANDS + "/{command_id}/result", status_code=204, include_in_schema=False)
async def post_command_result(request: Request, command_id: str) -> Response:
    """The vehicle's result for one of its commands: Success, AlreadyDone, or Failed with a cause."""
    runtime: Runtime = request.app.state.runtime
    vehicle_id = await _vehicle_of_token(request, runtime)
    try:
        body = await read_body(request, 16 * 1024)
    except BodyTooLarge:
        raise PayloadTooLarge("A command result is at most 16 KiB") from None
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidParameter(
            "body", 'is not JSON: expected {"result": "Success" | "AlreadyDone" | "Failed"}'
        ) from None
    now_ms = to_ms(runtime.clock.now())
    try:
        row, applied = await runtime.store.run(
            lambda conn: runtime.remotes.take_result(conn, vehicle_id, command_id, payload, now_ms)
        )
    except CommandError as exc:
        raise InvalidParameter(exc.field, exc.reason) from None
    if row is None:
        raise NotFound(f"This vehicle has no command {command_id!r}", code=40470)
    if not applied:
        raise Conflict(f"Command {command_id!r} is already over (timed out or answered): this result changes nothing")
    runtime.delivery.wake()
    return Response(status_code=204)


async def _vehicle_of_token(request: Request, runtime: Runtime) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise Unauthorized("Missing device token: send 'Authorization: Bearer <device token>'", error="", code=40101)
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized(
            "The Authorization header must be 'Bearer <device token>'", error="invalid_request", code=40102
        )
    token_hash = hash_token(token)
    vehicle_id = await runtime.store.run(lambda conn: vehicle_id_by_device_token_hash(conn, token_hash))
    if vehicle_id is None:
        raise Unauthorized("Unknown device token", code=40103)
    return vehicle_id
