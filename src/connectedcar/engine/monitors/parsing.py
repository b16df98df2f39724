"""The monitor body of POST/PUT /fleets/{fid}/monitors, validated and compiled into a Monitor.

Both the spec's and seed 001's spellings are accepted: boolExp / bool.exp, timeZone / time.zone,
place / circle, occurrence / occurence. Errors name the JSON path of the offending field, e.g.
`triggerParam.triggers[1].zone.place.radius`.

Bounds chosen here: 1 to 5 triggers (spec); a circle's radius is in km as the spec says (seed 001's
Paris is 20), greater than 0 and at most 1,000 km; a polygon has 3 to 1,000 vertices given as
{"latitude", "longitude"} objects; refreshEvent is an integer of at least 60 s (spec) and at most
30 days; a Daily window's start is under 24 h and its duration is required, positive and at most 7 days.
Only the trigger part and refreshEvent are compiled here: callback, retry and batch settings belong to
delivery.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from connectedcar.engine.monitors.catalogue import BOOLEAN, DATA, ENUM, NUMBER, OPAQUE, OPS
from connectedcar.engine.monitors.expression import ExpressionError, check_expression
from connectedcar.engine.monitors.model import (
    Circle,
    DataTrigger,
    DataValue,
    Monitor,
    Polygon,
    PreviousCondition,
    TimeTrigger,
    TimeWindow,
    Trigger,
    ZoneTrigger,
)
from connectedcar.engine.monitors.timewindows import DAY_MS, parse_datetime_ms, parse_duration_ms
from connectedcar.engine.strict_json import DuplicateKey, loads_strict

MIN_TRIGGERS = 1
MAX_TRIGGERS = 5
MAX_RADIUS_KM = 1000.0
MAX_POLYGON_POINTS = 1000
MIN_REFRESH_S = 60
MAX_REFRESH_S = 30 * 86_400
MAX_DAILY_DURATION_MS = 7 * DAY_MS
DEFAULT_TIME_ZONE = "Europe/Paris"
NAME_PATTERN = re.compile(r"[a-zA-Z]+[._]?[0-9]*")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEK = re.compile(r"[wW](\d{1,2})(?:-[wW](\d{1,2}))?")


class MonitorError(ValueError):
    """A monitor body the platform refuses: the JSON path of the field, and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _fail(path: str, reason: str) -> NoReturn:
    raise MonitorError(path, reason)


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


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(path, "must be a number")
    return float(value)


def _either(obj: Mapping[str, Any], path: str, *keys: str, required: bool = True) -> tuple[Any, str]:
    """The value under one of several accepted spellings of a key, and its path."""
    present = [k for k in keys if k in obj]
    if len(present) > 1:
        _fail(f"{path}.{present[1]}", f"give only one of {', '.join(present)}")
    if not present:
        if required:
            _fail(f"{path}.{keys[0]}", "is required")
        return None, f"{path}.{keys[0]}"
    return obj[present[0]], f"{path}.{present[0]}"


def parse_monitor_json(raw: bytes | str) -> Monitor:
    """Parse the raw body, refusing duplicate keys in any object (which a parsed dict cannot show)."""
    try:
        body = loads_strict(raw)
    except DuplicateKey as exc:
        _fail(exc.path, f"duplicate key {exc.key!r} in one object")
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        _fail("body", f"is not valid JSON: {exc}")
    return parse_monitor(_object(body, "body"))


def parse_monitor(body: Mapping[str, Any]) -> Monitor:
    """Validate and compile an already parsed monitor body; raises MonitorError."""
    label = _string(body.get("label"), "label") if "label" in body else _fail("label", "is required")
    refresh: int | None = None
    if "subscribeParam" in body:
        subscribe = _object(body["subscribeParam"], "subscribeParam")
        if subscribe.get("refreshEvent") is not None:
            refresh = _refresh(subscribe["refreshEvent"], "subscribeParam.refreshEvent")
    param = _object(body.get("triggerParam"), "triggerParam") if "triggerParam" in body else None
    if param is None:
        _fail("triggerParam", "is required")
    items = _array(param.get("triggers"), "triggerParam.triggers")
    if not MIN_TRIGGERS <= len(items) <= MAX_TRIGGERS:
        _fail("triggerParam.triggers", f"must hold {MIN_TRIGGERS} to {MAX_TRIGGERS} triggers, not {len(items)}")
    triggers: list[Trigger] = []
    names: set[str] = set()
    for i, item in enumerate(items):
        trigger = _trigger(item, f"triggerParam.triggers[{i}]")
        if trigger.name in names:
            _fail(f"triggerParam.triggers[{i}].name", f"trigger name {trigger.name!r} is used twice")
        names.add(trigger.name)
        triggers.append(trigger)
    text, path = _either(param, "triggerParam", "boolExp", "bool.exp")
    text = _string(text, path)
    try:
        expression = check_expression(text, names)
    except ExpressionError as exc:
        _fail(path, str(exc))
    return Monitor(label=label, triggers=tuple(triggers), expression=expression, bool_exp=text, refresh_event_s=refresh)


def _refresh(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        _fail(path, "must be a whole number of seconds")
    if not MIN_REFRESH_S <= value <= MAX_REFRESH_S:
        _fail(path, f"must be between {MIN_REFRESH_S} and {MAX_REFRESH_S} seconds, not {value}")
    return int(value)


def _trigger(value: Any, path: str) -> Trigger:
    obj = _object(value, path)
    if "name" not in obj:
        _fail(f"{path}.name", "is required")
    name = _string(obj["name"], f"{path}.name")
    if not NAME_PATTERN.fullmatch(name):
        _fail(f"{path}.name", f"{name!r} must be letters, then optionally one '.' or '_', then digits")
    kinds = [k for k in ("zone", "time", "data") if k in obj]
    if len(kinds) != 1:
        _fail(path, "must have exactly one of zone, time or data")
    kind = kinds[0]
    if kind == "zone":
        return _zone(name, obj["zone"], f"{path}.zone")
    if kind == "time":
        return _time(name, obj["time"], f"{path}.time")
    return _data(name, obj["data"], f"{path}.data")


def _zone(name: str, value: Any, path: str) -> ZoneTrigger:
    obj = _object(value, path)
    transition = obj.get("transition")
    if transition not in ("In", "Out"):
        _fail(f"{path}.transition", "must be In or Out")
    shapes = [k for k in ("place", "circle", "polygon") if k in obj]
    if len(shapes) != 1:
        _fail(path, "must have exactly one of place (or circle) and polygon")
    key = shapes[0]
    shape: Circle | Polygon = (
        _polygon(obj[key], f"{path}.{key}") if key == "polygon" else _circle(obj[key], f"{path}.{key}")
    )
    return ZoneTrigger(name=name, transition=transition, shape=shape)


def _latlon(value: Any, path: str) -> tuple[float, float]:
    obj = _object(value, path)
    for key in ("latitude", "longitude"):
        if key not in obj:
            _fail(f"{path}.{key}", "is required")
    lat = _number(obj["latitude"], f"{path}.latitude")
    lon = _number(obj["longitude"], f"{path}.longitude")
    if not -90.0 <= lat <= 90.0:
        _fail(f"{path}.latitude", "must be between -90 and 90")
    if not -180.0 <= lon <= 180.0:
        _fail(f"{path}.longitude", "must be between -180 and 180")
    return lat, lon


def _circle(value: Any, path: str) -> Circle:
    obj = _object(value, path)
    if "radius" not in obj:
        _fail(f"{path}.radius", "is required")
    radius = _number(obj["radius"], f"{path}.radius")
    if not 0.0 < radius <= MAX_RADIUS_KM:
        _fail(f"{path}.radius", f"must be greater than 0 and at most {MAX_RADIUS_KM:g} km, not {radius:g}")
    if "center" not in obj:
        _fail(f"{path}.center", "is required")
    lat, lon = _latlon(obj["center"], f"{path}.center")
    return Circle(lat=lat, lon=lon, radius_m=radius * 1000.0)


def _polygon(value: Any, path: str) -> Polygon:
    points = [_latlon(p, f"{path}[{i}]") for i, p in enumerate(_array(value, path))]
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()  # a closed ring, GeoJSON style
    if not 3 <= len(points) <= MAX_POLYGON_POINTS:
        _fail(path, f"must have 3 to {MAX_POLYGON_POINTS} distinct vertices, not {len(points)}")
    return Polygon(tuple(points))


def _time(name: str, value: Any, path: str) -> TimeTrigger:
    obj = _object(value, path)
    zone_value, zone_path = _either(obj, path, "timeZone", "time.zone", required=False)
    zone = DEFAULT_TIME_ZONE if zone_value is None else _string(zone_value, zone_path)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        _fail(zone_path, f"{zone!r} is not an IANA time zone such as Europe/Paris")
    if "times" not in obj:
        _fail(f"{path}.times", "is required")
    entries = _array(obj["times"], f"{path}.times")
    if not entries:
        _fail(f"{path}.times", "must hold at least one time entry")
    windows = tuple(_window(e, f"{path}.times[{i}]") for i, e in enumerate(entries))
    return TimeTrigger(name=name, windows=windows, time_zone=zone)


def _duration(value: Any, path: str) -> int:
    try:
        return parse_duration_ms(_string(value, path))
    except ValueError as exc:
        _fail(path, str(exc))


def _window(value: Any, path: str) -> TimeWindow:
    obj = _object(value, path)
    recurrence = obj.get("recurrence", "Daily")
    if recurrence not in ("None", "Daily"):
        _fail(f"{path}.recurrence", "must be None or Daily")
    if "start" not in obj:
        _fail(f"{path}.start", "is required")
    start = _string(obj["start"], f"{path}.start")
    duration = _duration(obj["duration"], f"{path}.duration") if obj.get("duration") is not None else None
    if duration is not None and duration <= 0:
        _fail(f"{path}.duration", "must be longer than zero")
    occurrence, occ_path = _either(obj, path, "occurrence", "occurence", required=False)
    if recurrence == "None":
        if occurrence is not None:
            _fail(occ_path, "is only allowed when recurrence is Daily")
        try:
            start_ms = parse_datetime_ms(start)
        except ValueError as exc:
            _fail(f"{path}.start", f"with recurrence None, {exc}")
        return TimeWindow(recurrence="None", duration_ms=duration, start_at_ms=start_ms)
    offset = _duration(start, f"{path}.start")
    if offset >= DAY_MS:
        _fail(f"{path}.start", "with recurrence Daily, must be a time of day under 24 hours, such as PT14H30M")
    if duration is None:
        _fail(f"{path}.duration", "is required when recurrence is Daily")
    if duration > MAX_DAILY_DURATION_MS:
        _fail(f"{path}.duration", "must be at most 7 days")
    days, weeks = _occurrence(occurrence, occ_path)
    return TimeWindow(recurrence="Daily", duration_ms=duration, start_offset_ms=offset, days=days, weeks=weeks)


def _occurrence(value: Any, path: str) -> tuple[frozenset[int], frozenset[int]]:
    if value is None:
        return frozenset(), frozenset()
    if isinstance(value, list):  # the spec's own example gives the days as a bare array
        return _days(value, path), frozenset()
    obj = _object(value, path)
    days = _days(_array(obj["day"], f"{path}.day"), f"{path}.day") if "day" in obj else frozenset()
    weeks: set[int] = set()
    if "week" in obj:
        for i, item in enumerate(_array(obj["week"], f"{path}.week")):
            m = _WEEK.fullmatch(_string(item, f"{path}.week[{i}]").strip())
            low = int(m[1]) if m else 0
            high = int(m[2]) if m and m[2] else low
            if m is None or not 1 <= low <= high <= 53:
                _fail(f"{path}.week[{i}]", f"{item!r} must be a week w1 to w53 or a range such as w34-w46")
            weeks.update(range(low, high + 1))
    return days, frozenset(weeks)


def _days(items: list[Any], path: str) -> frozenset[int]:
    if not 1 <= len(items) <= 7:
        _fail(path, "must list 1 to 7 days")
    out: set[int] = set()
    for i, item in enumerate(items):
        if item not in DAYS:
            _fail(f"{path}[{i}]", f"{item!r} must be one of {', '.join(DAYS)}")
        out.add(DAYS.index(item))
    return frozenset(out)


def _data(name: str, value: Any, path: str) -> DataTrigger:
    obj = _object(value, path)
    data = _string(obj.get("data"), f"{path}.data") if "data" in obj else _fail(f"{path}.data", "is required")
    spec = DATA.get(data)
    if spec is None:
        _fail(f"{path}.data", f"unknown data name {data!r}")
    op = _string(obj.get("op"), f"{path}.op") if "op" in obj else _fail(f"{path}.op", "is required")
    if op not in OPS:
        _fail(f"{path}.op", f"unknown operator {op!r}, expected one of {', '.join(OPS)}")
    if op not in spec.ops:
        _fail(f"{path}.op", f"{op} does not apply to {data} (allowed: {', '.join(sorted(spec.ops))})")
    raw = obj.get("value")
    values: tuple[DataValue, ...] = ()
    if op == "onChange":
        if raw:
            _fail(f"{path}.value", "onChange takes no value")
    else:
        values = _values(raw, data, f"{path}.value", single=op != "includedIn")
    previous = None
    if obj.get("previous") is not None:
        previous = _previous(obj["previous"], data, f"{path}.previous")
    return DataTrigger(name=name, data=data, op=op, values=values, previous=previous)  # type: ignore[arg-type]


def _previous(value: Any, data: str, path: str) -> PreviousCondition:
    obj = _object(value, path)
    if not DATA[data].previous:
        _fail(path, f"{data} does not accept a previous condition")
    op = obj.get("op")
    if op not in ("equalsTo", "includedIn") or (op == "includedIn" and DATA[data].kind == BOOLEAN):
        _fail(f"{path}.op", "must be equalsTo or includedIn (equalsTo for booleans)")
    values = _values(obj.get("value"), data, f"{path}.value", single=op == "equalsTo")
    return PreviousCondition(op=op, values=values)


def _values(raw: Any, data: str, path: str, *, single: bool) -> tuple[DataValue, ...]:
    if raw is None:
        _fail(path, "is required")
    items = raw if isinstance(raw, list) else [raw]  # a bare value is read as a one-item array
    if not items:
        _fail(path, "must hold at least one value")
    if single:
        items = items[:1]  # the spec: "only the first item will be used"
    return tuple(_value(item, data, f"{path}[{i}]") for i, item in enumerate(items))


def _value(item: Any, data: str, path: str) -> DataValue:
    spec = DATA[data]
    text = item if isinstance(item, str) else json.dumps(item)
    if spec.kind == NUMBER:
        if isinstance(item, bool):
            _fail(path, f"{data} compares numbers, not {text}")
        try:
            number = float(item)
        except (TypeError, ValueError):
            _fail(path, f"{data} compares numbers, not {text!r}")
        if number != number or number in (float("inf"), float("-inf")):
            _fail(path, "must be a finite number")
        return number
    if spec.kind == BOOLEAN:
        if text.lower() not in ("true", "false"):
            _fail(path, f"{data} is true or false, not {text!r}")
        return text.lower() == "true"
    if not isinstance(item, str) or not item:
        _fail(path, "must be a non-empty string")
    if spec.kind == ENUM and spec.choices and item not in spec.choices:
        _fail(path, f"{item!r} is not one of {', '.join(spec.choices)}")
    if spec.kind == OPAQUE:
        _fail(path, f"{data} only supports onChange")
    return item
