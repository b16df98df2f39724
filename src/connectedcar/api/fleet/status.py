"""The fleet's status list and maintenances list: one item per vehicle of the fleet, a page of
vehicles at a time (per-vehicle status and maintenance are in routes.py)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Query, Request
from sqlalchemy import Connection
from starlette.responses import Response

from connectedcar.api.b2c.v2.params import runtime
from connectedcar.api.errors import InvalidParameter
from connectedcar.api.fleet import representations as rep
from connectedcar.api.fleet.access import check_fleet
from connectedcar.api.fleet.auth import current_fleet
from connectedcar.api.fleet.params import PAGE_SIZE, FleetId, profile, split_values
from connectedcar.api.paging import Page, paging
from connectedcar.api.rendering import hal
from connectedcar.domain.entities import Fleet
from connectedcar.store import fleets, history

# Each status merges the vehicle's newest telemetry records, as GET .../vehicles/{vid}/status does.
STATUS_RECORDS = 200
# v2's fleet status `extension`: the status always carries both, so asking for them changes nothing.
STATUS_EXTENSIONS = ("odometer", "kinetic")


async def status_extensions(
    request: Request,
    extension: list[str] | None = Query(None, description="odometer, kinetic (v2): always included."),
) -> list[str]:
    """A dependency reading (and checking) v2's status `extension`."""
    asked = split_values([*(extension or []), *request.query_params.getlist("extension[]")])
    for value in asked:
        if value not in STATUS_EXTENSIONS:
            raise InvalidParameter("extension", f"expected some of {', '.join(STATUS_EXTENSIONS)}, got {value[:40]!r}")
    return asked


async def get_fleet_status(
    request: Request,
    fid: str = FleetId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    _extensions: list[str] = Depends(status_extensions),
    _: str = Depends(profile),
) -> Response:
    """The latest status of each of the fleet's vehicles, in the order of its vehicle list. A vehicle the
    platform has no data from yet is listed with its vin and links only."""

    def read(conn: Connection) -> dict[str, Any]:
        check_fleet(conn, fleet, fid)
        total, found = fleets.vehicles_of_fleet(conn, fid, page.offset, page.limit)
        items = []
        for vehicle in found:
            last = history.last_position(conn, vehicle.id)
            records = history.recent_telemetry(conn, vehicle.id, STATUS_RECORDS)
            body = rep.status(request, fid, vehicle, last, records)
            items.append(body if body is not None else rep.status_stub(request, fid, vehicle))
        return rep.fleet_collection(request, page, total, "status", items)

    return hal(request, await runtime(request).store.run(read))


async def get_fleet_maintenances(
    request: Request,
    fid: str = FleetId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    _: str = Depends(profile),
) -> Response:
    """Days and kilometres left before the next regular maintenance of each of the fleet's vehicles that
    has a countdown, in the order of its vehicle list."""

    def read(conn: Connection) -> dict[str, Any]:
        check_fleet(conn, fleet, fid)
        total, found = history.fleet_maintenances_page(conn, fid, page.offset, page.limit)
        items = [rep.maintenances(request, fid, m, vin) for m, vin in found]
        return rep.fleet_collection(request, page, total, "maintenances", items)

    return hal(request, await runtime(request).store.run(read))


ENDPOINTS: list[tuple[str, Any, str]] = [
    ("/fleets/{fid}/status", get_fleet_status, "Fleet vehicles status"),
    ("/fleets/{fid}/maintenances", get_fleet_maintenances, "Fleet vehicles maintenances"),
]
