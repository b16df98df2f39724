"""A compiled monitor: its named triggers and the boolean expression that combines them.

Built once by parsing.parse_monitor from the API body, then evaluated on every update. Zones are in
degrees and metres (the API's radius in km is converted), time windows in milliseconds, data values
normalised to the types the evaluation compares (float, bool, str).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import cos, radians
from typing import Literal

from connectedcar.engine.geo import EARTH_RADIUS_M
from connectedcar.engine.monitors.expression import Expr

Transition = Literal["In", "Out"]
Op = Literal["equalsTo", "greaterThan", "lowerThan", "includedIn", "onChange"]
PreviousOp = Literal["equalsTo", "includedIn"]
Recurrence = Literal["None", "Daily"]
DataValue = float | bool | str

M_PER_DEGREE = radians(1.0) * EARTH_RADIUS_M


@dataclass(frozen=True, slots=True)
class BBox:
    """A latitude/longitude box (no antimeridian wrap)."""

    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float

    def intersects(self, other: BBox) -> bool:
        return (
            self.min_lat <= other.max_lat
            and other.min_lat <= self.max_lat
            and self.min_lon <= other.max_lon
            and other.min_lon <= self.max_lon
        )


@dataclass(frozen=True, slots=True)
class Circle:
    lat: float
    lon: float
    radius_m: float
    cos_lat: float = field(init=False, compare=False, repr=False)  # for the local projection

    def __post_init__(self) -> None:
        object.__setattr__(self, "cos_lat", cos(radians(self.lat)))

    @property
    def bbox(self) -> BBox:
        dlat = self.radius_m / M_PER_DEGREE
        c = cos(radians(self.lat))
        min_lat, max_lat = max(-90.0, self.lat - dlat), min(90.0, self.lat + dlat)
        if max_lat >= 90.0 or min_lat <= -90.0 or c * M_PER_DEGREE * 180.0 <= self.radius_m:
            return BBox(min_lat, -180.0, max_lat, 180.0)
        dlon = self.radius_m / (M_PER_DEGREE * c)
        return BBox(min_lat, max(-180.0, self.lon - dlon), max_lat, min(180.0, self.lon + dlon))


@dataclass(frozen=True, slots=True)
class Polygon:
    """A simple polygon, vertices as (lat, lon), the ring implicitly closed."""

    points: tuple[tuple[float, float], ...]
    bbox: BBox = field(init=False, compare=False)

    def __post_init__(self) -> None:
        lats = [p[0] for p in self.points]
        lons = [p[1] for p in self.points]
        object.__setattr__(self, "bbox", BBox(min(lats), min(lons), max(lats), max(lons)))


Shape = Circle | Polygon


@dataclass(frozen=True, slots=True)
class ZoneTrigger:
    name: str
    transition: Transition
    shape: Shape


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """One entry of a time trigger.

    recurrence None: active from start_at_ms for duration_ms (forever if None).
    recurrence Daily: active from start_offset_ms after local midnight for duration_ms, on the local days
    (0 = Monday) and ISO weeks listed (empty = every day, every week).
    """

    recurrence: Recurrence
    duration_ms: int | None
    start_at_ms: int | None = None
    start_offset_ms: int | None = None
    days: frozenset[int] = frozenset()
    weeks: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class TimeTrigger:
    name: str
    windows: tuple[TimeWindow, ...]
    time_zone: str = "Europe/Paris"


@dataclass(frozen=True, slots=True)
class PreviousCondition:
    """What the data must have been before, for the trigger to become true (b2c v4 `previous`)."""

    op: PreviousOp
    values: tuple[DataValue, ...]


@dataclass(frozen=True, slots=True)
class DataTrigger:
    name: str
    data: str  # one of catalogue.DATA_NAMES
    op: Op
    values: tuple[DataValue, ...]  # () for onChange
    previous: PreviousCondition | None = None


Trigger = ZoneTrigger | TimeTrigger | DataTrigger


@dataclass(frozen=True, slots=True)
class Monitor:
    label: str
    triggers: tuple[Trigger, ...]
    expression: Expr
    bool_exp: str  # the expression as given, for rendering the monitor back
    refresh_event_s: int | None = None  # None: no refresh events
    # The triggers by kind, computed once: evaluation reads them on every update.
    zone_triggers: tuple[ZoneTrigger, ...] = field(init=False, compare=False, repr=False)
    time_triggers: tuple[TimeTrigger, ...] = field(init=False, compare=False, repr=False)
    data_triggers: tuple[DataTrigger, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "zone_triggers", tuple(t for t in self.triggers if isinstance(t, ZoneTrigger)))
        object.__setattr__(self, "time_triggers", tuple(t for t in self.triggers if isinstance(t, TimeTrigger)))
        object.__setattr__(self, "data_triggers", tuple(t for t in self.triggers if isinstance(t, DataTrigger)))
