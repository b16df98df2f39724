from __future__ import annotations

from typing import Any

import pytest

from connectedcar.domain.reports import Report
from connectedcar.engine.ecodriving import NOT_APPLICABLE
from tests.unit.engine.timelines import LAT0, drive, parked, profile, run

DETAILED = ("acceleration", "braking", "engineSpeed", "stopAndStart", "speed", "slope", "coldTrips")
ENTRY_KEYS = {"score", "evaluation", "advice", "category", "label"}


def _ramp(start: float, end: float, seconds: int) -> list[float]:
    return [start + (end - start) * (i + 1) / seconds for i in range(seconds)]


def _smooth() -> list[float]:
    # 0 -> 50 km/h over 20 s (0.7 m/s²), 10 min at 50, 50 -> 0 over 20 s, twice
    leg = [*_ramp(0, 50, 20), *[50.0] * 600, *_ramp(50, 0, 20)]
    return leg + leg


def _harsh() -> list[float]:
    # 0 -> 90 in 8 s (3.1 m/s²), 0 in 5 s (-5 m/s²), a motorway stretch at 150 km/h
    burst = [*_ramp(0, 90, 8), *[90.0] * 20, *_ramp(90, 0, 5)]
    return burst * 10 + [*_ramp(0, 150, 12), *[150.0] * 300, *_ramp(150, 0, 6)]


def _rpm(speed: float, previous: float) -> float:
    return 1000 + speed * (60 if speed > previous + 5 else 25)


def _trip(speeds: list[float], aggressive: bool) -> list[Report]:
    route = drive(1, speeds, ignition=True)
    shaped = []
    previous = 0.0
    for r, speed in zip(route, speeds, strict=True):
        rpm = _rpm(speed, previous) * (1.8 if aggressive else 1.0)
        shaped.append(Report(r.vehicle_id, r.at_ms, lat=r.lat, lon=r.lon, speed=speed, ignition=True, engine_speed=rpm))
        previous = speed
    last = shaped[-1]
    return [
        parked(0, ignition=True),
        *shaped,
        parked((last.at_ms - shaped[0].at_ms) / 1000 + 2, lat=last.lat or LAT0, ignition=False),
    ]


def _scores(timeline: list[Report]) -> dict[str, Any]:
    _, out = run(timeline)
    (eco,) = out.ecodriving
    assert eco.trip_id == out.trips[-1].id
    return eco.scores


def test_a_smooth_driver_scores_above_a_harsh_one() -> None:
    smooth = _scores(_trip(_smooth(), aggressive=False))
    harsh = _scores(_trip(_harsh(), aggressive=True))
    for key in ("acceleration", "braking", "engineSpeed", "speed"):
        assert smooth["detailed"][key]["score"] > harsh["detailed"][key]["score"], key
    assert smooth["global"]["style"]["score"] > harsh["global"]["style"]["score"] + 3
    assert smooth["global"]["style"]["evaluation"] == "good"
    assert harsh["global"]["style"]["evaluation"] == "to improve"


def test_the_scores_have_the_seed_shape() -> None:
    scores = _scores(_trip(_smooth(), aggressive=False))
    assert set(scores) == {"global", "detailed"}
    assert set(scores["global"]) == {"trend", "style", "road"}
    assert set(scores["detailed"]) == set(DETAILED)
    for group in scores.values():
        for entry in group.values():
            assert set(entry) == ENTRY_KEYS
            assert entry["score"] == NOT_APPLICABLE or 0 <= entry["score"] <= 10
    assert scores["detailed"]["stopAndStart"]["score"] == NOT_APPLICABLE  # never idled
    assert scores["detailed"]["slope"]["score"] == NOT_APPLICABLE  # no altitude


@pytest.mark.parametrize(("km", "cold"), [(0.5, True), (2.0, True), (8.0, False), (20.0, False)])
def test_short_trips_score_low_on_cold_trips(km: float, cold: bool) -> None:
    seconds = int(km * 1000 / 20)  # at 72 km/h
    scores = _scores(_trip([72.0] * seconds, aggressive=False))
    assert (scores["detailed"]["coldTrips"]["score"] < 4.5) is cold


@pytest.mark.parametrize(("alt_step", "better"), [(0.0, True), (3.0, False)])
def test_slope_from_altitude(alt_step: float, better: bool) -> None:
    speeds = [36.0] * 300
    route = drive(1, speeds, ignition=True)
    climbing = [
        Report(
            r.vehicle_id,
            r.at_ms,
            lat=r.lat,
            lon=r.lon,
            alt=100 + alt_step * (i % 20 if i % 40 < 20 else 20 - i % 20),
            speed=36.0,
            ignition=True,
        )
        for i, r in enumerate(route)
    ]
    score = _scores([parked(0, ignition=True), *climbing, parked(302, lat=climbing[-1].lat or LAT0, ignition=False)])[
        "detailed"
    ]["slope"]["score"]
    assert (score > 9) is better


def test_stop_and_start_share_of_idling_with_the_engine_off() -> None:
    def trip(idle_rpm: float) -> list[Report]:
        moving = drive(1, [30.0] * 60, ignition=True)
        lat = moving[-1].lat or LAT0
        idle = [parked(61 + i, lat=lat, ignition=True, engine_speed=idle_rpm) for i in range(60)]
        return [parked(0, ignition=True), *moving, *idle, parked(122, lat=lat, ignition=False)]

    engine_off = _scores(trip(0.0))["detailed"]["stopAndStart"]["score"]
    engine_on = _scores(trip(800.0))["detailed"]["stopAndStart"]["score"]
    assert engine_off > 9 and engine_on < 1


def test_trend_is_the_mean_of_the_last_styles() -> None:
    smooth, harsh = _trip(_smooth(), aggressive=False), _trip(_harsh(), aggressive=True)
    offset = 10_000_000
    later = [
        Report(
            r.vehicle_id,
            r.at_ms + offset,
            lat=r.lat,
            lon=r.lon,
            speed=r.speed,
            ignition=r.ignition,
            engine_speed=r.engine_speed,
        )
        for r in harsh
    ]
    _, out = run([*smooth, *later], profile())
    first, second = (e.scores["global"] for e in out.ecodriving)
    assert first["trend"]["score"] == pytest.approx(first["style"]["score"], abs=0.01)
    expected = (first["style"]["score"] + second["style"]["score"]) / 2
    assert second["trend"]["score"] == pytest.approx(expected, abs=0.01)
