"""Telemetry in the fleet specs' shape.

The platform stores each report's telemetry in seed 000's shape (vehicle.fuel.level, vehicle.running,
vehicle.adas.acc ...); the fleet specs' Telemetry object groups the same facts differently
(vehicle.energies[], vehicle.ignition, vehicle.adas.accr ...), and v2 and v3 differ in a few names.
`document` translates one stored document; TYPES_V2 and TYPES_V3 say which stored paths each of the
specs' `type` values reads, so that the store can leave out the records that carry none of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from connectedcar.api.errors import InvalidParameter
from connectedcar.api.fleet.params import split_values
from connectedcar.domain import telemetry as catalogue
from connectedcar.domain.timefmt import format_ms, to_ms

# The specs' TelemetryEnum (v2, then what v3 adds), each with the stored paths it is made from.
# An empty tuple: the platform does not measure it (privacy, battery voltage, driving mode, alarm,
# wiping blades), so asking only for those finds nothing.
_COMMON: dict[str, tuple[str, ...]] = {
    "environment": ("environment",),
    "privacy": (),
    "vehicle": ("vehicle", "passenger"),
    "vehicle.battery": (),
    "vehicle.doorsState": ("vehicle.doorsState",),
    "vehicle.energies": ("vehicle.fuel", "vehicle.energy"),
    "vehicle.engines": ("vehicle.engines",),
    "vehicle.ignition": ("vehicle.running", "vehicle.ignition"),
    "vehicle.safety": ("passenger.seatbelt",),
    "vehicle.drivingBehavior": (),
}
TYPES_V2: dict[str, tuple[str, ...]] = {
    **_COMMON,
    "vehicle.adas": ("vehicle.adas",),
    "vehicle.lighting": ("vehicle.lightingSystem",),
    "vehicle.transmission": ("vehicle.transmission",),
}
TYPES_V3: dict[str, tuple[str, ...]] = {
    **_COMMON,
    # v3 moves the recommended gear into adas (rgi)
    "vehicle.adas": ("vehicle.adas", "vehicle.transmission.gearbox.gear.recommended"),
    # v3 deprecates `lighting` for `lightingSystem`: both read the same, answered as lightingSystem
    "vehicle.lighting": ("vehicle.lightingSystem",),
    "vehicle.lightingSystem": ("vehicle.lightingSystem",),
    "vehicle.transmission": ("vehicle.transmission.gearbox.mode",),
    "vehicle.alarm.status": (),
    "vehicle.alarm.trigger": (),
    "vehicle.wipingBlades": (),
}
# The `extension` values: data added under _embedded.extension (v2 has all four, v3 the first two).
EXTENSIONS = ("location", "maintenance", "odometer", "kinetic")


def parse_types(values: Iterable[str], *, v2: bool) -> list[str]:
    """The `type` values asked for, in order and without repeats; an unknown one is a 400."""
    known = TYPES_V2 if v2 else TYPES_V3
    asked = [value.removesuffix(".") for value in split_values(values)]
    for value in asked:
        if value not in known:
            raise InvalidParameter("type", f"expected some of {', '.join(known)}, got {value[:80]!r}")
    return list(dict.fromkeys(asked))


def parse_extensions(values: Iterable[str]) -> list[str]:
    asked = list(dict.fromkeys(split_values(values)))
    for value in asked:
        if value not in EXTENSIONS:
            raise InvalidParameter("extension", f"expected some of {', '.join(EXTENSIONS)}, got {value[:40]!r}")
    return asked


def stored_paths(types: Iterable[str], *, v2: bool) -> list[str]:
    """The stored paths the asked types read (for the store's filter)."""
    known = TYPES_V2 if v2 else TYPES_V3
    return list(dict.fromkeys(path for kind in types for path in known[kind]))


def selection(types: Iterable[str], *, v2: bool) -> list[str]:
    """The paths of the fleet document to answer with."""
    return ["vehicle.lightingSystem" if t == "vehicle.lighting" and not v2 else t for t in types]


# -- the translation ------------------------------------------------------------------------------

_GMP_STATUS = {"NotRunning", "Starting", "Running", "Stopping", "Stopped"}


def _date(value: datetime) -> str:
    return str(format_ms(to_ms(value)))


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def part(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """data[key] when it is an object, else an empty one."""
    return _obj(data.get(key))


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != {} and value != []:
        target[key] = value


def _integer(value: Any) -> int | None:
    return round(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _listed(value: Any) -> list[Any] | None:
    if value is None:
        return None
    return list(value) if isinstance(value, list) else [value]


def _engines(stored: Any) -> list[dict[str, Any]]:
    engines: list[dict[str, Any]] = []
    for item in stored if isinstance(stored, list) else []:
        source = _obj(item)
        engine: dict[str, Any] = {"type": "Thermic"}
        _put(engine, "speed", source.get("speed"))
        if source.get("status") in _GMP_STATUS:
            engine["gmpStatus"] = source["status"]
        thermic: dict[str, Any] = {}
        coolant, oil = _obj(source.get("coolant")), _obj(source.get("oil"))
        _put(thermic, "coolant", {k: v for k, v in (("temp", coolant.get("temp")),) if v is not None})
        oil_part = {"level": _integer(oil.get("level")), "temp": oil.get("temp")}
        _put(thermic, "oil", {k: v for k, v in oil_part.items() if v is not None})
        if thermic:
            engine["extension"] = {"thermic": thermic}
        if len(engine) > 1:
            engines.append(engine)
    return engines


def _energies(vehicle: Mapping[str, Any], v2: bool) -> list[dict[str, Any]]:
    energies: list[dict[str, Any]] = []
    fuel = _obj(vehicle.get("fuel"))
    if fuel:
        item: dict[str, Any] = {"type": "Fuel", "subType": "FossilEnergy"}
        _put(item, "level", fuel.get("level"))
        _put(item, "autonomy", _integer(fuel.get("autonomy")))
        if fuel.get("consumption") is not None:
            # seed 000: the instant consumption
            consumption = (
                {"consumption": fuel["consumption"]} if v2 else {"consumptions": {"instant": fuel["consumption"]}}
            )
            item["extension"] = {"fuel": consumption}
        energies.append(item)
    energy = _obj(vehicle.get("energy"))
    if energy:
        item = {"type": "Electric", "subType": "ElectricEnergy"}
        _put(item, "level", energy.get("level"))
        _put(item, "autonomy", _integer(energy.get("autonomy")))
        charging = {k: v for k, v in _obj(energy.get("charging")).items() if v is not None}
        if charging:
            item["extension"] = {"electric": {"charging": charging}}
        energies.append(item)
    return energies


def _ignition(vehicle: Mapping[str, Any], created_at: str) -> dict[str, Any] | None:
    stored = vehicle.get("ignition")
    if isinstance(stored, str):
        return {"type": stored, "createdAt": created_at}
    if isinstance(stored, Mapping) and stored.get("type"):
        return {**stored, "createdAt": stored.get("createdAt") or created_at}
    running = vehicle.get("running")
    if isinstance(running, bool):
        return {"type": "Start" if running else "Stop", "createdAt": created_at}
    return None


def _doors(stored: Mapping[str, Any], v2: bool) -> dict[str, Any]:
    doors: dict[str, Any] = {}
    locked = _listed(stored.get("lockedState"))
    if locked:
        # v2's DoorsState has one lockedState; v3's a list of lockedStates
        doors.update({"lockedState": locked[0]} if v2 else {"lockedStates": locked})
    _put(doors, "opening", stored.get("opening"))
    return doors


def _transmission(stored: Mapping[str, Any], v2: bool) -> dict[str, Any]:
    gearbox = _obj(stored.get("gearbox"))
    out: dict[str, Any] = {}
    _put(out, "mode", {k: v for k, v in _obj(gearbox.get("mode")).items() if v is not None})
    recommended = _obj(gearbox.get("gear")).get("recommended")
    if v2 and recommended is not None:
        out["gear"] = {"recommended": recommended}
    return {"gearbox": out} if out else {}


_ADAS_SAME = ("lvv", "rvv", "aebs", "afil", "artiv", "bsm", "esp", "abs", "fse", "sli")


def _adas(vehicle: Mapping[str, Any], v2: bool) -> dict[str, Any]:
    stored = _obj(vehicle.get("adas"))
    adas: dict[str, Any] = {}
    park = _obj(stored.get("parkAssist"))
    _put(adas, "parkAssist", {k: _listed(park.get(k)) for k in ("front", "rear") if park.get(k) is not None})
    _put(adas, "accr", stored.get("acc"))
    for key in _ADAS_SAME:
        _put(adas, key, stored.get(key))
    lka = _obj(stored.get("lka"))
    _put(adas, "rlka", lka.get("right"))
    _put(adas, "lrka" if v2 else "llka", lka.get("left"))
    if not v2:
        gear = _obj(_obj(_obj(vehicle.get("transmission")).get("gearbox")).get("gear"))
        _put(adas, "rgi", gear.get("recommended"))
    return adas


def _lighting(stored: Mapping[str, Any], v2: bool) -> tuple[str, dict[str, Any]]:
    turn = _obj(_obj(stored.get("signal")).get("turn"))
    fog = _obj(stored.get("foglight"))
    if v2:
        lighting: dict[str, Any] = {}
        _put(lighting, "turn", [side.title() for side in ("left", "right") if turn.get(side) is True])
        _put(lighting, "light", [side.title() for side in ("front", "rear") if fog.get(side) is True])
        # Every lamp known and off is said as empty lists rather than dropped.
        if not lighting and (turn or fog):
            lighting = {"turn": [], "light": []}
        return "lighting", lighting
    system: dict[str, Any] = {}
    on_off = {True: "On", False: "Off"}
    turns = [{"direction": s.title(), "status": on_off[turn[s]]} for s in ("left", "right") if turn.get(s) in on_off]
    fogs = [{"position": s.title(), "status": on_off[fog[s]]} for s in ("front", "rear") if fog.get(s) in on_off]
    _put(system, "turn", turns)
    _put(system, "fog", fogs)
    return "lightingSystem", system


def _safety(passenger: Mapping[str, Any], v2: bool) -> dict[str, Any]:
    unbuckled = _obj(passenger.get("seatbelt")).get("unbuckled")
    if not isinstance(unbuckled, bool):
        return {}
    belt = "Omission" if unbuckled else "Normal"
    return {"beltWarning": belt} if v2 else {"beltStatus": [{"belt": belt}]}


def kinetic(vehicle: Mapping[str, Any]) -> dict[str, Any]:
    kinetic: dict[str, Any] = {}
    _put(kinetic, "acceleration", _obj(vehicle.get("acceleration")).get("longitudinal"))
    _put(kinetic, "moving", vehicle.get("moving"))
    return kinetic


def document(data: Mapping[str, Any], recorded_at: datetime, *, v2: bool) -> dict[str, Any]:
    """One stored telemetry document in the fleet spec's Telemetry shape (only what it carried).

    Stored properties the fleet specs have no place for (vehicle.brakingSystem, vehicle.energy.type and
    .consumption) are left out."""
    stored = _obj(data.get("vehicle"))
    created_at = _date(recorded_at)
    vehicle: dict[str, Any] = {}
    _put(vehicle, "engines", _engines(stored.get("engines")))
    _put(vehicle, "energies", _energies(stored, v2))
    _put(vehicle, "transmission", _transmission(_obj(stored.get("transmission")), v2))
    _put(vehicle, "adas", _adas(stored, v2))
    name, lighting = _lighting(_obj(stored.get("lightingSystem")), v2)
    _put(vehicle, name, lighting)
    _put(vehicle, "ignition", _ignition(stored, created_at))
    _put(vehicle, "doorsState", _doors(_obj(stored.get("doorsState")), v2))
    _put(vehicle, "safety", _safety(_obj(data.get("passenger")), v2))
    if stored.get("odometer") is not None:
        vehicle["odometer"] = {"mileage": stored["odometer"]}
    _put(vehicle, "kinetic", kinetic(stored))
    out: dict[str, Any] = {}
    _put(out, "vehicle", vehicle)
    environment = _obj(data.get("environment"))
    if environment:
        out["environment"] = dict(environment)
    return out


def select(document: Mapping[str, Any], types: list[str], *, v2: bool) -> dict[str, Any]:
    """The part of a fleet document the `type` values ask for (all of it when none)."""
    return catalogue.select(document, selection(types, v2=v2)) if types else dict(document)
