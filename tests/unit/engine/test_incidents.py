from __future__ import annotations

from connectedcar.domain.reports import CollisionReport
from connectedcar.engine.stamps import from_ms
from tests.unit.engine.timelines import VID, drive, ms, parked, run


def test_alert_begins_once_and_ends_with_the_same_id() -> None:
    timeline = [
        parked(0, alerts_raised=("alertOilPressure", "lowFuelLevel")),
        parked(1, alerts_raised=("alertOilPressure",)),  # already active: nothing new
        parked(2, alerts_cleared=("alertOilPressure", "neverRaised")),
        parked(3, alerts_cleared=("alertOilPressure",)),  # already over
    ]
    state, out = run(timeline)
    oil = f"{VID}-alert-{ms(0)}-alertOilPressure"
    fuel = f"{VID}-alert-{ms(0)}-lowFuelLevel"
    assert [(a.id, a.active) for a in out.alerts] == [(oil, True), (fuel, True), (oil, False)]
    begun, _, ended = out.alerts
    assert begun.started_at == ended.started_at == from_ms(ms(0))
    assert begun.ended_at is None and ended.ended_at == from_ms(ms(2))
    assert ended.lat == begun.lat is not None
    assert [(e.type, e.event_id) for e in out.events] == [("ALERT", oil), ("ALERT", fuel)]
    assert set(state.active_alerts) == {"lowFuelLevel"}


def test_an_alert_raised_again_after_its_end_is_a_new_alert() -> None:
    _, out = run(
        [
            parked(0, alerts_raised=("alertBrakeFluid",)),
            parked(1, alerts_cleared=("alertBrakeFluid",)),
            parked(2, alerts_raised=("alertBrakeFluid",)),
        ]
    )
    assert len({a.id for a in out.alerts}) == 2


def test_alerts_and_collisions_in_a_trip_point_to_it() -> None:
    crash = CollisionReport(front="HIGH", lateral="LOW", roll_over=True, pedestrian=True)
    route = drive(0, [30.0] * 5, ignition=True)
    timeline = [
        *route[:3],
        drive(3, [30.0], lat0=route[3].lat or 0, ignition=True, collision=crash, alerts_raised=("steeringFault",))[0],
    ]
    _, out = run(timeline)
    trip_id = out.trips[0].id
    (hit,) = out.collisions
    assert (hit.front_level, hit.rear_level, hit.lateral_level, hit.roll_over, hit.pedestrian) == (
        "HIGH",
        "NONE",
        "LOW",
        True,
        True,
    )
    assert hit.trip_id == trip_id and hit.lat == timeline[-1].lat
    assert hit.id == f"{VID}-collision-{ms(3)}"
    assert out.alerts[0].trip_id == trip_id
    assert [(e.type, e.event_id) for e in out.events] == [("ALERT", out.alerts[0].id), ("COLLISION", hit.id)]


def test_a_collision_while_parked_has_no_trip() -> None:
    _, out = run([parked(0), parked(1, collision=CollisionReport(rear="FIXABLE"))])
    assert out.collisions[0].trip_id is None and out.collisions[0].rear_level == "FIXABLE"
