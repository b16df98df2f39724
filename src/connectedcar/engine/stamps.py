"""Times as the pipeline needs them: datetimes only for entities, compact stamps for ids."""

from __future__ import annotations

from datetime import date, timedelta

from connectedcar.domain.timefmt import from_ms

__all__ = ["DAY_MS", "compact", "from_ms"]

DAY_MS = 86_400_000
_EPOCH = date(1970, 1, 1)
_days: dict[int, str] = {}  # memo of day number -> "YYYYMMDD": formatting dates is the slow part


def compact(at_ms: int) -> str:
    """20170614071034: the whole second of at_ms (UTC), the shape of seed 000's ids."""
    day, rest = divmod(at_ms, DAY_MS)
    ymd = _days.get(day)
    if ymd is None:
        if len(_days) > 4096:
            _days.clear()
        ymd = _days[day] = (_EPOCH + timedelta(days=day)).strftime("%Y%m%d")
    seconds = rest // 1000
    h, seconds = divmod(seconds, 3600)
    m, s = divmod(seconds, 60)
    return f"{ymd}{h:02d}{m:02d}{s:02d}"
