"""Normalize and filter: which reports the pipeline refuses, and why.

Range comparisons are written so NaN and infinities fail them (every comparison with NaN is False).
"""

from __future__ import annotations

from math import isfinite

from connectedcar.domain.reports import Report
from connectedcar.engine.config import PipelineConfig
from connectedcar.engine.state import VehicleState

INVALID = "invalid"
FUTURE = "future"
DUPLICATE = "duplicate"


def _level_ok(value: float | None) -> bool:
    return value is None or 0.0 <= value <= 100.0


def check(report: Report, vehicle_id: str, now_ms: int, config: PipelineConfig) -> tuple[str, str] | None:
    """(reason, detail) when the report is invalid or from the future; None when it may go on."""
    if report.vehicle_id != vehicle_id:
        return INVALID, "the report is for another vehicle"
    lat, lon = report.lat, report.lon
    if lat is not None or lon is not None:
        if lat is None or lon is None:
            return INVALID, "latitude and longitude go together"
        if not (-90.0 <= lat <= 90.0):
            return INVALID, "latitude out of range"
        if not (-180.0 <= lon <= 180.0):
            return INVALID, "longitude out of range"
        if lat == 0.0 and lon == 0.0:
            return INVALID, "position (0, 0): no fix"
    speed = report.speed
    if speed is not None and not (0.0 <= speed <= config.max_speed_kmh):
        return INVALID, "speed out of range"
    if report.heading is not None and not isfinite(report.heading):
        return INVALID, "heading is not a number"
    if report.alt is not None and not isfinite(report.alt):
        return INVALID, "altitude is not a number"
    if report.odometer is not None and not (0.0 <= report.odometer < 1e8):
        return INVALID, "odometer out of range"
    if not (_level_ok(report.fuel_level) and _level_ok(report.battery_level)):
        return INVALID, "energy level out of range"
    if report.at_ms > now_ms + config.max_future_ms:
        return FUTURE, "the report is in the future"
    return None


def is_duplicate(state: VehicleState, at_ms: int) -> bool:
    """A report at the time of one already seen (the bus delivers at least once)."""
    return at_ms == state.last_at_ms or at_ms in state.recent_ms


def remember(state: VehicleState, at_ms: int, config: PipelineConfig) -> None:
    recent = state.recent_ms
    recent.append(at_ms)
    if len(recent) > config.recent_reports:
        del recent[0]
