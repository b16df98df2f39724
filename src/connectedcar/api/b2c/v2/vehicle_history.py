"""What a vehicle produced, per vehicle: alerts, collisions, maintenance, events and telemetry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import Connection
from starlette.responses import Response

from connectedcar.api.auth.bearer import current_grant
from connectedcar.api.auth.tokens import AccessGrant
from connectedcar.api.b2c.v2 import PREFIX
from connectedcar.api.b2c.v2 import representations as rep
from connectedcar.api.b2c.v2.access import check_vehicle, owned_vehicle
from connectedcar.api.b2c.v2.params import (
    TELEMETRY_DEFAULT_SECONDS,
    AlertId,
    EventId,
    TelemetryId,
    TimeRange,
    VehicleId,
    locale,
    runtime,
    telemetry_types,
    time_range,
)
from connectedcar.api.errors import NotFound
from connectedcar.api.paging import Page, collection, paging
from connectedcar.api.rendering import hal
from connectedcar.api.routing import DirectRoute
from connectedcar.domain.entities import Event, Vehicle
from connectedcar.store import history

router = APIRouter(prefix=PREFIX, route_class=DirectRoute)


@router.get("/vehicles/{id}/alerts", summary="Get last alerts of a Vehicle")
async def vehicle_alerts(
    request: Request,
    id: str = VehicleId,
    grant: AccessGrant = Depends(current_grant),
    page: Page = Depends(paging(10)),
    times: TimeRange = Depends(time_range),
    lang: str = Depends(locale),
) -> Response:
    """The vehicle's dashboard alerts, newest first, with messages in the requested locale."""

    def read(conn: Connection) -> dict[str, Any]:
        vehicle = owned_vehicle(conn, grant, id)
        total, found = history.alerts_page(conn, times.window(page), vehicle_id=id)
        return collection(request, page, total, "alerts", [rep.alert(a, lang, vehicle.vin) for a in found])

    return hal(request, await runtime(request).store.run(read))


@router.get("/vehicles/{id}/alerts/{aid}", summary="Get a specific alert of a Vehicle")
async def vehicle_alert(
    request: Request,
    id: str = VehicleId,
    aid: str = AlertId,
    grant: AccessGrant = Depends(current_grant),
    lang: str = Depends(locale),
) -> Response:
    """One alert of the vehicle (the target of an alert's `self` link)."""

    def read(conn: Connection) -> dict[str, Any]:
        vehicle = owned_vehicle(conn, grant, id)
        found = history.alert_by_id(conn, aid)
        if found is None or found.vehicle_id != id:
            raise NotFound(f"No alert found with id {aid!r} on vehicle {id!r}", code=40413)
        return rep.alert(found, lang, vehicle.vin)

    return hal(request, await runtime(request).store.run(read))


@router.get("/vehicles/{id}/collisions", summary="Get last collisions informations for a Vehicle")
async def vehicle_collisions(
    request: Request,
    id: str = VehicleId,
    grant: AccessGrant = Depends(current_grant),
    page: Page = Depends(paging(10)),
    times: TimeRange = Depends(time_range),
) -> Response:
    """The collisions the vehicle detected, newest first."""

    def read(conn: Connection) -> dict[str, Any]:
        check_vehicle(conn, grant, id)
        total, found = history.collisions_page(conn, times.window(page), vehicle_id=id)
        return collection(request, page, total, "collisions", [rep.collision(c) for c in found])

    return hal(request, await runtime(request).store.run(read))


@router.get("/vehicles/{id}/maintenance", summary="Get maintenance information for a Vehicle")
async def vehicle_maintenance(
    request: Request, id: str = VehicleId, grant: AccessGrant = Depends(current_grant)
) -> Response:
    """Days and kilometres left before the vehicle's next regular maintenance."""

    def read(conn: Connection) -> dict[str, Any]:
        vehicle = owned_vehicle(conn, grant, id)
        found = history.maintenance_of(conn, id)
        if found is None:
            raise NotFound(f"No maintenance data found for vehicle {id!r}", code=40412)
        return rep.maintenance(found, vehicle.vin)

    return hal(request, await runtime(request).store.run(read))


def _with_embedded(conn: Connection, vehicle: Vehicle, events: Sequence[Event], lang: str) -> list[dict[str, Any]]:
    """Each event with the trip, alert or collision it is about embedded, read in one query per kind.

    An event only ever embeds an object of its own vehicle; one whose object is gone embeds nothing.
    """

    def about(kind: str) -> list[str]:
        return [e.event_id for e in events if e.type == kind]

    trips = history.trips_by_id(conn, about("TRIP"))
    alerts = history.alerts_by_id(conn, about("ALERT"))
    collisions = history.collisions_by_id(conn, about("COLLISION"))
    items = []
    for e in events:
        embedded: dict[str, Any] | None = None
        if e.type == "TRIP" and (trip := trips.get(e.event_id)) and trip.vehicle_id == vehicle.id:
            embedded = rep.trip(trip)
        elif e.type == "ALERT" and (alert := alerts.get(e.event_id)) and alert.vehicle_id == vehicle.id:
            embedded = rep.alert(alert, lang, vehicle.vin)
        elif e.type == "COLLISION" and (hit := collisions.get(e.event_id)) and hit.vehicle_id == vehicle.id:
            embedded = rep.collision(hit)
        items.append(rep.event(e, embedded))
    return items


@router.get("/vehicles/{id}/events", summary="Get last events on a specific Vehicle")
async def vehicle_events(
    request: Request,
    id: str = VehicleId,
    grant: AccessGrant = Depends(current_grant),
    page: Page = Depends(paging(10)),
    times: TimeRange = Depends(time_range),
    lang: str = Depends(locale),
) -> Response:
    """The vehicle's events (trips, alerts, collisions, refuels, fuel thefts), newest first."""

    def read(conn: Connection) -> dict[str, Any]:
        vehicle = owned_vehicle(conn, grant, id)
        total, found = history.events_page(conn, id, times.window(page))
        return collection(request, page, total, "events", _with_embedded(conn, vehicle, found, lang))

    return hal(request, await runtime(request).store.run(read))


@router.get("/vehicles/{id}/events/{eid}", summary="Get a specific event of a Vehicle")
async def vehicle_event(
    request: Request,
    id: str = VehicleId,
    eid: str = EventId,
    grant: AccessGrant = Depends(current_grant),
    lang: str = Depends(locale),
) -> Response:
    """One event of the vehicle (the target of a refuel or fuel-theft event's `self` link)."""

    def read(conn: Connection) -> dict[str, Any]:
        vehicle = owned_vehicle(conn, grant, id)
        found = history.event_by_id(conn, eid)
        if found is None or found.vehicle_id != id:
            raise NotFound(f"No event found with id {eid!r} on vehicle {id!r}", code=40414)
        return _with_embedded(conn, vehicle, [found], lang)[0]

    return hal(request, await runtime(request).store.run(read))


@router.get("/telemetry/{id}", summary="Get a specific telemetry object")
async def telemetry_record(
    request: Request,
    id: str = TelemetryId,
    grant: AccessGrant = Depends(current_grant),
    types: list[str] = Depends(telemetry_types),
) -> Response:
    """One second of a vehicle's telemetry (the target of a telemetry object's `self` link)."""

    def read(conn: Connection) -> dict[str, Any]:
        found = history.telemetry_by_id(conn, id)
        if found is None:
            raise NotFound(f"No telemetry found with id {id!r}", code=40415)
        check_vehicle(conn, grant, found.vehicle_id)
        return rep.telemetry(found, types)

    return hal(request, await runtime(request).store.run(read))


@router.get("/vehicles/{id}/telemetry", summary="Get last telemetry data for a specific vehicle")
async def vehicle_telemetry(
    request: Request,
    id: str = VehicleId,
    grant: AccessGrant = Depends(current_grant),
    page: Page = Depends(paging(60)),
    times: TimeRange = Depends(time_range),
    types: list[str] = Depends(telemetry_types),
) -> Response:
    """The vehicle's telemetry, newest first: by default the last 60 seconds, optionally only some properties."""
    rt = runtime(request)
    window = times.or_last(TELEMETRY_DEFAULT_SECONDS, rt.clock.now()).window(page)

    def read(conn: Connection) -> dict[str, Any]:
        check_vehicle(conn, grant, id)
        total, found = history.telemetry_page(conn, window, vehicle_id=id, paths=types)
        return collection(request, page, total, "telemetries", [rep.telemetry(r, types) for r in found])

    return hal(request, await rt.store.run(read))
