from __future__ import annotations

import dataclasses
import itertools

from connectedcar.domain.reports import Report
from connectedcar.simulator import Fleet, SimVehicleSpec, fleet_specs
from connectedcar.simulator.driver import HARSH, SMOOTH, Style
from connectedcar.simulator.places import ILE_DE_FRANCE
from tests.unit.simulator.conftest import DAY_MS, START_MS, simulate


def _shift_worker(energy: str, style: Style | None = None) -> SimVehicleSpec:
    """A vehicle of the given energy whose driver works shifts (many trips, Monday to Saturday)."""
    spec = next(s for s in fleet_specs(40, 3) if s.energy == energy)
    driver = dataclasses.replace(spec.driver, routine="shift", shift_start_h=7.0, style=style or spec.driver.style)
    return dataclasses.replace(spec, driver=driver)


def _near(r: Report, kind: str) -> bool:
    assert r.lat is not None and r.lon is not None
    return any(abs(p.lat - r.lat) < 1e-4 and abs(p.lon - r.lon) < 1e-4 for p in ILE_DE_FRANCE.of_kind(kind))


def test_refuels_at_a_station_when_low() -> None:
    spec = _shift_worker("Fuel")
    fleet = Fleet(1, [spec])
    fleet.step(START_MS)
    vehicle = fleet.vehicles[0]
    vehicle.fuel_l = 0.09 * vehicle.pt.tank_litres
    reports = simulate(fleet, DAY_MS, start_ms=START_MS + 60_000)
    jumps = [(a, b) for a, b in itertools.pairwise(reports) if b.fuel_level - a.fuel_level > 50]  # type: ignore[operator]
    assert jumps, "the vehicle never refuelled"
    assert _near(jumps[0][1], "fuel")
    raised = [r.at_ms for r in reports if "fuelLevelAlarm" in r.alerts_raised]
    cleared = [r.at_ms for r in reports if "fuelLevelAlarm" in r.alerts_cleared]
    assert raised and cleared and raised[0] < cleared[0] == jumps[0][1].at_ms


def test_ev_fast_charges_when_low_then_charges_at_home() -> None:
    spec = _shift_worker("Electric")
    fleet = Fleet(1, [spec])
    fleet.step(START_MS)
    vehicle = fleet.vehicles[0]
    vehicle.battery = 0.15 * vehicle.pt.battery_kwh
    reports = simulate(fleet, DAY_MS, start_ms=START_MS + 60_000)
    statuses = [(r.charging, r.plugged) for r in reports]
    assert ("InProgress", True) in statuses and ("Finished", True) in statuses
    in_progress = [r for r in reports if r.charging == "InProgress"]
    sessions = [b for a, b in itertools.pairwise(reports) if b.charging == "InProgress" != a.charging]
    assert _near(sessions[0], "charger")  # first a fast charger on the way
    home = spec.driver.home
    assert any((r.lat, r.lon) == (home.lat, home.lon) for r in sessions[1:])  # then the wallbox at night
    levels = [r.battery_level for r in in_progress]
    assert max(levels) > min(levels) + 30  # type: ignore[type-var,operator]
    assert all(0.0 <= r.battery_level <= 100.0 for r in reports)  # type: ignore[operator]


def test_harsh_drivers_accelerate_and_brake_harder_than_smooth_ones() -> None:
    smooth = _shift_worker("Fuel", SMOOTH)
    harsh = dataclasses.replace(_shift_worker("Fuel", HARSH), vin="VF3HARSH000000001")
    reports = simulate(Fleet(4, [smooth, harsh]), DAY_MS // 2)

    def hard(vehicle_id: str) -> int:
        return sum(1 for r in reports if r.vehicle_id == vehicle_id and abs(r.acceleration or 0.0) >= 2.0)

    assert hard(harsh.id) > 20
    assert hard(smooth.id) < hard(harsh.id) / 10


def test_consumption_is_about_six_litres_per_100_km() -> None:
    spec = _shift_worker("Fuel", SMOOTH)
    fleet = Fleet(2, [spec])
    fleet.step(START_MS)
    fleet.vehicles[0].fuel_l = 50.0
    reports = [r for r in simulate(fleet, DAY_MS // 2, start_ms=START_MS + 60_000) if r.ignition]
    km = reports[-1].odometer - reports[0].odometer  # type: ignore[operator]
    litres = (reports[0].fuel_level - reports[-1].fuel_level) / 100 * 50.0  # type: ignore[operator]
    assert km > 50
    assert 3.5 < litres / km * 100 < 9.0
