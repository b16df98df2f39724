"""The v2 OpenAPI file's paths (/user/vehicles/..., /user/trips/...) for the same resources that
seed 000 serves at /vehicles/... and /trips/...: the seed's paths are served, the spec's accepted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter

from connectedcar.api.b2c.v2 import PREFIX, collisions, trips, vehicle_history, vehicles
from connectedcar.api.routing import DirectRoute

router = APIRouter(prefix=PREFIX, tags=["v2 spec paths"], route_class=DirectRoute)

_ALIASES: tuple[tuple[str, Callable[..., Any], str], ...] = (
    ("/user/vehicles", vehicles.list_vehicles, "/vehicles"),
    ("/user/vehicles/{id}", vehicles.get_vehicle, "/vehicles/{id}"),
    ("/user/vehicles/{id}/lastPosition", vehicles.last_position, "/vehicles/{id}/lastPosition"),
    ("/user/vehicles/{id}/telemetry", vehicle_history.vehicle_telemetry, "/vehicles/{id}/telemetry"),
    ("/user/vehicles/{id}/collisions", vehicle_history.vehicle_collisions, "/vehicles/{id}/collisions"),
    ("/user/vehicles/{id}/maintenance", vehicle_history.vehicle_maintenance, "/vehicles/{id}/maintenance"),
    ("/user/vehicles/{id}/alerts", vehicle_history.vehicle_alerts, "/vehicles/{id}/alerts"),
    ("/user/vehicles/{id}/alerts/{aid}", vehicle_history.vehicle_alert, "/vehicles/{id}/alerts/{aid}"),
    ("/user/vehicles/{id}/trips", trips.vehicle_trips, "/vehicles/{id}/trips"),
    ("/user/trips", trips.user_trips, "/trips"),
    ("/user/trips/{id}", trips.get_trip, "/trips/{id}"),
    ("/user/trips/{id}/ecoaching", trips.trip_ecodriving, "/trips/{id}/ecodriving"),
    ("/user/trips/{id}/alerts", trips.trip_alerts, "/trips/{id}/alerts"),
    ("/user/trips/{id}/collisions", trips.trip_collisions, "/trips/{id}/collisions"),
    ("/user/trips/{id}/wayPoints", trips.trip_waypoints, "/trips/{id}/wayPoints"),
    ("/user/trips/{id}/telemetry", trips.trip_telemetry, "/trips/{id}/telemetry"),
    ("/user/collisions/{id}", collisions.get_collision, "/collisions/{id}"),
)

for _path, _endpoint, _seed_path in _ALIASES:
    router.add_api_route(
        _path,
        _endpoint,
        methods=["GET"],
        summary=f"Same as GET {_seed_path}",
        description=f"The v2 OpenAPI file's path for GET {_seed_path} (seed 000): same parameters, same answer.",
    )
