"""Every route of the B2C v2 API, mounted at /connectedcar/v2."""

from __future__ import annotations

from fastapi import APIRouter

from connectedcar.api.b2c.v2 import vehicles

router = APIRouter()
router.include_router(vehicles.router)
