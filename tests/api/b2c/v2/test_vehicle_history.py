"""/vehicles/{id}/alerts, /alerts/{aid}, /collisions, /maintenance and /events (telemetry: test_telemetry)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connectedcar.domain.alerts import CATALOGUE
from tests.api.b2c.v2.conftest import Owned
from tests.api.b2c.v2.helpers import (
    ALERT_EXAMPLE_KEYS,
    ALERT_KEYS,
    COLLISION_KEYS,
    TRIP_KEYS,
    V2,
    Api,
    assert_date,
    assert_error,
    assert_feature,
    assert_page_links,
    link_path,
    link_query,
    walk,
)
from tests.support import World

UNKNOWN = "0123456789ABCDEF0123456789ABCDEF"
COLLECTIONS = ["alerts", "collisions", "events"]


# -- alerts ---------------------------------------------------------------------------------------


def test_alert_has_the_seeds_properties(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=900)
    alert = world.alert(vehicle, "alertOilPressure", seconds_ago=600, trip=trip, lon=1.7402, lat=48.98058)

    body = api.ok(f"/vehicles/{vehicle.id}/alerts")

    assert body["total"] == 1
    [item] = body["_embedded"]["alerts"]
    assert set(item) >= ALERT_KEYS | ALERT_EXAMPLE_KEYS
    assert (item["id"], item["idAlert"], item["type"], item["vin"]) == (
        alert.id,
        alert.id,
        "alertOilPressure",
        vehicle.vin,
    )
    assert (item["active"], item["alertState"]) == (True, 1)
    assert (item["message"], item["alert"]) == ("Oil pressure too low", "Oil pressure too low")
    assert (item["severity"], item["category"]) == ("high", "engine")
    assert item["advise"] == "Stop the vehicle and call a dealer."
    for field in ("createdAt", "updatedAt", "startedAt", "dateAlertBegin", "dateUpdate"):
        assert_date(item[field])
    assert item["endAt"] is None and item["dateAlertEnd"] is None
    assert link_path(item, "vehicle") == f"{V2}/vehicles/{vehicle.id}"
    assert link_path(item, "trip") == f"{V2}/trips/{trip.id}"
    assert_feature(item["_embedded"]["position"], 1.7402, 48.98058, 19)


def test_an_ended_alert_is_inactive(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    world.alert(vehicle, "fuelLevelAlarm", seconds_ago=600, active=False, lon=None, lat=None)
    [item] = api.ok(f"/vehicles/{vehicle.id}/alerts")["_embedded"]["alerts"]
    assert (item["active"], item["alertState"]) == (False, 0)
    assert_date(item["endAt"])
    assert "_embedded" not in item, "no position known"


@pytest.mark.parametrize(
    ("locale", "message", "advice"),
    [
        (None, "Fuel level low", "Refuel soon."),
        ("en", "Fuel level low", "Refuel soon."),
        ("fr", "Niveau de carburant bas", "Faites le plein rapidement."),
        ("en_US", "Fuel level low", "Refuel soon."),
        ("fr_FR", "Niveau de carburant bas", "Faites le plein rapidement."),
        ("fr-CA", "Niveau de carburant bas", "Faites le plein rapidement."),
        ("FR", "Niveau de carburant bas", "Faites le plein rapidement."),
    ],
)
def test_alert_messages_speak_the_locale(api: Api, world: World, locale: str | None, message: str, advice: str) -> None:
    vehicle = api.account.vehicles[0]
    world.alert(vehicle, "fuelLevelAlarm", seconds_ago=60)
    params = {} if locale is None else {"locale": locale}

    body = api.ok(f"/vehicles/{vehicle.id}/alerts", params)

    [item] = body["_embedded"]["alerts"]
    assert (item["message"], item["advise"]) == (message, advice)
    # the links keep the locale the client asked with, as the seed's own links do (locale=en_US)
    assert link_query(body, "self").get("locale") == locale


def test_every_catalogued_alert_type_is_served_in_both_locales(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    for i, kind in enumerate(CATALOGUE.values()):
        world.alert(vehicle, kind.type, seconds_ago=i + 1)
    for locale in ("en", "fr"):
        items = walk(api, f"/vehicles/{vehicle.id}/alerts", "alerts", {"locale": locale, "limit": 100})
        assert {i["type"]: i["message"] for i in items} == {k.type: k.message(locale) for k in CATALOGUE.values()}


def test_alerts_page_newest_first_with_true_links(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    created = [world.alert(vehicle, seconds_ago=100 - i) for i in range(25)]
    newest_first = [a.id for a in reversed(created)]
    path = f"/vehicles/{vehicle.id}/alerts"

    for offset in (0, 10, 20):
        body = api.ok(path, {"limit": 10, "offset": offset, "locale": "fr"})
        assert_page_links(body, offset=offset, limit=10, total=25)
        assert [a["id"] for a in body["_embedded"]["alerts"]] == newest_first[offset : offset + 10]
        assert all(link_query(body, name)["locale"] == "fr" for name in body["_links"])
    body = api.ok(path, {"indexRange": "5-9"})
    assert_page_links(body, offset=5, limit=5, total=25, style="indexRange")
    assert [a["id"] for a in body["_embedded"]["alerts"]] == newest_first[5:10]
    assert [a["id"] for a in walk(api, path, "alerts", {"limit": 7})] == newest_first


def test_alert_by_id(api: Api, world: World, stranger: Owned) -> None:
    vehicle = api.account.vehicles[0]
    alert = world.alert(vehicle, "riskOfIce", seconds_ago=30)
    listed = api.ok(f"/vehicles/{vehicle.id}/alerts")["_embedded"]["alerts"][0]

    response = api.follow(listed["_links"]["self"]["href"] + f"?client_id={api.account.client.client_id}&locale=fr")

    assert response.status_code == 200, response.text
    assert response.json()["id"] == alert.id
    assert response.json()["message"] == "Risque de verglas"
    assert_error(api.get(f"/vehicles/{vehicle.id}/alerts/nope"), 404)
    assert_error(api.get(f"/vehicles/{vehicle.id}/alerts/{stranger.alert.id}"), 404)
    assert_error(api.get(f"/vehicles/{stranger.vehicle.id}/alerts/{stranger.alert.id}"), 403)


# -- collisions -----------------------------------------------------------------------------------


def test_collision_has_the_seeds_properties(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=900)
    on_trip = world.collision(vehicle, trip=trip, seconds_ago=800, front="HIGH", roll_over=True, lon=2.1, lat=48.8)
    off_trip = world.collision(vehicle, seconds_ago=60)

    body = api.ok(f"/vehicles/{vehicle.id}/collisions")

    assert body["total"] == 2
    newest, oldest = body["_embedded"]["collisions"]
    assert set(newest) == COLLISION_KEYS, "no position: no _embedded"
    assert newest["id"] == off_trip.id
    assert newest["_links"]["trip"]["href"] == "unknown", "seed 000: outside any known trip"
    assert (newest["rollOver"], newest["pedestrian"]) == (False, False)
    assert (newest["rear"], newest["front"], newest["lateral"]) == ({"level": "NONE"},) * 3
    assert_date(newest["createdAt"])
    assert set(oldest) == COLLISION_KEYS | {"_embedded"}
    assert (oldest["id"], oldest["rollOver"], oldest["front"]) == (on_trip.id, True, {"level": "HIGH"})
    assert {name: link_path(oldest, name) for name in oldest["_links"]} == {
        "self": f"{V2}/collisions/{on_trip.id}",
        "vehicle": f"{V2}/vehicles/{vehicle.id}",
        "trip": f"{V2}/trips/{trip.id}",
    }
    assert_feature(oldest["_embedded"]["position"], 2.1, 48.8, 12)


def test_collisions_page(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    created = [world.collision(vehicle, seconds_ago=100 - i) for i in range(12)]
    newest_first = [c.id for c in reversed(created)]
    path = f"/vehicles/{vehicle.id}/collisions"

    body = api.ok(path, {"limit": 5, "offset": 5})
    assert_page_links(body, offset=5, limit=5, total=12)
    assert [c["id"] for c in body["_embedded"]["collisions"]] == newest_first[5:10]
    body = api.ok(path, {"indexRange": "10-14"})
    assert_page_links(body, offset=10, limit=5, total=12, style="indexRange")
    assert [c["id"] for c in body["_embedded"]["collisions"]] == newest_first[10:]
    assert [c["id"] for c in walk(api, path, "collisions", {"limit": 5})] == newest_first


# -- maintenance ----------------------------------------------------------------------------------


def test_maintenance_is_the_seeds_object(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    world.maintenance(vehicle, days=-3, mileage=18960)

    body = api.ok(f"/vehicles/{vehicle.id}/maintenance")

    assert set(body) == {"_links", "vin", "days", "mileage", "createdAt", "updatedAt"}
    assert (body["vin"], body["days"], body["mileage"]) == (vehicle.vin, -3, 18960)
    assert link_path(body, "self") == f"{V2}/vehicles/{vehicle.id}/maintenance"
    assert link_path(body, "vehicle") == f"{V2}/vehicles/{vehicle.id}"
    assert_date(body["updatedAt"])


def test_maintenance_unknown_is_404(api: Api) -> None:
    assert_error(api.get(f"/vehicles/{api.account.vehicles[0].id}/maintenance"), 404)


# -- events ---------------------------------------------------------------------------------------


def test_events_embed_what_they_are_about(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=5000)
    collision = world.collision(vehicle, trip=trip, seconds_ago=4900)
    alert = world.alert(vehicle, "alertBrakeFluid", trip=trip, seconds_ago=4800)
    world.event(vehicle, "TRIP", trip.id, seconds_ago=4000)
    world.event(vehicle, "COLLISION", collision.id, seconds_ago=3000)
    world.event(vehicle, "ALERT", alert.id, seconds_ago=2000)
    world.event(vehicle, "REFUEL", "refuel-1", seconds_ago=1000, data={"quantity": 32.5})

    body = api.ok(f"/vehicles/{vehicle.id}/events", {"locale": "fr"})

    assert body["total"] == 4
    refuel, on_alert, on_collision, on_trip = body["_embedded"]["events"]
    for event in (refuel, on_alert, on_collision, on_trip):
        assert set(event) >= {"_links", "id", "type", "eventId", "createdAt", "updatedAt", "_embedded"}
        assert_date(event["createdAt"])
    assert (refuel["type"], refuel["data"], refuel["_embedded"]) == ("REFUEL", {"quantity": 32.5}, {})
    assert (on_collision["type"], on_collision["eventId"]) == ("COLLISION", collision.id)
    assert link_path(on_collision, "self") == f"{V2}/collisions/{collision.id}"
    assert set(on_collision["_embedded"]) == COLLISION_KEYS
    assert on_collision["_embedded"]["id"] == collision.id
    assert on_alert["_embedded"]["id"] == alert.id
    assert on_alert["_embedded"]["message"] == "Niveau de liquide de frein insuffisant"
    assert link_path(on_trip, "self") == f"{V2}/trips/{trip.id}"
    assert set(on_trip["_embedded"]) == TRIP_KEYS
    assert on_trip["_embedded"]["id"] == trip.id


def test_an_event_never_embeds_another_vehicles_object(api: Api, world: World, stranger: Owned) -> None:
    vehicle = api.account.vehicles[0]
    world.event(vehicle, "COLLISION", stranger.collision.id, seconds_ago=10)
    world.event(vehicle, "TRIP", "gone", seconds_ago=20)
    [foreign, gone] = api.ok(f"/vehicles/{vehicle.id}/events")["_embedded"]["events"]
    assert foreign["_embedded"] == {} and gone["_embedded"] == {}


def test_events_page(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    created = [world.event(vehicle, "REFUEL", f"r{i}", seconds_ago=200 - i) for i in range(7)]
    newest_first = [e.id for e in reversed(created)]
    path = f"/vehicles/{vehicle.id}/events"
    body = api.ok(path, {"limit": 2, "offset": 2})
    assert_page_links(body, offset=2, limit=2, total=7)
    assert [e["id"] for e in body["_embedded"]["events"]] == newest_first[2:4]
    body = api.ok(path, {"indexRange": "6-7"})
    assert_page_links(body, offset=6, limit=2, total=7, style="indexRange")
    assert [e["id"] for e in walk(api, path, "events", {"limit": 3})] == newest_first


# -- what the collections share -------------------------------------------------------------------


@pytest.mark.parametrize("name", COLLECTIONS)
def test_since_and_until_are_inclusive_bounds(api: Api, world: World, name: str) -> None:
    vehicle = api.account.vehicles[0]
    now = world.clock.now()
    times = [now - timedelta(hours=h) for h in (4, 3, 2, 1)]
    for when in times:
        if name == "alerts":
            world.alert(vehicle, at=when)
        elif name == "collisions":
            world.collision(vehicle, at=when)
        else:
            world.event(vehicle, "REFUEL", "r", at=when)
    path = f"/vehicles/{vehicle.id}/{name}"

    def count(**params: str) -> int:
        return int(api.ok(path, params)["total"])

    assert count() == 4
    assert count(since=times[1].isoformat()) == 3
    assert count(until=times[1].isoformat()) == 2
    assert count(since=times[1].isoformat(), until=times[2].isoformat()) == 2
    assert count(since=times[1].isoformat(), until=times[1].isoformat()) == 1
    assert count(since=(now + timedelta(seconds=1)).isoformat()) == 0
    # seed 000's own format, '+0000'; sent unencoded, the '+' arrives as a space and still means UTC
    seed_style = times[3].strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    assert int(api.get_raw(path, f"since={seed_style}").json()["total"]) == 1
    assert count(since=seed_style) == 1


@pytest.mark.parametrize("name", COLLECTIONS)
def test_an_empty_collection_is_200_with_total_0(api: Api, name: str) -> None:
    body = api.ok(f"/vehicles/{api.account.vehicles[0].id}/{name}")
    assert body["total"] == 0
    assert body["_embedded"] == {name: []}
    assert set(body["_links"]) == {"self", "first", "last"}


ENDPOINTS = ["alerts", "collisions", "maintenance", "events"]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_unknown_vehicle_is_404(owner_api: Api, name: str) -> None:
    assert_error(owner_api.get(f"/vehicles/{UNKNOWN}/{name}"), 404)


@pytest.mark.parametrize("name", ENDPOINTS)
def test_another_users_vehicle_is_403(owner_api: Api, stranger: Owned, name: str) -> None:
    message = assert_error(owner_api.get(f"/vehicles/{stranger.vehicle.id}/{name}"), 403)
    assert stranger.vehicle.vin not in message


BAD_INPUT = [
    ({"since": "yesterday"}, "since"),
    ({"since": "2017-08-10"}, "since"),
    ({"since": "2017-08-10T13:46:39"}, "since"),
    ({"until": "2017-13-10T13:46:39Z"}, "until"),
    ({"until": "0001-01-01T00:00:00+01:00"}, "until"),
    ({"since": "2017-08-10T13:46:39Z", "until": "2017-08-10T13:46:38Z"}, "since"),
    ({"offset": -1}, "offset"),
    ({"offset": "1.5"}, "offset"),
    ({"limit": 0}, "limit"),
    ({"limit": 1001}, "limit"),
    ({"indexRange": "0-9", "offset": 3}, "indexRange"),
]
LOCALE_INPUT = [({"locale": "de"}, "locale"), ({"locale": "english"}, "locale"), ({"locale": "fr_"}, "locale")]


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [(name, params, field) for name in COLLECTIONS for params, field in BAD_INPUT]
    + [(name, params, field) for name in ("alerts", "events") for params, field in LOCALE_INPUT],
)
def test_bad_input_is_400_naming_the_field(
    owner_api: Api, owned: Owned, name: str, params: dict[str, object], field: str
) -> None:
    assert_error(owner_api.get(f"/vehicles/{owned.vehicle.id}/{name}", params), 400, field)
