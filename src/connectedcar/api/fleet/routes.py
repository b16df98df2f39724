"""The Fleet API's reads: fleets, their vehicles, and each vehicle's last position, status, alerts and
maintenance; and the route tables of both versions, with the resources other modules serve (trips,
telemetry, collisions, fleet-wide alerts, status and maintenances). The same handlers serve
/connectedcar/v2 and /connectedcar/v3 where the two specs list the same path; links follow the
version called, and so do the shapes where the specs differ."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import Connection
from starlette.responses import Response
from starlette.routing import BaseRoute

from connectedcar.api.b2c.v2.params import locale, runtime
from connectedcar.api.errors import InvalidParameter, NotFound
from connectedcar.api.fleet import V2_PREFIX, V3_PREFIX, alerts, collisions, status, telemetry, trips
from connectedcar.api.fleet import representations as rep
from connectedcar.api.fleet.access import check_fleet, fleet_vehicle
from connectedcar.api.fleet.auth import current_fleet
from connectedcar.api.fleet.params import PAGE_SIZE, AlertId, FleetId, Timestamps, VehicleId, profile, timestamps
from connectedcar.api.paging import Page, paging
from connectedcar.api.rendering import geo, hal
from connectedcar.api.routing import DirectRoute
from connectedcar.domain.entities import Fleet
from connectedcar.store import fleets, history

# Status merges the newest telemetry records: each part takes its newest value among these.
STATUS_RECORDS = status.STATUS_RECORDS


async def vin_prefix(
    vinPrefix: str | None = Query(None, description="Only vehicles whose VIN starts with this prefix."),
) -> str | None:
    """A dependency reading vinPrefix."""
    if vinPrefix is None or vinPrefix.strip() == "":
        return None
    value = vinPrefix.strip()
    if len(value) > 17 or not value.isalnum():
        raise InvalidParameter("vinPrefix", f"expected up to 17 letters and digits, got {vinPrefix[:40]!r}")
    return value


async def get_fleets(
    request: Request,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    _: str = Depends(profile),
) -> Response:
    """The fleets these credentials give access to."""
    items = [rep.fleet(request, fleet)][page.offset : page.offset + page.limit]
    return hal(request, rep.fleet_collection(request, page, 1, "fleets", items))


async def get_fleet(
    request: Request, fid: str = FleetId, fleet: Fleet = Depends(current_fleet), _: str = Depends(profile)
) -> Response:
    """One fleet: its name and links to its vehicles."""

    def read(conn: Connection) -> dict[str, Any]:
        check_fleet(conn, fleet, fid)
        return rep.fleet(request, fleet)

    return hal(request, await runtime(request).store.run(read))


async def get_vehicles(
    request: Request,
    fid: str = FleetId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    prefix: str | None = Depends(vin_prefix),
    _: str = Depends(profile),
) -> Response:
    """The fleet's vehicles, a page at a time (indexRange and pageSize, or limit and offset)."""

    def read(conn: Connection) -> dict[str, Any]:
        check_fleet(conn, fleet, fid)
        total, found = fleets.vehicles_of_fleet(conn, fid, page.offset, page.limit, vin_prefix=prefix)
        return rep.fleet_collection(request, page, total, "vehicles", [rep.vehicle(request, fid, v) for v in found])

    return hal(request, await runtime(request).store.run(read))


async def get_vehicle(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    fleet: Fleet = Depends(current_fleet),
    _: str = Depends(profile),
) -> Response:
    """One vehicle of the fleet."""

    def read(conn: Connection) -> dict[str, Any]:
        return rep.vehicle(request, fid, fleet_vehicle(conn, fleet, fid, vid))

    return hal(request, await runtime(request).store.run(read))


async def get_last_position(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    fleet: Fleet = Depends(current_fleet),
    _: str = Depends(profile),
) -> Response:
    """The vehicle's last known position, as a GeoJSON Feature (application/vnd.geo+json)."""

    def read(conn: Connection) -> dict[str, Any]:
        vehicle = fleet_vehicle(conn, fleet, fid, vid)
        _, _, found = history.vehicle_last_position(conn, vid)
        if found is None:
            raise NotFound(f"No geolocation data found for vehicle {vid!r}", code=40411)
        return rep.position(found, vehicle.vin)

    return geo(request, await runtime(request).store.run(read))


async def get_status(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    fleet: Fleet = Depends(current_fleet),
    _: str = Depends(profile),
) -> Response:
    """The vehicle's latest status: position, ignition, energy levels and autonomy, doors, odometer, motion."""

    def read(conn: Connection) -> dict[str, Any]:
        vehicle = fleet_vehicle(conn, fleet, fid, vid)
        last = history.last_position(conn, vid)
        records = history.recent_telemetry(conn, vid, STATUS_RECORDS)
        body = rep.status(request, fid, vehicle, last, records)
        if body is None:
            raise NotFound(f"No status data found for vehicle {vid!r}", code=40416)
        return body

    return hal(request, await runtime(request).store.run(read))


async def get_alerts(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
    lang: str = Depends(locale),
    _: str = Depends(profile),
) -> Response:
    """The vehicle's alerts, newest first, with messages in the requested locale."""

    def read(conn: Connection) -> dict[str, Any]:
        vehicle = fleet_vehicle(conn, fleet, fid, vid)
        total, found = history.alerts_page(conn, times.window(page), vehicle_id=vid)
        items = [rep.alert(request, fid, a, lang, vehicle.vin) for a in found]
        return rep.fleet_collection(request, page, total, "alerts", items)

    return hal(request, await runtime(request).store.run(read))


async def get_alert(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    aid: str = AlertId,
    fleet: Fleet = Depends(current_fleet),
    lang: str = Depends(locale),
    _: str = Depends(profile),
) -> Response:
    """One alert of the vehicle."""

    def read(conn: Connection) -> dict[str, Any]:
        vehicle = fleet_vehicle(conn, fleet, fid, vid)
        found = history.alert_by_id(conn, aid)
        if found is None or found.vehicle_id != vid:
            raise NotFound(f"No alert found with id {aid!r} on vehicle {vid!r}", code=40413)
        return rep.alert(request, fid, found, lang, vehicle.vin)

    return hal(request, await runtime(request).store.run(read))


async def get_maintenance(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    fleet: Fleet = Depends(current_fleet),
    _: str = Depends(profile),
) -> Response:
    """Days and kilometres left before the vehicle's next regular maintenance."""

    def read(conn: Connection) -> dict[str, Any]:
        vehicle = fleet_vehicle(conn, fleet, fid, vid)
        found = history.maintenance_of(conn, vid)
        if found is None:
            raise NotFound(f"No maintenance data found for vehicle {vid!r}", code=40412)
        return rep.maintenance(request, fid, found, vehicle.vin)

    return hal(request, await runtime(request).store.run(read))


VEHICLE = "/fleets/{fid}/vehicles/{vid}"
ENDPOINTS: list[tuple[str, Any, str]] = [
    ("/fleets", get_fleets, "Fleets owned by a partner"),
    ("/fleets/{fid}", get_fleet, "Fleet's information"),
    ("/fleets/{fid}/vehicles", get_vehicles, "List of vehicles"),
    (VEHICLE, get_vehicle, "Details of a vehicle"),
    (f"{VEHICLE}/lastPosition", get_last_position, "Last position identified"),
    (f"{VEHICLE}/status", get_status, "Vehicle status"),
    (f"{VEHICLE}/alerts", get_alerts, "Alerts related to a vehicle"),
    (f"{VEHICLE}/alerts/{{aid}}", get_alert, "Alert related to a vehicle"),
    (f"{VEHICLE}/maintenance", get_maintenance, "Vehicle maintenance"),
]


# What each spec lists: both list the same per-vehicle and fleet-wide reads, and v2 also lists the
# trip sub-resources under the fleet itself (/fleets/{fid}/trips/{tid}/...).
SHARED_ENDPOINTS: list[tuple[str, Any, str]] = [
    *ENDPOINTS,
    *status.ENDPOINTS,
    *alerts.ENDPOINTS,
    *telemetry.ENDPOINTS,
    *trips.ENDPOINTS,
    *collisions.ENDPOINTS,
]
V2_ENDPOINTS = [*SHARED_ENDPOINTS, *trips.V2_ENDPOINTS]
V3_ENDPOINTS = SHARED_ENDPOINTS


def _routes(prefix: str, endpoints: list[tuple[str, Any, str]]) -> list[BaseRoute]:
    router = APIRouter(prefix=prefix, route_class=DirectRoute, tags=["Fleet"])
    for path, endpoint, summary in endpoints:
        router.add_api_route(path, endpoint, methods=["GET"], summary=summary)
    return list(router.routes)


V2_ROUTES = _routes(V2_PREFIX, V2_ENDPOINTS)
V3_ROUTES = _routes(V3_PREFIX, V3_ENDPOINTS)
