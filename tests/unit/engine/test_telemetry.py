from __future__ import annotations

import re
from typing import Any

import pytest

from connectedcar.domain import ids
from connectedcar.domain.telemetry import LEAF_PATHS, leaf_paths
from connectedcar.engine.ids import session_of
from connectedcar.engine.stamps import from_ms
from tests.unit.engine.timelines import LAT0, LON0, T0, VID, parked, profile, report, run

FULL: dict[str, Any] = {
    "lat": LAT0,
    "lon": LON0,
    "speed": 42.0,
    "ignition": True,
    "odometer": 12345.6,
    "fuel_level": 50.0,
    "battery_level": 80.0,
    "charging": "Disconnected",
    "plugged": False,
    "doors_locked": False,
    "doors_open": ("driver", "trunk"),
    "engine_speed": 800.0,
    "acceleration": 0.5,
}


def test_a_full_report_gives_the_seed_document() -> None:
    _, out = run([report(0, **FULL)], profile("Hybrid", tank_litres=40.0, battery_kwh=12.0))
    (record,) = out.telemetry
    closed = [
        {"identifier": i, "state": "Open" if i in ("Driver", "Trunk") else "Closed"}
        for i in ("Driver", "Passenger", "RearLeft", "RearRight", "Trunk", "RearWindow", "RoofWindow")
    ]
    assert record.data == {
        "vehicle": {
            "odometer": 12345.6,
            "moving": True,
            "running": True,
            "engines": [{"speed": 800.0}],
            "fuel": {"level": 50.0, "autonomy": pytest.approx(50.0 * 40.0 / 6.0, abs=0.1)},
            "energy": {
                "level": 80.0,
                "autonomy": pytest.approx(80.0 * 12.0 / 17.0, abs=0.1),
                "charging": {"status": "Disconnected", "plugged": False},
            },
            "doorsState": {"lockedState": ["Unlocked"], "opening": closed},
            "acceleration": {"longitudinal": 0.5},
        }
    }
    # every property is one of the catalogue's (opening items are objects below the opening leaf)
    for path in leaf_paths(record.data):
        assert path in LEAF_PATHS or path.rsplit(".", 1)[0] in LEAF_PATHS, path


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, {}),
        ({"fuel_level": 30.0}, {"vehicle": {"fuel": {"level": 30.0, "autonomy": 250.0}}}),
        ({"ignition": False}, {"vehicle": {"running": False}}),
        ({"lat": LAT0, "lon": LON0, "speed": 1.0}, {"vehicle": {"moving": False}}),
        ({"doors_locked": True}, {"vehicle": {"doorsState": {"lockedState": ["Locked"]}}}),
        ({"battery_level": 50.0}, {}),  # a petrol car has no vehicle.energy
        (
            {
                "fuel_level": 30.0,
                "telemetry": {"vehicle": {"fuel": {"autonomy": 123}}, "environment": {"air": {"temp": 21}}},
            },
            {"vehicle": {"fuel": {"level": 30.0, "autonomy": 123}}, "environment": {"air": {"temp": 21}}},
        ),
        (
            {"engine_speed": 900.0, "telemetry": {"vehicle": {"engines": [{"speed": 1000, "oil": {"temp": 90}}]}}},
            {"vehicle": {"engines": [{"speed": 1000, "oil": {"temp": 90}}]}},
        ),
    ],
    ids=["empty", "fuel", "running", "moving", "locked", "energy-on-petrol", "merge", "engines-replaced"],
)
def test_only_known_properties_go_in(fields: dict[str, Any], expected: dict[str, Any]) -> None:
    _, out = run([report(0, **fields)], profile(tank_litres=50.0))
    assert out.telemetry[0].data == expected


def test_every_report_gives_one_record_with_the_seed_id_shape() -> None:
    _, out = run([parked(0), report(0.25, fuel_level=10.0), parked(1)])
    session = session_of(VID)
    assert [r.id for r in out.telemetry] == [
        f"{VID}-{session}-20170614070933-0",
        f"{VID}-{session}-20170614070933-250",
        f"{VID}-{session}-20170614070934-0",
    ]
    assert re.fullmatch(rf"{VID}-\d{{1,9}}-\d{{14}}-\d+", out.telemetry[0].id)
    assert out.telemetry[1].recorded_at == from_ms(T0 + 250)


def test_position_ids_are_the_seed_shape_and_never_collide_within_a_second() -> None:
    _, out = run([parked(0), parked(0.5), parked(1)])
    session = session_of(VID)
    whole = ids.position_id(VID, session, from_ms(T0))
    assert [p.id for p in out.positions] == [whole, f"{whole}-500", ids.position_id(VID, session, from_ms(T0 + 1000))]
    assert whole.endswith("-20170614070933")


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"odometer": 1200.5, "ignition": True, "engine_speed": 1800.0, "fuel_level": 40.0},
        {"battery_level": 80.0, "charging": "InProgress", "plugged": True, "doors_locked": True},
        {"doors_open": ("driver",), "acceleration": -1.5, "speed": 30.0},
        {"fuel_level": 12.0, "telemetry": {"environment": {"air": {"temp": 12.5}}, "vehicle": {"fuel": {"level": 11}}}},
    ],
)
def test_the_paths_handed_over_are_the_documents_leaves(fields: dict[str, Any]) -> None:
    from connectedcar.domain.reports import Report
    from connectedcar.domain.telemetry import leaf_paths
    from connectedcar.engine.telemetry import document

    doc, paths = document(Report("V", 0, **fields), True, 500.0, 300.0, with_energy=True)
    handed = paths.strip("|").split("|") if paths != "||" else []
    assert len(handed) == len(set(handed)) and set(handed) == set(leaf_paths(doc))
