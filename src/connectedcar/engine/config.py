"""The pipeline's thresholds, in one frozen table so the shells and tests can tune them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    max_future_ms: int = 5 * 60_000  # a report further ahead of the clock than this is refused
    max_speed_kmh: float = 400.0
    moving_kmh: float = 2.0  # above this a vehicle is moving
    trip_start_kmh: float = 5.0  # ignition unknown (phones): a trip starts above this speed
    stop_after_ms: int = 5 * 60_000  # a trip ends after this long without motion
    min_displacement_m: float = 10.0  # without a speed, smaller moves are GPS noise
    waypoint_m: float = 25.0
    waypoint_heading_deg: float = 20.0
    refuel_points: float = 5.0  # fuel level change, in points of %, that is a refuel or a theft while parked
    refuel_settle_ms: int = 2 * 60_000  # a refuel (or theft) is over when the level stops moving this long
    default_l_per_100km: float = 6.0
    default_kwh_per_100km: float = 17.0
    harsh_acceleration: float = 2.5  # m/s²
    harsh_braking: float = -3.0  # m/s²
    high_engine_speed: float = 3000.0  # rpm
    fast_kmh: float = 110.0
    very_fast_kmh: float = 130.0
    cold_trip_km: float = 3.0
    eco_max_gap_ms: int = 60_000  # a sample never stands for more time than this
    trend_trips: int = 5  # the global trend is the mean style of this many last trips
    recent_reports: int = 32  # processed report times remembered to refuse late duplicates


DEFAULT = PipelineConfig()
