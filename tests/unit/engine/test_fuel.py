from __future__ import annotations

import pytest

from connectedcar.domain.reports import Report
from tests.unit.engine.timelines import LAT0, drive, parked, profile, run, run_tick


def _trip_then_parked(levels: list[float], key: str = "fuel_level") -> list[Report]:
    """A short trip that ends at t=20 with the level at levels[0], then parked readings every 10 s."""
    return [
        parked(0, ignition=True, **{key: levels[0]}),
        *drive(1, [30.0] * 10, ignition=True),
        parked(20, lat=LAT0 + 0.0008, ignition=False, **{key: levels[0]}),
        *[parked(30 + 10 * i, lat=LAT0 + 0.0008, ignition=False, **{key: v}) for i, v in enumerate(levels[1:])],
    ]


@pytest.mark.parametrize(
    ("levels", "kind", "litres"),
    [
        ([20.0, 21.0, 30.0, 45.0, 60.0, 60.0], "REFUEL", 20.0),  # 40 points of a 50 l tank
        ([20.0, 25.0, 25.0], "REFUEL", 2.5),  # exactly the threshold
        ([60.0, 60.0, 55.0, 50.0, 50.0], "FUEL_STOLEN", 5.0),
        ([60.0, 62.0, 58.0, 61.0, 57.0], None, 0.0),  # gauge noise
    ],
)
def test_refuel_and_theft_while_parked(levels: list[float], kind: str | None, litres: float) -> None:
    state, out = run(_trip_then_parked(levels), profile(tank_litres=50.0))
    out.extend(run_tick(state, 30 + 10 * len(levels) + 120))  # the level has settled
    fuel_events = [e for e in out.events if e.type != "TRIP"]
    if kind is None:
        assert fuel_events == []
        return
    assert [e.type for e in fuel_events] == [kind]
    event = fuel_events[0]
    assert event.data is not None and event.data["litres"] == pytest.approx(litres)
    assert event.data["levelBefore"] == levels[0] and event.data["levelAfter"] == (
        max(levels) if kind == "REFUEL" else min(levels)
    )
    assert event.event_id == event.id


def test_the_trip_after_a_refuel_says_so_and_the_one_after_does_not() -> None:
    timeline = _trip_then_parked([20.0, 40.0, 60.0])  # parked until t=50
    for start in (100, 200):
        timeline += [
            parked(start, lat=LAT0 + 0.0008, ignition=True, fuel_level=60.0),
            *drive(start + 1, [30.0] * 5, lat0=LAT0 + 0.0008, ignition=True),
            parked(start + 10, lat=LAT0 + 0.0008, ignition=False),
        ]
    _, out = run(timeline)
    finished = [t for t in out.trips if t.stopped_at is not None]
    assert [t.refueling for t in finished] == [False, True, False]
    refuel = [e for e in out.events if e.type == "REFUEL"]
    assert len(refuel) == 1  # reported when the vehicle drove off


def test_charging_is_not_a_refuel() -> None:
    state, out = run(_trip_then_parked([20.0, 40.0, 80.0], key="battery_level"), profile("Electric"))
    out.extend(run_tick(state, 1000))
    assert [e.type for e in out.events] == ["TRIP"]
