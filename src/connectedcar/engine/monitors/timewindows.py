"""ISO 8601 durations and date-times, and whether a time trigger's windows are open at an instant.

Daily windows are wall-clock windows in the trigger's time zone: "PT14H30M for PT4H30M" is 14:30 to
19:00 local time every listed day, including the days the clocks change (a window can then last an hour
more or less in real time). A local start that does not exist (inside a spring-forward gap) is read
with the offset before the change, as zoneinfo does with fold=0. A window that runs past midnight
belongs to the day it starts, for the day and week filters.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from connectedcar.engine.monitors.model import TimeTrigger, TimeWindow

DAY_MS = 86_400_000
_DURATION = re.compile(
    r"P(?!$)(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?"
)


def parse_duration_ms(text: str) -> int:
    """Milliseconds of an ISO 8601 duration (PnWnDTnHnMnS); raises ValueError, also for years and months,
    whose length is not fixed."""
    m = _DURATION.fullmatch(text.strip().upper())
    if m is None:
        raise ValueError(f"{text!r} is not an ISO 8601 duration such as PT4H30M")
    if int(m["y"] or 0) or int(m["mo"] or 0):
        raise ValueError(f"{text!r}: years and months have no fixed length, use weeks, days or hours")
    seconds = float((m["s"] or "0").replace(",", "."))
    total = (
        int(m["w"] or 0) * 7 * DAY_MS
        + int(m["d"] or 0) * DAY_MS
        + int(m["h"] or 0) * 3_600_000
        + int(m["mi"] or 0) * 60_000
        + round(seconds * 1000)
    )
    return total


def parse_datetime_ms(text: str) -> int:
    """Epoch milliseconds of an RFC 3339 date-time with an offset (or Z); raises ValueError."""
    try:
        value = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        raise ValueError(f"{text!r} is not an RFC 3339 date-time such as 2018-01-03T12:00:00+01:00") from None
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return round(value.timestamp() * 1000)


def _local_ms(day: date, offset_ms: int, zone: ZoneInfo) -> int:
    # aware + timedelta is wall-clock arithmetic in the zone, which is what a daily window means
    local = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(milliseconds=offset_ms)
    return round(local.timestamp() * 1000)


def window_open(window: TimeWindow, zone: ZoneInfo, at_ms: int) -> bool:
    if window.recurrence == "None":
        start = window.start_at_ms if window.start_at_ms is not None else 0
        return start <= at_ms and (window.duration_ms is None or at_ms < start + window.duration_ms)
    offset = window.start_offset_ms or 0
    duration = window.duration_ms or 0
    today = datetime.fromtimestamp(at_ms / 1000, UTC).astimezone(zone).date()
    back = (offset + duration) // DAY_MS + 1  # the earliest day whose window can still be open
    for i in range(back + 1):
        day = today - timedelta(days=i)
        if window.days and day.weekday() not in window.days:
            continue
        if window.weeks and day.isocalendar().week not in window.weeks:
            continue
        start = _local_ms(day, offset, zone)
        end = _local_ms(day, offset + duration, zone)
        if start <= at_ms < end:
            return True
    return False


def trigger_open(trigger: TimeTrigger, at_ms: int) -> bool:
    """Whether any window of the time trigger is open at the instant."""
    zone = ZoneInfo(trigger.time_zone)
    return any(window_open(w, zone, at_ms) for w in trigger.windows)
