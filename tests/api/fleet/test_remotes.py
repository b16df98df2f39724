"""The remote endpoints of the Fleet API v3 (seed 004, b2b-v3-fleet.yaml): remote callbacks (create,
read, list, replace, pause, delete) and remote actions (send, read, list), with every validation error
as a 400 naming the field, and other fleets' resources out of reach."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from connectedcar.domain.timefmt import to_ms
from connectedcar.engine.remotes.lifecycle import WAKE_UP_TIMEOUT_MS
from connectedcar.runtime import Runtime
from connectedcar.store import outbox
from tests.api.fleet.conftest import V3, FleetApi
from tests.api.fleet.helpers import UNKNOWN_FLEET, UNKNOWN_ID, path_of
from tests.api.fleet.monitor_bodies import with_change
from tests.api.fleet.remote_bodies import (
    ACTIONS,
    PUBLIC_TARGET,
    SEED_ACTION,
    SEED_CALLBACK,
    SEED_TABLE,
    callback_body,
    navigation,
    program,
    seed_callback,
)
from tests.support import FleetAccount, World

CALLBACKS = "/fleets/{fid}/remote/callbacks"


@pytest.fixture
def api(http: httpx.Client, owner: FleetAccount) -> FleetApi:
    return FleetApi(http, owner, V3)


def call(
    api: FleetApi, method: str, path: str, *, json: Any = None, content: bytes | str | None = None
) -> httpx.Response:
    return api.http.request(
        method,
        api.prefix + path.format(fid=api.fid),
        params={"client_id": api.account.fleet.client_id},
        auth=api.account.auth,
        headers={"Accept": "application/hal+json", "Content-Type": "application/json"},
        json=json,
        content=content,
    )


def bad_request(response: httpx.Response, field: str) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "uuid", "message"}
    assert body["code"] // 100 == 400
    assert f"'{field}'" in body["message"], body["message"]
    return body


def create_callback(api: FleetApi, body: dict[str, Any] | None = None) -> str:
    response = call(api, "POST", CALLBACKS, json=body if body is not None else callback_body())
    assert response.status_code == 200, response.text
    cbid: str = response.json()["callbackId"]
    return cbid


def remotes_path(vid: str, cbid: str) -> str:
    return f"/fleets/{{fid}}/vehicles/{vid}/callbacks/{cbid}/remotes"


def send(api: FleetApi, vid: str, cbid: str, body: dict[str, Any] | bytes) -> httpx.Response:
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return call(api, "POST", remotes_path(vid, cbid), content=content)


def sent(api: FleetApi, vid: str, cbid: str, body: dict[str, Any] | bytes) -> dict[str, Any]:
    response = send(api, vid, cbid, body)
    assert response.status_code == 202, response.text
    ref: dict[str, Any] = response.json()
    return ref


# -- callbacks ----------------------------------------------------------------------------------------


def test_create_answers_200_with_a_callback_ref(api: FleetApi) -> None:
    response = call(api, "POST", CALLBACKS, json=callback_body())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/hal+json")
    ref = response.json()
    assert set(ref) == {"_links", "callbackId", "status"}
    assert ref["status"] == "Running"
    cbid = ref["callbackId"]
    assert len(cbid) == 32
    assert path_of(ref["_links"]["callback"]["href"]) == f"{V3}/fleets/{api.fid}/remote/callbacks/{cbid}"
    assert path_of(ref["_links"]["fleet"]["href"]) == f"{V3}/fleets/{api.fid}"


def test_seed_004_callback_verbatim_is_accepted_and_rendered(api: FleetApi) -> None:
    response = call(api, "POST", CALLBACKS, content=SEED_CALLBACK)
    assert response.status_code == 200, response.text
    cbid = response.json()["callbackId"]
    got = api.ok(f"{CALLBACKS}/{cbid}")
    assert got["id"] == cbid
    assert got["status"] == "Running"
    assert got["subscribe"] == seed_callback()  # as accepted, `attributres` and all
    assert path_of(got["_links"]["self"]["href"]) == f"{V3}/fleets/{api.fid}/remote/callbacks/{cbid}"
    assert got["_links"]["remotes"]["templated"] is True
    assert got["_links"]["remotes"]["href"].endswith(f"/vehicles/{{vid}}/callbacks/{cbid}/remotes")


def test_a_get_body_sent_back_with_put_is_accepted(api: FleetApi) -> None:
    cbid = create_callback(api)
    got = api.ok(f"{CALLBACKS}/{cbid}")
    response = call(api, "PUT", f"{CALLBACKS}/{cbid}", json=got["subscribe"])
    assert response.status_code == 202, response.text


def test_list_pages_and_filters_by_type(api: FleetApi, world: World) -> None:
    ids = []
    for types in (("ThermalPreconditioning", "ElectricBatteryChargingRequest"), ("Doors",), ("Doors", "Horn")):
        ids.append(create_callback(api, callback_body(types=types)))
        world.clock.advance(1)  # listed in the order they were created
    everything = api.ok(CALLBACKS)
    assert everything["total"] == 3
    assert [c["id"] for c in everything["_embedded"]["callbacks"]] == ids
    first = api.ok(CALLBACKS, {"indexRange": "0-1"})
    assert [c["id"] for c in first["_embedded"]["callbacks"]] == ids[:2]
    assert first["totalPage"] == 2 and first["currentPage"] == 1
    assert "next" in first["_links"]
    rest = api.ok(CALLBACKS, {"limit": "2", "offset": "2"})
    assert [c["id"] for c in rest["_embedded"]["callbacks"]] == ids[2:]
    doors = api.ok(CALLBACKS, {"types": "Doors"})
    assert doors["total"] == 2
    assert [c["id"] for c in doors["_embedded"]["callbacks"]] == ids[1:]
    some = api.ok(CALLBACKS, {"types": "ThermalPreconditioning,Horn"})
    assert [c["id"] for c in some["_embedded"]["callbacks"]] == [ids[0], ids[2]]
    assert api.ok(CALLBACKS, {"types": "Navigation"})["total"] == 0
    # the spec's `types` is an array: repeated (OpenAPI's default form), with [] or as an array literal
    for params in (
        [("types", "ThermalPreconditioning"), ("types", "Horn")],
        [("types[]", "ThermalPreconditioning"), ("types[]", "Horn")],
        [("types", "['ThermalPreconditioning','Horn']")],
    ):
        listed = api.ok(CALLBACKS, params)
        assert [c["id"] for c in listed["_embedded"]["callbacks"]] == [ids[0], ids[2]], params
    assert api.ok(CALLBACKS, {"types": "Doors", "indexRange": "1-1"})["_embedded"]["callbacks"][0]["id"] == ids[2]
    bad_request(api.get(CALLBACKS, {"types": "Teleport"}), "types")


def test_an_empty_list(api: FleetApi) -> None:
    body = api.ok(CALLBACKS)
    assert body["total"] == 0
    assert body["_embedded"]["callbacks"] == []


def test_put_replaces_the_callback(api: FleetApi) -> None:
    cbid = create_callback(api, seed_callback())
    changed = callback_body(types=("Doors",), label="renamed")
    response = call(api, "PUT", f"{CALLBACKS}/{cbid}", json=changed)
    assert response.status_code == 202, response.text
    assert response.json()["callbackId"] == cbid
    assert response.json()["status"] == "Running"
    got = api.ok(f"{CALLBACKS}/{cbid}")
    assert got["subscribe"] == changed
    assert api.ok(CALLBACKS, {"types": "Doors"})["total"] == 1
    assert api.ok(CALLBACKS, {"types": "ThermalPreconditioning"})["total"] == 0
    # a bad replacement changes nothing
    bad_request(call(api, "PUT", f"{CALLBACKS}/{cbid}", json=with_change(changed, "callback", None)), "callback")
    assert api.ok(f"{CALLBACKS}/{cbid}")["subscribe"] == changed
    assert call(api, "PUT", f"{CALLBACKS}/{UNKNOWN_ID}", json=changed).status_code == 404


def test_put_keeps_the_status(api: FleetApi) -> None:
    cbid = create_callback(api)
    assert call(api, "PUT", f"{CALLBACKS}/{cbid}/status", json={"status": "Paused"}).status_code == 202
    response = call(api, "PUT", f"{CALLBACKS}/{cbid}", json=callback_body(label="again"))
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "Paused"
    assert api.ok(f"{CALLBACKS}/{cbid}")["status"] == "Paused"


def test_pause_and_resume(api: FleetApi) -> None:
    cbid = create_callback(api)
    paused = call(api, "PUT", f"{CALLBACKS}/{cbid}/status", json={"status": "Paused"})
    assert paused.status_code == 202, paused.text
    assert paused.json()["status"] == "Paused"
    assert paused.json()["callbackId"] == cbid
    assert api.ok(f"{CALLBACKS}/{cbid}")["status"] == "Paused"
    resumed = call(api, "PUT", f"{CALLBACKS}/{cbid}/status", json={"status": "Running"})
    assert resumed.status_code == 202, resumed.text
    assert api.ok(f"{CALLBACKS}/{cbid}")["status"] == "Running"
    assert call(api, "PUT", f"{CALLBACKS}/{UNKNOWN_ID}/status", json={"status": "Paused"}).status_code == 404


@pytest.mark.parametrize("body", [{"status": "Failed"}, {"status": "paused"}, {"state": "Paused"}, [], {}])
def test_bad_statuses(api: FleetApi, body: Any) -> None:
    cbid = create_callback(api)
    bad_request(call(api, "PUT", f"{CALLBACKS}/{cbid}/status", json=body), "status")
    assert api.ok(f"{CALLBACKS}/{cbid}")["status"] == "Running"


def test_status_bodies_must_be_json(api: FleetApi) -> None:
    cbid = create_callback(api)
    bad_request(call(api, "PUT", f"{CALLBACKS}/{cbid}/status", content="Paused"), "body")
    bad_request(call(api, "PUT", f"{CALLBACKS}/{cbid}/status", content=""), "body")


def test_delete(api: FleetApi) -> None:
    cbid = create_callback(api)
    response = call(api, "DELETE", f"{CALLBACKS}/{cbid}")
    assert response.status_code == 204
    assert response.content == b""
    assert api.get(f"{CALLBACKS}/{cbid}").status_code == 404
    assert call(api, "DELETE", f"{CALLBACKS}/{cbid}").status_code == 404
    assert api.ok(CALLBACKS)["total"] == 0


def test_delete_waits_for_the_actions_in_progress(api: FleetApi, world: World, runtime: Runtime) -> None:
    cbid = create_callback(api)
    vid = api.account.vehicles[0].id
    rid = sent(api, vid, cbid, SEED_ACTION)["remoteActionId"]
    response = call(api, "DELETE", f"{CALLBACKS}/{cbid}")
    assert response.status_code == 409, response.text
    assert "in progress" in response.json()["message"]
    assert api.ok(f"{CALLBACKS}/{cbid}")["status"] == "Running"
    # the vehicle never wakes up: the action times out, and the callback may go
    world.clock.advance(WAKE_UP_TIMEOUT_MS / 1000 + 1)
    runtime.remote_tick(to_ms(world.clock.now()))
    got = api.ok(f"{remotes_path(vid, cbid)}/{rid}")
    assert got["status"] == "Failed"
    assert got["failureCause"] == "VehicleConnectionTimeout"
    assert call(api, "DELETE", f"{CALLBACKS}/{cbid}").status_code == 204
    assert api.get(remotes_path(vid, cbid)).status_code == 404


def test_unknown_and_other_fleets_callbacks(api: FleetApi, world: World) -> None:
    cbid = create_callback(api)
    other = FleetApi(api.http, world.fleet(vehicles=1), V3)
    theirs = create_callback(other)
    assert api.get(f"{CALLBACKS}/{UNKNOWN_ID}").status_code == 404
    assert call(api, "DELETE", f"{CALLBACKS}/{UNKNOWN_ID}").status_code == 404
    # another fleet's callback id under the caller's own fleet
    for method, suffix, body in (
        ("GET", "", None),
        ("PUT", "", callback_body()),
        ("PUT", "/status", {"status": "Paused"}),
        ("DELETE", "", None),
    ):
        response = call(api, method, f"{CALLBACKS}/{theirs}{suffix}", json=body)
        assert response.status_code == 403, (method, suffix, response.text)
    assert other.ok(f"{CALLBACKS}/{theirs}")["status"] == "Running"  # untouched
    # another fleet's id in the path
    assert other.get(f"/fleets/{api.fid}/remote/callbacks").status_code == 403
    assert other.get(f"/fleets/{api.fid}/remote/callbacks/{cbid}").status_code == 403
    assert call(other, "POST", f"/fleets/{api.fid}/remote/callbacks", json=callback_body()).status_code == 403
    assert call(other, "DELETE", f"/fleets/{api.fid}/remote/callbacks/{cbid}").status_code == 403
    assert api.ok(CALLBACKS)["total"] == 1
    assert api.get(f"/fleets/{UNKNOWN_FLEET}/remote/callbacks").status_code == 404


def test_without_credentials(api: FleetApi) -> None:
    url = f"{V3}/fleets/{api.fid}/remote/callbacks"
    response = api.http.post(url, params={"client_id": api.account.fleet.client_id}, json=callback_body())
    assert response.status_code == 401
    assert api.http.get(url, params={"client_id": api.account.fleet.client_id}).status_code == 401


BAD_CALLBACKS: list[tuple[str, Any, str]] = [
    ("callback", None, "callback"),
    ("callback/webhook/target", "ftp://93.184.216.34/hook", "callback.webhook.target"),
    ("callback/webhook/target", "not a url", "callback.webhook.target"),
    ("callback/webhook/target", "http://127.0.0.1:9/hook", "callback.webhook.target"),
    ("callback/webhook/target", "http://[::1]/hook", "callback.webhook.target"),
    ("callback/webhook/target", "http://10.1.2.3/hook", "callback.webhook.target"),
    ("callback/webhook/target", "http://169.254.169.254/latest", "callback.webhook.target"),
    ("callback/webhook/target", None, "callback.webhook.target"),
    (
        "callback/webhook/attributes",
        [{"type": "Header", "key": "X", "value": "$monitorID"}],
        "callback.webhook.attributes[0].value",
    ),
    (
        "callback/webhook/attributes",
        [{"type": "Cookie", "key": "X", "value": "1"}],
        "callback.webhook.attributes[0].type",
    ),
    ("notificationTypes", ["Teleport"], "notificationTypes[0]"),
    ("notificationTypes", ["Doors", "Doors"], "notificationTypes[1]"),
    ("notificationTypes", [], "notificationTypes"),
    ("notificationTypes", None, "notificationTypes"),
    ("notificationTypes", "Doors", "notificationTypes"),
    ("retryPolicy", {"policy": "Sometimes"}, "retryPolicy.policy"),
    ("retryPolicy", {"policy": "Bounded", "retryNumber": -1, "retryDelay": 5}, "retryPolicy.retryNumber"),
    ("retryPolicy", {"policy": "Always", "retryDelay": "soon"}, "retryPolicy.retryDelay"),
    ("batchNotify", {"size": 0, "timeWindow": 60}, "batchNotify.size"),
    ("batchNotify", {"size": 10, "timeWindow": 1}, "batchNotify.timeWindow"),
    ("label", 42, "label"),
    ("extendedEventParam", ["vehicle.everything"], "extendedEventParam[0]"),
    ("callbackURL", "http://93.184.216.34/", "callbackURL"),
]


@pytest.mark.parametrize(("path", "value", "field"), BAD_CALLBACKS)
def test_callback_validation_errors_name_the_field(api: FleetApi, path: str, value: Any, field: str) -> None:
    body = callback_body(
        retry={"policy": "Bounded", "retryNumber": 2, "retryDelay": 5}, batch={"size": 2, "timeWindow": 60}
    )
    bad_request(call(api, "POST", CALLBACKS, json=with_change(body, path, value)), field)
    assert api.ok(CALLBACKS)["total"] == 0  # nothing stored


def test_the_seeds_misspelling_is_named_in_its_errors(api: FleetApi) -> None:
    body = seed_callback()
    body["callback"]["webhook"]["attributres"][0]["value"] = "$nothing"
    bad_request(call(api, "POST", CALLBACKS, json=body), "callback.webhook.attributres[0].value")
    both = seed_callback()
    both["callback"]["webhook"]["attributes"] = []
    bad_request(call(api, "POST", CALLBACKS, json=both), "callback.webhook.attributres")


def test_bad_callback_bodies(api: FleetApi) -> None:
    bad_request(call(api, "POST", CALLBACKS, content="{not json"), "body")
    bad_request(call(api, "POST", CALLBACKS, content=""), "body")
    bad_request(call(api, "POST", CALLBACKS, content="[]"), "body")
    duplicated = (
        b'{"label": "a", "label": "b", "callback": {"target": "http://93.184.216.34/"}, "notificationTypes": ["Doors"]}'
    )
    bad_request(call(api, "POST", CALLBACKS, content=duplicated), "label")
    huge = callback_body(label="x" * (70 * 1024))
    assert call(api, "POST", CALLBACKS, json=huge).status_code == 413
    assert api.ok(CALLBACKS)["total"] == 0


def test_seed_001_webhook_shape_and_spec_spellings(api: FleetApi) -> None:
    body = {
        "label": "seed-001-shape",
        "retryPolicy": {"policy": "Bounded", "retryNumber": 2, "retryDelay": 5},
        "callback": {
            "target": PUBLIC_TARGET,
            "name": "cb",
            "attributes": [{"type": "Query", "key": "vin", "value": "$vin"}],
        },
        "remoteTypes": ["Doors", "Horn"],
    }
    cbid = create_callback(api, body)
    assert api.ok(f"{CALLBACKS}/{cbid}")["subscribe"] == body
    assert api.ok(CALLBACKS, {"types": "Horn"})["total"] == 1


# -- remote actions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "remote_type"), [(b, t) for _, b, t in ACTIONS], ids=[n for n, _, _ in ACTIONS])
def test_every_action_is_accepted(api: FleetApi, runtime: Runtime, body: bytes, remote_type: str) -> None:
    cbid = create_callback(api)
    vid = api.account.vehicles[0].id
    response = send(api, vid, cbid, body)
    assert response.status_code == 202, response.text
    assert response.headers["content-type"].startswith("application/hal+json")
    ref = response.json()
    assert set(ref) == {"_links", "remoteActionId", "type"}
    assert ref["type"] == remote_type
    rid = ref["remoteActionId"]
    base = f"{V3}/fleets/{api.fid}"
    assert path_of(ref["_links"]["remote"]["href"]) == f"{base}/vehicles/{vid}/callbacks/{cbid}/remotes/{rid}"
    assert path_of(ref["_links"]["callback"]["href"]) == f"{base}/remote/callbacks/{cbid}"
    assert path_of(ref["_links"]["fleet"]["href"]) == base
    got = api.ok(f"{remotes_path(vid, cbid)}/{rid}")
    assert got["remoteActionId"] == rid
    assert got["type"] == remote_type
    assert got["remote"] == orjson.loads(body)
    # the vehicle never reported: it sleeps, a wake-up is under way (navigation reports it silently)
    assert got["status"] == ("Accepted" if remote_type == "Navigation" else "WakingUpVehicle")
    assert "failureCause" not in got
    assert path_of(got["_links"]["self"]["href"]) == path_of(ref["_links"]["remote"]["href"])
    with runtime.store.transaction() as conn:
        events = outbox.events_of(conn, cbid)
    expected = [] if remote_type == "Navigation" else ["Accepted", "WakingUpVehicle"]
    assert [e["event"]["eventStatus"]["status"] for e in events] == expected
    assert {e["event"]["remoteActionId"] for e in events} <= {rid}


def test_the_seeds_charging_example_is_refused_for_its_date(api: FleetApi) -> None:
    cbid = create_callback(api, seed_callback())
    response = send(api, api.account.vehicles[0].id, cbid, SEED_TABLE["CHARGING_DELAYED"])
    bad_request(response, "charging.nextDelayedTime")


def test_the_seeds_callback_serves_its_own_types(api: FleetApi) -> None:
    cbid = create_callback(api, seed_callback())
    vid = api.account.vehicles[0].id
    assert sent(api, vid, cbid, SEED_TABLE["PRECONDITIONING"])["type"] == "ThermalPreconditioning"
    assert sent(api, vid, cbid, SEED_TABLE["CHARGING_STOP"])["type"] == "ElectricBatteryChargingRequest"
    # seed 004's door example through seed 004's callback, which does not serve Doors
    body = bad_request(send(api, vid, cbid, SEED_ACTION), "door")
    assert "Doors" in body["message"]


def test_list_the_actions_of_a_vehicle_and_callback(api: FleetApi, world: World) -> None:
    cbid = create_callback(api)
    first, second = api.account.vehicles
    rids = []
    for body in (SEED_TABLE["HORN"], SEED_TABLE["DOOR"], SEED_TABLE["LIGHTS"]):
        rids.append(sent(api, first.id, cbid, body)["remoteActionId"])
        world.clock.advance(1)
    theirs = sent(api, second.id, cbid, SEED_TABLE["HORN"])["remoteActionId"]
    listed = api.ok(remotes_path(first.id, cbid))
    assert listed["total"] == 3
    assert [a["remoteActionId"] for a in listed["_embedded"]["remoteActions"]] == rids  # oldest first
    assert [a["type"] for a in listed["_embedded"]["remoteActions"]] == ["Horn", "Doors", "Lights"]
    assert {a["status"] for a in listed["_embedded"]["remoteActions"]} == {"WakingUpVehicle"}
    page = api.ok(remotes_path(first.id, cbid), {"indexRange": "1-2"})
    assert [a["remoteActionId"] for a in page["_embedded"]["remoteActions"]] == rids[1:]
    assert [a["remoteActionId"] for a in api.ok(remotes_path(second.id, cbid))["_embedded"]["remoteActions"]] == [
        theirs
    ]
    # an action is found under its own vehicle and callback only
    assert api.get(f"{remotes_path(second.id, cbid)}/{rids[0]}").status_code == 404
    other_cb = create_callback(api)
    assert api.get(f"{remotes_path(first.id, other_cb)}/{rids[0]}").status_code == 404
    assert api.ok(remotes_path(first.id, other_cb))["total"] == 0
    assert api.get(f"{remotes_path(first.id, cbid)}/{UNKNOWN_ID}").status_code == 404


def test_the_same_type_in_progress_is_refused_through_the_callback(api: FleetApi) -> None:
    cbid = create_callback(api)
    vid = api.account.vehicles[0].id
    first = sent(api, vid, cbid, SEED_TABLE["HORN"])["remoteActionId"]
    second = sent(api, vid, cbid, {"horn": {"state": "Activated"}})["remoteActionId"]
    assert api.ok(f"{remotes_path(vid, cbid)}/{first}")["status"] == "WakingUpVehicle"
    got = api.ok(f"{remotes_path(vid, cbid)}/{second}")
    assert got["status"] == "Failed"
    assert got["failureCause"] == "SameActionInProgress"


BAD_ACTIONS: list[tuple[Any, str]] = [
    ({"door": {"state": "Unlocked"}, "horn": {"state": "Activated"}}, "horn"),
    ({"label": "two", "lights": {"on": True}, "ligths": {"on": True}}, "ligths"),
    (navigation(11), "navigation.positions[10]"),
    (navigation(0), "navigation.positions"),
    (
        {"navigation": {"positions": [{"type": "Point", "coordinates": [2.35, 91.0]}]}},
        "navigation.positions[0].coordinates[1]",
    ),
    ({"navigation": {"positions": [{"type": "Polygon", "coordinates": [2.35, 48.8]}]}}, "navigation.positions[0].type"),
    (
        {
            "preconditioning": {
                "airConditioning": {"programs": [program(1), program(2), program(3), program(4), program(1)]}
            }
        },
        "preconditioning.airConditioning.programs[4]",
    ),
    (
        {"preconditioning": {"airConditioning": {"programs": [program(5)]}}},
        "preconditioning.airConditioning.programs[0].slot",
    ),
    (
        {"preconditioning": {"airConditioning": {"programs": [program(2), program(2)]}}},
        "preconditioning.airConditioning.programs[1].slot",
    ),
    (
        {"preconditioning": {"airConditioning": {"programs": [dict(program(1), start="PT25H")]}}},
        "preconditioning.airConditioning.programs[0].start",
    ),
    ({"preconditioning": {"airConditioning": {}}}, "preconditioning.airConditioning"),
    (
        {"charging": {"schedule": {"programs": [{"slot": s, "start": "PT1H"} for s in (1, 2, 3, 4, 1)]}}},
        "charging.schedule.programs[4]",
    ),
    ({"charging": {"nextDelayedTime": "2026-13-01T00:00:00Z"}}, "charging.nextDelayedTime"),
    ({"charging": {"nextDelayedTime": "2026-11-03T01:30:00"}}, "charging.nextDelayedTime"),
    ({"charging": {"schedule": {"nextDelayedTime": "tomorrow"}}}, "charging.schedule.nextDelayedTime"),
    ({"charging": {"immediate": True, "nextDelayedTime": "2026-11-03T01:30:00Z"}}, "charging.nextDelayedTime"),
    ({"charging": {}}, "charging"),
    ({"door": {"state": "Open"}}, "door.state"),
    ({"door": {}}, "door.state"),
    ({"horn": {"state": True}}, "horn.state"),
    ({"lights": {"on": "yes"}}, "lights.on"),
    ({"immobilization": {"activate": 1}}, "immobilization.activate"),
    ({"stolen": {"stolen": True, "immobilization": {"activate": True}}}, "stolen.immobilization"),
    ({"stolen": {"trackingPeriod": {"running": 1}}}, "stolen.trackingPeriod.running"),
    ({"state": {"action": "refresh"}}, "state.action"),
    ({"wakeUp": {"action": "Sleep"}}, "wakeUp.action"),
    ({"teleport": {"to": "Paris"}}, "teleport"),
    ({"label": "nothing to do"}, "body"),
    ({"label": 7, "horn": {"state": "Activated"}}, "label"),
    ([], "body"),
]


@pytest.mark.parametrize(("body", "field"), BAD_ACTIONS)
def test_action_validation_errors_name_the_field(api: FleetApi, body: Any, field: str) -> None:
    cbid = create_callback(api)
    vid = api.account.vehicles[0].id
    bad_request(send(api, vid, cbid, orjson.dumps(body)), field)
    assert api.ok(remotes_path(vid, cbid))["total"] == 0  # nothing stored


def test_an_action_the_callback_does_not_serve(api: FleetApi, runtime: Runtime) -> None:
    cbid = create_callback(api, callback_body(types=("Doors", "Horn")))
    vid = api.account.vehicles[0].id
    body = bad_request(send(api, vid, cbid, SEED_TABLE["LIGHTS"]), "ligths")
    assert "Lights" in body["message"]
    bad_request(send(api, vid, cbid, SEED_TABLE["IMMOBILIZATION"]), "immobilization")
    bad_request(send(api, vid, cbid, {"stolen": {"immobilization": {"activate": True}}}), "stolen")
    assert api.ok(remotes_path(vid, cbid))["total"] == 0
    with runtime.store.transaction() as conn:
        assert outbox.events_of(conn, cbid) == []


def test_bad_action_bodies(api: FleetApi) -> None:
    cbid = create_callback(api)
    vid = api.account.vehicles[0].id
    bad_request(send(api, vid, cbid, b"{not json"), "body")
    bad_request(send(api, vid, cbid, b""), "body")
    bad_request(send(api, vid, cbid, b'{"door": {"state": "Locked", "state": "Unlocked"}}'), "door.state")
    assert send(api, vid, cbid, orjson.dumps(navigation(1) | {"label": "x" * (70 * 1024)})).status_code == 413
    assert api.ok(remotes_path(vid, cbid))["total"] == 0


def test_unknown_and_other_fleets_vehicles_and_callbacks(api: FleetApi, world: World) -> None:
    cbid = create_callback(api)
    vid = api.account.vehicles[0].id
    other_account = world.fleet(vehicles=1)
    other = FleetApi(api.http, other_account, V3)
    their_cb = create_callback(other)
    their_vid = other_account.vehicles[0].id
    door = SEED_TABLE["DOOR"]
    # unknown vehicle or callback
    assert send(api, UNKNOWN_ID, cbid, door).status_code == 404
    assert send(api, vid, UNKNOWN_ID, door).status_code == 404
    assert api.get(remotes_path(UNKNOWN_ID, cbid)).status_code == 404
    assert api.get(remotes_path(vid, UNKNOWN_ID)).status_code == 404
    # another fleet's callback through the caller's own fleet and vehicle
    assert send(api, vid, their_cb, door).status_code == 403
    assert api.get(remotes_path(vid, their_cb)).status_code == 403
    # another fleet's vehicle under the caller's own fleet: 403, as the issue asks
    assert send(api, their_vid, cbid, door).status_code == 403
    assert send(api, their_vid, their_cb, door).status_code == 403
    # another fleet's id in the path, with that fleet's own vehicle and callback
    assert (
        call(other, "POST", f"/fleets/{api.fid}/vehicles/{vid}/callbacks/{cbid}/remotes", content=door).status_code
        == 403
    )
    assert other.get(f"/fleets/{api.fid}/vehicles/{vid}/callbacks/{cbid}/remotes").status_code == 403
    rid = sent(api, vid, cbid, door)["remoteActionId"]
    assert other.get(f"/fleets/{api.fid}/vehicles/{vid}/callbacks/{cbid}/remotes/{rid}").status_code == 403
    assert other.ok(remotes_path(their_vid, their_cb))["total"] == 0
    assert api.ok(remotes_path(vid, cbid))["total"] == 1


def test_a_vehicle_in_two_fleets_takes_each_fleets_actions(api: FleetApi, world: World) -> None:
    shared = api.account.vehicles[0]
    other_account = world.fleet(vehicles=0)
    world.add_to_fleet(other_account, shared)
    other = FleetApi(api.http, other_account, V3)
    mine, theirs = create_callback(api), create_callback(other)
    assert sent(api, shared.id, mine, SEED_TABLE["DOOR"])["type"] == "Doors"
    assert sent(other, shared.id, theirs, SEED_TABLE["HORN"])["type"] == "Horn"
    assert send(other, shared.id, mine, SEED_TABLE["LIGHTS"]).status_code == 403
    assert api.ok(remotes_path(shared.id, mine))["total"] == 1
    assert other.ok(remotes_path(shared.id, theirs))["total"] == 1


def test_remote_paths_are_v3_only(api: FleetApi) -> None:
    v2 = FleetApi(api.http, api.account, "/connectedcar/v2")
    assert v2.get(CALLBACKS).status_code == 404
