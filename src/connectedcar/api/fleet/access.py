"""Who may read what: a fleet is readable by its own credentials only (403 for another fleet's id,
404 for an id no fleet has); a vehicle of the fleet is found within it, and any other id is a 404.
Trips, alerts and collisions follow their vehicle: one of a vehicle outside the fleet is a 404, as an
unknown id is (a vehicle may be in several fleets: a 403 would tell one fleet about another's)."""

from __future__ import annotations

from sqlalchemy import Connection

from connectedcar.api.errors import Forbidden, NotFound
from connectedcar.domain.entities import Alert, Collision, Fleet, Vehicle
from connectedcar.store import fleets, history


def check_fleet(conn: Connection, fleet: Fleet, fleet_id: str) -> None:
    if fleet_id == fleet.id:
        return
    if fleets.fleet_by_id(conn, fleet_id) is None:
        raise NotFound(f"No fleet found with id {fleet_id!r}", code=40440)
    raise Forbidden(f"These credentials do not give access to fleet {fleet_id!r}", code=40340)


def fleet_vehicle(conn: Connection, fleet: Fleet, fleet_id: str, vehicle_id: str) -> Vehicle:
    check_fleet(conn, fleet, fleet_id)
    found = fleets.fleet_vehicle(conn, fleet_id, vehicle_id)
    if found is None:
        if fleets.in_some_fleet(conn, vehicle_id):
            raise Forbidden(f"Vehicle {vehicle_id!r} belongs to another fleet", code=40310)
        raise NotFound(f"No vehicle found with id {vehicle_id!r} in fleet {fleet_id!r}", code=40410)
    return found


def trip_vehicle(conn: Connection, fleet: Fleet, fleet_id: str, trip_id: str, vehicle_id: str | None) -> Vehicle:
    """The vehicle of a trip of the fleet; when the path names a vehicle, the trip must be that one's."""
    named = fleet_vehicle(conn, fleet, fleet_id, vehicle_id) if vehicle_id is not None else None
    check_fleet(conn, fleet, fleet_id)
    _, owner, _ = history.trip_owner(conn, trip_id)
    found: Vehicle | None = None
    if owner is not None and named is None:
        found = fleets.fleet_vehicle(conn, fleet_id, owner)
    elif owner is not None and named is not None and owner == named.id:
        found = named
    if found is None:
        where = f"vehicle {vehicle_id!r}" if vehicle_id is not None else f"fleet {fleet_id!r}"
        raise NotFound(f"No trip found with id {trip_id!r} in {where}", code=40420)
    return found


def fleet_alert(conn: Connection, fleet_id: str, alert_id: str, vehicle_id: str | None = None) -> tuple[Alert, str]:
    """An alert of a vehicle of the (already checked) fleet, with the vehicle's VIN."""
    found = history.alert_by_id(conn, alert_id)
    vin = None
    if found is not None and (vehicle_id is None or found.vehicle_id == vehicle_id):
        vin = history.fleet_vins(conn, fleet_id, [found.vehicle_id]).get(found.vehicle_id)
    if found is None or vin is None:
        raise NotFound(f"No alert found with id {alert_id!r}", code=40413)
    return found, vin


def fleet_collision(
    conn: Connection, fleet_id: str, collision_id: str, vehicle_id: str | None = None
) -> tuple[Collision, str]:
    """A collision of a vehicle of the (already checked) fleet, with the vehicle's VIN."""
    found = history.collision_by_id(conn, collision_id)
    vin = None
    if found is not None and (vehicle_id is None or found.vehicle_id == vehicle_id):
        vin = history.fleet_vins(conn, fleet_id, [found.vehicle_id]).get(found.vehicle_id)
    if found is None or vin is None:
        raise NotFound(f"No collision found with id {collision_id!r}", code=40430)
    return found, vin
