"""Fleet API objects as the fleet specs name them (Fleet, VehicleItem, Position, Alert, Status), with
links under the version the client called (/connectedcar/v2 or /connectedcar/v3)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from starlette.requests import Request

from connectedcar.api.b2c.v2 import representations as b2c
from connectedcar.api.paging import Page, collection
from connectedcar.api.rendering import link
from connectedcar.domain.alerts import CATALOGUE
from connectedcar.domain.brands import BY_CODE
from connectedcar.domain.entities import Alert, Fleet, Maintenance, Position, TelemetryRecord, Vehicle

date = b2c.date

# The specs' VehicleItem.motorization enum, from the platform's energy names.
MOTORIZATION = {"Fuel": "Thermic", "Electric": "Electric", "Hybrid": "Hybrid"}
# The v3 Alert.severity enum, from the catalogue's levels.
SEVERITY = {"high": "Critical", "medium": "Warning", "low": "Information"}


def base(request: Request) -> str:
    """/connectedcar/v2 or /connectedcar/v3: the version the client called, for the links we answer with."""
    path = request.url.path
    return path[: path.index("/fleets")]


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
    return {
        "_links": {"self": link(href), "vehicles": link(f"{href}/vehicles")},
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
    body: dict[str, Any] = {
        "_links": {"self": link(f"{href}/alerts/{a.id}"), "vehicle": link(href)},
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
