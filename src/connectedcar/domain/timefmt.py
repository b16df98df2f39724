"""RFC 3339 dates as the API shows them (UTC, milliseconds, 'Z'), and epoch milliseconds for storage."""

from __future__ import annotations

import re
from datetime import UTC, datetime


def to_ms(when: datetime) -> int:
    if when.tzinfo is None:
        raise ValueError("naive datetime")
    return int(when.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def format_ms(ms: int | None) -> str | None:
    """2017-06-14T07:10:34.000Z, the seed's format."""
    if ms is None:
        return None
    return from_ms(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


_RFC3339 = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d{1,9}))?"
    r"(?P<offset>[Zz]|[+\- ]\d{2}(?::?\d{2})?)"
)
_EXPECTED = "expected an RFC 3339 date-time such as 2017-08-10T13:46:39.652Z"


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 date-time into UTC. Raises ValueError with a reason.

    Also accepted, because clients send them: the seed's '+0000' offsets, and a space where the '+' of
    the offset was (an unencoded '+' in a query string arrives as a space). Week dates, basic format
    and other ISO 8601 forms that datetime.fromisoformat would take are refused.
    """
    value = text.strip()
    match = _RFC3339.fullmatch(value)
    if match is None:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?", value):
            raise ValueError("the date-time needs a time zone offset (Z or +hh:mm)")
        raise ValueError(_EXPECTED)
    fraction = (match["fraction"] or "").ljust(6, "0")[:6]
    offset = match["offset"]
    if offset in ("Z", "z"):
        offset = "+00:00"
    else:
        sign = "-" if offset[0] == "-" else "+"
        digits = offset[1:].replace(":", "")
        offset = f"{sign}{digits[:2]}:{digits[2:4] or '00'}"
    try:
        parsed = datetime.fromisoformat(f"{match['date']}T{match['time']}.{fraction}{offset}")
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"not a valid date-time ({exc})") from None
