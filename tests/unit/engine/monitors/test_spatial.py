from __future__ import annotations

import random
from typing import Any

import pytest

from connectedcar.engine.monitors.model import BBox, Monitor
from connectedcar.engine.monitors.parsing import parse_monitor
from connectedcar.engine.monitors.spatial import MonitorIndex, spatially_prunable


def circle_monitor(lat: float, lon: float, radius_km: float, exp: str = "z", extra: list[Any] | None = None) -> Monitor:
    zone = {
        "name": "z",
        "zone": {"transition": "In", "circle": {"radius": radius_km, "center": {"latitude": lat, "longitude": lon}}},
    }
    return parse_monitor({"label": "m", "triggerParam": {"triggers": [zone, *(extra or [])], "boolExp": exp}})


SPEED = {"name": "s", "data": {"data": "vehicle.kinetic.speed", "op": "greaterThan", "value": ["100"]}}


@pytest.mark.parametrize(
    ("exp", "extra", "prunable"),
    [("z", None, True), ("!z", None, False), ("z & s", [SPEED], False)],
)
def test_prunable(exp: str, extra: list[Any] | None, prunable: bool) -> None:
    assert spatially_prunable(circle_monitor(48.0, 2.0, 1.0, exp, extra)) is prunable


def test_only_nearby_zone_monitors_among_10000() -> None:
    rng = random.Random(4)
    index = MonitorIndex()
    boxes: dict[str, BBox] = {}
    for i in range(10_000):
        m = circle_monitor(rng.uniform(43.0, 50.0), rng.uniform(-1.0, 7.0), rng.uniform(0.2, 20.0))
        index.add(f"m{i}", m)
        boxes[f"m{i}"] = m.zone_triggers[0].shape.bbox
    index.add("always", circle_monitor(45.0, 3.0, 1.0, "z & s", [SPEED]))
    index.add("other-vehicle", circle_monitor(45.0, 3.0, 1.0, "z & s", [SPEED]), vehicles=["v2"])
    for _ in range(50):
        lat, lon = rng.uniform(43.0, 50.0), rng.uniform(-1.0, 7.0)
        a, b = (lat, lon), (lat + 0.002, lon + 0.003)
        seg = BBox(min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
        expected = {m for m, box in boxes.items() if box.intersects(seg)} | {"always"}
        got = index.candidates("v1", (a, b))
        assert got == expected
        assert len(got) < 100  # a handful, not thousands
    assert index.candidates("v1", None) == {"always"}
    assert index.candidates("v2", None) == {"always", "other-vehicle"}


def test_remove_and_replace() -> None:
    index = MonitorIndex()
    index.add("a", circle_monitor(48.0, 2.0, 1.0))
    index.add("huge", circle_monitor(48.0, 2.0, 900.0))
    near = ((48.0, 2.0), (48.0, 2.0))
    assert index.candidates("v1", near) == {"a", "huge"}
    assert index.candidates("v1", ((40.0, 10.0), (40.0, 10.0))) == {"huge"}
    index.remove("a")
    index.add("huge", circle_monitor(10.0, 10.0, 1.0))
    assert index.candidates("v1", near) == set()
    assert len(index) == 1
    index.remove("huge")
    assert index.candidates("v1", near) == set() and len(index) == 0
