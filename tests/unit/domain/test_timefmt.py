from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectedcar.domain.timefmt import format_ms, parse_rfc3339, to_ms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-08-10T13:46:39.652+0000", datetime(2017, 8, 10, 13, 46, 39, 652000, tzinfo=UTC)),
        ("2017-08-10T13:46:39.652 0000", datetime(2017, 8, 10, 13, 46, 39, 652000, tzinfo=UTC)),  # '+' lost in a URL
        ("2017-08-10T13:46:39Z", datetime(2017, 8, 10, 13, 46, 39, tzinfo=UTC)),
        ("2017-08-10T15:46:39+02:00", datetime(2017, 8, 10, 13, 46, 39, tzinfo=UTC)),
    ],
)
def test_parse_rfc3339(text: str, expected: datetime) -> None:
    assert parse_rfc3339(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2017-08-10", "2017-08-10T13:46:39", "2017-13-10T00:00:00Z", ""])
def test_parse_rfc3339_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rfc3339(text)


def test_format_is_the_seeds() -> None:
    assert format_ms(to_ms(datetime(2017, 6, 14, 7, 10, 34, 5000, tzinfo=UTC))) == "2017-06-14T07:10:34.005Z"


def test_scaled_clock_runs_speed_times_faster_from_its_start() -> None:
    from connectedcar.domain.clock import ManualClock, ScaledClock

    base = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    clock = ScaledClock(datetime(2025, 6, 1, 7, 0, tzinfo=UTC), speed=60, base=base)
    assert clock.now() == datetime(2025, 6, 1, 7, 0, tzinfo=UTC)
    base.advance(2)
    assert clock.now() == datetime(2025, 6, 1, 7, 2, tzinfo=UTC)
