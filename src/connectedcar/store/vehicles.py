"""Vehicles and who owns them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from connectedcar.domain.entities import Vehicle
from connectedcar.domain.reports import VehicleProfile
from connectedcar.domain.timefmt import from_ms, to_ms
from connectedcar.store.tables import vehicles


def _vehicle(row: Any) -> Vehicle:
    return Vehicle(
        id=row.id,
        vin=row.vin,
        user_id=row.user_id,
        device_id=row.device_id,
        brand=row.brand,
        model=row.model,
        sub_model=row.sub_model,
        engine=row.engine,
        gearbox=row.gearbox,
        energy=row.energy,
        created_at=from_ms(row.created_at),
        updated_at=from_ms(row.updated_at),
    )


def vehicle_from_row(row: Any) -> Vehicle:
    """A vehicles row as a Vehicle (for repositories that join other tables to vehicles)."""
    return _vehicle(row)


def create_vehicle(conn: Connection, vehicle: Vehicle) -> None:
    conn.execute(
        insert(vehicles).values(
            id=vehicle.id,
            vin=vehicle.vin,
            user_id=vehicle.user_id,
            device_id=vehicle.device_id,
            brand=vehicle.brand,
            model=vehicle.model,
            sub_model=vehicle.sub_model,
            engine=vehicle.engine,
            gearbox=vehicle.gearbox,
            energy=vehicle.energy,
            created_at=to_ms(vehicle.created_at),
            updated_at=to_ms(vehicle.updated_at),
        )
    )


def vehicle_by_id(conn: Connection, vehicle_id: str) -> Vehicle | None:
    row = conn.execute(select(vehicles).where(vehicles.c.id == vehicle_id)).first()
    return _vehicle(row) if row else None


def vehicle_by_vin(conn: Connection, vin: str) -> Vehicle | None:
    row = conn.execute(select(vehicles).where(vehicles.c.vin == vin.strip().upper())).first()
    return _vehicle(row) if row else None


def vehicle_owner(conn: Connection, vehicle_id: str) -> tuple[bool, str | None]:
    """(exists, owner user id): the one question every per-vehicle endpoint asks first."""
    row = conn.execute(select(vehicles.c.user_id).where(vehicles.c.id == vehicle_id)).first()
    return (False, None) if row is None else (True, row.user_id)


def vehicles_of_user(
    conn: Connection, user_id: str, offset: int = 0, limit: int | None = None
) -> tuple[int, Sequence[Vehicle]]:
    where = vehicles.c.user_id == user_id
    total = conn.execute(select(func.count()).select_from(vehicles).where(where)).scalar_one()
    query = select(vehicles).where(where).order_by(vehicles.c.created_at, vehicles.c.vin).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return total, [_vehicle(r) for r in conn.execute(query)]


def set_vehicle_owner(conn: Connection, vehicle_id: str, user_id: str | None, now_ms: int) -> bool:
    statement = update(vehicles).where(vehicles.c.id == vehicle_id).values(user_id=user_id, updated_at=now_ms)
    return conn.execute(statement).rowcount > 0


def vehicle_by_device(conn: Connection, device_id: str) -> Vehicle | None:
    row = conn.execute(select(vehicles).where(vehicles.c.device_id == device_id)).first()
    return _vehicle(row) if row else None


def list_vehicles(conn: Connection) -> Sequence[Vehicle]:
    return [_vehicle(r) for r in conn.execute(select(vehicles).order_by(vehicles.c.created_at, vehicles.c.vin))]


def delete_vehicle(conn: Connection, vehicle_id: str) -> bool:
    return conn.execute(delete(vehicles).where(vehicles.c.id == vehicle_id)).rowcount > 0


def set_device_token_hash(conn: Connection, vehicle_id: str, token_hash: str | None, now_ms: int) -> bool:
    """Give a vehicle a new native-protocol device token (by its hash), or take it away (None)."""
    result = conn.execute(
        update(vehicles).where(vehicles.c.id == vehicle_id).values(device_token_hash=token_hash, updated_at=now_ms)
    )
    return result.rowcount > 0


def vehicle_id_by_device_token_hash(conn: Connection, token_hash: str) -> str | None:
    row = conn.execute(select(vehicles.c.id).where(vehicles.c.device_token_hash == token_hash)).first()
    return None if row is None else str(row.id)


def profiles(conn: Connection, vehicle_ids: Sequence[str]) -> dict[str, VehicleProfile]:
    """What the pipeline needs to know of each vehicle: energy, tank or battery, maintenance start."""
    if not vehicle_ids:
        return {}
    rows = conn.execute(
        select(vehicles.c.id, vehicles.c.energy, vehicles.c.created_at).where(vehicles.c.id.in_(list(vehicle_ids)))
    )
    return {
        row.id: VehicleProfile(
            vehicle_id=row.id,
            energy=row.energy,
            battery_kwh=12.0 if row.energy == "Hybrid" else 50.0,
            registered_ms=row.created_at,
        )
        for row in rows
    }
