"""Fleet monitors (seed 001, b2b-v2-fleet.yaml and b2b-v3-fleet.yaml): create (202 with a MonitorRef),
list, read, replace (PUT, 202), delete (204) and pause or resume (PUT .../status, 202).

Every body is validated whole before anything is stored (monitoring.definition), the webhook target's
addresses included (delivery.webhook.check_target); errors are 400s naming the JSON path. A change is
committed first and then put in force in the running registry and delivery worker.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy import Connection
from starlette.responses import Response
from starlette.routing import BaseRoute

from connectedcar.api.b2c.v2.params import runtime
from connectedcar.api.errors import Conflict, Forbidden, InvalidParameter, NotFound
from connectedcar.api.fleet import V2_PREFIX, V3_PREFIX
from connectedcar.api.fleet import representations as rep
from connectedcar.api.fleet.access import check_fleet
from connectedcar.api.fleet.auth import current_fleet
from connectedcar.api.fleet.bodies import body_of, status_of
from connectedcar.api.fleet.params import FleetId
from connectedcar.api.paging import Page, paging
from connectedcar.api.rendering import HAL_TYPES, JsonResponse, hal, link, negotiate
from connectedcar.api.routing import DirectRoute
from connectedcar.delivery.webhook import DeliveryConfigError, check_target
from connectedcar.domain.entities import Fleet
from connectedcar.domain.ids import new_monitor_id
from connectedcar.domain.timefmt import format_ms
from connectedcar.engine.monitors.parsing import MonitorError
from connectedcar.monitoring.definition import MonitorDefinition, parse_definition_json
from connectedcar.store import monitors as monitor_store
from connectedcar.store.monitors import MonitorRow

MonitorIdPath = Path(..., description="The monitor's id, as POST answered it.", max_length=64)
PAGE_SIZE = 60


# -- representations -------------------------------------------------------------------------------


def _href(request: Request, fleet_id: str, monitor_id: str) -> str:
    return f"{rep.base(request)}/fleets/{fleet_id}/monitors/{monitor_id}"


def monitor_ref(request: Request, row: MonitorRow) -> dict[str, Any]:
    """The spec's MonitorRef: what POST, PUT and PUT status answer."""
    return {
        "_links": {
            "fleet": link(f"{rep.base(request)}/fleets/{row.fleet_id}"),
            "monitor": link(_href(request, row.fleet_id, row.id)),
        },
        "monitorId": row.id,
        "status": row.status,
        "createdAt": format_ms(row.created_at),
        "updatedAt": format_ms(row.updated_at),
    }


def monitor(request: Request, row: MonitorRow) -> dict[str, Any]:
    """The spec's Monitor: the parameters as accepted, with status and links."""
    return {
        "_links": {
            "self": link(_href(request, row.fleet_id, row.id)),
            "fleet": link(f"{rep.base(request)}/fleets/{row.fleet_id}"),
        },
        "monitorId": row.id,
        "monitor": row.body,
        "status": row.status,
        "createdAt": format_ms(row.created_at),
        "updatedAt": format_ms(row.updated_at),
    }


def accepted(request: Request, body: dict[str, Any]) -> Response:
    return JsonResponse(body, status_code=202, media_type=negotiate(request, HAL_TYPES))


# -- validation ------------------------------------------------------------------------------------


async def _definition(request: Request) -> MonitorDefinition:
    raw = await body_of(request)
    try:
        definition = parse_definition_json(raw)
    except (MonitorError, DeliveryConfigError) as exc:
        raise InvalidParameter(exc.field, exc.reason) from None
    settings = runtime(request).settings
    try:
        await asyncio.to_thread(
            check_target, definition.callback.target.url, settings.webhook_allow_private, path=definition.target_path
        )
    except DeliveryConfigError as exc:
        raise InvalidParameter(exc.field, exc.reason) from None
    return definition


def _owned(conn: Connection, fleet: Fleet, fid: str, mid: str) -> MonitorRow:
    check_fleet(conn, fleet, fid)
    row = monitor_store.get(conn, mid)
    if row is None:
        raise NotFound(f"No monitor found with id {mid!r} in fleet {fid!r}", code=40450)
    if row.fleet_id != fid:
        raise Forbidden(f"Monitor {mid!r} belongs to another fleet", code=40350)
    return row


def _in_force(request: Request, row: MonitorRow | None, monitor_id: str, *, reset: bool = False) -> None:
    rt = runtime(request)
    rt.monitor_subscriptions.forget(monitor_id)
    if row is None:
        rt.monitors.remove(monitor_id)
    else:
        rt.monitors.put(row, reset=reset)


# -- handlers --------------------------------------------------------------------------------------


async def create_monitor(request: Request, fid: str = FleetId, fleet: Fleet = Depends(current_fleet)) -> Response:
    """Create a monitor for every vehicle of the fleet; its events go to its callback webhook."""
    definition = await _definition(request)
    rt = runtime(request)
    now_ms = int(rt.clock.now().timestamp() * 1000)
    row = MonitorRow(
        id=new_monitor_id(),
        fleet_id=fid,
        label=definition.monitor.label,
        status="Running",
        body=definition.body,
        created_at=now_ms,
        updated_at=now_ms,
    )

    def write(conn: Connection) -> None:
        check_fleet(conn, fleet, fid)
        if monitor_store.count_of_fleet(conn, fid) >= rt.settings.max_monitors_per_fleet:
            raise Conflict(
                f"Fleet {fid!r} already has {rt.settings.max_monitors_per_fleet} monitors: delete some first"
            )
        monitor_store.create(conn, row)

    await rt.store.run(write)
    _in_force(request, row, row.id)
    return accepted(request, monitor_ref(request, row))


async def get_monitors(
    request: Request,
    fid: str = FleetId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
) -> Response:
    """The fleet's monitors, a page at a time."""

    def read(conn: Connection) -> dict[str, Any]:
        check_fleet(conn, fleet, fid)
        total, rows = monitor_store.of_fleet(conn, fid, page.offset, page.limit)
        return rep.fleet_collection(request, page, total, "monitors", [monitor(request, r) for r in rows])

    return hal(request, await runtime(request).store.run(read))


async def get_monitor(
    request: Request, fid: str = FleetId, mid: str = MonitorIdPath, fleet: Fleet = Depends(current_fleet)
) -> Response:
    """One monitor: its parameters as accepted and its status."""
    return hal(request, monitor(request, await runtime(request).store.run(lambda conn: _owned(conn, fleet, fid, mid))))


async def replace_monitor(
    request: Request, fid: str = FleetId, mid: str = MonitorIdPath, fleet: Fleet = Depends(current_fleet)
) -> Response:
    """Replace a monitor's parameters (the whole body, as for POST); what it remembered of vehicles restarts."""
    rt = runtime(request)
    await rt.store.run(lambda conn: _owned(conn, fleet, fid, mid))
    definition = await _definition(request)
    now_ms = int(rt.clock.now().timestamp() * 1000)

    def write(conn: Connection) -> MonitorRow:
        row = _owned(conn, fleet, fid, mid)
        monitor_store.replace_body(conn, mid, definition.monitor.label, definition.body, now_ms)
        return MonitorRow(
            row.id, row.fleet_id, definition.monitor.label, row.status, definition.body, row.created_at, now_ms
        )

    row = await rt.store.run(write)
    _in_force(request, row, mid, reset=True)
    return accepted(request, monitor_ref(request, row))


async def delete_monitor(
    request: Request, fid: str = FleetId, mid: str = MonitorIdPath, fleet: Fleet = Depends(current_fleet)
) -> Response:
    """Delete a monitor: no more events, and its undelivered ones are dropped."""

    def write(conn: Connection) -> None:
        _owned(conn, fleet, fid, mid)
        monitor_store.delete_monitor(conn, mid)

    await runtime(request).store.run(write)
    _in_force(request, None, mid)
    return Response(status_code=204)


async def set_monitor_status(
    request: Request, fid: str = FleetId, mid: str = MonitorIdPath, fleet: Fleet = Depends(current_fleet)
) -> Response:
    """Pause (no events while paused) or resume (Running) a monitor."""
    rt = runtime(request)
    await rt.store.run(lambda conn: _owned(conn, fleet, fid, mid))
    status = await status_of(request)
    now_ms = int(rt.clock.now().timestamp() * 1000)

    def write(conn: Connection) -> MonitorRow:
        row = _owned(conn, fleet, fid, mid)
        monitor_store.set_status(conn, mid, status, now_ms)
        return MonitorRow(row.id, row.fleet_id, row.label, status, row.body, row.created_at, now_ms)

    row = await rt.store.run(write)
    _in_force(request, row, mid)
    return accepted(request, monitor_ref(request, row))


MONITORS = "/fleets/{fid}/monitors"
ENDPOINTS: list[tuple[str, Any, str, str]] = [
    (MONITORS, create_monitor, "POST", "Create a new Monitor"),
    (MONITORS, get_monitors, "GET", "Get all monitors of the fleet"),
    (f"{MONITORS}/{{mid}}", get_monitor, "GET", "Get the monitor by monitor Id"),
    (f"{MONITORS}/{{mid}}", replace_monitor, "PUT", "Update an existing Monitor"),
    (f"{MONITORS}/{{mid}}", delete_monitor, "DELETE", "Delete an existing Monitor"),
    (f"{MONITORS}/{{mid}}/status", set_monitor_status, "PUT", "Set a new monitor status"),
]


def _routes(prefix: str) -> list[BaseRoute]:
    router = APIRouter(prefix=prefix, route_class=DirectRoute, tags=["Monitors"])
    for path, endpoint, method, summary in ENDPOINTS:
        router.add_api_route(path, endpoint, methods=[method], summary=summary)
    return list(router.routes)


V2_ROUTES = _routes(V2_PREFIX)
V3_ROUTES = _routes(V3_PREFIX)
