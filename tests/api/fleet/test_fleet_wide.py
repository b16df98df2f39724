"""Fleet-wide reads: the status and maintenance of every vehicle, and the alerts of all of them, on
/connectedcar/v3 and /connectedcar/v2; and the links that lead to them."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from tests.api.b2c.v2.helpers import assert_error, assert_page_links
from tests.api.fleet.conftest import V2, V3, FleetApi
from tests.api.fleet.helpers import ALERT_KEYS, UNKNOWN_FLEET, UNKNOWN_ID, follow, ids, items, path_of, walk, when
from tests.support import World

# -- status ---------------------------------------------------------------------------------------


def test_fleet_status_lists_every_vehicle(api: FleetApi, world: World) -> None:
    first, second = api.account.vehicles
    world.telemetry(first, {"vehicle": {"odometer": 1500.0, "running": False}}, seconds_ago=30)
    world.position(first, seconds_ago=20, lon=2.3, lat=48.8)
    body = api.ok("/fleets/{fid}/status")
    assert (body["total"], body["totalPage"], body["currentPage"]) == (2, 1, 1)
    by_vin = {s["vin"]: s for s in items(body, "status")}
    known, unknown = by_vin[first.vin], by_vin[second.vin]
    assert known["odometer"]["mileage"] == 1500.0
    assert known["ignition"]["type"] == "Stop"
    assert known["lastPosition"]["type"] == "Feature"
    assert known == api.ok(f"/fleets/{{fid}}/vehicles/{first.id}/status"), "the same as the vehicle's own"
    assert unknown == {
        "_links": unknown["_links"],
        "vin": second.vin,
    }, "a vehicle without data yet: its vin and links"
    assert path_of(unknown["_links"]["self"]["href"]) == f"{api.prefix}/fleets/{api.fid}/vehicles/{second.id}/status"


def test_fleet_status_pages(api: FleetApi, world: World) -> None:
    world.add_to_fleet(api.account, *[world.vehicle(None) for _ in range(3)])
    body = api.ok("/fleets/{fid}/status", {"indexRange": "0-1"})
    assert_page_links(body, offset=0, limit=2, total=5, style="indexRange")
    assert (body["totalPage"], body["currentPage"]) == (3, 1)
    every = walk(api, "/fleets/{fid}/status", "status", {"pageSize": "2"})
    vehicles = walk(api, "/fleets/{fid}/vehicles", "vehicles")
    assert [s["vin"] for s in every] == [v["vin"] for v in vehicles], "in the order of the vehicle list"
    assert_error(api.get("/fleets/{fid}/status", {"extension": "weather"}), 400, "extension")
    assert api.get("/fleets/{fid}/status", {"extension": "odometer"}).status_code == 200


# -- maintenances ---------------------------------------------------------------------------------


def test_fleet_maintenances(api: FleetApi, world: World) -> None:
    first, second = api.account.vehicles
    world.maintenance(second, days=10, mileage=900)
    world.maintenance(first, days=-3, mileage=120)
    world.maintenance(world.vehicle(None), days=1, mileage=1)
    body = api.ok("/fleets/{fid}/maintenances")
    assert body["total"] == 2
    listed = items(body, "maintenances")
    # In the order of the vehicle list: vehicles added together are in VIN order.
    assert [m["vin"] for m in listed] == sorted([first.vin, second.vin])
    by_vin = {m["vin"]: m for m in listed}
    assert (by_vin[first.vin]["daysBeforeMaintenance"], by_vin[first.vin]["mileageBeforeMaintenance"]) == (-3, 120)
    assert (by_vin[second.vin]["daysBeforeMaintenance"], by_vin[second.vin]["mileageBeforeMaintenance"]) == (10, 900)
    href = f"{api.prefix}/fleets/{api.fid}/vehicles/{first.id}"
    assert path_of(by_vin[first.vin]["_links"]["alerts"]["href"]) == f"{href}/alerts"
    assert follow(api, by_vin[first.vin])["vin"] == first.vin
    paged = api.ok("/fleets/{fid}/maintenances", {"limit": "1", "offset": "1"})
    assert_page_links(paged, offset=1, limit=1, total=2)
    assert [m["vin"] for m in items(paged, "maintenances")] == [listed[1]["vin"]]


def test_an_empty_fleet_has_empty_lists(http: httpx.Client, world: World) -> None:
    empty = FleetApi(http, world.fleet(vehicles=0))
    for path, key in (
        ("/status", "status"),
        ("/maintenances", "maintenances"),
        ("/alerts", "alerts"),
        ("/trips", "trips"),
        ("/collisions", "Collisions"),
    ):
        body = empty.ok(f"/fleets/{{fid}}{path}")
        assert (body["total"], body["totalPage"], body["currentPage"], items(body, key)) == (0, 0, 1, [])


# -- alerts ---------------------------------------------------------------------------------------


def test_fleet_alerts_are_those_of_the_fleets_vehicles_only(api: FleetApi, world: World) -> None:
    first, second = api.account.vehicles
    mine = [world.alert(v, "fuelLevelAlarm", seconds_ago=500 - i) for i, v in enumerate((first, second, first))]
    outsider = world.alert(world.vehicle(None), seconds_ago=10)
    theirs = world.alert(world.fleet(vehicles=1).vehicles[0], seconds_ago=10)
    body = api.ok("/fleets/{fid}/alerts", {"indexRange": "0-1", "locale": "fr_FR"})
    assert_page_links(body, offset=0, limit=2, total=3, style="indexRange")
    assert ids(body, "alerts") == [mine[2].id, mine[1].id]
    newest, _ = items(body, "alerts")
    assert set(newest) >= ALERT_KEYS
    assert (newest["vin"], newest["message"]) == (first.vin, "Niveau de carburant bas")
    one = api.ok(f"/fleets/{{fid}}/alerts/{mine[1].id}")
    assert (one["id"], one["vin"]) == (mine[1].id, second.vin)
    assert follow(api, one)["id"] == mine[1].id
    for aid in (outsider.id, theirs.id, UNKNOWN_ID):
        assert_error(api.get(f"/fleets/{{fid}}/alerts/{aid}"), 404)


def test_alerts_in_time_ranges(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    now = world.clock.now()
    made = [world.alert(vehicle, at=now - timedelta(hours=h)) for h in (3, 2, 1)]
    window = {"timestamps": f"{when(now - timedelta(hours=3))}/PT1H"}
    assert ids(api.ok("/fleets/{fid}/alerts", window), "alerts") == [made[1].id, made[0].id]
    vehicle_window = {"timestamps": f"{when(now - timedelta(hours=1))}/"}
    assert ids(api.ok(f"/fleets/{{fid}}/vehicles/{vehicle.id}/alerts", vehicle_window), "alerts") == [made[2].id]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"locale": "xx"}, "locale"), ({"timestamps": "x/y"}, "timestamps"), ({"profile": "x"}, "profile")],
)
def test_bad_alert_parameters(api: FleetApi, params: dict[str, str], field: str) -> None:
    assert_error(api.get("/fleets/{fid}/alerts", params), 400, field)


def test_another_fleets_lists_are_forbidden(api: FleetApi, world: World) -> None:
    theirs = world.fleet(vehicles=1)
    alert = world.alert(theirs.vehicles[0], seconds_ago=10)
    for path in ("/status", "/maintenances", "/alerts", f"/alerts/{alert.id}"):
        assert_error(api.get(f"/fleets/{theirs.fleet.id}{path}"), 403)
        assert_error(api.get(f"/fleets/{UNKNOWN_FLEET}{path}"), 404)


# -- links ----------------------------------------------------------------------------------------


def test_fleet_and_vehicle_links_lead_to_the_new_resources(api: FleetApi) -> None:
    fleet = api.ok("/fleets/{fid}")
    for name in ("status", "maintenances", "alerts", "trips", "collisions"):
        assert path_of(fleet["_links"][name]["href"]) == f"{api.prefix}/fleets/{api.fid}/{name}"
        assert set(follow(api, fleet, name)) >= {"total", "_embedded"}
    vehicle = api.ok(f"/fleets/{{fid}}/vehicles/{api.account.vehicles[0].id}")
    for name in ("trips", "telemetry", "collisions"):
        assert set(follow(api, vehicle, name)) >= {"total", "_embedded"}


@pytest.mark.parametrize("prefix", [V2, V3])
def test_the_documents_list_the_specs_paths(http: httpx.Client, prefix: str) -> None:
    document = http.get(f"{prefix}/openapi.json").json()
    paths = set(document["paths"])
    shared = {
        "/fleets/{fid}/status",
        "/fleets/{fid}/maintenances",
        "/fleets/{fid}/alerts/{aid}",
        "/fleets/{fid}/trips",
        "/fleets/{fid}/collisions/{cid}",
        "/fleets/{fid}/vehicles/{vid}/telemetry",
        "/fleets/{fid}/vehicles/{vid}/trips/{tid}/wayPoints",
        "/fleets/{fid}/vehicles/{vid}/collisions/{cid}",
    }
    assert shared <= paths
    assert ("/fleets/{fid}/trips/{tid}/telemetry" in paths) is (prefix == V2), "only v2 lists fleet-level trip paths"
    operation = document["paths"]["/fleets/{fid}/trips"]["get"]
    assert {"timestamps", "indexRange", "pageSize"} <= {p["name"] for p in operation["parameters"]}
