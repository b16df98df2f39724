from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pytest

from connectedcar.domain.reports import Report
from connectedcar.engine.monitors.evaluation import Firing, MonitorVehicleState, evaluate, tick
from connectedcar.engine.monitors.model import Monitor
from connectedcar.engine.monitors.parsing import parse_monitor

PARIS = ZoneInfo("Europe/Paris")
LAT, LON = 48.8566, 2.3522  # a 1 km circle here
KM_LAT = 1 / 111.195  # degrees of latitude per km


class P(NamedTuple):
    lat: float
    lon: float


def _ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=PARIS).timestamp() * 1000)  # type: ignore[misc]


def monitor(triggers: list[dict[str, Any]], exp: str, refresh: int | None = None) -> Monitor:
    body: dict[str, Any] = {"label": "t", "triggerParam": {"triggers": triggers, "boolExp": exp}}
    if refresh is not None:
        body["subscribeParam"] = {"refreshEvent": refresh}
    return parse_monitor(body)


def zone(name: str, transition: str, radius_km: float = 1.0) -> dict[str, Any]:
    circle = {"radius": radius_km, "center": {"latitude": LAT, "longitude": LON}}
    return {"name": name, "zone": {"transition": transition, "circle": circle}}


def run(m: Monitor, points: list[tuple[float, float] | None], **fields: Any) -> list[list[Firing]]:
    """Reports one second apart at the given positions (None: no position); the firings of each."""
    state: MonitorVehicleState | None = None
    previous: P | None = None
    out = []
    for i, point in enumerate(points):
        at = 1_700_000_000_000 + i * 1000
        position = {"lat": point[0], "lon": point[1]} if point else {}
        report = Report("v1", at, **position, **fields)
        state, firings = evaluate(m, state, previous, report, at)
        state = MonitorVehicleState.from_json(state.to_json())  # every step survives a restart
        previous = P(*point) if point else previous
        out.append(firings)
    return out


WEST = (LAT, LON - 0.05)  # about 3.7 km west
EAST = (LAT, LON + 0.05)
CENTRE = (LAT, LON)
NORTH_FAR = (LAT + 5 * KM_LAT, LON - 0.05)
NORTH_FAR_E = (LAT + 5 * KM_LAT, LON + 0.05)


@pytest.mark.parametrize(
    ("transition", "points", "fired_at"),
    [
        ("In", [WEST, CENTRE, EAST], [1]),
        ("Out", [WEST, CENTRE, EAST], [2]),
        ("In", [CENTRE, EAST], [0]),  # first fix inside counts as entering
        ("Out", [WEST, EAST], [1]),  # a fast vehicle crossing the circle between two fixes
        ("In", [WEST, EAST], [1]),
        ("In", [WEST, EAST, EAST], [1]),  # the crossing is a one-evaluation In
        ("Out", [WEST, EAST, EAST, None], [1]),  # and Out holds, even on a report without position
        ("Out", [NORTH_FAR, NORTH_FAR_E], []),  # the segment misses the circle
        ("In", [NORTH_FAR, NORTH_FAR_E], []),
        ("Out", [WEST, WEST, EAST], [2]),  # WEST→EAST passes through the centre
    ],
)
def test_zone_transitions(transition: str, points: list[tuple[float, float] | None], fired_at: list[int]) -> None:
    firings = run(monitor([zone("z", transition)], "z"), points)
    assert [i for i, f in enumerate(firings) if f] == fired_at
    assert all(f.kind == "event" for fs in firings for f in fs)


def test_polygon_in_and_through() -> None:
    square = [
        {"latitude": LAT - 0.01, "longitude": LON - 0.01},
        {"latitude": LAT - 0.01, "longitude": LON + 0.01},
        {"latitude": LAT + 0.01, "longitude": LON + 0.01},
        {"latitude": LAT + 0.01, "longitude": LON - 0.01},
    ]
    m = monitor([{"name": "p", "zone": {"transition": "Out", "polygon": square}}], "p")
    assert [bool(f) for f in run(m, [WEST, CENTRE, CENTRE, EAST])] == [False, False, False, True]
    assert [bool(f) for f in run(m, [WEST, EAST])] == [False, True]
    assert [bool(f) for f in run(m, [NORTH_FAR, NORTH_FAR_E])] == [False, False]


def test_event_then_refresh_then_nothing_while_false() -> None:
    m = monitor([zone("z", "In")], "z", refresh=60)
    state, firings = None, []
    timeline = [(0, CENTRE), (30, CENTRE), (60, CENTRE), (100, CENTRE), (125, CENTRE), (130, WEST), (400, WEST)]
    seen = []
    previous = None
    for second, point in timeline:
        at = 1_700_000_000_000 + second * 1000
        state, firings = evaluate(m, state, previous, Report("v1", at, lat=point[0], lon=point[1]), at)
        previous = P(*point)
        seen.append([(f.kind, f.seq) for f in firings])
    assert seen == [[("event", 0)], [], [("refresh", 1)], [], [("refresh", 2)], [], []]
    assert state is not None
    _, ticked = tick(m, state, 1_700_000_000_000 + 1_000_000)
    assert ticked == []


def test_refresh_on_ticks_and_pause() -> None:
    m = monitor([zone("z", "In")], "z", refresh=60)
    t0 = 1_700_000_000_000
    state, firings = evaluate(m, None, None, Report("v1", t0, lat=LAT, lon=LON), t0)
    assert [f.kind for f in firings] == ["event"]
    state, firings = tick(m, state, t0 + 59_000)
    assert firings == []
    state, firings = tick(m, state, t0 + 60_000)
    assert [(f.kind, f.since_ms, f.seq) for f in firings] == [("refresh", t0, 1)]
    state, firings = tick(m, state, t0 + 300_000, paused=True)
    assert firings == []
    state, firings = tick(m, state, t0 + 301_000)  # resumed while the condition holds: a new event
    assert [(f.kind, f.since_ms) for f in firings] == [("event", t0 + 301_000)]


def _daily(start: str, duration: str, days: list[str] | None = None, weeks: list[str] | None = None) -> Monitor:
    entry: dict[str, Any] = {"recurrence": "Daily", "start": start, "duration": duration}
    if days or weeks:
        entry["occurence"] = {k: v for k, v in (("day", days), ("week", weeks)) if v}
    trigger = {"name": "t", "time": {"times": [entry], "time.zone": "Europe/Paris"}}
    speed = {"name": "s", "data": {"data": "vehicle.kinetic.speed", "op": "greaterThan", "value": ["-1"]}}
    return monitor([trigger, speed], "t & s")


@pytest.mark.parametrize(
    ("window", "at", "open_"),
    [
        # seed 001: Mondays 14:30 to 19:00, Paris time
        (("PT14H30M", "PT04H30M", ["Mon"]), (2024, 3, 4, 14, 29), False),
        (("PT14H30M", "PT04H30M", ["Mon"]), (2024, 3, 4, 14, 30), True),
        (("PT14H30M", "PT04H30M", ["Mon"]), (2024, 3, 4, 18, 59), True),
        (("PT14H30M", "PT04H30M", ["Mon"]), (2024, 3, 4, 19, 0), False),
        (("PT14H30M", "PT04H30M", ["Mon"]), (2024, 3, 5, 15, 0), False),  # a Tuesday
        # across midnight, belonging to the day it starts
        (("PT22H", "PT4H", ["Fri"]), (2024, 3, 9, 1, 0), True),  # Saturday 01:00
        (("PT22H", "PT4H", ["Fri"]), (2024, 3, 9, 2, 0), False),
        (("PT22H", "PT4H", ["Sat"]), (2024, 3, 9, 1, 0), False),
        # wall-clock windows across DST: 31 March 2024 (02:00 → 03:00) and 27 October 2024 (03:00 → 02:00)
        (("PT1H", "PT3H", None), (2024, 3, 31, 3, 30), True),  # 01:00-04:00 local, 2 h of real time
        (("PT1H", "PT3H", None), (2024, 3, 31, 4, 0), False),
        (("PT14H30M", "PT04H30M", ["Sun"]), (2024, 3, 31, 14, 30), True),  # summer time, same wall clock
        (("PT14H30M", "PT04H30M", ["Sun"]), (2024, 10, 27, 18, 59), True),
        (("PT14H30M", "PT04H30M", ["Sun"]), (2024, 10, 27, 19, 0), False),
    ],
)
def test_daily_windows(window: tuple[str, str, list[str] | None], at: tuple[int, ...], open_: bool) -> None:
    m = _daily(*window)
    now = _ms(*at)
    _, firings = evaluate(m, None, None, Report("v1", now, speed=0.0), now)
    assert bool(firings) is open_
    _, ticked = tick(m, MonitorVehicleState(held={"s": True}), now)
    assert bool(ticked) is open_


def test_dst_window_lasts_wall_clock() -> None:
    m = _daily("PT1H", "PT3H")
    state = MonitorVehicleState(held={"s": True})
    opened = [h for h in range(0, 6 * 60) if tick(m, state, _ms(2024, 3, 31, 0, 0) + h * 60_000)[1]]
    assert len(opened) == 120  # 01:00 CET to 04:00 CEST is two real hours


def test_weeks_filter() -> None:
    m = _daily("PT8H", "PT1H", weeks=["w1-w2", "w10"])
    state = MonitorVehicleState(held={"s": True})
    assert tick(m, state, _ms(2024, 3, 4, 8, 30))[1]  # ISO week 10
    assert not tick(m, state, _ms(2024, 3, 11, 8, 30))[1]  # week 11


def test_absolute_window() -> None:
    trig = {
        "name": "t",
        "time": {"times": [{"recurrence": "None", "start": "2024-01-03T12:00:00Z", "duration": "PT1H"}]},
    }
    m = monitor([trig], "t")
    base = 1_704_283_200_000
    assert [bool(tick(m, None, base + d)[1]) for d in (-1, 0, 3_599_999, 3_600_000)] == [False, True, True, False]


def data(
    op: str, value: list[str] | None = None, name: str = "vehicle.energy.charging.status", **extra: Any
) -> Monitor:
    d: dict[str, Any] = {"data": name, "op": op, **extra}
    if value is not None:
        d["value"] = value
    return monitor([{"name": "d", "data": d}], "d")


def values_run(m: Monitor, field: str, seq: list[Any]) -> list[bool]:
    state: MonitorVehicleState | None = None
    out = []
    for i, value in enumerate(seq):
        fields = {} if value is None else {field: value}
        state, firings = evaluate(m, state, None, Report("v1", 1000 * i, **fields), 1000 * i)
        state = MonitorVehicleState.from_json(state.to_json())
        out.append(bool(firings))
    return out


@pytest.mark.parametrize(
    ("m", "field", "seq", "fired"),
    [
        (
            data("lowerThan", ["50"], "vehicle.energy.electric.level"),
            "battery_level",
            [60, 49, 40, None, 60, 10],
            [0, 1, 0, 0, 0, 1],
        ),
        (data("greaterThan", ["90"], "vehicle.kinetic.speed"), "speed", [80, 95, 91, 90], [0, 1, 0, 0]),
        (data("equalsTo", ["12000"], "vehicle.odometer"), "odometer", [11999, 12000], [0, 1]),
        (data("equalsTo", ["true"], "vehicle.energy.charging.plugged"), "plugged", [False, True, True], [0, 1, 0]),
        (
            data("includedIn", ["Failure", "Stopped"]),
            "charging",
            ["InProgress", "Failure", "Stopped", "Finished", "Stopped"],
            [0, 1, 0, 0, 1],
        ),
        (
            data("onChange"),
            "charging",
            ["InProgress", None, "InProgress", "Finished", "Finished", "Failure"],
            [0, 0, 0, 1, 0, 1],
        ),
        (
            data("onChange", previous={"op": "equalsTo", "value": ["InProgress"]}),
            "charging",
            ["InProgress", "Finished", "InProgress", "Failure", "Stopped"],
            [0, 1, 0, 1, 0],
        ),
        (
            data("equalsTo", ["Finished"], previous={"op": "equalsTo", "value": ["InProgress"]}),
            "charging",
            ["Finished", "Stopped", "InProgress", "Finished", "Finished"],
            [0, 0, 0, 1, 0],
        ),
        (
            data("onChange", name="vehicle.doorsState.opening"),
            "doors_open",
            [(), ("driver",), ("driver",), ()],
            [0, 1, 0, 1],
        ),
        (data("equalsTo", ["true"], "vehicle.kinetic.moving"), "speed", [0.0, 12.0, 30.0, 0.0, 5.0], [0, 1, 0, 0, 1]),
    ],
)
def test_data_ops(m: Monitor, field: str, seq: list[Any], fired: list[int]) -> None:
    assert values_run(m, field, seq) == [bool(f) for f in fired]


def test_alerts_included_in_and_on_change() -> None:
    inc = data("includedIn", ["LowFuelLevel", "OilLevel"], "vehicle.alert")
    chg = data("onChange", name="vehicle.alert")
    steps: list[dict[str, Any]] = [
        {},
        {"alerts_raised": ("TyrePressure",)},
        {"alerts_raised": ("LowFuelLevel",)},
        {},
        {"alerts_cleared": ("LowFuelLevel",)},
    ]
    # back-to-back changes make one event: the expression stays true between them
    for m, expected in ((inc, [0, 0, 1, 0, 0]), (chg, [0, 1, 0, 0, 1])):
        state: MonitorVehicleState | None = None
        got = []
        for i, fields in enumerate(steps):
            state, firings = evaluate(m, state, None, Report("v1", i, **fields), i)
            got.append(int(bool(firings)))
        assert got == expected


def test_seed_001_monitor_leave_paris_with_low_battery() -> None:
    m = monitor(
        [
            {
                "name": "outOfParis",
                "zone": {
                    "transition": "Out",
                    "circle": {"radius": 20, "center": {"longitude": 2.333333, "latitude": 48.866667}},
                },
            },
            {
                "name": "onMonday",
                "time": {
                    "times": [
                        {
                            "recurrence": "Daily",
                            "start": "PT14H30M",
                            "occurence": {"day": ["Mon"]},
                            "duration": "PT04H30M",
                        }
                    ],
                    "time.zone": "Europe/Paris",
                },
            },
            {
                "name": "batteryIsLow",
                "data": {"data": "vehicle.energy.electric.level", "op": "lowerThan", "value": ["50"]},
            },
        ],
        "(outOfParis & (batteryIsLow | onMonday))",
        refresh=600,
    )
    tuesday = _ms(2024, 3, 5, 10, 0)
    r1 = Report("v1", tuesday, lat=48.8566, lon=2.3522, battery_level=40.0)
    state, firings = evaluate(m, None, None, r1, tuesday)
    assert firings == []
    r2 = Report("v1", tuesday + 600_000, lat=49.2, lon=2.3522, battery_level=39.0)  # 38 km north
    state, firings = evaluate(m, state, P(48.8566, 2.3522), r2, tuesday + 600_000)
    assert [(f.kind, f.triggers) for f in firings] == [("event", ("outOfParis", "batteryIsLow"))]
    r3 = Report("v1", tuesday + 1_200_000, battery_level=60.0)
    state, firings = evaluate(m, state, None, r3, tuesday + 1_200_000)
    assert firings == []


def test_older_report_changes_nothing() -> None:
    m = data("lowerThan", ["50"], "vehicle.energy.electric.level")
    state, _ = evaluate(m, None, None, Report("v1", 5000, battery_level=60.0), 5000)
    again, firings = evaluate(m, state, None, Report("v1", 4000, battery_level=10.0), 6000)
    assert again == state and firings == []


def test_state_json_round_trip() -> None:
    state = MonitorVehicleState(
        inside={"z": True},
        left={"z": False},
        values={"vehicle.alert": ["A", "B"], "vehicle.kinetic.speed": 12.5, "vehicle.energy.charging.plugged": True},
        held={"d": True},
        active=True,
        since_ms=1,
        seq=3,
        last_fired_ms=2,
        last_report_ms=4,
    )
    assert MonitorVehicleState.from_json(state.to_json()) == state
    assert MonitorVehicleState.from_json(MonitorVehicleState().to_json()) == MonitorVehicleState()
