"""/user, /vehicles, /vehicles/{id} and /vehicles/{id}/lastPosition."""

from __future__ import annotations

import pytest

from tests.api.b2c.v2.conftest import Owned
from tests.api.b2c.v2.helpers import V2, Api, assert_date, assert_error, assert_feature, assert_page_links, link_path
from tests.support import World

VEHICLE_LINKS = [
    "self",
    "lastTrip",
    "lastPosition",
    "trips",
    "collisions",
    "telemetry",
    "maintenance",
    "alerts",
    "events",
]
VEHICLE_KEYS = {"_links", "id", "vin", "brand", "model", "subModel", "engine", "gearbox", "energy"}
VEHICLE_KEYS |= {"createdAt", "updatedAt"}


def test_user_is_the_seeds_object(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    world.trip(vehicle, seconds_ago=7200)
    last = world.trip(vehicle, seconds_ago=3600)

    body = api.ok("/user")

    assert set(body) == {"_links", "id", "email", "firstName", "lastName", "createdAt", "updatedAt", "_embedded"}
    assert body["id"] == api.account.user.id
    assert body["email"] == api.account.user.email
    assert (body["firstName"], body["lastName"]) == ("Nicolas", "Cugnot")
    assert_date(body["createdAt"])
    assert {name: link_path(body, name) for name in body["_links"]} == {
        "self": f"{V2}/user",
        "trips": f"{V2}/trips",
        "lastTrip": f"{V2}/trips/{last.id}",
        "lastEcodriving": f"{V2}/trips/{last.id}/ecodriving",
    }
    [embedded] = body["_embedded"]["vehicles"]
    assert embedded["id"] == vehicle.id
    assert link_path(embedded, "lastTrip") == f"{V2}/trips/{last.id}"


def test_user_without_trips_has_no_last_trip_links(api: Api) -> None:
    body = api.ok("/user")
    assert set(body["_links"]) == {"self", "trips"}
    assert "lastTrip" not in body["_embedded"]["vehicles"][0]["_links"]


def test_vehicle_is_the_seeds_object(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=600)

    response = api.get(f"/vehicles/{vehicle.id}")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/hal+json"
    body = response.json()
    assert set(body) == VEHICLE_KEYS
    assert list(body["_links"]) == VEHICLE_LINKS
    base = f"{V2}/vehicles/{vehicle.id}"
    assert link_path(body, "self") == base
    assert link_path(body, "lastTrip") == f"{V2}/trips/{trip.id}"
    for name in VEHICLE_LINKS[2:]:
        assert link_path(body, name) == f"{base}/{name}"
    assert (body["id"], body["vin"], body["brand"], body["model"]) == (vehicle.id, vehicle.vin, "C", "H5")
    assert (body["subModel"], body["engine"], body["gearbox"], body["energy"]) == ("3A", "06", "AHXT", "Fuel")
    assert_date(body["createdAt"])
    assert_date(body["updatedAt"])


@pytest.mark.parametrize(
    ("params", "style", "offset", "limit", "count"),
    [
        ({}, "offset", 0, 10, 5),
        ({"limit": 2}, "offset", 0, 2, 2),
        ({"limit": 2, "offset": 2}, "offset", 2, 2, 2),
        ({"limit": 2, "offset": 4}, "offset", 4, 2, 1),
        ({"limit": 2, "offset": 9}, "offset", 9, 2, 0),
        ({"indexRange": "0-1"}, "indexRange", 0, 2, 2),
        ({"indexRange": "2-3", "pageSize": 2}, "indexRange", 2, 2, 2),
        ({"indexRange": "3-", "pageSize": 2}, "indexRange", 3, 2, 2),
    ],
)
def test_vehicles_pages(
    api_with_five_vehicles: Api, params: dict[str, object], style: str, offset: int, limit: int, count: int
) -> None:
    body = api_with_five_vehicles.ok("/vehicles", params)
    assert_page_links(body, offset=offset, limit=limit, total=5, style=style)
    vehicles = body["_embedded"]["vehicles"]
    assert len(vehicles) == count
    # oldest first; vehicles added at the same instant come in VIN order
    owned = [v.id for v in sorted(api_with_five_vehicles.account.vehicles, key=lambda v: (v.created_at, v.vin))]
    assert [v["id"] for v in vehicles] == owned[offset : offset + count]
    assert all(set(v) == VEHICLE_KEYS for v in vehicles)


@pytest.fixture
def api_with_five_vehicles(api: Api, world: World) -> Api:
    api.account.vehicles.extend(world.vehicle(api.account.user) for _ in range(4))
    return api


def test_last_position_is_a_geojson_feature(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    world.position(vehicle, seconds_ago=60, lon=1.0, lat=47.0)
    last = world.position(vehicle, seconds_ago=20, lon=1.7402, lat=48.98058, alt=19, heading=253)

    response = api.get(f"/vehicles/{vehicle.id}/lastPosition")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert_feature(body, 1.7402, 48.98058, 19)
    assert body["properties"]["id"] == last.id
    assert body["properties"]["heading"] == 253
    assert_date(body["properties"]["createdAt"])


def test_last_position_without_altitude_has_two_coordinates(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    world.position(vehicle, lon=-1.5, lat=47.2, alt=None)
    assert_feature(api.ok(f"/vehicles/{vehicle.id}/lastPosition"), -1.5, 47.2, None)


def test_last_position_of_a_vehicle_never_located_is_404(api: Api) -> None:
    assert_error(api.get(f"/vehicles/{api.account.vehicles[0].id}/lastPosition"), 404)


def test_vehicles_of_a_user_without_any_are_an_empty_page(api: Api, world: World) -> None:
    bare = Api(api.http, world.login(world.user()))
    body = bare.ok("/vehicles")
    assert body["total"] == 0
    assert body["_embedded"]["vehicles"] == []


@pytest.mark.parametrize("suffix", ["", "/lastPosition"])
def test_unknown_vehicle_is_404(owner_api: Api, suffix: str) -> None:
    assert_error(owner_api.get(f"/vehicles/0123456789ABCDEF0123456789ABCDEF{suffix}"), 404)


@pytest.mark.parametrize("suffix", ["", "/lastPosition"])
def test_another_users_vehicle_is_403(owner_api: Api, stranger: Owned, suffix: str) -> None:
    assert_error(owner_api.get(f"/vehicles/{stranger.vehicle.id}{suffix}"), 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"offset": -1}, "offset"),
        ({"limit": 0}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"indexRange": "9-2"}, "indexRange"),
        ({"indexRange": "x"}, "indexRange"),
        ({"pageSize": 0}, "pageSize"),
    ],
)
def test_bad_paging_is_400_naming_the_field(owner_api: Api, params: dict[str, object], field: str) -> None:
    assert_error(owner_api.get("/vehicles", params), 400, field)
