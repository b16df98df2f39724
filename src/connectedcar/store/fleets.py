"""Fleets, their Basic credentials (hashed) and the vehicles in them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, exists, func, insert, select, update

from connectedcar.domain.entities import Fleet, Vehicle
from connectedcar.domain.timefmt import from_ms, to_ms
from connectedcar.store.database import insert_new
from connectedcar.store.tables import fleet_vehicles, fleets, vehicles
from connectedcar.store.vehicles import vehicle_from_row


def _fleet(row: Any) -> Fleet:
    return Fleet(
        id=row.id,
        name=row.name,
        client_id=row.client_id,
        username=row.username,
        password_hash=row.password_hash,
        created_at=from_ms(row.created_at),
        updated_at=from_ms(row.updated_at),
        webhook_secret=row.webhook_secret,
    )


def create_fleet(conn: Connection, fleet: Fleet) -> None:
    conn.execute(
        insert(fleets).values(
            id=fleet.id,
            name=fleet.name,
            client_id=fleet.client_id,
            username=fleet.username,
            password_hash=fleet.password_hash,
            webhook_secret=fleet.webhook_secret,
            created_at=to_ms(fleet.created_at),
            updated_at=to_ms(fleet.updated_at),
        )
    )


def fleet_by_id(conn: Connection, fleet_id: str) -> Fleet | None:
    row = conn.execute(select(fleets).where(fleets.c.id == fleet_id)).first()
    return _fleet(row) if row else None


def fleet_by_username(conn: Connection, username: str) -> Fleet | None:
    row = conn.execute(select(fleets).where(fleets.c.username == username)).first()
    return _fleet(row) if row else None


def list_fleets(conn: Connection) -> Sequence[Fleet]:
    return [_fleet(r) for r in conn.execute(select(fleets).order_by(fleets.c.created_at, fleets.c.id))]


def delete_fleet(conn: Connection, fleet_id: str) -> bool:
    """Delete a fleet and its memberships; its vehicles stay."""
    conn.execute(delete(fleet_vehicles).where(fleet_vehicles.c.fleet_id == fleet_id))
    return conn.execute(delete(fleets).where(fleets.c.id == fleet_id)).rowcount > 0


def set_password_hash(conn: Connection, fleet_id: str, password_hash: str, now_ms: int) -> bool:
    statement = update(fleets).where(fleets.c.id == fleet_id).values(password_hash=password_hash, updated_at=now_ms)
    return conn.execute(statement).rowcount > 0


def add_vehicles(conn: Connection, fleet_id: str, vehicle_ids: Sequence[str], now_ms: int) -> None:
    """Put vehicles in the fleet; those already in it stay as they are (added_at unchanged)."""
    rows = [{"fleet_id": fleet_id, "vehicle_id": vid, "added_at": now_ms} for vid in dict.fromkeys(vehicle_ids)]
    insert_new(conn, fleet_vehicles, rows)


def remove_vehicle(conn: Connection, fleet_id: str, vehicle_id: str) -> bool:
    where = (fleet_vehicles.c.fleet_id == fleet_id) & (fleet_vehicles.c.vehicle_id == vehicle_id)
    return conn.execute(delete(fleet_vehicles).where(where)).rowcount > 0


def in_fleet(conn: Connection, fleet_id: str, vehicle_id: str) -> bool:
    where = (fleet_vehicles.c.fleet_id == fleet_id) & (fleet_vehicles.c.vehicle_id == vehicle_id)
    return bool(conn.execute(select(exists().where(where))).scalar())


def fleet_vehicle(conn: Connection, fleet_id: str, vehicle_id: str) -> Vehicle | None:
    """The vehicle, if it is in the fleet: one query for the check every per-vehicle read makes."""
    query = (
        select(vehicles)
        .join(fleet_vehicles, fleet_vehicles.c.vehicle_id == vehicles.c.id)
        .where(fleet_vehicles.c.fleet_id == fleet_id, vehicles.c.id == vehicle_id)
    )
    row = conn.execute(query).first()
    return vehicle_from_row(row) if row else None


def vehicles_of_fleet(
    conn: Connection, fleet_id: str, offset: int = 0, limit: int | None = None, vin_prefix: str | None = None
) -> tuple[int, Sequence[Vehicle]]:
    """The fleet's vehicles in the order they joined it (then by VIN), a page at a time."""
    where = [fleet_vehicles.c.fleet_id == fleet_id]
    if vin_prefix:
        where.append(vehicles.c.vin.startswith(vin_prefix.upper(), autoescape=True))
    joined = fleet_vehicles.join(vehicles, fleet_vehicles.c.vehicle_id == vehicles.c.id)
    total = conn.execute(select(func.count()).select_from(joined).where(*where)).scalar_one()
    if total == 0 or (limit is not None and limit <= 0):
        return total, []
    query = (
        select(vehicles)
        .select_from(joined)
        .where(*where)
        .order_by(fleet_vehicles.c.added_at, vehicles.c.vin)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return total, [vehicle_from_row(r) for r in conn.execute(query)]


def fleet_ids_of_vehicle(conn: Connection, vehicle_id: str) -> list[str]:
    query = select(fleet_vehicles.c.fleet_id).where(fleet_vehicles.c.vehicle_id == vehicle_id)
    return sorted(str(r.fleet_id) for r in conn.execute(query))


def vehicle_counts(conn: Connection) -> dict[str, int]:
    query = select(fleet_vehicles.c.fleet_id, func.count()).group_by(fleet_vehicles.c.fleet_id)
    return {str(fid): int(n) for fid, n in conn.execute(query)}


def in_some_fleet(conn: Connection, vehicle_id: str) -> bool:
    """Whether any fleet holds the vehicle."""
    query = select(fleet_vehicles.c.vehicle_id).where(fleet_vehicles.c.vehicle_id == vehicle_id).limit(1)
    return conn.execute(query).first() is not None
