"""The bodies of POST/PUT /fleets/{fid}/remote/callbacks and POST .../vehicles/{vid}/callbacks/{cbid}/remotes.

Both parsers take a parsed JSON object or the raw body (bytes or str); a raw body is checked for
duplicate keys in any object, which a parsed dict cannot show. Errors are RemoteError(field, reason)
naming the JSON path of the offending field (`navigation.positions[10]`, `callback.webhook.target`).
Unknown fields are refused, so a misspelt action or option is a 400 rather than a silent no-op.

Remote callbacks (parse_remote_callback):
- retryPolicy and batchNotify are the monitors' (delivery.policy): None, Bounded or Always, seed 004's
  `maxRetryNumber` read as retryNumber.
- callback: the spec's {"webhook": {target, name, attributes}} or seed 001's webhook object itself.
  Seed 004's example misspells `attributes` as `attributres`: that key is read as `attributes` (errors
  then name `attributres`); giving both is refused.
- Attribute placeholders: the spec's RemoteAttribute variables `$vin`, `$fleetID`, `$callbackID`,
  `$remoteType`, plus `$vid` as for monitors; `${name}` inside a value, `$$` for a literal dollar sign.
  The monitor-only `$monitorID` and `$monitorLabel` are refused.
- notificationTypes (seed 004) or remoteTypes (spec): one or more remote types, none twice. Both
  spellings may be given if they list the same types (a GET body sent back with PUT carries both).
- extendedEventParam (shown in seed 004's overview): the monitor extensions, kept as given.
- Read-only fields of a GET answer (`_links`, `id`, `callbackId`, `status`) are ignored.

Remote actions (parse_remote_action): exactly one action per body, under the spec's keys. Also read:
seed 004's `ligths` (lights), `preonditionning` and `preconditionning` (preconditioning), and its
`state: {"action": "state"}` refresh (remote type VehicleState), which the spec does not list.
- preconditioning.airConditioning: immediate (true: start now, false alone: stop) and/or at most 4
  programs. A program's slot is 1 to 4 (spec) and used once per request; seed 004's example gives
  `slot: 0`, read as "the lowest slot no other program of the request names". A Set program needs
  start (time of day under 24 h, PT14H30M), enabled, and occurence.day (or occurrence) when recurrence
  is Daily (the default); a Delete (actionsType) needs only its slot.
- charging: immediate true (start), immediate false alone (stop), nextDelayedTime (seed) or
  schedule.nextDelayedTime (spec) as an RFC 3339 date-time with an offset, schedule.programs (slots
  1 to 4), or preferences (level, type) alone, as the spec says.
- stolen: exactly one of stolen, trackingPeriod (running 5 to 3,600 s, shutdown 60 to 86,400 s) and
  immobilization.
- navigation: 1 to 10 GeoJSON Points [lon, lat(, alt)], the last one the destination; driverApproval.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

from connectedcar.delivery.policy import BatchPolicy, RetryPolicy
from connectedcar.delivery.webhook import Attribute, DeliveryConfigError, Placeholder, WebhookTarget, parse_webhook
from connectedcar.engine.monitors.timewindows import DAY_MS, parse_datetime_ms, parse_duration_ms
from connectedcar.engine.remotes.model import (
    CHARGING_LEVELS,
    CHARGING_TYPES,
    DAYS,
    DOOR_STATES,
    EVENT_EXTENSIONS,
    HORN_STATES,
    PROGRAM_ACTIONS,
    PROGRAM_SLOTS,
    RECURRENCES,
    REMOTE_TYPES,
    Action,
    ChargingAction,
    ChargingProgram,
    Day,
    DoorsAction,
    HornAction,
    ImmobilizationAction,
    LightsAction,
    NavigationAction,
    PreconditioningAction,
    PreconditioningProgram,
    RemoteAction,
    RemoteCallback,
    RemoteType,
    StateAction,
    StolenAction,
    WakeUpAction,
)
from connectedcar.engine.strict_json import DuplicateKey, loads_strict

MAX_PROGRAMS = len(PROGRAM_SLOTS)
MIN_POSITIONS = 1
MAX_POSITIONS = 10
MIN_TRACKING_RUNNING_S = 5
MAX_TRACKING_RUNNING_S = 3600
MIN_TRACKING_SHUTDOWN_S = 60
MAX_TRACKING_SHUTDOWN_S = 86_400

# Every key an action may be sent under, as written -> the canonical key.
ACTION_KEYS: Mapping[str, str] = {
    "preconditioning": "preconditioning",
    "preconditionning": "preconditioning",
    "preonditionning": "preconditioning",
    "immobilization": "immobilization",
    "door": "door",
    "horn": "horn",
    "charging": "charging",
    "stolen": "stolen",
    "lights": "lights",
    "ligths": "lights",
    "state": "state",
    "wakeUp": "wakeUp",
    "navigation": "navigation",
}
CANONICAL_ACTION_KEYS = tuple(dict.fromkeys(ACTION_KEYS.values()))
CALLBACK_KEYS = ("label", "retryPolicy", "batchNotify", "callback", "notificationTypes", "remoteTypes")
CALLBACK_KEYS_EXTRA = ("extendedEventParam",)
READ_ONLY_KEYS = ("_links", "id", "callbackId", "status")
# The spec's RemoteAttribute variables, plus vid; keyed by lower case, valued by canonical spelling.
REMOTE_PLACEHOLDERS: Mapping[str, str] = {
    "vin": "vin",
    "vid": "vid",
    "fleetid": "fleetID",
    "callbackid": "callbackID",
    "remotetype": "remoteType",
}
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_WHOLE = re.compile(r"\$([A-Za-z][A-Za-z0-9_]*)")

T = TypeVar("T")


class RemoteError(ValueError):
    """A remote callback or remote action body the platform refuses: the JSON path of the field, and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _fail(path: str, reason: str) -> NoReturn:
    raise RemoteError(path, reason)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# -- raw JSON -----------------------------------------------------------------------------------------


def _body(body: Mapping[str, Any] | bytes | bytearray | str) -> Mapping[str, Any]:
    if isinstance(body, bytes | bytearray | str):
        try:
            body = loads_strict(body)
        except DuplicateKey as exc:
            _fail(exc.path, f"duplicate key {exc.key!r} in one object")
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
            _fail("body", f"is not valid JSON: {exc}")
    return _object(body, "body")


# -- value checks -------------------------------------------------------------------------------------


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        _fail(path, "must be an object")
    return value


def _array(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        _fail(path, "must be an array")
    return value


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        _fail(path, "must be a string")
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        _fail(path, f"must be true or false, not {json.dumps(value)}")
    return value


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(path, "must be a number")
    if not math.isfinite(value):
        _fail(path, "must be a finite number")
    return float(value)


def _integer(value: Any, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value != int(value):
        _fail(path, f"must be an integer, not {json.dumps(value)}")
    if not low <= value <= high:
        _fail(path, f"must be between {low} and {high}, not {int(value)}")
    return int(value)


def _enum(value: Any, path: str, choices: tuple[T, ...]) -> T:
    if not isinstance(value, str) or value not in choices:
        _fail(path, f"{json.dumps(value)} is not one of {', '.join(str(c) for c in choices)}")
    return value


def _enum_or(obj: Mapping[str, Any], path: str, key: str, choices: tuple[T, ...], default: T) -> T:
    """The enum value under key, default when absent or null."""
    return default if obj.get(key) is None else _enum(obj[key], _join(path, key), choices)


def _keys(obj: Mapping[str, Any], path: str, allowed: tuple[str, ...], ignored: tuple[str, ...] = ()) -> None:
    for key in obj:
        if key not in allowed and key not in ignored:
            _fail(_join(path, key), f"unknown field; expected {', '.join(allowed)}")


def _required(obj: Mapping[str, Any], path: str, key: str, hint: str = "") -> Any:
    if obj.get(key) is None:
        _fail(_join(path, key), "is required" + (f": {hint}" if hint else ""))
    return obj[key]


def _either(obj: Mapping[str, Any], path: str, *keys: str) -> tuple[Any, str]:
    """The value under one of several accepted spellings of a key (None if none), and its path."""
    present = [k for k in keys if obj.get(k) is not None]
    if len(present) > 1:
        _fail(_join(path, present[1]), f"give only one of {', '.join(present)}")
    key = present[0] if present else keys[0]
    return obj.get(key), _join(path, key)


def _time_of_day(value: Any, path: str) -> int:
    try:
        ms = parse_duration_ms(_string(value, path))
    except ValueError as exc:
        _fail(path, str(exc))
    if ms >= DAY_MS:
        _fail(path, "must be a time of day under 24 hours, such as PT14H30M")
    return ms


def _datetime(value: Any, path: str) -> int:
    try:
        return parse_datetime_ms(_string(value, path))
    except ValueError as exc:
        _fail(path, str(exc))


def _days(value: Any, path: str) -> tuple[Day, ...]:
    """occurence: {"day": [...]} as the spec writes it, or the bare array of days."""
    if isinstance(value, Mapping):
        _keys(value, path, ("day",))
        value = _required(value, path, "day", '["Mon", ...]')
        path = f"{path}.day"
    items = _array(value, path)
    if not 1 <= len(items) <= len(DAYS):
        _fail(path, "must list 1 to 7 days")
    found: set[Day] = set()
    for i, item in enumerate(items):
        found.add(_enum(item, f"{path}[{i}]", DAYS))
    return tuple(d for d in DAYS if d in found)


# -- remote actions -----------------------------------------------------------------------------------


def parse_remote_action(body: Mapping[str, Any] | bytes | bytearray | str) -> RemoteAction:
    """Validate a remote action body: one action, an optional label; raises RemoteError."""
    obj = _body(body)
    label: str | None = None
    found: str | None = None
    for key in obj:
        if key == "label":
            label = None if obj[key] is None else _string(obj[key], "label")
        elif key in ACTION_KEYS:
            if found is not None:
                _fail(key, f"one remote action per request, and {found} is already given: send {key} in another")
            found = key
        else:
            _fail(key, f"unknown field; a remote action is one of {', '.join(CANONICAL_ACTION_KEYS)}")
    if found is None:
        _fail("body", f"must hold one remote action: one of {', '.join(CANONICAL_ACTION_KEYS)}")
    action = _ACTION_PARSERS[ACTION_KEYS[found]](obj[found], found)
    return RemoteAction(action=action, label=label, key=found)


def _preconditioning(value: Any, path: str) -> PreconditioningAction:
    obj = _object(value, path)
    _keys(obj, path, ("airConditioning",))
    air_path = f"{path}.airConditioning"
    air = _object(_required(obj, path, "airConditioning"), air_path)
    _keys(air, air_path, ("immediate", "programs"))
    immediate = None if air.get("immediate") is None else _bool(air["immediate"], f"{air_path}.immediate")
    programs: tuple[PreconditioningProgram, ...] = ()
    if air.get("programs") is not None:
        programs = _preconditioning_programs(air["programs"], f"{air_path}.programs")
    if immediate is None and not programs:
        _fail(air_path, "give immediate, programs or both")
    return PreconditioningAction(immediate=immediate, programs=programs)


def _preconditioning_programs(value: Any, path: str) -> tuple[PreconditioningProgram, ...]:
    items = _array(value, path)
    if len(items) > MAX_PROGRAMS:
        _fail(f"{path}[{MAX_PROGRAMS}]", f"at most {MAX_PROGRAMS} programs: a vehicle has slots 1 to {MAX_PROGRAMS}")
    programs = [_preconditioning_program(item, f"{path}[{i}]") for i, item in enumerate(items)]
    _check_slots([p.slot for p in programs], path)
    free = iter(s for s in PROGRAM_SLOTS if s not in {p.slot for p in programs})
    return tuple(
        p if p.slot else PreconditioningProgram(next(free), p.action, p.recurrence, p.start_ms, p.days, p.enabled)
        for p in programs
    )


def _check_slots(slots: list[int], path: str) -> None:
    seen: set[int] = set()
    for i, slot in enumerate(slots):
        if slot and slot in seen:
            _fail(f"{path}[{i}].slot", f"slot {slot} is used twice in this request")
        seen.add(slot)


def _slot(obj: Mapping[str, Any], path: str, *, auto: bool) -> int:
    value = _required(obj, path, "slot", "the program number, 1 to 4")
    return _integer(value, f"{path}.slot", 0 if auto else 1, MAX_PROGRAMS)


def _preconditioning_program(value: Any, path: str) -> PreconditioningProgram:
    obj = _object(value, path)
    _keys(obj, path, ("recurrence", "start", "occurence", "occurrence", "slot", "enabled", "actionsType"))
    action = _enum_or(obj, path, "actionsType", PROGRAM_ACTIONS, "Set")
    if action == "Delete":
        return PreconditioningProgram(slot=_slot(obj, path, auto=False), action="Delete")
    slot = _slot(obj, path, auto=True)
    recurrence = _enum_or(obj, path, "recurrence", RECURRENCES, "Daily")
    start = _time_of_day(_required(obj, path, "start", "a time of day such as PT14H30M"), f"{path}.start")
    enabled = _bool(_required(obj, path, "enabled", "true or false"), f"{path}.enabled")
    occurrence, occurrence_path = _either(obj, path, "occurence", "occurrence")
    if occurrence is None and recurrence == "Daily":
        _fail(occurrence_path, 'is required when recurrence is Daily: {"day": ["Mon", ...]}')
    days = () if occurrence is None else _days(occurrence, occurrence_path)
    return PreconditioningProgram(slot, "Set", recurrence, start, days, enabled)


def _charging(value: Any, path: str) -> ChargingAction:
    obj = _object(value, path)
    _keys(obj, path, ("immediate", "nextDelayedTime", "schedule", "preferences"))
    immediate = None if obj.get("immediate") is None else _bool(obj["immediate"], f"{path}.immediate")
    delayed: int | None = None
    delayed_path = f"{path}.nextDelayedTime"
    if obj.get("nextDelayedTime") is not None:
        delayed = _datetime(obj["nextDelayedTime"], delayed_path)
    programs: tuple[ChargingProgram, ...] = ()
    programs_path = f"{path}.schedule.programs"
    if obj.get("schedule") is not None:
        schedule_path = f"{path}.schedule"
        schedule = _object(obj["schedule"], schedule_path)
        _keys(schedule, schedule_path, ("nextDelayedTime", "programs"))
        given = [k for k in ("nextDelayedTime", "programs") if schedule.get(k) is not None]
        if len(given) != 1:
            _fail(schedule_path, "give one of nextDelayedTime and programs")
        if given[0] == "nextDelayedTime":
            if delayed is not None:
                _fail(f"{schedule_path}.nextDelayedTime", f"{delayed_path} is already given")
            delayed_path = f"{schedule_path}.nextDelayedTime"
            delayed = _datetime(schedule["nextDelayedTime"], delayed_path)
        else:
            programs = _charging_programs(schedule["programs"], programs_path)
    if obj.get("preferences") is not None:
        preferences_path = f"{path}.preferences"
        if immediate is not None or delayed is not None or obj.get("schedule") is not None:
            _fail(preferences_path, "cannot be used with immediate, nextDelayedTime or schedule: send it alone")
        return _preferences(obj["preferences"], preferences_path)
    if immediate is True:
        if delayed is not None:
            _fail(delayed_path, "cannot be used with immediate true (charge now): choose one")
        if programs:
            _fail(programs_path, "cannot be used with immediate true (charge now): choose one")
        return ChargingAction(mode="Start")
    if delayed is not None:
        return ChargingAction(mode="Delayed", next_delayed_time_ms=delayed)
    if programs:
        return ChargingAction(mode="Programs", programs=programs)
    if immediate is False:
        return ChargingAction(mode="Stop")
    _fail(path, "give immediate, nextDelayedTime, schedule or preferences")


def _charging_programs(value: Any, path: str) -> tuple[ChargingProgram, ...]:
    items = _array(value, path)
    if not items:
        _fail(path, f"must hold 1 to {MAX_PROGRAMS} programs")
    if len(items) > MAX_PROGRAMS:
        _fail(f"{path}[{MAX_PROGRAMS}]", f"at most {MAX_PROGRAMS} programs: a vehicle has slots 1 to {MAX_PROGRAMS}")
    programs: list[ChargingProgram] = []
    for i, item in enumerate(items):
        item_path = f"{path}[{i}]"
        obj = _object(item, item_path)
        _keys(obj, item_path, ("start", "end", "occurence", "occurrence", "slot", "enabled"))
        slot = _slot(obj, item_path, auto=False)
        start = _time_of_day(_required(obj, item_path, "start", "a time of day such as PT1H"), f"{item_path}.start")
        end = None if obj.get("end") is None else _time_of_day(obj["end"], f"{item_path}.end")
        occurrence, occurrence_path = _either(obj, item_path, "occurence", "occurrence")
        days = () if occurrence is None else _days(occurrence, occurrence_path)
        enabled = True if obj.get("enabled") is None else _bool(obj["enabled"], f"{item_path}.enabled")
        programs.append(ChargingProgram(slot, start, end, days, enabled))
    _check_slots([p.slot for p in programs], path)
    return tuple(programs)


def _preferences(value: Any, path: str) -> ChargingAction:
    obj = _object(value, path)
    _keys(obj, path, ("level", "type"))
    level = None
    if obj.get("level") is not None:
        level = _enum(obj["level"], f"{path}.level", CHARGING_LEVELS)
    charge_type = None if obj.get("type") is None else _enum(obj["type"], f"{path}.type", CHARGING_TYPES)
    if level is None and charge_type is None:
        _fail(path, "give level, type or both")
    return ChargingAction(mode="Preferences", level=level, charge_type=charge_type)


def _immobilization(value: Any, path: str) -> ImmobilizationAction:
    obj = _object(value, path)
    _keys(obj, path, ("activate",))
    return ImmobilizationAction(activate=_bool(_required(obj, path, "activate", "true or false"), f"{path}.activate"))


def _door(value: Any, path: str) -> DoorsAction:
    obj = _object(value, path)
    _keys(obj, path, ("state", "forced"))
    state = _enum(_required(obj, path, "state", "Locked or Unlocked"), f"{path}.state", DOOR_STATES)
    forced = False if obj.get("forced") is None else _bool(obj["forced"], f"{path}.forced")
    return DoorsAction(state=state, forced=forced)


def _horn(value: Any, path: str) -> HornAction:
    obj = _object(value, path)
    _keys(obj, path, ("state",))
    state = _required(obj, path, "state", "Activated or Unactivated")
    return HornAction(state=_enum(state, f"{path}.state", HORN_STATES))


def _stolen(value: Any, path: str) -> StolenAction:
    obj = _object(value, path)
    _keys(obj, path, ("stolen", "trackingPeriod", "immobilization"))
    given = [k for k in ("stolen", "trackingPeriod", "immobilization") if obj.get(k) is not None]
    if len(given) != 1:
        where = f"{path}.{given[1]}" if len(given) > 1 else path
        _fail(where, "give exactly one of stolen, trackingPeriod and immobilization")
    key = given[0]
    if key == "stolen":
        return StolenAction(stolen=_bool(obj[key], f"{path}.stolen"))
    if key == "immobilization":
        return StolenAction(immobilization=_immobilization(obj[key], f"{path}.immobilization").activate)
    period_path = f"{path}.trackingPeriod"
    period = _object(obj[key], period_path)
    _keys(period, period_path, ("running", "shutdown"))
    running = shutdown = None
    if period.get("running") is not None:
        running = _integer(period["running"], f"{period_path}.running", MIN_TRACKING_RUNNING_S, MAX_TRACKING_RUNNING_S)
    if period.get("shutdown") is not None:
        shutdown = _integer(
            period["shutdown"], f"{period_path}.shutdown", MIN_TRACKING_SHUTDOWN_S, MAX_TRACKING_SHUTDOWN_S
        )
    if running is None and shutdown is None:
        _fail(period_path, "give running, shutdown or both (seconds between reports)")
    return StolenAction(tracking_running_s=running, tracking_shutdown_s=shutdown)


def _lights(value: Any, path: str) -> LightsAction:
    obj = _object(value, path)
    _keys(obj, path, ("on",))
    return LightsAction(on=_bool(_required(obj, path, "on", "true or false"), f"{path}.on"))


def _state(value: Any, path: str) -> StateAction:
    obj = _object(value, path)
    _keys(obj, path, ("action",))
    if obj.get("action") is not None:
        _enum(obj["action"], f"{path}.action", ("state",))
    return StateAction()


def _wake_up(value: Any, path: str) -> WakeUpAction:
    obj = _object(value, path)
    _keys(obj, path, ("action",))
    if obj.get("action") is not None:
        _enum(obj["action"], f"{path}.action", ("WakeUp",))
    return WakeUpAction()


def _navigation(value: Any, path: str) -> NavigationAction:
    obj = _object(value, path)
    _keys(obj, path, ("driverApproval", "positions"))
    approval = False if obj.get("driverApproval") is None else _bool(obj["driverApproval"], f"{path}.driverApproval")
    positions_path = f"{path}.positions"
    items = _array(_required(obj, path, "positions", "1 to 10 GeoJSON points"), positions_path)
    if len(items) > MAX_POSITIONS:
        _fail(f"{positions_path}[{MAX_POSITIONS}]", f"at most {MAX_POSITIONS} positions: waypoints and the destination")
    if len(items) < MIN_POSITIONS:
        _fail(positions_path, "must hold 1 to 10 positions, the last one the destination")
    return NavigationAction(
        positions=tuple(_point(item, f"{positions_path}[{i}]") for i, item in enumerate(items)),
        driver_approval=approval,
    )


def _point(value: Any, path: str) -> tuple[float, ...]:
    obj = _object(value, path)
    _keys(obj, path, ("type", "coordinates"))
    _enum(_required(obj, path, "type", '"Point"'), f"{path}.type", ("Point",))
    coordinates_path = f"{path}.coordinates"
    items = _array(_required(obj, path, "coordinates", "[longitude, latitude]"), coordinates_path)
    if len(items) not in (2, 3):
        _fail(coordinates_path, "must be [longitude, latitude] or [longitude, latitude, altitude]")
    numbers = tuple(_number(item, f"{coordinates_path}[{i}]") for i, item in enumerate(items))
    if not -180.0 <= numbers[0] <= 180.0:
        _fail(f"{coordinates_path}[0]", "the longitude must be between -180 and 180")
    if not -90.0 <= numbers[1] <= 90.0:
        _fail(f"{coordinates_path}[1]", "the latitude must be between -90 and 90")
    return numbers


_ACTION_PARSERS: Mapping[str, Callable[[Any, str], Action]] = {
    "preconditioning": _preconditioning,
    "immobilization": _immobilization,
    "door": _door,
    "horn": _horn,
    "charging": _charging,
    "stolen": _stolen,
    "lights": _lights,
    "state": _state,
    "wakeUp": _wake_up,
    "navigation": _navigation,
}


def notification_type(remote: RemoteAction | Action) -> RemoteType:
    """The notificationType (remote type) a callback must serve for this action to be sent through it."""
    return remote.type if isinstance(remote, RemoteAction) else remote.remote_type


def check_callback_serves(callback: RemoteCallback, remote: RemoteAction) -> None:
    """Refuse (RemoteError naming the action's field) an action whose type the callback does not serve."""
    kind = remote.type
    if not callback.serves(kind):
        served = ", ".join(callback.notification_types)
        _fail(remote.key, f"is a {kind} action, and this callback serves {served}: use a callback subscribed to {kind}")


# -- remote callbacks ---------------------------------------------------------------------------------


@contextmanager
def _as_remote_error(rename: tuple[str, str] | None = None) -> Iterator[None]:
    """Delivery's DeliveryConfigError as a RemoteError; rename replaces a path prefix (attributres)."""
    try:
        yield
    except DeliveryConfigError as exc:
        field = exc.field
        if rename is not None and field.startswith(rename[0]):
            field = rename[1] + field[len(rename[0]) :]
        raise RemoteError(field, exc.reason) from exc


def parse_remote_callback(body: Mapping[str, Any] | bytes | bytearray | str) -> RemoteCallback:
    """Validate a remote callback body; raises RemoteError.

    Seed 004 writes `callback.webhook.attributres` (sic): it is read as `attributes`. The target's
    addresses are not checked here (delivery.webhook.check_target does, with DNS, at the API).
    """
    obj = _body(body)
    _keys(obj, "", CALLBACK_KEYS + CALLBACK_KEYS_EXTRA, READ_ONLY_KEYS)
    label = None if obj.get("label") is None else _string(obj["label"], "label")
    with _as_remote_error():
        retry = RetryPolicy.parse(obj.get("retryPolicy"), "retryPolicy")
        batch = BatchPolicy.parse(obj.get("batchNotify"), "batchNotify")
    webhook = _webhook(_required(obj, "", "callback", '{"webhook": {"target": ..., "name": ...}}'), "callback")
    types = _notification_types(obj)
    extensions: tuple[str, ...] = ()
    if obj.get("extendedEventParam") is not None:
        extensions = _extensions(obj["extendedEventParam"], "extendedEventParam")
    return RemoteCallback(
        notification_types=types,
        webhook=webhook,
        retry=retry,
        batch=batch,
        label=label,
        extended_event_param=extensions,
    )


def _notification_types(obj: Mapping[str, Any]) -> tuple[RemoteType, ...]:
    given = [k for k in ("notificationTypes", "remoteTypes") if obj.get(k) is not None]
    if not given:
        _fail("notificationTypes", "is required: the remote types this callback serves, such as Doors")
    lists = [_remote_types(obj[k], k) for k in given]
    if len(lists) == 2 and set(lists[0]) != set(lists[1]):
        _fail("remoteTypes", "differs from notificationTypes: give one of them")
    return lists[0]


def _remote_types(value: Any, path: str) -> tuple[RemoteType, ...]:
    items = _array(value, path)
    if not items:
        _fail(path, "must list at least one remote type")
    out: list[RemoteType] = []
    for i, item in enumerate(items):
        kind = _enum(item, f"{path}[{i}]", REMOTE_TYPES)
        if kind in out:
            _fail(f"{path}[{i}]", f"{kind} is listed twice")
        out.append(kind)
    return tuple(out)


def _extensions(value: Any, path: str) -> tuple[str, ...]:
    out: list[str] = []
    for i, item in enumerate(_array(value, path)):
        text = _string(item, f"{path}[{i}]")
        if text not in EVENT_EXTENSIONS and not (text.startswith("vehicle.telemetry.") and len(text) > 18):
            _fail(f"{path}[{i}]", f"{text!r} is not one of {', '.join(EVENT_EXTENSIONS)}")
        out.append(text)
    return tuple(out)


def _webhook(value: Any, path: str) -> WebhookTarget:
    obj = _object(value, path)
    if "webhook" in obj:
        _keys(obj, path, ("webhook",))
        path = f"{path}.webhook"
        obj = _object(obj["webhook"], path)
    _keys(obj, path, ("target", "name", "attributes", "attributres"))
    key = "attributes"
    if "attributres" in obj:
        if "attributes" in obj:
            _fail(f"{path}.attributres", "give only one of attributes and attributres")
        key = "attributres"
    raw = obj.get(key)
    given: list[tuple[str, tuple[str | Placeholder, ...]] | None] = []  # each attribute's value and parts
    copy = {k: v for k, v in obj.items() if k not in ("attributes", "attributres")}
    if isinstance(raw, list):
        masked: list[Any] = []
        for i, item in enumerate(raw):
            if isinstance(item, Mapping) and isinstance(item.get("value"), str):
                given.append((item["value"], _value_parts(item["value"], f"{path}.{key}[{i}].value")))
                masked.append({**item, "value": _mask(item["value"])})
            else:
                given.append(None)
                masked.append(item)
        copy["attributes"] = masked
    elif raw is not None:
        copy["attributes"] = raw
    with _as_remote_error(rename=(f"{path}.attributes", f"{path}.{key}")):
        # Placeholders are masked: parse_webhook knows the monitor ones only. It checks the rest.
        target = parse_webhook(copy, path)
    attributes: list[Attribute] = []
    for a, original in zip(target.attributes, given, strict=True):
        value, parts = original or (a.value, a.parts)  # None only where parse_webhook has refused the item
        attributes.append(Attribute(type=a.type, key=a.key, value=value, parts=parts))
    return WebhookTarget(url=target.url, name=target.name, attributes=tuple(attributes))


def _value_parts(value: str, path: str) -> tuple[str | Placeholder, ...]:
    """Split an attribute value into literal text and remote placeholders (as webhook.parse_value)."""
    if value.startswith("$$"):
        return (value[1:],)
    whole = _WHOLE.fullmatch(value)
    if whole is not None:
        return (_placeholder(whole.group(1), path),)
    parts: list[str | Placeholder] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(value):
        if match.start() > pos:
            parts.append(value[pos : match.start()])
        parts.append(_placeholder(match.group(1), path))
        pos = match.end()
    if pos < len(value):
        parts.append(value[pos:])
    return tuple(parts)


def _placeholder(name: str, path: str) -> Placeholder:
    canonical = REMOTE_PLACEHOLDERS.get(name.lower())
    if canonical is None:
        supported = ", ".join("$" + n for n in REMOTE_PLACEHOLDERS.values())
        _fail(path, f"unknown placeholder ${name} (supported: {supported}; write $$ for a literal $)")
    return Placeholder(canonical)


def _mask(value: str) -> str:
    """The value with its placeholders replaced by literal text of the same length."""
    if value.startswith("$$"):
        return value
    if _WHOLE.fullmatch(value):
        return "x" * len(value)
    return _PLACEHOLDER.sub(lambda m: "x" * len(m.group(0)), value)
