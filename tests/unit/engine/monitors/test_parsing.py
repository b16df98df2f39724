from __future__ import annotations

import json
from typing import Any

import pytest

from connectedcar.engine.monitors.model import Circle, DataTrigger, Polygon, TimeTrigger, ZoneTrigger
from connectedcar.engine.monitors.parsing import MonitorError, parse_monitor, parse_monitor_json
from tests.unit.engine.monitors.body import SEED_001_BODY, spec_body

T = "triggerParam.triggers"


def test_seed_001_body_duplicate_keys_reported_with_path() -> None:
    with pytest.raises(MonitorError) as caught:
        parse_monitor_json(SEED_001_BODY)
    assert caught.value.field == f"{T}[0].name"
    assert "duplicate key 'name'" in caught.value.reason


def test_seed_001_expression_refused_once_triggers_are_split() -> None:
    body = json.loads(SEED_001_BODY)  # a plain dict keeps the last "name"; split the triggers as meant
    zone, time, data = (
        {"name": "outOfParis", "zone": body["triggerParam"]["triggers"][0]["zone"]},
        {"name": "onMonday", "time": body["triggerParam"]["triggers"][0]["time"]},
        {"name": "batteryIsLow", "data": body["triggerParam"]["triggers"][0]["data"]},
    )
    body["triggerParam"]["triggers"] = [zone, time, data]
    with pytest.raises(MonitorError) as caught:
        parse_monitor(body)
    assert caught.value.field == "triggerParam.bool.exp"
    assert "unbalanced parentheses: '(' is never closed at position 0" in caught.value.reason
    body["triggerParam"]["bool.exp"] = "(outOfParis & (batteryIsLow | onMonday))"
    monitor = parse_monitor(body)  # the seed's spellings: circle, occurence, time.zone, bool.exp
    assert [t.name for t in monitor.triggers] == ["outOfParis", "onMonday", "batteryIsLow"]


def test_spec_spelling_compiles() -> None:
    monitor = parse_monitor_json(json.dumps(spec_body()))
    zone, time, data = monitor.triggers
    assert isinstance(zone, ZoneTrigger) and zone.shape == Circle(48.866667, 2.333333, 20_000.0)
    assert isinstance(time, TimeTrigger) and time.time_zone == "Europe/Paris"
    assert time.windows[0].days == frozenset({0}) and time.windows[0].start_offset_ms == 52_200_000
    assert time.windows[0].duration_ms == 16_200_000
    assert isinstance(data, DataTrigger) and data.values == (50.0,)
    assert monitor.refresh_event_s == 600


def _set(body: dict[str, Any], path: str, value: Any) -> None:
    keys: list[Any] = []
    for part in path.split("/"):
        keys.append(int(part) if part.isdigit() else part)
    target: Any = body
    for key in keys[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value


_DELETE = object()
Z = "triggerParam/triggers/0/zone"
TM = "triggerParam/triggers/1/time"
W = f"{TM}/times/0"
D = "triggerParam/triggers/2/data"


@pytest.mark.parametrize(
    ("path", "value", "field", "reason"),
    [
        ("label", _DELETE, "label", "is required"),
        ("subscribeParam/refreshEvent", 59, "subscribeParam.refreshEvent", "between 60"),
        ("subscribeParam/refreshEvent", 60.5, "subscribeParam.refreshEvent", "whole number"),
        ("triggerParam/triggers", [], T, "1 to 5 triggers"),
        ("triggerParam/triggers/3", None, f"{T}[3]", "must be an object"),
        ("triggerParam/triggers/1/name", "outOfParis", f"{T}[1].name", "used twice"),
        ("triggerParam/triggers/1/name", "on Monday", f"{T}[1].name", "must be letters"),
        (f"{Z}/place/radius", 0, f"{T}[0].zone.place.radius", "greater than 0"),
        (f"{Z}/place/radius", 1000.5, f"{T}[0].zone.place.radius", "at most 1000 km"),
        (f"{Z}/place/radius", "20", f"{T}[0].zone.place.radius", "must be a number"),
        (f"{Z}/place/center/latitude", 91, f"{T}[0].zone.place.center.latitude", "between -90 and 90"),
        (f"{Z}/transition", "Across", f"{T}[0].zone.transition", "In or Out"),
        (f"{TM}/timeZone", "Europe/Atlantis", f"{T}[1].time.timeZone", "IANA time zone"),
        (f"{W}/start", "14:30", f"{T}[1].time.times[0].start", "ISO 8601 duration"),
        (f"{W}/start", "PT24H", f"{T}[1].time.times[0].start", "under 24 hours"),
        (f"{W}/duration", "P1M", f"{T}[1].time.times[0].duration", "no fixed length"),
        (f"{W}/duration", _DELETE, f"{T}[1].time.times[0].duration", "required when recurrence is Daily"),
        (f"{W}/recurrence", "Weekly", f"{T}[1].time.times[0].recurrence", "None or Daily"),
        (f"{W}/occurrence/day", ["Lun"], f"{T}[1].time.times[0].occurrence.day[0]", "must be one of Mon"),
        (f"{W}/occurrence/week", ["w60"], f"{T}[1].time.times[0].occurrence.week[0]", "w1 to w53"),
        (f"{D}/data", "vehicle.flux.capacitor", f"{T}[2].data.data", "unknown data name"),
        (f"{D}/op", "contains", f"{T}[2].data.op", "unknown operator"),
        (f"{D}/op", "onChange", f"{T}[2].data.op", "does not apply"),
        (f"{D}/value", ["low"], f"{T}[2].data.value[0]", "compares numbers"),
        (f"{D}/value", [], f"{T}[2].data.value", "at least one value"),
        ("triggerParam/boolExp", "outOfParis & nowhere", "triggerParam.boolExp", "unknown trigger name 'nowhere'"),
        ("triggerParam/boolExp", "outOfParis | !outOfParis", "triggerParam.boolExp", "always true"),
    ],
)
def test_validation_errors_name_the_path(path: str, value: Any, field: str, reason: str) -> None:
    body = spec_body()
    if path == "triggerParam/triggers/3":
        body["triggerParam"]["triggers"].append(value)
    else:
        _set(body, path, value)
    with pytest.raises(MonitorError) as caught:
        parse_monitor(body)
    assert caught.value.field == field
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("data", "op", "value", "field", "reason"),
    [
        ("vehicle.energy.charging.status", "greaterThan", ["InProgress"], "op", "does not apply"),
        ("vehicle.energy.charging.status", "equalsTo", ["Charging"], "value[0]", "not one of"),
        ("vehicle.kinetic.moving", "equalsTo", ["yes"], "value[0]", "true or false"),
        ("vehicle.doorsState.opening", "equalsTo", ["x"], "op", "does not apply"),
        ("vehicle.energy.charging.plugged", "onChange", ["true"], "value", "onChange takes no value"),
    ],
)
def test_values_of_the_right_type_for_the_op(data: str, op: str, value: list[str], field: str, reason: str) -> None:
    body = spec_body()
    body["triggerParam"]["triggers"][2]["data"] = {"data": data, "op": op, "value": value}
    with pytest.raises(MonitorError) as caught:
        parse_monitor(body)
    assert caught.value.field == f"{T}[2].data.{field}"
    assert reason in caught.value.reason


def test_too_many_triggers() -> None:
    body = spec_body()
    extra = [
        {"name": f"d{i}", "data": {"data": "vehicle.kinetic.speed", "op": "greaterThan", "value": ["1"]}}
        for i in range(3)
    ]
    body["triggerParam"]["triggers"] += extra
    with pytest.raises(MonitorError, match="1 to 5 triggers, not 6"):
        parse_monitor(body)


def test_both_spellings_at_once_refused() -> None:
    body = spec_body()
    body["triggerParam"]["bool.exp"] = "outOfParis"
    with pytest.raises(MonitorError) as caught:
        parse_monitor(body)
    assert caught.value.field == "triggerParam.bool.exp"


def test_polygon_and_absolute_window() -> None:
    body = spec_body()
    ring = [
        {"latitude": 48.0, "longitude": 2.0},
        {"latitude": 48.0, "longitude": 3.0},
        {"latitude": 49.0, "longitude": 2.5},
    ]
    body["triggerParam"]["triggers"][0]["zone"] = {"transition": "In", "polygon": [*ring, ring[0]]}
    body["triggerParam"]["triggers"][1]["time"] = {
        "times": [{"recurrence": "None", "start": "2024-01-03T12:00:00+01:00", "duration": "P1D"}]
    }
    monitor = parse_monitor(body)
    zone, time, _ = monitor.triggers
    assert isinstance(zone, ZoneTrigger) and isinstance(zone.shape, Polygon) and len(zone.shape.points) == 3
    assert isinstance(time, TimeTrigger) and time.windows[0].start_at_ms == 1_704_279_600_000


def test_duplicate_key_deep_path() -> None:
    zone = b'{"transition": "In", "transition": "Out"}'
    raw = b'{"label": "x", "triggerParam": {"triggers": [{"name": "a", "zone": ' + zone + b"}]}}"
    with pytest.raises(MonitorError) as caught:
        parse_monitor_json(raw)
    assert caught.value.field == f"{T}[0].zone.transition"


def test_invalid_json() -> None:
    with pytest.raises(MonitorError) as caught:
        parse_monitor_json(b"{")
    assert caught.value.field == "body"
