"""Who may read what: a vehicle (or trip, or collision) is its owner's; another user's answers 403,
an unknown id 404, as seed 000's error tables say."""

from __future__ import annotations

from sqlalchemy import Connection

from connectedcar.api.auth.tokens import AccessGrant
from connectedcar.api.errors import Forbidden, NotFound
from connectedcar.domain.entities import Vehicle
from connectedcar.store import history, vehicles


def owned_vehicle(conn: Connection, grant: AccessGrant, vehicle_id: str) -> Vehicle:
    found = vehicles.vehicle_by_id(conn, vehicle_id)
    if found is None:
        raise NotFound(f"No vehicle found with id {vehicle_id!r}", code=40410)
    if found.user_id != grant.user_id:
        raise Forbidden(f"The user does not have access to vehicle {vehicle_id!r}", code=40310)
    return found


def check_vehicle(conn: Connection, grant: AccessGrant, vehicle_id: str) -> None:
    exists, owner = vehicles.vehicle_owner(conn, vehicle_id)
    require_owner(exists, owner, grant, vehicle_id)


def require_owner(exists: bool, owner: str | None, grant: AccessGrant, vehicle_id: str) -> None:
    if not exists:
        raise NotFound(f"No vehicle found with id {vehicle_id!r}", code=40410)
    if owner != grant.user_id:
        raise Forbidden(f"The user does not have access to vehicle {vehicle_id!r}", code=40310)


def check_trip(conn: Connection, grant: AccessGrant, trip_id: str) -> str:
    """The trip's vehicle id, once the caller is known to own it."""
    exists, vehicle_id, owner = history.trip_owner(conn, trip_id)
    if not exists or vehicle_id is None:
        raise NotFound(f"No trip found with id {trip_id!r}", code=40420)
    if owner != grant.user_id:
        raise Forbidden(f"The user does not have access to trip {trip_id!r}", code=40320)
    return vehicle_id


def check_collision(conn: Connection, grant: AccessGrant, collision_id: str) -> str:
    """The collision's vehicle id, once the caller is known to own that vehicle."""
    exists, vehicle_id, owner = history.collision_owner(conn, collision_id)
    if not exists or vehicle_id is None:
        raise NotFound(f"No collision found with id {collision_id!r}", code=40430)
    if owner != grant.user_id:
        raise Forbidden(f"The user does not have access to collision {collision_id!r}", code=40330)
    return vehicle_id
