"""Energy: autonomy from levels, and refuels and fuel thefts detected while parked.

A refuel is a rise of the fuel level by at least config.refuel_points while no trip is going on; a
theft, a fall by as much. Levels rise over a minute or two at the pump, so an episode opens at the
first crossing and is reported once, when the level has not moved for config.refuel_settle_ms or the
vehicle drives off, with the whole quantity. Charging a battery is not a refuel.
"""

from __future__ import annotations

from connectedcar.domain.entities import Event
from connectedcar.domain.reports import VehicleProfile
from connectedcar.engine.config import PipelineConfig
from connectedcar.engine.ids import fuel_event_id
from connectedcar.engine.outputs import Outputs
from connectedcar.engine.stamps import from_ms
from connectedcar.engine.state import FuelEpisode, VehicleState

REFUEL = "REFUEL"
FUEL_STOLEN = "FUEL_STOLEN"


def autonomy_km(level: float, capacity: float, per_100km: float) -> float:
    """km left: level (%) × capacity (l or kWh) / consumption (per 100 km)."""
    return round(level * capacity / per_100km, 1) if per_100km > 0 else 0.0


def watch_parked(state: VehicleState, level: float, at_ms: int, config: PipelineConfig) -> None:
    """A fuel level read while parked: open or extend a refuel or theft episode."""
    ref = state.park_fuel_ref
    if ref is None:
        state.park_fuel_ref = level
        return
    episode = state.fuel_episode
    if episode is None:
        delta = level - ref
        if delta >= config.refuel_points:
            state.fuel_episode = FuelEpisode(REFUEL, at_ms, ref, level, at_ms)
        elif delta <= -config.refuel_points:
            state.fuel_episode = FuelEpisode(FUEL_STOLEN, at_ms, ref, level, at_ms)
    elif (episode.kind == REFUEL and level > episode.after) or (episode.kind == FUEL_STOLEN and level < episode.after):
        state.fuel_episode = episode._replace(after=level, changed_ms=at_ms)


def settle(
    state: VehicleState, profile: VehicleProfile, now_ms: int, force: bool, out: Outputs, config: PipelineConfig
) -> None:
    """Report the open episode if it is over (or force it over: the vehicle drives off)."""
    episode = state.fuel_episode
    if episode is None or not (force or now_ms - episode.changed_ms >= config.refuel_settle_ms):
        return
    state.fuel_episode = None
    state.park_fuel_ref = episode.after
    litres = round(abs(episode.after - episode.before) * profile.tank_litres / 100.0, 2)
    event_id = fuel_event_id(state.vehicle_id, episode.kind, episode.started_ms)
    when = from_ms(episode.started_ms)
    out.events.append(
        Event(
            id=event_id,
            vehicle_id=state.vehicle_id,
            type=episode.kind,
            event_id=event_id,
            created_at=when,
            data={"litres": litres, "levelBefore": episode.before, "levelAfter": episode.after},
            updated_at=from_ms(episode.changed_ms),
        )
    )
    if episode.kind == REFUEL:
        state.refuel_pending = True
