"""The telemetry document of one report, in seed 000's shape, with only the properties it carried."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectedcar.domain.reports import Report
from connectedcar.domain.telemetry import leaf_paths

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
) -> tuple[dict[str, Any], str]:
    """vehicle.{odometer, moving, running, engines, fuel, energy, doorsState, acceleration} from the report,
    then report.telemetry merged over it; and the document's leaf paths as the store indexes them
    ("|vehicle.fuel.level|vehicle.moving|"), collected while building rather than by walking it again."""
    vehicle: dict[str, Any] = {}
    paths: list[str] = []
    if report.odometer is not None:
        vehicle["odometer"] = report.odometer
        paths.append("vehicle.odometer")
    if moving is not None:
        vehicle["moving"] = moving
        paths.append("vehicle.moving")
    if report.ignition is not None:
        vehicle["running"] = report.ignition
        paths.append("vehicle.running")
    if report.engine_speed is not None:
        vehicle["engines"] = [{"speed": report.engine_speed}]
        paths.append("vehicle.engines.speed")
    if report.fuel_level is not None:
        fuel: dict[str, Any] = {"level": report.fuel_level}
        paths.append("vehicle.fuel.level")
        if fuel_autonomy is not None:
            fuel["autonomy"] = fuel_autonomy
            paths.append("vehicle.fuel.autonomy")
        vehicle["fuel"] = fuel
    if with_energy and (report.battery_level is not None or report.charging is not None or report.plugged is not None):
        energy: dict[str, Any] = {}
        if report.battery_level is not None:
            energy["level"] = report.battery_level
            paths.append("vehicle.energy.level")
            if energy_autonomy is not None:
                energy["autonomy"] = energy_autonomy
                paths.append("vehicle.energy.autonomy")
        if report.charging is not None or report.plugged is not None:
            charging: dict[str, Any] = {}
            if report.charging is not None:
                charging["status"] = report.charging
                paths.append("vehicle.energy.charging.status")
            if report.plugged is not None:
                charging["plugged"] = report.plugged
                paths.append("vehicle.energy.charging.plugged")
            energy["charging"] = charging
        vehicle["energy"] = energy
    if report.doors_locked is not None or report.doors_open is not None:
        doors: dict[str, Any] = {}
        if report.doors_locked is not None:
            doors["lockedState"] = ["Locked" if report.doors_locked else "Unlocked"]
            paths.append("vehicle.doorsState.lockedState")
        if report.doors_open is not None:
            open_doors = report.doors_open
            paths += ("vehicle.doorsState.opening.identifier", "vehicle.doorsState.opening.state")
            doors["opening"] = [
                {"identifier": ident, "state": "Open" if name in open_doors else "Closed"}
                for name, ident in DOOR_IDENTIFIERS
            ]
        vehicle["doorsState"] = doors
    if report.acceleration is not None:
        vehicle["acceleration"] = {"longitudinal": report.acceleration}
        paths.append("vehicle.acceleration.longitudinal")
    doc: dict[str, Any] = {"vehicle": vehicle} if vehicle else {}
    if report.telemetry:
        merge(doc, report.telemetry)
        paths = sorted(set(paths).union(leaf_paths(report.telemetry)))
    # The report's own paths are distinct by construction; their order does not matter to the store.
    return doc, "|" + "|".join(paths) + "|"
