"""The parameters B2C v2 endpoints share, each parsed in one place so that every endpoint answers bad
input alike (a 400 naming the field): path ids, since/until, locale and the telemetry `type` filter."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Path, Query, Request

from connectedcar.api.errors import InvalidParameter
from connectedcar.api.paging import Page
from connectedcar.domain import telemetry as telemetry_catalogue
from connectedcar.domain.alerts import LOCALES
from connectedcar.domain.timefmt import parse_rfc3339
from connectedcar.runtime import Runtime
from connectedcar.store.history import Window

VehicleId = Path(..., description="The unique id of the vehicle.", max_length=64)
TripId = Path(..., description="The unique id of the trip.", max_length=100)
CollisionId = Path(..., description="The unique id of the collision.", max_length=100)
AlertId = Path(..., description="The unique id of the alert.", max_length=100)
EventId = Path(..., description="The unique id of the event.", max_length=100)
TelemetryId = Path(..., description="The unique id of the telemetry object.", max_length=120)

DEFAULT_LOCALE = "en"
# Seed 000: "When you call this API you will receive by default the last 60 seconds of data."
TELEMETRY_DEFAULT_SECONDS = 60

_DATE_EXAMPLE = "RFC 3339, e.g. 2017-08-10T13:46:39.652+0000 (URL-encode the '+', or use Z)."


def runtime(request: Request) -> Runtime:
    found: Runtime = request.app.state.runtime
    return found


# -- since / until --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimeRange:
    """since/until, both inclusive; either may be open."""

    since: datetime | None = None
    until: datetime | None = None

    @property
    def unbounded(self) -> bool:
        return self.since is None and self.until is None

    def window(self, page: Page) -> Window:
        return Window(offset=page.offset, limit=page.limit, since=self.since, until=self.until)

    def or_last(self, seconds: float, now: datetime) -> TimeRange:
        """This range, or the last `seconds` before `now` when the client gave no bound at all."""
        return TimeRange(since=now - timedelta(seconds=seconds)) if self.unbounded else self


def _date(name: str, raw: str | None) -> datetime | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        return parse_rfc3339(raw)
    except ValueError as exc:
        raise InvalidParameter(name, f"{exc}, got {raw[:40]!r}") from None


def parse_time_range(since: str | None, until: str | None) -> TimeRange:
    start, end = _date("since", since), _date("until", until)
    if start is not None and end is not None and start > end:
        raise InvalidParameter("since", f"must not be after until ({since!r} > {until!r})")
    return TimeRange(start, end)


async def time_range(
    since: str | None = Query(None, description=f"Only items created at or after this date. {_DATE_EXAMPLE}"),
    until: str | None = Query(None, description=f"Only items created at or before this date. {_DATE_EXAMPLE}"),
) -> TimeRange:
    """A dependency reading since/until."""
    return parse_time_range(since, until)


# -- locale ---------------------------------------------------------------------------------------

_LOCALE = re.compile(r"([A-Za-z]{2})(?:[_-][A-Za-z]{2})?")


def parse_locale(raw: str | None) -> str:
    """fr or en (seed 000); also a language_REGION tag such as en_US (the seed's own links) or fr-FR."""
    if raw is None or raw.strip() == "":
        return DEFAULT_LOCALE
    match = _LOCALE.fullmatch(raw.strip())
    language = match.group(1).lower() if match else None
    if language not in LOCALES:
        raise InvalidParameter("locale", f"expected one of {', '.join(LOCALES)} (or e.g. en_US), got {raw[:40]!r}")
    return language


async def locale(
    locale: str | None = Query(
        None, description="Language of alert messages: en (default) or fr; en_US / fr_FR are accepted too."
    ),
) -> str:
    """A dependency reading the locale."""
    return parse_locale(locale)


# -- telemetry type filter -------------------------------------------------------------------------

# vehicle.engines[0].speed or vehicle.engines[#].speed, as seed 000's property table writes arrays
_INDEX = re.compile(r"\[(?:\d*|#|\*)\]")


def parse_types(values: Iterable[str]) -> list[str]:
    """The dot-notation properties asked for, in order and without repeats.

    Each value may be one path (type=a&type=b), a comma-separated list (type=a,b) or the seed's array
    literal (type=['vehicle.fuel.level']). A trailing dot is forgiven: the v2 spec lists
    'vehicle.ignition.'. Every path must be a known telemetry property or an object above one.
    """
    paths: list[str] = []
    for value in values:
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        for piece in text.split(","):
            written = piece.strip().strip("'\"").strip()
            if not written:
                continue
            path = _INDEX.sub("", written).removesuffix(".")
            if path not in telemetry_catalogue.KNOWN_PATHS:
                raise InvalidParameter(
                    "type",
                    f"unknown telemetry property {piece.strip()[:80]!r}; use the dot notation of the "
                    "telemetry properties, e.g. vehicle.fuel.level",
                )
            if path not in paths:
                paths.append(path)
    return paths


async def telemetry_types(
    request: Request,
    type_: list[str] | None = Query(
        None,
        alias="type",
        description="Properties to return, in dot notation (e.g. vehicle.fuel.level): repeat the parameter, "
        "separate with commas, or write an array: ['vehicle.fuel.level', 'vehicle.odometer'].",
    ),
) -> list[str]:
    """A dependency reading the `type` filter (also written type[]=...)."""
    return parse_types([*(type_ or []), *request.query_params.getlist("type[]")])
