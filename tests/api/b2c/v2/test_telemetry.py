"""/vehicles/{id}/telemetry and /trips/{id}/telemetry: the 60-second default, paging, the `type` filter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from connectedcar.domain.entities import Vehicle
from tests.api.b2c.v2.conftest import Owned
from tests.api.b2c.v2.helpers import V2, Api, assert_date, assert_error, assert_page_links, link_path, link_query, walk
from tests.support import World

FUEL: dict[str, Any] = {"vehicle": {"fuel": {"level": 42, "autonomy": 500}, "moving": True}}
ODOMETER: dict[str, Any] = {"vehicle": {"odometer": 18960, "moving": True}}
AIR: dict[str, Any] = {"environment": {"air": {"temp": 12}}, "passenger": {"seatbelt": {"unbuckled": False}}}
ENGINE: dict[str, Any] = {"vehicle": {"engines": [{"speed": 800, "oil": {"temp": 90}}], "ignition": "StartUp"}}
AIR_ONLY: dict[str, Any] = {"environment": {"air": {"temp": 12}}}
RECORDS: list[dict[str, Any]] = [FUEL, ODOMETER, AIR, ENGINE]  # written oldest first, so served in reverse


def _record_all(world: World, vehicle: Vehicle) -> None:
    for i, data in enumerate(RECORDS):
        world.telemetry(vehicle, data, seconds_ago=40 - i)


def _data(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in ("_links", "id", "createdAt", "updatedAt")}


def test_telemetry_is_the_seeds_object(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    record = world.telemetry(vehicle, FUEL, seconds_ago=5)

    body = api.ok(f"/vehicles/{vehicle.id}/telemetry")

    assert body["total"] == 1
    [item] = body["_embedded"]["telemetries"]
    assert item["id"] == record.id
    assert {name: link_path(item, name) for name in item["_links"]} == {
        "self": f"{V2}/telemetry/{record.id}",
        "vehicle": f"{V2}/vehicles/{vehicle.id}",
    }
    assert _data(item) == FUEL
    assert_date(item["createdAt"])
    assert_date(item["updatedAt"])


def test_by_default_only_the_last_60_seconds(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    kept = [world.telemetry(vehicle, ODOMETER, seconds_ago=s) for s in (60, 30, 0)]
    older = [world.telemetry(vehicle, ODOMETER, seconds_ago=s) for s in (3600, 61)]
    path = f"/vehicles/{vehicle.id}/telemetry"

    body = api.ok(path)

    assert [t["id"] for t in body["_embedded"]["telemetries"]] == [r.id for r in reversed(kept)]
    assert_page_links(body, offset=0, limit=60, total=3)
    # any explicit bound replaces the default window
    assert api.ok(path, {"since": (world.clock.now() - timedelta(hours=2)).isoformat()})["total"] == 5
    until = (world.clock.now() - timedelta(seconds=61)).isoformat()
    assert [t["id"] for t in api.ok(path, {"until": until})["_embedded"]["telemetries"]] == [r.id for r in older[::-1]]


def test_pages_hold_60_records_by_default(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    created = [world.telemetry(vehicle, ODOMETER, seconds_ago=59 - i * 0.5) for i in range(70)]
    newest_first = [r.id for r in reversed(created)]
    path = f"/vehicles/{vehicle.id}/telemetry"

    body = api.ok(path)
    assert_page_links(body, offset=0, limit=60, total=70)
    assert [t["id"] for t in body["_embedded"]["telemetries"]] == newest_first[:60]
    body = api.ok(path, {"limit": 20, "offset": 40})
    assert_page_links(body, offset=40, limit=20, total=70)
    assert [t["id"] for t in body["_embedded"]["telemetries"]] == newest_first[40:60]
    body = api.ok(path, {"indexRange": "60-69"})
    assert_page_links(body, offset=60, limit=10, total=70, style="indexRange")
    assert [t["id"] for t in body["_embedded"]["telemetries"]] == newest_first[60:]
    assert [t["id"] for t in walk(api, path, "telemetries", {"limit": 25})] == newest_first


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ([("type", "vehicle.fuel.level")], [{"vehicle": {"fuel": {"level": 42}}}]),
        (
            [("type", "vehicle.fuel.level"), ("type", "vehicle.odometer")],
            [{"vehicle": {"odometer": 18960}}, {"vehicle": {"fuel": {"level": 42}}}],
        ),
        (
            [("type", "vehicle.fuel.level,vehicle.odometer")],
            [{"vehicle": {"odometer": 18960}}, {"vehicle": {"fuel": {"level": 42}}}],
        ),
        ([("type", "['vehicle.fuel.level']")], [{"vehicle": {"fuel": {"level": 42}}}]),
        (
            [("type", '["vehicle.fuel.level", "environment.air.temp"]')],
            [{"environment": {"air": {"temp": 12}}}, {"vehicle": {"fuel": {"level": 42}}}],
        ),
        (
            [("type[]", "vehicle.odometer"), ("type[]", "passenger.seatbelt.unbuckled")],
            [{"passenger": {"seatbelt": {"unbuckled": False}}}, {"vehicle": {"odometer": 18960}}],
        ),
        ([("type", "vehicle.fuel")], [{"vehicle": {"fuel": {"level": 42, "autonomy": 500}}}]),
        (
            [("type", "vehicle.moving")],
            [{"vehicle": {"moving": True}}, {"vehicle": {"moving": True}}],
        ),
        ([("type", "vehicle.engines.speed")], [{"vehicle": {"engines": [{"speed": 800}]}}]),
        ([("type", "vehicle.engines[0].oil.temp")], [{"vehicle": {"engines": [{"oil": {"temp": 90}}]}}]),
        ([("type", "vehicle.ignition.")], [{"vehicle": {"ignition": "StartUp"}}]),  # as the v2 spec spells it
        ([("type", "vehicle.adas.esp")], []),
        ([("type", "")], [ENGINE, AIR, ODOMETER, FUEL]),
        ([("type", "[]")], [ENGINE, AIR, ODOMETER, FUEL]),
    ],
)
def test_type_selects_properties_and_records(
    api: Api, world: World, params: list[tuple[str, str]], expected: list[dict[str, Any]]
) -> None:
    vehicle = api.account.vehicles[0]
    _record_all(world, vehicle)

    body = api.ok(f"/vehicles/{vehicle.id}/telemetry", params)

    assert [_data(t) for t in body["_embedded"]["telemetries"]] == expected
    assert body["total"] == len(expected)


def test_type_is_kept_in_the_page_links(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    for i in range(3):
        world.telemetry(vehicle, FUEL, seconds_ago=i)
    body = api.ok(f"/vehicles/{vehicle.id}/telemetry", {"type": "vehicle.fuel.level", "limit": 1})
    assert link_query(body, "next")["type"] == "vehicle.fuel.level"
    following = api.follow(body["_links"]["next"]["href"]).json()
    assert [_data(t) for t in following["_embedded"]["telemetries"]] == [{"vehicle": {"fuel": {"level": 42}}}]


# -- a trip's telemetry -------------------------------------------------------------------------


def test_trip_telemetry_is_the_whole_trip(api: Api, world: World) -> None:
    vehicle = api.account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=7200, duration=600)
    started = trip.started_at
    during = [
        world.telemetry(vehicle, data, at=started + timedelta(seconds=60 * i), trip=trip)
        for i, data in enumerate(RECORDS)
    ]
    world.telemetry(vehicle, FUEL, seconds_ago=1)  # the vehicle's, but not the trip's
    path = f"/trips/{trip.id}/telemetry"

    body = api.ok(path)

    assert [t["id"] for t in body["_embedded"]["telemetries"]] == [r.id for r in reversed(during)]
    assert_page_links(body, offset=0, limit=60, total=4)
    body = api.ok(path, {"limit": 3, "offset": 3})
    assert_page_links(body, offset=3, limit=3, total=4)
    body = api.ok(path, {"type": "vehicle.odometer,environment"})
    assert [_data(t) for t in body["_embedded"]["telemetries"]] == [AIR_ONLY, {"vehicle": {"odometer": 18960}}]
    assert api.ok(path, {"since": (started + timedelta(seconds=60)).isoformat()})["total"] == 3
    assert api.ok(path, {"until": (started + timedelta(seconds=60)).isoformat()})["total"] == 2


def test_a_trip_without_telemetry_answers_an_empty_page(api: Api, world: World) -> None:
    trip = world.trip(api.account.vehicles[0], seconds_ago=3600)
    body = api.ok(f"/trips/{trip.id}/telemetry")
    assert (body["total"], body["_embedded"]) == (0, {"telemetries": []})


# -- errors ---------------------------------------------------------------------------------------


def test_unknown_vehicle_is_404_and_another_users_403(owner_api: Api, stranger: Owned) -> None:
    assert_error(owner_api.get("/vehicles/0123456789ABCDEF0123456789ABCDEF/telemetry"), 404)
    assert_error(owner_api.get(f"/vehicles/{stranger.vehicle.id}/telemetry"), 403)
    assert_error(owner_api.get(f"/trips/{stranger.trip.id}/telemetry"), 403)


BAD_INPUT: list[tuple[dict[str, object], str, str]] = [
    # (query, field the message names, value it quotes)
    ({"since": "2017-08-10T13:46:39.652"}, "since", "2017-08-10T13:46:39.652"),
    ({"until": "2017/08/10 13:46:39Z"}, "until", "2017/08/10 13:46:39Z"),
    ({"since": "2017-08-10T13:46:39Z", "until": "2017-08-10T13:46:00Z"}, "since", "2017-08-10T13:46:00Z"),
    ({"offset": -1}, "offset", "-1"),
    ({"limit": 0}, "limit", "0"),
    ({"type": "vehicle.foo"}, "type", "vehicle.foo"),
    ({"type": "['vehicle.fuel.lvl']"}, "type", "vehicle.fuel.lvl"),
    ({"type": "vehicle.fuel.level,nope"}, "type", "nope"),
    ({"type": "vehicle.fuel.%"}, "type", "vehicle.fuel.%"),
    ({"type": "vehicle..fuel"}, "type", "vehicle..fuel"),
    ({"type": ["vehicle.odometer", "vehicle.odometer.km"]}, "type", "vehicle.odometer.km"),
    ({"type[]": "vehicle.nope"}, "type", "vehicle.nope"),
]


@pytest.mark.parametrize("path", ["/vehicles/{vehicle}/telemetry", "/trips/{trip}/telemetry"])
@pytest.mark.parametrize(("params", "field", "value"), BAD_INPUT)
def test_bad_input_is_400_naming_the_field_and_value(
    owner_api: Api, owned: Owned, path: str, params: dict[str, object], field: str, value: str
) -> None:
    url = path.format(vehicle=owned.vehicle.id, trip=owned.trip.id)
    message = assert_error(owner_api.get(url, params), 400, field)
    assert value in message, message
