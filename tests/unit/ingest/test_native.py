"""The native protocol's codec: what decodes, into what, and how bad input is named."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from connectedcar.domain.reports import CollisionReport, Report
from connectedcar.ingest.errors import ReportError
from connectedcar.ingest.native import MAX_BATCH, decode_batch, encode_batch, encode_report

NOW = 1_793_606_400_000  # 2026-11-02T08:00:00Z
VEHICLE = "V1"


def body(value: Any) -> bytes:
    return orjson.dumps(value)


def decode_one(report: dict[str, Any]) -> Report:
    (decoded,) = decode_batch(body(report), VEHICLE, NOW)
    return decoded


def refusal(raw: bytes) -> ReportError:
    with pytest.raises(ReportError) as caught:
        decode_batch(raw, VEHICLE, NOW)
    return caught.value


RICH = Report(
    vehicle_id=VEHICLE,
    at_ms=NOW - 1500,
    lat=48.85661,
    lon=2.35222,
    alt=35.5,
    heading=271.3,
    speed=87.4,
    accuracy=4.0,
    ignition=True,
    odometer=12345.6,
    fuel_level=42.5,
    battery_level=80.0,
    battery_voltage=12.6,
    charging="InProgress",
    plugged=True,
    doors_locked=False,
    doors_open=("driver", "trunk"),
    engine_speed=2100.0,
    acceleration=-2.25,
    alerts_raised=("fuelLevelAlarm", "trunkOpen"),
    alerts_cleared=("alertOilPressure",),
    collision=CollisionReport(front="LOW", rear="NONE", lateral="HIGH", roll_over=True, pedestrian=False),
    telemetry={
        "vehicle": {
            "engines": [{"speed": 800, "oil": {"temp": 90, "level": 78.5}}],
            "doorsState": {"opening": [{"identifier": "Driver", "state": "Open"}], "lockedState": ["Unlocked"]},
            "adas": {"lka": {"left": "ENABLED"}},
        },
        "environment": {"air": {"temp": 12.5}},
        "passenger": {"seatbelt": {"unbuckled": True}},
    },
    attributes={"firmware": "1.2.3", "rssi": -71, "gps": True},
)


@pytest.mark.parametrize(
    "report",
    [
        RICH,
        Report(vehicle_id=VEHICLE, at_ms=NOW),
        Report(vehicle_id=VEHICLE, at_ms=NOW - 60_000, lat=-33.9, lon=151.2, speed=0.0),
        Report(vehicle_id=VEHICLE, at_ms=NOW, doors_open=(), doors_locked=True, collision=CollisionReport()),
        Report(vehicle_id=VEHICLE, at_ms=NOW, alerts_cleared=("riskOfIce",), charging="Disconnected", plugged=False),
    ],
    ids=["rich", "heartbeat", "position", "doors-closed", "alert-cleared"],
)
def test_decode_of_encode_gives_the_report_back(report: Report) -> None:
    assert decode_batch(body(encode_report(report)), VEHICLE, NOW) == [report]
    assert decode_batch(encode_batch([report, report]), VEHICLE, NOW) == [report, report]


def test_encoded_report_is_the_documented_wire_format() -> None:
    wire = encode_report(RICH)
    assert wire["timestamp"] == "2026-11-02T07:59:58.500Z"
    assert wire["position"] == {
        "lat": 48.85661,
        "lon": 2.35222,
        "alt": 35.5,
        "heading": 271.3,
        "speed": 87.4,
        "accuracy": 4.0,
    }
    assert wire["fuel"] == {"level": 42.5}
    assert wire["battery"] == {"level": 80.0, "voltage": 12.6}
    assert wire["charging"] == {"status": "InProgress", "plugged": True}
    assert wire["doors"] == {"locked": False, "open": ["driver", "trunk"]}
    assert wire["engine"] == {"speed": 2100.0}
    assert wire["alerts"] == {"raised": ["fuelLevelAlarm", "trunkOpen"], "cleared": ["alertOilPressure"]}
    assert wire["collision"] == {
        "front": "LOW",
        "rear": "NONE",
        "lateral": "HIGH",
        "rollOver": True,
        "pedestrian": False,
    }
    assert encode_report(Report(vehicle_id=VEHICLE, at_ms=NOW)) == {"timestamp": "2026-11-02T08:00:00.000Z"}


@pytest.mark.parametrize(
    ("timestamp", "at_ms"),
    [
        ("2026-11-02T08:00:00Z", NOW),
        ("2026-11-02T08:00:00.250Z", NOW + 250),
        ("2026-11-02T10:00:00+02:00", NOW),
        ("2026-11-02T07:00:00.5-01:00", NOW + 500),
        ("2026-11-02T08:00:00+0000", NOW),
        (NOW // 1000, NOW),  # epoch seconds
        (NOW // 1000 + 0.75, NOW + 750),  # fractional seconds
        (NOW, NOW),  # epoch milliseconds
        (NOW + 0.4, NOW),
        (NOW + 3600_000, NOW + 3600_000),  # an hour ahead: the pipeline's business, not the codec's
    ],
)
def test_timestamps_in_every_accepted_form(timestamp: str | float, at_ms: int) -> None:
    assert decode_one({"timestamp": timestamp}).at_ms == at_ms


def test_single_report_and_batch_decode_alike() -> None:
    one = {"timestamp": NOW, "position": {"lat": 1.5, "lon": 2.5}}
    assert decode_batch(body(one), VEHICLE, NOW) == decode_batch(body({"reports": [one]}), VEHICLE, NOW)
    assert decode_batch(body({"reports": []}), VEHICLE, NOW) == []


def test_values_are_normalised() -> None:
    report = decode_one(
        {
            "timestamp": NOW,
            "position": {"lat": 10, "lon": 20, "heading": 360, "speed": 0},
            "doors": {"open": ["driver", "driver", "trunk"]},
            "collision": {"front": "MEDIUM"},
            "fuel": None,
        }
    )
    assert (report.lat, report.lon, report.heading, report.speed) == (10.0, 20.0, 0.0, 0.0)
    assert isinstance(report.lat, float)
    assert report.doors_open == ("driver", "trunk")
    assert report.collision == CollisionReport(front="MEDIUM")
    assert report.fuel_level is None
    assert report.source == "native"
    assert report.vehicle_id == VEHICLE


def test_a_full_batch_is_accepted() -> None:
    reports = decode_batch(body({"reports": [{"timestamp": NOW - i} for i in range(MAX_BATCH)]}), VEHICLE, NOW)
    assert len(reports) == MAX_BATCH


GOOD = {"timestamp": NOW}

BAD: list[tuple[str, Any, str, str]] = [
    # (case, body, location named, words of the reason)
    ("malformed JSON", b'{"timestamp": ', "body", "not valid JSON"),
    ("not UTF-8", b'{"timestamp": "\xff"}', "body", "not valid JSON"),
    ("array body", [GOOD], "body", "report object"),
    ("string body", "hello", "body", "report object"),
    ("missing timestamp", {"position": {"lat": 1, "lon": 2}}, "timestamp", "is required"),
    ("null timestamp", {"timestamp": None}, "timestamp", "is required"),
    ("boolean timestamp", {"timestamp": True}, "timestamp", "RFC 3339"),
    ("timestamp without offset", {"timestamp": "2026-11-02T08:00:00"}, "timestamp", "time zone"),
    ("impossible date", {"timestamp": "2026-02-30T08:00:00Z"}, "timestamp", "not a valid date-time"),
    ("text timestamp", {"timestamp": "yesterday"}, "timestamp", "RFC 3339"),
    ("far-future timestamp", {"timestamp": NOW + 25 * 3600_000}, "timestamp", "24 hours in the future"),
    ("far-future date", {"timestamp": "2030-01-01T00:00:00Z"}, "timestamp", "24 hours in the future"),
    ("clock not set", {"timestamp": 0}, "timestamp", "before 2000"),
    ("latitude too big", {**GOOD, "position": {"lat": 91, "lon": 2}}, "position.lat", "between -90 and 90"),
    ("longitude too small", {**GOOD, "position": {"lat": 1, "lon": -180.5}}, "position.lon", "between -180 and 180"),
    ("latitude as text", {**GOOD, "position": {"lat": "48.8", "lon": 2}}, "position.lat", "must be a number"),
    ("latitude as boolean", {**GOOD, "position": {"lat": True, "lon": 2}}, "position.lat", "must be a number"),
    ("latitude alone", {**GOOD, "position": {"lat": 1}}, "position.lon", "is required"),
    ("absurd speed", {**GOOD, "position": {"lat": 1, "lon": 2, "speed": 401}}, "position.speed", "between 0 and 400"),
    ("negative speed", {**GOOD, "position": {"lat": 1, "lon": 2, "speed": -1}}, "position.speed", "between"),
    ("heading", {**GOOD, "position": {"lat": 1, "lon": 2, "heading": 361}}, "position.heading", "between 0 and 360"),
    ("position not an object", {**GOOD, "position": [1, 2]}, "position", "must be an object"),
    ("misspelt position key", {**GOOD, "position": {"latitude": 1}}, "position.latitude", "not a known property"),
    ("unknown report key", {**GOOD, "speed": 50}, "speed", "not a known property"),
    ("fuel over 100", {**GOOD, "fuel": {"level": 100.1}}, "fuel.level", "between 0 and 100"),
    ("battery below 0", {**GOOD, "battery": {"level": -1}}, "battery.level", "between 0 and 100"),
    ("odometer", {**GOOD, "odometer": -5}, "odometer", "between 0 and"),
    ("ignition as text", {**GOOD, "ignition": "on"}, "ignition", "true or false"),
    ("ignition as number", {**GOOD, "ignition": 1}, "ignition", "true or false"),
    ("charging status", {**GOOD, "charging": {"status": "Charging"}}, "charging.status", "InProgress"),
    ("door name", {**GOOD, "doors": {"open": ["hood"]}}, "doors.open", "'hood'"),
    ("doors open not a list", {**GOOD, "doors": {"open": "driver"}}, "doors.open", "array"),
    ("unknown alert type", {**GOOD, "alerts": {"raised": ["engineOnFire"]}}, "alerts.raised", "'engineOnFire'"),
    (
        "alert raised and cleared",
        {**GOOD, "alerts": {"raised": ["riskOfIce"], "cleared": ["riskOfIce"]}},
        "alerts.cleared",
        "also raises",
    ),
    ("collision level", {**GOOD, "collision": {"front": "SEVERE"}}, "collision.front", "NONE, FIXABLE"),
    ("roll-over as text", {**GOOD, "collision": {"rollOver": "yes"}}, "collision.rollOver", "true or false"),
    ("engine speed", {**GOOD, "engine": {"speed": 1e9}}, "engine.speed", "between 0 and 20000"),
    ("acceleration", {**GOOD, "acceleration": 1e4}, "acceleration", "between -200 and 200"),
    ("telemetry not an object", {**GOOD, "telemetry": [1]}, "telemetry", "seed 000"),
    (
        "unknown telemetry property",
        {**GOOD, "telemetry": {"vehicle": {"fuel": {"colour": "red"}}}},
        "telemetry.vehicle.fuel.colour",
        "not a telemetry property",
    ),
    ("telemetry leaf as a branch", {**GOOD, "telemetry": {"vehicle": 3}}, "telemetry.vehicle", "must be an object"),
    ("telemetry null", {**GOOD, "telemetry": {"vehicle": {"moving": None}}}, "telemetry.vehicle.moving", "null"),
    (
        "telemetry array of scalars",
        {**GOOD, "telemetry": {"vehicle": {"engines": [800]}}},
        "telemetry.vehicle.engines",
        "array of objects",
    ),
    ("attribute object", {**GOOD, "attributes": {"x": {"y": 1}}}, "attributes.x", "string, a number or a boolean"),
    ("attributes not an object", {**GOOD, "attributes": 3}, "attributes", "must be an object"),
    ("reports not a list", {"reports": GOOD}, "reports", "array"),
    ("key next to reports", {"reports": [GOOD], "vin": "X"}, "vin", "inside each report"),
    ("oversized batch", {"reports": [GOOD] * (MAX_BATCH + 1)}, "reports", "at most 1000"),
]


@pytest.mark.parametrize(("raw", "location", "reason"), [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_bad_input_names_the_field_and_the_reason(raw: Any, location: str, reason: str) -> None:
    error = refusal(raw if isinstance(raw, bytes) else body(raw))
    assert error.location == location
    assert reason in error.reason
    assert error.index is None
    assert str(error) == f"'{location}' {error.reason}"


def test_a_bad_report_in_a_batch_names_its_index() -> None:
    reports = [GOOD, GOOD, {**GOOD, "position": {"lat": 123, "lon": 2}}, {"no": "timestamp"}]
    error = refusal(body({"reports": reports}))
    assert (error.index, error.field) == (2, "position.lat")
    assert error.location == "reports[2].position.lat"
    error = refusal(body({"reports": [GOOD, "not an object"]}))
    assert error.location == "reports[1]"
    assert "must be an object" in error.reason
