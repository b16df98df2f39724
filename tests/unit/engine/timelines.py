"""Synthetic timelines for the pipeline tests: small builders of reports, and a runner."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from connectedcar.domain.reports import Report, VehicleProfile
from connectedcar.engine.geo import EARTH_RADIUS_M
from connectedcar.engine.outputs import Outputs
from connectedcar.engine.pipeline import VehicleState, process, tick

VID = "25D3D93E7319002612A80D6AD8B423FE"
T0 = 1_497_424_173_000  # 2017-06-14T07:09:33Z, seed 000's telemetry time
LAT0, LON0 = 48.8566, 2.3522
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180.0  # along a meridian


def ms(t_s: float) -> int:
    return T0 + round(t_s * 1000)


def profile(energy: str = "Fuel", **kwargs: Any) -> VehicleProfile:
    return VehicleProfile(VID, energy, **kwargs)


def report(t_s: float, **kwargs: Any) -> Report:
    return Report(VID, ms(t_s), **kwargs)


def parked(t_s: float, lat: float = LAT0, **kwargs: Any) -> Report:
    return report(t_s, lat=lat, lon=LON0, speed=0.0, **kwargs)


def drive(
    start_s: float,
    speeds_kmh: Iterable[float],
    lat0: float = LAT0,
    every_s: float = 1.0,
    **kwargs: Any,
) -> list[Report]:
    """Due north along the meridian LON0, one report every every_s at the given speeds; the position is
    integrated from the speeds, so the distance is known exactly."""
    reports = []
    lat = lat0
    for i, speed in enumerate(speeds_kmh):
        if i:
            lat += speed / 3.6 * every_s / METRES_PER_DEGREE
        reports.append(report(start_s + i * every_s, lat=lat, lon=LON0, heading=0.0, speed=speed, **kwargs))
    return reports


def run(
    reports: Iterable[Report],
    vehicle: VehicleProfile | None = None,
    state: VehicleState | None = None,
) -> tuple[VehicleState, Outputs]:
    """Process the reports in order, each at its own time; all outputs together."""
    vehicle = vehicle or profile()
    total = Outputs()
    for r in reports:
        state, out = process(state, vehicle, r, r.at_ms)
        total.extend(out)
    assert state is not None
    return state, total


def run_tick(state: VehicleState, at_s: float, vehicle: VehicleProfile | None = None) -> Outputs:
    _, out = tick(state, vehicle or profile(), ms(at_s))
    return out
