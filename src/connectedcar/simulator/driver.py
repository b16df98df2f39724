"""Drivers: a driving style (how hard they accelerate, brake and speed) and a routine (where they go
each day, in Paris local time). Plans are drawn from a per-driver, per-day random stream, so a day's
plan does not depend on how the fleet was stepped."""

from __future__ import annotations

import random
from dataclasses import dataclass

from connectedcar.simulator.environment import HOUR_MS, MINUTE_MS, local_midnight_ms, weekday
from connectedcar.simulator.places import Place, Region


@dataclass(frozen=True, slots=True)
class Style:
    name: str
    accel: float  # m/s², the most this driver accelerates
    brake: float  # m/s², the most this driver brakes (a positive number)
    speed_factor: tuple[float, float]  # cruise speed as a fraction of the limit, drawn per road segment
    corner_factor: float  # how much faster than the reference speed bends are taken
    jitter: float  # m/s², spread of the speed corrections while cruising
    shift_factor: float  # gear changes at this multiple of the economical shift speed
    red_light_wait: float  # fraction of red lights actually stopped at (the rest: amber, go)


SMOOTH = Style("smooth", 1.5, 1.5, (0.88, 0.99), 1.0, 0.15, 1.0, 1.0)
NORMAL = Style("normal", 2.5, 2.5, (0.95, 1.05), 1.1, 0.3, 1.2, 0.95)
HARSH = Style("harsh", 3.5, 3.5, (1.08, 1.2), 1.25, 0.6, 1.5, 0.8)
STYLES = {s.name: s for s in (SMOOTH, NORMAL, HARSH)}
MAX_SPEED_KMH = 148.0  # nobody in the simulated fleet drives faster, however harsh

ROUTINES = ("commuter", "homebody", "shift")


@dataclass(frozen=True, slots=True)
class Driver:
    name: str
    style: Style
    routine: str  # one of ROUTINES
    home: Place
    work: Place | None  # the office for commuters
    shift_start_h: float = 7.0  # shift workers (taxi, delivery, service): local hour the shift starts


@dataclass(frozen=True, slots=True)
class Leg:
    depart_ms: int  # when the driver means to leave (UTC epoch ms); later if the last trip ran late
    destination: Place
    purpose: str  # commute, lunch, shopping, leisure, errand, job, home


_FIRST_NAMES = (
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Emma", "Louise", "Alice",
    "Lucas", "Hugo", "Louis", "Nathan", "Thomas", "Karim", "Antoine", "Julien", "Mehdi", "Paul",
    "Olivia", "Amelia", "Oliver", "George", "Hannah", "Jonas", "Lena", "Finn", "Mia", "Noah",
)  # fmt: skip


def make_driver(rng: random.Random, region: Region, label: str) -> Driver:
    """A driver with a home in one of the region's suburbs, a style and a routine."""
    name = f"{rng.choice(_FIRST_NAMES)} {chr(ord('A') + rng.randrange(26))}."
    style = rng.choices((SMOOTH, NORMAL, HARSH), weights=(40, 40, 20))[0]
    routine = rng.choices(ROUTINES, weights=(60, 20, 20))[0]
    home = region.home_in(rng.choice(region.of_kind("suburb")), rng, f"Home of {name} ({label})")
    work = rng.choice(region.of_kind("office")) if routine == "commuter" else None
    shift_start = rng.choice((6.0, 7.5, 9.0, 14.0, 21.0))
    return Driver(name, style, routine, home, work, shift_start)


def _at(midnight: int, hour: float) -> int:
    return midnight + int(hour * HOUR_MS)


def _travel_ms(a: Place, b: Place) -> int:
    """A planning guess of the trip time: roads are longer than the bee line, 35 km/h average."""
    return int(a.distance_to(b) * 1.35 / (35 / 3.6) * 1000) + 5 * MINUTE_MS


def plan_day(driver: Driver, region: Region, day: int, rng: random.Random) -> list[Leg]:
    """The trips a driver means to make on a local calendar day, in order."""
    midnight = local_midnight_ms(day)
    if driver.routine == "commuter" and driver.work is not None and weekday(day) < 5:
        return _commuter_day(driver, region, midnight, rng)
    if driver.routine == "shift" and weekday(day) < 6:
        return _shift_day(driver, region, midnight, rng)
    return _free_day(driver, region, midnight, rng, weekend=weekday(day) >= 5)


def _commuter_day(driver: Driver, region: Region, midnight: int, rng: random.Random) -> list[Leg]:
    assert driver.work is not None
    home, work = driver.home, driver.work
    if rng.random() < 0.12:  # working from home: maybe an errand
        return _free_day(driver, region, midnight, rng, weekend=False)
    legs = [Leg(_at(midnight, rng.triangular(6.75, 9.25, 8.0)), work, "commute")]
    if rng.random() < 0.25:
        lunch = rng.uniform(11.9, 12.9)
        legs.append(Leg(_at(midnight, lunch), region.near("restaurant", work, rng, 2), "lunch"))
        legs.append(Leg(_at(midnight, lunch + rng.uniform(0.75, 1.25)), work, "commute"))
    leave = rng.triangular(16.5, 19.5, 17.75)
    if rng.random() < 0.3:
        shop = region.near("shop", home, rng)
        legs.append(Leg(_at(midnight, leave), shop, "shopping"))
        leave += _travel_ms(work, shop) / HOUR_MS + rng.uniform(0.4, 1.0)
    legs.append(Leg(_at(midnight, leave), home, "home"))
    if rng.random() < 0.15:
        out = rng.uniform(19.75, 20.75)
        place = region.near(rng.choice(("leisure", "restaurant")), home, rng)
        legs.append(Leg(_at(midnight, out), place, "leisure"))
        legs.append(Leg(_at(midnight, out + rng.uniform(1.5, 2.75)), home, "home"))
    return legs


def _free_day(driver: Driver, region: Region, midnight: int, rng: random.Random, *, weekend: bool) -> list[Leg]:
    home = driver.home
    legs: list[Leg] = []
    if rng.random() < (0.65 if weekend else 0.55):
        t = rng.uniform(9.5, 11.5)
        legs.append(Leg(_at(midnight, t), region.near("shop", home, rng), "shopping"))
        legs.append(Leg(_at(midnight, t + rng.uniform(1.0, 2.0)), home, "home"))
    if rng.random() < (0.45 if weekend else 0.25):
        t = rng.uniform(14.0, 16.0)
        kind = rng.choice(("leisure", "leisure", "shop", "restaurant"))
        legs.append(Leg(_at(midnight, t), region.near(kind, home, rng, 5), "leisure"))
        legs.append(Leg(_at(midnight, t + rng.uniform(1.5, 3.5)), home, "home"))
    return legs


_JOB_KINDS = ("shop", "office", "restaurant", "suburb", "leisure", "suburb")


def _shift_day(driver: Driver, region: Region, midnight: int, rng: random.Random) -> list[Leg]:
    """Taxi, delivery or service rounds: many short jobs across the region for about eight hours."""
    t = driver.shift_start_h + rng.uniform(-0.25, 0.25)
    end = t + rng.uniform(7.0, 9.0)
    here = driver.home
    legs: list[Leg] = []
    while t < end:
        there = rng.choice(region.of_kind(rng.choice(_JOB_KINDS)))
        if there == here:
            continue
        legs.append(Leg(_at(midnight, t), there, "job"))
        t += _travel_ms(here, there) / HOUR_MS + rng.uniform(0.1, 0.5)
        here = there
    legs.append(Leg(_at(midnight, t), driver.home, "home"))
    return legs
