from __future__ import annotations

import math
from typing import Any

import pytest

from connectedcar.engine.pipeline import process
from tests.unit.engine.timelines import LAT0, LON0, VID, ms, parked, profile, report, run


@pytest.mark.parametrize(
    "fields",
    [
        {"lat": 91.0, "lon": LON0},
        {"lat": -90.5, "lon": LON0},
        {"lat": LAT0, "lon": 180.01},
        {"lat": math.nan, "lon": LON0},
        {"lat": LAT0, "lon": math.inf},
        {"lat": 0.0, "lon": 0.0},
        {"lat": LAT0},
        {"lat": LAT0, "lon": LON0, "speed": -1.0},
        {"lat": LAT0, "lon": LON0, "speed": 400.5},
        {"lat": LAT0, "lon": LON0, "speed": math.nan},
        {"lat": LAT0, "lon": LON0, "heading": math.nan},
        {"fuel_level": 101.0},
        {"battery_level": -3.0},
        {"odometer": -1.0},
    ],
)
def test_invalid_reports_are_refused_and_change_nothing(fields: dict[str, Any]) -> None:
    state, _ = run([parked(0)])
    before = state.to_json()
    state, out = process(state, profile(), report(1, **fields), ms(1))
    assert [r.reason for r in out.rejected] == ["invalid"]
    assert out.rejected[0].detail
    assert not out.positions and not out.telemetry
    assert state.to_json() == before


def test_a_report_for_another_vehicle_is_invalid() -> None:
    from connectedcar.domain.reports import Report

    _, out = process(None, profile(), Report("OTHER", ms(0), lat=LAT0, lon=LON0), ms(0))
    assert out.rejected[0].reason == "invalid"


@pytest.mark.parametrize(
    ("ahead_ms", "refused"),
    [(0, False), (5 * 60_000, False), (5 * 60_000 + 1, True), (86_400_000, True), (-3_600_000, False)],
)
def test_future_reports(ahead_ms: int, refused: bool) -> None:
    now = ms(0)
    r = report(0, lat=LAT0, lon=LON0)
    r = type(r)(VID, now + ahead_ms, lat=LAT0, lon=LON0)
    _, out = process(None, profile(), r, now)
    assert [x.reason for x in out.rejected] == (["future"] if refused else [])
    assert len(out.positions) == (0 if refused else 1)


def test_duplicates_are_refused_even_late() -> None:
    state, _ = run([parked(0), parked(1), parked(2)])
    for t in (2, 1):
        state, out = process(state, profile(), parked(t), ms(3))
        assert [x.reason for x in out.rejected] == ["duplicate"]
        assert not out.positions


def test_stale_reports_are_kept_but_do_not_move_the_state() -> None:
    state, _ = run([parked(0), parked(10, lat=LAT0 + 0.001)])
    before = state.to_json()
    state, out = process(state, profile(), parked(5, lat=LAT0 + 0.01, fuel_level=12.0), ms(11))
    assert out.stale == 1 and not out.rejected
    assert len(out.positions) == 1 and len(out.telemetry) == 1
    assert out.positions[0].lat == LAT0 + 0.01
    assert out.telemetry[0].data["vehicle"]["fuel"]["level"] == 12.0
    after = state.to_json()
    assert after.pop("recent_ms") != before.pop("recent_ms")  # only the duplicate filter remembers it
    assert after == before
    _, again = process(state, profile(), parked(5), ms(12))
    assert [x.reason for x in again.rejected] == ["duplicate"]


def test_a_stale_report_within_the_trip_belongs_to_it() -> None:
    state, out = run([parked(0, ignition=True), parked(2, ignition=True)])
    trip_id = out.trips[0].id
    _, late = process(state, profile(), parked(1), ms(3))
    assert late.positions[0].trip_id == trip_id


@pytest.mark.parametrize(
    ("heading", "expected"), [(0.0, 0.0), (359.5, 359.5), (360.0, 0.0), (370.0, 10.0), (-90.0, 270.0)]
)
def test_heading_is_normalised(heading: float, expected: float) -> None:
    _, out = run([report(0, lat=LAT0, lon=LON0, heading=heading)])
    assert out.positions[0].heading == pytest.approx(expected)
