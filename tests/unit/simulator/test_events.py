from __future__ import annotations

from collections import defaultdict

from connectedcar.simulator import EventRates, Fleet, fleet_specs
from tests.unit.simulator.conftest import DAY_MS, simulate


def test_alerts_begin_and_end() -> None:
    reports = simulate(Fleet(21, fleet_specs(8, 21), rates=EventRates(alert_driving_h=0.25)), DAY_MS)
    raised: dict[str, list[str]] = defaultdict(list)
    cleared = 0
    for r in reports:
        for alert in r.alerts_cleared:
            assert alert in raised[r.vehicle_id], (r.vehicle_id, alert)
            raised[r.vehicle_id].remove(alert)
            cleared += 1
        for alert in r.alerts_raised:
            assert alert not in raised[r.vehicle_id]
            raised[r.vehicle_id].append(alert)
    assert cleared >= 3


def test_collision_stops_the_car_then_it_drives_on() -> None:
    fleet = Fleet(3, fleet_specs(6, 3), rates=EventRates(alert_driving_h=1e9, collision_driving_h=0.5))
    reports = simulate(fleet, DAY_MS)
    collisions = [r for r in reports if r.collision is not None]
    assert collisions
    first = collisions[0]
    assert first.speed == 0.0 and first.ignition
    assert "NONE" in (first.collision.front, first.collision.rear, first.collision.lateral)  # type: ignore[union-attr]
    after = [r for r in reports if r.vehicle_id == first.vehicle_id and r.at_ms > first.at_ms]
    assert after[0].ignition is False or after[1].ignition is False  # stops, engine off
    assert any(r.ignition and (r.speed or 0) > 0 for r in after)  # and drives on later
