from __future__ import annotations

import itertools

from connectedcar.domain.alerts import CATALOGUE
from connectedcar.domain.reports import CHARGING_STATUSES, COLLISION_LEVELS, DOORS
from connectedcar.ingest import native
from connectedcar.simulator.driver import HARSH, SMOOTH
from connectedcar.simulator.places import ILE_DE_FRANCE
from tests.unit.simulator.conftest import START_MS, Day


def test_every_vehicle_reports_and_most_make_trips(day: Day) -> None:
    by_vehicle = day.by_vehicle()
    assert set(by_vehicle) == {s.id for s in day.fleet.specs}
    trips = {}
    for vid, reports in by_vehicle.items():
        ons = [r for r in reports if r.ignition and r.speed == 0.0 and r.doors_locked is not None]
        switches = [(a.ignition, b.ignition) for a, b in itertools.pairwise(reports)]
        starts = switches.count((False, True))
        stops = switches.count((True, False))
        assert starts - stops in (0, 1), vid  # ignition on/off come in pairs (one may be under way)
        trips[vid] = starts
        assert ons or not starts
    assert sum(1 for n in trips.values() if n >= 2) >= len(trips) // 2


def test_speeds_and_accelerations_are_plausible(day: Day) -> None:
    for vid, reports in day.by_vehicle().items():
        style = day.spec(vid).driver.style
        for r in reports:
            assert r.speed is not None and 0.0 <= r.speed <= 150.0
            if r.collision is None:
                assert r.acceleration is not None
                assert -style.brake - 0.01 <= r.acceleration <= style.accel + 0.01, (vid, r)


def test_odometer_never_goes_back_and_levels_stay_in_range(day: Day) -> None:
    for vid, reports in day.by_vehicle().items():
        odometers = [r.odometer for r in reports]
        assert all(b >= a for a, b in itertools.pairwise(odometers)), vid  # type: ignore[operator]
        spec = day.spec(vid)
        for r in reports:
            if spec.energy != "Electric":
                assert r.fuel_level is not None and 0.0 <= r.fuel_level <= 100.0
            else:
                assert r.fuel_level is None and r.engine_speed is None
            if spec.energy != "Fuel":
                assert r.battery_level is not None and 0.0 <= r.battery_level <= 100.0


def test_one_report_a_second_driving_and_one_a_minute_parked(day: Day) -> None:
    for reports in day.by_vehicle().values():
        gaps_driving = [b.at_ms - a.at_ms for a, b in itertools.pairwise(reports) if a.ignition and b.ignition]
        gaps_parked = [b.at_ms - a.at_ms for a, b in itertools.pairwise(reports) if not a.ignition and not b.ignition]
        if gaps_driving:
            # Driving: every second; the departure and arrival scripts add events a few seconds apart.
            assert sum(1 for g in gaps_driving if g == 1_000) >= 0.95 * len(gaps_driving)
            assert max(gaps_driving) <= 20_000
        assert gaps_parked and max(gaps_parked) <= 60_000
        parked = sum(1 for r in reports if not r.ignition)
        assert parked <= 1_440 + 100  # one a minute plus events
    assert all(r.at_ms >= START_MS for r in day.reports)


def test_reports_are_valid_and_in_the_region(day: Day) -> None:
    box = ILE_DE_FRANCE.bbox
    for r in day.reports:
        assert r.lat is not None and r.lon is not None and box.contains(r.lat, r.lon)
        assert r.alt is not None and 30.0 <= r.alt <= 180.0
        assert r.heading is not None and 0.0 <= r.heading < 360.0
        assert r.source == "simulator"
        for alert in r.alerts_raised + r.alerts_cleared:
            assert alert in CATALOGUE
        assert r.charging is None or r.charging in CHARGING_STATUSES
        assert r.doors_open is None or set(r.doors_open) <= set(DOORS)
        if r.collision is not None:
            assert {r.collision.front, r.collision.rear, r.collision.lateral} <= set(COLLISION_LEVELS)
    # What the platform's own decoder makes of them over the wire is what the simulator meant.
    for reports in day.by_vehicle().values():
        sample = reports[:: max(1, len(reports) // 200)][: native.MAX_BATCH]
        decoded = native.decode_batch(native.encode_batch(sample), sample[0].vehicle_id, sample[-1].at_ms)
        assert [d.at_ms for d in decoded] == [r.at_ms for r in sample]
        assert [d.odometer for d in decoded] == [r.odometer for r in sample]


def test_doors_and_ignition_events(day: Day) -> None:
    reports = [r for r in day.reports if r.doors_open is not None or r.doors_locked is not None]
    assert any(r.doors_open == ("driver",) for r in reports)
    assert any(r.doors_locked is False for r in reports)
    assert any(r.telemetry is not None for r in day.reports)


def test_styles_have_their_own_limits() -> None:
    assert SMOOTH.accel == 1.5 and HARSH.accel == 3.5
