"""RFC 3339 dates as the API shows them (UTC, milliseconds, 'Z'), and epoch milliseconds for storage."""

from __future__ import annotations

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


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 date-time; also the seed's '+0000' offsets. Raises ValueError with a reason."""
    value = text.strip()
    if "T" not in value and " " not in value:
        raise ValueError("expected an RFC 3339 date-time such as 2017-08-10T13:46:39.652Z")
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "+") if value.count(" ") == 1 and "T" in value else value)
    except ValueError:
        raise ValueError("expected an RFC 3339 date-time such as 2017-08-10T13:46:39.652Z") from None
    if parsed.tzinfo is None:
        raise ValueError("the date-time needs a time zone offset (Z or +hh:mm)")
    return parsed.astimezone(UTC)
