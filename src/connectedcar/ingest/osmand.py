"""The OsmAnd / Traccar Client protocol: one location per HTTP request, decoded as Traccar does.

Two forms reach the same port:

- parameters, in the query string (OsmAnd, Traccar Client before 8) or, when the query string is empty,
  in a form body: `id` (or `deviceid`), `lat`, `lon` (or `location=lat,lon`), `timestamp` (epoch
  seconds or milliseconds, ISO 8601, or `yyyy-MM-dd HH:mm:ss` in UTC; now when absent), `speed` in
  knots, `bearing` (or `heading`), `altitude`, `accuracy`, `hdop`, `batt` (the phone's battery, %),
  `charge`, `ignition`, `valid`, and any other key, kept as an attribute (a number, a boolean or text);
- JSON (Traccar Client 8 and later): `{"device_id", "location": {"timestamp", "coords": {"latitude",
  "longitude", "speed" (m/s), "heading", "altitude", "accuracy"}, "is_moving", "odometer" (m),
  "event", "battery": {"level" (0..1), "is_charging"}, "activity": {"type"}, "extras": {...}}}`.

A phone is not a car: its battery and charging state are attributes (`batteryLevel`, `charge`), never
the traction battery. Phones report an unknown speed, heading or accuracy as a negative number (-1):
those are left out rather than refused. A fix at 0,0 or flagged `valid=false` is no position at all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl

import orjson

from connectedcar.domain.reports import Report
from connectedcar.ingest import timestamps
from connectedcar.ingest.errors import ReportError
from connectedcar.ingest.native import ACCURACY, ALTITUDE, LAT, LON, PERCENT, SPEED

KNOTS_TO_KMH = 1.852
MPS_TO_KMH = 3.6
MAX_ATTRIBUTES = 100
MAX_ID_LENGTH = 64

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
_POSITION_FIELDS = ("lat", "lon", "alt", "heading", "speed", "accuracy")


@dataclass(frozen=True, slots=True)
class OsmandReading:
    """One decoded location: the id the device reports with, and the Report it carries (its
    vehicle_id is empty until the device is resolved to a vehicle)."""

    device_id: str
    report: Report

    def for_vehicle(self, vehicle_id: str) -> Report:
        return replace(self.report, vehicle_id=vehicle_id)


def decode_osmand(query: Mapping[str, str], body: bytes | None, content_type: str | None, now_ms: int) -> OsmandReading:
    """Decode a request: its query string if it has one (as Traccar), else its JSON or form body."""
    if query:
        return _decode_params(query, now_ms)
    body = body or b""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json") or body.lstrip().startswith(b"{"):
        return _decode_json(body, now_ms)
    try:
        text = body.decode()
    except UnicodeDecodeError:
        raise ReportError("body", "is not UTF-8 text") from None
    return _decode_params(dict(parse_qsl(text, keep_blank_values=True)), now_ms)


# -- parameters -----------------------------------------------------------------------------------


def _decode_params(params: Mapping[str, str], now_ms: int) -> OsmandReading:
    device_id = _device_id(params.get("id") or params.get("deviceid"), "id")
    fields: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    at_ms = now_ms
    valid = True
    for key, raw in params.items():
        if key in ("id", "deviceid"):
            continue
        if key == "timestamp":
            at_ms = _device_time(raw, key, now_ms)
        elif key == "lat":
            fields["lat"] = _bounded(key, _number(key, raw), LAT)
        elif key == "lon":
            fields["lon"] = _bounded(key, _number(key, raw), LON)
        elif key == "location":
            parts = raw.split(",")
            if len(parts) != 2:
                raise ReportError(key, "must be 'lat,lon'")
            fields["lat"] = _bounded(key, _number(key, parts[0]), LAT)
            fields["lon"] = _bounded(key, _number(key, parts[1]), LON)
        elif key == "speed":
            _known(fields, "speed", _bounded(key, _unknown_if_negative(_number(key, raw), KNOTS_TO_KMH), SPEED))
        elif key in ("bearing", "heading"):
            _known(fields, "heading", _heading(key, _number(key, raw)))
        elif key == "altitude":
            fields["alt"] = _bounded(key, _number(key, raw), ALTITUDE)
        elif key == "accuracy":
            _known(fields, "accuracy", _bounded(key, _unknown_if_negative(_number(key, raw)), ACCURACY))
        elif key == "hdop":
            attributes["hdop"] = _bounded(key, _number(key, raw), (0.0, 1000.0))
        elif key == "batt":
            attributes["batteryLevel"] = _bounded(key, _number(key, raw), PERCENT)
        elif key == "charge":
            attributes["charge"] = _boolean(key, raw)
        elif key == "ignition":
            fields["ignition"] = _boolean(key, raw)
        elif key == "valid":
            valid = _boolean(key, raw)
            attributes["valid"] = valid
        elif key == "driverUniqueId":
            attributes[key] = raw
        else:
            attributes[key] = _attribute(raw)
    if len(attributes) > MAX_ATTRIBUTES:
        raise ReportError("query", f"has {len(params)} parameters: at most {MAX_ATTRIBUTES} attributes are kept")
    if ("lat" in fields) != ("lon" in fields):
        missing = "lon" if "lat" in fields else "lat"
        raise ReportError(missing, "is required: a position has both lat and lon")
    return _reading(device_id, at_ms, fields, attributes, valid)


def _reading(
    device_id: str, at_ms: int, fields: dict[str, Any], attributes: dict[str, Any], valid: bool
) -> OsmandReading:
    # Traccar reads 0,0 as "no fix" (and takes the last known location): so do we, leaving it out.
    if not valid or (fields.get("lat") == 0 and fields.get("lon") == 0):
        for name in _POSITION_FIELDS:
            fields.pop(name, None)
    report = Report(vehicle_id="", at_ms=at_ms, source="osmand", attributes=attributes, **fields)
    return OsmandReading(device_id=device_id, report=report)


# -- JSON (Traccar Client 8+) -----------------------------------------------------------------------


def _decode_json(body: bytes, now_ms: int) -> OsmandReading:
    try:
        root = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ReportError("body", f"is not valid JSON ({exc})") from None
    if not isinstance(root, dict):
        raise ReportError("body", 'must be an object: {"device_id": ..., "location": {...}}')
    raw_id = root.get("device_id")
    if type(raw_id) is int:
        raw_id = str(raw_id)
    device_id = _device_id(raw_id if isinstance(raw_id, str) else None, "device_id")
    location = root.get("location")
    if not isinstance(location, dict):
        raise ReportError("location", "is required: an object with timestamp and coords")
    stamp = location.get("timestamp")
    if not isinstance(stamp, str):
        raise ReportError("location.timestamp", "is required: an ISO 8601 date-time")
    at_ms = _device_time(stamp, "location.timestamp", now_ms)

    fields: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    coords = location.get("coords")
    if coords is not None:
        if not isinstance(coords, dict):
            raise ReportError("location.coords", "must be an object")

        def number(key: str) -> float | None:
            value = coords.get(key)
            if value is None:
                return None
            if type(value) not in (int, float) or not math.isfinite(value):
                raise ReportError(f"location.coords.{key}", "must be a number")
            return float(value)

        lat, lon = number("latitude"), number("longitude")
        if lat is None or lon is None:
            missing = "longitude" if lat is not None else "latitude"
            raise ReportError(f"location.coords.{missing}", "is required")
        fields["lat"] = _bounded("location.coords.latitude", lat, LAT)
        fields["lon"] = _bounded("location.coords.longitude", lon, LON)
        if (speed := number("speed")) is not None:
            _known(fields, "speed", _bounded("location.coords.speed", _unknown_if_negative(speed, MPS_TO_KMH), SPEED))
        if (heading := number("heading")) is not None:
            _known(fields, "heading", _heading("location.coords.heading", heading))
        if (altitude := number("altitude")) is not None:
            fields["alt"] = _bounded("location.coords.altitude", altitude, ALTITUDE)
        if (accuracy := number("accuracy")) is not None:
            _known(fields, "accuracy", _bounded("location.coords.accuracy", _unknown_if_negative(accuracy), ACCURACY))

    for key, attribute, kind in (
        ("is_moving", "motion", bool),
        ("odometer", "odometer", float),
        ("event", "event", str),
        ("mock", "mock", bool),
    ):
        value = location.get(key)
        if value is not None:
            attributes[attribute] = _json_value(f"location.{key}", value, kind)
    activity = location.get("activity")
    if isinstance(activity, dict) and isinstance(activity.get("type"), str):
        attributes["activity"] = activity["type"]
    battery = location.get("battery")
    if battery is not None:
        if not isinstance(battery, dict):
            raise ReportError("location.battery", "must be an object")
        level = battery.get("level")
        if level is not None:
            level = _json_value("location.battery.level", level, float)
            if level >= 0:  # -1: unknown
                attributes["batteryLevel"] = _bounded("location.battery.level", round(level * 100, 1), PERCENT)
        charging = battery.get("is_charging")
        if charging is not None:
            attributes["charge"] = _json_value("location.battery.is_charging", charging, bool)
    extras = location.get("extras")
    if isinstance(extras, dict):
        for key, value in extras.items():
            if type(value) in (str, int, float, bool) and key not in attributes:
                attributes[key] = value
    if len(attributes) > MAX_ATTRIBUTES:
        raise ReportError("location.extras", f"holds too many keys: at most {MAX_ATTRIBUTES} attributes are kept")
    return _reading(device_id, at_ms, fields, attributes, valid=True)


# -- values ---------------------------------------------------------------------------------------


def _device_id(value: str | None, field: str) -> str:
    device_id = (value or "").strip()
    if not device_id:
        raise ReportError(field, "is required: the vehicle's VIN or the device id registered for it")
    if len(device_id) > MAX_ID_LENGTH:
        raise ReportError(field, f"must be at most {MAX_ID_LENGTH} characters long")
    return device_id


def _device_time(raw: str, field: str, now_ms: int) -> int:
    value = raw.strip()
    try:
        if value.lstrip("-").replace(".", "", 1).isdigit():
            at_ms = timestamps.from_epoch(float(value))
        else:
            at_ms = timestamps.from_device_date(value)
    except (ValueError, OverflowError) as exc:
        raise ReportError(
            field, f"is not a valid time ({exc}): send epoch seconds or milliseconds, or ISO 8601"
        ) from None
    problem = timestamps.check_bounds(at_ms, now_ms)
    if problem:
        raise ReportError(field, problem)
    return at_ms


def _number(field: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ReportError(field, f"must be a number, not {raw!r}") from None
    if not math.isfinite(value):
        raise ReportError(field, f"must be a finite number, not {raw!r}")
    return value


def _bounded(field: str, value: float | None, bounds: tuple[float, float]) -> float | None:
    if value is None:
        return None
    low, high = bounds
    if not low <= value <= high:
        raise ReportError(field, f"must be between {low:g} and {high:g}, not {value:g}")
    return value


def _unknown_if_negative(value: float, factor: float = 1.0) -> float | None:
    return None if value < 0 else value * factor


def _heading(field: str, value: float) -> float | None:
    if value < 0:
        return None
    if value > 360:
        raise ReportError(field, f"must be between 0 and 360, not {value:g}")
    return value % 360.0


def _known(fields: dict[str, Any], name: str, value: float | None) -> None:
    if value is not None:
        fields[name] = value


def _boolean(field: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ReportError(field, f"must be true or false, not {raw!r}")


def _attribute(raw: str) -> Any:
    """An extra parameter as Traccar keeps it: a number if it reads as one, a boolean, else the text."""
    try:
        number = float(raw)
    except ValueError:
        lowered = raw.strip().lower()
        return True if lowered == "true" else False if lowered == "false" else raw
    return number if math.isfinite(number) else raw


def _json_value(field: str, value: Any, kind: type) -> Any:
    if kind is float:
        if type(value) not in (int, float):
            raise ReportError(field, "must be a number")
        return float(value)
    if type(value) is not kind:
        raise ReportError(field, "must be a boolean" if kind is bool else "must be a string")
    return value
