"""Maintenance countdown: days until profile.registered_ms + interval_days, and km until interval_km
driven since the first odometer seen. Overdue counts go negative (the vehicle needs its service);
a row is emitted only when the whole (days, mileage) pair changes."""

from __future__ import annotations

import math

from connectedcar.domain.entities import Maintenance
from connectedcar.domain.reports import VehicleProfile
from connectedcar.engine.outputs import Outputs
from connectedcar.engine.stamps import DAY_MS, from_ms
from connectedcar.engine.state import VehicleState


def countdown(profile: VehicleProfile, clock_ms: int, odometer: float | None, first: float | None) -> tuple[int, int]:
    due_ms = profile.registered_ms + profile.maintenance_interval_days * DAY_MS
    days = -((clock_ms - due_ms) // DAY_MS)  # ceil: a full interval shows the full number of days
    driven = 0.0 if odometer is None or first is None else odometer - first
    return days, math.floor(profile.maintenance_interval_km - driven)  # whole km left


def refresh(state: VehicleState, profile: VehicleProfile, clock_ms: int, out: Outputs) -> None:
    if clock_ms > state.clock_ms:
        state.clock_ms = clock_ms
    days, mileage = countdown(profile, state.clock_ms, state.odometer, state.first_odometer)
    last = state.maintenance
    if last is not None and last[0] == days and last[1] == mileage:
        return
    state.maintenance = [days, mileage]
    when = from_ms(state.clock_ms)
    out.maintenance.append(
        Maintenance(vehicle_id=state.vehicle_id, days=days, mileage=mileage, created_at=when, updated_at=when)
    )
