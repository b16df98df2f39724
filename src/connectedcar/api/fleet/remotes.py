"""Remote callbacks and remote actions of the Fleet Owner API v3 (seed 004, b2b-v3-fleet.yaml).

Callbacks: POST (200 with a CallbackRef, as the spec answers), GET one and all (`types` filter), PUT
(replace, 202), PUT .../status (Running or Paused, 202), DELETE (204; 409 while an action on it is
still in progress, as the spec says "if and only if there is no pending remote attached to it").
Remote actions: POST .../vehicles/{vid}/callbacks/{cbid}/remotes (202 with a RemotePostResponse at
once; the lifecycle then reports to the callback), GET one and all. Bodies are validated whole
(engine.remotes.parsing) before anything is stored; errors are 400s naming the JSON path.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import Connection
from starlette.responses import Response
from starlette.routing import BaseRoute

from connectedcar.api.b2c.v2.params import runtime
from connectedcar.api.errors import Conflict, Forbidden, InvalidParameter, NotFound
from connectedcar.api.fleet import V3_PREFIX
from connectedcar.api.fleet import representations as rep
from connectedcar.api.fleet.access import check_fleet, fleet_vehicle
from connectedcar.api.fleet.auth import current_fleet
from connectedcar.api.fleet.bodies import body_of, status_of
from connectedcar.api.fleet.params import FleetId, VehicleId, split_values
from connectedcar.api.paging import Page, paging
from connectedcar.api.rendering import HAL_TYPES, JsonResponse, hal, link, negotiate
from connectedcar.api.routing import DirectRoute
from connectedcar.delivery.webhook import DeliveryConfigError, check_target
from connectedcar.domain.entities import Fleet
from connectedcar.domain.ids import new_callback_id, new_remote_action_id
from connectedcar.engine.remotes.model import REMOTE_TYPES, RemoteCallback
from connectedcar.engine.remotes.parsing import (
    RemoteError,
    check_callback_serves,
    parse_remote_action,
    parse_remote_callback,
)
from connectedcar.store import remotes as remote_store
from connectedcar.store.remotes import ActionRow, CallbackRow

CallbackIdPath = Path(..., description="The remote callback's id.", max_length=64)
RemoteIdPath = Path(..., description="The remote action's id.", max_length=64)
PAGE_SIZE = 60
MAX_CALLBACKS_PER_FLEET = 100


def _now_ms(request: Request) -> int:
    return int(runtime(request).clock.now().timestamp() * 1000)


# -- representations -------------------------------------------------------------------------------


def _fleet_href(request: Request, fleet_id: str) -> str:
    return f"{rep.base(request)}/fleets/{fleet_id}"


def _callback_href(request: Request, row: CallbackRow) -> str:
    return f"{_fleet_href(request, row.fleet_id)}/remote/callbacks/{row.id}"


def callback_ref(request: Request, row: CallbackRow) -> dict[str, Any]:
    return {
        "_links": {"fleet": link(_fleet_href(request, row.fleet_id)), "callback": link(_callback_href(request, row))},
        "callbackId": row.id,
        "status": row.status,
    }


def callback(request: Request, row: CallbackRow) -> dict[str, Any]:
    fleet = _fleet_href(request, row.fleet_id)
    return {
        "_links": {
            "self": link(_callback_href(request, row)),
            "fleet": link(fleet),
            "remotes": {"href": f"{fleet}/vehicles/{{vid}}/callbacks/{row.id}/remotes", "templated": True},
        },
        "id": row.id,
        "subscribe": row.body,
        "status": row.status,
    }


def _remote_href(request: Request, row: ActionRow) -> str:
    return (
        f"{_fleet_href(request, row.fleet_id)}/vehicles/{row.vehicle_id}/callbacks/{row.callback_id}/remotes/{row.id}"
    )


def remote_ref(request: Request, row: ActionRow) -> dict[str, Any]:
    return {
        "_links": {
            "fleet": link(_fleet_href(request, row.fleet_id)),
            "callback": link(f"{_fleet_href(request, row.fleet_id)}/remote/callbacks/{row.callback_id}"),
            "remote": link(_remote_href(request, row)),
        },
        "remoteActionId": row.id,
        "type": row.type,
    }


def remote(request: Request, row: ActionRow) -> dict[str, Any]:
    out: dict[str, Any] = {
        "_links": {
            "self": link(_remote_href(request, row)),
            "fleet": link(_fleet_href(request, row.fleet_id)),
            "callback": link(f"{_fleet_href(request, row.fleet_id)}/remote/callbacks/{row.callback_id}"),
        },
        "remoteActionId": row.id,
        "type": row.type,
        "remote": row.body,
        "status": row.status,
    }
    if row.state.get("failureCause") is not None:
        out["failureCause"] = row.state["failureCause"]
    if row.state.get("feedbackDetail") is not None:
        out["feedbackDetail"] = row.state["feedbackDetail"]
    return out


def _answer(request: Request, body: dict[str, Any], status: int) -> Response:
    return JsonResponse(body, status_code=status, media_type=negotiate(request, HAL_TYPES))


# -- checks ----------------------------------------------------------------------------------------


async def _callback_definition(request: Request) -> tuple[RemoteCallback, dict[str, Any]]:
    raw = await body_of(request)
    try:
        parsed = parse_remote_callback(raw)
    except RemoteError as exc:
        raise InvalidParameter(exc.field, exc.reason) from None
    body = orjson.loads(raw)
    settings = runtime(request).settings
    webhook = body.get("callback", {})
    path = "callback.webhook.target" if isinstance(webhook, dict) and "webhook" in webhook else "callback.target"
    try:
        await asyncio.to_thread(check_target, parsed.webhook.url, settings.webhook_allow_private, path=path)
    except DeliveryConfigError as exc:
        raise InvalidParameter(exc.field, exc.reason) from None
    return parsed, body


def _owned_callback(conn: Connection, fleet: Fleet, fid: str, cbid: str) -> CallbackRow:
    check_fleet(conn, fleet, fid)
    row = remote_store.callback(conn, cbid)
    if row is None:
        raise NotFound(f"No remote callback found with id {cbid!r}", code=40460)
    if row.fleet_id != fid:
        raise Forbidden(f"Remote callback {cbid!r} belongs to another fleet", code=40360)
    return row


def _forget(request: Request, callback_id: str) -> None:
    runtime(request).callback_subscriptions.forget(callback_id)


# -- callbacks -------------------------------------------------------------------------------------


async def create_callback(request: Request, fid: str = FleetId, fleet: Fleet = Depends(current_fleet)) -> Response:
    """Register a reusable remote callback: the webhook remote actions report to, and the types it serves."""
    parsed, body = await _callback_definition(request)
    now_ms = _now_ms(request)
    row = CallbackRow(new_callback_id(), fid, parsed.label, "Running", body, now_ms, now_ms)

    def write(conn: Connection) -> None:
        check_fleet(conn, fleet, fid)
        if remote_store.count_callbacks(conn, fid) >= MAX_CALLBACKS_PER_FLEET:
            raise Conflict(f"Fleet {fid!r} already has {MAX_CALLBACKS_PER_FLEET} remote callbacks")
        remote_store.create_callback(conn, row)

    await runtime(request).store.run(write)
    return _answer(request, callback_ref(request, row), 200)


async def types_filter(
    request: Request,
    types: list[str] | None = Query(
        None, description="Only the callbacks serving one of these remote types (repeated or comma-separated)."
    ),
) -> str | None:
    # An array in the spec: repeated (OpenAPI's default), `types[]`, comma-separated or an array literal.
    wanted = split_values([*(types or []), *request.query_params.getlist("types[]")])
    if not wanted:
        return None
    for t in wanted:
        if t not in REMOTE_TYPES:
            raise InvalidParameter("types", f"must be remote types ({', '.join(REMOTE_TYPES)}), not {t[:40]!r}")
    return ",".join(wanted)


async def get_callbacks(
    request: Request,
    fid: str = FleetId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    types: str | None = Depends(types_filter),
) -> Response:
    """The fleet's remote callbacks, a page at a time."""

    def read(conn: Connection) -> dict[str, Any]:
        check_fleet(conn, fleet, fid)
        total, rows = remote_store.callbacks_of_fleet(conn, fid, 0, 10_000)
        if types is not None:
            wanted = set(types.split(","))
            rows = [r for r in rows if wanted & set(parse_remote_callback(r.body).notification_types)]
            total = len(rows)
        items = [callback(request, r) for r in rows[page.offset : page.offset + page.limit]]
        return rep.fleet_collection(request, page, total, "callbacks", items)

    return hal(request, await runtime(request).store.run(read))


async def get_callback(
    request: Request, fid: str = FleetId, cbid: str = CallbackIdPath, fleet: Fleet = Depends(current_fleet)
) -> Response:
    """One remote callback: its subscription as accepted and its status."""
    row = await runtime(request).store.run(lambda conn: _owned_callback(conn, fleet, fid, cbid))
    return hal(request, callback(request, row))


async def replace_callback(
    request: Request, fid: str = FleetId, cbid: str = CallbackIdPath, fleet: Fleet = Depends(current_fleet)
) -> Response:
    """Replace a remote callback's subscription (the whole body, as for POST)."""
    await runtime(request).store.run(lambda conn: _owned_callback(conn, fleet, fid, cbid))
    parsed, body = await _callback_definition(request)
    now_ms = _now_ms(request)

    def write(conn: Connection) -> CallbackRow:
        row = _owned_callback(conn, fleet, fid, cbid)
        remote_store.replace_callback(conn, cbid, parsed.label, body, now_ms)
        return CallbackRow(row.id, row.fleet_id, parsed.label, row.status, body, row.created_at, now_ms)

    row = await runtime(request).store.run(write)
    _forget(request, cbid)
    return _answer(request, callback_ref(request, row), 202)


async def set_callback_status(
    request: Request, fid: str = FleetId, cbid: str = CallbackIdPath, fleet: Fleet = Depends(current_fleet)
) -> Response:
    """Pause (no events posted) or resume a remote callback."""
    await runtime(request).store.run(lambda conn: _owned_callback(conn, fleet, fid, cbid))
    status = await status_of(request)
    now_ms = _now_ms(request)

    def write(conn: Connection) -> CallbackRow:
        row = _owned_callback(conn, fleet, fid, cbid)
        remote_store.set_callback_status(conn, cbid, status, now_ms)
        return CallbackRow(row.id, row.fleet_id, row.label, status, row.body, row.created_at, now_ms)

    row = await runtime(request).store.run(write)
    _forget(request, cbid)
    return _answer(request, callback_ref(request, row), 202)


async def delete_callback(
    request: Request, fid: str = FleetId, cbid: str = CallbackIdPath, fleet: Fleet = Depends(current_fleet)
) -> Response:
    """Delete a remote callback, if no remote action on it is still in progress."""

    def write(conn: Connection) -> None:
        _owned_callback(conn, fleet, fid, cbid)
        pending = remote_store.pending_of_callback(conn, cbid)
        if pending:
            raise Conflict(f"Remote callback {cbid!r} has {pending} remote action(s) in progress: try again later")
        remote_store.delete_callback(conn, cbid)

    await runtime(request).store.run(write)
    _forget(request, cbid)
    return Response(status_code=204)


# -- remote actions --------------------------------------------------------------------------------


async def create_remote(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    cbid: str = CallbackIdPath,
    fleet: Fleet = Depends(current_fleet),
) -> Response:
    """Send one remote action to a vehicle; its lifecycle is reported to the callback."""
    rt = runtime(request)

    def owned(conn: Connection) -> CallbackRow:
        fleet_vehicle(conn, fleet, fid, vid)
        return _owned_callback(conn, fleet, fid, cbid)

    await rt.store.run(owned)
    raw = await body_of(request)
    try:
        parsed = parse_remote_action(raw)
    except RemoteError as exc:
        raise InvalidParameter(exc.field, exc.reason) from None
    body = orjson.loads(raw)
    now_ms = _now_ms(request)

    def write(conn: Connection) -> ActionRow:
        fleet_vehicle(conn, fleet, fid, vid)
        row = _owned_callback(conn, fleet, fid, cbid)
        try:
            check_callback_serves(parse_remote_callback(row.body), parsed)
        except RemoteError as exc:
            raise InvalidParameter(exc.field, exc.reason) from None
        return rt.remotes.submit(
            conn,
            action_id=new_remote_action_id(),
            fleet_id=fid,
            vehicle_id=vid,
            callback=row,
            remote=parsed,
            body=body,
            now_ms=now_ms,
        )

    action = await rt.store.run(write)
    rt.delivery.wake()
    return _answer(request, remote_ref(request, action), 202)


async def get_remotes(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    cbid: str = CallbackIdPath,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
) -> Response:
    """The remote actions sent to this vehicle through this callback, oldest first."""

    def read(conn: Connection) -> dict[str, Any]:
        fleet_vehicle(conn, fleet, fid, vid)
        _owned_callback(conn, fleet, fid, cbid)
        total, rows = remote_store.actions_of(conn, cbid, vid, page.offset, page.limit)
        return rep.fleet_collection(request, page, total, "remoteActions", [remote(request, r) for r in rows])

    return hal(request, await runtime(request).store.run(read))


async def get_remote(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    cbid: str = CallbackIdPath,
    rid: str = RemoteIdPath,
    fleet: Fleet = Depends(current_fleet),
) -> Response:
    """One remote action and where its lifecycle stands."""

    def read(conn: Connection) -> dict[str, Any]:
        fleet_vehicle(conn, fleet, fid, vid)
        _owned_callback(conn, fleet, fid, cbid)
        row = remote_store.action(conn, rid)
        if row is None or row.vehicle_id != vid or row.callback_id != cbid:
            raise NotFound(f"No remote action found with id {rid!r}", code=40461)
        return remote(request, row)

    return hal(request, await runtime(request).store.run(read))


CALLBACKS = "/fleets/{fid}/remote/callbacks"
REMOTES = "/fleets/{fid}/vehicles/{vid}/callbacks/{cbid}/remotes"
ENDPOINTS: list[tuple[str, Any, str, str]] = [
    (CALLBACKS, create_callback, "POST", "Register a new reusable remote callback"),
    (CALLBACKS, get_callbacks, "GET", "Get all remote callbacks of a fleet"),
    (f"{CALLBACKS}/{{cbid}}", get_callback, "GET", "Get a remote callback of a fleet"),
    (f"{CALLBACKS}/{{cbid}}", replace_callback, "PUT", "Update an existing remote callback"),
    (f"{CALLBACKS}/{{cbid}}", delete_callback, "DELETE", "Delete an existing callback"),
    (f"{CALLBACKS}/{{cbid}}/status", set_callback_status, "PUT", "Set a remote callback new status"),
    (REMOTES, create_remote, "POST", "Send a remote action to a vehicle"),
    (REMOTES, get_remotes, "GET", "Get all remote actions of a vehicle and callback"),
    (f"{REMOTES}/{{rid}}", get_remote, "GET", "Get a remote action"),
]


def _routes(prefix: str) -> list[BaseRoute]:
    router = APIRouter(prefix=prefix, route_class=DirectRoute, tags=["Remote"])
    for path, endpoint, method, summary in ENDPOINTS:
        router.add_api_route(path, endpoint, methods=[method], summary=summary)
    return list(router.routes)


V3_ROUTES = _routes(V3_PREFIX)
