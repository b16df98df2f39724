"""Eco-driving: per-trip accumulators fed by every sample, and the scores of seed 000 at the trip's end.

Scores go from 0 to 10, higher is better; 999999 means "not applicable" (seed 000 shows it for
stopAndStart). Each detailed score is 10·exp(-k·x) of a rate x that is 0 for a perfect driver:
- acceleration: harsh accelerations (> 2.5 m/s², one per episode) per km, k = 2 (0.5/km scores 3.7);
- braking: harsh brakings (< -3 m/s²) per km, k = 2;
- engineSpeed: share of engine-on time above 3000 rpm, k = 10 (5 % scores 6.1); n/a without rpm;
- speed: 8·(share of moving time above 130 km/h) + 3·(share above 110 km/h), k = 1;
- slope: mean absolute grade between waypoints, k = 20 (2 % scores 6.7); n/a under 200 m of altitude data;
- stopAndStart: 10 × share of idling time (stopped, ignition on) with the engine off; n/a under 30 s of
  idling with a known engine speed, and for electric vehicles;
- coldTrips: an engine is cold for the first kilometres: 2 to 4 under 3 km, then up to 10 at 10 km.
Rates are per km over at least 1 km, so a short trip with one harsh event is not scored as 0.
global.style is the mean of the applicable driving scores (acceleration, braking, engineSpeed, speed),
global.road the mean of the applicable road scores (slope, coldTrips, stopAndStart), global.trend the
mean style of the vehicle's last trips (config.trend_trips, this one included).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from math import exp
from typing import Any

from connectedcar.engine.config import PipelineConfig

NOT_APPLICABLE = 999999
IDLE_MIN_MS = 30_000
SLOPE_MIN_M = 200.0

_LABELS = {
    "trend": "Trend",
    "style": "Driving style",
    "road": "Road conditions",
    "acceleration": "Acceleration",
    "braking": "Braking",
    "engineSpeed": "Engine speed",
    "stopAndStart": "Stop and start",
    "speed": "Speed",
    "slope": "Slope",
    "coldTrips": "Cold trips",
}
_ADVICE = {
    "trend": "Keep your recent good habits on every trip.",
    "style": "Drive smoothly: anticipate, accelerate gently and keep to moderate speeds.",
    "road": "Prefer longer trips on flatter roads when you can choose.",
    "acceleration": "Accelerate gradually.",
    "braking": "Anticipate to brake less and more gently.",
    "engineSpeed": "Shift up earlier to keep the engine speed low.",
    "stopAndStart": "Let the stop and start system switch the engine off when stopped.",
    "speed": "Lower your speed on motorways: it saves a lot of energy.",
    "slope": "Keep a steady pace uphill and use engine braking downhill.",
    "coldTrips": "Group short trips: an engine uses much more when cold.",
}
_CATEGORY = {
    "trend": "global",
    "style": "global",
    "road": "global",
    "acceleration": "style",
    "braking": "style",
    "engineSpeed": "style",
    "speed": "style",
    "stopAndStart": "road",
    "slope": "road",
    "coldTrips": "road",
}


@dataclass(slots=True)
class EcoAccumulator:
    """What a trip's samples add up to; plain JSON fields so it persists with the vehicle state."""

    last_ms: int | None = None
    last_speed: float | None = None
    accel_samples: int = 0
    harsh_accelerations: int = 0
    harsh_brakings: int = 0
    in_acceleration: bool = False
    in_braking: bool = False
    moving_ms: int = 0
    fast_ms: int = 0
    very_fast_ms: int = 0
    engine_ms: int = 0
    high_engine_ms: int = 0
    idle_ms: int = 0
    idle_engine_off_ms: int = 0
    climb_m: float = 0.0
    climb_distance_m: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EcoAccumulator:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def sample(
        self,
        at_ms: int,
        speed: float | None,
        engine_speed: float | None,
        acceleration: float | None,
        ignition: bool | None,
        config: PipelineConfig,
    ) -> None:
        """One report of the trip; its values stand for the time since the previous one."""
        last = self.last_ms
        dt = 0 if last is None else min(at_ms - last, config.eco_max_gap_ms)
        self.last_ms = at_ms
        if acceleration is None and speed is not None and self.last_speed is not None and 0 < dt <= 5000:
            acceleration = (speed - self.last_speed) / 3.6 / (dt / 1000)
        if speed is not None:
            self.last_speed = speed
        if acceleration is not None:
            self.accel_samples += 1
            harsh_up = acceleration > config.harsh_acceleration
            harsh_down = acceleration < config.harsh_braking
            if harsh_up and not self.in_acceleration:
                self.harsh_accelerations += 1
            if harsh_down and not self.in_braking:
                self.harsh_brakings += 1
            self.in_acceleration = harsh_up
            self.in_braking = harsh_down
        if dt <= 0:
            return
        if speed is not None:
            if speed > config.moving_kmh:
                self.moving_ms += dt
                if speed > config.fast_kmh:
                    self.fast_ms += dt
                    if speed > config.very_fast_kmh:
                        self.very_fast_ms += dt
            elif ignition and engine_speed is not None:
                self.idle_ms += dt
                if engine_speed <= 0:
                    self.idle_engine_off_ms += dt
        if engine_speed is not None and engine_speed > 0:
            self.engine_ms += dt
            if engine_speed > config.high_engine_speed:
                self.high_engine_ms += dt

    def climb(self, distance_m: float, rise_m: float) -> None:
        """Between two waypoints with altitudes: slope is measured over these, GPS altitude is too noisy
        fix to fix."""
        self.climb_m += abs(rise_m)
        self.climb_distance_m += distance_m


def _entry(key: str, score: float | None) -> dict[str, Any]:
    if score is None:
        return {
            "score": NOT_APPLICABLE,
            "evaluation": "not applicable",
            "advice": "",
            "category": _CATEGORY[key],
            "label": _LABELS[key],
        }
    evaluation = "good" if score >= 7 else "average" if score >= 4 else "to improve"
    return {
        "score": round(score, 3),
        "evaluation": evaluation,
        "advice": "Keep driving this way." if evaluation == "good" else _ADVICE[key],
        "category": _CATEGORY[key],
        "label": _LABELS[key],
    }


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def cold_trip_score(distance_km: float, config: PipelineConfig) -> float:
    cold = config.cold_trip_km
    if distance_km < cold:
        return 2.0 + 2.0 * distance_km / cold
    return min(10.0, 4.0 + 6.0 * (distance_km - cold) / max(10.0 - cold, 0.1))


def score(
    acc: EcoAccumulator,
    distance_km: float,
    electric: bool,
    style_history: list[float],
    config: PipelineConfig,
) -> tuple[dict[str, Any], float | None]:
    """The scores document of a finished trip and its style score (None when nothing could be judged)."""
    per_km = max(distance_km, 1.0)
    driving = acc.accel_samples > 0
    acceleration = 10.0 * exp(-2.0 * acc.harsh_accelerations / per_km) if driving else None
    braking = 10.0 * exp(-2.0 * acc.harsh_brakings / per_km) if driving else None
    engine = 10.0 * exp(-10.0 * acc.high_engine_ms / acc.engine_ms) if acc.engine_ms > 0 else None
    speed = None
    if acc.moving_ms > 0:
        speed = 10.0 * exp(-(8.0 * acc.very_fast_ms + 3.0 * acc.fast_ms) / acc.moving_ms)
    slope = None
    if acc.climb_distance_m >= SLOPE_MIN_M:
        slope = 10.0 * exp(-20.0 * acc.climb_m / acc.climb_distance_m)
    stop_start = None
    if not electric and acc.idle_ms >= IDLE_MIN_MS:
        stop_start = 10.0 * acc.idle_engine_off_ms / acc.idle_ms
    cold = cold_trip_score(distance_km, config)
    style = _mean([acceleration, braking, engine, speed])
    road = _mean([slope, cold, stop_start])
    recent = [*style_history, style] if style is not None else list(style_history)
    recent = recent[-config.trend_trips :]
    trend = sum(recent) / len(recent) if recent else None
    scores = {
        "global": {"trend": _entry("trend", trend), "style": _entry("style", style), "road": _entry("road", road)},
        "detailed": {
            "acceleration": _entry("acceleration", acceleration),
            "braking": _entry("braking", braking),
            "engineSpeed": _entry("engineSpeed", engine),
            "stopAndStart": _entry("stopAndStart", stop_start),
            "speed": _entry("speed", speed),
            "slope": _entry("slope", slope),
            "coldTrips": _entry("coldTrips", cold),
        },
    }
    return scores, style
