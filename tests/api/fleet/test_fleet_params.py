"""The Fleet API's parameter parsing and translations, without a server: time ranges and ISO 8601
durations, trip ranges, path simplification and the fleet telemetry shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectedcar.api.errors import InvalidParameter
from connectedcar.api.fleet import telemetry_document
from connectedcar.api.fleet.params import parse_duration, parse_interval, parse_range, parse_timestamps
from connectedcar.api.fleet.path_simplify import simplify
from connectedcar.domain.entities import Waypoint

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
T1 = datetime(2018, 1, 3, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        # the specs' own examples
        ("2018-01-01T09:00:00+01:00/2018-01-01T12:00:00+01:00", T1.replace(day=1, hour=8), T1.replace(day=1)),
        ("2018-01-03T12:00:00+01:00/P3Y6M4DT12H30M5S", T1, datetime(2021, 7, 7, 23, 30, 5, tzinfo=UTC)),
        ("2018-01-03T12:00:00+01:00/", T1, NOW),
        ("2027-01-01T00:00:00Z/", datetime(2027, 1, 1, tzinfo=UTC), NOW),
        ("/2018-01-03T12:00:00+01:00", None, T1),
        ("PT1H/2018-01-03T12:00:00+01:00", T1 - timedelta(hours=1), T1),
        ("2018-01-31T00:00:00Z/P1M", datetime(2018, 1, 31, tzinfo=UTC), datetime(2018, 2, 28, tzinfo=UTC)),
        ("2018-01-03T11:00:00Z/P1W", T1, T1 + timedelta(weeks=1)),
        ("2018-01-03T11:00:00Z/PT0.5S", T1, T1 + timedelta(milliseconds=500)),
    ],
)
def test_intervals(text: str, since: datetime | None, until: datetime | None) -> None:
    assert parse_interval(text, NOW) == (since, until)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "/",
        "2018-01-03T11:00:00Z",
        "P1D/P2D",
        "P1D/",
        "/P1D",
        "a/b",
        "2018-01-03/",
        "T1/T2/T3",
        "2018-01-03T11:00:00Z/P",
    ],
)
def test_bad_intervals(text: str) -> None:
    with pytest.raises(ValueError):
        parse_interval(text, NOW)


def test_durations() -> None:
    assert parse_duration("P1Y2M").months == 14
    assert parse_duration("PT1,5H").span == timedelta(minutes=90)
    assert parse_duration("p1d").span == timedelta(days=1)
    for bad in ("P", "PT", "1D", "P1H", "PT1D", "P-1D"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_timestamps_are_at_most_ten() -> None:
    ten = ["2018-01-03T11:00:00Z/"] * 10
    assert len(parse_timestamps(ten, NOW)) == 10
    assert len(parse_timestamps([",".join(ten[:5]), *ten[:5]], NOW)) == 10
    with pytest.raises(InvalidParameter, match="'timestamps'"):
        parse_timestamps([*ten, "/2018-01-03T11:00:00Z"], NOW)


def test_ranges() -> None:
    assert parse_range("distance", "0.1-", decimals=1) == (0.1, None)
    assert parse_range("distance", "1-150", decimals=1) == (1.0, 150.0)
    assert parse_range("duration", "0-", decimals=0) == (None, None)
    assert parse_range("duration", None, decimals=0) == (None, None)
    for bad in ("-5", "1-2-3", "0.25-", "x", "5-1"):
        with pytest.raises(InvalidParameter, match="'distance'"):
            parse_range("distance", bad, decimals=1)


def _wp(seq: int, lon: float, lat: float) -> Waypoint:
    return Waypoint(trip_id="t", seq=seq, recorded_at=NOW, lon=lon, lat=lat, alt=None, heading=None, speed=None)


def test_simplify_keeps_the_corners() -> None:
    # east 2 km, then north 2 km, with points every ~200 m and a 30 m wobble
    east = [_wp(i, 2.0 + i * 0.0027, 48.0 + (0.0003 if i % 2 else 0.0)) for i in range(11)]
    north = [_wp(10 + j, 2.027, 48.0 + j * 0.0018) for j in range(1, 11)]
    path = east + north
    assert [w.seq for w in simplify(path, 0.1)] == [0, 10, 20]
    # Under the wobble, every point of the east leg stays; the straight north leg still shrinks to its ends.
    assert [w.seq for w in simplify(path, 0.01)] == [*range(11), 20]
    assert simplify(path[:2], 1) == path[:2]
    assert simplify([], 1) == []


def test_stored_telemetry_in_the_fleet_shape() -> None:
    stored = {"vehicle": {"running": False, "brakingSystem": {"parking": True}, "engines": [{"status": "Running"}]}}
    doc = telemetry_document.document(stored, NOW, v2=False)
    assert doc == {
        "vehicle": {
            "engines": [{"type": "Thermic", "gmpStatus": "Running"}],
            "ignition": {"type": "Stop", "createdAt": "2026-11-02T08:00:00.000Z"},
        }
    }
    assert telemetry_document.document({}, NOW, v2=True) == {}
    assert telemetry_document.parse_types(["vehicle.ignition.", "vehicle.ignition"], v2=True) == ["vehicle.ignition"]
    assert telemetry_document.stored_paths(["vehicle.energies"], v2=True) == ["vehicle.fuel", "vehicle.energy"]
    assert telemetry_document.select(doc, ["vehicle.lighting"], v2=False) == {}
