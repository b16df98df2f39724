"""Trips of a fleet's vehicles and what happened during them, on /connectedcar/v3 and /connectedcar/v2."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from connectedcar.store import history
from tests.api.b2c.v2.helpers import assert_date, assert_error, assert_feature, assert_page_links
from tests.api.fleet.conftest import V2, V3, FleetApi
from tests.api.fleet.helpers import (
    ALERT_KEYS,
    COLLECTION_KEYS,
    COLLISION_KEYS,
    TRIP_KEYS,
    TRIP_LINKS,
    UNKNOWN_FLEET,
    UNKNOWN_ID,
    follow,
    ids,
    items,
    path_of,
    walk,
    when,
)
from tests.support import FleetAccount, World

# -- trip lists -----------------------------------------------------------------------------------


def test_vehicle_trips_have_the_specs_fields(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    older = world.trip(vehicle, seconds_ago=7200)
    newer = world.trip(vehicle, seconds_ago=3600, duration=600, distance=12.5)
    body = api.ok(f"/fleets/{{fid}}/vehicles/{vehicle.id}/trips")
    assert set(body) == COLLECTION_KEYS
    assert (body["total"], body["totalPage"], body["currentPage"]) == (2, 1, 1)
    assert ids(body, "trips") == [newer.id, older.id], "the most recently started first"
    item = items(body, "trips")[0]
    assert set(item) >= TRIP_KEYS
    assert set(item["_links"]) == TRIP_LINKS
    href = f"{api.prefix}/fleets/{api.fid}/vehicles/{vehicle.id}/trips/{newer.id}"
    assert path_of(item["_links"]["self"]["href"]) == href
    assert path_of(item["_links"]["waypoints"]["href"]) == f"{href}/wayPoints"
    assert path_of(item["_links"]["vehicle"]["href"]) == f"{api.prefix}/fleets/{api.fid}/vehicles/{vehicle.id}"
    assert (item["vin"], item["distance"], item["done"], item["faults"]) == (vehicle.vin, 12.5, True, [])
    assert_feature(item["startPosition"], 2.00099, 48.92995, 67)
    assert item["startPosition"]["properties"]["vin"] == vehicle.vin
    assert_feature(item["stopPosition"], 2.1, 48.93, 70)
    for name in ("startedAt", "stoppedAt", "createdAt", "updatedAt"):
        assert_date(item[name])
    if api.prefix == V2:
        assert item["duration"] == "600", "v2's duration is a string of seconds"
    else:
        assert item["duration"] == 600, "v3's duration is an integer of seconds"
        assert item["kinetic"] == {"avgSpeed": 41}
        assert item["energyConsumptions"] == [
            {"type": "Fuel", "subType": "FossilEnergy", "consumption": 0.490021, "avgConsumption": 11.1371}
        ]


def test_fleet_trips_are_those_of_the_fleets_vehicles_only(api: FleetApi, world: World) -> None:
    first, second = api.account.vehicles
    mine = [world.trip(first, seconds_ago=300), world.trip(second, seconds_ago=200)]
    world.trip(world.vehicle(None), seconds_ago=100)
    world.trip(world.fleet(vehicles=1).vehicles[0], seconds_ago=100)
    body = api.ok("/fleets/{fid}/trips")
    assert ids(body, "trips") == [mine[1].id, mine[0].id]
    assert [t["vin"] for t in items(body, "trips")] == [second.vin, first.vin]
    one = follow(api, items(body, "trips")[0])
    assert one["id"] == mine[1].id


def test_trips_page_with_index_range_and_limit_offset(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    made = [world.trip(vehicle, seconds_ago=10_000 - 100 * i) for i in range(5)]
    path = f"/fleets/{{fid}}/vehicles/{vehicle.id}/trips"
    first = api.ok(path, {"indexRange": "0-1"})
    assert_page_links(first, offset=0, limit=2, total=5, style="indexRange")
    assert (first["totalPage"], first["currentPage"]) == (3, 1)
    second = api.ok(path, {"limit": "2", "offset": "2"})
    assert_page_links(second, offset=2, limit=2, total=5)
    assert second["currentPage"] == 2
    assert [t["id"] for t in walk(api, path, "trips", {"pageSize": "2"})] == [t.id for t in reversed(made)]
    fleet_wide = walk(api, "/fleets/{fid}/trips", "trips", {"indexRange": "0-2"})
    assert len(fleet_wide) == 5


def test_timestamps_pick_trips_started_in_any_of_the_ranges(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    now = world.clock.now()
    trips = [world.trip(vehicle, at=now - timedelta(hours=h)) for h in (5, 4, 3, 2, 1)]
    path = f"/fleets/{{fid}}/vehicles/{vehicle.id}/trips"

    def started(*ranges: str) -> list[str]:
        return ids(api.ok(path, [("timestamps", r) for r in ranges]), "trips")

    h = {hours: now - timedelta(hours=hours) for hours in range(6)}
    assert started(f"{when(h[4])}/{when(h[2])}") == [trips[3].id, trips[2].id, trips[1].id]
    assert started(f"{when(h[5])}/PT1H") == [trips[1].id, trips[0].id], "a start and a duration"
    assert started(f"PT1H/{when(h[1])}") == [trips[4].id, trips[3].id], "a duration and an end"
    assert started(f"{when(h[2])}/") == [trips[4].id, trips[3].id], "from a date until now"
    assert started(f"/{when(h[4])}") == [trips[1].id, trips[0].id], "up to a date"
    two = started(f"{when(h[5])}/{when(h[5])}", f"{when(h[1])}/{when(h[1])}")
    assert two == [trips[4].id, trips[0].id], "several ranges: any of them"
    assert ids(api.ok(path, {"timestamps": f"{when(h[5])}/{when(h[5])},{when(h[1])}/"}), "trips") == two
    assert started(f"{when(h[5] - timedelta(days=400))}/P1Y") == [], "calendar durations"


def test_v3_trip_filters(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    short = world.trip(vehicle, seconds_ago=3000, duration=60, distance=0.5)
    long = world.trip(vehicle, seconds_ago=2000, duration=3000, distance=42.0)
    path = f"/fleets/{{fid}}/vehicles/{vehicle.id}/trips"
    assert ids(api.ok(path, {"distance": "1-"}), "trips") == [long.id]
    assert ids(api.ok(path, {"distance": "0.1-0.5"}), "trips") == [short.id]
    assert ids(api.ok(path, {"duration": "10-600"}), "trips") == [short.id]
    assert ids(api.ok(path, {"duration": "0-"}), "trips") == [long.id, short.id]
    assert ids(api.ok(path, {"states": "Nominal"}), "trips") == [long.id, short.id]
    assert ids(api.ok(path, [("states", "Unfinished"), ("states", "DataLacking")]), "trips") == []
    assert ids(api.ok("/fleets/{fid}/trips", {"distance": "40-50", "profile": "endUser"}), "trips") == [long.id]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"timestamps": "2026-01-01T00:00:00Z"}, "timestamps"),
        ({"timestamps": "yesterday/today"}, "timestamps"),
        ({"timestamps": "2026-01-02T00:00:00Z/2026-01-01T00:00:00Z"}, "timestamps"),
        ({"timestamps": "2026-01-01T00:00:00/"}, "timestamps"),
        ({"timestamps": "P1D/PT1H"}, "timestamps"),
        ({"timestamps": "/"}, "timestamps"),
        ({"timestamps": "2026-01-01T00:00:00Z/P99999Y"}, "timestamps"),
        ({"timestamps": ",".join(["2026-01-01T00:00:00Z/"] * 11)}, "timestamps"),
        ({"distance": "far"}, "distance"),
        ({"distance": "0.15-"}, "distance"),
        ({"distance": "9-3"}, "distance"),
        ({"duration": "1.5-"}, "duration"),
        ({"states": "Broken"}, "states"),
        ({"profile": "admin"}, "profile"),
        ({"pageSize": "0"}, "pageSize"),
        ({"indexRange": "a-b"}, "indexRange"),
    ],
)
def test_bad_trip_parameters_are_400_naming_the_field(api: FleetApi, params: dict[str, str], field: str) -> None:
    assert_error(api.get(f"/fleets/{{fid}}/vehicles/{api.account.vehicles[0].id}/trips", params), 400, field)
    assert_error(api.get("/fleets/{fid}/trips", params), 400, field)


# -- one trip and what happened during it ---------------------------------------------------------


def test_one_trip_and_every_link_of_it_resolves(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=900)
    body = api.ok(f"/fleets/{{fid}}/vehicles/{vehicle.id}/trips/{trip.id}")
    assert body["id"] == trip.id
    assert follow(api, body) == body
    assert follow(api, body, "vehicle")["id"] == vehicle.id
    assert len(items(follow(api, body, "waypoints"), "positions")) == 3
    assert set(follow(api, body, "alerts")) == COLLECTION_KEYS
    assert set(follow(api, body, "collisions")) == COLLECTION_KEYS


def test_an_ongoing_trip_is_not_done(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=60)
    with world.runtime.store.transaction() as conn:
        history.save_trip(conn, replace(trip, stopped_at=None), world.clock.now())
    body = api.ok(f"/fleets/{{fid}}/vehicles/{vehicle.id}/trips/{trip.id}")
    assert body["done"] is False
    assert "stoppedAt" not in body and "duration" not in body


def test_trip_alerts(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=900)
    during = [world.alert(vehicle, "fuelLevelAlarm", seconds_ago=800 - i, trip=trip) for i in range(3)]
    outside = world.alert(vehicle, seconds_ago=10)
    path = f"/fleets/{{fid}}/vehicles/{vehicle.id}/trips/{trip.id}/alerts"
    body = api.ok(path, {"indexRange": "0-1", "locale": "fr"})
    assert_page_links(body, offset=0, limit=2, total=3, style="indexRange")
    item = items(body, "alerts")[0]
    assert set(item) >= ALERT_KEYS
    assert (item["id"], item["vin"], item["message"]) == (during[2].id, vehicle.vin, "Niveau de carburant bas")
    trips_link = item["_links"]["trips"]
    trip_href = f"{api.prefix}/fleets/{api.fid}/vehicles/{vehicle.id}/trips/{trip.id}"
    if api.prefix == V2:
        assert path_of(trips_link["href"]) == trip_href, "v2 links one trip"
    else:
        assert [path_of(t["href"]) for t in trips_link] == [trip_href], "v3 links a list of trips"
    one = api.ok(f"{path}/{during[0].id}")
    assert one["id"] == during[0].id
    assert_error(api.get(f"{path}/{outside.id}"), 404)
    assert_error(api.get(f"{path}/nope"), 404)
    assert_error(api.get(path, {"locale": "xx"}), 400, "locale")
    assert_error(api.get(path, {"timestamps": "soon/"}), 400, "timestamps")


def test_waypoints(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=900, waypoints=5)
    path = f"/fleets/{{fid}}/vehicles/{vehicle.id}/trips/{trip.id}/wayPoints"
    body = api.ok(path, {"indexRange": "0-2"})
    assert_page_links(body, offset=0, limit=3, total=5, style="indexRange")
    positions = items(body, "positions")
    assert_feature(positions[0], 2.0, 48.9, 60)
    assert_feature(positions[1], 2.001, 48.9, 61)
    assert positions[0]["properties"]["vin"] == vehicle.vin
    assert ("reduced" in body["_embedded"]) is (api.prefix == V2), "only v2's WayPoints says whether it was reduced"
    # The waypoints lie on a straight line: any tolerance keeps its two ends only.
    reduced = api.ok(path, {"tolerance": "0.01"})
    assert [p["geometry"]["coordinates"][0] for p in items(reduced, "positions")] == [2.0, 2.004]
    assert reduced["total"] == 2
    if api.prefix == V2:
        assert (body["_embedded"]["reduced"], reduced["_embedded"]["reduced"]) == (False, True)
    start = trip.started_at
    timed = api.ok(path, {"timestamps": f"{when(start + timedelta(seconds=1))}/{when(start + timedelta(seconds=2))}"})
    assert timed["total"] == 2
    assert api.ok(path, {"tolerance": "0"})["total"] == 5
    for bad in ("-1", "wide", "nan", "inf"):
        assert_error(api.get(path, {"tolerance": bad}), 400, "tolerance")


def test_trip_telemetry(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=900)
    world.telemetry(vehicle, {"vehicle": {"fuel": {"level": 40.0}}}, seconds_ago=850, trip=trip)
    world.telemetry(vehicle, {"vehicle": {"odometer": 1000.5}}, seconds_ago=840, trip=trip)
    world.telemetry(vehicle, {"vehicle": {"fuel": {"level": 39.0}}}, seconds_ago=30)
    path = f"/fleets/{{fid}}/vehicles/{vehicle.id}/trips/{trip.id}/telemetry"
    body = api.ok(path)
    assert body["total"] == 2
    newest, oldest = items(body, "telemetries")
    assert newest["vehicle"] == {"odometer": {"mileage": 1000.5}}
    assert oldest["vehicle"]["energies"][0]["level"] == 40.0
    trip_href = f"{api.prefix}/fleets/{api.fid}/vehicles/{vehicle.id}/trips/{trip.id}"
    assert path_of(newest["_links"]["trip"]["href"]) == trip_href
    energies = api.ok(path, {"type": "vehicle.energies"})
    assert energies["total"] == 1
    assert_error(api.get(path, {"type": "vehicle.nothing"}), 400, "type")


def test_trip_collisions(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=900)
    hit = world.collision(vehicle, seconds_ago=850, trip=trip, front="HIGH")
    world.collision(vehicle, seconds_ago=10)
    body = api.ok(f"/fleets/{{fid}}/vehicles/{vehicle.id}/trips/{trip.id}/collisions")
    [item] = items(body, "Collisions")
    assert set(item) == COLLISION_KEYS
    assert (item["id"], item["details"]) == (hit.id, [{"side": "Front", "severity": "Major"}])


# -- who may read which trip ----------------------------------------------------------------------

SUFFIXES = ("", "/alerts", "/wayPoints", "/telemetry", "/collisions")


def test_a_trip_of_another_vehicle_or_fleet_is_not_found(api: FleetApi, world: World) -> None:
    first, second = api.account.vehicles
    theirs = world.fleet(vehicles=1)
    of_second = world.trip(second, seconds_ago=600)
    of_outsider = world.trip(world.vehicle(None), seconds_ago=600)
    of_theirs = world.trip(theirs.vehicles[0], seconds_ago=600)
    for suffix in SUFFIXES:
        for tid in (of_second.id, of_outsider.id, of_theirs.id, UNKNOWN_ID):
            assert_error(api.get(f"/fleets/{{fid}}/vehicles/{first.id}/trips/{tid}{suffix}"), 404)
        assert_error(api.get(f"/fleets/{{fid}}/vehicles/{UNKNOWN_ID}/trips/{of_second.id}{suffix}"), 404)
        assert_error(api.get(f"/fleets/{{fid}}/vehicles/{theirs.vehicles[0].id}/trips/{of_theirs.id}{suffix}"), 403)


def test_another_fleets_trips_are_forbidden(api: FleetApi, world: World) -> None:
    theirs = world.fleet(vehicles=1)
    vehicle = theirs.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=600)
    other = theirs.fleet.id
    assert_error(api.get(f"/fleets/{other}/trips"), 403)
    assert_error(api.get(f"/fleets/{other}/vehicles/{vehicle.id}/trips"), 403)
    for suffix in SUFFIXES:
        assert_error(api.get(f"/fleets/{other}/vehicles/{vehicle.id}/trips/{trip.id}{suffix}"), 403)
        assert_error(api.get(f"/fleets/{UNKNOWN_FLEET}/vehicles/{vehicle.id}/trips/{trip.id}{suffix}"), 404)


# -- v2: trips under the fleet itself -------------------------------------------------------------


def test_v2_serves_trip_paths_under_the_fleet(http: httpx.Client, owner: FleetAccount, world: World) -> None:
    v2, v3 = FleetApi(http, owner, V2), FleetApi(http, owner, V3)
    vehicle = owner.vehicles[1]
    trip = world.trip(vehicle, seconds_ago=900, waypoints=4)
    alert = world.alert(vehicle, seconds_ago=850, trip=trip)
    hit = world.collision(vehicle, seconds_ago=840, trip=trip)
    world.telemetry(vehicle, {"vehicle": {"moving": True}}, seconds_ago=830, trip=trip)
    base = f"/fleets/{{fid}}/trips/{trip.id}"
    body = v2.ok(base)
    assert (body["id"], body["vin"]) == (trip.id, vehicle.vin)
    assert body == v2.ok(f"/fleets/{{fid}}/vehicles/{vehicle.id}/trips/{trip.id}")
    assert ids(v2.ok(f"{base}/alerts"), "alerts") == [alert.id]
    assert v2.ok(f"{base}/alerts/{alert.id}")["id"] == alert.id
    assert v2.ok(f"{base}/wayPoints")["total"] == 4
    assert items(v2.ok(f"{base}/telemetry"), "telemetries")[0]["vehicle"]["kinetic"] == {"moving": True}
    assert ids(v2.ok(f"{base}/collisions"), "Collisions") == [hit.id]
    for suffix in SUFFIXES:
        assert_error(v3.get(f"{base}{suffix}"), 404)  # v3 lists no such paths
    outsider = world.trip(world.vehicle(None), seconds_ago=600)
    for suffix in SUFFIXES:
        assert_error(v2.get(f"/fleets/{{fid}}/trips/{outsider.id}{suffix}"), 404)
        assert_error(v2.get(f"/fleets/{{fid}}/trips/{UNKNOWN_ID}{suffix}"), 404)
    assert_error(v2.get(f"{base}/alerts/{world.alert(vehicle, seconds_ago=5).id}"), 404)
    theirs = world.fleet(vehicles=1)
    assert_error(v2.get(f"/fleets/{theirs.fleet.id}/trips/{trip.id}"), 403)
