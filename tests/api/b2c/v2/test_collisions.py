"""/collisions/{id}."""

from __future__ import annotations

from tests.api.b2c.v2.conftest import Owned
from tests.api.b2c.v2.helpers import COLLISION_KEYS, V2, Api, assert_date, assert_error, assert_feature, link_path
from tests.support import World


def test_collision_is_the_seeds_object(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=3600)
    collision = world.collision(vehicle, trip=trip, seconds_ago=3500, front="MEDIUM", lon=2.29, lat=48.86)

    body = api.ok(f"/collisions/{collision.id}")

    assert set(body) == COLLISION_KEYS | {"_embedded"}
    assert body["id"] == collision.id
    assert (body["rollOver"], body["pedestrian"]) == (False, False)
    assert (body["front"], body["rear"], body["lateral"]) == ({"level": "MEDIUM"}, {"level": "NONE"}, {"level": "NONE"})
    assert {name: link_path(body, name) for name in body["_links"]} == {
        "self": f"{V2}/collisions/{collision.id}",
        "vehicle": f"{V2}/vehicles/{vehicle.id}",
        "trip": f"{V2}/trips/{trip.id}",
    }
    assert_date(body["createdAt"])
    assert_date(body["updatedAt"])
    assert_feature(body["_embedded"]["position"], 2.29, 48.86, 12)


def test_a_collision_outside_any_trip_links_to_unknown(api: Api, world: World) -> None:
    collision = world.collision(api.account.vehicles[0], seconds_ago=60)
    body = api.ok(f"/collisions/{collision.id}")
    assert body["_links"]["trip"] == {"href": "unknown"}
    assert set(body) == COLLISION_KEYS


def test_the_listed_self_link_is_the_collision(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    world.collision(vehicle, seconds_ago=60)
    listed = api.ok(f"/vehicles/{vehicle.id}/collisions")["_embedded"]["collisions"][0]
    response = api.follow(f"{listed['_links']['self']['href']}?client_id={api.account.client.client_id}")
    assert response.status_code == 200, response.text
    assert response.json() == listed


def test_unknown_collision_is_404(api: Api) -> None:
    assert_error(api.get("/collisions/0123456789ABCDEF0123456789ABCDEF-909839383"), 404)


def test_another_users_collision_is_403(api: Api, stranger: Owned) -> None:
    message = assert_error(api.get(f"/collisions/{stranger.collision.id}"), 403)
    assert stranger.vehicle.vin not in message
