from __future__ import annotations

import json
from typing import Any

import pytest

from connectedcar.engine.remotes.lifecycle import (
    DRIVER_APPROVAL_TIMEOUT_MS,
    MAX_WAKE_UPS_PER_MONTH,
    MIN_WAKE_UP_VOLTAGE,
    RESPONSE_TIMEOUT_MS,
    SEND_TIMEOUT_MS,
    WAKE_UP_TIMEOUT_MS,
    Event,
    RemoteState,
    Sent,
    StatusReport,
    Submitted,
    Tick,
    VehicleAvailability,
    VehicleAwake,
    VehicleResult,
    advance,
)
from connectedcar.engine.remotes.model import (
    FAILURE_CAUSES,
    REMOTE_STATUSES,
    Action,
    DoorsAction,
    FailureCause,
    HornAction,
    LightsAction,
    NavigationAction,
    RemoteAction,
    StateAction,
    WakeUpAction,
)
from connectedcar.engine.remotes.vehicle import Outcome, VehicleSnapshot

T0 = 1_717_236_000_000
AWAKE = VehicleAvailability(asleep=False, battery_voltage=12.6, wake_ups_this_month=3)
ASLEEP = VehicleAvailability(asleep=True, battery_voltage=12.6, wake_ups_this_month=3)
DOOR = DoorsAction(state="Locked")
NAV = NavigationAction(positions=((2.35, 48.85),))
NAV_APPROVAL = NavigationAction(positions=((2.35, 48.85),), driver_approval=True)
SUCCESS = VehicleResult("Success")

Step = tuple[Event, int]  # the event and its time after T0 (ms)


def _run(action: Action, steps: list[Step]) -> tuple[RemoteState, list[str]]:
    """Feed the events; every intermediate state must survive a JSON round trip."""
    state = RemoteState.for_action(action, T0)
    seen: list[str] = []
    for event, after in steps:
        state, reports = advance(state, event, T0 + after)
        for report in reports:
            assert report.at_ms == T0 + after
            text = f"{report.type}:{report.status}"
            if report.failure_cause:
                text += f":{report.failure_cause}"
            if report.feedback_detail:
                text += f"/{report.feedback_detail}"
            seen.append(text)
        assert RemoteState.from_dict(json.loads(json.dumps(state.to_dict()))) == state
    return state, seen


SCENARIOS: list[tuple[str, Action, list[Step], list[str], bool]] = [
    (
        "awake vehicle, success",
        DOOR,
        [(Submitted(AWAKE), 0), (Sent(), 100), (SUCCESS, 2_000)],
        ["Pending:Accepted", "Pending:CheckingVehicle", "Pending:SentToVehicle", "Done:Success"],
        False,
    ),
    (
        "sleeping vehicle is woken first",
        DOOR,
        [(Submitted(ASLEEP), 0), (VehicleAwake(), 40_000), (Sent(), 40_100), (SUCCESS, 42_000)],
        [
            "Pending:Accepted",
            "Pending:WakingUpVehicle",
            "Pending:CheckingVehicle",
            "Pending:SentToVehicle",
            "Done:Success",
        ],
        True,
    ),
    (
        "the vehicle says nothing changes",
        LightsAction(on=True),
        [(Submitted(AWAKE), 0), (Sent(), 10), (VehicleResult("AlreadyDone"), 900)],
        ["Pending:Accepted", "Pending:CheckingVehicle", "Pending:SentToVehicle", "Done:AlreadyDone"],
        False,
    ),
    (
        "the platform knows nothing would change, and does not send",
        DOOR,
        [(Submitted(AWAKE), 0), (VehicleResult("AlreadyDone"), 5)],
        ["Pending:Accepted", "Pending:CheckingVehicle", "Done:AlreadyDone"],
        False,
    ),
    (
        "the vehicle refuses",
        DOOR,
        [(Submitted(AWAKE), 0), (Sent(), 10), (VehicleResult("Failed", "DoorsOpen"), 900)],
        ["Pending:Accepted", "Pending:CheckingVehicle", "Pending:SentToVehicle", "Done:Failed:DoorsOpen"],
        False,
    ),
    (
        "forced lock reports its feedback detail",
        DoorsAction(state="Locked", forced=True),
        [(Submitted(AWAKE), 0), (Sent(), 10), (VehicleResult("Success", feedback_detail="CIDBlacklisted"), 900)],
        ["Pending:Accepted", "Pending:CheckingVehicle", "Pending:SentToVehicle", "Done:Success/CIDBlacklisted"],
        False,
    ),
    (
        "same action already in progress",
        DOOR,
        [(Submitted(VehicleAvailability(in_progress=frozenset({"Doors", "Horn"}))), 0)],
        ["Done:Failed:SameActionInProgress"],
        False,
    ),
    (
        "another kind of action in progress does not block",
        DOOR,
        [(Submitted(VehicleAvailability(in_progress=frozenset({"Horn"}))), 0)],
        ["Pending:Accepted", "Pending:CheckingVehicle"],
        False,
    ),
    (
        "too many wake-ups this month",
        DOOR,
        [(Submitted(VehicleAvailability(asleep=True, wake_ups_this_month=MAX_WAKE_UPS_PER_MONTH)), 0)],
        ["Pending:TooManyWakeUpsOverMonth", "Done:Failed:TooManyWakeUpsOverMonth"],
        False,
    ),
    (
        "one wake-up left",
        DOOR,
        [(Submitted(VehicleAvailability(asleep=True, wake_ups_this_month=MAX_WAKE_UPS_PER_MONTH - 1)), 0)],
        ["Pending:Accepted", "Pending:WakingUpVehicle"],
        True,
    ),
    (
        "wake-up count does not matter when awake",
        DOOR,
        [(Submitted(VehicleAvailability(wake_ups_this_month=500, battery_voltage=10.0)), 0)],
        ["Pending:Accepted", "Pending:CheckingVehicle"],
        False,
    ),
    (
        "12 V battery too low to wake",
        DOOR,
        [(Submitted(VehicleAvailability(asleep=True, battery_voltage=MIN_WAKE_UP_VOLTAGE - 0.01)), 0)],
        ["Pending:VehicleBatteryChargeTooLow", "Done:Failed:NotPossibleDueToVehicleBatteryLevel"],
        False,
    ),
    (
        "12 V battery just enough",
        DOOR,
        [(Submitted(VehicleAvailability(asleep=True, battery_voltage=MIN_WAKE_UP_VOLTAGE)), 0)],
        ["Pending:Accepted", "Pending:WakingUpVehicle"],
        True,
    ),
    (
        "12 V battery unknown is not refused",
        DOOR,
        [(Submitted(VehicleAvailability(asleep=True, battery_voltage=None)), 0)],
        ["Pending:Accepted", "Pending:WakingUpVehicle"],
        True,
    ),
    (
        "same action checked before wake-ups",
        DOOR,
        [
            (
                Submitted(
                    VehicleAvailability(
                        asleep=True, battery_voltage=1.0, wake_ups_this_month=99, in_progress=frozenset({"Doors"})
                    )
                ),
                0,
            )
        ],
        ["Done:Failed:SameActionInProgress"],
        False,
    ),
    (
        "wake-ups checked before the 12 V battery",
        DOOR,
        [(Submitted(VehicleAvailability(asleep=True, battery_voltage=1.0, wake_ups_this_month=99)), 0)],
        ["Pending:TooManyWakeUpsOverMonth", "Done:Failed:TooManyWakeUpsOverMonth"],
        False,
    ),
    (
        "navigation skips Accepted and WakingUpVehicle (asleep)",
        NAV,
        [(Submitted(ASLEEP), 0), (VehicleAwake(), 30_000), (Sent(), 30_010), (SUCCESS, 31_000)],
        ["Pending:CheckingVehicle", "Pending:SentToVehicle", "Done:Success"],
        True,
    ),
    (
        "navigation skips Accepted (awake)",
        NAV,
        [(Submitted(AWAKE), 0), (Sent(), 10), (SUCCESS, 1_000)],
        ["Pending:CheckingVehicle", "Pending:SentToVehicle", "Done:Success"],
        False,
    ),
    (
        "navigation declined by the driver",
        NAV_APPROVAL,
        [(Submitted(AWAKE), 0), (Sent(), 10), (VehicleResult("Failed", "CanceledByDriver"), 200_000)],
        ["Pending:CheckingVehicle", "Pending:SentToVehicle", "Done:Failed:CanceledByDriver"],
        False,
    ),
    (
        "navigation still refused for wake-ups",
        NAV,
        [(Submitted(VehicleAvailability(asleep=True, wake_ups_this_month=MAX_WAKE_UPS_PER_MONTH)), 0)],
        ["Pending:TooManyWakeUpsOverMonth", "Done:Failed:TooManyWakeUpsOverMonth"],
        False,
    ),
    (
        "wake-up of a sleeping vehicle",
        WakeUpAction(),
        [(Submitted(ASLEEP), 0), (VehicleAwake(), 20_000)],
        ["Pending:Accepted", "Pending:WakingUpVehicle", "Done:Success"],
        True,
    ),
    (
        "wake-up of an awake vehicle",
        WakeUpAction(),
        [(Submitted(AWAKE), 0)],
        ["Pending:Accepted", "Done:AlreadyDone"],
        False,
    ),
    (
        "state refresh",
        StateAction(),
        [(Submitted(ASLEEP), 0), (VehicleAwake(), 20_000), (Sent(), 20_001), (SUCCESS, 21_000)],
        [
            "Pending:Accepted",
            "Pending:WakingUpVehicle",
            "Pending:CheckingVehicle",
            "Pending:SentToVehicle",
            "Done:Success",
        ],
        True,
    ),
    # timeouts
    (
        "the vehicle does not wake up",
        DOOR,
        [(Submitted(ASLEEP), 0), (Tick(), WAKE_UP_TIMEOUT_MS - 1), (Tick(), WAKE_UP_TIMEOUT_MS)],
        ["Pending:Accepted", "Pending:WakingUpVehicle", "Done:Failed:VehicleConnectionTimeout"],
        True,
    ),
    (
        "the command never reaches the vehicle",
        DOOR,
        [(Submitted(AWAKE), 0), (Tick(), SEND_TIMEOUT_MS - 1), (Tick(), SEND_TIMEOUT_MS + 5)],
        ["Pending:Accepted", "Pending:CheckingVehicle", "Done:Failed:VehicleConnectionTimeout"],
        False,
    ),
    (
        "the vehicle never answers",
        DOOR,
        [
            (Submitted(AWAKE), 0),
            (Sent(), 1_000),
            (Tick(), 1_000 + RESPONSE_TIMEOUT_MS - 1),
            (Tick(), 1_000 + RESPONSE_TIMEOUT_MS),
        ],
        [
            "Pending:Accepted",
            "Pending:CheckingVehicle",
            "Pending:SentToVehicle",
            "Done:Failed:VehicleConnectionTimeout",
        ],
        False,
    ),
    (
        "a navigation waiting for the driver gets longer",
        NAV_APPROVAL,
        [
            (Submitted(AWAKE), 0),
            (Sent(), 0),
            (Tick(), RESPONSE_TIMEOUT_MS),
            (Tick(), DRIVER_APPROVAL_TIMEOUT_MS - 1),
            (Tick(), DRIVER_APPROVAL_TIMEOUT_MS),
        ],
        ["Pending:CheckingVehicle", "Pending:SentToVehicle", "Done:Failed:VehicleConnectionTimeout"],
        False,
    ),
    (
        "waking up resets the deadline",
        DOOR,
        [
            (Submitted(ASLEEP), 0),
            (VehicleAwake(), WAKE_UP_TIMEOUT_MS - 1),
            (Tick(), WAKE_UP_TIMEOUT_MS + 10),
            (Sent(), WAKE_UP_TIMEOUT_MS + 20),
        ],
        [
            "Pending:Accepted",
            "Pending:WakingUpVehicle",
            "Pending:CheckingVehicle",
            "Pending:SentToVehicle",
        ],
        True,
    ),
    # events that do not apply change nothing
    (
        "duplicates and out-of-phase events are ignored",
        DOOR,
        [
            (Tick(), 10**9),  # nothing awaited before submission
            (Sent(), 0),
            (VehicleResult("Success"), 0),
            (Submitted(ASLEEP), 0),
            (Submitted(ASLEEP), 1),
            (Sent(), 2),
            (SUCCESS, 3),
            (VehicleAwake(), 4),
            (VehicleAwake(), 5),
            (Sent(), 6),
            (Sent(), 7),
            (VehicleAwake(), 8),
            (SUCCESS, 9),
            (SUCCESS, 10),
            (VehicleResult("Failed", "VehicleError"), 11),
            (Tick(), 10**9),
        ],
        [
            "Pending:Accepted",
            "Pending:WakingUpVehicle",
            "Pending:CheckingVehicle",
            "Pending:SentToVehicle",
            "Done:Success",
        ],
        True,
    ),
    (
        "a late answer after a timeout is dropped",
        DOOR,
        [(Submitted(AWAKE), 0), (Sent(), 0), (Tick(), RESPONSE_TIMEOUT_MS), (SUCCESS, RESPONSE_TIMEOUT_MS + 1)],
        [
            "Pending:Accepted",
            "Pending:CheckingVehicle",
            "Pending:SentToVehicle",
            "Done:Failed:VehicleConnectionTimeout",
        ],
        False,
    ),
]


@pytest.mark.parametrize(("name", "action", "steps", "expected", "woke"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_lifecycle(name: str, action: Action, steps: list[Step], expected: list[str], woke: bool) -> None:
    state, seen = _run(action, steps)
    assert seen == expected
    assert state.woke_vehicle is woke
    last, _, detail = expected[-1].partition("/")
    assert state.status == last.split(":")[1]
    assert state.feedback_detail == (detail or None)
    if last.startswith("Done:"):
        assert state.done and state.phase == "Done" and state.deadline_ms is None
        assert state.failure_cause == (last.split(":")[2] if last.startswith("Done:Failed") else None)
    else:
        assert not state.done and state.deadline_ms is not None


def test_every_status_of_the_template_is_reported_somewhere() -> None:
    statuses = {text.split(":")[1].split("/")[0] for *_, expected, _ in SCENARIOS for text in expected}
    assert statuses == set(REMOTE_STATUSES)


@pytest.mark.parametrize("cause", FAILURE_CAUSES)
def test_every_failure_cause_is_reported_as_given(cause: FailureCause) -> None:
    state, seen = _run(DOOR, [(Submitted(AWAKE), 0), (Sent(), 1), (VehicleResult("Failed", cause), 2)])
    assert seen[-1] == f"Done:Failed:{cause}"
    assert state.failure_cause == cause


def test_states_on_the_way() -> None:
    state = RemoteState.for_action(RemoteAction(action=HornAction(state="Activated")), T0)
    assert (state.remote_type, state.phase, state.status, state.deadline_ms) == ("Horn", "Created", None, None)
    state, _ = advance(state, Submitted(ASLEEP), T0 + 1)
    assert (state.phase, state.status, state.deadline_ms) == (
        "WakingUp",
        "WakingUpVehicle",
        T0 + 1 + WAKE_UP_TIMEOUT_MS,
    )
    state, _ = advance(state, VehicleAwake(), T0 + 2)
    assert (state.phase, state.status, state.deadline_ms) == ("Checking", "CheckingVehicle", T0 + 2 + SEND_TIMEOUT_MS)
    state, _ = advance(state, Sent(), T0 + 3)
    assert (state.phase, state.status, state.deadline_ms) == ("Sent", "SentToVehicle", T0 + 3 + RESPONSE_TIMEOUT_MS)
    state, _ = advance(state, SUCCESS, T0 + 4)
    assert (state.phase, state.status, state.deadline_ms, state.updated_at_ms) == ("Done", "Success", None, T0 + 4)
    assert state.created_at_ms == T0
    assert RemoteState.for_action(NAV_APPROVAL, T0).driver_approval
    assert not RemoteState.for_action(NAV, T0).driver_approval


def test_vehicle_result_from_the_vehicle_side() -> None:
    outcome = Outcome("Failed", VehicleSnapshot(), failure_cause="CidInside")
    assert VehicleResult.of(outcome) == VehicleResult("Failed", "CidInside")
    detail = Outcome("Success", VehicleSnapshot(), feedback_detail="NoCIDBlacklisted")
    assert VehicleResult.of(detail) == VehicleResult("Success", feedback_detail="NoCIDBlacklisted")


@pytest.mark.parametrize(
    ("result", "cause"),
    [("Failed", None), ("Success", "VehicleError"), ("AlreadyDone", "VehicleError")],
)
def test_vehicle_result_needs_a_cause_exactly_when_failed(result: Any, cause: Any) -> None:
    with pytest.raises(ValueError, match="failure cause"):
        VehicleResult(result, cause)


def test_status_report_event_status() -> None:
    assert StatusReport("Pending", "Accepted", T0).event_status() == {"type": "Pending", "status": "Accepted"}
    assert StatusReport("Done", "Failed", T0, "DoorsOpen").event_status() == {
        "type": "Done",
        "status": "Failed",
        "failureCause": "DoorsOpen",
    }
    assert StatusReport("Done", "Success", T0, feedback_detail="CIDBlacklisted").event_status() == {
        "type": "Done",
        "status": "Success",
        "feedbackDetail": "CIDBlacklisted",
    }


def test_state_dict_shape() -> None:
    state, _ = advance(RemoteState.for_action(DOOR, T0), Submitted(ASLEEP), T0)
    assert state.to_dict() == {
        "remoteType": "Doors",
        "createdAt": T0,
        "updatedAt": T0,
        "driverApproval": False,
        "phase": "WakingUp",
        "status": "WakingUpVehicle",
        "failureCause": None,
        "feedbackDetail": None,
        "deadline": T0 + WAKE_UP_TIMEOUT_MS,
        "wokeVehicle": True,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phase": "Sleeping"}, "'Sleeping' is not one of"),
        ({"remoteType": "Teleport"}, "'Teleport' is not one of"),
        ({"status": "Maybe"}, "'Maybe' is not one of"),
        ({"failureCause": "Gremlins"}, "'Gremlins' is not one of"),
        ({"feedbackDetail": "Blacklisted"}, "'Blacklisted' is not one of"),
        ({"createdAt": "0"}, "is not an integer"),
        ({"updatedAt": True}, "is not an integer"),
        ({"deadline": 1.5}, "is not an integer"),
        ({"wokeVehicle": 1}, "is not a boolean"),
        ({"driverApproval": None}, "is not a boolean"),
        ({"phase": None}, "None is not one of"),
    ],
)
def test_state_from_dict_refuses_what_to_dict_never_writes(change: dict[str, Any], message: str) -> None:
    data = RemoteState.for_action(DOOR, T0).to_dict() | change
    with pytest.raises(ValueError, match=message):
        RemoteState.from_dict(data)


def test_state_from_dict_needs_every_key() -> None:
    data = RemoteState.for_action(DOOR, T0).to_dict()
    del data["deadline"]
    with pytest.raises(ValueError, match="not a remote state"):
        RemoteState.from_dict(data)
    with pytest.raises(ValueError, match="not a remote state"):
        RemoteState.from_dict(None)  # type: ignore[arg-type]
