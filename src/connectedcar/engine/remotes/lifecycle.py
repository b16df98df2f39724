"""The lifecycle of one remote action, as the webhook template reports it (RemoteEventStatus).

advance(state, event, now_ms) -> (new state, status reports to deliver), for the events:
Submitted(vehicle availability), VehicleAwake, Sent, VehicleResult(Success / AlreadyDone / Failed and
its cause) and Tick (timeouts). The state is plain data (to_dict / from_dict) so it can be persisted
between events; the shell keeps the clock, the command queue and the outbox.

The paths, following the docs' workflow (availability checks first, then Accepted, then the vehicle):

1. Submitted: refused at once, with a Done Failed report and no Accepted:
   - SameActionInProgress: an action of the same remote type is still under way on the vehicle;
   - when the vehicle sleeps (so it must be woken first): TooManyWakeUpsOverMonth after
     MAX_WAKE_UPS_PER_MONTH wake-ups this calendar month, and, with the 12 V battery under
     MIN_WAKE_UP_VOLTAGE, NotPossibleDueToVehicleBatteryLevel. Each is preceded by the template's
     Pending status of the same name (TooManyWakeUpsOverMonth, VehicleBatteryChargeTooLow).
   Otherwise Pending Accepted, then:
   - vehicle asleep: Pending WakingUpVehicle, wait for VehicleAwake (WAKE_UP_TIMEOUT_MS);
   - vehicle awake: Pending CheckingVehicle, wait for the shell to send it (SEND_TIMEOUT_MS).
2. VehicleAwake: Pending CheckingVehicle as above. A WakeUp action is then Done Success; submitted to
   an awake vehicle, it is Done AlreadyDone at once.
3. Sent: Pending SentToVehicle; wait for the vehicle's answer (RESPONSE_TIMEOUT_MS, or
   DRIVER_APPROVAL_TIMEOUT_MS for a navigation that waits for the driver's approval).
4. VehicleResult: Done with the vehicle's result (vehicle.apply_action gives one), cause and feedback
   detail. Also accepted while CheckingVehicle, for a result the platform decides without sending
   (AlreadyDone from the known vehicle state, or a refusal).
5. Tick: past the current deadline, Done Failed VehicleConnectionTimeout.

Navigation reports no Accepted and no WakingUpVehicle (the docs' navigation sequence starts at the
vehicle); a sleeping vehicle is still woken, silently. Events that do not apply to the current phase
(a duplicate, or a late answer after a timeout) change nothing and report nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

from connectedcar.engine.remotes.model import (
    FAILURE_CAUSES,
    FEEDBACK_DETAILS,
    REMOTE_STATUSES,
    REMOTE_TYPES,
    Action,
    DoneStatus,
    FailureCause,
    FeedbackDetail,
    NavigationAction,
    PendingStatus,
    RemoteAction,
    RemoteEventType,
    RemoteStatus,
    RemoteType,
)
from connectedcar.engine.remotes.vehicle import Outcome

# A sleeping vehicle is woken by SMS and joins the network within a minute or two; three minutes
# leaves room for poor coverage before giving up.
WAKE_UP_TIMEOUT_MS = 180_000
# Awake, the vehicle's connection is open: the command must reach it within a minute.
SEND_TIMEOUT_MS = 60_000
# Doors, horn, lights, charging... answer within seconds; two minutes covers a slow network.
RESPONSE_TIMEOUT_MS = 120_000
# A navigation with driverApproval waits for someone in the car to accept it on the screen.
DRIVER_APPROVAL_TIMEOUT_MS = 600_000
# Each wake-up costs the 12 V battery; the docs name the limit (TooManyWakeUpsOverMonth), not its value.
MAX_WAKE_UPS_PER_MONTH = 20
# A lead-acid battery resting under 12.0 V is about half charged: waking the telematics unit again
# risks a vehicle that does not start.
MIN_WAKE_UP_VOLTAGE = 12.0

Phase = Literal["Created", "WakingUp", "Checking", "Sent", "Done"]
PHASES: tuple[Phase, ...] = ("Created", "WakingUp", "Checking", "Sent", "Done")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StatusReport:
    """One status to report to the callback (a RemoteEvent's eventStatus) and when it happened."""

    type: RemoteEventType
    status: RemoteStatus
    at_ms: int
    failure_cause: FailureCause | None = None
    feedback_detail: FeedbackDetail | None = None

    def event_status(self) -> dict[str, Any]:
        """The webhook template's RemoteEventStatus object."""
        out: dict[str, Any] = {"type": self.type, "status": self.status}
        if self.failure_cause is not None:
            out["failureCause"] = self.failure_cause
        if self.feedback_detail is not None:
            out["feedbackDetail"] = self.feedback_detail
        return out


@dataclass(frozen=True, slots=True)
class VehicleAvailability:
    """What the platform knows of the vehicle when the action is submitted."""

    asleep: bool = False
    battery_voltage: float | None = None  # V, the 12 V battery; None: unknown (not refused)
    wake_ups_this_month: int = 0  # platform wake-ups of this vehicle in the current calendar month
    in_progress: frozenset[RemoteType] = frozenset()  # types of the vehicle's other unfinished actions


@dataclass(frozen=True, slots=True)
class Submitted:
    vehicle: VehicleAvailability


@dataclass(frozen=True, slots=True)
class VehicleAwake:
    pass


@dataclass(frozen=True, slots=True)
class Sent:
    pass


@dataclass(frozen=True, slots=True)
class VehicleResult:
    result: DoneStatus
    failure_cause: FailureCause | None = None
    feedback_detail: FeedbackDetail | None = None

    def __post_init__(self) -> None:
        if (self.result == "Failed") != (self.failure_cause is not None):
            raise ValueError("a failure cause is given with a Failed result, and only then")

    @classmethod
    def of(cls, outcome: Outcome) -> VehicleResult:
        return cls(outcome.result, outcome.failure_cause, outcome.feedback_detail)


@dataclass(frozen=True, slots=True)
class Tick:
    pass


Event = Submitted | VehicleAwake | Sent | VehicleResult | Tick


@dataclass(frozen=True, slots=True)
class RemoteState:
    """One remote action's progress. status is the last status reported (None before submission)."""

    remote_type: RemoteType
    created_at_ms: int
    updated_at_ms: int
    driver_approval: bool = False
    phase: Phase = "Created"
    status: RemoteStatus | None = None
    failure_cause: FailureCause | None = None
    feedback_detail: FeedbackDetail | None = None
    deadline_ms: int | None = None  # when a Tick times the action out; None: nothing awaited
    woke_vehicle: bool = False  # a wake-up was spent on it (for the monthly count)

    @classmethod
    def for_action(cls, remote: RemoteAction | Action, now_ms: int) -> RemoteState:
        action = remote.action if isinstance(remote, RemoteAction) else remote
        approval = isinstance(action, NavigationAction) and action.driver_approval
        return cls(action.remote_type, now_ms, now_ms, driver_approval=approval)

    @property
    def done(self) -> bool:
        return self.phase == "Done"

    def to_dict(self) -> dict[str, Any]:
        return {
            "remoteType": self.remote_type,
            "createdAt": self.created_at_ms,
            "updatedAt": self.updated_at_ms,
            "driverApproval": self.driver_approval,
            "phase": self.phase,
            "status": self.status,
            "failureCause": self.failure_cause,
            "feedbackDetail": self.feedback_detail,
            "deadline": self.deadline_ms,
            "wokeVehicle": self.woke_vehicle,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RemoteState:
        """The state to_dict wrote; raises ValueError on anything else."""
        try:
            return cls(
                remote_type=_member(data["remoteType"], REMOTE_TYPES),
                created_at_ms=_int(data["createdAt"]),
                updated_at_ms=_int(data["updatedAt"]),
                driver_approval=_flag(data["driverApproval"]),
                phase=_member(data["phase"], PHASES),
                status=_maybe(data["status"], REMOTE_STATUSES),
                failure_cause=_maybe(data["failureCause"], FAILURE_CAUSES),
                feedback_detail=_maybe(data["feedbackDetail"], FEEDBACK_DETAILS),
                deadline_ms=None if data["deadline"] is None else _int(data["deadline"]),
                woke_vehicle=_flag(data["wokeVehicle"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a remote state: {exc!r}") from None


def _member(value: Any, choices: tuple[T, ...]) -> T:
    for choice in choices:
        if value == choice:
            return choice
    raise ValueError(f"{value!r} is not one of {choices}")


def _maybe(value: Any, choices: tuple[T, ...]) -> T | None:
    return None if value is None else _member(value, choices)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not an integer")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} is not a boolean")
    return value


def advance(state: RemoteState, event: Event, now_ms: int) -> tuple[RemoteState, list[StatusReport]]:
    """The state after the event, and the status reports it produces, in order."""
    if state.done:
        return state, []
    if isinstance(event, Submitted):
        return _submitted(state, event.vehicle, now_ms) if state.phase == "Created" else (state, [])
    if isinstance(event, VehicleAwake):
        if state.phase != "WakingUp":
            return state, []
        if state.remote_type == "WakeUp":
            return _done(state, [], now_ms, "Success")
        return _checking(state, [], now_ms)
    if isinstance(event, Sent):
        if state.phase != "Checking":
            return state, []
        wait = DRIVER_APPROVAL_TIMEOUT_MS if state.driver_approval else RESPONSE_TIMEOUT_MS
        report = _pending("SentToVehicle", now_ms)
        return _moved(state, "Sent", [report], now_ms, deadline_ms=now_ms + wait), [report]
    if isinstance(event, VehicleResult):
        if state.phase not in ("Checking", "Sent"):
            return state, []
        return _done(state, [], now_ms, event.result, event.failure_cause, event.feedback_detail)
    if state.deadline_ms is not None and now_ms >= state.deadline_ms:
        return _done(state, [], now_ms, "Failed", "VehicleConnectionTimeout")
    return state, []


def _submitted(state: RemoteState, vehicle: VehicleAvailability, now_ms: int) -> tuple[RemoteState, list[StatusReport]]:
    if state.remote_type in vehicle.in_progress:
        return _done(state, [], now_ms, "Failed", "SameActionInProgress")
    if vehicle.asleep:
        if vehicle.wake_ups_this_month >= MAX_WAKE_UPS_PER_MONTH:
            return _done(
                state, [_pending("TooManyWakeUpsOverMonth", now_ms)], now_ms, "Failed", "TooManyWakeUpsOverMonth"
            )
        if vehicle.battery_voltage is not None and vehicle.battery_voltage < MIN_WAKE_UP_VOLTAGE:
            reports = [_pending("VehicleBatteryChargeTooLow", now_ms)]
            return _done(state, reports, now_ms, "Failed", "NotPossibleDueToVehicleBatteryLevel")
    quiet = state.remote_type == "Navigation"
    reports = [] if quiet else [_pending("Accepted", now_ms)]
    if vehicle.asleep:
        if not quiet:
            reports.append(_pending("WakingUpVehicle", now_ms))
        woken = replace(state, woke_vehicle=True)
        return _moved(woken, "WakingUp", reports, now_ms, deadline_ms=now_ms + WAKE_UP_TIMEOUT_MS), reports
    if state.remote_type == "WakeUp":
        return _done(state, reports, now_ms, "AlreadyDone")
    return _checking(state, reports, now_ms)


def _checking(state: RemoteState, reports: list[StatusReport], now_ms: int) -> tuple[RemoteState, list[StatusReport]]:
    reports = [*reports, _pending("CheckingVehicle", now_ms)]
    return _moved(state, "Checking", reports, now_ms, deadline_ms=now_ms + SEND_TIMEOUT_MS), reports


def _pending(status: PendingStatus, now_ms: int) -> StatusReport:
    return StatusReport("Pending", status, now_ms)


def _moved(
    state: RemoteState, phase: Phase, reports: list[StatusReport], now_ms: int, *, deadline_ms: int | None
) -> RemoteState:
    last = reports[-1] if reports else None
    return replace(
        state,
        phase=phase,
        updated_at_ms=now_ms,
        deadline_ms=deadline_ms,
        status=last.status if last is not None else state.status,
    )


def _done(
    state: RemoteState,
    reports: list[StatusReport],
    now_ms: int,
    result: DoneStatus,
    cause: FailureCause | None = None,
    detail: FeedbackDetail | None = None,
) -> tuple[RemoteState, list[StatusReport]]:
    final = StatusReport("Done", result, now_ms, cause, detail)
    reports = [*reports, final]
    done = replace(
        _moved(state, "Done", reports, now_ms, deadline_ms=None), failure_cause=cause, feedback_detail=detail
    )
    return done, reports
