"""/user, /vehicles, /vehicles/{id} and /vehicles/{id}/lastPosition."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import Connection
from starlette.responses import Response

from connectedcar.api.auth.bearer import current_grant
from connectedcar.api.auth.tokens import AccessGrant
from connectedcar.api.b2c.v2 import PREFIX
from connectedcar.api.b2c.v2 import representations as rep
from connectedcar.api.b2c.v2.access import owned_vehicle, require_owner
from connectedcar.api.b2c.v2.params import VehicleId, runtime
from connectedcar.api.errors import NotFound
from connectedcar.api.paging import Page, collection, paging
from connectedcar.api.rendering import geo, hal
from connectedcar.api.routing import DirectRoute
from connectedcar.store import accounts, history
from connectedcar.store import vehicles as vehicle_repo

router = APIRouter(prefix=PREFIX, route_class=DirectRoute)


@router.get("/user", summary="Get User Information")
async def get_user(request: Request, grant: AccessGrant = Depends(current_grant)) -> Response:
    """The logged-in user, with the vehicles they own embedded."""

    def read(conn: Connection) -> dict[str, Any]:
        user = accounts.user_by_id(conn, grant.user_id)
        if user is None:
            raise NotFound("No user found", code=40401)
        _, owned = vehicle_repo.vehicles_of_user(conn, user.id)
        last_trips = history.last_trip_ids(conn, [v.id for v in owned])
        _, latest = history.trips_page(conn, history.Window(limit=1), user_id=user.id)
        return rep.user(user, [rep.vehicle(v, last_trips.get(v.id)) for v in owned], latest[0].id if latest else None)

    return hal(request, await runtime(request).store.run(read))


@router.get("/vehicles", summary="Get all Vehicles owned by the user")
async def list_vehicles(
    request: Request, grant: AccessGrant = Depends(current_grant), page: Page = Depends(paging(10))
) -> Response:
    """The vehicles the user owns, a page at a time."""

    def read(conn: Connection) -> dict[str, Any]:
        total, owned = vehicle_repo.vehicles_of_user(conn, grant.user_id, page.offset, page.limit)
        last_trips = history.last_trip_ids(conn, [v.id for v in owned])
        return collection(request, page, total, "vehicles", [rep.vehicle(v, last_trips.get(v.id)) for v in owned])

    return hal(request, await runtime(request).store.run(read))


@router.get("/vehicles/{id}", summary="Get a specific Vehicle")
async def get_vehicle(request: Request, id: str = VehicleId, grant: AccessGrant = Depends(current_grant)) -> Response:
    """One vehicle of the user."""

    def read(conn: Connection) -> dict[str, Any]:
        found = owned_vehicle(conn, grant, id)
        return rep.vehicle(found, history.last_trip_ids(conn, [found.id]).get(found.id))

    return hal(request, await runtime(request).store.run(read))


@router.get("/vehicles/{id}/lastPosition", summary="Get last position of a Vehicle")
async def last_position(request: Request, id: str = VehicleId, grant: AccessGrant = Depends(current_grant)) -> Response:
    """The vehicle's last known position, as a GeoJSON Feature."""

    def read(conn: Connection) -> dict[str, Any]:
        exists, owner, found = history.vehicle_last_position(conn, id)
        require_owner(exists, owner, grant, id)
        if found is None:
            raise NotFound(f"No geolocation data found for vehicle {id!r}", code=40411)
        return rep.position(found)

    return geo(request, await runtime(request).store.run(read))
