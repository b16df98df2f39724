from __future__ import annotations

from connectedcar.domain.reports import Report
from connectedcar.simulator import Fleet, fleet_specs
from tests.unit.simulator.conftest import START_MS, simulate

HOURS_4 = 4 * 3_600_000


def test_same_seed_same_reports() -> None:
    a = simulate(Fleet(5, fleet_specs(6, 5)), HOURS_4)
    b = simulate(Fleet(5, fleet_specs(6, 5)), HOURS_4)
    assert a and a == b


def test_different_seed_different_reports() -> None:
    a = simulate(Fleet(5, fleet_specs(6, 5)), HOURS_4)
    b = simulate(Fleet(6, fleet_specs(6, 6)), HOURS_4)
    assert a != b


def test_step_granularity_does_not_change_reports() -> None:
    """A vehicle catches up second by second: stepping every second or every 5 minutes agrees."""
    specs = fleet_specs(4, 9)
    fine = simulate(Fleet(9, specs), HOURS_4, every_ms=1_000)
    coarse = simulate(Fleet(9, specs), HOURS_4, every_ms=300_000)
    # Steps return reports vehicle by vehicle; each vehicle's own sequence is what must agree.
    assert sorted(fine, key=_order) == sorted(coarse, key=_order)


def _order(r: Report) -> tuple[str, int]:
    return r.vehicle_id, r.at_ms


def test_time_only_goes_forward() -> None:
    fleet = Fleet(1, fleet_specs(2, 1))
    fleet.step(START_MS)
    try:
        fleet.step(START_MS - 1)
    except ValueError:
        pass
    else:
        raise AssertionError("stepping back in time must fail")
