"""The native protocol's codec: JSON reports in the platform's own units, decoded into Reports and back.

Wire format (UTF-8 JSON): one report object, or `{"reports": [...]}` with at most MAX_BATCH of them.

    {
      "timestamp": "2026-11-02T08:00:00.000Z",   required: RFC 3339, or epoch s or ms (by magnitude)
      "position": {"lat": 48.85, "lon": 2.35, "alt": 35, "heading": 90, "speed": 50, "accuracy": 5},
      "ignition": true,
      "odometer": 12345.6,                         km
      "fuel": {"level": 42},                        % of the tank
      "battery": {"level": 80, "voltage": 12.6},   % of the traction battery; V of the 12 V battery
      "charging": {"status": "InProgress", "plugged": true},
      "doors": {"locked": false, "open": ["driver", "trunk"]},
      "engine": {"speed": 2100},                    rpm
      "acceleration": -1.5,                         m/s², longitudinal
      "alerts": {"raised": ["fuelLevelAlarm"], "cleared": ["trunkOpen"]},
      "collision": {"front": "LOW", "rear": "NONE", "lateral": "NONE", "rollOver": false, "pedestrian": false},
      "telemetry": {"vehicle": {"engines": [{"oil": {"temp": 90}}]}},   seed 000's telemetry shape
      "attributes": {"firmware": "1.2.3"}           anything else the device wants kept (scalars)
    }

Every key but `timestamp` is optional and `null` means "not measured". Unknown keys are refused, in a
report and in its telemetry, so that a misspelt property is a 400 rather than data silently lost.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from typing import Any

import orjson

from connectedcar.domain.alerts import CATALOGUE
from connectedcar.domain.reports import CHARGING_STATUSES, COLLISION_LEVELS, DOORS, CollisionReport, Report
from connectedcar.domain.telemetry import KNOWN_PATHS, LEAF_PATHS
from connectedcar.domain.timefmt import format_ms
from connectedcar.ingest import timestamps
from connectedcar.ingest.errors import ReportError

MAX_BATCH = 1000
MAX_ATTRIBUTES = 64

# Plausibility ranges, in the platform's units: beyond them a value is a device bug, not a measurement.
LAT = (-90.0, 90.0)
LON = (-180.0, 180.0)
ALTITUDE = (-1_000.0, 20_000.0)  # m
HEADING = (0.0, 360.0)  # degrees; 360 is read as 0
SPEED = (0.0, 400.0)  # km/h
ACCURACY = (0.0, 1_000_000.0)  # m
ODOMETER = (0.0, 10_000_000.0)  # km
PERCENT = (0.0, 100.0)
VOLTAGE = (0.0, 100.0)  # V
ENGINE_SPEED = (0.0, 20_000.0)  # rpm
ACCELERATION = (-200.0, 200.0)  # m/s²

_REPORT_KEYS = (
    "timestamp",
    "position",
    "ignition",
    "odometer",
    "fuel",
    "battery",
    "charging",
    "doors",
    "engine",
    "acceleration",
    "alerts",
    "collision",
    "telemetry",
    "attributes",
)
_ALERT_TYPE = "an alert type of the catalogue (the v2 spec's AlertMsgEnum)"
_POSITION_KEYS = ("lat", "lon", "alt", "heading", "speed", "accuracy")
_COLLISION_KEYS = ("front", "rear", "lateral", "rollOver", "pedestrian")


def decode_batch(body: bytes, vehicle_id: str, now_ms: int) -> list[Report]:
    """Decode a request body into the vehicle's Reports; the first bad value refuses the whole batch."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ReportError("body", f"is not valid JSON ({exc})") from None
    if not isinstance(document, dict):
        raise ReportError("body", 'must be a report object or {"reports": [...]}')
    if "reports" not in document:
        return [decode_report(document, vehicle_id, now_ms, None)]
    extra = sorted(k for k in document if k != "reports")
    if extra:
        raise ReportError(extra[0], "is not allowed next to 'reports': put it inside each report")
    items = document["reports"]
    if not isinstance(items, list):
        raise ReportError("reports", "must be an array of report objects")
    if len(items) > MAX_BATCH:
        raise ReportError("reports", f"holds {len(items)} reports: a batch holds at most {MAX_BATCH}")
    return [decode_report(item, vehicle_id, now_ms, index) for index, item in enumerate(items)]


def decode_report(item: Any, vehicle_id: str, now_ms: int, index: int | None = None) -> Report:
    """One decoded report object (already parsed JSON) as a Report."""
    report = _Object(item, "", index)
    report.only(_REPORT_KEYS)
    fields: dict[str, Any] = {"at_ms": _timestamp(report, now_ms)}
    # One pass over the properties the report has (a report carries a handful of the fourteen).
    for key, value in report.data.items():
        if value is not None and key != "timestamp":
            _READERS[key](report, value, fields)
    return Report(vehicle_id=vehicle_id, source="native", **fields)


def _read_position(report: _Object, value: Any, fields: dict[str, Any]) -> None:
    found = _numbers(value, _POSITION, _POSITION_KEYS, "position.", report.index)
    lat, lon = found.get("lat"), found.get("lon")
    if (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        raise ReportError(f"position.{missing}", "is required: a position has both lat and lon", report.index)
    heading = found.get("heading")
    if heading is not None:
        found["heading"] = heading % 360.0
    fields.update(found)


def _read_ignition(report: _Object, value: Any, fields: dict[str, Any]) -> None:
    fields["ignition"] = report.boolean("ignition")


def _read_number(key: str) -> Callable[[_Object, Any, dict[str, Any]], None]:
    name, bounds = _TOP_NUMBERS[key]

    def read(report: _Object, value: Any, fields: dict[str, Any]) -> None:
        fields[name] = _number(value, bounds, key, report.index)

    return read


def _read_numbers(
    key: str, table: dict[str, tuple[str, tuple[float, float]]], known: tuple[str, ...]
) -> Callable[[_Object, Any, dict[str, Any]], None]:
    def read(report: _Object, value: Any, fields: dict[str, Any]) -> None:
        fields.update(_numbers(value, table, known, f"{key}.", report.index))

    return read


def _read_charging(report: _Object, value: Any, fields: dict[str, Any]) -> None:
    charging = _Object(value, "charging.", report.index)
    charging.only(("status", "plugged"))
    if (status := charging.choice("status", CHARGING_STATUSES)) is not None:
        fields["charging"] = status
    if (plugged := charging.boolean("plugged")) is not None:
        fields["plugged"] = plugged


def _read_doors(report: _Object, value: Any, fields: dict[str, Any]) -> None:
    doors = _Object(value, "doors.", report.index)
    doors.only(("locked", "open"))
    if (locked := doors.boolean("locked")) is not None:
        fields["doors_locked"] = locked
    if (open_doors := doors.names("open", DOORS, f"a door ({', '.join(DOORS)})")) is not None:
        fields["doors_open"] = open_doors


def _read_alerts(report: _Object, value: Any, fields: dict[str, Any]) -> None:
    alerts = _Object(value, "alerts.", report.index)
    alerts.only(("raised", "cleared"))
    raised = alerts.names("raised", CATALOGUE, _ALERT_TYPE) or ()
    cleared = alerts.names("cleared", CATALOGUE, _ALERT_TYPE) or ()
    both = [t for t in raised if t in cleared]
    if both:
        raise ReportError("alerts.cleared", f"holds {both[0]!r}, which this report also raises", report.index)
    fields["alerts_raised"], fields["alerts_cleared"] = raised, cleared


def _read_collision(report: _Object, value: Any, fields: dict[str, Any]) -> None:
    collision = _Object(value, "collision.", report.index)
    collision.only(_COLLISION_KEYS)
    fields["collision"] = CollisionReport(
        front=collision.choice("front", COLLISION_LEVELS) or "NONE",
        rear=collision.choice("rear", COLLISION_LEVELS) or "NONE",
        lateral=collision.choice("lateral", COLLISION_LEVELS) or "NONE",
        roll_over=bool(collision.boolean("rollOver")),
        pedestrian=bool(collision.boolean("pedestrian")),
    )


def _read_telemetry(report: _Object, value: Any, fields: dict[str, Any]) -> None:
    if not isinstance(value, dict):
        raise ReportError("telemetry", "must be an object in seed 000's telemetry shape", report.index)
    _check_telemetry(value, "", report.index)
    fields["telemetry"] = value


def _read_attributes(report: _Object, value: Any, fields: dict[str, Any]) -> None:
    fields["attributes"] = _attributes(value, report.index)


def encode_report(report: Report) -> dict[str, Any]:
    """A Report in the wire format decode_report reads (vehicle_id and source are not sent)."""
    out: dict[str, Any] = {"timestamp": format_ms(report.at_ms)}
    position = _present(
        lat=report.lat,
        lon=report.lon,
        alt=report.alt,
        heading=report.heading,
        speed=report.speed,
        accuracy=report.accuracy,
    )
    if position:
        out["position"] = position
    if report.ignition is not None:
        out["ignition"] = report.ignition
    if report.odometer is not None:
        out["odometer"] = report.odometer
    if report.fuel_level is not None:
        out["fuel"] = {"level": report.fuel_level}
    if battery := _present(level=report.battery_level, voltage=report.battery_voltage):
        out["battery"] = battery
    if charging := _present(status=report.charging, plugged=report.plugged):
        out["charging"] = charging
    doors = _present(locked=report.doors_locked, open=None if report.doors_open is None else list(report.doors_open))
    if doors:
        out["doors"] = doors
    if report.engine_speed is not None:
        out["engine"] = {"speed": report.engine_speed}
    if report.acceleration is not None:
        out["acceleration"] = report.acceleration
    if report.alerts_raised or report.alerts_cleared:
        out["alerts"] = {"raised": list(report.alerts_raised), "cleared": list(report.alerts_cleared)}
    if (collision := report.collision) is not None:
        out["collision"] = {
            "front": collision.front,
            "rear": collision.rear,
            "lateral": collision.lateral,
            "rollOver": collision.roll_over,
            "pedestrian": collision.pedestrian,
        }
    if report.telemetry is not None:
        out["telemetry"] = report.telemetry
    if report.attributes:
        out["attributes"] = dict(report.attributes)
    return out


def encode_batch(reports: Collection[Report]) -> bytes:
    """A request body for a batch of at most MAX_BATCH reports."""
    if len(reports) > MAX_BATCH:
        raise ValueError(f"{len(reports)} reports: a batch holds at most {MAX_BATCH}")
    return orjson.dumps({"reports": [encode_report(r) for r in reports]})


# -- decoding helpers -----------------------------------------------------------------------------


def _present(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _timestamp(report: _Object, now_ms: int) -> int:
    value = report.get("timestamp")
    if value is None:
        raise report.error("timestamp", "is required: when the vehicle measured this report")
    if type(value) not in (str, int, float):
        raise report.error("timestamp", "must be an RFC 3339 date-time, or epoch seconds or milliseconds")
    try:
        at_ms = timestamps.from_rfc3339(value) if type(value) is str else timestamps.from_epoch(value)
    except (ValueError, OverflowError) as exc:
        raise report.error("timestamp", f"is not a valid date-time: {exc}") from None
    problem = timestamps.check_bounds(at_ms, now_ms)
    if problem:
        raise report.error("timestamp", problem)
    return at_ms


def _check_telemetry(node: Mapping[str, Any], prefix: str, index: int | None) -> None:
    for key, value in node.items():
        path = prefix + key
        field = f"telemetry.{path}"
        if path not in KNOWN_PATHS:
            raise ReportError(field, "is not a telemetry property of seed 000", index)
        if value is None:
            raise ReportError(field, "must not be null: leave the property out", index)
        if path in LEAF_PATHS:
            # A leaf's value is the vehicle's own: a number, a string, an enum, or an array
            # (doorsState.opening); the seed's catalogue gives no narrower shape to check.
            continue
        if isinstance(value, dict):
            _check_telemetry(value, path + ".", index)
        elif isinstance(value, list):
            for item in value:
                if not isinstance(item, dict):
                    raise ReportError(field, "must be an array of objects", index)
                _check_telemetry(item, path + ".", index)
        else:
            raise ReportError(field, "must be an object", index)


def _attributes(value: Any, index: int | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ReportError("attributes", "must be an object", index)
    if len(value) > MAX_ATTRIBUTES:
        raise ReportError("attributes", f"holds {len(value)} keys: at most {MAX_ATTRIBUTES}", index)
    for key, item in value.items():
        if type(item) not in (str, int, float, bool):
            raise ReportError(f"attributes.{key}", "must be a string, a number or a boolean", index)
    return value


# key -> (Report field, bounds): flat numeric objects, read in one pass over the keys present
_POSITION = {
    "lat": ("lat", LAT),
    "lon": ("lon", LON),
    "alt": ("alt", ALTITUDE),
    "heading": ("heading", HEADING),
    "speed": ("speed", SPEED),
    "accuracy": ("accuracy", ACCURACY),
}
_TOP_NUMBERS = {"odometer": ("odometer", ODOMETER), "acceleration": ("acceleration", ACCELERATION)}
_FUEL = {"level": ("fuel_level", PERCENT)}
_BATTERY = {"level": ("battery_level", PERCENT), "voltage": ("battery_voltage", VOLTAGE)}
_ENGINE = {"speed": ("engine_speed", ENGINE_SPEED)}


def _numbers(
    data: Any,
    table: dict[str, tuple[str, tuple[float, float]]],
    known: tuple[str, ...],
    path: str,
    index: int | None,
) -> dict[str, float]:
    """The numbers of a flat object, typed and range-checked, visiting only the keys it has (reports
    arrive by the tens of thousands a second); unknown keys are refused."""
    if not isinstance(data, dict):
        raise ReportError(path.rstrip("."), "must be an object", index)
    out: dict[str, float] = {}
    for key, value in data.items():
        spec = table.get(key)
        if spec is None:
            raise ReportError(f"{path}{key}", f"is not a known property (known here: {', '.join(known)})", index)
        if value is not None:
            out[spec[0]] = _number(value, spec[1], path + key, index)
    return out


def _number(value: Any, bounds: tuple[float, float], field: str, index: int | None) -> float:
    if type(value) is not float and type(value) is not int:
        raise ReportError(field, "must be a number", index)
    low, high = bounds
    if not low <= value <= high:  # also refuses NaN and the infinities
        raise ReportError(field, f"must be between {low:g} and {high:g}, not {value}", index)
    return float(value)


class _Object:
    """A JSON object of a report, at `path`, that reads typed and range-checked fields."""

    __slots__ = ("data", "index", "path")

    def __init__(self, data: Any, path: str, index: int | None) -> None:
        if not isinstance(data, dict):
            raise ReportError(path.rstrip("."), "must be an object", index)
        self.data: dict[str, Any] = data
        self.path = path
        self.index = index

    def error(self, key: str, reason: str) -> ReportError:
        return ReportError(f"{self.path}{key}", reason, self.index)

    def only(self, known: tuple[str, ...]) -> None:
        for key in self.data:
            if key not in known:
                raise self.error(key, f"is not a known property (known here: {', '.join(known)})")

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def object(self, key: str) -> _Object | None:
        value = self.data.get(key)
        return None if value is None else _Object(value, f"{self.path}{key}.", self.index)

    def number(self, key: str, bounds: tuple[float, float]) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if type(value) not in (int, float):
            raise self.error(key, "must be a number")
        number = float(value)
        low, high = bounds
        if not (math.isfinite(number) and low <= number <= high):
            raise self.error(key, f"must be between {low:g} and {high:g}, not {value}")
        return number

    def boolean(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None or type(value) is bool:
            return value
        raise self.error(key, "must be true or false")

    def choice(self, key: str, choices: Collection[str]) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if type(value) is not str or value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}")
        return value

    def names(self, key: str, allowed: Collection[str], what: str) -> tuple[str, ...] | None:
        """An array of distinct names from `allowed` (a repeated name counts once)."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.error(key, "must be an array of names")
        for name in value:
            if type(name) is not str or name not in allowed:
                raise self.error(key, f"holds {name!r}, which is not {what}")
        return tuple(dict.fromkeys(value))


_READERS: dict[str, Callable[[_Object, Any, dict[str, Any]], None]] = {
    "position": _read_position,
    "ignition": _read_ignition,
    "odometer": _read_number("odometer"),
    "acceleration": _read_number("acceleration"),
    "fuel": _read_numbers("fuel", _FUEL, ("level",)),
    "battery": _read_numbers("battery", _BATTERY, ("level", "voltage")),
    "charging": _read_charging,
    "doors": _read_doors,
    "engine": _read_numbers("engine", _ENGINE, ("speed",)),
    "alerts": _read_alerts,
    "collision": _read_collision,
    "telemetry": _read_telemetry,
    "attributes": _read_attributes,
}
assert set(_READERS) | {"timestamp"} == set(_REPORT_KEYS)
