"""The telemetry document of one report, in seed 000's shape, with only the properties it carried."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectedcar.domain.reports import Report

# Report door names -> the spec's DoorsState.opening identifiers
DOOR_IDENTIFIERS = (
    ("driver", "Driver"),
    ("passenger", "Passenger"),
    ("rearLeft", "RearLeft"),
    ("rearRight", "RearRight"),
    ("trunk", "Trunk"),
    ("rearWindow", "RearWindow"),
    ("roof", "RoofWindow"),
)


def merge(into: dict[str, Any], extra: Mapping[str, Any]) -> None:
    """Deep-merge extra into a document; extra's values win (objects merge, arrays are replaced)."""
    for key, value in extra.items():
        mine = into.get(key)
        if isinstance(value, Mapping) and isinstance(mine, dict):
            merge(mine, value)
        elif isinstance(value, Mapping):
            copy: dict[str, Any] = {}
            merge(copy, value)
            into[key] = copy
        else:
            into[key] = value


def document(
    report: Report,
    moving: bool | None,
    fuel_autonomy: float | None,
    energy_autonomy: float | None,
    with_energy: bool,
) -> dict[str, Any]:
    """vehicle.{odometer, moving, running, engines, fuel, energy, doorsState, acceleration} from the report,
    then report.telemetry merged over it."""
    vehicle: dict[str, Any] = {}
    if report.odometer is not None:
        vehicle["odometer"] = report.odometer
    if moving is not None:
        vehicle["moving"] = moving
    if report.ignition is not None:
        vehicle["running"] = report.ignition
    if report.engine_speed is not None:
        vehicle["engines"] = [{"speed": report.engine_speed}]
    if report.fuel_level is not None:
        fuel: dict[str, Any] = {"level": report.fuel_level}
        if fuel_autonomy is not None:
            fuel["autonomy"] = fuel_autonomy
        vehicle["fuel"] = fuel
    if with_energy and (report.battery_level is not None or report.charging is not None or report.plugged is not None):
        energy: dict[str, Any] = {}
        if report.battery_level is not None:
            energy["level"] = report.battery_level
            if energy_autonomy is not None:
                energy["autonomy"] = energy_autonomy
        if report.charging is not None or report.plugged is not None:
            charging: dict[str, Any] = {}
            if report.charging is not None:
                charging["status"] = report.charging
            if report.plugged is not None:
                charging["plugged"] = report.plugged
            energy["charging"] = charging
        vehicle["energy"] = energy
    if report.doors_locked is not None or report.doors_open is not None:
        doors: dict[str, Any] = {}
        if report.doors_locked is not None:
            doors["lockedState"] = ["Locked" if report.doors_locked else "Unlocked"]
        if report.doors_open is not None:
            open_doors = report.doors_open
            doors["opening"] = [
                {"identifier": ident, "state": "Open" if name in open_doors else "Closed"}
                for name, ident in DOOR_IDENTIFIERS
            ]
        vehicle["doorsState"] = doors
    if report.acceleration is not None:
        vehicle["acceleration"] = {"longitudinal": report.acceleration}
    doc: dict[str, Any] = {"vehicle": vehicle} if vehicle else {}
    if report.telemetry:
        merge(doc, report.telemetry)
    return doc
