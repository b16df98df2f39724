"""The telemetry property catalogue: every dot-notation path a telemetry object may carry.

From seed 000's telemetry property table and the v2 spec's TelemetryEnum. The `type` filter of the
telemetry endpoints accepts exactly these paths (and any object path above them, e.g. `vehicle.fuel`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

LEAF_PATHS: frozenset[str] = frozenset(
    {
        "vehicle.odometer",
        "vehicle.moving",
        "vehicle.running",
        "vehicle.engines.coolant.temp",
        "vehicle.engines.oil.temp",
        "vehicle.engines.oil.level",
        "vehicle.engines.speed",
        "vehicle.engines.status",
        "vehicle.fuel.level",
        "vehicle.fuel.consumption",
        "vehicle.fuel.autonomy",
        "vehicle.energy.type",
        "vehicle.energy.level",
        "vehicle.energy.consumption",
        "vehicle.energy.autonomy",
        "vehicle.energy.charging.status",
        "vehicle.energy.charging.plugged",
        "vehicle.energy.charging.remainingTime",
        "vehicle.energy.charging.chargingRate",
        "vehicle.energy.charging.chargingMode",
        "vehicle.energy.charging.nextDelayedTime",
        "vehicle.ignition",
        "vehicle.doorsState.lockedState",
        # Not in seed 000's table: the Fleet v3 Status model's preconditioning, so that a remote
        # preconditioning shows in the vehicle's status (issue 5).
        "vehicle.preconditioning.airConditioning.status",
        "vehicle.doorsState.opening",
        "vehicle.brakingSystem.status",
        "vehicle.brakingSystem.parking",
        "vehicle.transmission.gearbox.gear.recommended",
        "vehicle.transmission.gearbox.mode.automatic",
        "vehicle.transmission.gearbox.mode.sport",
        "vehicle.transmission.gearbox.mode.snow",
        "vehicle.adas.parkAssist.front",
        "vehicle.adas.parkAssist.rear",
        "vehicle.adas.acc",
        "vehicle.adas.lvv",
        "vehicle.adas.rvv",
        "vehicle.adas.aebs",
        "vehicle.adas.afil",
        "vehicle.adas.artiv",
        "vehicle.adas.bsm",
        "vehicle.adas.esp",
        "vehicle.adas.abs",
        "vehicle.adas.fse",
        "vehicle.adas.sli",
        "vehicle.adas.lka.right",
        "vehicle.adas.lka.left",
        "vehicle.acceleration.longitudinal",
        "vehicle.lightingSystem.signal.turn.left",
        "vehicle.lightingSystem.signal.turn.right",
        "vehicle.lightingSystem.foglight.front",
        "vehicle.lightingSystem.foglight.rear",
        "passenger.seatbelt.unbuckled",
        "environment.luminosity.day",
        "environment.air.temp",
    }
)


def _prefixes(path: str) -> Iterator[str]:
    parts = path.split(".")
    for i in range(1, len(parts) + 1):
        yield ".".join(parts[:i])


KNOWN_PATHS: frozenset[str] = frozenset(p for leaf in LEAF_PATHS for p in _prefixes(leaf))


def leaf_paths(document: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Dot paths of the leaves of a telemetry document; arrays of objects (engines) are looked through,
    arrays of values are leaves.

    Iterative: it runs for every telemetry record written, tens of thousands a second."""
    found: list[str] = []
    stack: list[tuple[str, Mapping[str, Any]]] = [(prefix, document)]
    while stack:
        base, node = stack.pop()
        for key, value in node.items():
            if isinstance(value, dict):
                stack.append((f"{base}{key}.", value))
            elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
                stack.extend((f"{base}{key}.", item) for item in value)
            else:  # a value, or an array of values (lockedState: ["Locked"])
                found.append(base + key)
    return found


def select(document: Mapping[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    """The part of a telemetry document under the given paths, keeping its nesting (and arrays)."""
    out: dict[str, Any] = {}
    for path in paths:
        _copy_path(document, out, path.split("."))
    return out


def _copy_path(src: Mapping[str, Any], dst: dict[str, Any], parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if head not in src:
        return
    value = src[head]
    if not rest:
        dst[head] = value
        return
    if isinstance(value, Mapping):
        child = dst.setdefault(head, {})
        if isinstance(child, dict):
            _copy_path(value, child, rest)
            if not child:
                del dst[head]
    elif isinstance(value, list):
        existing = dst.get(head)
        items: list[Any] = existing if isinstance(existing, list) else [{} for _ in value]
        for item, target in zip(value, items, strict=True):
            if isinstance(item, Mapping) and isinstance(target, dict):
                _copy_path(item, target, rest)
        if any(items):
            dst[head] = items
