"""Collisions detected by a fleet's vehicles: per vehicle and fleet-wide, a list and one by id."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from sqlalchemy import Connection
from starlette.responses import Response

from connectedcar.api.b2c.v2.params import runtime
from connectedcar.api.fleet import representations as rep
from connectedcar.api.fleet.access import check_fleet, fleet_collision, fleet_vehicle
from connectedcar.api.fleet.auth import current_fleet
from connectedcar.api.fleet.params import (
    PAGE_SIZE,
    CollisionId,
    FleetId,
    Timestamps,
    VehicleId,
    profile,
    timestamps,
)
from connectedcar.api.paging import Page, paging
from connectedcar.api.rendering import hal
from connectedcar.domain.entities import Fleet
from connectedcar.store import history


async def get_vehicle_collisions(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
    _: str = Depends(profile),
) -> Response:
    """The collisions the vehicle detected, newest first."""

    def read(conn: Connection) -> dict[str, Any]:
        vehicle = fleet_vehicle(conn, fleet, fid, vid)
        total, found = history.collisions_page(conn, times.window(page), vehicle_id=vid)
        items = [rep.collision(request, fid, c, vehicle.vin) for c in found]
        return rep.fleet_collection(request, page, total, rep.COLLISIONS, items)

    return hal(request, await runtime(request).store.run(read))


async def get_vehicle_collision(
    request: Request,
    fid: str = FleetId,
    vid: str = VehicleId,
    cid: str = CollisionId,
    fleet: Fleet = Depends(current_fleet),
    _: str = Depends(profile),
) -> Response:
    """One collision the vehicle detected."""

    def read(conn: Connection) -> dict[str, Any]:
        fleet_vehicle(conn, fleet, fid, vid)
        found, vin = fleet_collision(conn, fid, cid, vid)
        return rep.collision(request, fid, found, vin)

    return hal(request, await runtime(request).store.run(read))


async def get_fleet_collisions(
    request: Request,
    fid: str = FleetId,
    fleet: Fleet = Depends(current_fleet),
    page: Page = Depends(paging(PAGE_SIZE)),
    times: Timestamps = Depends(timestamps),
    _: str = Depends(profile),
) -> Response:
    """The collisions of all the fleet's vehicles, newest first."""

    def read(conn: Connection) -> dict[str, Any]:
        check_fleet(conn, fleet, fid)
        total, found = history.collisions_page(conn, times.window(page), fleet_id=fid)
        vins = history.fleet_vins(conn, fid, [c.vehicle_id for c in found])
        items = [rep.collision(request, fid, c, vins[c.vehicle_id]) for c in found if c.vehicle_id in vins]
        return rep.fleet_collection(request, page, total, rep.COLLISIONS, items)

    return hal(request, await runtime(request).store.run(read))


async def get_fleet_collision(
    request: Request,
    fid: str = FleetId,
    cid: str = CollisionId,
    fleet: Fleet = Depends(current_fleet),
    _: str = Depends(profile),
) -> Response:
    """One collision of a vehicle of the fleet."""

    def read(conn: Connection) -> dict[str, Any]:
        check_fleet(conn, fleet, fid)
        found, vin = fleet_collision(conn, fid, cid)
        return rep.collision(request, fid, found, vin)

    return hal(request, await runtime(request).store.run(read))


ENDPOINTS: list[tuple[str, Any, str]] = [
    ("/fleets/{fid}/vehicles/{vid}/collisions", get_vehicle_collisions, "Collisions of a vehicle"),
    ("/fleets/{fid}/vehicles/{vid}/collisions/{cid}", get_vehicle_collision, "A collision of a vehicle"),
    ("/fleets/{fid}/collisions", get_fleet_collisions, "Collisions of all vehicles of the fleet"),
    ("/fleets/{fid}/collisions/{cid}", get_fleet_collision, "A collision of a vehicle of the fleet"),
]
