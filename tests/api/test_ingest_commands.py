"""The vehicles' command channel over HTTP (native protocol, device tokens): a fleet owner's remote
action is queued, the vehicle takes it (GET /ingest/v1/commands, or in the answer to its reports) and
posts its result (POST /ingest/v1/commands/{id}/result); the action's status in the Fleet API and the
events queued for the callback follow."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest

from connectedcar.domain.credentials import hash_token
from connectedcar.domain.entities import Vehicle
from connectedcar.domain.timefmt import format_ms, to_ms
from connectedcar.engine.remotes.lifecycle import RESPONSE_TIMEOUT_MS
from connectedcar.ingest.http_native import COMMANDS, PATH
from connectedcar.remote.service import COMMAND_TTL_MS
from connectedcar.runtime import Runtime
from connectedcar.store import outbox, vehicles
from tests.api.fleet.conftest import V3, FleetApi
from tests.api.fleet.remote_bodies import SEED_TABLE, callback_body
from tests.api.test_ingest_http import Collector, error_of
from tests.support import FleetAccount, World


@pytest.fixture
def bus(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Collector:
    """The reports posted go to a collector: nothing processes them on the shared runtime."""
    collector = Collector()
    monkeypatch.setattr(runtime, "bus", collector, raising=False)
    return collector


@dataclass
class Car:
    vehicle: Vehicle
    token: str


@dataclass
class Setup:
    """A fleet owner with a callback serving every remote type, and two vehicles with device tokens."""

    api: FleetApi
    cbid: str
    cars: list[Car]
    runtime: Runtime

    def send(self, car: Car, body: bytes) -> str:
        path = f"{V3}/fleets/{self.api.fid}/vehicles/{car.vehicle.id}/callbacks/{self.cbid}/remotes"
        response = self.api.http.post(
            path,
            params={"client_id": self.api.account.fleet.client_id},
            auth=self.api.account.auth,
            content=body,
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 202, response.text
        rid: str = response.json()["remoteActionId"]
        return rid

    def remote(self, car: Car, rid: str) -> dict[str, Any]:
        return self.api.ok(f"/fleets/{{fid}}/vehicles/{car.vehicle.id}/callbacks/{self.cbid}/remotes/{rid}")

    def statuses(self, rid: str) -> list[tuple[str, str]]:
        with self.runtime.store.transaction() as conn:
            events = outbox.events_of(conn, self.cbid)
        return [
            (e["event"]["eventStatus"]["type"], e["event"]["eventStatus"]["status"])
            for e in events
            if e["event"]["remoteActionId"] == rid
        ]


@pytest.fixture
def setup(http: httpx.Client, world: World, runtime: Runtime) -> Setup:
    account: FleetAccount = world.fleet(vehicles=2)
    api = FleetApi(http, account, V3)
    response = http.post(
        f"{V3}/fleets/{account.fleet.id}/remote/callbacks",
        params={"client_id": account.fleet.client_id},
        auth=account.auth,
        json=callback_body(),
    )
    assert response.status_code == 200, response.text
    cars = []
    for vehicle in account.vehicles:
        token = secrets.token_urlsafe(32)
        with runtime.store.transaction() as conn:
            vehicles.set_device_token_hash(conn, vehicle.id, hash_token(token), to_ms(world.clock.now()))
        cars.append(Car(vehicle, token))
    return Setup(api, response.json()["callbackId"], cars, runtime)


def bearer(token: str | None) -> dict[str, str]:
    return {} if token is None else {"authorization": f"Bearer {token}"}


def take(http: httpx.Client, car: Car) -> list[dict[str, Any]]:
    response = http.get(COMMANDS, headers=bearer(car.token))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"commands"}
    commands: list[dict[str, Any]] = body["commands"]
    return commands


def answer(http: httpx.Client, car: Car, rid: str, body: Any, *, token: str | None = "") -> httpx.Response:
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    headers = bearer(car.token if token == "" else token) | {"content-type": "application/json"}
    return http.post(f"{COMMANDS}/{rid}/result", content=content, headers=headers)


def test_get_takes_the_queued_command_and_sends_it(http: httpx.Client, setup: Setup, world: World) -> None:
    car = setup.cars[0]
    issued = to_ms(world.clock.now())
    rid = setup.send(car, SEED_TABLE["DOOR"])
    assert setup.remote(car, rid)["status"] == "WakingUpVehicle"  # it never reported: asleep
    world.clock.advance(20)  # the telematics unit wakes up and asks
    [command] = take(http, car)
    assert command == {
        "id": rid,
        "type": "Doors",
        "action": {"door": {"state": "Unlocked"}},
        "issuedAt": format_ms(issued),
        "expiresAt": format_ms(issued + COMMAND_TTL_MS),
    }
    assert setup.remote(car, rid)["status"] == "SentToVehicle"
    assert setup.statuses(rid) == [
        ("Pending", "Accepted"),
        ("Pending", "WakingUpVehicle"),
        ("Pending", "CheckingVehicle"),
        ("Pending", "SentToVehicle"),
    ]
    assert take(http, car) == []  # taken once: a second GET finds nothing
    assert setup.remote(car, rid)["status"] == "SentToVehicle"
    assert take(http, setup.cars[1]) == []  # and the other vehicle never had it


def test_every_queued_command_goes_out_oldest_first(http: httpx.Client, setup: Setup, world: World) -> None:
    car = setup.cars[0]
    rids = []
    for body in (SEED_TABLE["HORN"], SEED_TABLE["LIGHTS"], SEED_TABLE["NAVIGATION"]):
        rids.append(setup.send(car, body))
        world.clock.advance(1)
    commands = take(http, car)
    assert [c["id"] for c in commands] == rids
    assert [c["type"] for c in commands] == ["Horn", "Lights", "Navigation"]
    assert commands[1]["action"] == {"ligths": {"on": True}}  # as the fleet owner posted it
    # navigation reports neither Accepted nor WakingUpVehicle
    assert setup.statuses(rids[2]) == [("Pending", "CheckingVehicle"), ("Pending", "SentToVehicle")]


def test_a_wake_up_is_done_once_the_vehicle_asks(http: httpx.Client, setup: Setup) -> None:
    car = setup.cars[0]
    rid = setup.send(car, b'{"wakeUp": {"action": "WakeUp"}}')
    assert take(http, car) == []  # nothing to carry out: being awake was the point
    assert setup.remote(car, rid)["status"] == "Success"
    assert setup.statuses(rid)[-1] == ("Done", "Success")


def test_nothing_queued(http: httpx.Client, setup: Setup) -> None:
    assert take(http, setup.cars[0]) == []


def test_the_answer_to_reports_carries_the_commands(
    http: httpx.Client, setup: Setup, bus: Collector, world: World
) -> None:
    car = setup.cars[0]
    report = orjson.dumps({"reports": [{"timestamp": to_ms(world.clock.now()), "ignition": False}]})
    headers = bearer(car.token) | {"content-type": "application/json"}
    plain = http.post(PATH, content=report, headers=headers)
    assert plain.status_code == 202, plain.text
    assert plain.json() == {"accepted": 1}  # no command: no `commands`
    rid = setup.send(car, SEED_TABLE["DOOR"])
    with_command = http.post(PATH, content=report, headers=headers)
    assert with_command.status_code == 202, with_command.text
    body = with_command.json()
    assert body["accepted"] == 1
    assert [c["id"] for c in body["commands"]] == [rid]
    assert body["commands"][0]["type"] == "Doors"
    assert setup.remote(car, rid)["status"] == "SentToVehicle"
    again = http.post(PATH, content=report, headers=headers)
    assert again.json() == {"accepted": 1}
    assert take(http, car) == []
    assert len(bus.reports) == 3


RESULTS: list[tuple[dict[str, Any], str, str | None, str | None]] = [
    ({"result": "Success"}, "Success", None, None),
    ({"result": "AlreadyDone"}, "AlreadyDone", None, None),
    ({"result": "Failed", "failureCause": "DoorsOpen"}, "Failed", "DoorsOpen", None),
    ({"result": "Success", "feedbackDetail": "CIDBlacklisted"}, "Success", None, "CIDBlacklisted"),
    (
        {"result": "Failed", "failureCause": "CanceledByDriver", "feedbackDetail": None},
        "Failed",
        "CanceledByDriver",
        None,
    ),
]


@pytest.mark.parametrize(("body", "status", "cause", "detail"), RESULTS)
def test_a_result_ends_the_action(
    http: httpx.Client, setup: Setup, body: dict[str, Any], status: str, cause: str | None, detail: str | None
) -> None:
    car = setup.cars[0]
    rid = setup.send(car, b'{"door": {"state": "Locked", "forced": true}}')
    take(http, car)
    response = answer(http, car, rid, body)
    assert response.status_code == 204, response.text
    assert response.content == b""
    got = setup.remote(car, rid)
    assert got["status"] == status
    assert got.get("failureCause") == cause
    assert got.get("feedbackDetail") == detail
    assert setup.statuses(rid)[-1] == ("Done", status)
    with setup.runtime.store.transaction() as conn:
        [final] = [e for e in outbox.events_of(conn, setup.cbid) if e["event"]["eventStatus"]["type"] == "Done"]
    expected = {"type": "Done", "status": status}
    if cause is not None:
        expected["failureCause"] = cause
    if detail is not None:
        expected["feedbackDetail"] = detail
    assert final["event"]["eventStatus"] == expected
    # over: a second result is refused, and changes nothing
    again = answer(http, car, rid, {"result": "Failed", "failureCause": "VehicleError"})
    assert error_of(again, 409)["code"] == 40900
    assert setup.remote(car, rid)["status"] == status
    assert setup.statuses(rid)[-1] == ("Done", status)


BAD_RESULTS: list[tuple[Any, str]] = [
    ({"result": "Done"}, "result"),
    ({}, "result"),
    ({"result": None}, "result"),
    ({"result": "Failed"}, "failureCause"),
    ({"result": "Failed", "failureCause": "Gremlins"}, "failureCause"),
    ({"result": "Success", "failureCause": "VehicleError"}, "failureCause"),
    ({"result": "Success", "feedbackDetail": "Maybe"}, "feedbackDetail"),
    ([], "body"),
    ("Success", "body"),
    (b"{not json", "body"),
]


@pytest.mark.parametrize(("body", "field"), BAD_RESULTS)
def test_bad_results_are_400s_naming_the_field(http: httpx.Client, setup: Setup, body: Any, field: str) -> None:
    car = setup.cars[0]
    rid = setup.send(car, SEED_TABLE["HORN"])
    take(http, car)
    error = error_of(answer(http, car, rid, body), 400)
    assert f"'{field}'" in error["message"], error["message"]
    assert setup.remote(car, rid)["status"] == "SentToVehicle"  # still waiting for a good one
    assert answer(http, car, rid, {"result": "Success"}).status_code == 204


def test_another_vehicles_command_is_not_found(http: httpx.Client, setup: Setup) -> None:
    mine, other = setup.cars
    rid = setup.send(mine, SEED_TABLE["HORN"])
    take(http, mine)
    error = error_of(answer(http, other, rid, {"result": "Success"}), 404)
    assert rid in error["message"]
    assert error_of(answer(http, mine, "0123456789abcdef0123456789abcdef", {"result": "Success"}), 404)
    assert setup.remote(mine, rid)["status"] == "SentToVehicle"


def test_a_command_not_taken_yet_is_not_the_vehicles(http: httpx.Client, setup: Setup) -> None:
    car = setup.cars[0]
    rid = setup.send(car, SEED_TABLE["HORN"])
    error_of(answer(http, car, rid, {"result": "Success"}), 404)
    assert setup.remote(car, rid)["status"] == "WakingUpVehicle"
    [command] = take(http, car)  # still queued, and sent when asked for
    assert command["id"] == rid
    assert answer(http, car, rid, {"result": "Success"}).status_code == 204


def test_a_result_after_the_timeout_is_a_conflict(
    http: httpx.Client, setup: Setup, world: World, runtime: Runtime
) -> None:
    car = setup.cars[0]
    rid = setup.send(car, SEED_TABLE["LIGHTS"])
    take(http, car)
    world.clock.advance(RESPONSE_TIMEOUT_MS / 1000 + 1)
    runtime.remote_tick(to_ms(world.clock.now()))
    got = setup.remote(car, rid)
    assert (got["status"], got["failureCause"]) == ("Failed", "VehicleConnectionTimeout")
    error = error_of(answer(http, car, rid, {"result": "Success"}), 409)
    assert "already over" in error["message"]
    got = setup.remote(car, rid)
    assert (got["status"], got["failureCause"]) == ("Failed", "VehicleConnectionTimeout")
    assert setup.statuses(rid)[-1] == ("Done", "Failed")


@pytest.mark.parametrize("token", [None, "not-a-device-token"])
def test_without_a_device_token(http: httpx.Client, setup: Setup, token: str | None) -> None:
    car = setup.cars[0]
    rid = setup.send(car, SEED_TABLE["HORN"])
    error_of(http.get(COMMANDS, headers=bearer(token)), 401)
    error_of(answer(http, car, rid, {"result": "Success"}, token=token), 401)
    error_of(http.get(COMMANDS, headers={"authorization": f"Basic {car.token}"}), 401)
    assert setup.remote(car, rid)["status"] == "WakingUpVehicle"  # nothing taken
    assert [c["id"] for c in take(http, car)] == [rid]


def test_result_bodies_are_bounded(http: httpx.Client, setup: Setup) -> None:
    car = setup.cars[0]
    rid = setup.send(car, SEED_TABLE["HORN"])
    take(http, car)
    huge = orjson.dumps({"result": "Success", "note": "x" * (20 * 1024)})
    error_of(answer(http, car, rid, huge), 413)
