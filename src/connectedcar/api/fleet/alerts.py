"""The alerts of all a fleet's vehicles, and one of them by id (per-vehicle alerts are in routes.py)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from sqlalchemy import Connection
from starlette.responses import Response

from connectedcar.api.b2c.v2.params import locale, runtime
from connectedcar.api.fleet import representations as rep
from connectedcar.api.fleet.access import check_fleet, fleet_alert
from connectedcar.api.fleet.auth import current_fleet
from connectedcar.api.fleet.params import PAGE_SIZE, AlertId, FleetId, Timestamps, profile, timestamps
from connectedcar.api.paging import Page, paging
from connectedcar.api.rendering import hal
from connectedcar.domain.entities import Fleet
from connectedcar.store import history


async def get_fleet_alerts(
    request: Request,
    fid: str = FleetId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
    lang: str = Depends(locale),
    _: str = Depends(profile),
) -> Response:
    """The alerts of all the fleet's vehicles, newest first, with messages in the requested locale."""

    def read(conn: Connection) -> dict[str, Any]:
        check_fleet(conn, fleet, fid)
        total, found = history.alerts_page(conn, times.window(page), fleet_id=fid)
        vins = history.fleet_vins(conn, fid, [a.vehicle_id for a in found])
        items = [rep.alert(request, fid, a, lang, vins[a.vehicle_id]) for a in found if a.vehicle_id in vins]
        return rep.fleet_collection(request, page, total, "alerts", items)

    return hal(request, await runtime(request).store.run(read))


async def get_fleet_alert(
    request: Request,
    fid: str = FleetId,
    aid: str = AlertId,
    fleet: Fleet = Depends(current_fleet),
    lang: str = Depends(locale),
    _: str = Depends(profile),
) -> Response:
    """One alert of a vehicle of the fleet."""

    def read(conn: Connection) -> dict[str, Any]:
        check_fleet(conn, fleet, fid)
        found, vin = fleet_alert(conn, fid, aid)
        return rep.alert(request, fid, found, lang, vin)

    return hal(request, await runtime(request).store.run(read))


ENDPOINTS: list[tuple[str, Any, str]] = [
    ("/fleets/{fid}/alerts", get_fleet_alerts, "Fleet vehicles alerts"),
    ("/fleets/{fid}/alerts/{aid}", get_fleet_alert, "Fleet single alert"),
]
