"""The MonitorEvents body: the webhook template's field names, stable ids, body attributes."""

from __future__ import annotations

import pytest

from connectedcar.delivery.payloads import (
    MonitorContext,
    PendingEvent,
    TriggerValue,
    VehicleContext,
    build_monitor_events,
    event_id,
    render_value,
)
from connectedcar.delivery.webhook import parse_webhook
from connectedcar.engine.monitors.evaluation import Firing

# specs/b2b-v3-webhook-template.yaml (and v2): MonitorEvents and MonitorEvent properties.
MONITOR_EVENTS_FIELDS = {"monitorId", "attributes", "events"}
MONITOR_EVENT_FIELDS = {"fleetId", "vin", "eventDate", "values", "extensions", "refresh"}
EXTRA_EVENT_FIELDS = {"eventId"}  # ours: the stable id receivers de-duplicate on

MONITOR = MonitorContext(monitor_id="mon-1", label="IDF Zone monitor", fleet_id="fleet-9")
CAR = VehicleContext(vin="VR3UPHNKSKT101603", vehicle_id="veh-1")
OTHER = VehicleContext(vin="VR3UPHNKSKT101604", vehicle_id="veh-2")
TARGET = parse_webhook(
    {
        "target": "https://hooks.example.com/cb",
        "name": "HTTP_CB",
        "attributes": [
            {"type": "Body", "key": "monitor", "value": "$MonitorLabel"},
            {"type": "Body", "key": "static", "value": "42"},
            {"type": "Header", "key": "Authorization", "value": "Basic abc"},
            {"type": "Query", "key": "m", "value": "$monitorID"},
        ],
    }
)
EVENT = Firing("event", 1_500_000_000_000, 1_500_000_000_000, 0, ("zone",))
REFRESH = Firing("refresh", 1_500_000_600_000, 1_500_000_000_000, 1, ("zone", "battery"))


def test_single_event_shape() -> None:
    message = build_monitor_events(
        TARGET,
        MONITOR,
        [
            PendingEvent(
                EVENT,
                CAR,
                values=(TriggerValue("vehicle.energy.electric.level", 42.0),),
                extensions=({"type": "vehicle.status", "body": {"status": {"ignition": "Stop"}}},),
            )
        ],
    )
    body = message.body
    assert set(body) == MONITOR_EVENTS_FIELDS
    assert body["monitorId"] == "mon-1"
    assert body["attributes"] == [{"key": "monitor", "value": "IDF Zone monitor"}, {"key": "static", "value": "42"}]
    [event] = body["events"]
    assert set(event) == MONITOR_EVENT_FIELDS | EXTRA_EVENT_FIELDS
    assert event["fleetId"] == "fleet-9"
    assert event["vin"] == "VR3UPHNKSKT101603"
    assert event["eventDate"] == "2017-07-14T02:40:00.000Z"
    assert event["refresh"] is False
    assert event["values"] == [
        {"data": "vehicle.energy.electric.level", "value": {"type": "string", "body": {"literalValue": "42"}}}
    ]
    assert event["extensions"] == [{"type": "vehicle.status", "body": {"status": {"ignition": "Stop"}}}]
    assert message.id == event["eventId"] == message.event_ids[0]
    assert message.context.vin == CAR.vin
    assert message.context.monitor_id == "mon-1"


def test_refresh_flag_and_no_fleet() -> None:
    message = build_monitor_events(TARGET, MonitorContext("mon-1", "l"), [PendingEvent(REFRESH, CAR)])
    [event] = message.body["events"]
    assert event["refresh"] is True
    assert "fleetId" not in event
    assert set(event) <= MONITOR_EVENT_FIELDS | EXTRA_EVENT_FIELDS


def test_event_ids_are_stable_and_distinct() -> None:
    first = build_monitor_events(TARGET, MONITOR, [PendingEvent(EVENT, CAR)])
    again = build_monitor_events(TARGET, MONITOR, [PendingEvent(EVENT, CAR)])
    assert first.id == again.id
    assert first.body == again.body
    ids = {
        event_id("mon-1", "veh-1", EVENT),
        event_id("mon-1", "veh-1", REFRESH),
        event_id("mon-1", "veh-2", EVENT),
        event_id("mon-2", "veh-1", EVENT),
    }
    assert len(ids) == 4
    # the id depends on when the condition started and the refresh count, not on when it was sent
    later = Firing("event", EVENT.at_ms + 5, EVENT.since_ms, 0, ())
    assert event_id("mon-1", "veh-1", later) == event_id("mon-1", "veh-1", EVENT)


def test_batch_across_vehicles() -> None:
    target = parse_webhook({"target": "https://hooks.example.com/cb", "name": "n"})
    events = [PendingEvent(EVENT, CAR), PendingEvent(EVENT, OTHER), PendingEvent(REFRESH, CAR)]
    message = build_monitor_events(target, MONITOR, events)
    assert [e["vin"] for e in message.body["events"]] == [CAR.vin, OTHER.vin, CAR.vin]
    assert len(set(message.event_ids)) == 3
    assert message.id not in message.event_ids
    assert message.id == build_monitor_events(target, MONITOR, events).id
    assert message.context.vin is None
    assert message.body["attributes"] == []


def test_vehicle_scoped_target_refuses_a_batch_across_vehicles() -> None:
    target = parse_webhook(
        {"target": "https://h.example", "name": "n", "attributes": [{"type": "Query", "key": "vin", "value": "$vin"}]}
    )
    with pytest.raises(ValueError, match="per vehicle"):
        build_monitor_events(target, MONITOR, [PendingEvent(EVENT, CAR), PendingEvent(EVENT, OTHER)])
    one_vehicle = build_monitor_events(target, MONITOR, [PendingEvent(EVENT, CAR), PendingEvent(REFRESH, CAR)])
    assert target.query(one_vehicle.context) == [("vin", CAR.vin)]


def test_empty_batch_is_refused() -> None:
    with pytest.raises(ValueError):
        build_monitor_events(TARGET, MONITOR, [])


@pytest.mark.parametrize(
    ("data", "value", "rendered"),
    [
        ("vehicle.energy.electric.level", 48.5, {"type": "string", "body": {"literalValue": "48.5"}}),
        ("vehicle.odometer", 12000.0, {"type": "string", "body": {"literalValue": "12000"}}),
        ("vehicle.kinetic.moving", True, {"type": "string", "body": {"literalValue": "true"}}),
        ("vehicle.kinetic.moving", False, {"type": "string", "body": {"literalValue": "false"}}),
        ("vehicle.energy.charging.status", "InProgress", {"type": "string", "body": {"literalValue": "InProgress"}}),
        (
            "vehicle.alert",
            ["LowBattery", "DoorOpen"],
            {"type": "obj.alert", "body": {"objectValues": [{"type": "LowBattery"}, {"type": "DoorOpen"}]}},
        ),
    ],
)
def test_values_render_as_the_template_says(data: str, value: float | bool | str | list[str], rendered: object) -> None:
    assert render_value(data, value) == rendered
