"""Collisions of a fleet's vehicles, per vehicle and fleet-wide, on /connectedcar/v3 and /connectedcar/v2."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.b2c.v2.helpers import assert_date, assert_error, assert_page_links
from tests.api.fleet.conftest import FleetApi
from tests.api.fleet.helpers import (
    COLLECTION_KEYS,
    COLLISION_KEYS,
    UNKNOWN_FLEET,
    UNKNOWN_ID,
    follow,
    ids,
    items,
    path_of,
    when,
)
from tests.support import World


def test_vehicle_collisions_have_the_specs_fields(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=900)
    minor = world.collision(vehicle, seconds_ago=850, trip=trip, front="MEDIUM", lon=2.3, lat=48.8)
    none = world.collision(vehicle, seconds_ago=100, roll_over=True)
    body = api.ok(f"/fleets/{{fid}}/vehicles/{vehicle.id}/collisions")
    assert set(body) == COLLECTION_KEYS
    assert list(body["_embedded"]) == ["Collisions"], "both specs spell the key with a capital C"
    assert ids(body, "Collisions") == [none.id, minor.id], "newest first"
    newest, oldest = items(body, "Collisions")
    for item in (newest, oldest):
        assert set(item) == COLLISION_KEYS
        assert item["vin"] == vehicle.vin
        assert_date(item["createdAt"])
    assert (newest["tippedOver"], newest["details"], "trip" in newest["_links"]) == (True, [], False)
    assert oldest["details"] == [{"side": "Front", "severity": "Minor"}]
    href = f"{api.prefix}/fleets/{api.fid}/vehicles/{vehicle.id}"
    assert path_of(oldest["_links"]["self"]["href"]) == f"{href}/collisions/{minor.id}"
    assert path_of(oldest["_links"]["trip"]["href"]) == f"{href}/trips/{trip.id}"
    assert follow(api, oldest) == oldest
    assert follow(api, oldest, "trip")["id"] == trip.id


@pytest.mark.parametrize(
    ("front", "severity"), [("NONE", None), ("FIXABLE", "Minimal"), ("LOW", "Minimal"), ("HIGH", "Major")]
)
def test_collision_levels_become_the_specs_severities(
    api: FleetApi, world: World, front: str, severity: str | None
) -> None:
    vehicle = api.account.vehicles[0]
    hit = world.collision(vehicle, seconds_ago=10, front=front)
    body = api.ok(f"/fleets/{{fid}}/vehicles/{vehicle.id}/collisions/{hit.id}")
    assert body["details"] == ([] if severity is None else [{"side": "Front", "severity": severity}])


def test_fleet_collisions_are_those_of_the_fleets_vehicles_only(api: FleetApi, world: World) -> None:
    first, second = api.account.vehicles
    mine = [world.collision(v, seconds_ago=500 - i) for i, v in enumerate((first, second, first))]
    outsider = world.collision(world.vehicle(None), seconds_ago=10)
    theirs = world.collision(world.fleet(vehicles=1).vehicles[0], seconds_ago=10)
    body = api.ok("/fleets/{fid}/collisions", {"indexRange": "0-1"})
    assert_page_links(body, offset=0, limit=2, total=3, style="indexRange")
    assert ids(body, "Collisions") == [mine[2].id, mine[1].id]
    assert [c["vin"] for c in items(body, "Collisions")] == [first.vin, second.vin]
    assert api.ok(f"/fleets/{{fid}}/collisions/{mine[1].id}")["vin"] == second.vin
    for cid in (outsider.id, theirs.id, UNKNOWN_ID):
        assert_error(api.get(f"/fleets/{{fid}}/collisions/{cid}"), 404)


def test_collisions_in_time_ranges(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    now = world.clock.now()
    made = [world.collision(vehicle, at=now - timedelta(hours=h)) for h in (3, 2, 1)]
    window = {"timestamps": f"{when(now - timedelta(hours=2))}/PT1H"}
    assert ids(api.ok(f"/fleets/{{fid}}/vehicles/{vehicle.id}/collisions", window), "Collisions") == [
        made[2].id,
        made[1].id,
    ]
    assert ids(
        api.ok("/fleets/{fid}/collisions", {"timestamps": f"/{when(now - timedelta(hours=3))}"}), "Collisions"
    ) == [made[0].id]
    assert_error(api.get("/fleets/{fid}/collisions", {"timestamps": "PT1H"}), 400, "timestamps")


def test_a_collision_of_another_vehicle_or_fleet(api: FleetApi, world: World) -> None:
    first, second = api.account.vehicles
    of_second = world.collision(second, seconds_ago=10)
    theirs = world.fleet(vehicles=1)
    of_theirs = world.collision(theirs.vehicles[0], seconds_ago=10)
    assert_error(api.get(f"/fleets/{{fid}}/vehicles/{first.id}/collisions/{of_second.id}"), 404)
    assert_error(api.get(f"/fleets/{{fid}}/vehicles/{first.id}/collisions/{UNKNOWN_ID}"), 404)
    assert_error(api.get(f"/fleets/{{fid}}/vehicles/{theirs.vehicles[0].id}/collisions"), 403)
    assert_error(api.get(f"/fleets/{{fid}}/vehicles/{theirs.vehicles[0].id}/collisions/{of_theirs.id}"), 403)
    vid = theirs.vehicles[0].id
    for path in ("/collisions", f"/collisions/{of_theirs.id}", f"/vehicles/{vid}/collisions"):
        assert_error(api.get(f"/fleets/{theirs.fleet.id}{path}"), 403)
        assert_error(api.get(f"/fleets/{UNKNOWN_FLEET}{path}"), 404)
    assert_error(api.get(f"/fleets/{theirs.fleet.id}/vehicles/{vid}/collisions/{of_theirs.id}"), 403)
