"""Who may read what: a fleet is readable by its own credentials only (403 for another fleet's id,
404 for an id no fleet has); a vehicle of the fleet is found within it, and any other id is a 404."""

from __future__ import annotations

from sqlalchemy import Connection

from connectedcar.api.errors import Forbidden, NotFound
from connectedcar.domain.entities import Fleet, Vehicle
from connectedcar.store import fleets


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
        raise NotFound(f"No vehicle found with id {vehicle_id!r} in fleet {fleet_id!r}", code=40410)
    return found
