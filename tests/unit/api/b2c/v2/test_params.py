from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectedcar.api.b2c.v2.params import TimeRange, parse_locale, parse_time_range, parse_types
from connectedcar.api.errors import InvalidParameter

T = datetime(2017, 8, 10, 13, 46, 39, 652000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (None, None, TimeRange()),
        ("", " ", TimeRange()),
        ("2017-08-10T13:46:39.652+0000", None, TimeRange(since=T)),
        ("2017-08-10T13:46:39.652 0000", None, TimeRange(since=T)),  # an unencoded '+' arrives as a space
        ("2017-08-10 13:46:39.652 00:00", None, TimeRange(since=T)),
        ("2017-08-10t15:46:39.652+02:00", None, TimeRange(since=T)),
        (None, "2017-08-10T13:46:39.652123456Z", TimeRange(until=T + timedelta(microseconds=123))),
        ("2017-08-10T13:46:39.652Z", "2017-08-10T13:46:39.652Z", TimeRange(T, T)),
    ],
)
def test_time_range(since: str | None, until: str | None, expected: TimeRange) -> None:
    assert parse_time_range(since, until) == expected


@pytest.mark.parametrize(
    ("since", "until", "field"),
    [
        ("2017-W32-4T13:46:39Z", None, "since"),  # ISO 8601 but not RFC 3339
        ("20170810T134639Z", None, "since"),
        ("2017-08-10T13:46:39", None, "since"),
        (None, "2017-08-10T24:00:00Z", "until"),
        (None, "0001-01-01T00:00:00+01:00", "until"),  # before year 1 in UTC
        (None, "9999-12-31T23:59:59-01:00", "until"),  # after year 9999 in UTC
        ("2017-08-10T13:46:40Z", "2017-08-10T13:46:39Z", "since"),
    ],
)
def test_time_range_refuses(since: str | None, until: str | None, field: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        parse_time_range(since, until)
    assert raised.value.field == field


def test_an_unbounded_range_becomes_the_last_seconds() -> None:
    assert TimeRange().or_last(60, T) == TimeRange(since=T - timedelta(seconds=60))
    assert TimeRange(until=T).or_last(60, T + timedelta(days=1)) == TimeRange(until=T)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, "en"), ("", "en"), ("en", "en"), ("fr", "fr"), ("en_US", "en"), ("fr_FR", "fr"), ("fr-ca", "fr")],
)
def test_locale(raw: str | None, expected: str) -> None:
    assert parse_locale(raw) == expected


@pytest.mark.parametrize("raw", ["de", "de_DE", "french", "en_", "en_USA", "e"])
def test_locale_refuses(raw: str) -> None:
    with pytest.raises(InvalidParameter, match="'locale'"):
        parse_locale(raw)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], []),
        ([""], []),
        (["[]"], []),
        (["vehicle.fuel.level"], ["vehicle.fuel.level"]),
        (["vehicle.fuel.level", "vehicle.odometer"], ["vehicle.fuel.level", "vehicle.odometer"]),
        (["vehicle.fuel.level, vehicle.odometer"], ["vehicle.fuel.level", "vehicle.odometer"]),
        (["['vehicle.fuel.level']"], ["vehicle.fuel.level"]),
        (['["vehicle.fuel.level","vehicle.odometer"]'], ["vehicle.fuel.level", "vehicle.odometer"]),
        (["vehicle.engines[#].coolant.temp"], ["vehicle.engines.coolant.temp"]),
        (["vehicle.ignition."], ["vehicle.ignition"]),
        (["vehicle", "vehicle.fuel"], ["vehicle", "vehicle.fuel"]),
        (["vehicle.moving", "vehicle.moving,vehicle.moving"], ["vehicle.moving"]),
    ],
)
def test_types(values: list[str], expected: list[str]) -> None:
    assert parse_types(values) == expected


@pytest.mark.parametrize("raw", ["vehicle.fuel.lvl", "fuel.level", "vehicle.fuel.level%", "vehicle..fuel", "."])
def test_types_refuse_unknown_properties(raw: str) -> None:
    with pytest.raises(InvalidParameter, match="'type'") as raised:
        parse_types(["vehicle.odometer", raw])
    assert raw in str(raised.value)
