"""Telemetry of a fleet's vehicle, and of one of its trips (trips.py serves that path), in the fleet
specs' Telemetry shape: `type` picks parts of it, `extension` adds the vehicle's location,
maintenance, odometer or motion under _embedded, `timestamps` picks time ranges."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import Depends, Query, Request
from sqlalchemy import Connection
from starlette.responses import Response

from connectedcar.api.b2c.v2.params import runtime
from connectedcar.api.fleet import representations as rep
from connectedcar.api.fleet import telemetry_document
from connectedcar.api.fleet.access import fleet_vehicle
from connectedcar.api.fleet.auth import current_fleet
from connectedcar.api.fleet.params import PAGE_SIZE, FleetId, Timestamps, VehicleId, is_v2, profile, timestamps
from connectedcar.api.paging import Page, paging
from connectedcar.api.rendering import hal
from connectedcar.domain.entities import Fleet, TelemetryRecord, Vehicle
from connectedcar.store import history

# A telemetry record's location is the vehicle's last position at most this long before it.
LOCATION_MAX_AGE = timedelta(minutes=5)


async def telemetry_types(
    request: Request,
    type_: list[str] | None = Query(
        None,
        alias="type",
        description="Parts of the telemetry to return (the specs' TelemetryEnum, e.g. vehicle.energies): repeat "
        "the parameter or separate with commas. All parts when absent.",
    ),
) -> list[str]:
    """A dependency reading the `type` filter (also written type[]=...)."""
    values = [*(type_ or []), *request.query_params.getlist("type[]")]
    return telemetry_document.parse_types(values, v2=is_v2(request))


async def telemetry_extensions(
    request: Request,
    extension: list[str] | None = Query(
        None,
        description="Data to add under _embedded.extension: location, maintenance (and, in v2, odometer, kinetic).",
    ),
) -> list[str]:
    """A dependency reading `extension` (also written extension[]=...)."""
    return telemetry_document.parse_extensions([*(extension or []), *request.query_params.getlist("extension[]")])


def _extension(
    conn: Connection, vehicle: Vehicle, record: TelemetryRecord, asked: list[str], maintenance: dict[str, Any] | None
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in asked:
        if name == "location":
            at = history.position_at(conn, vehicle.id, record.recorded_at, record.recorded_at - LOCATION_MAX_AGE)
            if at is not None:
                found["location"] = rep.position(at, vehicle.vin)
        elif name == "maintenance" and maintenance is not None:
            found["maintenance"] = maintenance
        elif name == "odometer":
            mileage = telemetry_document.part(record.data, "vehicle").get("odometer")
            if mileage is not None:
                found["odometer"] = {"mileage": mileage}
        elif name == "kinetic":
            kinetic = telemetry_document.kinetic(telemetry_document.part(record.data, "vehicle"))
            if kinetic:
                found["kinetic"] = kinetic
    return found


def telemetry_collection(
    conn: Connection,
    request: Request,
    fleet_id: str,
    vehicle: Vehicle,
    page: Page,
    window: history.Window,
    types: list[str],
    extensions: list[str],
    trip_id: str | None = None,
) -> dict[str, Any]:
    """A page of the vehicle's (or the trip's) telemetry, newest first, as the collection to answer."""
    v2 = is_v2(request)
    paths = telemetry_document.stored_paths(types, v2=v2)
    if types and not paths:
        # Only parts the platform does not measure were asked for.
        return rep.fleet_collection(request, page, 0, "telemetries", [])
    if trip_id is not None:
        total, found = history.telemetry_page(conn, window, trip_id=trip_id, paths=paths)
    else:
        total, found = history.telemetry_page(conn, window, vehicle_id=vehicle.id, paths=paths)
    maintenance = None
    if "maintenance" in extensions and (m := history.maintenance_of(conn, vehicle.id)) is not None:
        maintenance = {
            "daysBeforeMaintenance": m.days,
            "mileageBeforeMaintenance": m.mileage,
            "createdAt": rep.date(m.created_at),
            "updatedAt": rep.date(m.updated_at),
        }
    items = [
        rep.telemetry(request, fleet_id, r, types, _extension(conn, vehicle, r, extensions, maintenance)) for r in found
    ]
    return rep.fleet_collection(request, page, total, "telemetries", items)


async def get_vehicle_telemetry(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
    types: list[str] = Depends(telemetry_types),
    extensions: list[str] = Depends(telemetry_extensions),
    _: str = Depends(profile),
) -> Response:
    """The vehicle's telemetry, newest first: all of it, or the `timestamps` ranges; optionally only some parts."""

    def read(conn: Connection) -> dict[str, Any]:
        vehicle = fleet_vehicle(conn, fleet, fid, vid)
        return telemetry_collection(conn, request, fid, vehicle, page, times.window(page), types, extensions)

    return hal(request, await runtime(request).store.run(read))


VEHICLE = "/fleets/{fid}/vehicles/{vid}"
ENDPOINTS: list[tuple[str, Any, str]] = [
    (f"{VEHICLE}/telemetry", get_vehicle_telemetry, "Telemetry of vehicle"),
]
