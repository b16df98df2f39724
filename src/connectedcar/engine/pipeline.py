"""The pipeline: one report (or one clock tick) of one vehicle in, the vehicle's new state and the rows
to write out. Pure and deterministic: no I/O, no clock of its own (now_ms is given), stdlib only.

Stages, in order, for a report:
1. filter: invalid and future reports are refused; a report at the time of one already seen is a
   duplicate; an older one is stale: its Position and TelemetryRecord are kept for the history, but
   it does not move the state (the bus already reordered what arrived within its window);
2. close a trip left without motion for config.stop_after_ms;
3. state: motion, odometer, energy levels and autonomy, doors, charging;
4. refuels and thefts while parked;
5. trips: start, distance, waypoints, eco-driving samples;
6. the report's Position and TelemetryRecord;
7. alerts and collisions;
8. trip stop on ignition off;
9. maintenance countdown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from connectedcar.domain.entities import TelemetryRecord
from connectedcar.domain.reports import Report, VehicleProfile
from connectedcar.engine import filtering, fuel, incidents, maintenance, trips
from connectedcar.engine.config import DEFAULT, PipelineConfig
from connectedcar.engine.geo import haversine_m, normal_heading
from connectedcar.engine.ids import telemetry_id
from connectedcar.engine.outputs import Outputs, Rejection
from connectedcar.engine.stamps import compact, from_ms
from connectedcar.engine.state import Fix, VehicleState
from connectedcar.engine.telemetry import document

__all__ = ["DEFAULT", "PipelineConfig", "VehicleState", "process", "tick"]

_WITH_ENERGY = ("Electric", "Hybrid")


def process(
    state: VehicleState | None,
    profile: VehicleProfile,
    report: Report,
    now_ms: int,
    config: PipelineConfig = DEFAULT,
    out: Outputs | None = None,
) -> tuple[VehicleState, Outputs]:
    """Process one report. The state is updated in place and returned (a new one when None is given).
    Rows are appended to `out` when given (a batch's accumulator: no lists to build and merge per
    report), else to a new Outputs; either is returned."""
    if out is None:
        out = Outputs()
    if state is None:
        state = VehicleState.new(profile.vehicle_id)
    problem = filtering.check(report, profile.vehicle_id, now_ms, config)
    if problem is not None:
        out.rejected.append(Rejection(report, problem[0], problem[1]))
        return state, out
    at = report.at_ms
    if at <= state.last_at_ms:
        if filtering.is_duplicate(state, at):
            out.rejected.append(Rejection(report, filtering.DUPLICATE, "a report at this time was already processed"))
        else:
            filtering.remember(state, at, config)
            _record_stale(state, profile, report, out, config)
            out.stale += 1
        return state, out
    filtering.remember(state, at, config)
    state.last_at_ms = at

    trip = state.trip
    if trip is not None and at - trip.last_motion_ms >= config.stop_after_ms:
        trips.stop(state, profile, trip.last_motion_ms, out, config)

    when = from_ms(at)
    heading = report.heading
    if heading is not None and not (0.0 <= heading < 360.0):
        heading = normal_heading(heading)

    # motion: the reported speed, else the displacement since the last fix beyond GPS noise
    speed = report.speed
    previous = state.last_fix
    fix: Fix | None = None
    segment = 0.0
    lat, lon = report.lat, report.lon
    if lat is not None and lon is not None:
        fix = Fix(at, lat, lon, report.alt, heading, speed)
        if previous is not None:
            segment = haversine_m(previous.lat, previous.lon, lat, lon)
            if speed is None:
                dt = at - previous.at_ms
                noise = max(config.min_displacement_m, report.accuracy or 0.0)
                speed = segment * 3600.0 / dt if dt > 0 and segment > noise else 0.0
    moving = None if speed is None else speed > config.moving_kmh
    was_moving = state.moving
    moved = segment > 0.0 and (bool(moving) or was_moving)

    previous_ignition = state.ignition
    if report.ignition is not None:
        state.ignition = report.ignition
    if moving is not None:
        state.moving = moving
        state.speed = speed
        if moving:
            state.last_motion_ms = at
    _update_levels(state, profile, report, fix, segment, moved, config)

    level = report.fuel_level
    if state.trip is None and level is not None:
        fuel.watch_parked(state, level, at, config)

    trip = state.trip
    if trips.should_start(state, previous_ignition, speed, bool(moving), config):
        fuel.settle(state, profile, at, True, out, config)
        trip = trips.start(state, at)
        trip.start_fix = fix or previous
        trips.emit_start(state, trip, out)
    elif state.fuel_episode is not None:
        fuel.settle(state, profile, at, False, out, config)

    trip_ref: str | None = None
    if trip is not None:
        trip_ref = trip.id
        if moving:
            trip.last_motion_ms = at
        trips.follow(trip, fix, segment, moved, when, out, config)
        trip.eco.sample(at, speed, report.engine_speed, report.acceleration, state.ignition, config)
        if trip.start_fuel is None:
            trip.start_fuel = state.fuel_level
        if trip.start_battery is None:
            trip.start_battery = state.battery_level

    stamp = compact(at)
    if fix is not None:
        state.last_fix = fix
        out.positions.append(trips.position_of(state, fix, trip_ref, when, stamp))
    data, paths = document(
        report,
        moving,
        state.fuel_autonomy if level is not None else None,
        state.energy_autonomy if report.battery_level is not None else None,
        profile.energy in _WITH_ENERGY,
    )
    out.telemetry.append(_telemetry(state, at, stamp, when, data, paths, trip_ref))

    if report.alerts_raised or report.alerts_cleared:
        incidents.alerts(state, report, state.last_fix, trip_ref, when, out)
    if report.collision is not None:
        incidents.collision(state, report, state.last_fix, trip_ref, when, out)

    if trip is not None and report.ignition is False:
        trips.stop(state, profile, at, out, config)

    maintenance.refresh(state, profile, at, out)
    return state, out


def tick(
    state: VehicleState, profile: VehicleProfile, now_ms: int, config: PipelineConfig = DEFAULT
) -> tuple[VehicleState, Outputs]:
    """The clock moved on: end the trip of a vehicle without motion for too long, report a settled refuel,
    count maintenance days down."""
    out = Outputs()
    trip = state.trip
    if trip is not None and now_ms - trip.last_motion_ms >= config.stop_after_ms:
        trips.stop(state, profile, trip.last_motion_ms, out, config)
    if state.fuel_episode is not None:
        fuel.settle(state, profile, now_ms, False, out, config)
    if state.last_at_ms >= 0:
        maintenance.refresh(state, profile, now_ms, out)
    return state, out


def _update_levels(
    state: VehicleState,
    profile: VehicleProfile,
    report: Report,
    fix: Fix | None,
    segment_m: float,
    moved: bool,
    config: PipelineConfig,
) -> None:
    odometer = report.odometer
    if odometer is not None:
        if not state.odometer_from_device and state.odometer is not None and state.first_odometer is not None:
            # the device starts sending an odometer: keep what was driven since the first one seen
            state.first_odometer = odometer - (state.odometer - state.first_odometer)
        state.odometer = odometer
        state.odometer_from_device = True
    elif not state.odometer_from_device and fix is not None:
        # devices without an odometer (phones): accumulate the distance driven
        state.odometer = 0.0 if state.odometer is None else state.odometer + (segment_m / 1000.0 if moved else 0.0)
    if state.first_odometer is None and state.odometer is not None:
        state.first_odometer = state.odometer
    level = report.fuel_level
    if level is not None:
        state.fuel_level = level
        per_100 = state.fuel_l_per_100km or config.default_l_per_100km
        state.fuel_autonomy = fuel.autonomy_km(level, profile.tank_litres, per_100)
    level = report.battery_level
    if level is not None:
        state.battery_level = level
        per_100 = state.energy_kwh_per_100km or config.default_kwh_per_100km
        state.energy_autonomy = fuel.autonomy_km(level, profile.battery_kwh, per_100)
    if report.engine_speed is not None:
        state.engine_speed = report.engine_speed
    if report.battery_voltage is not None:
        state.battery_voltage = report.battery_voltage
    if report.charging is not None:
        state.charging = report.charging
    if report.plugged is not None:
        state.plugged = report.plugged
    if report.doors_locked is not None:
        state.doors_locked = report.doors_locked
    if report.doors_open is not None:
        state.doors_open = list(report.doors_open)


def _telemetry(
    state: VehicleState, at: int, stamp: str, when: datetime, data: dict[str, Any], paths: str, trip: str | None
) -> TelemetryRecord:
    return TelemetryRecord(
        id=telemetry_id(state.vehicle_id, state.session, stamp, at),
        vehicle_id=state.vehicle_id,
        recorded_at=when,
        data=data,
        trip_id=trip,
        updated_at=when,
        paths=paths,
    )


def _record_stale(
    state: VehicleState, profile: VehicleProfile, report: Report, out: Outputs, config: PipelineConfig
) -> None:
    """A late report: its history rows, tied to the current trip if it falls within it; no state change."""
    at = report.at_ms
    when = from_ms(at)
    stamp = compact(at)
    trip = state.trip
    trip_ref = trip.id if trip is not None and at >= trip.started_ms else None
    heading = report.heading
    if heading is not None and not (0.0 <= heading < 360.0):
        heading = normal_heading(heading)
    if report.lat is not None and report.lon is not None:
        fix = Fix(at, report.lat, report.lon, report.alt, heading, report.speed)
        out.positions.append(trips.position_of(state, fix, trip_ref, when, stamp))
    fuel_autonomy = energy_autonomy = None
    if report.fuel_level is not None:
        per_100 = state.fuel_l_per_100km or config.default_l_per_100km
        fuel_autonomy = fuel.autonomy_km(report.fuel_level, profile.tank_litres, per_100)
    if report.battery_level is not None:
        per_100 = state.energy_kwh_per_100km or config.default_kwh_per_100km
        energy_autonomy = fuel.autonomy_km(report.battery_level, profile.battery_kwh, per_100)
    moving = None if report.speed is None else report.speed > config.moving_kmh
    data, paths = document(report, moving, fuel_autonomy, energy_autonomy, profile.energy in _WITH_ENERGY)
    out.telemetry.append(_telemetry(state, at, stamp, when, data, paths, trip_ref))
