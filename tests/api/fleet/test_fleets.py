"""The Fleet Owner API's reads over a real server, on /connectedcar/v3 and /connectedcar/v2."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from connectedcar.api.fleet.auth import CHALLENGE
from tests.api.b2c.v2.helpers import assert_date, assert_error, assert_feature, assert_page_links, link_query
from tests.api.fleet.conftest import V3, FleetApi
from tests.support import World

# Field names of the fleet specs' schemas.
FLEET_KEYS = {"_links", "id", "name", "createdAt", "updatedAt"}
VEHICLE_KEYS = {"_links", "id", "vin", "motorization", "brand", "createdAt", "updatedAt"}
COLLECTION_KEYS = {"_links", "total", "totalPage", "currentPage", "_embedded"}
ALERT_KEYS = {"_links", "id", "vin", "active", "type", "severity", "startedAt", "endAt", "createdAt", "updatedAt"}
UNKNOWN_VEHICLE = "0123456789ABCDEF0123456789ABCDEF"
UNKNOWN_FLEET = "ffffffffffffffffffffffff"


def path_of(href: str) -> str:
    return urlsplit(href).path


# -- fleets ---------------------------------------------------------------------------------------


def test_fleets_lists_the_authenticated_fleet(api: FleetApi) -> None:
    body = api.ok("/fleets")
    assert set(body) == COLLECTION_KEYS
    assert (body["total"], body["totalPage"], body["currentPage"]) == (1, 1, 1)
    [item] = body["_embedded"]["fleets"]
    assert set(item) == FLEET_KEYS
    assert (item["id"], item["name"]) == (api.fid, "Test fleet")
    assert path_of(item["_links"]["self"]["href"]) == f"{api.prefix}/fleets/{api.fid}"
    assert path_of(item["_links"]["vehicles"]["href"]) == f"{api.prefix}/fleets/{api.fid}/vehicles"
    assert_date(item["createdAt"])


def test_one_fleet(api: FleetApi) -> None:
    body = api.ok("/fleets/{fid}")
    assert set(body) == FLEET_KEYS
    assert body["id"] == api.fid
    assert api.follow(body["_links"]["self"]["href"] + f"?client_id={api.account.fleet.client_id}").json() == body


def test_another_fleets_id_is_forbidden_and_an_unknown_one_not_found(api: FleetApi, world: World) -> None:
    other = world.fleet(vehicles=1)
    for path in ("/fleets/{x}", "/fleets/{x}/vehicles", "/fleets/{x}/vehicles/{v}/lastPosition"):
        forbidden = path.format(x=other.fleet.id, v=other.vehicles[0].id)
        assert_error(api.get(forbidden), 403)
        assert_error(api.get(path.format(x=UNKNOWN_FLEET, v=other.vehicles[0].id)), 404)


# -- authentication -------------------------------------------------------------------------------


def _challenged(response: httpx.Response) -> None:
    assert_error(response, 401)
    assert response.headers["www-authenticate"] == CHALLENGE


def test_missing_or_wrong_credentials_are_401_with_a_basic_challenge(http: httpx.Client, api: FleetApi) -> None:
    url = f"{api.prefix}/fleets"
    query = {"client_id": api.account.fleet.client_id}
    _challenged(http.get(url, params=query))
    _challenged(http.get(url, params=query, auth=(api.account.fleet.username, "wrong-password")))
    _challenged(http.get(url, params=query, auth=("nobody", api.account.password)))
    _challenged(http.get(url, params=query, headers={"Authorization": "Basic !!!notbase64"}))
    _challenged(http.get(url, params=query, headers={"Authorization": "Bearer abc"}))


def test_client_id_is_required_and_must_be_the_fleets(http: httpx.Client, api: FleetApi, world: World) -> None:
    url = f"{api.prefix}/fleets"
    missing = http.get(url, auth=api.account.auth)
    _challenged(missing)
    assert "'client_id'" in missing.json()["message"]
    other = world.fleet(vehicles=0)
    _challenged(http.get(url, params={"client_id": other.fleet.client_id}, auth=api.account.auth))


# -- vehicles -------------------------------------------------------------------------------------


def test_vehicles_have_the_specs_fields(api: FleetApi) -> None:
    body = api.ok("/fleets/{fid}/vehicles")
    assert set(body) == COLLECTION_KEYS
    assert body["total"] == 2
    items = body["_embedded"]["vehicles"]
    assert {v["id"] for v in items} == {v.id for v in api.account.vehicles}
    for item in items:
        assert set(item) == VEHICLE_KEYS
        assert item["motorization"] == "Thermic"
        assert item["brand"] == "Citroën"
        href = f"{api.prefix}/fleets/{api.fid}/vehicles/{item['id']}"
        assert path_of(item["_links"]["self"]["href"]) == href
        for name in ("lastPosition", "status", "alerts", "maintenance"):
            assert path_of(item["_links"][name]["href"]) == f"{href}/{name}"
    one = api.ok(f"/fleets/{{fid}}/vehicles/{items[0]['id']}")
    assert one == items[0]


def test_vehicles_page_with_index_range_and_page_size(api: FleetApi, world: World) -> None:
    world.add_to_fleet(api.account, *[world.vehicle(None) for _ in range(5)])
    first = api.ok("/fleets/{fid}/vehicles", {"indexRange": "0-2"})
    assert_page_links(first, offset=0, limit=3, total=7, style="indexRange")
    assert (first["totalPage"], first["currentPage"]) == (3, 1)
    assert link_query(first, "next")["client_id"] == api.account.fleet.client_id
    seen = [v["id"] for v in first["_embedded"]["vehicles"]]
    response = api.follow(first["_links"]["next"]["href"])
    while True:
        assert response.status_code == 200, response.text
        page = response.json()
        seen += [v["id"] for v in page["_embedded"]["vehicles"]]
        if "next" not in page["_links"]:
            break
        response = api.follow(page["_links"]["next"]["href"])
    assert len(seen) == len(set(seen)) == 7
    sized = api.ok("/fleets/{fid}/vehicles", {"pageSize": "4"})
    assert_page_links(sized, offset=0, limit=4, total=7, style="indexRange")
    offset = api.ok("/fleets/{fid}/vehicles", {"limit": "2", "offset": "4"})
    assert_page_links(offset, offset=4, limit=2, total=7)
    assert offset["currentPage"] == 3


def test_vin_prefix_filters_vehicles(api: FleetApi) -> None:
    vin = api.account.vehicles[0].vin
    body = api.ok("/fleets/{fid}/vehicles", {"vinPrefix": vin[:14]})
    assert [v["vin"] for v in body["_embedded"]["vehicles"]] == [vin]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"indexRange": "x-y"}, "indexRange"),
        ({"indexRange": "5-2"}, "indexRange"),
        ({"pageSize": "0"}, "pageSize"),
        ({"pageSize": "abc"}, "pageSize"),
        ({"limit": "-1"}, "limit"),
        ({"vinPrefix": "VF7-*"}, "vinPrefix"),
    ],
)
def test_bad_paging_parameters_are_400_naming_the_field(api: FleetApi, params: dict[str, str], field: str) -> None:
    assert_error(api.get("/fleets/{fid}/vehicles", params), 400, field)


def test_a_vehicle_outside_the_fleet_is_not_found(api: FleetApi, world: World) -> None:
    outsider = world.vehicle(None)
    for vid in (outsider.id, UNKNOWN_VEHICLE):
        for suffix in ("", "/lastPosition", "/status", "/alerts", "/maintenance"):
            assert_error(api.get(f"/fleets/{{fid}}/vehicles/{vid}{suffix}"), 404)


def test_another_fleets_vehicle_is_forbidden(api: FleetApi, world: World) -> None:
    other = world.fleet(vehicles=1)
    for suffix in ("", "/lastPosition", "/status", "/alerts", "/maintenance"):
        assert_error(api.get(f"/fleets/{{fid}}/vehicles/{other.vehicles[0].id}{suffix}"), 403)


def test_a_vehicle_may_be_in_several_fleets(api: FleetApi, world: World, http: httpx.Client) -> None:
    other = world.fleet(vehicles=0)
    shared = api.account.vehicles[0]
    world.add_to_fleet(other, shared)
    mine = api.ok(f"/fleets/{{fid}}/vehicles/{shared.id}")
    theirs = FleetApi(http, other, api.prefix).ok(f"/fleets/{{fid}}/vehicles/{shared.id}")
    assert mine["vin"] == theirs["vin"] == shared.vin


# -- last position --------------------------------------------------------------------------------


def test_last_position_is_vnd_geo_json(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    world.position(vehicle, seconds_ago=60, lon=2.0, lat=48.0)
    world.position(vehicle, seconds_ago=10, lon=2.35222, lat=48.85661, alt=35.0)
    response = api.get(f"/fleets/{{fid}}/vehicles/{vehicle.id}/lastPosition", accept="application/vnd.geo+json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.geo+json"
    body = response.json()
    assert_feature(body, 2.35222, 48.85661, 35)
    assert body["properties"]["vin"] == vehicle.vin
    assert body["properties"]["type"] == "Acquire"
    assert_date(body["properties"]["createdAt"])


def test_last_position_without_any_is_404(api: FleetApi) -> None:
    assert_error(api.get(f"/fleets/{{fid}}/vehicles/{api.account.vehicles[1].id}/lastPosition"), 404)


# -- status ---------------------------------------------------------------------------------------


def test_status_gathers_the_newest_value_of_each_part(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    world.telemetry(
        vehicle,
        {"vehicle": {"odometer": 1200.5, "fuel": {"level": 50.0, "autonomy": 400.4}, "running": True}},
        seconds_ago=120,
    )
    world.telemetry(
        vehicle,
        {
            "vehicle": {
                "moving": False,
                "doorsState": {
                    "lockedState": ["Locked"],
                    "opening": [{"identifier": "Driver", "state": "Closed"}],
                },
            }
        },
        seconds_ago=30,
    )
    world.telemetry(vehicle, {"vehicle": {"running": False, "fuel": {"level": 48.5}}}, seconds_ago=20)
    world.position(vehicle, seconds_ago=25, lon=2.3, lat=48.8)

    body = api.ok(f"/fleets/{{fid}}/vehicles/{vehicle.id}/status")

    assert body["vin"] == vehicle.vin
    assert {"_links", "vin", "createdAt", "updatedAt"} <= set(body)
    assert set(body["_links"]) == {"self", "vehicle", "fleet"}
    assert body["ignition"]["type"] == "Stop"
    [fuel] = body["energies"]
    assert (fuel["type"], fuel["level"]) == ("Fuel", 48.5)
    assert "autonomy" not in fuel, "the autonomy was measured with another level"
    assert body["odometer"]["mileage"] == 1200.5
    assert body["doorsState"]["lockedStates"] == ["Locked"]
    assert body["doorsState"]["opening"] == [{"identifier": "Driver", "state": "Closed"}]
    assert body["kinetic"]["moving"] is False
    assert_feature(body["lastPosition"], 2.3, 48.8, 35)
    for part in ("ignition", "odometer", "doorsState", "kinetic"):
        assert_date(body[part]["createdAt"])
    assert body["createdAt"] == body["ignition"]["createdAt"]


def test_status_of_an_electric_vehicle_has_its_charge(api: FleetApi, world: World) -> None:
    electric = world.vehicle(None, energy="Electric")
    world.add_to_fleet(api.account, electric)
    world.telemetry(
        electric,
        {
            "vehicle": {
                "energy": {"level": 80.0, "autonomy": 250.2, "charging": {"plugged": True, "status": "InProgress"}}
            }
        },
        seconds_ago=5,
    )
    body = api.ok(f"/fleets/{{fid}}/vehicles/{electric.id}/status")
    [energy] = body["energies"]
    assert (energy["type"], energy["level"], energy["autonomy"]) == ("Electric", 80.0, 250)
    assert energy["extension"]["electric"]["charging"] == {"plugged": True, "status": "InProgress"}


def test_status_without_data_is_404(api: FleetApi) -> None:
    assert_error(api.get(f"/fleets/{{fid}}/vehicles/{api.account.vehicles[1].id}/status"), 404)


# -- alerts and maintenance -----------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "message"), [(None, "Fuel level low"), ("fr_FR", "Niveau de carburant bas")])
def test_alerts_have_the_specs_fields_in_the_locale(
    api: FleetApi, world: World, locale: str | None, message: str
) -> None:
    vehicle = api.account.vehicles[0]
    alert = world.alert(vehicle, "fuelLevelAlarm", seconds_ago=100)
    params = {"locale": locale} if locale else {}
    body = api.ok(f"/fleets/{{fid}}/vehicles/{vehicle.id}/alerts", params)
    assert set(body) == COLLECTION_KEYS
    [item] = body["_embedded"]["alerts"]
    assert set(item) >= ALERT_KEYS
    assert (item["id"], item["vin"], item["active"], item["message"]) == (alert.id, vehicle.vin, True, message)
    assert item["severity"] in {"Information", "Warning", "Critical"}
    assert item["startPosition"]["type"] == "Feature"
    one = api.follow(item["_links"]["self"]["href"] + f"?client_id={api.account.fleet.client_id}")
    assert one.status_code == 200, one.text
    assert one.json()["id"] == alert.id


def test_alerts_page_and_reject_a_bad_locale(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    for i in range(3):
        world.alert(vehicle, seconds_ago=100 + i)
    body = api.ok(f"/fleets/{{fid}}/vehicles/{vehicle.id}/alerts", {"indexRange": "0-1"})
    assert_page_links(body, offset=0, limit=2, total=3, style="indexRange")
    assert_error(api.get(f"/fleets/{{fid}}/vehicles/{vehicle.id}/alerts", {"locale": "xx"}), 400, "locale")
    assert_error(api.get(f"/fleets/{{fid}}/vehicles/{vehicle.id}/alerts/nope"), 404)


def test_maintenance(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    world.maintenance(vehicle, days=30, mileage=1500)
    body = api.ok(f"/fleets/{{fid}}/vehicles/{vehicle.id}/maintenance")
    assert (body["vin"], body["daysBeforeMaintenance"], body["mileageBeforeMaintenance"]) == (vehicle.vin, 30, 1500)


# -- documentation --------------------------------------------------------------------------------


def test_the_v3_document_declares_the_specs_security(http: httpx.Client) -> None:
    document = http.get(f"{V3}/openapi.json").json()
    assert set(document["components"]["securitySchemes"]) >= {"BasicAuth", "ClientId"}
    operation = document["paths"]["/fleets/{fid}/vehicles"]["get"]
    assert operation["security"] == [{"BasicAuth": [], "ClientId": []}]
    assert operation["description"]
    v2 = http.get("/connectedcar/v2/openapi.json").json()
    assert v2["paths"]["/fleets"]["get"]["security"] == [{"BasicAuth": [], "ClientId": []}]
    assert v2["paths"]["/user"]["get"]["security"] == [{"bearerAuth": []}]
