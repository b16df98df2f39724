"""Trips: a vehicle's, all the user's, one trip, and what happened during it (collisions, alerts,
eco-driving evaluation, telemetry, waypoints)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import Connection
from starlette.responses import Response

from connectedcar.api.auth.bearer import current_grant
from connectedcar.api.auth.tokens import AccessGrant
from connectedcar.api.b2c.v2 import PREFIX
from connectedcar.api.b2c.v2 import representations as rep
from connectedcar.api.b2c.v2.access import check_trip, check_vehicle
from connectedcar.api.b2c.v2.params import TimeRange, TripId, VehicleId, locale, runtime, telemetry_types, time_range
from connectedcar.api.errors import NotFound
from connectedcar.api.paging import Page, collection, paging
from connectedcar.api.rendering import hal
from connectedcar.api.routing import DirectRoute
from connectedcar.store import history
from connectedcar.store import vehicles as vehicle_repo

router = APIRouter(prefix=PREFIX, route_class=DirectRoute)


@router.get("/vehicles/{id}/trips", summary="Get last trips for a specific vehicle")
async def vehicle_trips(
    request: Request,
    id: str = VehicleId,
    grant: AccessGrant = Depends(current_grant),
    page: Page = Depends(paging(10)),
    times: TimeRange = Depends(time_range),
) -> Response:
    """The vehicle's trips, the most recently started first."""

    def read(conn: Connection) -> dict[str, Any]:
        check_vehicle(conn, grant, id)
        total, found = history.trips_page(conn, times.window(page), vehicle_id=id)
        return collection(request, page, total, "trips", [rep.trip(t) for t in found])

    return hal(request, await runtime(request).store.run(read))


@router.get("/trips", summary="Get last Trips")
async def user_trips(
    request: Request,
    grant: AccessGrant = Depends(current_grant),
    page: Page = Depends(paging(10)),
    times: TimeRange = Depends(time_range),
) -> Response:
    """The trips of all the user's vehicles, the most recently started first."""

    def read(conn: Connection) -> dict[str, Any]:
        total, found = history.trips_page(conn, times.window(page), user_id=grant.user_id)
        return collection(request, page, total, "trips", [rep.trip(t) for t in found])

    return hal(request, await runtime(request).store.run(read))


@router.get("/trips/{id}", summary="Get a specific trip")
async def get_trip(request: Request, id: str = TripId, grant: AccessGrant = Depends(current_grant)) -> Response:
    """One trip of the user's vehicles, with its start and stop positions."""

    def read(conn: Connection) -> dict[str, Any]:
        check_trip(conn, grant, id)
        found = history.trip_by_id(conn, id)
        if found is None:
            raise NotFound(f"No trip found with id {id!r}", code=40420)
        return rep.trip(found)

    return hal(request, await runtime(request).store.run(read))


@router.get("/trips/{id}/collisions", summary="Get collisions for a specific trip")
async def trip_collisions(
    request: Request,
    id: str = TripId,
    grant: AccessGrant = Depends(current_grant),
    page: Page = Depends(paging(10)),
    times: TimeRange = Depends(time_range),
) -> Response:
    """The collisions detected during the trip (an empty list when there were none)."""

    def read(conn: Connection) -> dict[str, Any]:
        check_trip(conn, grant, id)
        total, found = history.collisions_page(conn, times.window(page), trip_id=id)
        return collection(request, page, total, "collisions", [rep.collision(c) for c in found])

    return hal(request, await runtime(request).store.run(read))


@router.get("/trips/{id}/alerts", summary="Get alerts for a specific trip")
async def trip_alerts(
    request: Request,
    id: str = TripId,
    grant: AccessGrant = Depends(current_grant),
    page: Page = Depends(paging(10)),
    times: TimeRange = Depends(time_range),
    lang: str = Depends(locale),
) -> Response:
    """The alerts raised during the trip, newest first, with messages in the requested locale."""

    def read(conn: Connection) -> dict[str, Any]:
        vehicle = vehicle_repo.vehicle_by_id(conn, check_trip(conn, grant, id))
        if vehicle is None:
            raise NotFound(f"No trip found with id {id!r}", code=40420)
        total, found = history.alerts_page(conn, times.window(page), trip_id=id)
        return collection(request, page, total, "alerts", [rep.alert(a, lang, vehicle.vin) for a in found])

    return hal(request, await runtime(request).store.run(read))


@router.get("/trips/{id}/ecodriving", summary="Get Ecodriving evaluation for a specific trip")
async def trip_ecodriving(request: Request, id: str = TripId, grant: AccessGrant = Depends(current_grant)) -> Response:
    """The eco-driving evaluation of the trip: global and detailed scores."""

    def read(conn: Connection) -> dict[str, Any]:
        check_trip(conn, grant, id)
        found = history.ecodriving_of(conn, id)
        if found is None:
            raise NotFound(f"No eco-driving evaluation found for trip {id!r}", code=40421)
        return rep.ecodriving(found)

    return hal(request, await runtime(request).store.run(read))


@router.get("/trips/{id}/telemetry", summary="Get telemetry data for a specific trip")
async def trip_telemetry(
    request: Request,
    id: str = TripId,
    grant: AccessGrant = Depends(current_grant),
    page: Page = Depends(paging(60)),
    times: TimeRange = Depends(time_range),
    types: list[str] = Depends(telemetry_types),
) -> Response:
    """The telemetry recorded during the trip (the whole trip unless since/until say otherwise), newest first."""

    def read(conn: Connection) -> dict[str, Any]:
        check_trip(conn, grant, id)
        total, found = history.telemetry_page(conn, times.window(page), trip_id=id, paths=types)
        return collection(request, page, total, "telemetries", [rep.telemetry(r, types) for r in found])

    return hal(request, await runtime(request).store.run(read))


@router.get("/trips/{id}/waypoints", include_in_schema=False)
@router.get("/trips/{id}/wayPoints", summary="Get wayPoint for a specific trip")
async def trip_waypoints(
    request: Request, id: str = TripId, grant: AccessGrant = Depends(current_grant), page: Page = Depends(paging(10))
) -> Response:
    """The trip's path: its waypoints as GeoJSON Features, in driving order."""

    def read(conn: Connection) -> dict[str, Any]:
        check_trip(conn, grant, id)
        total, found = history.waypoints_page(conn, id, page.offset, page.limit)
        body = collection(request, page, total, "positions", [rep.waypoint(w) for w in found])
        # The v2 spec's WayPoints: `reduced` tells whether a path simplification dropped points.
        body["_embedded"]["reduced"] = False
        return body

    return hal(request, await runtime(request).store.run(read))
