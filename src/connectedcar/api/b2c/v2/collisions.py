"""One collision, by id."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import Connection
from starlette.responses import Response

from connectedcar.api.auth.bearer import current_grant
from connectedcar.api.auth.tokens import AccessGrant
from connectedcar.api.b2c.v2 import PREFIX
from connectedcar.api.b2c.v2 import representations as rep
from connectedcar.api.b2c.v2.access import check_collision
from connectedcar.api.b2c.v2.params import CollisionId, runtime
from connectedcar.api.errors import NotFound
from connectedcar.api.rendering import hal
from connectedcar.api.routing import DirectRoute
from connectedcar.store import history

router = APIRouter(prefix=PREFIX, route_class=DirectRoute)


@router.get("/collisions/{id}", summary="Get informations on a specific collision")
async def get_collision(
    request: Request, id: str = CollisionId, grant: AccessGrant = Depends(current_grant)
) -> Response:
    """One collision detected by one of the user's vehicles."""

    def read(conn: Connection) -> dict[str, Any]:
        check_collision(conn, grant, id)
        found = history.collision_by_id(conn, id)
        if found is None:
            raise NotFound(f"No collision found with id {id!r}", code=40430)
        return rep.collision(found)

    return hal(request, await runtime(request).store.run(read))
