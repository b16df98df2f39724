from __future__ import annotations

import pytest

from connectedcar.engine.maintenance import countdown
from connectedcar.engine.stamps import DAY_MS
from tests.unit.engine.timelines import T0, drive, ms, parked, profile, run, run_tick

REGISTERED = T0 - 10 * DAY_MS


@pytest.mark.parametrize(
    ("at_ms", "odometer", "expected"),
    [
        (REGISTERED, 1000.0, (365, 20_000)),
        (REGISTERED + 1, 1000.0, (365, 20_000)),
        (REGISTERED + DAY_MS, 1500.0, (364, 19_500)),
        (REGISTERED + 365 * DAY_MS, 21_000.0, (0, 0)),
        (REGISTERED + 366 * DAY_MS + 1, 21_000.5, (-1, -1)),  # overdue
    ],
)
def test_countdown(at_ms: int, odometer: float, expected: tuple[int, int]) -> None:
    vehicle = profile(registered_ms=REGISTERED)
    assert countdown(vehicle, at_ms, odometer, 1000.0) == expected


def test_a_row_only_when_the_countdown_changes() -> None:
    vehicle = profile(registered_ms=REGISTERED, maintenance_interval_km=10_000)
    timeline = [
        parked(0, odometer=5000.0),
        parked(1, odometer=5000.2),
        parked(2, odometer=5000.4),
        parked(3, odometer=5001.0),
    ]
    state, out = run(timeline, vehicle)
    assert [(m.days, m.mileage) for m in out.maintenance] == [(355, 10_000), (355, 9999)]
    assert run_tick(state, 60, vehicle).maintenance == []
    (next_day,) = run_tick(state, 86_400, vehicle).maintenance
    assert (next_day.days, next_day.mileage) == (354, 9999)
    # a report a little behind the tick does not move the days back
    _, out = run([parked(86_000, odometer=5001.0)], vehicle, state)
    assert out.maintenance == []


def test_phones_count_the_distance_they_drove() -> None:
    vehicle = profile(registered_ms=T0, maintenance_interval_km=100)
    state, out = run(drive(0, [72.0] * 101), vehicle)  # 2 km, no odometer
    assert state.odometer == pytest.approx(2.0, rel=0.01)
    assert out.maintenance[-1].mileage == 98
    assert out.maintenance[0].created_at.timestamp() * 1000 == ms(0)
