"""The data names a data trigger may watch (union of the fleet v2, v3 and b2c v4 specs' enums), their
value kind, the operators the spec's table allows for each, and how each is read from a Report.

Names that Reports do not carry yet (autonomy, trip, maintenance, air temperature, privacy...) are
accepted but never known, so their triggers stay false.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from connectedcar.domain.reports import CHARGING_STATUSES, COLLISION_LEVELS, Report

NUMBER = "number"
BOOLEAN = "boolean"
ENUM = "enum"  # strings, from `choices` when it is not empty
LIST = "list"  # a set of strings (vehicle.alert)
OPAQUE = "opaque"  # onChange only

_CMP = frozenset({"equalsTo", "greaterThan", "lowerThan"})
_ENUM_ALL = frozenset({"equalsTo", "onChange", "includedIn"})
_FLAG = frozenset({"equalsTo", "onChange"})
_CHANGE = frozenset({"onChange"})
_PICK = frozenset({"equalsTo", "includedIn"})

TRIP_STATES = ("Nominal", "Unstarted", "DataLacking", "Unfinished")


@dataclass(frozen=True, slots=True)
class DataSpec:
    kind: str
    ops: frozenset[str]
    choices: tuple[str, ...] = ()
    previous: bool = False  # may carry a `previous` condition (b2c v4 table)


DATA: dict[str, DataSpec] = {
    "vehicle.alert": DataSpec(LIST, frozenset({"onChange", "includedIn", "equalsTo"}), previous=True),
    "vehicle.odometer": DataSpec(NUMBER, _CMP),
    "vehicle.powertrain.status": DataSpec(ENUM, _ENUM_ALL),
    "vehicle.engines.running": DataSpec(BOOLEAN, _FLAG, previous=True),
    "vehicle.engines.thermic.oil.temp": DataSpec(NUMBER, _CMP),
    "vehicle.energy.electric.level": DataSpec(NUMBER, _CMP),
    "vehicle.energy.electric.autonomy": DataSpec(NUMBER, _CMP),
    "vehicle.energy.fuel.level": DataSpec(NUMBER, _CMP),
    "vehicle.energy.fuel.autonomy": DataSpec(NUMBER, _CMP),
    "vehicle.autonomy": DataSpec(NUMBER, _CMP),
    "vehicle.energy.charging.status": DataSpec(ENUM, _ENUM_ALL, CHARGING_STATUSES, previous=True),
    "vehicle.energy.charging.plugged": DataSpec(BOOLEAN, _FLAG, previous=True),
    "vehicle.energy.charging.type": DataSpec(ENUM, _FLAG),
    "vehicle.doorsState.lockedState": DataSpec(OPAQUE, _CHANGE),
    "vehicle.doorsState.opening": DataSpec(OPAQUE, _CHANGE),
    "vehicle.kinetic.moving": DataSpec(BOOLEAN, _FLAG, previous=True),
    "vehicle.kinetic.speed": DataSpec(NUMBER, _CMP),
    "vehicle.trip": DataSpec(OPAQUE, _CHANGE),
    "vehicle.trip.start": DataSpec(OPAQUE, _CHANGE),
    "vehicle.trip.stop": DataSpec(OPAQUE, _CHANGE),
    "vehicle.trip.duration": DataSpec(NUMBER, _CMP),
    "vehicle.trip.distance": DataSpec(NUMBER, _CMP),
    "vehicle.trip.state": DataSpec(ENUM, frozenset({"includedIn"}), TRIP_STATES),
    "vehicle.maintenance.daysBeforeMaintenance": DataSpec(NUMBER, _CMP),
    "vehicle.maintenance.mileageBeforeMaintenance": DataSpec(NUMBER, _CMP),
    "vehicle.safety.beltWarning": DataSpec(ENUM, _FLAG, previous=True),
    "environment.air.temp": DataSpec(NUMBER, _CMP),
    "privacy.state": DataSpec(ENUM, _ENUM_ALL, previous=True),
    "privacy.driverRequestState": DataSpec(ENUM, _ENUM_ALL),
    "vehicle.drivingBehavior.mode": DataSpec(ENUM, _ENUM_ALL, previous=True),
    "vehicle.collision.side": DataSpec(ENUM, _PICK),
    "vehicle.collision.severity": DataSpec(ENUM, _PICK),
    "vehicle.safety.autoECallTriggering": DataSpec(ENUM, _ENUM_ALL, previous=True),
    "vehicle.preconditioning.airConditioning": DataSpec(OPAQUE, _CHANGE),
    "vehicle.alarm.trigger.type": DataSpec(ENUM, _ENUM_ALL),
    "vehicle.alarm.status.activation": DataSpec(ENUM, _FLAG),
    "stolen.state": DataSpec(BOOLEAN, _FLAG),
}
OPS = ("equalsTo", "greaterThan", "lowerThan", "includedIn", "onChange")

# A read value is JSON-shaped (it is kept in the monitor state): float, bool, str or a sorted list of str.
Read = Callable[[Report], float | bool | str | list[str] | None]


def _severity(report: Report) -> str | None:
    c = report.collision
    if c is None:
        return None
    return max((c.front, c.rear, c.lateral), key=COLLISION_LEVELS.index)


def _doors(report: Report) -> list[str] | None:
    return None if report.doors_open is None else sorted(report.doors_open)


READERS: dict[str, Read] = {
    "vehicle.odometer": lambda r: r.odometer,
    "vehicle.engines.running": lambda r: r.ignition,
    "vehicle.energy.electric.level": lambda r: r.battery_level,
    "vehicle.energy.fuel.level": lambda r: r.fuel_level,
    "vehicle.energy.charging.status": lambda r: r.charging,
    "vehicle.energy.charging.plugged": lambda r: r.plugged,
    "vehicle.doorsState.lockedState": lambda r: r.doors_locked,
    "vehicle.doorsState.opening": _doors,
    "vehicle.kinetic.moving": lambda r: None if r.speed is None else r.speed > 0.0,
    "vehicle.kinetic.speed": lambda r: r.speed,
    "vehicle.collision.severity": _severity,
}
ALERTS = "vehicle.alert"  # read from alerts_raised / alerts_cleared against the active set in the state
