"""Trips: when they start and stop, what they add up to, and their waypoints.

A trip starts when the ignition goes on (or, for devices that never report ignition, such as phones,
when the speed goes above config.trip_start_kmh) and stops when the ignition goes off, or after
config.stop_after_ms without motion; it then ends at the last motion. The Trip row is emitted at
the start (stopped_at None) and again at the stop, with the same id.
"""

from __future__ import annotations

from datetime import datetime

from connectedcar.domain.entities import EcoDriving, Event, Position, Trip, Waypoint
from connectedcar.domain.reports import VehicleProfile
from connectedcar.engine import ecodriving
from connectedcar.engine.config import PipelineConfig
from connectedcar.engine.geo import haversine_m, heading_delta
from connectedcar.engine.ids import position_id, trip_id
from connectedcar.engine.outputs import Outputs
from connectedcar.engine.stamps import compact, from_ms
from connectedcar.engine.state import Fix, TripState, VehicleState

ELECTRIC = "Electric"
HYBRID = "Hybrid"
MIN_CONSUMPTION_KM = 0.1  # shorter trips have no average consumption
LEARN_KM = 5.0  # trips at least this long teach the vehicle's average consumption
LEARN_WEIGHT = 0.2


def position_of(
    state: VehicleState, fix: Fix, trip: str | None, when: datetime | None = None, stamp: str | None = None
) -> Position:
    """The Position row of a fix (the same id as the one written when the fix came in). `when` and
    `stamp` (the fix's time as a datetime and as YYYYMMDDhhmmss) are passed when already at hand."""
    recorded = when if when is not None else from_ms(fix.at_ms)
    return Position(
        id=position_id(state.vehicle_id, state.session, stamp or compact(fix.at_ms), fix.at_ms),
        vehicle_id=state.vehicle_id,
        recorded_at=recorded,
        lon=fix.lon,
        lat=fix.lat,
        alt=fix.alt,
        heading=fix.heading,
        speed=fix.speed,
        trip_id=trip,
        updated_at=recorded,
    )


def should_start(
    state: VehicleState, previous_ignition: bool | None, speed: float | None, moving: bool, config: PipelineConfig
) -> bool:
    if state.trip is not None:
        return False
    if state.ignition is None:
        return speed is not None and speed > config.trip_start_kmh
    # ignition on, or still on and moving again after a trip ended for lack of motion
    return state.ignition and (previous_ignition is not True or moving)


def start(state: VehicleState, at_ms: int) -> TripState:
    seq = max(at_ms // 1000, state.trip_seq + 1)  # epoch seconds: unique even if the state is lost
    state.trip_seq = seq
    ident = trip_id(state.vehicle_id, state.session, seq)
    trip = TripState(
        id=ident,
        seq=seq,
        started_ms=at_ms,
        last_motion_ms=at_ms,
        refueling=state.refuel_pending,
        start_odometer=state.odometer if state.odometer_from_device else None,
        start_fuel=state.fuel_level,
        start_battery=state.battery_level,
    )
    state.refuel_pending = False
    state.park_fuel_ref = None
    state.trip = trip
    return trip


def emit_start(state: VehicleState, trip: TripState, out: Outputs) -> None:
    started = from_ms(trip.started_ms)
    start_position = None if trip.start_fix is None else position_of(state, trip.start_fix, trip.id)
    out.trips.append(
        Trip(
            id=trip.id,
            vehicle_id=state.vehicle_id,
            started_at=started,
            stopped_at=None,
            distance=0.0,
            refueling=trip.refueling,
            start_position=start_position,
            created_at=started,
            updated_at=started,
        )
    )


def follow(
    trip: TripState,
    fix: Fix | None,
    segment_m: float,
    moved: bool,
    when: datetime,
    out: Outputs,
    config: PipelineConfig,
) -> None:
    """A fix of the trip: distance, waypoints and slope."""
    if moved:
        trip.distance_m += segment_m
    if fix is None:
        return
    if trip.start_fix is None:
        trip.start_fix = fix
    last = trip.last_waypoint
    if last is not None:
        gap = haversine_m(last.lat, last.lon, fix.lat, fix.lon)
        turned = (
            fix.heading is not None
            and last.heading is not None
            and heading_delta(fix.heading, last.heading) >= config.waypoint_heading_deg
            and moved
        )
        if gap < config.waypoint_m and not turned:
            return
        if fix.alt is not None and last.alt is not None:
            trip.eco.climb(gap, fix.alt - last.alt)
    add_waypoint(trip, fix, when, out)


def add_waypoint(trip: TripState, fix: Fix, when: datetime, out: Outputs) -> None:
    out.waypoints.append(
        Waypoint(
            trip_id=trip.id,
            seq=trip.waypoints,
            recorded_at=when,
            lon=fix.lon,
            lat=fix.lat,
            alt=fix.alt,
            heading=fix.heading,
            speed=fix.speed,
        )
    )
    trip.waypoints += 1
    trip.last_waypoint = fix


def stop(state: VehicleState, profile: VehicleProfile, stopped_ms: int, out: Outputs, config: PipelineConfig) -> None:
    """End the current trip at stopped_ms: its final row, last waypoint, eco-driving and TRIP event."""
    trip = state.trip
    if trip is None:
        return
    state.trip = None
    state.last_trip_id = trip.id
    state.park_fuel_ref = state.fuel_level
    stopped_ms = max(stopped_ms, trip.started_ms)
    last = state.last_fix if state.last_fix is not None and state.last_fix.at_ms >= trip.started_ms else None
    if last is not None and (trip.last_waypoint is None or trip.last_waypoint.at_ms != last.at_ms):
        add_waypoint(trip, last, from_ms(last.at_ms), out)
    distance = trip.distance_m / 1000.0
    start_odometer, odometer = trip.start_odometer, state.odometer
    if (
        start_odometer is not None
        and state.odometer_from_device
        and odometer is not None
        and odometer >= start_odometer
    ):
        distance = odometer - start_odometer
    electric = profile.energy == ELECTRIC
    fuel = None
    if not electric and trip.start_fuel is not None and state.fuel_level is not None:
        fuel = max(0.0, trip.start_fuel - state.fuel_level) * profile.tank_litres / 100.0
    energy = None
    if profile.energy in (ELECTRIC, HYBRID) and trip.start_battery is not None and state.battery_level is not None:
        energy = max(0.0, trip.start_battery - state.battery_level) * profile.battery_kwh / 100.0
    used = energy if electric else fuel
    average = used / distance * 100.0 if used is not None and distance >= MIN_CONSUMPTION_KM else None
    duration_h = (stopped_ms - trip.started_ms) / 3_600_000
    co2 = 0.0 if electric else (None if fuel is None else round(fuel * profile.fuel_co2_g_per_litre, 1))
    if average is not None and distance >= LEARN_KM:
        if electric:
            known = state.energy_kwh_per_100km or config.default_kwh_per_100km
            state.energy_kwh_per_100km = known + LEARN_WEIGHT * (average - known)
        else:
            known = state.fuel_l_per_100km or config.default_l_per_100km
            state.fuel_l_per_100km = known + LEARN_WEIGHT * (average - known)
    started = from_ms(trip.started_ms)
    stopped = from_ms(stopped_ms)
    start_position = None if trip.start_fix is None else position_of(state, trip.start_fix, trip.id)
    stop_fix = last or trip.start_fix
    stop_position = None if stop_fix is None else position_of(state, stop_fix, trip.id)
    out.trips.append(
        Trip(
            id=trip.id,
            vehicle_id=state.vehicle_id,
            started_at=started,
            stopped_at=stopped,
            distance=round(distance, 3),
            fuel_consumption=None if fuel is None else round(fuel, 3),
            energy_consumption=None if energy is None else round(energy, 3),
            avg_consumption=None if average is None else round(average, 2),
            avg_speed=round(distance / duration_h, 1) if duration_h > 0 else None,
            co2_emission=co2,
            refueling=trip.refueling,
            start_position=start_position,
            stop_position=stop_position,
            created_at=started,
            updated_at=stopped,
        )
    )
    scores, style = ecodriving.score(trip.eco, distance, electric, state.style_history, config)
    if style is not None:
        state.style_history.append(round(style, 3))
        del state.style_history[: -config.trend_trips]
    out.ecodriving.append(
        EcoDriving(trip_id=trip.id, vehicle_id=state.vehicle_id, scores=scores, created_at=stopped, updated_at=stopped)
    )
    out.events.append(
        Event(
            id=trip.id,
            vehicle_id=state.vehicle_id,
            type="TRIP",
            event_id=trip.id,
            created_at=stopped,
            updated_at=stopped,
        )
    )
