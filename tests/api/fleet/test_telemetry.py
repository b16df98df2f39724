"""A fleet vehicle's telemetry in the fleet specs' shape, on /connectedcar/v3 and /connectedcar/v2."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.api.b2c.v2.helpers import assert_date, assert_error, assert_feature, assert_page_links
from tests.api.fleet.conftest import V2, FleetApi
from tests.api.fleet.helpers import COLLECTION_KEYS, UNKNOWN_FLEET, follow, items, path_of, when
from tests.support import World

FULL: dict[str, Any] = {
    "vehicle": {
        "odometer": 12000.5,
        "moving": True,
        "running": True,
        "engines": [{"speed": 2100.0, "coolant": {"temp": 90.0}, "oil": {"temp": 95.0, "level": 80.4}}],
        "fuel": {"level": 42.5, "autonomy": 380.6, "consumption": 0.06},
        "doorsState": {"lockedState": ["Locked"], "opening": [{"identifier": "Driver", "state": "Closed"}]},
        "acceleration": {"longitudinal": 1.2},
        "transmission": {"gearbox": {"gear": {"recommended": "Up"}, "mode": {"automatic": True}}},
        "adas": {"acc": "Activated", "esp": True, "lka": {"left": "Authorized"}},
        "lightingSystem": {"signal": {"turn": {"left": True, "right": False}}, "foglight": {"front": True}},
    },
    "passenger": {"seatbelt": {"unbuckled": True}},
    "environment": {"air": {"temp": 12.5}, "luminosity": {"day": True}},
}


def _path(api: FleetApi) -> str:
    return f"/fleets/{{fid}}/vehicles/{api.account.vehicles[0].id}/telemetry"


def test_telemetry_is_in_the_fleet_specs_shape(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    record = world.telemetry(vehicle, FULL, seconds_ago=30)
    body = api.ok(_path(api))
    assert set(body) == COLLECTION_KEYS
    [item] = items(body, "telemetries")
    assert set(item) == {"_links", "vehicle", "environment", "createdAt", "updatedAt"}
    assert_date(item["createdAt"])
    assert item["createdAt"] == when(record.recorded_at)
    car = item["vehicle"]
    assert car["odometer"] == {"mileage": 12000.5}
    assert car["kinetic"] == {"moving": True, "acceleration": 1.2}
    assert car["ignition"] == {"type": "Start", "createdAt": item["createdAt"]}
    [engine] = car["engines"]
    assert engine == {
        "type": "Thermic",
        "speed": 2100.0,
        "extension": {"thermic": {"coolant": {"temp": 90.0}, "oil": {"level": 80, "temp": 95.0}}},
    }
    [fuel] = car["energies"]
    assert (fuel["type"], fuel["subType"], fuel["level"], fuel["autonomy"]) == ("Fuel", "FossilEnergy", 42.5, 381)
    assert car["adas"]["accr"] == "Activated"
    assert car["adas"]["esp"] is True
    assert item["environment"] == {"air": {"temp": 12.5}, "luminosity": {"day": True}}
    assert path_of(item["_links"]["vehicle"]["href"]) == f"{api.prefix}/fleets/{api.fid}/vehicles/{vehicle.id}"
    if api.prefix == V2:
        assert fuel["extension"] == {"fuel": {"consumption": 0.06}}
        assert car["doorsState"]["lockedState"] == "Locked"
        assert car["transmission"]["gearbox"] == {"mode": {"automatic": True}, "gear": {"recommended": "Up"}}
        assert car["adas"]["lrka"] == "Authorized"
        assert car["lighting"] == {"turn": ["Left"], "light": ["Front"]}
        assert car["safety"] == {"beltWarning": "Omission"}
    else:
        assert fuel["extension"] == {"fuel": {"consumptions": {"instant": 0.06}}}
        assert car["doorsState"]["lockedStates"] == ["Locked"]
        assert car["transmission"]["gearbox"] == {"mode": {"automatic": True}}
        assert (car["adas"]["llka"], car["adas"]["rgi"]) == ("Authorized", "Up")
        assert car["lightingSystem"] == {
            "turn": [{"direction": "Left", "status": "On"}, {"direction": "Right", "status": "Off"}],
            "fog": [{"position": "Front", "status": "On"}],
        }
        assert car["safety"] == {"beltStatus": [{"belt": "Omission"}]}
    again = follow(api, item)
    assert items(again, "telemetries") == [item], "the self link finds the record by its time"


def test_an_electric_vehicles_charge(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    charging = {"level": 80.0, "autonomy": 250.2, "charging": {"plugged": True, "status": "InProgress"}}
    world.telemetry(vehicle, {"vehicle": {"energy": charging}}, seconds_ago=5)
    [item] = items(api.ok(_path(api)), "telemetries")
    [energy] = item["vehicle"]["energies"]
    assert energy == {
        "type": "Electric",
        "subType": "ElectricEnergy",
        "level": 80.0,
        "autonomy": 250,
        "extension": {"electric": {"charging": {"plugged": True, "status": "InProgress"}}},
    }


def test_type_picks_parts_and_leaves_out_records_without_them(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    world.telemetry(vehicle, {"vehicle": {"fuel": {"level": 50.0}, "odometer": 10.0}}, seconds_ago=30)
    world.telemetry(vehicle, {"vehicle": {"doorsState": {"lockedState": ["Unlocked"]}}}, seconds_ago=20)
    world.telemetry(vehicle, {"environment": {"air": {"temp": 3.0}}}, seconds_ago=10)
    path = _path(api)
    energies = api.ok(path, {"type": "vehicle.energies"})
    assert energies["total"] == 1
    assert items(energies, "telemetries")[0]["vehicle"] == {
        "energies": [{"type": "Fuel", "subType": "FossilEnergy", "level": 50.0}]
    }
    both = api.ok(path, [("type", "vehicle.doorsState"), ("type", "environment")])
    assert both["total"] == 2
    assert api.ok(path, {"type": "vehicle.energies,environment"})["total"] == 2
    assert api.ok(path, {"type": "['vehicle.doorsState']"})["total"] == 1
    nothing = api.ok(path, {"type": "privacy"})
    assert (nothing["total"], items(nothing, "telemetries")) == (0, []), "the platform has no privacy data"
    assert api.ok(path, {"type": "vehicle"})["total"] == 2
    assert_error(api.get(path, {"type": "vehicle.fuel.level"}), 400, "type")
    lighting = api.get(path, {"type": "vehicle.lightingSystem"})
    if api.prefix == V2:
        assert_error(lighting, 400, "type")  # a v3 value
    else:
        assert lighting.status_code == 200


def test_extensions(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    world.maintenance(vehicle, days=30, mileage=1500)
    world.position(vehicle, seconds_ago=90, lon=2.3, lat=48.8)
    world.telemetry(vehicle, {"vehicle": {"odometer": 100.0, "moving": False}}, seconds_ago=60)
    world.telemetry(vehicle, {"vehicle": {"fuel": {"level": 20.0}}}, seconds_ago=1000)
    body = api.ok(_path(api), [("extension", "location"), ("extension", "maintenance")])
    recent, old = items(body, "telemetries")
    extension = recent["_embedded"]["extension"]
    assert_feature(extension["location"], 2.3, 48.8, 35)
    assert extension["location"]["properties"]["vin"] == vehicle.vin
    assert (
        extension["maintenance"]["daysBeforeMaintenance"],
        extension["maintenance"]["mileageBeforeMaintenance"],
    ) == (
        30,
        1500,
    )
    assert "location" not in old["_embedded"]["extension"], "no position in the 5 minutes before it"
    more = api.ok(_path(api), {"extension": "odometer,kinetic"})
    assert items(more, "telemetries")[0]["_embedded"]["extension"] == {
        "odometer": {"mileage": 100.0},
        "kinetic": {"moving": False},
    }
    assert "_embedded" not in items(api.ok(_path(api)), "telemetries")[0]
    assert_error(api.get(_path(api), {"extension": "weather"}), 400, "extension")


def test_telemetry_pages_and_time_ranges(api: FleetApi, world: World) -> None:
    vehicle = api.account.vehicles[0]
    now = world.clock.now()
    for minutes in range(5):
        world.telemetry(vehicle, {"vehicle": {"odometer": float(minutes)}}, at=now - timedelta(minutes=minutes))
    body = api.ok(_path(api), {"indexRange": "0-1"})
    assert_page_links(body, offset=0, limit=2, total=5, style="indexRange")
    ranged = api.ok(_path(api), {"timestamps": f"{when(now - timedelta(minutes=3))}/PT1M"})
    assert [t["vehicle"]["odometer"]["mileage"] for t in items(ranged, "telemetries")] == [2.0, 3.0]
    assert api.ok(_path(api), {"pageSize": "500"})["total"] == 5


@pytest.mark.parametrize(
    ("params", "field"),
    [({"timestamps": "now/"}, "timestamps"), ({"type": "fuel"}, "type"), ({"pageSize": "-3"}, "pageSize")],
)
def test_bad_telemetry_parameters(api: FleetApi, params: dict[str, str], field: str) -> None:
    assert_error(api.get(_path(api), params), 400, field)


def test_telemetry_of_a_vehicle_outside_the_fleet(api: FleetApi, world: World) -> None:
    theirs = world.fleet(vehicles=1)
    vid = theirs.vehicles[0].id
    assert_error(api.get(f"/fleets/{{fid}}/vehicles/{vid}/telemetry"), 403)
    assert_error(api.get(f"/fleets/{theirs.fleet.id}/vehicles/{vid}/telemetry"), 403)
    assert_error(api.get(f"/fleets/{UNKNOWN_FLEET}/vehicles/{vid}/telemetry"), 404)
