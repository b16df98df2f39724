"""Every route of the B2C v2 API, with its /connectedcar/v2 prefix, as one flat list.

The routes are added to the app as they are rather than through `include_router`: each included
router is one more level that every request's route matching walks through.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from connectedcar.api.b2c.v2 import collisions, spec_paths, trips, vehicle_history, vehicles

ROUTES: list[BaseRoute] = [
    route for module in (vehicles, vehicle_history, trips, collisions, spec_paths) for route in module.router.routes
]
