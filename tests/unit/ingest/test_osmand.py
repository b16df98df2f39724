"""The OsmAnd / Traccar Client decoder, with what real apps send (from Traccar's own decoder tests and
Traccar Client 8's JSON), units included: knots and m/s become km/h."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import orjson
import pytest

from connectedcar.ingest.errors import ReportError
from connectedcar.ingest.osmand import OsmandReading, decode_osmand

NOW = 1_793_606_400_000  # 2026-11-02T08:00:00Z


def query(text: str) -> OsmandReading:
    """As the HTTP layer hands it over: the query string decoded (`+` is a space), last value wins."""
    return decode_osmand(dict(parse_qsl(text, keep_blank_values=True)), None, None, NOW)


def json_body(document: Any, content_type: str | None = "application/json") -> OsmandReading:
    return decode_osmand({}, orjson.dumps(document), content_type, NOW)


# (query string, expected device id, expected report fields, expected attributes)
TRACCAR_CLIENT = [
    (
        "id=123456&timestamp=1609459200&lat=48.8566&lon=2.3522&speed=10.5&bearing=90&altitude=35&accuracy=5&batt=87",
        "123456",
        {
            "at_ms": 1_609_459_200_000,
            "lat": 48.8566,
            "lon": 2.3522,
            "speed": pytest.approx(19.446),
            "heading": 90.0,
            "alt": 35.0,
            "accuracy": 5.0,
        },
        {"batteryLevel": 87.0},
    ),
    (
        "id=902064&lat=42.06288&lon=-88.23412&timestamp=2016-01-27T18%3A55%3A47Z&hdop=6.0&altitude=224.0&speed=0.0",
        "902064",
        {"at_ms": 1_453_920_947_000, "lat": 42.06288, "lon": -88.23412, "alt": 224.0, "speed": 0.0},
        {"hdop": 6.0},
    ),
    (
        "id=902064&lat=42.06288&lon=-88.23412&timestamp=1442068686579&hdop=6.0&altitude=224.0&speed=0.0",
        "902064",
        {"at_ms": 1_442_068_686_579},
        {"hdop": 6.0},
    ),
    (
        "lat=49.60688&lon=6.15788&timestamp=2014-06-04+09%3A10%3A11&altitude=384.7&speed=0.0&id=353861053849681",
        "353861053849681",
        {"at_ms": 1_401_873_011_000, "lat": 49.60688, "lon": 6.15788, "alt": 384.7},
        {},
    ),
    (
        "id=123456&timestamp=1377177267&lat=60.0&lon=30.0&speed=0.0&bearing=0.0&altitude=0&hdop=0.0",
        "123456",
        {"at_ms": 1_377_177_267_000, "lat": 60.0, "lon": 30.0, "heading": 0.0, "alt": 0.0},
        {"hdop": 0.0},
    ),
    (
        "lat=60.0&lon=30.0&speed=0.0&heading=0.0&vacc=0&hacc=0&altitude=0&deviceid=123456",
        "123456",
        {"at_ms": NOW, "lat": 60.0, "heading": 0.0},
        {"vacc": 0.0, "hacc": 0.0},
    ),
    (
        "id=861001000719969&lat=41.666667&lon=-0.883333&altitude=350.059479&speed=0.000000&batt=87",
        "861001000719969",
        {"at_ms": NOW, "lat": 41.666667, "lon": -0.883333, "battery_level": None},
        {"batteryLevel": 87.0},
    ),
    ("id=123456&timestamp=1377177267&location=60.0,30.0", "123456", {"lat": 60.0, "lon": 30.0}, {}),
    (
        "id=123456789012345&timestamp=1504763810&lat=40.7232948571&lon=-74.0061408571"
        "&bearing=7.19889788244&speed=40&ignition=true&rpm=933&fuel=24",
        "123456789012345",
        {"speed": pytest.approx(74.08), "heading": 7.19889788244, "ignition": True, "fuel_level": None},
        {"rpm": 933.0, "fuel": 24.0},
    ),
    (
        "id=123456&timestamp=1377177267&cell=257,02,16,2224&wifi=00-14-22-01-23-45,-80",
        "123456",
        {"lat": None, "lon": None},
        {"cell": "257,02,16,2224", "wifi": "00-14-22-01-23-45,-80"},
    ),
    (
        "id=VF3ABCDEFGH123456&timestamp=1793606300&lat=48.85&lon=2.35&charge=true&driverUniqueId=42&note=hello"
        "&moving=false",
        "VF3ABCDEFGH123456",
        {"at_ms": NOW - 100_000},
        {"charge": True, "driverUniqueId": "42", "note": "hello", "moving": False},
    ),
]


@pytest.mark.parametrize(("text", "device_id", "fields", "attributes"), TRACCAR_CLIENT)
def test_real_query_strings(text: str, device_id: str, fields: dict[str, Any], attributes: dict[str, Any]) -> None:
    reading = query(text)
    assert reading.device_id == device_id
    for name, value in fields.items():
        assert getattr(reading.report, name) == value, name
    assert dict(reading.report.attributes) == attributes
    assert reading.report.source == "osmand"


@pytest.mark.parametrize(
    ("timestamp", "at_ms"),
    [
        ("1793606400", NOW),  # epoch seconds
        ("1793606400000", NOW),  # epoch milliseconds
        ("1793606400.25", NOW + 250),
        ("2026-11-02T08:00:00Z", NOW),
        ("2026-11-02T08:00:00.123Z", NOW + 123),
        ("2026-11-02T10:00:00%2B02:00", NOW),  # an encoded '+'
        ("2026-11-02T10:00:00+02:00", NOW),  # an unencoded '+' arrives as a space
        ("2026-11-02T08:00:00", NOW),  # no offset: UTC
        ("2026-11-02+08:00:00", NOW),  # yyyy-MM-dd HH:mm:ss
        ("2026-11-02 08:00:00.5", NOW + 500),
    ],
)
def test_timestamps(timestamp: str, at_ms: int) -> None:
    assert query(f"id=1&lat=1&lon=2&timestamp={timestamp}").report.at_ms == at_ms


def test_missing_timestamp_is_now() -> None:
    assert query("id=1&lat=1&lon=2").report.at_ms == NOW


@pytest.mark.parametrize(("knots", "kmh"), [("0", 0.0), ("1", 1.852), ("10.5", 19.446), ("54", 100.008)])
def test_speed_is_in_knots(knots: str, kmh: float) -> None:
    assert query(f"id=1&lat=1&lon=2&speed={knots}").report.speed == pytest.approx(kmh)


def test_phone_battery_is_an_attribute_not_the_traction_battery() -> None:
    report = query("id=1&lat=1&lon=2&batt=55.5&charge=false").report
    assert report.battery_level is None and report.charging is None and report.plugged is None
    assert report.attributes == {"batteryLevel": 55.5, "charge": False}


def test_unknown_values_and_missing_fixes_are_left_out() -> None:
    # CoreLocation reports an unknown speed, course or accuracy as -1
    report = query("id=1&lat=1&lon=2&speed=-1&bearing=-1&accuracy=-1").report
    assert (report.speed, report.heading, report.accuracy) == (None, None, None)
    assert (report.lat, report.lon) == (1.0, 2.0)
    # 0,0 is "no fix" (Traccar takes the last known location instead)
    report = query("id=1&lat=0&lon=0&speed=0&ignition=true").report
    assert not report.has_position and report.speed is None and report.ignition is True
    report = query("id=1&lat=48.8&lon=2.3&valid=false").report
    assert not report.has_position and report.attributes == {"valid": False}
    assert query("id=1&lat=48.8&lon=2.3&valid=1").report.has_position


def test_heading_360_is_north() -> None:
    assert query("id=1&lat=1&lon=2&heading=360").report.heading == 0.0


def test_form_body_when_the_query_string_is_empty() -> None:
    form = b"id=123456&timestamp=1609459200&lat=48.8566&lon=2.3522&speed=10.5"
    reading = decode_osmand({}, form, "application/x-www-form-urlencoded", NOW)
    assert (reading.device_id, reading.report.lat, reading.report.speed) == ("123456", 48.8566, pytest.approx(19.446))
    # as Traccar: the query string wins when there is one
    reading = decode_osmand({"id": "7", "lat": "1", "lon": "2"}, form, "application/x-www-form-urlencoded", NOW)
    assert (reading.device_id, reading.report.lat) == ("7", 1.0)


def test_for_vehicle_resolves_the_vehicle() -> None:
    reading = query("id=123456&lat=1&lon=2")
    report = reading.for_vehicle("V42")
    assert report.vehicle_id == "V42" and report.lat == 1.0 and reading.report.vehicle_id == ""


# What Traccar Client 8 (transistorsoft background geolocation) posts.
CLIENT_8: dict[str, Any] = {
    "location": {
        "event": "motionchange",
        "is_moving": True,
        "uuid": "0c5d7a9e-3b2f-4a9c-9c59-3a9c1f0c8a11",
        "timestamp": "2026-11-02T07:59:30.123Z",
        "odometer": 12345.6,
        "coords": {
            "latitude": 48.8566,
            "longitude": 2.3522,
            "accuracy": 4.7,
            "speed": 13.9,
            "speed_accuracy": 0.5,
            "heading": 181.5,
            "heading_accuracy": 10,
            "altitude": 35.2,
            "ellipsoidal_altitude": 82.1,
            "altitude_accuracy": 3,
        },
        "activity": {"type": "in_vehicle", "confidence": 100},
        "battery": {"is_charging": True, "level": 0.87},
        "extras": {},
    },
    "device_id": "123456",
}


def test_traccar_client_8_json() -> None:
    reading = json_body(CLIENT_8)
    report = reading.report
    assert reading.device_id == "123456"
    assert report.at_ms == NOW - 29_877
    assert (report.lat, report.lon, report.alt, report.heading, report.accuracy) == (48.8566, 2.3522, 35.2, 181.5, 4.7)
    assert report.speed == pytest.approx(50.04)  # 13.9 m/s
    assert report.battery_level is None
    assert report.attributes == {
        "motion": True,
        "odometer": 12345.6,
        "event": "motionchange",
        "activity": "in_vehicle",
        "batteryLevel": 87.0,
        "charge": True,
    }


def test_json_variants() -> None:
    document: dict[str, Any] = {
        "device_id": 123456,
        "location": {
            "timestamp": "2026-11-02T08:00:00Z",
            "coords": {"latitude": 1, "longitude": 2, "speed": -1, "heading": -1},
            "battery": {"level": -1, "is_charging": False},
            "extras": {"trip": "work", "nested": {"no": 1}},
        },
    }
    for content_type in ("application/json; charset=utf-8", None, "text/plain"):
        reading = json_body(document, content_type)
        assert reading.device_id == "123456"
        assert (reading.report.speed, reading.report.heading) == (None, None)
        assert reading.report.attributes == {"charge": False, "trip": "work"}
    no_coords = json_body({"device_id": "1", "location": {"timestamp": "2026-11-02T08:00:00Z"}})
    assert not no_coords.report.has_position


BAD: list[tuple[str, str, str, str]] = [
    # (case, query string, parameter named, words of the reason)
    ("no id", "lat=1&lon=2&timestamp=1793606400", "id", "is required"),
    ("blank id", "id=%20&lat=1&lon=2", "id", "is required"),
    ("long id", f"id={'x' * 65}&lat=1&lon=2", "id", "at most 64"),
    ("latitude as text", "id=1&lat=abc&lon=2", "lat", "must be a number"),
    ("latitude NaN", "id=1&lat=NaN&lon=2", "lat", "finite"),
    ("absurd latitude", "id=1&lat=91&lon=2", "lat", "between -90 and 90"),
    ("absurd longitude", "id=1&lat=1&lon=-200", "lon", "between -180 and 180"),
    ("latitude alone", "id=1&lat=1", "lon", "is required"),
    ("longitude alone", "id=1&lon=1", "lat", "is required"),
    ("location form", "id=1&location=60.0", "location", "'lat,lon'"),
    ("location latitude", "id=1&location=95,30", "location", "between -90 and 90"),
    ("timestamp text", "id=1&lat=1&lon=2&timestamp=yesterday", "timestamp", "not a valid time"),
    ("far-future timestamp", "id=1&lat=1&lon=2&timestamp=1893456000", "timestamp", "24 hours in the future"),
    ("clock not set", "id=1&lat=1&lon=2&timestamp=0", "timestamp", "before 2000"),
    ("supersonic", "id=1&lat=1&lon=2&speed=500", "speed", "between 0 and 400"),
    ("heading", "id=1&lat=1&lon=2&bearing=400", "bearing", "between 0 and 360"),
    ("ignition", "id=1&lat=1&lon=2&ignition=maybe", "ignition", "true or false"),
    ("battery", "id=1&lat=1&lon=2&batt=150", "batt", "between 0 and 100"),
    ("altitude", "id=1&lat=1&lon=2&altitude=1e6", "altitude", "between"),
]


@pytest.mark.parametrize(("text", "field", "reason"), [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_bad_parameters_are_named(text: str, field: str, reason: str) -> None:
    with pytest.raises(ReportError) as caught:
        query(text)
    assert caught.value.field == field
    assert caught.value.index is None
    assert reason in caught.value.reason


def _with(path: str, value: Any) -> dict[str, Any]:
    document = orjson.loads(orjson.dumps(CLIENT_8))
    *parents, last = path.split(".")
    node = document
    for key in parents:
        node = node[key]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return dict(document)


BAD_JSON: list[tuple[str, bytes, str, str]] = [
    ("malformed", b'{"device_id": "1", "location": {', "body", "not valid JSON"),
    ("not an object", b"[1, 2]", "body", "must be an object"),
    ("no device id", orjson.dumps(_with("device_id", ...)), "device_id", "is required"),
    ("no location", orjson.dumps(_with("location", ...)), "location", "is required"),
    ("no timestamp", orjson.dumps(_with("location.timestamp", ...)), "location.timestamp", "is required"),
    ("bad timestamp", orjson.dumps(_with("location.timestamp", "soon")), "location.timestamp", "not a valid time"),
    (
        "latitude as text",
        orjson.dumps(_with("location.coords.latitude", "48.8")),
        "location.coords.latitude",
        "must be a number",
    ),
    ("no longitude", orjson.dumps(_with("location.coords.longitude", ...)), "location.coords.longitude", "required"),
    (
        "absurd longitude",
        orjson.dumps(_with("location.coords.longitude", 190)),
        "location.coords.longitude",
        "between -180 and 180",
    ),
    ("supersonic", orjson.dumps(_with("location.coords.speed", 200)), "location.coords.speed", "between 0 and 400"),
    ("battery level", orjson.dumps(_with("location.battery.level", "full")), "location.battery.level", "a number"),
    ("is_moving", orjson.dumps(_with("location.is_moving", "yes")), "location.is_moving", "a boolean"),
]


@pytest.mark.parametrize(("raw", "field", "reason"), [case[1:] for case in BAD_JSON], ids=[c[0] for c in BAD_JSON])
def test_bad_json_is_named(raw: bytes, field: str, reason: str) -> None:
    with pytest.raises(ReportError) as caught:
        decode_osmand({}, raw, "application/json", NOW)
    assert caught.value.field == field
    assert reason in caught.value.reason


def test_form_body_must_be_text() -> None:
    with pytest.raises(ReportError) as caught:
        decode_osmand({}, b"id=\xff\xfe", "application/x-www-form-urlencoded", NOW)
    assert caught.value.field == "body"
