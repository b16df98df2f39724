"""The per-vehicle state the pipeline carries from one report to the next.

It is mutable on purpose: one consumer owns a vehicle at a time (per-vehicle order), and copying it
for every report would cost more than the rest of the processing. to_json() / from_json() give plain
JSON types so the shells can persist it and resume after a restart, even in the middle of a trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

from connectedcar.engine.ecodriving import EcoAccumulator
from connectedcar.engine.ids import session_of


class Fix(NamedTuple):
    """One known position of the vehicle."""

    at_ms: int
    lat: float
    lon: float
    alt: float | None
    heading: float | None
    speed: float | None


class AlertMark(NamedTuple):
    """An active alert, with what its end must repeat."""

    id: str
    started_ms: int
    lon: float | None
    lat: float | None
    alt: float | None
    heading: float | None
    trip_id: str | None


class FuelEpisode(NamedTuple):
    """A refuel (or theft) in progress while parked: it is reported once the level settles."""

    kind: str  # REFUEL or FUEL_STOLEN
    started_ms: int
    before: float
    after: float
    changed_ms: int


def _fix(data: Any) -> Fix | None:
    return None if data is None else Fix(*data)


@dataclass(slots=True)
class TripState:
    id: str
    seq: int
    started_ms: int
    last_motion_ms: int
    start_fix: Fix | None = None
    refueling: bool = False
    distance_m: float = 0.0
    start_odometer: float | None = None  # only a device's odometer
    start_fuel: float | None = None
    start_battery: float | None = None
    waypoints: int = 0  # how many were emitted; the next one's seq
    last_waypoint: Fix | None = None
    eco: EcoAccumulator = field(default_factory=EcoAccumulator)

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["start_fix"] = None if self.start_fix is None else list(self.start_fix)
        data["last_waypoint"] = None if self.last_waypoint is None else list(self.last_waypoint)
        data["eco"] = self.eco.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TripState:
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["start_fix"] = _fix(data.get("start_fix"))
        values["last_waypoint"] = _fix(data.get("last_waypoint"))
        values["eco"] = EcoAccumulator.from_json(data.get("eco") or {})
        return cls(**values)


@dataclass(slots=True)
class VehicleState:
    vehicle_id: str
    session: int
    last_at_ms: int = -1  # the last report that moved the state
    recent_ms: list[int] = field(default_factory=list)  # times of the last reports seen, against duplicates
    clock_ms: int = -1  # the latest time seen, report or tick: maintenance days never go backwards
    last_fix: Fix | None = None
    ignition: bool | None = None  # None: the device never said (phones): trips follow motion
    moving: bool = False
    speed: float | None = None
    last_motion_ms: int | None = None
    odometer: float | None = None  # km
    odometer_from_device: bool = False  # False: accumulated from distance
    first_odometer: float | None = None
    fuel_level: float | None = None
    fuel_autonomy: float | None = None  # km
    battery_level: float | None = None
    energy_autonomy: float | None = None  # km
    fuel_l_per_100km: float | None = None  # learned from trips
    energy_kwh_per_100km: float | None = None
    battery_voltage: float | None = None
    engine_speed: float | None = None
    doors_locked: bool | None = None
    doors_open: list[str] | None = None
    charging: str | None = None
    plugged: bool | None = None
    trip: TripState | None = None
    trip_seq: int = 0
    last_trip_id: str | None = None
    refuel_pending: bool = False  # a refuel was seen since the last trip
    park_fuel_ref: float | None = None  # the level refuels and thefts are measured from
    fuel_episode: FuelEpisode | None = None
    active_alerts: dict[str, AlertMark] = field(default_factory=dict)
    style_history: list[float] = field(default_factory=list)
    maintenance: list[int] | None = None  # the last [days, mileage] emitted

    @classmethod
    def new(cls, vehicle_id: str) -> VehicleState:
        return cls(vehicle_id=vehicle_id, session=session_of(vehicle_id))

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["recent_ms"] = list(self.recent_ms)
        data["last_fix"] = None if self.last_fix is None else list(self.last_fix)
        data["doors_open"] = None if self.doors_open is None else list(self.doors_open)
        data["trip"] = None if self.trip is None else self.trip.to_json()
        data["fuel_episode"] = None if self.fuel_episode is None else list(self.fuel_episode)
        data["active_alerts"] = {k: list(v) for k, v in self.active_alerts.items()}
        data["style_history"] = list(self.style_history)
        data["maintenance"] = None if self.maintenance is None else list(self.maintenance)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VehicleState:
        """Unknown keys are ignored and missing ones take their defaults, so older states still load."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["last_fix"] = _fix(data.get("last_fix"))
        trip = data.get("trip")
        values["trip"] = None if trip is None else TripState.from_json(trip)
        episode = data.get("fuel_episode")
        values["fuel_episode"] = None if episode is None else FuelEpisode(*episode)
        values["active_alerts"] = {k: AlertMark(*v) for k, v in (data.get("active_alerts") or {}).items()}
        for key in ("recent_ms", "style_history"):
            values[key] = list(data.get(key) or [])
        if "session" not in values:
            values["session"] = session_of(data["vehicle_id"])
        return cls(**values)
