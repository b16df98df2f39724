"""The monitor endpoints of the fleet API (v2 and v3): create, read, list, replace, pause, delete, and
every validation error as a 400 naming the field."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connectedcar.runtime import Runtime
from tests.api.fleet.conftest import FleetApi
from tests.api.fleet.monitor_bodies import PUBLIC_TARGET, SEED_BODY, seed_monitor, with_change
from tests.support import World


def call(api: FleetApi, method: str, path: str, *, json: Any = None, content: str | None = None) -> httpx.Response:
    return api.http.request(
        method,
        api.prefix + path.format(fid=api.fid),
        params={"client_id": api.account.fleet.client_id},
        auth=api.account.auth,
        headers={"Accept": "application/hal+json"},
        json=json,
        content=content,
    )


def create(api: FleetApi, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = call(api, "POST", "/fleets/{fid}/monitors", json=body or seed_monitor())
    assert response.status_code == 202, response.text
    created: dict[str, Any] = response.json()
    return created


def test_create_answers_202_with_a_monitor_ref(api: FleetApi, runtime: Runtime) -> None:
    ref = create(api)
    assert ref["status"] == "Running"
    assert len(ref["monitorId"]) == 32
    assert ref["_links"]["monitor"]["href"].endswith(f"{api.prefix}/fleets/{api.fid}/monitors/{ref['monitorId']}")
    assert ref["_links"]["fleet"]["href"].endswith(f"/fleets/{api.fid}")
    assert ref["createdAt"] == ref["updatedAt"]
    live = runtime.monitors.get(ref["monitorId"])
    assert live is not None and not live.paused and live.fleet_id == api.fid
    assert live.vehicle_scoped  # the seed's Query attribute vin=$vin


def test_get_renders_the_body_as_accepted(api: FleetApi) -> None:
    ref = create(api)
    got = api.ok(f"/fleets/{{fid}}/monitors/{ref['monitorId']}")
    assert got["monitorId"] == ref["monitorId"]
    assert got["status"] == "Running"
    assert got["monitor"] == seed_monitor()
    assert got["_links"]["self"]["href"] == ref["_links"]["monitor"]["href"]


def test_list_pages_the_fleets_monitors(api: FleetApi, world: World) -> None:
    ids = []
    for i in range(3):
        ids.append(create(api, with_change(seed_monitor(), "label", f"m{i}"))["monitorId"])
        world.clock.advance(1)  # listed in the order they were created
    page = api.ok("/fleets/{fid}/monitors", {"indexRange": "0-1"})
    assert page["total"] == 3
    assert [m["monitorId"] for m in page["_embedded"]["monitors"]] == ids[:2]
    assert page["totalPage"] == 2
    rest = api.ok("/fleets/{fid}/monitors", {"limit": "2", "offset": "2"})
    assert [m["monitorId"] for m in rest["_embedded"]["monitors"]] == ids[2:]


def test_pause_and_resume(api: FleetApi, runtime: Runtime) -> None:
    mid = create(api)["monitorId"]
    paused = call(api, "PUT", f"/fleets/{{fid}}/monitors/{mid}/status", json={"status": "Paused"})
    assert paused.status_code == 202, paused.text
    assert paused.json()["status"] == "Paused"
    assert api.ok(f"/fleets/{{fid}}/monitors/{mid}")["status"] == "Paused"
    live = runtime.monitors.get(mid)
    assert live is not None and live.paused
    resumed = call(api, "PUT", f"/fleets/{{fid}}/monitors/{mid}/status", json={"status": "Running"})
    assert resumed.json()["status"] == "Running"
    live = runtime.monitors.get(mid)
    assert live is not None and not live.paused


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "Failed"}, "status"),
        ({"state": "Paused"}, "status"),
        ([], "body"),
    ],
)
def test_bad_status_bodies(api: FleetApi, body: Any, field: str) -> None:
    mid = create(api)["monitorId"]
    response = call(api, "PUT", f"/fleets/{{fid}}/monitors/{mid}/status", json=body)
    assert response.status_code == 400
    assert field in response.json()["message"]


def test_replace_changes_the_definition(api: FleetApi, runtime: Runtime) -> None:
    mid = create(api)["monitorId"]
    changed = with_change(seed_monitor(), "label", "renamed")
    response = call(api, "PUT", f"/fleets/{{fid}}/monitors/{mid}", json=changed)
    assert response.status_code == 202, response.text
    assert api.ok(f"/fleets/{{fid}}/monitors/{mid}")["monitor"]["label"] == "renamed"
    live = runtime.monitors.get(mid)
    assert live is not None and live.label == "renamed"
    bad = call(api, "PUT", f"/fleets/{{fid}}/monitors/{mid}", json=with_change(changed, "label", None))
    assert bad.status_code == 400
    assert api.ok(f"/fleets/{{fid}}/monitors/{mid}")["monitor"]["label"] == "renamed"  # nothing lost


def test_delete(api: FleetApi, runtime: Runtime) -> None:
    mid = create(api)["monitorId"]
    response = call(api, "DELETE", f"/fleets/{{fid}}/monitors/{mid}")
    assert response.status_code == 204
    assert response.content == b""
    assert api.get(f"/fleets/{{fid}}/monitors/{mid}").status_code == 404
    assert runtime.monitors.get(mid) is None
    assert call(api, "DELETE", f"/fleets/{{fid}}/monitors/{mid}").status_code == 404


def test_another_fleets_monitors_are_out_of_reach(api: FleetApi, world: World) -> None:
    mid = create(api)["monitorId"]
    other = FleetApi(api.http, world.fleet(vehicles=0), api.prefix)
    assert other.get(f"/fleets/{api.fid}/monitors/{mid}").status_code == 403
    assert call(other, "DELETE", f"/fleets/{api.fid}/monitors/{mid}").status_code == 403
    assert call(other, "POST", f"/fleets/{api.fid}/monitors", json=seed_monitor()).status_code == 403
    # its own fleet id with a monitor that is not its own: forbidden, as for vehicles and callbacks
    assert other.get(f"/fleets/{{fid}}/monitors/{mid}").status_code == 403
    assert api.get("/fleets/{fid}/monitors/nosuchmonitor").status_code == 404


def test_without_credentials(api: FleetApi) -> None:
    url = f"{api.prefix}/fleets/{api.fid}/monitors"
    response = api.http.post(url, params={"client_id": api.account.fleet.client_id}, json=seed_monitor())
    assert response.status_code == 401


def test_the_seed_example_as_written_is_refused_for_its_duplicate_keys(api: FleetApi) -> None:
    response = call(api, "POST", "/fleets/{fid}/monitors", content=SEED_BODY)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "uuid", "message"}
    assert "triggerParam.triggers[0].name" in body["message"]
    assert "duplicate" in body["message"]


BAD: list[tuple[str, Any, str]] = [
    ("triggerParam/bool.exp", "((outOfParis & (batteryIsLow | onMonday)", "triggerParam.bool.exp"),
    ("triggerParam/bool.exp", "outOfParis & nowhere", "triggerParam.bool.exp"),
    ("triggerParam/bool.exp", "outOfParis | !outOfParis", "triggerParam.bool.exp"),
    ("triggerParam/bool.exp", "outOfParis & !outOfParis", "triggerParam.bool.exp"),
    ("triggerParam/triggers/0/zone/circle/radius", 0, "triggerParam.triggers[0].zone.circle.radius"),
    ("triggerParam/triggers/0/zone/circle/radius", 5000, "triggerParam.triggers[0].zone.circle.radius"),
    ("triggerParam/triggers/0/zone/transition", "Inside", "triggerParam.triggers[0].zone.transition"),
    ("subscribeParam/refreshEvent", 30, "subscribeParam.refreshEvent"),
    ("triggerParam/triggers/2/data/data", "vehicle.warp.level", "triggerParam.triggers[2].data.data"),
    ("triggerParam/triggers/2/data/op", "about", "triggerParam.triggers[2].data.op"),
    ("triggerParam/triggers/1/time/times/0/duration", "4 hours", "triggerParam.triggers[1].time.times[0].duration"),
    ("triggerParam/triggers/1/time/time.zone", "Europe/Atlantis", "triggerParam.triggers[1].time.time.zone"),
    ("subscribeParam/callback/target", "ftp://example.com/hook", "subscribeParam.callback.target"),
    ("subscribeParam/callback/target", "http://127.0.0.1:9/hook", "subscribeParam.callback.target"),
    ("subscribeParam/callback/target", "http://10.1.2.3/hook", "subscribeParam.callback.target"),
    ("subscribeParam/callback/attributes/0/value", "$nothing", "subscribeParam.callback.attributes[0].value"),
    ("subscribeParam/retryPolicy/policy", "Sometimes", "subscribeParam.retryPolicy.policy"),
    ("subscribeParam/batchNotify/size", 0, "subscribeParam.batchNotify.size"),
    ("subscribeParam/batchNotify/timeWindow", 1, "subscribeParam.batchNotify.timeWindow"),
    ("subscribeParam/callback", None, "subscribeParam.callback"),
    ("subscribeParam", None, "subscribeParam"),
    ("extendedEventParam", ["vehicle.everything"], "extendedEventParam[0]"),
    ("label", None, "label"),
    ("triggerParam/triggers", [], "triggerParam.triggers"),
]


@pytest.mark.parametrize(("path", "value", "field"), BAD)
def test_validation_errors_name_the_field(api: FleetApi, path: str, value: Any, field: str) -> None:
    response = call(api, "POST", "/fleets/{fid}/monitors", json=with_change(seed_monitor(), path, value))
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == 40001
    assert body["message"].startswith(f"Invalid value for {field}") or field in body["message"], body["message"]
    assert api.ok("/fleets/{fid}/monitors")["total"] == 0  # nothing stored


def test_six_triggers_are_too_many(api: FleetApi) -> None:
    body = seed_monitor()
    triggers = body["triggerParam"]["triggers"]
    for i in range(3):
        extra = dict(triggers[0], name=f"zone{i}")
        triggers.append(extra)
    body["triggerParam"]["bool.exp"] = "outOfParis & zone0 & zone1 & zone2 & (batteryIsLow | onMonday)"
    response = call(api, "POST", "/fleets/{fid}/monitors", json=body)
    assert response.status_code == 400
    assert "triggerParam.triggers" in response.json()["message"]


def test_spec_spellings_and_polygons_are_accepted(api: FleetApi) -> None:
    body = {
        "label": "depot",
        "subscribeParam": {
            "callback": {"webhook": {"target": PUBLIC_TARGET, "name": "cb", "attributes": []}},
            "retryPolicy": {"policy": "Bounded", "retryNumber": 2, "retryDelay": 5},
        },
        "triggerParam": {
            "triggers": [
                {
                    "name": "depot",
                    "zone": {
                        "transition": "In",
                        "polygon": [
                            {"latitude": 48.80, "longitude": 2.30},
                            {"latitude": 48.80, "longitude": 2.40},
                            {"latitude": 48.90, "longitude": 2.35},
                        ],
                    },
                },
                {"name": "night", "time": {"times": [{"recurrence": "Daily", "start": "PT22H", "duration": "PT8H"}]}},
            ],
            "boolExp": "depot & !night",
        },
    }
    ref = create(api, body)
    assert api.ok(f"/fleets/{{fid}}/monitors/{ref['monitorId']}")["monitor"] == body


def test_bodies_are_bounded(api: FleetApi) -> None:
    huge = with_change(seed_monitor(), "label", "x" * (70 * 1024))
    assert call(api, "POST", "/fleets/{fid}/monitors", json=huge).status_code == 413
    assert call(api, "POST", "/fleets/{fid}/monitors", content="{not json").status_code == 400
    assert call(api, "POST", "/fleets/{fid}/monitors", content="").status_code == 400
