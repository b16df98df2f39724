"""The ingest adapters over real HTTP: the native endpoint on the API server, and the OsmAnd app on its
own uvicorn server, both handing reports to a collector standing in for the bus."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import httpx
import orjson
import pytest
import uvicorn
from typer.testing import CliRunner

from connectedcar.cli import app as cli
from connectedcar.domain.credentials import hash_token
from connectedcar.domain.entities import Vehicle
from connectedcar.domain.ids import new_monitor_id
from connectedcar.domain.reports import Report
from connectedcar.domain.timefmt import format_ms, to_ms
from connectedcar.engine.remotes.parsing import parse_remote_action
from connectedcar.ingest.http_native import MAX_BODY, PATH
from connectedcar.ingest.http_osmand import create_osmand_app
from connectedcar.runtime import Runtime
from connectedcar.store import remotes as remote_store
from connectedcar.store import vehicles
from connectedcar.store.remotes import CallbackRow
from tests.support import World, free_port


class Collector:
    """The bus, as far as the adapters can tell: it keeps what is published."""

    def __init__(self) -> None:
        self.batches: list[list[Report]] = []
        self._lock = threading.Lock()

    async def publish(self, reports: Sequence[Report]) -> None:
        with self._lock:
            self.batches.append(list(reports))

    @property
    def reports(self) -> list[Report]:
        with self._lock:
            return [r for batch in self.batches for r in batch]


@pytest.fixture
def bus(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Collector:
    collector = Collector()
    monkeypatch.setattr(runtime, "bus", collector, raising=False)
    return collector


@pytest.fixture
def device(world: World, runtime: Runtime) -> tuple[Vehicle, str]:
    """A vehicle and its device token."""
    vehicle = world.vehicle(world.user())
    token = secrets.token_urlsafe(32)
    with runtime.store.transaction() as conn:
        vehicles.set_device_token_hash(conn, vehicle.id, hash_token(token), to_ms(world.clock.now()))
    return vehicle, token


def now_ms(runtime: Runtime) -> int:
    return to_ms(runtime.clock.now())


def post(
    http: httpx.Client, token: str | None, content: bytes, content_type: str = "application/json"
) -> httpx.Response:
    headers = {"content-type": content_type}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return http.post(PATH, content=content, headers=headers)


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "uuid", "message"}
    assert body["code"] // 100 == status
    return body


# -- native protocol ------------------------------------------------------------------------------


def test_batch_is_accepted_and_reaches_the_bus(
    http: httpx.Client, runtime: Runtime, bus: Collector, device: tuple[Vehicle, str]
) -> None:
    vehicle, token = device
    at = now_ms(runtime)
    reports = [
        {"timestamp": format_ms(at - 2000), "position": {"lat": 48.85, "lon": 2.35, "speed": 30}, "ignition": True},
        {"timestamp": at - 1000, "fuel": {"level": 41.5}, "alerts": {"raised": ["fuelLevelAlarm"]}},
        {"timestamp": (at - 500) / 1000, "doors": {"locked": True, "open": []}},
    ]
    response = post(http, token, orjson.dumps({"reports": reports}))
    assert response.status_code == 202, response.text
    assert response.json() == {"accepted": 3}
    assert [r.at_ms for r in bus.reports] == [at - 2000, at - 1000, at - 500]
    assert {r.vehicle_id for r in bus.reports} == {vehicle.id}
    assert bus.reports[0].speed == 30.0 and bus.reports[1].alerts_raised == ("fuelLevelAlarm",)
    assert len(bus.batches) == 1  # one batch in, one publish out


def test_single_report_object(
    http: httpx.Client, runtime: Runtime, bus: Collector, device: tuple[Vehicle, str]
) -> None:
    _, token = device
    response = post(http, token, orjson.dumps({"timestamp": now_ms(runtime)}), "application/json; charset=utf-8")
    assert response.status_code == 202, response.text
    assert response.json() == {"accepted": 1}
    assert len(bus.reports) == 1


@pytest.mark.parametrize(
    ("authorization", "code"),
    [(None, 40101), ("Basic dXNlcjpwYXNz", 40102), ("Bearer", 40102), ("Bearer not-a-device-token", 40103)],
)
def test_unknown_or_missing_token_is_401(
    http: httpx.Client, bus: Collector, authorization: str | None, code: int
) -> None:
    headers = {"content-type": "application/json"}
    if authorization is not None:
        headers["authorization"] = authorization
    response = http.post(PATH, content=b'{"timestamp": "2026-11-02T08:00:00Z"}', headers=headers)
    assert error_of(response, 401)["code"] == code
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert bus.reports == []


def test_a_bad_report_refuses_the_whole_batch(
    http: httpx.Client, runtime: Runtime, bus: Collector, device: tuple[Vehicle, str]
) -> None:
    _, token = device
    at = now_ms(runtime)
    reports = [{"timestamp": at}, {"timestamp": at, "position": {"lat": 123.4, "lon": 2.35}}, {"timestamp": at}]
    body = error_of(post(http, token, orjson.dumps({"reports": reports})), 400)
    assert "'reports[1].position.lat'" in body["message"]
    assert "between -90 and 90" in body["message"]
    assert "none of its reports was accepted" in body["message"]
    assert bus.reports == []


@pytest.mark.parametrize(
    ("content", "named", "reason"),
    [
        (b'{"reports": [{"timestamp": ', "'body'", "not valid JSON"),
        (b'{"position": {"lat": 1, "lon": 2}}', "'timestamp'", "is required"),
        (b'{"timestamp": "2099-01-01T00:00:00Z"}', "'timestamp'", "24 hours in the future"),
        (b'{"timestamp": "2026-11-02T08:00:00Z", "alerts": {"raised": ["nope"]}}', "'alerts.raised'", "'nope'"),
        (orjson.dumps({"reports": [{"timestamp": "2026-11-02T08:00:00Z"}] * 1001}), "'reports'", "at most 1000"),
    ],
    ids=["malformed-json", "missing-timestamp", "far-future", "unknown-alert", "oversized-batch"],
)
def test_bad_input_is_400_naming_the_field(
    http: httpx.Client, bus: Collector, device: tuple[Vehicle, str], content: bytes, named: str, reason: str
) -> None:
    body = error_of(post(http, device[1], content), 400)
    assert named in body["message"] and reason in body["message"]
    assert bus.reports == []


def test_body_over_the_limit_is_413(http: httpx.Client, bus: Collector, device: tuple[Vehicle, str]) -> None:
    content = b'{"timestamp": "2026-11-02T08:00:00Z", "attributes": {"pad": "' + b"x" * MAX_BODY + b'"}}'
    error_of(post(http, device[1], content), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds on what arrives
        yield b'{"timestamp": "2026-11-02T08:00:00Z", "attributes": {"pad": "'
        for _ in range(MAX_BODY // 65536 + 1):
            yield b"x" * 65536
        yield b'"}}'

    headers = {"authorization": f"Bearer {device[1]}", "content-type": "application/json"}
    error_of(http.post(PATH, content=chunks(), headers=headers), 413)
    assert bus.reports == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_wrong_content_type_is_415(
    http: httpx.Client, bus: Collector, device: tuple[Vehicle, str], content_type: str
) -> None:
    body = error_of(post(http, device[1], b'{"timestamp": "2026-11-02T08:00:00Z"}', content_type), 415)
    assert "application/json" in body["message"]
    assert bus.reports == []


def test_admin_token_command_issues_a_working_token_and_replaces_the_old_one(
    http: httpx.Client, runtime: Runtime, world: World, bus: Collector
) -> None:
    vehicle = world.vehicle(world.user())

    def issue() -> str:
        args = ["admin", "vehicle", "token", "--vin", vehicle.vin.lower(), "--database", runtime.settings.database_url]
        result = CliRunner().invoke(cli, [*args, "--json"])
        assert result.exit_code == 0, result.output
        printed = orjson.loads(result.stdout)
        assert printed["id"] == vehicle.id and printed["url"].endswith(PATH)
        return str(printed["device_token"])

    first = issue()
    report = orjson.dumps({"timestamp": now_ms(runtime)})
    assert post(http, first, report).status_code == 202
    second = issue()
    assert second != first
    assert error_of(post(http, first, report), 401)["code"] == 40103
    assert post(http, second, report).status_code == 202
    assert [r.vehicle_id for r in bus.reports] == [vehicle.id, vehicle.id]
    with runtime.store.transaction() as conn:  # only the hash is kept
        assert vehicles.vehicle_id_by_device_token_hash(conn, hash_token(second)) == vehicle.id


def test_admin_token_command_for_an_unknown_vehicle_fails(runtime: Runtime) -> None:
    args = ["admin", "vehicle", "token", "--vin", "VF3NOSUCHVIN00000", "--database", runtime.settings.database_url]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "no vehicle with VIN" in result.stderr


# -- OsmAnd / Traccar Client ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def osmand(runtime: Runtime) -> Iterator[str]:
    """The OsmAnd app on its own loopback port, as `serve` runs it."""
    port = free_port()
    config = uvicorn.Config(
        create_osmand_app(runtime), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def phone(osmand: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=osmand, timeout=10) as client:
        yield client


@pytest.fixture
def registered(world: World, runtime: Runtime) -> Vehicle:
    """A vehicle with a device id registered for its phone or tracker."""
    vehicle = replace(
        world.vehicle(None),
        id=f"V{secrets.token_hex(8).upper()}",
        vin=("VR3" + secrets.token_hex(7).upper())[:17],
        device_id=f"phone-{secrets.token_hex(4)}",
    )
    with runtime.store.transaction() as conn:
        vehicles.create_vehicle(conn, vehicle)
    return vehicle


def test_osmand_query_string_by_vin(phone: httpx.Client, runtime: Runtime, world: World, bus: Collector) -> None:
    vehicle = world.vehicle(world.user())
    stamp = now_ms(runtime) // 1000 - 10
    response = phone.get(
        "/",
        params=f"id={vehicle.vin}&timestamp={stamp}&lat=48.8566&lon=2.3522&speed=10.5&bearing=90&altitude=35&accuracy=5&batt=87",
    )
    assert response.status_code == 200, response.text
    assert response.content == b""
    (report,) = bus.reports
    assert report.vehicle_id == vehicle.id and report.source == "osmand"
    assert report.at_ms == stamp * 1000
    assert report.speed == pytest.approx(19.446)
    assert report.battery_level is None and report.attributes == {"batteryLevel": 87.0}


def test_osmand_registered_device_id_any_path_and_post(
    phone: httpx.Client, runtime: Runtime, registered: Vehicle, bus: Collector
) -> None:
    stamp = now_ms(runtime)
    assert phone.post(f"/?id={registered.device_id}&lat=48.1&lon=2.1&timestamp={stamp}").status_code == 200
    assert phone.get(f"/track?deviceid={registered.device_id}&lat=48.2&lon=2.2").status_code == 200
    form = {"id": str(registered.device_id), "lat": "48.3", "lon": "2.3", "timestamp": str(stamp)}
    assert phone.post("/", data=form).status_code == 200
    assert [(r.vehicle_id, r.lat) for r in bus.reports] == [
        (registered.id, 48.1),
        (registered.id, 48.2),
        (registered.id, 48.3),
    ]


def test_traccar_client_8_json(phone: httpx.Client, runtime: Runtime, registered: Vehicle, bus: Collector) -> None:
    document = {
        "location": {
            "timestamp": format_ms(now_ms(runtime) - 5000),
            "coords": {
                "latitude": 48.8566,
                "longitude": 2.3522,
                "accuracy": 4.7,
                "speed": 13.9,
                "heading": 181.5,
                "altitude": 35.2,
            },
            "is_moving": True,
            "odometer": 1234.5,
            "event": "motionchange",
            "battery": {"level": 0.5, "is_charging": False},
            "activity": {"type": "in_vehicle"},
        },
        "device_id": registered.device_id,
    }
    response = phone.post("/", content=orjson.dumps(document), headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    (report,) = bus.reports
    assert report.vehicle_id == registered.id
    assert report.speed == pytest.approx(50.04)
    assert report.attributes["batteryLevel"] == 50.0 and report.attributes["charge"] is False


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ("id=no-such-device&lat=1&lon=2", 404, "unknown device 'no-such-device'"),
        ("lat=1&lon=2", 400, "'id' is required"),
        ("id=x&lat=abc&lon=2", 400, "'lat' must be a number"),
        ("id=x&lat=95&lon=2", 400, "'lat' must be between -90 and 90"),
        ("id=x&lat=1&lon=2&timestamp=4102444800", 400, "'timestamp' is more than 24 hours in the future"),
    ],
    ids=["unknown-device", "missing-id", "bad-latitude", "absurd-latitude", "far-future"],
)
def test_osmand_refusals(phone: httpx.Client, bus: Collector, params: str, status: int, words: str) -> None:
    response = phone.get("/", params=params)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/plain")
    assert words in response.text
    assert bus.reports == []


def test_osmand_refuses_malformed_json_and_huge_bodies(phone: httpx.Client, bus: Collector) -> None:
    response = phone.post("/", content=b'{"device_id": "x", "location": ', headers={"content-type": "application/json"})
    assert response.status_code == 400 and "'body' is not valid JSON" in response.text
    response = phone.post(
        "/", content=b"id=x&pad=" + b"x" * 100_000, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert phone.put("/?id=x&lat=1&lon=2").status_code == 405
    assert bus.reports == []


def test_osmand_answers_a_location_with_the_queued_commands(
    phone: httpx.Client, runtime: Runtime, world: World, bus: Collector
) -> None:
    account = world.fleet(vehicles=1)
    vehicle = account.vehicles[0]
    now = now_ms(runtime)
    body = {
        "callback": {"webhook": {"target": "http://93.184.216.34/hook", "name": "cb"}},
        "notificationTypes": ["Horn"],
    }
    callback = CallbackRow(new_monitor_id(), account.fleet.id, None, "Running", body, now, now)
    with runtime.store.transaction() as conn:
        remote_store.create_callback(conn, callback)
        action = runtime.remotes.submit(
            conn,
            action_id=new_monitor_id(),
            fleet_id=account.fleet.id,
            vehicle_id=vehicle.id,
            callback=callback,
            remote=parse_remote_action({"horn": {"state": "Activated"}}),
            body={"horn": {"state": "Activated"}},
            now_ms=now,
        )
    answer = phone.get("/", params={"id": vehicle.vin, "lat": "48.85", "lon": "2.35", "timestamp": str(now // 1000)})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/x-ndjson"
    [command] = [json.loads(line) for line in answer.text.splitlines()]
    assert (
        command["id"] == action.id
        and command["type"] == "Horn"
        and command["action"] == {"horn": {"state": "Activated"}}
    )
    again = phone.get("/", params={"id": vehicle.vin, "lat": "48.85", "lon": "2.35", "timestamp": str(now // 1000 + 1)})
    assert again.content == b""  # taken once: it was sent
    with runtime.store.transaction() as conn:
        row = remote_store.action(conn, action.id)
    assert row is not None and row.status == "SentToVehicle" and row.sent_at is not None
