"""What a remote action does to a vehicle: Success and the new snapshot, AlreadyDone, or Failed and why.

Used by the simulator (which plays the vehicle) and by the platform (to answer AlreadyDone without
disturbing a vehicle whose known state already is what was asked). The vehicle is awake here: waking it
is the lifecycle's business. Rules, checked in this order for each action:

- Doors: refused while moving (VehicleInUse). Unlock: refused while declared stolen
  (NotPossibleDueToVehicleStolenState). Lock: refused with a door open (DoorsOpen); with the key (CID)
  inside, refused (CidInside) unless `forced`, which locks and blacklists the key (feedbackDetail
  CIDBlacklisted; a forced lock without the key inside reports NoCIDBlacklisted).
- Horn: refused while moving; the horn sounds for a few seconds, so Unactivated is always AlreadyDone.
- Lights: switching on is refused while moving.
- Immobilization (also stolen.immobilization): takes effect when the engine next stops, so it is
  accepted while moving; releasing it is refused while the vehicle is declared stolen.
- Stolen: declaring or lifting, and the tracking periods, are settings: Success or AlreadyDone.
- Charging (needs a traction battery, else WrongCommand): starting is refused while moving, without a
  plug (ExternalChargingSystemError: there is no charging system to talk to), and AlreadyDone when
  charging or full (100 %). Stop also cancels a delayed charge. Delayed charge, programs and
  preferences are settings (allowed unplugged).
- Preconditioning (needs a traction battery, else WrongCommand): starting now is refused while moving,
  and when unplugged with the traction battery under MIN_PRECONDITIONING_BATTERY_PERCENT (20 %:
  heating or cooling the cabin would take range the driver needs; plugged in, the grid pays).
  Programs are merged by slot (Set replaces, Delete removes).
- State (refresh): refused with full privacy (NotPossibleDueToVehiclePrivacyLevel), otherwise Success
  without change (fresh data is the result).
- WakeUp: Success (the vehicle is awake).
- Navigation: the route replaces the current one; the same route again is AlreadyDone.

Any action whose result would leave the snapshot as it was is AlreadyDone, except State and WakeUp,
whose result is the refresh itself, and Horn Activated (a sound, not a state).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from connectedcar.engine.remotes.model import (
    Action,
    ChargingAction,
    ChargingLevel,
    ChargingProgram,
    ChargingType,
    Coordinates,
    DoneStatus,
    DoorsAction,
    FailureCause,
    FeedbackDetail,
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

MIN_PRECONDITIONING_BATTERY_PERCENT = 20.0
FULL_BATTERY_PERCENT = 100.0


@dataclass(frozen=True, slots=True)
class VehicleSnapshot:
    """What a remote action can see and change of a vehicle."""

    moving: bool = False
    battery_level: float | None = None  # % of the traction battery; None: no traction battery
    plugged: bool = False
    charging: bool = False
    next_delayed_charge_ms: int | None = None
    charging_programs: tuple[ChargingProgram, ...] = ()  # by slot
    charging_level: ChargingLevel | None = None
    charging_type: ChargingType | None = None
    doors_open: bool = False
    doors_locked: bool = False
    key_inside: bool = False
    preconditioning: bool = False  # air conditioning running
    preconditioning_programs: tuple[PreconditioningProgram, ...] = ()  # by slot, Set programs only
    immobilized: bool = False
    stolen: bool = False
    tracking_running_s: int | None = None
    tracking_shutdown_s: int | None = None
    lights_on: bool = False
    navigation: tuple[Coordinates, ...] = ()  # the route sent last, destination last
    full_privacy: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """The vehicle's answer: snapshot is the new state on Success, the unchanged one otherwise."""

    result: DoneStatus
    snapshot: VehicleSnapshot
    failure_cause: FailureCause | None = None
    feedback_detail: FeedbackDetail | None = None


def _success(snapshot: VehicleSnapshot, detail: FeedbackDetail | None = None) -> Outcome:
    return Outcome("Success", snapshot, feedback_detail=detail)


def _changed(before: VehicleSnapshot, after: VehicleSnapshot) -> Outcome:
    return _success(after) if after != before else Outcome("AlreadyDone", before)


def _failed(snapshot: VehicleSnapshot, cause: FailureCause) -> Outcome:
    return Outcome("Failed", snapshot, failure_cause=cause)


def apply_action(snapshot: VehicleSnapshot, action: Action | RemoteAction) -> Outcome:
    """What the action does to a vehicle in this state (awake)."""
    if isinstance(action, RemoteAction):
        action = action.action
    s = snapshot
    if isinstance(action, DoorsAction):
        return _doors(s, action)
    if isinstance(action, HornAction):
        if action.state == "Unactivated":
            return Outcome("AlreadyDone", s)
        return _failed(s, "VehicleInUse") if s.moving else _success(s)
    if isinstance(action, LightsAction):
        if action.on and s.moving:
            return _failed(s, "VehicleInUse")
        return _changed(s, replace(s, lights_on=action.on))
    if isinstance(action, ImmobilizationAction):
        return _immobilize(s, action.activate)
    if isinstance(action, StolenAction):
        return _stolen(s, action)
    if isinstance(action, ChargingAction):
        return _charging(s, action)
    if isinstance(action, PreconditioningAction):
        return _preconditioning(s, action)
    if isinstance(action, StateAction):
        return _failed(s, "NotPossibleDueToVehiclePrivacyLevel") if s.full_privacy else _success(s)
    if isinstance(action, WakeUpAction):
        return _success(s)
    if isinstance(action, NavigationAction):
        return _changed(s, replace(s, navigation=action.positions))
    raise TypeError(f"not a remote action: {action!r}")


def _doors(s: VehicleSnapshot, action: DoorsAction) -> Outcome:
    if s.moving:
        return _failed(s, "VehicleInUse")
    if action.state == "Unlocked":
        if s.stolen:
            return _failed(s, "NotPossibleDueToVehicleStolenState")
        return _changed(s, replace(s, doors_locked=False))
    if s.doors_open:
        return _failed(s, "DoorsOpen")
    if s.doors_locked:
        return Outcome("AlreadyDone", s)
    if s.key_inside and not action.forced:
        return _failed(s, "CidInside")
    detail: FeedbackDetail | None = None
    if action.forced:
        detail = "CIDBlacklisted" if s.key_inside else "NoCIDBlacklisted"
    return _success(replace(s, doors_locked=True), detail)


def _immobilize(s: VehicleSnapshot, activate: bool) -> Outcome:
    if activate == s.immobilized:
        return Outcome("AlreadyDone", s)
    if not activate and s.stolen:
        return _failed(s, "NotPossibleDueToVehicleStolenState")
    return _success(replace(s, immobilized=activate))


def _stolen(s: VehicleSnapshot, action: StolenAction) -> Outcome:
    if action.stolen is not None:
        return _changed(s, replace(s, stolen=action.stolen))
    if action.immobilization is not None:
        return _immobilize(s, action.immobilization)
    running = action.tracking_running_s if action.tracking_running_s is not None else s.tracking_running_s
    shutdown = action.tracking_shutdown_s if action.tracking_shutdown_s is not None else s.tracking_shutdown_s
    return _changed(s, replace(s, tracking_running_s=running, tracking_shutdown_s=shutdown))


def _charging(s: VehicleSnapshot, action: ChargingAction) -> Outcome:
    if s.battery_level is None:
        return _failed(s, "WrongCommand")
    if action.mode == "Start":
        if s.moving:
            return _failed(s, "VehicleInUse")
        if not s.plugged:
            return _failed(s, "ExternalChargingSystemError")
        if s.charging or s.battery_level >= FULL_BATTERY_PERCENT:
            return Outcome("AlreadyDone", s)
        return _success(replace(s, charging=True, next_delayed_charge_ms=None))
    if action.mode == "Stop":
        return _changed(s, replace(s, charging=False, next_delayed_charge_ms=None))
    if action.mode == "Delayed":
        return _changed(s, replace(s, charging=False, next_delayed_charge_ms=action.next_delayed_time_ms))
    if action.mode == "Programs":
        slots = {p.slot: p for p in s.charging_programs}
        slots.update((p.slot, p) for p in action.programs)
        return _changed(s, replace(s, charging_programs=tuple(slots[k] for k in sorted(slots))))
    level = action.level if action.level is not None else s.charging_level
    charge_type = action.charge_type if action.charge_type is not None else s.charging_type
    return _changed(s, replace(s, charging_level=level, charging_type=charge_type))


def _preconditioning(s: VehicleSnapshot, action: PreconditioningAction) -> Outcome:
    if s.battery_level is None:
        return _failed(s, "WrongCommand")
    running = s.preconditioning
    if action.immediate is True:
        if s.moving:
            return _failed(s, "VehicleInUse")
        if not running and not s.plugged and s.battery_level < MIN_PRECONDITIONING_BATTERY_PERCENT:
            return _failed(s, "NotPossibleDueToVehicleBatteryLevel")
        running = True
    elif action.immediate is False:
        running = False
    slots = {p.slot: p for p in s.preconditioning_programs}
    for program in action.programs:
        if program.action == "Delete":
            slots.pop(program.slot, None)
        else:
            slots[program.slot] = program
    programs = tuple(slots[k] for k in sorted(slots))
    return _changed(s, replace(s, preconditioning=running, preconditioning_programs=programs))
