"""When a report was measured: the date forms devices send, as epoch milliseconds, and sanity bounds."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from connectedcar.domain.timefmt import parse_rfc3339

# Epoch numbers below this are seconds (up to the year 5138), above it milliseconds (from 1973).
_MS_THRESHOLD = 100_000_000_000
# Earlier than this, a device's clock was not set (GPS week roll-over, a fresh RTC): not a measurement.
EARLIEST_MS = 946_684_800_000  # 2000-01-01T00:00:00Z
MAX_AHEAD_MS = 24 * 3600 * 1000
_NAIVE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?")


def from_epoch(value: float) -> int:
    """Epoch seconds or milliseconds, told apart by magnitude, as milliseconds."""
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    if abs(value) < _MS_THRESHOLD:
        return round(value * 1000)
    return round(value)


def from_rfc3339(text: str) -> int:
    """An RFC 3339 date-time (with its offset) as epoch milliseconds. Raises ValueError with a reason."""
    # The canonical form (what encoders and most devices send) skips the general parser.
    if len(text) == 24 and text[7] == "-" and text[10] == "T" and text[19] == "." and text[23] == "Z":
        try:
            return _ms(datetime.fromisoformat(text))
        except ValueError:
            pass
    return _ms(parse_rfc3339(text))


def from_device_date(text: str) -> int:
    """What phone apps send: RFC 3339, or ISO 8601 / `yyyy-MM-dd HH:mm:ss` without offset, read as UTC."""
    value = text.strip()
    if _NAIVE.fullmatch(value):
        fraction = value[20:] if len(value) > 19 else ""
        parsed = datetime.fromisoformat(value[:19].replace(" ", "T")).replace(tzinfo=UTC)
        return _ms(parsed) + (int(fraction.ljust(3, "0")[:3]) if fraction else 0)
    return from_rfc3339(value)


def check_bounds(at_ms: int, now_ms: int) -> str | None:
    """Why a measurement time cannot be right, or None."""
    if at_ms < EARLIEST_MS:
        return "is before 2000-01-01: the device's clock is not set"
    if at_ms > now_ms + MAX_AHEAD_MS:
        return "is more than 24 hours in the future"
    return None


def _ms(when: datetime) -> int:
    delta = when - datetime(1970, 1, 1, tzinfo=UTC)
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000
