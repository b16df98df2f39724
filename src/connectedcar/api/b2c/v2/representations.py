"""Objects as seed 000 shows them: property names, ids, link names, GeoJSON positions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from connectedcar.api.b2c.v2 import PREFIX
from connectedcar.api.rendering import link
from connectedcar.domain import telemetry as telemetry_catalogue
from connectedcar.domain.alerts import CATALOGUE
from connectedcar.domain.entities import (
    Alert,
    Collision,
    EcoDriving,
    Event,
    Maintenance,
    Position,
    TelemetryRecord,
    Trip,
    User,
    Vehicle,
    Waypoint,
)
from connectedcar.domain.timefmt import format_ms, to_ms

BASE = PREFIX


def date(value: datetime | None) -> str | None:
    return None if value is None else format_ms(to_ms(value))


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 6)


def feature(
    *,
    id: str,
    lon: float,
    lat: float,
    alt: float | None,
    heading: float | None,
    created_at: datetime,
    updated_at: datetime | None,
) -> dict[str, Any]:
    """A GeoJSON Feature: coordinates [lon, lat, alt], properties id, heading, createdAt, updatedAt."""
    coordinates: list[float | int | None] = [_number(lon), _number(lat)]
    if alt is not None:
        coordinates.append(_number(alt))
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": coordinates},
        "properties": {
            "updatedAt": date(updated_at or created_at),
            "createdAt": date(created_at),
            "id": id,
            "heading": _number(heading),
        },
    }


def position(p: Position) -> dict[str, Any]:
    return feature(
        id=p.id, lon=p.lon, lat=p.lat, alt=p.alt, heading=p.heading, created_at=p.recorded_at, updated_at=p.updated_at
    )


def waypoint(w: Waypoint) -> dict[str, Any]:
    return feature(
        id=f"{w.trip_id}-{w.seq}",
        lon=w.lon,
        lat=w.lat,
        alt=w.alt,
        heading=w.heading,
        created_at=w.recorded_at,
        updated_at=w.recorded_at,
    )


def vehicle_links(vehicle_id: str, last_trip_id: str | None) -> dict[str, dict[str, str]]:
    v = f"{BASE}/vehicles/{vehicle_id}"
    links = {"self": link(v)}
    if last_trip_id is not None:
        links["lastTrip"] = link(f"{BASE}/trips/{last_trip_id}")
    links.update(
        {
            "lastPosition": link(f"{v}/lastPosition"),
            "trips": link(f"{v}/trips"),
            "collisions": link(f"{v}/collisions"),
            "telemetry": link(f"{v}/telemetry"),
            "maintenance": link(f"{v}/maintenance"),
            "alerts": link(f"{v}/alerts"),
            "events": link(f"{v}/events"),
        }
    )
    return links


def vehicle(v: Vehicle, last_trip_id: str | None) -> dict[str, Any]:
    return {
        "_links": vehicle_links(v.id, last_trip_id),
        "id": v.id,
        "vin": v.vin,
        "brand": v.brand,
        "model": v.model,
        "subModel": v.sub_model,
        "engine": v.engine,
        "gearbox": v.gearbox,
        "energy": v.energy,
        "createdAt": date(v.created_at),
        "updatedAt": date(v.updated_at),
    }


def user(u: User, vehicles: list[dict[str, Any]], last_trip_id: str | None) -> dict[str, Any]:
    links = {"self": link(f"{BASE}/user"), "trips": link(f"{BASE}/trips")}
    if last_trip_id is not None:
        links["lastTrip"] = link(f"{BASE}/trips/{last_trip_id}")
        links["lastEcodriving"] = link(f"{BASE}/trips/{last_trip_id}/ecodriving")
    return {
        "_links": links,
        "id": u.id,
        "email": u.email,
        "firstName": u.first_name,
        "lastName": u.last_name,
        "createdAt": date(u.created_at),
        "updatedAt": date(u.updated_at),
        "_embedded": {"vehicles": vehicles},
    }


def trip(t: Trip) -> dict[str, Any]:
    tr = f"{BASE}/trips/{t.id}"
    stopped = t.stopped_at
    duration = int((stopped - t.started_at).total_seconds()) if stopped else None
    embedded: dict[str, Any] = {}
    if t.start_position is not None:
        embedded["startPosition"] = position(t.start_position)
    if t.stop_position is not None:
        embedded["stopPosition"] = position(t.stop_position)
    body: dict[str, Any] = {
        "_links": {
            "self": link(tr),
            "vehicle": link(f"{BASE}/vehicles/{t.vehicle_id}"),
            "ecodriving": link(f"{tr}/ecodriving"),
            "path": link(f"{tr}/wayPoints"),
            "alerts": link(f"{tr}/alerts"),
            "collisions": link(f"{tr}/collisions"),
            "telemetry": link(f"{tr}/telemetry"),
        },
        "id": t.id,
        "reference": t.reference,
        "startedAt": date(t.started_at),
        "stoppedAt": date(stopped),
        # seed 000 shows the duration as a string of seconds ("duration": "53")
        "duration": None if duration is None else str(duration),
        "distance": _number(t.distance),
        "fuelConsumption": _number(t.fuel_consumption),
        "refueling": t.refueling,
        "avgConsumption": _number(t.avg_consumption),
        "avgSpeed": _number(t.avg_speed),
        "co2EmissionEstimated": -1 if t.co2_emission is None else _number(t.co2_emission),
        "createdAt": date(t.created_at),
        "updatedAt": date(t.updated_at),
    }
    if t.energy_consumption is not None:
        body["energyConsumption"] = _number(t.energy_consumption)
    body["_embedded"] = embedded
    return body


def collision(c: Collision) -> dict[str, Any]:
    body: dict[str, Any] = {
        "_links": {
            "self": link(f"{BASE}/collisions/{c.id}"),
            "vehicle": link(f"{BASE}/vehicles/{c.vehicle_id}"),
            # seed 000 shows "unknown" when the collision happened outside a known trip
            "trip": link(f"{BASE}/trips/{c.trip_id}" if c.trip_id else "unknown"),
        },
        "id": c.id,
        "rollOver": c.roll_over,
        "rear": {"level": c.rear_level},
        "front": {"level": c.front_level},
        "lateral": {"level": c.lateral_level},
        "pedestrian": c.pedestrian,
        "createdAt": date(c.occurred_at),
        "updatedAt": date(c.updated_at or c.occurred_at),
    }
    if c.lon is not None and c.lat is not None:
        body["_embedded"] = {
            "position": feature(
                id=c.id,
                lon=c.lon,
                lat=c.lat,
                alt=c.alt,
                heading=c.heading,
                created_at=c.occurred_at,
                updated_at=c.occurred_at,
            )
        }
    return body


def alert(a: Alert, locale: str, vin: str) -> dict[str, Any]:
    kind = CATALOGUE.get(a.type)
    message = kind.message(locale) if kind else a.type
    links = {
        "self": link(f"{BASE}/vehicles/{a.vehicle_id}/alerts/{a.id}"),
        "vehicle": link(f"{BASE}/vehicles/{a.vehicle_id}"),
    }
    if a.trip_id:
        links["trip"] = link(f"{BASE}/trips/{a.trip_id}")
    body: dict[str, Any] = {
        "_links": links,
        "id": a.id,
        "active": a.active,
        "type": a.type,
        "message": message,
        "severity": kind.severity if kind else "medium",
        "startedAt": date(a.started_at),
        "endAt": date(a.ended_at),
        "createdAt": date(a.started_at),
        "updatedAt": date(a.updated_at or a.started_at),
        # The fields of seed 000's alert example, for clients written against it.
        "alert": message,
        "advise": kind.advice(locale) if kind else "",
        "category": kind.category if kind else "",
        "idAlert": a.id,
        "dateUpdate": date(a.updated_at or a.started_at),
        "vin": vin,
        "contract": None,  # the seed names a service contract we do not model
        "dateAlertBegin": date(a.started_at),
        "dateAlertEnd": date(a.ended_at),
        "alertState": 1 if a.active else 0,
    }
    if a.lon is not None and a.lat is not None:
        body["_embedded"] = {
            "position": feature(
                id=a.id,
                lon=a.lon,
                lat=a.lat,
                alt=a.alt,
                heading=a.heading,
                created_at=a.started_at,
                updated_at=a.started_at,
            )
        }
    return body


def maintenance(m: Maintenance, vin: str) -> dict[str, Any]:
    v = f"{BASE}/vehicles/{m.vehicle_id}"
    return {
        "_links": {"self": link(f"{v}/maintenance"), "vehicle": link(v)},
        "vin": vin,
        "days": m.days,
        "mileage": m.mileage,
        "createdAt": date(m.created_at),
        "updatedAt": date(m.updated_at),
    }


_EVENT_TARGET = {"TRIP": "trips", "COLLISION": "collisions", "ALERT": "alerts"}


def event(e: Event, embedded: Mapping[str, Any] | None) -> dict[str, Any]:
    """Seed 000 embeds the object the event is about directly under `_embedded`."""
    target = _EVENT_TARGET.get(e.type)
    if target == "alerts":
        href = f"{BASE}/vehicles/{e.vehicle_id}/alerts/{e.event_id}"
    elif target:
        href = f"{BASE}/{target}/{e.event_id}"
    else:
        href = f"{BASE}/vehicles/{e.vehicle_id}/events/{e.id}"
    body: dict[str, Any] = {
        "_links": {"self": link(href)},
        "id": e.id,
        "type": e.type,
        "eventId": e.event_id,
        "createdAt": date(e.created_at),
        "updatedAt": date(e.updated_at or e.created_at),
    }
    if e.data:
        body["data"] = dict(e.data)
    body["_embedded"] = dict(embedded) if embedded is not None else {}
    return body


def telemetry(r: TelemetryRecord, paths: list[str]) -> dict[str, Any]:
    data = telemetry_catalogue.select(r.data, paths) if paths else r.data
    return {
        "_links": {
            "self": link(f"{BASE}/telemetry/{r.id}"),
            "vehicle": link(f"{BASE}/vehicles/{r.vehicle_id}"),
        },
        "id": r.id,
        **data,
        "createdAt": date(r.recorded_at),
        "updatedAt": date(r.updated_at or r.recorded_at),
    }


def ecodriving(e: EcoDriving) -> dict[str, Any]:
    return {
        "_links": {
            "self": link(f"{BASE}/trips/{e.trip_id}/ecodriving"),
            "vehicle": link(f"{BASE}/vehicles/{e.vehicle_id}"),
            "trip": link(f"{BASE}/trips/{e.trip_id}"),
        },
        "id": e.trip_id,
        "global": e.scores.get("global", {}),
        "detailed": e.scores.get("detailed", {}),
        "createdAt": date(e.created_at),
        "updatedAt": date(e.updated_at or e.created_at),
    }
