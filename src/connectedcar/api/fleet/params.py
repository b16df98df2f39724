"""The parameters the Fleet API's endpoints share, each parsed in one place so that every endpoint
answers bad input alike (a 400 naming the field): path ids, `timestamps` (ISO 8601 time intervals),
`profile`, the v3 trip filters (`distance`, `duration`, `states`) and the waypoints' `tolerance`."""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Path, Query, Request

from connectedcar.api.errors import InvalidParameter
from connectedcar.api.fleet import V2_PREFIX
from connectedcar.api.paging import Page
from connectedcar.domain.timefmt import parse_rfc3339
from connectedcar.store.history import TimeSpan, TripFilter, Window

FleetId = Path(..., description="Resource is related to this fleet ID only.", max_length=64)
VehicleId = Path(..., description="Resource is related to this Vehicle ID only.", max_length=64)
AlertId = Path(..., description="The unique id of the alert.", max_length=100)
TripId = Path(..., description="The unique id of the trip.", max_length=100)
CollisionId = Path(..., description="The unique id of the collision.", max_length=100)

# The fleet specs' pageSize: default 60 (telemetry and waypoints allow more per page, up to the
# server's max_page_size).
PAGE_SIZE = 60
# The specs' timestamps: "minItems: 1, maxItems: 10".
MAX_TIMESTAMPS = 10


def is_v2(request: Request) -> bool:
    """Whether the client called /connectedcar/v2 (some shapes differ between the two specs)."""
    return request.url.path.startswith(V2_PREFIX + "/")


def split_values(values: Iterable[str]) -> list[str]:
    """Repeated parameters, comma-separated lists and array literals (['a','b']) alike."""
    found: list[str] = []
    for value in values:
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        found += [piece.strip().strip("'\"").strip() for piece in text.split(",")]
    return [piece for piece in found if piece]


# -- timestamps -----------------------------------------------------------------------------------

_DURATION = re.compile(
    r"P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?"
)
_TIMESTAMPS_HELP = (
    "expected 'start/end', 'start/duration', 'duration/end', 'start/' or '/end' with RFC 3339 dates and "
    "ISO 8601 durations, e.g. 2018-01-01T09:00:00Z/PT3H"
)


@dataclass(frozen=True, slots=True)
class IsoDuration:
    """An ISO 8601 duration: calendar months (years are 12 of them) and an exact time span."""

    months: int
    span: timedelta

    def shift(self, moment: datetime, sign: int) -> datetime:
        """The moment this duration after (sign 1) or before (sign -1) `moment`, months by the calendar."""
        if self.months:
            index = moment.year * 12 + moment.month - 1 + sign * self.months
            year, month = divmod(index, 12)
            day = min(moment.day, calendar.monthrange(year, month + 1)[1])
            moment = moment.replace(year=year, month=month + 1, day=day)
        return moment + sign * self.span


def parse_duration(text: str) -> IsoDuration:
    """PnYnMnWnDTnHnMnS (a fraction allowed on days and time parts). Raises ValueError."""
    match = _DURATION.fullmatch(text.strip().upper())
    if match is None:
        raise ValueError(f"not an ISO 8601 duration: {text[:40]!r}")

    def part(name: str) -> float:
        raw = match[name]
        return float(raw.replace(",", ".")) if raw else 0.0

    months = int(part("years")) * 12 + int(part("months"))
    span = timedelta(
        weeks=part("weeks"), days=part("days"), hours=part("hours"), minutes=part("minutes"), seconds=part("seconds")
    )
    return IsoDuration(months, span)


def _moment_or_duration(text: str) -> datetime | IsoDuration:
    if text.strip().upper().startswith("P"):
        return parse_duration(text)
    return parse_rfc3339(text)


def parse_interval(text: str, now: datetime) -> TimeSpan:
    """One 'Times range' of the specs: (since, until), either end open. 'T/' ends now."""
    start_text, slash, end_text = text.partition("/")
    if not slash or "/" in end_text or not (start_text.strip() or end_text.strip()):
        raise ValueError(_TIMESTAMPS_HELP)
    start = _moment_or_duration(start_text) if start_text.strip() else None
    end = _moment_or_duration(end_text) if end_text.strip() else None
    if (isinstance(start, IsoDuration) and not isinstance(end, datetime)) or (
        isinstance(end, IsoDuration) and not isinstance(start, datetime)
    ):
        raise ValueError("a duration needs a date at the other end of the range")
    since = start if not isinstance(start, IsoDuration) else None
    until = end if not isinstance(end, IsoDuration) else None
    try:
        if isinstance(end, IsoDuration) and since is not None:
            until = end.shift(since, 1)
        elif isinstance(start, IsoDuration) and until is not None:
            since = start.shift(until, -1)
    except (OverflowError, ValueError):
        raise ValueError("the duration goes beyond the dates this server can represent") from None
    if since is not None and until is not None and since > until:
        raise ValueError("the range ends before it starts")
    if since is not None and until is None:
        # 'T/' ends now: a T still to come is an empty range, not an error
        until = now
    return since, until


def parse_timestamps(values: Iterable[str], now: datetime) -> tuple[TimeSpan, ...]:
    """The `timestamps` ranges (repeated, or comma-separated), at most 10."""
    texts = split_values(values)
    if len(texts) > MAX_TIMESTAMPS:
        raise InvalidParameter("timestamps", f"at most {MAX_TIMESTAMPS} ranges, got {len(texts)}")
    spans: list[TimeSpan] = []
    for text in texts:
        try:
            spans.append(parse_interval(text, now))
        except ValueError as exc:
            raise InvalidParameter("timestamps", f"{exc}, got {text[:80]!r}") from None
    return tuple(spans)


@dataclass(frozen=True, slots=True)
class Timestamps:
    """The `timestamps` ranges asked for (none: no time filter)."""

    spans: tuple[TimeSpan, ...] = ()

    def window(self, page: Page) -> Window:
        return Window(offset=page.offset, limit=page.limit, spans=self.spans)


async def timestamps(
    request: Request,
    timestamps: list[str] | None = Query(
        None,
        description="Time ranges (ISO 8601 intervals of RFC 3339 dates): 'T1/T2', 'T1/P1D' (a start and a "
        "duration), 'T/' (until now), '/T' (up to T). Repeat the parameter for several ranges (at most 10); "
        "results in any of them are returned.",
    ),
) -> Timestamps:
    """A dependency reading the `timestamps` ranges (also written timestamps[]=...)."""
    values = [*(timestamps or []), *request.query_params.getlist("timestamps[]")]
    if not values:
        return Timestamps()
    return Timestamps(parse_timestamps(values, request.app.state.runtime.clock.now()))


# -- profile --------------------------------------------------------------------------------------

PROFILES = ("fleet", "endUser")


async def profile(
    profile: str | None = Query(
        None, description="fleet (default) or endUser: the platform shows both the same data (no privacy modes)."
    ),
) -> str:
    """A dependency reading the v3 `profile`."""
    if profile is None or profile.strip() == "":
        return "fleet"
    if profile.strip() not in PROFILES:
        raise InvalidParameter("profile", f"expected one of {', '.join(PROFILES)}, got {profile[:40]!r}")
    return profile.strip()


# -- v3 trip filters ------------------------------------------------------------------------------

_RANGE = re.compile(r"(?P<low>\d+(?:\.\d+)?)-(?P<high>\d+(?:\.\d+)?)?")
TRIP_STATES = ("Nominal", "Unstarted", "DataLacking", "Unfinished")


def parse_range(name: str, raw: str | None, *, decimals: int) -> tuple[float | None, float | None]:
    """'min-max' or 'min-' (the specs' Range), with at most `decimals` digits after the point."""
    if raw is None or raw.strip() == "":
        return None, None
    match = _RANGE.fullmatch(raw.strip())
    example = "10-3600 or 20-" if decimals == 0 else "1-150 or 0.1-"
    if match is None:
        raise InvalidParameter(name, f"expected 'min-max' or 'min-' (e.g. {example}), got {raw[:40]!r}")
    for bound in (match["low"], match["high"]):
        if bound and "." in bound and len(bound.partition(".")[2]) > decimals:
            digits = "no decimals" if decimals == 0 else f"at most {decimals} digit after the point"
            raise InvalidParameter(name, f"bounds take {digits}, got {raw[:40]!r}")
    low = float(match["low"])
    high = float(match["high"]) if match["high"] else None
    if high is not None and high < low:
        raise InvalidParameter(name, f"the maximum {match['high']} is below the minimum {match['low']}")
    return (low if low > 0 else None), high


@dataclass(frozen=True, slots=True)
class TripQuery:
    """The trip filters; `none` when the states asked for exclude every trip the platform records."""

    filter: TripFilter
    none: bool = False


async def trip_query(
    request: Request,
    distance: str | None = Query(None, description="Trip distance in km, 'min-max' or 'min-' (e.g. 0.1-)."),
    duration: str | None = Query(None, description="Trip duration in seconds, 'min-max' or 'min-' (e.g. 10-3600)."),
    states: list[str] | None = Query(None, description="Trip states: Nominal, Unstarted, DataLacking, Unfinished."),
) -> TripQuery:
    """A dependency reading the v3 trip filters."""
    min_distance, max_distance = parse_range("distance", distance, decimals=1)
    min_duration, max_duration = parse_range("duration", duration, decimals=0)
    asked = split_values([*(states or []), *request.query_params.getlist("states[]")])
    for state in asked:
        if state not in TRIP_STATES:
            raise InvalidParameter("states", f"expected some of {', '.join(TRIP_STATES)}, got {state[:40]!r}")
    found = TripFilter(min_distance, max_distance, min_duration, max_duration)
    # Every trip the platform records is Nominal: it has no faults to report.
    return TripQuery(found, none=bool(asked) and "Nominal" not in asked)


# -- waypoints ------------------------------------------------------------------------------------


async def tolerance(
    tolerance: str | None = Query(
        None, description="Simplify the path (Douglas-Peucker) by this tolerance in km; 0 or absent keeps it whole."
    ),
) -> float | None:
    """A dependency reading the waypoints' `tolerance`."""
    if tolerance is None or tolerance.strip() == "":
        return None
    try:
        value = float(tolerance)
    except ValueError:
        raise InvalidParameter("tolerance", f"expected a number of km, got {tolerance[:40]!r}") from None
    if not math.isfinite(value) or value < 0:
        raise InvalidParameter("tolerance", f"must be a finite number of km, 0 or more, got {tolerance[:40]!r}")
    return value or None
