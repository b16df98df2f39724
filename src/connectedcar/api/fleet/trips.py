"""Trips of a fleet's vehicles and what happened during them: alerts, waypoints, telemetry, collisions.

Both specs serve them under the vehicle (/fleets/{fid}/vehicles/{vid}/trips/{tid}/...); v2 also under
the fleet (/fleets/{fid}/trips/{tid}/...). Each pair shares one reader; the handlers only differ by
the vehicle id the path names (None: any vehicle of the fleet)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from sqlalchemy import Connection
from starlette.responses import Response

from connectedcar.api.b2c.v2.params import locale, runtime
from connectedcar.api.errors import NotFound
from connectedcar.api.fleet import representations as rep
from connectedcar.api.fleet.access import check_fleet, fleet_alert, fleet_vehicle, trip_vehicle
from connectedcar.api.fleet.auth import current_fleet
from connectedcar.api.fleet.params import (
    PAGE_SIZE,
    AlertId,
    FleetId,
    Timestamps,
    TripId,
    TripQuery,
    VehicleId,
    is_v2,
    profile,
    timestamps,
    tolerance,
    trip_query,
)
from connectedcar.api.fleet.path_simplify import simplify
from connectedcar.api.fleet.telemetry import telemetry_collection, telemetry_extensions, telemetry_types
from connectedcar.api.paging import Page, paging
from connectedcar.api.rendering import hal
from connectedcar.domain.entities import Fleet, Trip
from connectedcar.store import history


def _trips(conn: Connection, request: Request, fid: str, page: Page, total: int, found: list[Trip]) -> dict[str, Any]:
    vins = history.fleet_vins(conn, fid, [t.vehicle_id for t in found])
    items = [rep.trip(request, fid, t, vins[t.vehicle_id]) for t in found if t.vehicle_id in vins]
    return rep.fleet_collection(request, page, total, "trips", items)


async def get_vehicle_trips(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
    query: TripQuery = Depends(trip_query),
    _: str = Depends(profile),
) -> Response:
    """The vehicle's trips, the most recently started first."""

    def read(conn: Connection) -> dict[str, Any]:
        fleet_vehicle(conn, fleet, fid, vid)
        if query.none:
            return rep.fleet_collection(request, page, 0, "trips", [])
        total, found = history.trips_page(conn, times.window(page), vehicle_id=vid, filter=query.filter)
        return _trips(conn, request, fid, page, total, list(found))

    return hal(request, await runtime(request).store.run(read))


async def get_fleet_trips(
    request: Request,
    fid: str = FleetId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
    query: TripQuery = Depends(trip_query),
    _: str = Depends(profile),
) -> Response:
    """The trips of all the fleet's vehicles, the most recently started first."""

    def read(conn: Connection) -> dict[str, Any]:
        check_fleet(conn, fleet, fid)
        if query.none:
            return rep.fleet_collection(request, page, 0, "trips", [])
        total, found = history.trips_page(conn, times.window(page), fleet_id=fid, filter=query.filter)
        return _trips(conn, request, fid, page, total, list(found))

    return hal(request, await runtime(request).store.run(read))


# -- one trip -------------------------------------------------------------------------------------


async def _trip(request: Request, fleet: Fleet, fid: str, tid: str, vid: str | None) -> Response:
    def read(conn: Connection) -> dict[str, Any]:
        vehicle = trip_vehicle(conn, fleet, fid, tid, vid)
        found = history.trip_by_id(conn, tid)
        if found is None:
            raise NotFound(f"No trip found with id {tid!r}", code=40420)
        return rep.trip(request, fid, found, vehicle.vin)

    return hal(request, await runtime(request).store.run(read))


async def get_vehicle_trip(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    tid: str = TripId,
    fleet: Fleet = Depends(current_fleet),
    _: str = Depends(profile),
) -> Response:
    """One trip of the vehicle, with its start and stop positions."""
    return await _trip(request, fleet, fid, tid, vid)


async def get_fleet_trip(
    request: Request, fid: str = FleetId, tid: str = TripId, fleet: Fleet = Depends(current_fleet)
) -> Response:
    """One trip of a vehicle of the fleet, with its start and stop positions."""
    return await _trip(request, fleet, fid, tid, None)


# -- trip alerts ----------------------------------------------------------------------------------


async def _trip_alerts(
    request: Request, fleet: Fleet, fid: str, tid: str, vid: str | None, page: Page, times: Timestamps, lang: str
) -> Response:
    def read(conn: Connection) -> dict[str, Any]:
        vehicle = trip_vehicle(conn, fleet, fid, tid, vid)
        total, found = history.alerts_page(conn, times.window(page), trip_id=tid)
        items = [rep.alert(request, fid, a, lang, vehicle.vin) for a in found]
        return rep.fleet_collection(request, page, total, "alerts", items)

    return hal(request, await runtime(request).store.run(read))


async def get_vehicle_trip_alerts(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    tid: str = TripId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
    lang: str = Depends(locale),
    _: str = Depends(profile),
) -> Response:
    """The alerts raised during the vehicle's trip, newest first, with messages in the requested locale."""
    return await _trip_alerts(request, fleet, fid, tid, vid, page, times, lang)


async def get_fleet_trip_alerts(
    request: Request,
    fid: str = FleetId,
    tid: str = TripId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
    lang: str = Depends(locale),
) -> Response:
    """The alerts raised during a trip of the fleet, newest first, with messages in the requested locale."""
    return await _trip_alerts(request, fleet, fid, tid, None, page, times, lang)


async def _trip_alert(
    request: Request, fleet: Fleet, fid: str, tid: str, vid: str | None, aid: str, lang: str
) -> Response:
    def read(conn: Connection) -> dict[str, Any]:
        vehicle = trip_vehicle(conn, fleet, fid, tid, vid)
        found, vin = fleet_alert(conn, fid, aid, vehicle.id)
        if found.trip_id != tid:
            raise NotFound(f"No alert found with id {aid!r} in trip {tid!r}", code=40413)
        return rep.alert(request, fid, found, lang, vin)

    return hal(request, await runtime(request).store.run(read))


async def get_vehicle_trip_alert(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    tid: str = TripId,
    aid: str = AlertId,
    fleet: Fleet = Depends(current_fleet),
    lang: str = Depends(locale),
    _: str = Depends(profile),
) -> Response:
    """One alert raised during the vehicle's trip."""
    return await _trip_alert(request, fleet, fid, tid, vid, aid, lang)


async def get_fleet_trip_alert(
    request: Request,
    fid: str = FleetId,
    tid: str = TripId,
    aid: str = AlertId,
    fleet: Fleet = Depends(current_fleet),
    lang: str = Depends(locale),
) -> Response:
    """One alert raised during a trip of the fleet."""
    return await _trip_alert(request, fleet, fid, tid, None, aid, lang)


# -- waypoints ------------------------------------------------------------------------------------


async def _waypoints(
    request: Request,
    fleet: Fleet,
    fid: str,
    tid: str,
    vid: str | None,
    page: Page,
    times: Timestamps,
    tolerance_km: float | None,
) -> Response:
    def read(conn: Connection) -> dict[str, Any]:
        vehicle = trip_vehicle(conn, fleet, fid, tid, vid)
        reduced = False
        if tolerance_km is None:
            total, found = history.waypoints_page(conn, tid, page.offset, page.limit, spans=times.spans)
        else:
            path = history.trip_waypoints(conn, tid, spans=times.spans)
            kept = simplify(path, tolerance_km)
            reduced = len(kept) < len(path)
            total, found = len(kept), kept[page.offset : page.offset + page.limit]
        items = [rep.waypoint(w, vehicle.vin) for w in found]
        body = rep.fleet_collection(request, page, total, "positions", items)
        if is_v2(request):
            # v2's WayPoints: whether the tolerance dropped points (v3 has no such flag)
            body["_embedded"]["reduced"] = reduced
        return body

    return hal(request, await runtime(request).store.run(read))


async def get_vehicle_trip_waypoints(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    tid: str = TripId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
    tolerance_km: float | None = Depends(tolerance),
    _: str = Depends(profile),
) -> Response:
    """The path of the vehicle's trip: its waypoints as GeoJSON Features, in driving order."""
    return await _waypoints(request, fleet, fid, tid, vid, page, times, tolerance_km)


async def get_fleet_trip_waypoints(
    request: Request,
    fid: str = FleetId,
    tid: str = TripId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
    tolerance_km: float | None = Depends(tolerance),
) -> Response:
    """The path of a trip of the fleet: its waypoints as GeoJSON Features, in driving order."""
    return await _waypoints(request, fleet, fid, tid, None, page, times, tolerance_km)


# -- trip telemetry -------------------------------------------------------------------------------


async def _trip_telemetry(
    request: Request,
    fleet: Fleet,
    fid: str,
    tid: str,
    vid: str | None,
    page: Page,
    times: Timestamps,
    types: list[str],
    extensions: list[str],
) -> Response:
    def read(conn: Connection) -> dict[str, Any]:
        vehicle = trip_vehicle(conn, fleet, fid, tid, vid)
        window = times.window(page)
        return telemetry_collection(conn, request, fid, vehicle, page, window, types, extensions, trip_id=tid)

    return hal(request, await runtime(request).store.run(read))


async def get_vehicle_trip_telemetry(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    tid: str = TripId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
    types: list[str] = Depends(telemetry_types),
    extensions: list[str] = Depends(telemetry_extensions),
    _: str = Depends(profile),
) -> Response:
    """The telemetry recorded during the vehicle's trip, newest first."""
    return await _trip_telemetry(request, fleet, fid, tid, vid, page, times, types, extensions)


async def get_fleet_trip_telemetry(
    request: Request,
    fid: str = FleetId,
    tid: str = TripId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
    types: list[str] = Depends(telemetry_types),
    extensions: list[str] = Depends(telemetry_extensions),
) -> Response:
    """The telemetry recorded during a trip of the fleet, newest first."""
    return await _trip_telemetry(request, fleet, fid, tid, None, page, times, types, extensions)


# -- trip collisions ------------------------------------------------------------------------------


async def _trip_collisions(
    request: Request, fleet: Fleet, fid: str, tid: str, vid: str | None, page: Page, times: Timestamps
) -> Response:
    def read(conn: Connection) -> dict[str, Any]:
        vehicle = trip_vehicle(conn, fleet, fid, tid, vid)
        total, found = history.collisions_page(conn, times.window(page), trip_id=tid)
        items = [rep.collision(request, fid, c, vehicle.vin) for c in found]
        return rep.fleet_collection(request, page, total, rep.COLLISIONS, items)

    return hal(request, await runtime(request).store.run(read))


async def get_vehicle_trip_collisions(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    tid: str = TripId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
    _: str = Depends(profile),
) -> Response:
    """The collisions detected during the vehicle's trip (an empty list when there were none)."""
    return await _trip_collisions(request, fleet, fid, tid, vid, page, times)


async def get_fleet_trip_collisions(
    request: Request,
    fid: str = FleetId,
    tid: str = TripId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
) -> Response:
    """The collisions detected during a trip of the fleet (an empty list when there were none)."""
    return await _trip_collisions(request, fleet, fid, tid, None, page, times)


VEHICLE_TRIP = "/fleets/{fid}/vehicles/{vid}/trips/{tid}"
FLEET_TRIP = "/fleets/{fid}/trips/{tid}"
# Both versions.
ENDPOINTS: list[tuple[str, Any, str]] = [
    ("/fleets/{fid}/vehicles/{vid}/trips", get_vehicle_trips, "Vehicle's trip list"),
    ("/fleets/{fid}/trips", get_fleet_trips, "Trips of all vehicles of the fleet"),
    (VEHICLE_TRIP, get_vehicle_trip, "Vehicle's trip information"),
    (f"{VEHICLE_TRIP}/alerts", get_vehicle_trip_alerts, "Vehicle's trip alert list"),
    (f"{VEHICLE_TRIP}/alerts/{{aid}}", get_vehicle_trip_alert, "Vehicle's trip specific alert"),
    (f"{VEHICLE_TRIP}/wayPoints", get_vehicle_trip_waypoints, "Vehicle's trip waypoints"),
    (f"{VEHICLE_TRIP}/telemetry", get_vehicle_trip_telemetry, "Vehicle's trip telemetry"),
    (f"{VEHICLE_TRIP}/collisions", get_vehicle_trip_collisions, "Vehicle's trip collision list"),
]
# Only the v2 spec has trips under the fleet itself.
V2_ENDPOINTS: list[tuple[str, Any, str]] = [
    (FLEET_TRIP, get_fleet_trip, "Trip of a vehicle of the fleet"),
    (f"{FLEET_TRIP}/alerts", get_fleet_trip_alerts, "Alerts of a trip of the fleet"),
    (f"{FLEET_TRIP}/alerts/{{aid}}", get_fleet_trip_alert, "Alert of a trip of the fleet"),
    (f"{FLEET_TRIP}/wayPoints", get_fleet_trip_waypoints, "Waypoints of a trip of the fleet"),
    (f"{FLEET_TRIP}/telemetry", get_fleet_trip_telemetry, "Telemetry of a trip of the fleet"),
    (f"{FLEET_TRIP}/collisions", get_fleet_trip_collisions, "Collisions of a trip of the fleet"),
]
