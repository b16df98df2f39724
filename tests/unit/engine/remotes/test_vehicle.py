from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from connectedcar.engine.remotes.model import (
    Action,
    ChargingAction,
    ChargingProgram,
    DoorsAction,
    HornAction,
    ImmobilizationAction,
    LightsAction,
    NavigationAction,
    PreconditioningAction,
    PreconditioningProgram,
    RemoteAction,
    StateAction,
    StolenAction,
    WakeUpAction,
)
from connectedcar.engine.remotes.parsing import parse_remote_action
from connectedcar.engine.remotes.vehicle import MIN_PRECONDITIONING_BATTERY_PERCENT, VehicleSnapshot, apply_action
from tests.unit.engine.remotes.bodies import SEED_004_TABLE

PARKED = VehicleSnapshot(battery_level=60.0, doors_locked=True)  # an EV parked, locked, unplugged
DRIVING = replace(PARKED, moving=True, doors_locked=False)
ICE = VehicleSnapshot(battery_level=None)
T = 1_717_236_000_000
P1 = PreconditioningProgram(slot=1, start_ms=25_200_000, days=("Mon",))
P2 = PreconditioningProgram(slot=2, start_ms=61_200_000, days=("Fri",))
C1 = ChargingProgram(slot=1, start_ms=3_600_000)
ROUTE = ((2.35, 48.85), (2.29, 48.86))

# name, vehicle, action, result, failure cause or feedback detail, the snapshot's changes on Success
CASES: list[tuple[str, VehicleSnapshot, Action, str, str | None, dict[str, Any]]] = [
    # doors
    ("unlock", PARKED, DoorsAction("Unlocked"), "Success", None, {"doors_locked": False}),
    (
        "unlock while driving",
        replace(DRIVING, doors_locked=True),
        DoorsAction("Unlocked"),
        "Failed",
        "VehicleInUse",
        {},
    ),
    (
        "unlock when stolen",
        replace(PARKED, stolen=True),
        DoorsAction("Unlocked"),
        "Failed",
        "NotPossibleDueToVehicleStolenState",
        {},
    ),
    ("unlock unlocked", replace(PARKED, doors_locked=False), DoorsAction("Unlocked"), "AlreadyDone", None, {}),
    ("lock", replace(PARKED, doors_locked=False), DoorsAction("Locked"), "Success", None, {"doors_locked": True}),
    ("lock locked", PARKED, DoorsAction("Locked"), "AlreadyDone", None, {}),
    ("lock while driving", DRIVING, DoorsAction("Locked"), "Failed", "VehicleInUse", {}),
    (
        "lock with a door open",
        replace(PARKED, doors_locked=False, doors_open=True),
        DoorsAction("Locked"),
        "Failed",
        "DoorsOpen",
        {},
    ),
    (
        "lock with the key inside",
        replace(PARKED, doors_locked=False, key_inside=True),
        DoorsAction("Locked"),
        "Failed",
        "CidInside",
        {},
    ),
    (
        "forced lock with the key inside",
        replace(PARKED, doors_locked=False, key_inside=True),
        DoorsAction("Locked", forced=True),
        "Success",
        "CIDBlacklisted",
        {"doors_locked": True},
    ),
    (
        "forced lock without the key inside",
        replace(PARKED, doors_locked=False),
        DoorsAction("Locked", forced=True),
        "Success",
        "NoCIDBlacklisted",
        {"doors_locked": True},
    ),
    (
        "forced lock, door open",
        replace(PARKED, doors_locked=False, doors_open=True),
        DoorsAction("Locked", True),
        "Failed",
        "DoorsOpen",
        {},
    ),
    (
        "forced unlock ignores forced",
        PARKED,
        DoorsAction("Unlocked", forced=True),
        "Success",
        None,
        {"doors_locked": False},
    ),
    # horn and lights
    ("horn", PARKED, HornAction("Activated"), "Success", None, {}),
    ("horn while driving", DRIVING, HornAction("Activated"), "Failed", "VehicleInUse", {}),
    ("horn off", PARKED, HornAction("Unactivated"), "AlreadyDone", None, {}),
    ("lights on", PARKED, LightsAction(on=True), "Success", None, {"lights_on": True}),
    ("lights on, on", replace(PARKED, lights_on=True), LightsAction(on=True), "AlreadyDone", None, {}),
    ("lights on while driving", DRIVING, LightsAction(on=True), "Failed", "VehicleInUse", {}),
    ("lights off", replace(PARKED, lights_on=True), LightsAction(on=False), "Success", None, {"lights_on": False}),
    ("lights off, off", DRIVING, LightsAction(on=False), "AlreadyDone", None, {}),
    # immobilization and stolen
    ("immobilize", PARKED, ImmobilizationAction(True), "Success", None, {"immobilized": True}),
    (
        "immobilize while driving (next stop)",
        DRIVING,
        ImmobilizationAction(True),
        "Success",
        None,
        {"immobilized": True},
    ),
    ("immobilize immobilized", replace(PARKED, immobilized=True), ImmobilizationAction(True), "AlreadyDone", None, {}),
    (
        "release",
        replace(PARKED, immobilized=True),
        ImmobilizationAction(False),
        "Success",
        None,
        {"immobilized": False},
    ),
    ("release free", PARKED, ImmobilizationAction(False), "AlreadyDone", None, {}),
    (
        "release while stolen",
        replace(PARKED, immobilized=True, stolen=True),
        ImmobilizationAction(False),
        "Failed",
        "NotPossibleDueToVehicleStolenState",
        {},
    ),
    ("declare stolen", PARKED, StolenAction(stolen=True), "Success", None, {"stolen": True}),
    ("declare stolen twice", replace(PARKED, stolen=True), StolenAction(stolen=True), "AlreadyDone", None, {}),
    ("found again", replace(PARKED, stolen=True), StolenAction(stolen=False), "Success", None, {"stolen": False}),
    ("not stolen", PARKED, StolenAction(stolen=False), "AlreadyDone", None, {}),
    (
        "stolen immobilization",
        replace(PARKED, stolen=True),
        StolenAction(immobilization=True),
        "Success",
        None,
        {"immobilized": True},
    ),
    (
        "stolen release refused",
        replace(PARKED, stolen=True, immobilized=True),
        StolenAction(immobilization=False),
        "Failed",
        "NotPossibleDueToVehicleStolenState",
        {},
    ),
    (
        "tracking periods",
        replace(PARKED, tracking_shutdown_s=300),
        StolenAction(tracking_running_s=30),
        "Success",
        None,
        {"tracking_running_s": 30},
    ),
    (
        "same tracking periods",
        replace(PARKED, tracking_running_s=30, tracking_shutdown_s=300),
        StolenAction(tracking_running_s=30, tracking_shutdown_s=300),
        "AlreadyDone",
        None,
        {},
    ),
    # charging
    ("charge", replace(PARKED, plugged=True), ChargingAction("Start"), "Success", None, {"charging": True}),
    (
        "charge now cancels a delayed charge",
        replace(PARKED, plugged=True, next_delayed_charge_ms=T),
        ChargingAction("Start"),
        "Success",
        None,
        {"charging": True, "next_delayed_charge_ms": None},
    ),
    ("charge without a plug", PARKED, ChargingAction("Start"), "Failed", "ExternalChargingSystemError", {}),
    ("charge while driving", DRIVING, ChargingAction("Start"), "Failed", "VehicleInUse", {}),
    ("charge an ICE", ICE, ChargingAction("Start"), "Failed", "WrongCommand", {}),
    (
        "charge when charging",
        replace(PARKED, plugged=True, charging=True),
        ChargingAction("Start"),
        "AlreadyDone",
        None,
        {},
    ),
    (
        "charge when full",
        replace(PARKED, plugged=True, battery_level=100.0),
        ChargingAction("Start"),
        "AlreadyDone",
        None,
        {},
    ),
    (
        "stop",
        replace(PARKED, plugged=True, charging=True),
        ChargingAction("Stop"),
        "Success",
        None,
        {"charging": False},
    ),
    ("stop, not charging", replace(PARKED, plugged=True), ChargingAction("Stop"), "AlreadyDone", None, {}),
    (
        "stop cancels a delayed charge",
        replace(PARKED, next_delayed_charge_ms=T),
        ChargingAction("Stop"),
        "Success",
        None,
        {"next_delayed_charge_ms": None},
    ),
    ("stop an ICE", ICE, ChargingAction("Stop"), "Failed", "WrongCommand", {}),
    (
        "delay, unplugged",
        PARKED,
        ChargingAction("Delayed", next_delayed_time_ms=T),
        "Success",
        None,
        {"next_delayed_charge_ms": T},
    ),
    (
        "delay a running charge",
        replace(PARKED, plugged=True, charging=True),
        ChargingAction("Delayed", next_delayed_time_ms=T),
        "Success",
        None,
        {"charging": False, "next_delayed_charge_ms": T},
    ),
    (
        "same delay",
        replace(PARKED, next_delayed_charge_ms=T),
        ChargingAction("Delayed", next_delayed_time_ms=T),
        "AlreadyDone",
        None,
        {},
    ),
    (
        "charging programs merge by slot",
        replace(PARKED, charging_programs=(replace(C1, slot=3),)),
        ChargingAction("Programs", programs=(C1,)),
        "Success",
        None,
        {"charging_programs": (C1, replace(C1, slot=3))},
    ),
    (
        "same charging programs",
        replace(PARKED, charging_programs=(C1,)),
        ChargingAction("Programs", programs=(C1,)),
        "AlreadyDone",
        None,
        {},
    ),
    (
        "charging preferences",
        replace(PARKED, charging_type="Full"),
        ChargingAction("Preferences", level="Level2"),
        "Success",
        None,
        {"charging_level": "Level2"},
    ),
    (
        "same charging preferences",
        replace(PARKED, charging_level="Level2", charging_type="Full"),
        ChargingAction("Preferences", charge_type="Full"),
        "AlreadyDone",
        None,
        {},
    ),
    # preconditioning
    ("precondition", PARKED, PreconditioningAction(immediate=True), "Success", None, {"preconditioning": True}),
    ("precondition an ICE", ICE, PreconditioningAction(immediate=True), "Failed", "WrongCommand", {}),
    ("precondition while driving", DRIVING, PreconditioningAction(immediate=True), "Failed", "VehicleInUse", {}),
    (
        "precondition, battery too low",
        replace(PARKED, battery_level=MIN_PRECONDITIONING_BATTERY_PERCENT - 0.5),
        PreconditioningAction(immediate=True),
        "Failed",
        "NotPossibleDueToVehicleBatteryLevel",
        {},
    ),
    (
        "precondition, battery just enough",
        replace(PARKED, battery_level=MIN_PRECONDITIONING_BATTERY_PERCENT),
        PreconditioningAction(immediate=True),
        "Success",
        None,
        {"preconditioning": True},
    ),
    (
        "precondition, low battery but plugged",
        replace(PARKED, battery_level=5.0, plugged=True),
        PreconditioningAction(immediate=True),
        "Success",
        None,
        {"preconditioning": True},
    ),
    (
        "precondition running",
        replace(PARKED, preconditioning=True),
        PreconditioningAction(immediate=True),
        "AlreadyDone",
        None,
        {},
    ),
    (
        "stop preconditioning",
        replace(PARKED, preconditioning=True),
        PreconditioningAction(immediate=False),
        "Success",
        None,
        {"preconditioning": False},
    ),
    ("stop preconditioning, off", PARKED, PreconditioningAction(immediate=False), "AlreadyDone", None, {}),
    (
        "programs: set and delete by slot",
        replace(PARKED, preconditioning_programs=(P1,)),
        PreconditioningAction(programs=(P2, PreconditioningProgram(slot=1, action="Delete"))),
        "Success",
        None,
        {"preconditioning_programs": (P2,)},
    ),
    (
        "programs while driving",
        DRIVING,
        PreconditioningAction(programs=(P1,)),
        "Success",
        None,
        {"preconditioning_programs": (P1,)},
    ),
    (
        "same programs",
        replace(PARKED, preconditioning_programs=(P1,)),
        PreconditioningAction(programs=(P1,)),
        "AlreadyDone",
        None,
        {},
    ),
    (
        "delete an empty slot",
        PARKED,
        PreconditioningAction(programs=(PreconditioningProgram(4, "Delete"),)),
        "AlreadyDone",
        None,
        {},
    ),
    (
        "start now and set a program; nothing applied when refused",
        replace(PARKED, battery_level=3.0),
        PreconditioningAction(immediate=True, programs=(P1,)),
        "Failed",
        "NotPossibleDueToVehicleBatteryLevel",
        {},
    ),
    # state, wake-up, navigation
    ("state refresh", PARKED, StateAction(), "Success", None, {}),
    ("state refresh while driving", DRIVING, StateAction(), "Success", None, {}),
    (
        "state refresh, full privacy",
        replace(PARKED, full_privacy=True),
        StateAction(),
        "Failed",
        "NotPossibleDueToVehiclePrivacyLevel",
        {},
    ),
    ("wake-up", PARKED, WakeUpAction(), "Success", None, {}),
    ("navigation", DRIVING, NavigationAction(positions=ROUTE), "Success", None, {"navigation": ROUTE}),
    (
        "same navigation",
        replace(PARKED, navigation=ROUTE),
        NavigationAction(positions=ROUTE, driver_approval=True),
        "AlreadyDone",
        None,
        {},
    ),
]


@pytest.mark.parametrize(("name", "vehicle", "action", "result", "why", "changes"), CASES, ids=[c[0] for c in CASES])
def test_apply_action(
    name: str, vehicle: VehicleSnapshot, action: Action, result: str, why: str | None, changes: dict[str, Any]
) -> None:
    outcome = apply_action(vehicle, action)
    assert outcome.result == result
    if result == "Failed":
        assert outcome.failure_cause == why and outcome.feedback_detail is None
    else:
        assert outcome.failure_cause is None and outcome.feedback_detail == why
    expected = replace(vehicle, **changes)
    assert outcome.snapshot == expected
    if result != "Success":
        assert outcome.snapshot is vehicle
        assert not changes
    assert apply_action(vehicle, RemoteAction(action=action)) == outcome


def test_seed_004_examples_on_a_parked_vehicle() -> None:
    vehicle = replace(PARKED, plugged=True)
    results = {
        name: apply_action(vehicle, parse_remote_action(body)).result
        for name, body in SEED_004_TABLE.items()
        if name != "CHARGING_DELAYED"  # its date is a placeholder
    }
    assert results == {
        "PRECONDITIONING": "Success",  # sets program slot 1
        "IMMOBILIZATION": "Success",
        "DOOR": "Success",
        "HORN": "Success",
        "CHARGING_STOP": "AlreadyDone",
        "STOLEN": "Success",
        "LIGHTS": "Success",
        "STATE": "Success",
        "NAVIGATION": "Success",
    }


def test_unknown_action_type() -> None:
    with pytest.raises(TypeError, match="not a remote action"):
        apply_action(PARKED, "horn")  # type: ignore[arg-type]
