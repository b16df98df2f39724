"""Alerts and collisions: rare things that happen while driving. Random alerts come from the
catalogue (weighted towards low severity, filtered by powertrain), stay on for a while and clear;
collisions are very rare and mostly minor. Driving time to the next event is drawn ahead
(exponential), so an uneventful second costs one subtraction."""

from __future__ import annotations

import random
from dataclasses import dataclass

from connectedcar.domain.alerts import CATALOGUE
from connectedcar.domain.reports import CollisionReport
from connectedcar.simulator.environment import HOUR_MS, MINUTE_MS

# Raised by the vehicle from its own state, never at random.
STATE_ALERTS = frozenset({"fuelLevelAlarm", "batteryLevelFault"})
_ENGINE_ONLY = frozenset(
    {
        "alertOilPressure",
        "alertCoolantTemp",
        "alertCoolantLevel",
        "engineFault",
        "waterInGasoil",
        "riskOfParticleFilterBlockage",
        "particleFilterAdditiveTooLow",
        "antipollutionFault",
        "tupUpAdBlue",
        "longPushToUnlockTankFault",
        "preaheatingDeactivatedFuelLevelTooLow",
    }
)
_DIESEL_OR_ICE_ONLY = frozenset(
    {"waterInGasoil", "riskOfParticleFilterBlockage", "particleFilterAdditiveTooLow", "tupUpAdBlue"}
)
_BATTERY_ONLY = frozenset({"chargingSystemFault", "electricModeNotAvailable"})
_HYBRID_ONLY = frozenset({"hybridSystemFault", "hybridSystemFaultRepairedTheVehicle", "electricModeNotAvailable"})
_TYRES = frozenset({"adjustTyrePressure", "tyreUnderInflation"})
_SEVERITY_WEIGHT = {"low": 12.0, "medium": 4.0, "high": 0.6}
_MEAN_DURATION_H = {"low": 10.0, "medium": 30.0, "high": 3.0}


@dataclass(frozen=True, slots=True)
class EventRates:
    """How often rare things happen, in mean hours of driving between two of them per vehicle."""

    alert_driving_h: float = 4.0  # a vehicle driving 1-2 h a day raises one every few days
    collision_driving_h: float = 3_000.0

    @classmethod
    def lively(cls) -> EventRates:
        """For demos: alerts every driving hour or two, the odd collision within an hour of a
        20-vehicle fleet at --speed 60."""
        return cls(alert_driving_h=1.5, collision_driving_h=12.0)


def alert_pool(energy: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The alert types a vehicle of this energy can raise at random, with their weights."""
    types: list[str] = []
    weights: list[float] = []
    for kind in CATALOGUE.values():
        t = kind.type
        if t in STATE_ALERTS or kind.category == "doors":
            continue
        if energy == "Electric" and t in _ENGINE_ONLY:
            continue
        if energy != "Fuel" and t in _DIESEL_OR_ICE_ONLY:
            continue
        if energy == "Fuel" and t in _BATTERY_ONLY | _HYBRID_ONLY:
            continue
        if energy == "Electric" and t in _HYBRID_ONLY:
            continue
        types.append(t)
        weights.append(_SEVERITY_WEIGHT[kind.severity] * (6.0 if t in _TYRES else 1.0))
    return tuple(types), tuple(weights)


_POOLS = {energy: alert_pool(energy) for energy in ("Fuel", "Electric", "Hybrid")}


class VehicleEvents:
    """One vehicle's alerts in force and its countdowns to the next random alert and collision."""

    __slots__ = ("_active", "_next_clear_ms", "_pool", "_rng", "alert_in_s", "collision_in_s", "rates")

    def __init__(self, rng: random.Random, energy: str, rates: EventRates) -> None:
        self._rng = rng
        self._pool = _POOLS[energy]
        self.rates = rates
        self._active: dict[str, int] = {}  # alert type -> when it clears (ms); 0: clears on demand
        self._next_clear_ms = 1 << 62
        self.alert_in_s = rng.expovariate(1.0 / (rates.alert_driving_h * 3600.0))
        self.collision_in_s = rng.expovariate(1.0 / (rates.collision_driving_h * 3600.0))

    @property
    def active(self) -> frozenset[str]:
        return frozenset(self._active)

    def raise_random(self, at_ms: int) -> str | None:
        """Called when alert_in_s has run out: pick an alert not already on, and draw the next."""
        rng = self._rng
        self.alert_in_s = rng.expovariate(1.0 / (self.rates.alert_driving_h * 3600.0))
        types, weights = self._pool
        alert = rng.choices(types, weights)[0]
        if alert in self._active:
            return None
        severity = CATALOGUE[alert].severity
        duration = rng.expovariate(1.0 / _MEAN_DURATION_H[severity]) * HOUR_MS
        self.schedule(alert, at_ms + max(5 * MINUTE_MS, int(duration)))
        return alert

    def schedule(self, alert: str, clear_ms: int) -> None:
        self._active[alert] = clear_ms
        if 0 < clear_ms < self._next_clear_ms:
            self._next_clear_ms = clear_ms

    def raise_state(self, alert: str) -> bool:
        """A state alert (fuel low ...): on until clear_state; True if it was not already on."""
        if alert in self._active:
            return False
        self._active[alert] = 0
        return True

    def clear_state(self, alert: str) -> bool:
        if self._active.get(alert) == 0:
            del self._active[alert]
            return True
        return False

    def clear_tyres(self) -> tuple[str, ...]:
        """Tyre pressures adjusted (at a fuel station): their alerts clear now."""
        cleared = tuple(t for t in self._active if t in _TYRES)
        for t in cleared:
            del self._active[t]
        return cleared

    def due_clears(self, at_ms: int) -> tuple[str, ...]:
        if at_ms < self._next_clear_ms:
            return ()
        cleared = tuple(t for t, when in self._active.items() if 0 < when <= at_ms)
        for t in cleared:
            del self._active[t]
        self._next_clear_ms = min((w for w in self._active.values() if w > 0), default=1 << 62)
        return cleared

    def collision(self) -> CollisionReport:
        """A collision's levels: mostly a minor bump on one side, rarely worse."""
        rng = self._rng
        self.collision_in_s = rng.expovariate(1.0 / (self.rates.collision_driving_h * 3600.0))
        level = rng.choices(("FIXABLE", "LOW", "MEDIUM", "HIGH"), weights=(50, 30, 15, 5))[0]
        side = rng.choices(("front", "rear", "lateral"), weights=(45, 35, 20))[0]
        levels = {"front": "NONE", "rear": "NONE", "lateral": "NONE", side: level}
        if level == "HIGH" and rng.random() < 0.3:
            levels[rng.choice([s for s in ("front", "rear", "lateral") if s != side])] = "MEDIUM"
        return CollisionReport(
            front=levels["front"],
            rear=levels["rear"],
            lateral=levels["lateral"],
            roll_over=level == "HIGH" and rng.random() < 0.15,
            pedestrian=side == "front" and rng.random() < 0.03,
        )
