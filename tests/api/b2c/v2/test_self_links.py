"""Every `self` link the API hands out leads somewhere: the object it names, answered 200."""

from __future__ import annotations

from typing import Any

from tests.api.b2c.v2.conftest import Owned
from tests.api.b2c.v2.helpers import V2, Api, assert_error
from tests.support import World


def _follow_self(api: Api, item: dict[str, Any]) -> dict[str, Any]:
    href = item["_links"]["self"]["href"]
    assert href.startswith(V2), href
    response = api.get(href.removeprefix(V2))
    assert response.status_code == 200, (href, response.text)
    found: dict[str, Any] = response.json()
    return found


def test_telemetry_objects_link_to_themselves(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    world.telemetry(vehicle, {"vehicle": {"fuel": {"level": 42.0}, "odometer": 1200.5}}, seconds_ago=10)
    items = api.ok(f"/vehicles/{vehicle.id}/telemetry")["_embedded"]["telemetries"]
    assert len(items) == 1
    again = _follow_self(api, items[0])
    assert again["id"] == items[0]["id"] and again["vehicle"] == {"fuel": {"level": 42.0}, "odometer": 1200.5}
    only = api.ok(items[0]["_links"]["self"]["href"].removeprefix(V2), {"type": "vehicle.fuel.level"})
    assert only["vehicle"] == {"fuel": {"level": 42.0}}


def test_refuel_events_link_to_themselves(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    world.event(vehicle, "REFUEL", "refuel-1", seconds_ago=30, data={"litres": 38.5})
    items = api.ok(f"/vehicles/{vehicle.id}/events")["_embedded"]["events"]
    refuel = next(e for e in items if e["type"] == "REFUEL")
    again = _follow_self(api, refuel)
    assert again["id"] == refuel["id"] and again["data"] == {"litres": 38.5}


def test_every_self_link_of_a_vehicles_history_resolves(owner_api: Api, owned: Owned) -> None:
    vehicle = owned.vehicle.id
    for path, key in [
        (f"/vehicles/{vehicle}/alerts", "alerts"),
        (f"/vehicles/{vehicle}/collisions", "collisions"),
        (f"/vehicles/{vehicle}/trips", "trips"),
        (f"/vehicles/{vehicle}/events", "events"),
    ]:
        for item in owner_api.ok(path)["_embedded"][key]:
            _follow_self(owner_api, item)


def test_another_users_telemetry_and_events_are_403_unknown_ones_404(
    owner_api: Api, stranger: Owned, world: World
) -> None:
    record = world.telemetry(stranger.vehicle, {"vehicle": {"moving": True}}, seconds_ago=5)
    event = world.event(stranger.vehicle, "REFUEL", "r", seconds_ago=5)
    assert_error(owner_api.get(f"/telemetry/{record.id}"), 403)
    assert_error(owner_api.get(f"/vehicles/{stranger.vehicle.id}/events/{event.id}"), 403)
    assert_error(owner_api.get("/telemetry/NOPE"), 404)
    assert_error(owner_api.get(f"/vehicles/{owner_api.account.vehicles[0].id}/events/{event.id}"), 404)
