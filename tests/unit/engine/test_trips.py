from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from connectedcar.domain.reports import Report
from connectedcar.engine.stamps import from_ms
from tests.unit.engine.timelines import (
    LAT0,
    LON0,
    METRES_PER_DEGREE,
    drive,
    ms,
    parked,
    profile,
    report,
    run,
    run_tick,
)

IGNITION = [
    parked(0, ignition=False),
    parked(10, ignition=True),
    *drive(11, [30.0] * 60, ignition=True),
    parked(100, lat=LAT0 + 0.005, ignition=False),
    parked(110, lat=LAT0 + 0.005, ignition=False),
]
MOTION = [
    parked(0),
    *drive(10, [3.0, 20.0, 30.0, 30.0, 30.0, 10.0, 0.0]),  # a trip starts above 5 km/h: at t=11
    *[parked(17 + 10 * i, lat=LAT0 + 0.0006) for i in range(40)],  # still for 6.5 minutes
]
NO_SPEED = [  # OsmAnd without speed: motion from displacement (about 40 km/h here)
    *[report(i * 10.0, lat=LAT0 + i * 0.001, lon=LON0) for i in range(10)],
    *[report(100.0 + i * 60.0, lat=LAT0 + 0.009, lon=LON0) for i in range(1, 8)],
]


@pytest.mark.parametrize(
    ("timeline", "started_s", "stopped_s"),
    [
        (IGNITION, 10, 100),  # ignition on .. ignition off
        (MOTION, 11, 15),  # first speed above 5 km/h .. last motion, closed 5 min later
        (NO_SPEED, 10, 90),  # first displacement .. last displacement
    ],
    ids=["ignition", "motion", "displacement"],
)
def test_trip_boundaries(timeline: list[Report], started_s: float, stopped_s: float) -> None:
    state, out = run(timeline)
    assert len(out.trips) == 2
    begun, ended = out.trips
    assert begun.id == ended.id and begun.stopped_at is None
    assert begun.started_at == ended.started_at == from_ms(ms(started_s))
    assert ended.stopped_at == from_ms(ms(stopped_s))
    assert [(e.type, e.event_id) for e in out.events] == [("TRIP", ended.id)]
    assert [e.trip_id for e in out.ecodriving] == [ended.id]
    assert state.trip is None and state.last_trip_id == ended.id
    in_trip = [p for p in out.positions if p.trip_id == ended.id]
    assert in_trip and all(from_ms(ms(started_s)) <= p.recorded_at for p in in_trip)
    assert ended.start_position is not None and ended.stop_position is not None


def test_trip_ids_follow_the_seed_shape_and_differ() -> None:
    later = [replace(r, at_ms=r.at_ms + 3_600_000) for r in IGNITION]
    _, out = run(IGNITION + later)
    ids = sorted({t.id for t in out.trips})
    assert len(ids) == 2
    for ident in ids:
        vehicle, session, seq = ident.split("-")
        assert vehicle == IGNITION[0].vehicle_id and len(session) <= 9 and seq.isdigit()


@pytest.mark.parametrize(("silent_s", "closed"), [(299, False), (300, True), (3600, True)])
def test_tick_closes_a_trip_after_silence(silent_s: float, closed: bool) -> None:
    timeline = drive(0, [40.0] * 30)  # no ignition: motion trip; last motion at t=29
    state, out = run(timeline)
    assert len(out.trips) == 1 and state.trip is not None
    ticked = run_tick(state, 29 + silent_s)
    assert (len(ticked.trips) == 1) is closed
    if closed:
        assert ticked.trips[0].stopped_at == from_ms(ms(29))
        assert ticked.events[0].type == "TRIP"
        assert state.trip is None


def test_ignition_on_and_still_for_long_ends_the_trip_then_moving_starts_another() -> None:
    timeline = [
        parked(0, ignition=True),
        *drive(1, [30.0] * 10, ignition=True),
        *[parked(11 + 30 * i, lat=LAT0 + 0.0075, ignition=True) for i in range(12)],
        *drive(400, [30.0] * 5, lat0=LAT0 + 0.0075, ignition=True),
    ]
    state, out = run(timeline)
    ids = [t.id for t in out.trips]
    assert len(set(ids)) == 2 and state.trip is not None
    assert out.trips[1].stopped_at == from_ms(ms(10))


@pytest.mark.parametrize(
    ("energy", "levels", "expected_used", "expected_avg", "expected_co2"),
    [
        ("Fuel", {"fuel_level": (80.0, 79.0)}, 0.5, 5.0, 0.5 * 2392.0),
        ("Electric", {"battery_level": (90.0, 88.0)}, 1.0, 10.0, 0.0),
    ],
)
def test_distance_and_consumption_of_a_hand_computed_route(
    energy: str, levels: dict[str, tuple[float, float]], expected_used: float, expected_avg: float, expected_co2: float
) -> None:
    # 10 km due north at 36 km/h: 1000 one-second steps of 10 m
    ((key, (start, end)),) = levels.items()
    route = drive(1, [36.0] * 1001, ignition=True)
    at_end: dict[str, Any] = {key: end}
    route[-1] = replace(route[-1], **at_end)
    last = route[-1]
    assert last.lat is not None
    timeline = [
        parked(0, ignition=True, **{key: start}),
        *route,
        replace(last, at_ms=last.at_ms + 1000, speed=0.0, ignition=False),
    ]
    _, out = run(timeline, profile(energy, tank_litres=50.0, battery_kwh=50.0))
    trip = out.trips[-1]
    hand = (last.lat - LAT0) * METRES_PER_DEGREE / 1000.0  # km along the meridian
    assert hand == pytest.approx(10.0, rel=1e-9)
    assert trip.distance == pytest.approx(hand, rel=0.02)
    used = trip.energy_consumption if energy == "Electric" else trip.fuel_consumption
    assert used == pytest.approx(expected_used)
    assert trip.avg_consumption == pytest.approx(expected_avg, rel=0.02)
    assert trip.co2_emission == pytest.approx(expected_co2)
    assert trip.avg_speed == pytest.approx(36.0 * 1000 / 1002, rel=0.02)  # 10 km in 1002 s
    assert trip.stopped_at is not None and trip.stopped_at - trip.started_at == timedelta(seconds=1002)


def test_odometer_delta_wins_when_the_device_has_one() -> None:
    route = [replace(r, odometer=1000.0 + i * 0.01) for i, r in enumerate(drive(0, [36.0] * 101, ignition=True))]
    _, out = run([*route, parked(101, lat=route[-1].lat or LAT0, ignition=False, odometer=1001.5)])
    assert out.trips[-1].distance == pytest.approx(1.5)


def test_short_trips_have_no_average_consumption() -> None:
    timeline = [
        parked(0, ignition=True, fuel_level=50.0),
        *drive(1, [20.0] * 10, ignition=True),
        parked(12, lat=LAT0 + 0.0006, ignition=False, fuel_level=49.0),
    ]
    _, out = run(timeline)
    trip = out.trips[-1]
    assert trip.distance < 0.1 and trip.fuel_consumption == pytest.approx(0.5)
    assert trip.avg_consumption is None


def test_waypoints_every_25_metres_and_on_turns_first_and_last() -> None:
    straight = drive(0, [36.0] * 31, ignition=True)  # 10 m per fix: 30 fixes after the first
    assert straight[-1].lat is not None
    turn = replace(drive(31, [36.0], lat0=straight[-1].lat + 10 / METRES_PER_DEGREE, ignition=True)[0], heading=45.0)
    assert turn.lat is not None
    turned = [*straight, turn]
    end = parked(32.5, lat=turn.lat + 1 / METRES_PER_DEGREE, ignition=False)
    _, out = run([*turned, end])
    trip_id = out.trips[0].id
    seqs = [w.seq for w in out.waypoints]
    assert seqs == list(range(len(seqs))) and all(w.trip_id == trip_id for w in out.waypoints)
    times = [round((w.recorded_at - out.trips[0].started_at).total_seconds(), 1) for w in out.waypoints]
    # first fix, then every 3rd (30 m), then the 45° turn at t=31, then the last fix
    assert times == [0.0, 3.0, 6.0, 9.0, 12.0, 15.0, 18.0, 21.0, 24.0, 27.0, 30.0, 31.0, 32.5]
    stop = out.trips[-1].stop_position
    assert stop is not None and stop.recorded_at == from_ms(end.at_ms)
