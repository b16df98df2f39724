"""The world outside the car: Paris local time (routines run on it), daylight, air temperature and
the lie of the land. All pure functions of time and position, so every vehicle sees the same weather
and a run is reproducible without a seed."""

from __future__ import annotations

import math
import zlib
from datetime import UTC, datetime, timedelta
from functools import lru_cache

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
MINUTE_MS = 60_000


@lru_cache(maxsize=64)
def _dst_window_ms(year: int) -> tuple[int, int]:
    """EU summer time: from the last Sunday of March to the last Sunday of October, 01:00 UTC."""

    def last_sunday(month: int) -> datetime:
        first_next = datetime(year, month + 1, 1, 1, tzinfo=UTC)
        day = first_next - timedelta(days=1)
        return day - timedelta(days=(day.weekday() - 6) % 7)

    start, end = last_sunday(3), last_sunday(10)
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


def paris_offset_ms(at_ms: int) -> int:
    year = datetime.fromtimestamp(at_ms / 1000, UTC).year
    start, end = _dst_window_ms(year)
    return 2 * HOUR_MS if start <= at_ms < end else HOUR_MS


def local_day(at_ms: int) -> int:
    """Days since the epoch in Paris local time (the calendar day a routine belongs to)."""
    return (at_ms + paris_offset_ms(at_ms)) // DAY_MS


def local_midnight_ms(day: int) -> int:
    """UTC epoch ms of local midnight starting the given local day."""
    guess = day * DAY_MS - HOUR_MS
    return day * DAY_MS - paris_offset_ms(guess)


def weekday(day: int) -> int:
    """0 = Monday ... 6 = Sunday (1970-01-01, day 0, was a Thursday)."""
    return (day + 3) % 7


def _day_of_year(at_ms: int) -> float:
    return (at_ms / DAY_MS) % 365.2425


def is_daylight(at_ms: int) -> bool:
    doy = _day_of_year(at_ms)
    day_length_h = 12.2 + 4.0 * math.sin(2 * math.pi * (doy - 80) / 365.2425)
    solar_hour = (at_ms % DAY_MS) / HOUR_MS + 2.35 / 15.0
    return abs(solar_hour - 12.0) < day_length_h / 2


def air_temperature(at_ms: int) -> float:
    """°C: a seasonal mean, a daily swing (coolest before dawn, warmest mid-afternoon) and
    day-to-day weather that is the same for everyone."""
    doy = _day_of_year(at_ms)
    seasonal = 11.5 - 8.5 * math.cos(2 * math.pi * (doy - 15) / 365.2425)
    solar_hour = (at_ms % DAY_MS) / HOUR_MS + 2.35 / 15.0
    daily = 4.0 * math.sin(2 * math.pi * (solar_hour - 9.0) / 24.0)
    weather = (zlib.crc32(str(at_ms // DAY_MS).encode()) % 600) / 100.0 - 3.0
    return round(seasonal + daily + weather, 1)


def altitude_m(x: float, y: float) -> float:
    """Gentle relief, 30-180 m like Île-de-France: valleys and plateaus a few km across."""
    alt = (
        95.0
        + 45.0 * math.sin(x / 9_000.0 + 0.7) * math.cos(y / 7_000.0 - 0.3)
        + 25.0 * math.sin((x + y) / 4_000.0)
        + 8.0 * math.cos((x - 2.0 * y) / 1_500.0)
    )
    return min(180.0, max(30.0, alt))


def is_rush_hour(at_ms: int) -> bool:
    """Weekday mornings and evenings, when Île-de-France's main roads and motorways jam."""
    local = at_ms + paris_offset_ms(at_ms)
    if weekday(local // DAY_MS) >= 5:
        return False
    hour = (local % DAY_MS) / HOUR_MS
    return 7.0 <= hour < 9.5 or 16.75 <= hour < 19.5
