"""The extensions an event carries (extendedEventParam): the vehicle's data as known when it fired.

Built from the pipeline's state of the vehicle, as it stood right after the report that fired (or at
the tick): vehicle.position, vehicle.alerts, vehicle.status, vehicle.doorsState, vehicle.maintenance and
vehicle.trip. The others (telemetry, collisions, stolen) are accepted and not yet attached: the
fidelity notes say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connectedcar.domain.timefmt import format_ms
from connectedcar.engine.state import Fix, VehicleState


def position(fix: Fix) -> dict[str, Any]:
    coordinates = [fix.lon, fix.lat] if fix.alt is None else [fix.lon, fix.lat, fix.alt]
    properties: dict[str, Any] = {"updatedAt": format_ms(fix.at_ms)}
    if fix.heading is not None:
        properties["heading"] = fix.heading
    if fix.speed is not None:
        properties["speed"] = fix.speed
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": coordinates}, "properties": properties}


def alerts(state: VehicleState) -> list[dict[str, Any]]:
    return [
        {"id": mark.id, "type": name, "active": True, "startedAt": format_ms(mark.started_ms)}
        for name, mark in sorted(state.active_alerts.items())
    ]


def doors(state: VehicleState) -> dict[str, Any] | None:
    if state.doors_locked is None and state.doors_open is None:
        return None
    body: dict[str, Any] = {"updatedAt": format_ms(state.last_at_ms)}
    if state.doors_locked is not None:
        body["lockedState"] = ["Locked" if state.doors_locked else "Unlocked"]
    if state.doors_open is not None:
        body["opening"] = [{"identifier": d, "state": "Open"} for d in state.doors_open]
    return body


def status(state: VehicleState) -> dict[str, Any]:
    body: dict[str, Any] = {"updatedAt": format_ms(state.last_at_ms)}
    if state.last_fix is not None:
        body["lastPosition"] = position(state.last_fix)
    if state.ignition is not None:
        body["ignition"] = {"type": "StartUp" if state.ignition else "Stop"}
    energies: list[dict[str, Any]] = []
    if state.fuel_level is not None:
        fuel: dict[str, Any] = {"type": "Fuel", "level": state.fuel_level}
        if state.fuel_autonomy is not None:
            fuel["autonomy"] = state.fuel_autonomy
        energies.append(fuel)
    if state.battery_level is not None:
        electric: dict[str, Any] = {"type": "Electric", "level": state.battery_level}
        if state.energy_autonomy is not None:
            electric["autonomy"] = state.energy_autonomy
        charging: dict[str, Any] = {}
        if state.plugged is not None:
            charging["plugged"] = state.plugged
        if state.charging is not None:
            charging["status"] = state.charging
        if charging:
            electric["charging"] = charging
        energies.append(electric)
    if energies:
        body["energy"] = energies
    if state.odometer is not None:
        body["odometer"] = {"mileage": round(state.odometer, 1)}
    body["kinetic"] = {"moving": state.moving, **({"speed": state.speed} if state.speed is not None else {})}
    door_state = doors(state)
    if door_state is not None:
        body["doorsState"] = door_state
    if state.battery_voltage is not None:
        body["battery"] = {"voltage": state.battery_voltage}
    return body


def build(names: Sequence[str], state: VehicleState | None) -> tuple[dict[str, Any], ...]:
    """The {type, body} items for these extension names, in the order asked; those with no data are left out."""
    if state is None or not names:
        return ()
    out: list[dict[str, Any]] = []
    for name in names:
        body: Any = None
        if name == "vehicle.position" and state.last_fix is not None:
            body = position(state.last_fix)
        elif name == "vehicle.alerts":
            body = alerts(state)
        elif name == "vehicle.status":
            body = status(state)
        elif name == "vehicle.doorsState":
            body = doors(state)
        elif name == "vehicle.maintenance" and state.maintenance is not None:
            body = {"daysBeforeMaintenance": state.maintenance[0], "mileageBeforeMaintenance": state.maintenance[1]}
        elif name == "vehicle.trip" and state.trip is not None:
            body = {"id": state.trip.id, "startedAt": format_ms(state.trip.started_ms)}
        if body is not None:
            out.append({"type": name, "body": body})
    return tuple(out)
