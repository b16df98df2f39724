"""/vehicles/{id}/trips, /trips, /trips/{id} and its collisions, alerts, ecodriving and wayPoints
(trip telemetry: test_telemetry)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.b2c.v2.conftest import Owned
from tests.api.b2c.v2.helpers import (
    COLLISION_KEYS,
    FEATURE_PROPERTIES,
    TRIP_KEYS,
    TRIP_LINKS,
    V2,
    Api,
    assert_date,
    assert_error,
    assert_feature,
    assert_page_links,
    link_path,
    walk,
)
from tests.support import World


def test_trip_is_the_seeds_object(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=3600, duration=475, distance=4.3999, reference=True)

    listed = api.ok(f"/vehicles/{vehicle.id}/trips")["_embedded"]["trips"][0]
    body = api.ok(f"/trips/{trip.id}")

    assert listed == body
    assert set(body) == TRIP_KEYS
    assert set(body["_links"]) == TRIP_LINKS | {"telemetry"}
    base = f"{V2}/trips/{trip.id}"
    assert {name: link_path(body, name) for name in body["_links"]} == {
        "self": base,
        "vehicle": f"{V2}/vehicles/{vehicle.id}",
        "ecodriving": f"{base}/ecodriving",
        "path": f"{base}/wayPoints",
        "alerts": f"{base}/alerts",
        "collisions": f"{base}/collisions",
        "telemetry": f"{base}/telemetry",
    }
    assert (body["id"], body["reference"], body["refueling"]) == (trip.id, True, False)
    assert body["duration"] == "475", "seed 000 shows the duration as a string of seconds"
    assert (body["distance"], body["fuelConsumption"], body["avgConsumption"]) == (4.3999, 0.490021, 11.1371)
    assert (body["avgSpeed"], body["co2EmissionEstimated"]) == (41, -1)
    for field in ("startedAt", "stoppedAt", "createdAt", "updatedAt"):
        assert_date(body[field])
    start, stop = body["_embedded"]["startPosition"], body["_embedded"]["stopPosition"]
    assert_feature(start, 2.00099, 48.92995, 67)
    assert_feature(stop, 2.1, 48.93, 70)
    assert trip.start_position is not None
    assert start["properties"]["id"] == trip.start_position.id
    assert start["properties"]["heading"] == 260


def test_every_trip_link_leads_somewhere(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=3600)
    world.ecodriving(trip)
    body = api.ok(f"/trips/{trip.id}")
    for name, link in body["_links"].items():
        response = api.follow(f"{link['href']}?client_id={api.account.client.client_id}")
        assert response.status_code == 200, (name, response.text)


def test_vehicle_trips_page_most_recent_first(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    created = [world.trip(vehicle, seconds_ago=100_000 - 1000 * i, waypoints=0) for i in range(12)]
    newest_first = [t.id for t in reversed(created)]
    path = f"/vehicles/{vehicle.id}/trips"

    body = api.ok(path)
    assert_page_links(body, offset=0, limit=10, total=12)
    assert [t["id"] for t in body["_embedded"]["trips"]] == newest_first[:10]
    body = api.ok(path, {"limit": 5, "offset": 5})
    assert_page_links(body, offset=5, limit=5, total=12)
    assert [t["id"] for t in body["_embedded"]["trips"]] == newest_first[5:10]
    body = api.ok(path, {"indexRange": "10-", "pageSize": 5})
    assert_page_links(body, offset=10, limit=5, total=12, style="indexRange")
    assert [t["id"] for t in body["_embedded"]["trips"]] == newest_first[10:]
    assert [t["id"] for t in walk(api, path, "trips", {"limit": 4})] == newest_first


def test_user_trips_cover_all_the_users_vehicles_and_only_them(api: Api, world: World, stranger: Owned) -> None:
    first = api.account.vehicles[0]
    second = world.vehicle(api.account.user)
    trips = [world.trip(v, seconds_ago=10_000 - 100 * i, waypoints=0) for i, v in enumerate([first, second] * 3)]

    body = api.ok("/trips", {"limit": 4})

    assert_page_links(body, offset=0, limit=4, total=6)
    assert [t["id"] for t in walk(api, "/trips", "trips", {"limit": 4})] == [t.id for t in reversed(trips)]
    assert stranger.trip.id not in {t["id"] for t in walk(api, "/trips", "trips")}


def test_trips_since_until_filter_on_the_start(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    now = world.clock.now()
    starts = [now - timedelta(hours=h) for h in (5, 4, 3)]
    for start in starts:
        world.trip(vehicle, at=start, duration=1800, waypoints=0)
    for path in (f"/vehicles/{vehicle.id}/trips", "/trips"):
        assert api.ok(path, {"since": starts[1].isoformat()})["total"] == 2
        assert api.ok(path, {"until": starts[1].isoformat()})["total"] == 2
        assert api.ok(path, {"since": starts[1].isoformat(), "until": starts[1].isoformat()})["total"] == 1
        # started before since, even though it was still going on at since
        assert api.ok(path, {"since": (starts[2] + timedelta(minutes=1)).isoformat()})["total"] == 0


def test_a_vehicle_without_trips_answers_an_empty_page(api: Api) -> None:
    for path in (f"/vehicles/{api.account.vehicles[0].id}/trips", "/trips"):
        body = api.ok(path)
        assert (body["total"], body["_embedded"]) == (0, {"trips": []})


# -- what happened during a trip ----------------------------------------------------------------


def test_trip_collisions_are_the_trips_only(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=3600)
    other = world.trip(vehicle, seconds_ago=7200)
    mine = [world.collision(vehicle, trip=trip, seconds_ago=3500 - i) for i in range(3)]
    world.collision(vehicle, trip=other, seconds_ago=7000)
    world.collision(vehicle, seconds_ago=100)

    body = api.ok(f"/trips/{trip.id}/collisions", {"limit": 2})

    assert_page_links(body, offset=0, limit=2, total=3)
    assert all(set(c) == COLLISION_KEYS for c in body["_embedded"]["collisions"])
    ids = [c["id"] for c in walk(api, f"/trips/{trip.id}/collisions", "collisions", {"limit": 2})]
    assert ids == [c.id for c in reversed(mine)]


def test_a_trip_without_collisions_is_the_seeds_empty_list(api: Api, world: World) -> None:
    trip = world.trip(api.account.vehicles[0], seconds_ago=3600)
    body = api.ok(f"/trips/{trip.id}/collisions")
    assert (body["total"], body["_embedded"]) == (0, {"collisions": []})
    assert_page_links(body, offset=0, limit=10, total=0)


@pytest.mark.parametrize(("locale", "message"), [(None, "Steering fault"), ("fr_FR", "Défaut de direction")])
def test_trip_alerts_speak_the_locale(api: Api, world: World, locale: str | None, message: str) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=3600)
    alert = world.alert(vehicle, "steeringFault", trip=trip, seconds_ago=3500)
    world.alert(vehicle, "steeringFault", seconds_ago=100)

    body = api.ok(f"/trips/{trip.id}/alerts", {} if locale is None else {"locale": locale})

    assert body["total"] == 1
    [item] = body["_embedded"]["alerts"]
    assert (item["id"], item["message"], item["vin"]) == (alert.id, message, vehicle.vin)
    assert link_path(item, "trip") == f"{V2}/trips/{trip.id}"


def test_trip_alerts_page(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=3600)
    created = [world.alert(vehicle, trip=trip, seconds_ago=3500 - i) for i in range(5)]
    body = api.ok(f"/trips/{trip.id}/alerts", {"indexRange": "2-3"})
    assert_page_links(body, offset=2, limit=2, total=5, style="indexRange")
    assert [a["id"] for a in body["_embedded"]["alerts"]] == [a.id for a in reversed(created)][2:4]
    empty = world.trip(vehicle, seconds_ago=7200)
    assert api.ok(f"/trips/{empty.id}/alerts")["_embedded"] == {"alerts": []}


def test_ecodriving_is_the_seeds_object(api: Api, world: World) -> None:
    trip = world.trip(api.account.vehicles[0], seconds_ago=3600)
    world.ecodriving(trip)

    body = api.ok(f"/trips/{trip.id}/ecodriving")

    assert set(body) >= {"_links", "id", "global", "detailed"}
    assert set(body["_links"]) == {"self", "vehicle", "trip"}
    assert link_path(body, "trip") == f"{V2}/trips/{trip.id}"
    assert body["id"] == trip.id
    assert set(body["global"]) == {"trend", "style", "road"}
    assert set(body["global"]["trend"]) == {"score", "evaluation", "advice", "category", "label"}
    assert body["detailed"]["stopAndStart"]["score"] == 999999


def test_a_trip_without_ecodriving_is_404(api: Api, world: World) -> None:
    trip = world.trip(api.account.vehicles[0], seconds_ago=3600)
    assert_error(api.get(f"/trips/{trip.id}/ecodriving"), 404)


@pytest.mark.parametrize("path", ["wayPoints", "waypoints"])
def test_waypoints_page_in_driving_order(api: Api, world: World, path: str) -> None:
    trip = world.trip(api.account.vehicles[0], seconds_ago=3600, waypoints=25)

    body = api.ok(f"/trips/{trip.id}/{path}")

    assert_page_links(body, offset=0, limit=10, total=25)
    assert set(body["_embedded"]) == {"positions", "reduced"}
    assert body["_embedded"]["reduced"] is False
    positions = body["_embedded"]["positions"]
    assert len(positions) == 10
    assert_feature(positions[0], 2.0, 48.9, 60)
    assert_feature(positions[9], 2.009, 48.9, 69)
    assert set(positions[0]["properties"]) == FEATURE_PROPERTIES
    body = api.ok(f"/trips/{trip.id}/{path}", {"indexRange": "20-29"})
    assert_page_links(body, offset=20, limit=10, total=25, style="indexRange")
    assert [p["geometry"]["coordinates"][2] for p in body["_embedded"]["positions"]] == [80, 81, 82, 83, 84]
    everything = walk(api, f"/trips/{trip.id}/{path}", "positions", {"limit": 7})
    assert [p["geometry"]["coordinates"][2] for p in everything] == list(range(60, 85))
    assert len({p["properties"]["id"] for p in everything}) == 25


def test_a_trip_without_waypoints_has_an_empty_path(api: Api, world: World) -> None:
    trip = world.trip(api.account.vehicles[0], seconds_ago=3600, waypoints=0)
    body = api.ok(f"/trips/{trip.id}/wayPoints")
    assert body["total"] == 0
    assert body["_embedded"] == {"positions": [], "reduced": False}


def test_the_lowercase_waypoints_alias_stays_out_of_the_schema(api: Api) -> None:
    paths = api.http.get(f"{V2}/openapi.json").json()["paths"]
    assert "/trips/{id}/wayPoints" in paths
    assert "/trips/{id}/waypoints" not in paths


@pytest.mark.parametrize("suffix", ["", "/ecodriving", "/waypoints", "/alerts", "/collisions"])
def test_the_seeds_trailing_slash_links_lead_to_the_resource(api: Api, world: World, suffix: str) -> None:
    trip = world.trip(api.account.vehicles[0], seconds_ago=3600)
    world.ecodriving(trip)
    response = api.http.get(
        f"{V2}/trips/{trip.id}{suffix}/",
        params={"client_id": api.account.client.client_id},
        headers=api.headers,
        follow_redirects=True,
    )
    assert response.status_code == 200, response.text


# -- errors shared by every trip endpoint -------------------------------------------------------

TRIP_ENDPOINTS = ["", "/collisions", "/alerts", "/ecodriving", "/telemetry", "/wayPoints", "/waypoints"]


@pytest.mark.parametrize("suffix", TRIP_ENDPOINTS)
def test_unknown_trip_is_404(owner_api: Api, suffix: str) -> None:
    assert_error(owner_api.get(f"/trips/0123456789ABCDEF0123456789ABCDEF-1-1{suffix}"), 404)


@pytest.mark.parametrize("suffix", TRIP_ENDPOINTS)
def test_another_users_trip_is_403(owner_api: Api, stranger: Owned, suffix: str) -> None:
    assert_error(owner_api.get(f"/trips/{stranger.trip.id}{suffix}"), 403)


def test_another_users_vehicle_trips_are_403_and_unknown_404(owner_api: Api, stranger: Owned) -> None:
    assert_error(owner_api.get(f"/vehicles/{stranger.vehicle.id}/trips"), 403)
    assert_error(owner_api.get("/vehicles/0123456789ABCDEF0123456789ABCDEF/trips"), 404)


BAD_INPUT = [
    ({"since": "not a date"}, "since"),
    ({"until": "2017-02-30T00:00:00Z"}, "until"),
    ({"since": "2017-08-10T13:46:39Z", "until": "2017-08-09T13:46:39Z"}, "since"),
    ({"offset": -1}, "offset"),
    ({"limit": 0}, "limit"),
    ({"pageSize": -5}, "pageSize"),
]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (path, params, field)
        for path in ("/vehicles/{vehicle}/trips", "/trips", "/trips/{trip}/collisions", "/trips/{trip}/alerts")
        for params, field in BAD_INPUT
    ]
    + [
        ("/trips/{trip}/wayPoints", {"offset": -1}, "offset"),
        ("/trips/{trip}/wayPoints", {"limit": 0}, "limit"),
        ("/trips/{trip}/wayPoints", {"indexRange": "5-1"}, "indexRange"),
        ("/trips/{trip}/alerts", {"locale": "es"}, "locale"),
        ("/trips/{trip}/alerts", {"locale": "en_USA"}, "locale"),
    ],
)
def test_bad_input_is_400_naming_the_field(
    owner_api: Api, owned: Owned, path: str, params: dict[str, object], field: str
) -> None:
    url = path.format(vehicle=owned.vehicle.id, trip=owned.trip.id)
    assert_error(owner_api.get(url, params), 400, field)
