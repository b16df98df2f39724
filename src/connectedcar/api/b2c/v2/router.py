"""Every route of the B2C v2 API, mounted at /connectedcar/v2."""

from __future__ import annotations

from fastapi import APIRouter

from connectedcar.api.b2c.v2 import collisions, spec_paths, trips, vehicle_history, vehicles

router = APIRouter()
router.include_router(vehicles.router)
router.include_router(vehicle_history.router)
router.include_router(trips.router)
router.include_router(collisions.router)
router.include_router(spec_paths.router)
