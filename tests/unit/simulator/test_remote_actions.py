"""What remote actions do to a simulated vehicle: the engine's rules on the vehicle's real state, the
effects its later reports show, delays, stolen tracking, immobilization, navigation."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from connectedcar.domain.reports import Report
from connectedcar.domain.timefmt import format_ms
from connectedcar.simulator.environment import local_day, local_midnight_ms
from connectedcar.simulator.places import ILE_DE_FRANCE
from connectedcar.simulator.telematics import (
    APPROVAL_DELAY_MS,
    DELAYS_MS,
    PRECONDITIONING_MS,
    REFUSAL_DELAY_MS,
    STOLEN_REPORT_MS,
)
from connectedcar.simulator.vehicle import PARKED_REPORT_MS
from tests.unit.simulator.remote_rig import (
    CHARGE,
    IMMOBILIZE,
    LOCK,
    NOT_STOLEN,
    PRECONDITION,
    RELEASE,
    STOLEN,
    STOP_CHARGE,
    UNLOCK,
    Rig,
)

Setup = Callable[[Rig], None]


def _nothing(rig: Rig) -> None:
    pass


def _door_open(rig: Rig) -> None:
    rig.do(UNLOCK)
    rig.v.doors_open_now = ("trunk",)


def _driver_inside(rig: Rig) -> None:
    rig.do(UNLOCK)
    rig.v.occupied = True


def _plugged(rig: Rig) -> None:
    rig.v.plugged, rig.v.charging = True, "Stopped"


def _plugged_full(rig: Rig) -> None:
    _plugged(rig)
    rig.v.battery = rig.v.pt.battery_kwh


def _low_battery(rig: Rig) -> None:
    rig.v.battery = 0.15 * rig.v.pt.battery_kwh


def _low_battery_plugged(rig: Rig) -> None:
    _low_battery(rig)
    _plugged(rig)


def _stolen(rig: Rig) -> None:
    assert rig.do(STOLEN).result == "Success"


def _stolen_immobilized(rig: Rig) -> None:
    _stolen(rig)
    assert rig.do(IMMOBILIZE).result == "Success"


NAVIGATION = {"navigation": {"positions": [{"type": "Point", "coordinates": [2.35, 48.85]}]}}

# A parked electric vehicle at 05:00 in Paris, locked, unplugged, its driver at home.
PARKED_RULES: list[tuple[str, Setup, dict[str, Any], str, str | None]] = [
    ("unlock", _nothing, UNLOCK, "Success", None),
    ("lock, already locked", _nothing, LOCK, "AlreadyDone", None),
    ("lock, a door open", _door_open, LOCK, "Failed", "DoorsOpen"),
    ("lock, key inside", _driver_inside, LOCK, "Failed", "CidInside"),
    ("forced lock, key inside", _driver_inside, {"door": {"state": "Locked", "forced": True}}, "Success", None),
    ("unlock, stolen", _stolen, UNLOCK, "Failed", "NotPossibleDueToVehicleStolenState"),
    ("horn", _nothing, {"horn": {"state": "Activated"}}, "Success", None),
    ("horn off", _nothing, {"horn": {"state": "Unactivated"}}, "AlreadyDone", None),
    ("lights on", _nothing, {"lights": {"on": True}}, "Success", None),
    ("seed's ligths", _nothing, {"ligths": {"on": True}}, "Success", None),
    ("lights off, already off", _nothing, {"lights": {"on": False}}, "AlreadyDone", None),
    ("charge, unplugged", _nothing, CHARGE, "Failed", "ExternalChargingSystemError"),
    ("charge, plugged", _plugged, CHARGE, "Success", None),
    ("charge, plugged and full", _plugged_full, CHARGE, "AlreadyDone", None),
    ("stop, not charging", _nothing, STOP_CHARGE, "AlreadyDone", None),
    ("delayed charge, unplugged", _nothing, {"charging": {"nextDelayedTime": "2026-03-02T22:00:00Z"}}, "Success", None),
    ("precondition", _nothing, PRECONDITION, "Success", None),
    ("precondition, battery low", _low_battery, PRECONDITION, "Failed", "NotPossibleDueToVehicleBatteryLevel"),
    ("precondition, battery low, plugged", _low_battery_plugged, PRECONDITION, "Success", None),
    ("stop preconditioning, not running", _nothing, {"preconditioning": {"airConditioning": {"immediate": False}}},
     "AlreadyDone", None),
    ("immobilize", _nothing, IMMOBILIZE, "Success", None),
    ("release, not immobilized", _nothing, RELEASE, "AlreadyDone", None),
    ("release, stolen", _stolen_immobilized, RELEASE, "Failed", "NotPossibleDueToVehicleStolenState"),
    ("immobilize through stolen", _nothing, {"stolen": {"immobilization": {"activate": True}}}, "Success", None),
    ("declare stolen", _nothing, STOLEN, "Success", None),
    ("lift stolen, not stolen", _nothing, NOT_STOLEN, "AlreadyDone", None),
    ("tracking period", _nothing, {"stolen": {"trackingPeriod": {"shutdown": 120}}}, "Success", None),
    ("state refresh", _nothing, {"state": {"action": "state"}}, "Success", None),
    ("wake up", _nothing, {"wakeUp": {"action": "WakeUp"}}, "Success", None),
    ("navigation", _nothing, NAVIGATION, "Success", None),
]  # fmt: skip


@pytest.mark.parametrize(("setup", "action", "result", "cause"), [r[1:] for r in PARKED_RULES],
                         ids=[r[0] for r in PARKED_RULES])  # fmt: skip
def test_a_parked_vehicle_answers_as_the_engine_rules(
    setup: Setup, action: dict[str, Any], result: str, cause: str | None
) -> None:
    rig = Rig.of("Electric")
    setup(rig)
    got = rig.do(action)
    assert (got.result, got.failure_cause) == (result, cause)
    assert got.to_json().get("failureCause") == cause


def test_a_forced_lock_with_the_key_inside_blacklists_it() -> None:
    rig = Rig.of("Electric")
    _driver_inside(rig)
    assert rig.do({"door": {"state": "Locked", "forced": True}}).feedback_detail == "CIDBlacklisted"
    assert rig.v.doors_locked


@pytest.mark.parametrize("action", [CHARGE, STOP_CHARGE, PRECONDITION], ids=["charge", "stop", "precondition"])
def test_a_fuel_car_has_no_battery_to_charge_or_precondition_with(action: dict[str, Any]) -> None:
    rig = Rig.of("Fuel")
    got = rig.do(action)
    assert (got.result, got.failure_cause) == ("Failed", "WrongCommand")


DRIVING_RULES: list[tuple[str, dict[str, Any], str, str | None]] = [
    ("unlock", UNLOCK, "Failed", "VehicleInUse"),
    ("lock", LOCK, "Failed", "VehicleInUse"),
    ("horn", {"horn": {"state": "Activated"}}, "Failed", "VehicleInUse"),
    ("lights on", {"lights": {"on": True}}, "Failed", "VehicleInUse"),
    ("charge", CHARGE, "Failed", "VehicleInUse"),
    ("precondition", PRECONDITION, "Failed", "VehicleInUse"),
    ("immobilize (at the next stop)", IMMOBILIZE, "Success", None),
    ("declare stolen", STOLEN, "Success", None),
    ("navigation", NAVIGATION, "Success", None),
    ("state refresh", {"state": {"action": "state"}}, "Success", None),
]


def _driving(energy: str = "Electric") -> Rig:
    rig = Rig.of(energy)
    rig.run_until(lambda r: r.v.driving, 6 * 3600, every_ms=10_000)
    rig.run(60)  # well under way
    assert rig.v.driving
    return rig


@pytest.mark.parametrize(
    ("action", "result", "cause"), [r[1:] for r in DRIVING_RULES], ids=[r[0] for r in DRIVING_RULES]
)
def test_a_driving_vehicle_refuses_what_needs_it_parked(action: dict[str, Any], result: str, cause: str | None) -> None:
    rig = _driving()
    got = rig.do(action, seconds=10)
    assert rig.v.driving
    assert (got.result, got.failure_cause) == (result, cause)


# ---- effects, as later reports show them ------------------------------------------------------------


def test_doors_reports_after_the_result_show_the_new_state() -> None:
    rig = Rig.of("Fuel")
    rig.run(120)
    unlocked = rig.do(UNLOCK, seconds=180)
    at = unlocked.at_ms
    assert {r.doors_locked for r in rig.reports if r.at_ms < at} == {True}
    after = rig.since(at)
    assert after[0].at_ms == at  # the vehicle reports the change at once
    assert len(after) >= 3 and all(r.doors_locked is False for r in after)
    locked = rig.do(LOCK, seconds=120)
    assert all(r.doors_locked is True for r in rig.since(locked.at_ms))


def test_a_remote_charge_starts_plugged_in_and_stops() -> None:
    rig = Rig.of("Electric")
    _plugged(rig)
    before = rig.v.battery_percent()
    started = rig.do(CHARGE, seconds=1800)
    first = rig.since(started.at_ms)[0]
    assert first.at_ms == started.at_ms and (first.charging, first.plugged) == ("InProgress", True)
    last = rig.reports[-1]
    assert last.charging == "InProgress" and last.battery_level > before + 5  # type: ignore[operator]
    stopped = rig.do(STOP_CHARGE, seconds=1800)
    after = rig.since(stopped.at_ms)
    assert {(r.charging, r.plugged) for r in after} == {("Stopped", True)}
    assert len({r.battery_level for r in after}) == 1


def test_a_delayed_charge_starts_at_its_time() -> None:
    rig = Rig.of("Electric")
    _plugged(rig)
    at = rig.now + 20 * 60_000
    got = rig.do({"charging": {"nextDelayedTime": format_ms(at)}}, seconds=1500)
    assert got.result == "Success"
    waiting = [r for r in rig.since(got.at_ms) if r.at_ms < at]
    assert waiting and {r.charging for r in waiting} == {"Stopped"}
    assert {r.attributes.get("nextDelayedCharge") for r in waiting} == {format_ms(at)}
    charging = rig.since(at)
    assert charging[0].at_ms == at and {r.charging for r in charging} == {"InProgress"}
    assert "nextDelayedCharge" not in charging[0].attributes


def test_a_delayed_charge_set_while_charging_stops_the_charge_until_then() -> None:
    rig = Rig.of("Electric")
    _plugged(rig)
    rig.do(CHARGE)
    at = rig.now + 3_600_000
    got = rig.do({"charging": {"nextDelayedTime": format_ms(at)}}, seconds=600)
    assert got.result == "Success"
    assert {r.charging for r in rig.since(got.at_ms)} == {"Stopped"}


def test_plugging_in_at_home_waits_for_a_delayed_charge() -> None:
    rig = Rig.of("Hybrid")  # a plug-in hybrid plugs in whenever it comes home
    at = rig.now + 18 * 3_600_000  # 23:00 in Paris
    assert rig.do({"charging": {"nextDelayedTime": format_ms(at)}}).result == "Success"
    rig.run_until(lambda r: r.v.plugged, 17 * 3600, every_ms=60_000)
    plugged = next(r for r in rig.reports if r.plugged)
    assert plugged.at_ms < at and plugged.charging == "Stopped"
    rig.run((at - rig.now) / 1000 + 600, every_ms=60_000)
    assert {r.charging for r in rig.reports if plugged.at_ms <= r.at_ms < at} == {"Stopped"}
    assert {r.charging for r in rig.since(at)} == {"InProgress"}


def test_preconditioning_runs_half_an_hour_on_the_battery() -> None:
    rig = Rig.of("Electric")
    before = rig.v.battery
    got = rig.do(PRECONDITION, seconds=PRECONDITIONING_MS / 1000 + 120)
    running = [r for r in rig.since(got.at_ms) if r.at_ms < got.at_ms + PRECONDITIONING_MS]
    assert running and all(r.attributes["preconditioning"] is True for r in running)
    assert rig.reports[-1].attributes["preconditioning"] is False
    used = before - rig.v.battery
    assert used == pytest.approx(3.0 * 0.5, rel=0.01)  # 3 kW for 30 minutes


def test_preconditioning_stops_when_told_and_when_the_engine_starts() -> None:
    rig = Rig.of("Electric")
    rig.do(PRECONDITION)
    stopped = rig.do({"preconditioning": {"airConditioning": {"immediate": False}}})
    assert stopped.result == "Success" and rig.reports[-1].attributes["preconditioning"] is False
    rig.do(PRECONDITION)
    rig.run_until(lambda r: r.v.ignition, 6 * 3600, every_ms=10_000)
    ignition = next(r for r in rig.reports if r.ignition)
    assert ignition.attributes["preconditioning"] is False


def test_a_preconditioning_program_starts_at_its_local_time() -> None:
    rig = Rig.of("Electric")
    midnight = local_midnight_ms(local_day(rig.now))
    start = rig.now + 3_600_000  # 06:00 in Paris
    minutes = (start - midnight) // 60_000
    program = {
        "recurrence": "Daily",
        "start": f"PT{minutes // 60}H{minutes % 60}M",
        "occurence": {"day": ["Mon"]},
        "slot": 1,
        "enabled": True,
    }
    got = rig.do({"preconditioning": {"airConditioning": {"programs": [program]}}}, seconds=3700, every_ms=10_000)
    assert got.result == "Success"
    started = [r for r in rig.reports if r.attributes.get("preconditioning")]
    assert started and started[0].at_ms == start


def test_an_immobilized_vehicle_does_not_start_until_released() -> None:
    rig = Rig.of("Fuel")
    assert rig.do(IMMOBILIZE).result == "Success"
    rig.run(12 * 3600, every_ms=60_000)
    assert not any(r.ignition for r in rig.reports)
    assert rig.v.unit.refused_starts >= 1
    assert all(r.attributes.get("immobilized") is True for r in rig.reports[-5:])
    released = rig.do(RELEASE)
    assert released.result == "Success"
    rig.run(36 * 3600, every_ms=60_000)
    assert any(r.ignition for r in rig.since(released.at_ms))


def test_immobilization_sent_while_driving_takes_effect_at_the_next_stop() -> None:
    rig = _driving("Fuel")
    assert rig.do(IMMOBILIZE).result == "Success"
    rig.run_until(lambda r: r.v.parked, 3 * 3600)
    parked_at = rig.now
    rig.run(24 * 3600, every_ms=60_000)
    assert rig.v.unit.refused_starts >= 1
    assert not any(r.ignition for r in rig.since(parked_at))


def _gaps(reports: list[Report]) -> set[int]:
    return _time_gaps([r.at_ms for r in reports])


def _time_gaps(times: list[int]) -> set[int]:
    return {b - a for a, b in itertools.pairwise(times)}


def test_a_stolen_vehicle_reports_its_position_every_ten_seconds() -> None:
    rig = Rig.of("Fuel", shift_start_h=14.0)
    rig.run(600)
    assert _gaps(rig.reports[-5:]) == {PARKED_REPORT_MS}
    declared = rig.do(STOLEN, seconds=600)
    stolen = rig.since(declared.at_ms)
    assert len(stolen) >= 600_000 // STOLEN_REPORT_MS - 2
    assert _gaps(stolen[1:]) == {STOLEN_REPORT_MS}
    assert all(r.has_position and r.attributes["stolen"] is True for r in stolen)
    period = rig.do({"stolen": {"trackingPeriod": {"shutdown": 120}}}, seconds=900)
    assert _gaps(rig.since(period.at_ms)[2:]) == {120_000}
    lifted = rig.do(NOT_STOLEN, seconds=600)
    assert _gaps(rig.since(lifted.at_ms)[2:]) == {PARKED_REPORT_MS}


def test_a_state_refresh_sends_a_full_report_at_once() -> None:
    rig = Rig.of("Hybrid")
    got = rig.do({"state": {"action": "state"}})
    fresh = rig.since(got.at_ms)[0]
    assert fresh.at_ms == got.at_ms and fresh.telemetry is not None
    assert fresh.charging is not None and fresh.doors_locked is not None and fresh.has_position


def test_a_state_refresh_while_driving_puts_telemetry_in_the_next_report() -> None:
    rig = _driving()
    got = rig.do({"state": {"action": "state"}}, seconds=10)
    assert got.result == "Success"
    nxt = next(r for r in rig.since(got.at_ms))
    assert nxt.telemetry is not None and nxt.speed is not None


def test_a_navigation_in_the_region_is_the_drivers_next_destination() -> None:
    rig = Rig.of("Electric")
    shop = ILE_DE_FRANCE.of_kind("shop")[0]
    navigation = {"navigation": {"positions": [{"type": "Point", "coordinates": [shop.lon, shop.lat]}]}}
    got = rig.do(navigation)
    assert got.result == "Success"
    assert rig.reports[-1].attributes["navigationDestination"] == f"{shop.lat:.6f},{shop.lon:.6f}"
    rig.run_until(lambda r: r.v.driving, 6 * 3600, every_ms=10_000)
    rig.run_until(lambda r: r.v.parked, 3 * 3600)
    arrived = rig.reports[-1]
    assert (arrived.lat, arrived.lon) == (round(shop.lat, 6), round(shop.lon, 6))
    assert rig.do(navigation).result == "AlreadyDone"  # the same route again


def test_a_navigation_outside_the_region_is_only_recorded() -> None:
    rig = Rig.of("Electric")
    far = {"navigation": {"positions": [{"type": "Point", "coordinates": [5.970338, -62.536239]}]}}
    assert rig.do(far).result == "Success"
    assert rig.v.unit.route_place(ILE_DE_FRANCE) is None
    rig.run_until(lambda r: r.v.driving, 6 * 3600, every_ms=10_000)
    assert rig.v.targets[0][1] != "navigation"


def test_a_navigation_waiting_for_approval_lapses_in_an_empty_car() -> None:
    rig = Rig.of("Electric", shift_start_h=14.0)
    command_id = rig.send({"navigation": {**NAVIGATION["navigation"], "driverApproval": True}}, expires_in_ms=None)
    rig.run(15 * 60)
    assert command_id not in rig.results
    assert rig.v.unit.lapsed == 1


def test_a_navigation_waiting_for_approval_is_answered_by_the_driver() -> None:
    rig = _driving()
    command_id = rig.send({"navigation": {**NAVIGATION["navigation"], "driverApproval": True}})
    rig.run(60)
    got = rig.results[command_id]
    assert got.result in ("Success", "Failed")
    if got.result == "Failed":
        assert got.failure_cause == "CanceledByDriver"
    least = DELAYS_MS["Navigation"][0] + APPROVAL_DELAY_MS[0]
    assert got.at_ms - rig.sent_at[command_id] >= least


# ---- what the unit refuses or ignores ---------------------------------------------------------------


def test_a_command_the_vehicle_cannot_read_is_a_wrong_command() -> None:
    rig = Rig.of("Electric")
    bad = rig.do({"door": {"state": "Ajar"}}, type="Doors")
    mismatched = rig.do(UNLOCK, type="Horn")
    for got in (bad, mismatched):
        assert (got.result, got.failure_cause) == ("Failed", "WrongCommand")
    assert rig.v.doors_locked


def test_the_same_action_twice_at_once_is_refused() -> None:
    rig = Rig.of("Electric")
    first = rig.send(UNLOCK)
    second = rig.send(LOCK)
    rig.run(15)
    assert rig.results[first].result == "Success"
    assert (rig.results[second].result, rig.results[second].failure_cause) == ("Failed", "SameActionInProgress")
    assert rig.results[second].at_ms - rig.sent_at[second] <= REFUSAL_DELAY_MS[1]


def test_expired_duplicate_and_unreadable_commands_get_no_answer() -> None:
    rig = Rig.of("Electric")
    expired = rig.command(UNLOCK, expires_in_ms=-1)
    once = rig.command({"horn": {"state": "Activated"}})
    assert rig.fleet.receive(rig.v.id, [expired, once, once, {"type": "Doors"}]) == 1
    rig.run(15)
    assert list(rig.results) == [once["id"]]
    unit = rig.v.unit
    assert (unit.expired, unit.duplicates, unit.undecodable) == (1, 1, 1)
    assert rig.v.doors_locked


# ---- delays -----------------------------------------------------------------------------------------

ACTIONS_BY_TYPE = {
    "Doors": UNLOCK,
    "Horn": {"horn": {"state": "Activated"}},
    "Lights": {"lights": {"on": True}},
    "VehicleState": {"state": {"action": "state"}},
    "WakeUp": {"wakeUp": {"action": "WakeUp"}},
    "Immobilization": IMMOBILIZE,
    "Stolen": STOLEN,
    "Navigation": NAVIGATION,
    "ElectricBatteryChargingRequest": CHARGE,
    "ThermalPreconditioning": PRECONDITION,
}


@pytest.mark.parametrize("remote_type", sorted(ACTIONS_BY_TYPE))
def test_each_action_takes_a_few_seconds(remote_type: str) -> None:
    least, most = DELAYS_MS[remote_type]
    delays = []
    for seed in range(5):
        rig = Rig.of("Electric", seed=seed)
        got = rig.do(ACTIONS_BY_TYPE[remote_type], seconds=10)
        delays.append(got.at_ms - rig.sent_at[got.command_id])
    assert all(least <= d <= most for d in delays)
    assert len(set(delays)) > 1  # drawn, not fixed


def test_doors_horn_and_lights_are_quicker_than_charging_and_preconditioning() -> None:
    quick = max(DELAYS_MS[t][1] for t in ("Doors", "Horn", "Lights"))
    slow = min(DELAYS_MS[t][0] for t in ("ElectricBatteryChargingRequest", "ThermalPreconditioning"))
    assert quick <= slow
    assert all(2_000 <= low <= high <= 8_000 for low, high in DELAYS_MS.values())


def test_the_same_seed_and_commands_give_the_same_results_and_reports() -> None:
    def go() -> tuple[list[Any], list[Any]]:
        rig = Rig.of("Electric", seed=4)
        _plugged(rig)
        for action in (UNLOCK, CHARGE, STOLEN, PRECONDITION):
            rig.send(action)
            rig.run(7, every_ms=3_000)
        rig.run(600, every_ms=7_000)
        return list(rig.results.values()), rig.reports

    assert go() == go()


# ---- polling ----------------------------------------------------------------------------------------


def _polls(rig: Rig, seconds: int) -> list[int]:
    times = []
    for _ in range(seconds):
        rig.run(1)
        if rig.fleet.polls_due():
            times.append(rig.now)
    return times


def test_a_parked_unit_checks_every_half_minute_an_awake_one_every_five_seconds() -> None:
    rig = Rig.of("Electric", shift_start_h=14.0)
    assert _time_gaps(_polls(rig, 300)) == {30_000}
    rig.do(STOLEN)  # a stolen vehicle stays awake, long after the command woke it
    assert _time_gaps(_polls(rig, 600)[1:]) == {5_000}
    driving = _driving()
    assert _time_gaps(_polls(driving, 60)[1:]) == {5_000}
