"""Evaluating a monitor for one vehicle: on each of its reports (evaluate) and on clock ticks (tick).

Trigger semantics:
- Zone In is true while the vehicle is inside the zone. A vehicle whose first known fix is inside
  counts as having entered (as Traccar does). A segment between two fixes outside that passes through
  the zone makes In true for that one evaluation only (it entered, and left before the second fix).
- Zone Out is true once the vehicle has been seen leaving (an inside fix then an outside one, or a
  segment through the zone) and while it stays outside; a vehicle only ever seen outside has not left.
- Zone values change only with fixes; a report without a position keeps them.
- Time is true while one of its windows is open at the report's time (evaluate) or the clock (tick).
- Data compares the last known value (kept in the state, so a report that does not carry the field
  keeps it) with the values. onChange is true for the one evaluation of the report that changed a
  known value. With `previous`, the trigger becomes true only if the value before the report met the
  previous condition; once true it stays so while its predicate holds (b2c v4 semantics).
- One-evaluation values (In through a segment, onChange) are not kept: the next evaluation drops them.
- Only monitors with data triggers keep data values (a zone or time monitor has no use for them).

Firing: an event when the expression becomes true (at the report's time or the tick's), then a refresh
event each time an evaluation finds it still true refreshEvent seconds or more after the last firing
(platform clock; one refresh even if several periods were missed); nothing while it is false. A paused
monitor keeps its state up to date but never fires and is not active, so on resume an expression that
holds fires a new event. A report older than the last one evaluated changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from connectedcar.domain.reports import Report
from connectedcar.engine.monitors.catalogue import ALERTS, READERS
from connectedcar.engine.monitors.expression import evaluate_expression
from connectedcar.engine.monitors.geometry import contains, passes_through
from connectedcar.engine.monitors.model import DataTrigger, DataValue, Monitor
from connectedcar.engine.monitors.timewindows import trigger_open

STATE_VERSION = 1
Value = float | bool | str | list[str]


class HasLatLon(Protocol):
    @property
    def lat(self) -> float: ...

    @property
    def lon(self) -> float: ...


@dataclass(frozen=True, slots=True)
class Firing:
    kind: Literal["event", "refresh"]
    at_ms: int
    since_ms: int  # when the expression became true: with seq, a stable id for the event
    seq: int  # 0 for the event, then 1, 2... for its refreshes
    triggers: tuple[str, ...]  # the names of the triggers that were true


@dataclass(frozen=True, slots=True)
class MonitorVehicleState:
    """What one monitor remembers about one vehicle; JSON-serialisable so it survives restarts."""

    inside: Mapping[str, bool] = field(default_factory=dict)  # zone trigger -> last fix inside
    left: Mapping[str, bool] = field(default_factory=dict)  # zone trigger -> left and not back since
    values: Mapping[str, Value] = field(default_factory=dict)  # data name -> last known value
    held: Mapping[str, bool] = field(default_factory=dict)  # data trigger -> predicate true
    active: bool = False  # the expression was true at the last evaluation
    since_ms: int | None = None
    seq: int = 0
    last_fired_ms: int | None = None  # platform clock
    last_report_ms: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": STATE_VERSION,
            "inside": dict(self.inside),
            "left": dict(self.left),
            "values": dict(self.values),
            "held": dict(self.held),
            "active": self.active,
            "sinceMs": self.since_ms,
            "seq": self.seq,
            "lastFiredMs": self.last_fired_ms,
            "lastReportMs": self.last_report_ms,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MonitorVehicleState:
        return cls(
            inside=dict(data.get("inside", {})),
            left=dict(data.get("left", {})),
            values=dict(data.get("values", {})),
            held=dict(data.get("held", {})),
            active=bool(data.get("active", False)),
            since_ms=data.get("sinceMs"),
            seq=int(data.get("seq", 0)),
            last_fired_ms=data.get("lastFiredMs"),
            last_report_ms=data.get("lastReportMs"),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> MonitorVehicleState:
        return cls.from_dict(json.loads(text))


def evaluate(
    monitor: Monitor,
    state: MonitorVehicleState | None,
    previous_fix: HasLatLon | None,
    report: Report,
    now_ms: int,
    *,
    paused: bool = False,
) -> tuple[MonitorVehicleState, list[Firing]]:
    """The new state of (monitor, vehicle) after one of the vehicle's reports, and what fires."""
    st = state if state is not None else MonitorVehicleState()
    if st.last_report_ms is not None and report.at_ms < st.last_report_ms:
        return st, []
    truth: dict[str, bool] = {}
    inside = dict(st.inside)
    left = dict(st.left)
    for zone in monitor.zone_triggers:
        if report.lat is None or report.lon is None:
            truth[zone.name] = inside.get(zone.name, False) if zone.transition == "In" else left.get(zone.name, False)
            continue
        here = (report.lat, report.lon)
        now_in = contains(zone.shape, here)
        before = (previous_fix.lat, previous_fix.lon) if previous_fix is not None else None
        was_in = st.inside.get(zone.name)
        if was_in is None and before is not None:
            was_in = contains(zone.shape, before)
        through = was_in is False and not now_in and before is not None and passes_through(zone.shape, before, here)
        has_left = (left.get(zone.name, False) or bool(was_in and not now_in) or through) and not now_in
        inside[zone.name] = now_in
        left[zone.name] = has_left
        truth[zone.name] = (now_in or through) if zone.transition == "In" else has_left
    for trigger in monitor.time_triggers:
        truth[trigger.name] = trigger_open(trigger, report.at_ms)
    values: Mapping[str, Value] = st.values
    held: Mapping[str, bool] = st.held
    if monitor.data_triggers:  # data values are kept only by monitors that read them
        values = dict(st.values)
        changed: dict[str, tuple[Value | None, Value]] = {}
        for name, current in _read(report, st.values).items():
            old = values.get(name)
            values[name] = current
            changed[name] = (old, current)
        held = dict(st.held)
        for data in monitor.data_triggers:
            truth[data.name] = _data_truth(data, changed.get(data.data), held)
    new = MonitorVehicleState(
        inside=inside,
        left=left,
        values=values,
        held=held,
        active=st.active,
        since_ms=st.since_ms,
        seq=st.seq,
        last_fired_ms=st.last_fired_ms,
        last_report_ms=report.at_ms,
    )
    return _conclude(monitor, new, truth, report.at_ms, now_ms, paused)


def tick(
    monitor: Monitor, state: MonitorVehicleState | None, now_ms: int, *, paused: bool = False
) -> tuple[MonitorVehicleState, list[Firing]]:
    """Re-evaluate on a clock tick: time windows at now_ms, the rest as last known; refreshes fall due."""
    st = state if state is not None else MonitorVehicleState()
    truth: dict[str, bool] = {}
    for zone in monitor.zone_triggers:
        kept = st.inside if zone.transition == "In" else st.left
        truth[zone.name] = kept.get(zone.name, False)
    for trigger in monitor.time_triggers:
        truth[trigger.name] = trigger_open(trigger, now_ms)
    for data in monitor.data_triggers:
        truth[data.name] = data.op != "onChange" and st.held.get(data.name, False)
    return _conclude(monitor, st, truth, now_ms, now_ms, paused)


def _conclude(
    monitor: Monitor, st: MonitorVehicleState, truth: dict[str, bool], at_ms: int, now_ms: int, paused: bool
) -> tuple[MonitorVehicleState, list[Firing]]:
    value = evaluate_expression(monitor.expression, truth)
    true_names = tuple(t.name for t in monitor.triggers if truth.get(t.name, False))
    if paused or not value:
        return _with(st, active=False, since_ms=None, seq=0, last_fired_ms=None), []
    if not st.active:
        firing = Firing("event", at_ms, at_ms, 0, true_names)
        return _with(st, active=True, since_ms=at_ms, seq=0, last_fired_ms=now_ms), [firing]
    period = monitor.refresh_event_s
    last = st.last_fired_ms
    if period is not None and last is not None and now_ms - last >= period * 1000:
        since = st.since_ms if st.since_ms is not None else at_ms
        firing = Firing("refresh", at_ms, since, st.seq + 1, true_names)
        return _with(st, active=True, since_ms=since, seq=st.seq + 1, last_fired_ms=now_ms), [firing]
    return st, []


def _with(
    st: MonitorVehicleState, *, active: bool, since_ms: int | None, seq: int, last_fired_ms: int | None
) -> MonitorVehicleState:
    return MonitorVehicleState(
        inside=st.inside,
        left=st.left,
        values=st.values,
        held=st.held,
        active=active,
        since_ms=since_ms,
        seq=seq,
        last_fired_ms=last_fired_ms,
        last_report_ms=st.last_report_ms,
    )


def _read(report: Report, known: Mapping[str, Value]) -> dict[str, Value]:
    """The data values this report carries."""
    out: dict[str, Value] = {}
    for name, reader in READERS.items():
        value = reader(report)
        if value is not None:
            out[name] = float(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if report.alerts_raised or report.alerts_cleared or ALERTS not in known:
        before = known.get(ALERTS)
        active = set(before) if isinstance(before, list) else set()
        active |= set(report.alerts_raised)
        active -= set(report.alerts_cleared)
        out[ALERTS] = sorted(active)
    return out


def _matches(op: str, expected: tuple[DataValue, ...], value: Value | None) -> bool:
    if value is None or not expected:
        return False
    if isinstance(value, list):  # a set of active alerts
        if op == "equalsTo":
            return expected[0] in value
        return op == "includedIn" and any(v in value for v in expected)
    if op == "equalsTo":
        return value == expected[0]
    if op == "includedIn":
        return value in expected
    if isinstance(value, bool) or not isinstance(value, float) or not isinstance(expected[0], float):
        return False
    return value > expected[0] if op == "greaterThan" else op == "lowerThan" and value < expected[0]


def _data_truth(trigger: DataTrigger, change: tuple[Value | None, Value] | None, held: dict[str, bool]) -> bool:
    previous = trigger.previous
    if trigger.op == "onChange":
        if change is None:
            return False
        old, new = change
        return old is not None and old != new and (previous is None or _matches(previous.op, previous.values, old))
    if change is None:
        return held.get(trigger.name, False)
    old, new = change
    now = _matches(trigger.op, trigger.values, new)
    if now and previous is not None and not held.get(trigger.name, False):
        now = _matches(previous.op, previous.values, old)
    held[trigger.name] = now
    return now
