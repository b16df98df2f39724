"""Fleet API objects as the fleet specs name them (Fleet, VehicleItem, Position, Alert, Status, Trip,
Collision, Telemetry), with links under the version the client called (/connectedcar/v2 or /v3).
Where the two specs give an object different shapes (Trip, Alert links, Telemetry), the version
called decides."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from starlette.requests import Request

from connectedcar.api.b2c.v2 import representations as b2c
from connectedcar.api.fleet import telemetry_document
from connectedcar.api.fleet.params import is_v2
from connectedcar.api.paging import Page, collection
from connectedcar.api.rendering import link
from connectedcar.domain.alerts import CATALOGUE
from connectedcar.domain.brands import BY_CODE
from connectedcar.domain.entities import (
    Alert,
    Collision,
    Fleet,
    Maintenance,
    Position,
    TelemetryRecord,
    Trip,
    Vehicle,
    Waypoint,
)

date = b2c.date

# The specs' VehicleItem.motorization enum, from the platform's energy names.
MOTORIZATION = {"Fuel": "Thermic", "Electric": "Electric", "Hybrid": "Hybrid"}
# The v3 Alert.severity enum, from the catalogue's levels.
SEVERITY = {"high": "Critical", "medium": "Warning", "low": "Information"}
# The specs' CollisionDetails.severity, from seed 000's collision levels (NONE: no impact on that side).
COLLISION_SEVERITY = {"FIXABLE": "Minimal", "LOW": "Minimal", "MEDIUM": "Minor", "HIGH": "Major"}
# Both specs name the collisions' _embedded key with a capital C.
COLLISIONS = "Collisions"


def base(request: Request) -> str:
    """/connectedcar/v2 or /connectedcar/v3: the version the client called, for the links we answer with."""
    path = request.url.path
    return path[: path.index("/fleets")]


def number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 6)


def fleet_collection(
    request: Request, page: Page, total: int, name: str, items: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """The specs' CollectionResult: HAL links, total, totalPage and currentPage (1-based), _embedded."""
    body = collection(request, page, total, name, items)
    body["totalPage"] = math.ceil(total / page.limit) if total else 0
    body["currentPage"] = page.offset // page.limit + 1
    return body


def fleet(request: Request, f: Fleet) -> dict[str, Any]:
    href = f"{base(request)}/fleets/{f.id}"
    names = ("vehicles", "status", "maintenances", "alerts", "trips", "collisions")
    return {
        "_links": {"self": link(href), **{name: link(f"{href}/{name}") for name in names}},
        "id": f.id,
        "name": f.name,
        "createdAt": date(f.created_at),
        "updatedAt": date(f.updated_at),
    }


def vehicle_href(request: Request, fleet_id: str, vehicle_id: str) -> str:
    return f"{base(request)}/fleets/{fleet_id}/vehicles/{vehicle_id}"


def vehicle(request: Request, fleet_id: str, v: Vehicle) -> dict[str, Any]:
    href = vehicle_href(request, fleet_id, v.id)
    brand = BY_CODE.get(v.brand)
    return {
        "_links": {
            "self": link(href),
            "fleet": link(f"{base(request)}/fleets/{fleet_id}"),
            "lastPosition": link(f"{href}/lastPosition"),
            "status": link(f"{href}/status"),
            "alerts": link(f"{href}/alerts"),
            "maintenance": link(f"{href}/maintenance"),
            "trips": link(f"{href}/trips"),
            "telemetry": link(f"{href}/telemetry"),
            "collisions": link(f"{href}/collisions"),
        },
        "id": v.id,
        "vin": v.vin,
        "motorization": MOTORIZATION.get(v.energy, "Thermic"),
        "brand": brand.name if brand else v.brand,
        "createdAt": date(v.created_at),
        "updatedAt": date(v.updated_at),
    }


def position(p: Position, vin: str) -> dict[str, Any]:
    """The specs' Position: a GeoJSON Feature whose properties add the vin and the fix type."""
    body = b2c.position(p)
    body["properties"]["vin"] = vin
    body["properties"]["type"] = "Acquire"
    return body


def alert(request: Request, fleet_id: str, a: Alert, locale: str, vin: str) -> dict[str, Any]:
    kind = CATALOGUE.get(a.type)
    href = vehicle_href(request, fleet_id, a.vehicle_id)
    links: dict[str, Any] = {"self": link(f"{href}/alerts/{a.id}"), "vehicle": link(href)}
    if a.trip_id:
        # v2's Alert links one trip; v3's a list of them
        trip = link(f"{href}/trips/{a.trip_id}")
        links["trips"] = trip if is_v2(request) else [trip]
    body: dict[str, Any] = {
        "_links": links,
        "id": a.id,
        "vin": vin,
        "active": a.active,
        "type": a.type,
        "severity": SEVERITY.get(kind.severity if kind else "medium", "Warning"),
        "message": kind.message(locale) if kind else a.type,
        "startedAt": date(a.started_at),
        "endAt": date(a.ended_at),
        "createdAt": date(a.started_at),
        "updatedAt": date(a.updated_at or a.started_at),
    }
    if a.lon is not None and a.lat is not None:
        body["startPosition"] = b2c.feature(
            id=a.id, lon=a.lon, lat=a.lat, alt=a.alt, heading=a.heading, created_at=a.started_at, updated_at=None
        )
        body["startPosition"]["properties"]["vin"] = vin
    return body


def maintenance(request: Request, fleet_id: str, m: Maintenance, vin: str) -> dict[str, Any]:
    href = vehicle_href(request, fleet_id, m.vehicle_id)
    return {
        "_links": {"self": link(f"{href}/maintenance"), "vehicle": link(href)},
        "vin": vin,
        "daysBeforeMaintenance": m.days,
        "mileageBeforeMaintenance": m.mileage,
        "createdAt": date(m.created_at),
        "updatedAt": date(m.updated_at),
    }


def maintenances(request: Request, fleet_id: str, m: Maintenance, vin: str) -> dict[str, Any]:
    """An item of the fleet's maintenances: the vehicle's maintenance, with a link to its alerts."""
    body = maintenance(request, fleet_id, m, vin)
    body["_links"]["alerts"] = link(f"{vehicle_href(request, fleet_id, m.vehicle_id)}/alerts")
    return body


# -- trips, waypoints, collisions, telemetry ------------------------------------------------------


def trip_href(request: Request, fleet_id: str, t: Trip) -> str:
    return f"{vehicle_href(request, fleet_id, t.vehicle_id)}/trips/{t.id}"


def _energy_consumptions(t: Trip) -> list[dict[str, Any]]:
    """v3 energyConsumptions: litres of fuel and kWh of electricity, each with its average per 100 km."""
    found: list[dict[str, Any]] = []
    if t.fuel_consumption is not None:
        fuel: dict[str, Any] = {"type": "Fuel", "subType": "FossilEnergy", "consumption": number(t.fuel_consumption)}
        if t.avg_consumption is not None:
            fuel["avgConsumption"] = number(t.avg_consumption)
        found.append(fuel)
    if t.energy_consumption is not None:
        electric: dict[str, Any] = {
            "type": "Electric",
            "subType": "ElectricEnergy",
            "consumption": number(t.energy_consumption),
        }
        # The trip's average is of its main energy: electricity only when it used no fuel.
        if t.fuel_consumption is None and t.avg_consumption is not None:
            electric["avgConsumption"] = number(t.avg_consumption)
        elif t.distance >= 0.1:
            electric["avgConsumption"] = round(t.energy_consumption / t.distance * 100, 2)
        found.append(electric)
    return found


def trip(request: Request, fleet_id: str, t: Trip, vin: str) -> dict[str, Any]:
    """The specs' Trip; v2 says the duration as a string of seconds, v3 as an integer, and v3 adds the
    energy consumptions and the average speed."""
    href = trip_href(request, fleet_id, t)
    v2 = is_v2(request)
    body: dict[str, Any] = {
        "_links": {
            "self": link(href),
            "vehicle": link(vehicle_href(request, fleet_id, t.vehicle_id)),
            "waypoints": link(f"{href}/wayPoints"),
            "alerts": link(f"{href}/alerts"),
            "collisions": link(f"{href}/collisions"),
        },
        "id": t.id,
        "vin": vin,
        "startedAt": date(t.started_at),
    }
    if t.stopped_at is not None:
        duration = int((t.stopped_at - t.started_at).total_seconds())
        body["stoppedAt"] = date(t.stopped_at)
        body["duration"] = str(duration) if v2 else duration
    body["distance"] = number(t.distance)
    if t.start_position is not None:
        body["startPosition"] = position(t.start_position, vin)
    if t.stop_position is not None:
        body["stopPosition"] = position(t.stop_position, vin)
    if not v2:
        consumptions = _energy_consumptions(t)
        if consumptions:
            body["energyConsumptions"] = consumptions
        if t.avg_speed is not None:
            body["kinetic"] = {"avgSpeed": number(t.avg_speed)}
    body["done"] = t.stopped_at is not None
    body["faults"] = []
    body["createdAt"] = date(t.created_at or t.started_at)
    body["updatedAt"] = date(t.updated_at or t.created_at or t.started_at)
    return body


def waypoint(w: Waypoint, vin: str) -> dict[str, Any]:
    """A waypoint as the specs' Position: a GeoJSON Feature with the vin and the fix type."""
    body = b2c.waypoint(w)
    body["properties"]["vin"] = vin
    body["properties"]["type"] = "Acquire"
    return body


def collision(request: Request, fleet_id: str, c: Collision, vin: str) -> dict[str, Any]:
    """The specs' Collision: the sides hit, each with a severity, tippedOver and pedestrian."""
    href = vehicle_href(request, fleet_id, c.vehicle_id)
    links = {"self": link(f"{href}/collisions/{c.id}"), "vehicle": link(href)}
    if c.trip_id:
        links["trip"] = link(f"{href}/trips/{c.trip_id}")
    sides = (("Front", c.front_level), ("Rear", c.rear_level), ("Lateral", c.lateral_level))
    return {
        "_links": links,
        "id": c.id,
        "vin": vin,
        "details": [
            {"side": side, "severity": COLLISION_SEVERITY[level]}
            for side, level in sides
            if level in COLLISION_SEVERITY
        ],
        "tippedOver": c.roll_over,
        "pedestrian": c.pedestrian,
        "createdAt": date(c.occurred_at),
        "updatedAt": date(c.updated_at or c.occurred_at),
    }


def telemetry(
    request: Request,
    fleet_id: str,
    r: TelemetryRecord,
    types: list[str],
    extension: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The specs' Telemetry: the stored record in the fleet shape, only the asked `type` parts, and the
    asked extensions under _embedded. Its self link is the vehicle's telemetry at that very time (the
    specs have no endpoint for one telemetry object)."""
    v2 = is_v2(request)
    href = vehicle_href(request, fleet_id, r.vehicle_id)
    at = date(r.recorded_at)
    links = {"self": link(f"{href}/telemetry?timestamps={at}/{at}"), "vehicle": link(href)}
    if r.trip_id:
        links["trip"] = link(f"{href}/trips/{r.trip_id}")
    document = telemetry_document.document(r.data, r.recorded_at, v2=v2)
    body: dict[str, Any] = {"_links": links}
    body.update(telemetry_document.select(document, types, v2=v2))
    body["createdAt"] = at
    body["updatedAt"] = date(r.updated_at or r.recorded_at)
    if extension:
        body["_embedded"] = {"extension": extension}
    return body


def status_stub(request: Request, fleet_id: str, v: Vehicle) -> dict[str, Any]:
    """An item of the fleet's status list for a vehicle the platform has no data from yet."""
    href = vehicle_href(request, fleet_id, v.id)
    return {
        "_links": {
            "self": link(f"{href}/status"),
            "vehicle": link(href),
            "fleet": link(f"{base(request)}/fleets/{fleet_id}"),
        },
        "vin": v.vin,
    }


# -- status ---------------------------------------------------------------------------------------


def _lookup(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _latest(records: Sequence[TelemetryRecord], path: str) -> tuple[Any, datetime] | None:
    """The newest value of a telemetry path among the records (newest first), with its time."""
    for record in records:
        value = _lookup(record.data, path)
        if value is not None:
            return value, record.recorded_at
    return None


def _autonomy(value: Any) -> int | None:
    return round(value) if isinstance(value, int | float) else None


def status(
    request: Request,
    fleet_id: str,
    v: Vehicle,
    last: Position | None,
    records: Sequence[TelemetryRecord],
) -> dict[str, Any] | None:
    """The specs' Status from what the platform knows: the last position and the newest telemetry value
    of each part (ignition, energies, doors, odometer, motion). None when it knows nothing yet."""
    href = vehicle_href(request, fleet_id, v.id)
    body: dict[str, Any] = {
        "_links": {
            "self": link(f"{href}/status"),
            "vehicle": link(href),
            "fleet": link(f"{base(request)}/fleets/{fleet_id}"),
        },
        "vin": v.vin,
    }
    times: list[datetime] = []
    if last is not None:
        body["lastPosition"] = position(last, v.vin)
        times.append(last.recorded_at)
    if found := _latest(records, "vehicle.running"):
        body["ignition"] = {"createdAt": date(found[1]), "type": "Start" if found[0] else "Stop"}
        times.append(found[1])
    energies: list[dict[str, Any]] = []
    if found := _latest(records, "vehicle.fuel.level"):
        fuel: dict[str, Any] = {"createdAt": date(found[1]), "type": "Fuel", "subType": "FossilEnergy"}
        fuel["level"] = found[0]
        autonomy = _latest(records, "vehicle.fuel.autonomy")
        if autonomy and autonomy[1] == found[1] and (km := _autonomy(autonomy[0])) is not None:
            fuel["autonomy"] = km
        energies.append(fuel)
        times.append(found[1])
    if found := _latest(records, "vehicle.energy.level"):
        electric: dict[str, Any] = {"createdAt": date(found[1]), "type": "Electric", "subType": "ElectricEnergy"}
        electric["level"] = found[0]
        autonomy = _latest(records, "vehicle.energy.autonomy")
        if autonomy and autonomy[1] == found[1] and (km := _autonomy(autonomy[0])) is not None:
            electric["autonomy"] = km
        charging: dict[str, Any] = {}
        if plugged := _latest(records, "vehicle.energy.charging.plugged"):
            charging["plugged"] = plugged[0]
        if state := _latest(records, "vehicle.energy.charging.status"):
            charging["status"] = state[0]
        if charging:
            electric["extension"] = {"electric": {"charging": charging}}
        energies.append(electric)
        times.append(found[1])
    if energies:
        body["energies"] = energies
    if found := _latest(records, "vehicle.preconditioning.airConditioning.status"):
        body["preconditioning"] = {"airConditioning": {"createdAt": date(found[1]), "status": found[0]}}
        times.append(found[1])
    doors: dict[str, Any] = {}
    door_times: list[datetime] = []
    for path, name in (("vehicle.doorsState.lockedState", "lockedStates"), ("vehicle.doorsState.opening", "opening")):
        if found := _latest(records, path):
            doors[name] = found[0]
            door_times.append(found[1])
    if doors:
        body["doorsState"] = {"createdAt": date(max(door_times)), **doors}
        times.extend(door_times)
    if found := _latest(records, "vehicle.odometer"):
        body["odometer"] = {"createdAt": date(found[1]), "mileage": found[0]}
        times.append(found[1])
    if found := _latest(records, "vehicle.moving"):
        body["kinetic"] = {"createdAt": date(found[1]), "moving": found[0]}
        times.append(found[1])
    if not times:
        return None
    body["createdAt"] = date(max(times))
    body["updatedAt"] = date(max(times))
    return body
