from __future__ import annotations

from typing import Any

import pytest

from connectedcar.domain.telemetry import KNOWN_PATHS, leaf_paths, select

DOC: dict[str, Any] = {
    "vehicle": {
        "moving": True,
        "engines": [{"speed": 800, "oil": {"temp": 90}}],
        "fuel": {"level": 42.5, "autonomy": 510},
    },
    "environment": {"air": {"temp": 12}},
}


def test_leaf_paths_look_through_engine_arrays() -> None:
    assert set(leaf_paths(DOC)) == {
        "vehicle.moving",
        "vehicle.engines.speed",
        "vehicle.engines.oil.temp",
        "vehicle.fuel.level",
        "vehicle.fuel.autonomy",
        "environment.air.temp",
    }


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (["vehicle.fuel.level"], {"vehicle": {"fuel": {"level": 42.5}}}),
        (["vehicle.fuel"], {"vehicle": {"fuel": {"level": 42.5, "autonomy": 510}}}),
        (["vehicle.engines.speed"], {"vehicle": {"engines": [{"speed": 800}]}}),
        (
            ["vehicle.fuel.level", "environment.air.temp"],
            {"vehicle": {"fuel": {"level": 42.5}}, "environment": {"air": {"temp": 12}}},
        ),
        (["vehicle.odometer"], {}),
    ],
)
def test_select_keeps_only_the_asked_properties(paths: list[str], expected: dict[str, Any]) -> None:
    assert select(DOC, paths) == expected


def test_catalogue_knows_leaves_and_their_parents() -> None:
    assert {"vehicle.fuel.level", "vehicle.fuel", "vehicle", "passenger.seatbelt.unbuckled"} <= KNOWN_PATHS
    assert "vehicle.fuel.colour" not in KNOWN_PATHS


def test_an_array_of_values_is_a_leaf() -> None:
    doc = {
        "vehicle": {"doorsState": {"lockedState": ["Locked"], "opening": [{"identifier": "Driver", "state": "Open"}]}}
    }
    assert sorted(leaf_paths(doc)) == [
        "vehicle.doorsState.lockedState",
        "vehicle.doorsState.opening.identifier",
        "vehicle.doorsState.opening.state",
    ]
