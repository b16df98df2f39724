"""The MonitorEvents body of the webhook templates (b2b v2 and v3), built from the engine's firings.

Field names are the templates': {monitorId, attributes: [{key, value}], events: [{fleetId, vin,
eventDate, values: [{data, value: {type, body: {literalValue | objectValues}}}], extensions: [{type,
body}], refresh}]}. One addition, `eventId` on each event: a stable id derived from (monitor id,
vehicle id, the firing's since_ms and seq), identical on every retry and on a re-send after a restart,
so receivers can de-duplicate (delivery is at-least-once). The message id (the webhook-id header) is
the event id for a single event, and derived from the ordered event ids for a batch.

Body attributes are rendered into `attributes`; Header and Query attributes are applied by the sender.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from connectedcar.delivery.webhook import PlaceholderContext, WebhookTarget
from connectedcar.domain.timefmt import format_ms
from connectedcar.engine.monitors.evaluation import Firing, Value

# Fixed forever: changing it would change every event id.
EVENT_NAMESPACE = uuid.UUID("6f1c3a52-9d0e-4b8e-8a57-4a1f0c2d7e31")
ALERT_DATA = frozenset({"vehicle.alert"})


@dataclass(frozen=True, slots=True)
class MonitorContext:
    monitor_id: str
    label: str
    fleet_id: str | None = None  # None for a monitor that belongs to no fleet (b2c)


@dataclass(frozen=True, slots=True)
class VehicleContext:
    vin: str
    vehicle_id: str


@dataclass(frozen=True, slots=True)
class TriggerValue:
    """One monitored data and the value that made its trigger true."""

    data: str
    value: Value

    def to_json(self) -> dict[str, Any]:
        return {"data": self.data, "value": render_value(self.data, self.value)}


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """A firing of the monitor for one vehicle, with what the event reports about it."""

    firing: Firing
    vehicle: VehicleContext
    values: tuple[TriggerValue, ...] = ()
    extensions: tuple[Mapping[str, Any], ...] = field(default=())  # {type, body} as extendedEventParam asks


@dataclass(frozen=True, slots=True)
class Message:
    """One request's worth of events: its id (webhook-id), JSON body and placeholder values."""

    id: str
    body: dict[str, Any]
    context: PlaceholderContext
    event_ids: tuple[str, ...]


def event_id(monitor_id: str, vehicle_id: str, firing: Firing) -> str:
    """The same id for the same firing, whenever and however often it is sent."""
    return str(uuid.uuid5(EVENT_NAMESPACE, f"monitor/{monitor_id}/{vehicle_id}/{firing.since_ms}/{firing.seq}"))


def message_id(event_ids: Sequence[str]) -> str:
    if not event_ids:
        raise ValueError("a message carries at least one event")
    if len(event_ids) == 1:
        return event_ids[0]
    return str(uuid.uuid5(EVENT_NAMESPACE, "batch/" + ",".join(event_ids)))


def render_value(data: str, value: Value) -> dict[str, Any]:
    """A value as the template's {type, body}: literalValue for primitives, objectValues for alerts."""
    if isinstance(value, list):
        kind = "obj.alert" if data in ALERT_DATA else "string"
        return {"type": kind, "body": {"objectValues": [{"type": v} for v in value]}}
    return {"type": "string", "body": {"literalValue": literal(value)}}


def literal(value: float | bool | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def render_event(monitor: MonitorContext, event: PendingEvent) -> dict[str, Any]:
    """One event of the MonitorEvents body, as the outbox keeps it."""
    item: dict[str, Any] = {"eventId": event_id(monitor.monitor_id, event.vehicle.vehicle_id, event.firing)}
    if monitor.fleet_id is not None:
        item["fleetId"] = monitor.fleet_id
    item["vin"] = event.vehicle.vin
    item["eventDate"] = format_ms(event.firing.at_ms)
    item["values"] = [v.to_json() for v in event.values]
    item["extensions"] = [dict(x) for x in event.extensions]
    item["refresh"] = event.firing.kind == "refresh"
    return item


def placeholder_context(
    target: WebhookTarget, vehicles: set[VehicleContext], *, fleet_id: str | None, subscription_id: str, label: str
) -> PlaceholderContext:
    """The placeholder values of one request; a vehicle-scoped target needs all its events from one vehicle."""
    single = next(iter(vehicles)) if len(vehicles) == 1 else None
    if target.vehicle_scoped and single is None:
        raise ValueError("this webhook names the vehicle: batch its events per vehicle")
    return PlaceholderContext(
        vin=single.vin if single else None,
        vehicle_id=single.vehicle_id if single else None,
        fleet_id=fleet_id,
        monitor_id=subscription_id,
        monitor_label=label,
    )


def assemble(
    target: WebhookTarget,
    id_field: str,
    subscription_id: str,
    context: PlaceholderContext,
    items: Sequence[Mapping[str, Any]],
) -> Message:
    """A request body {<id_field>, attributes, events} from rendered events (each with its eventId)."""
    if not items:
        raise ValueError("a message carries at least one event")
    ids = tuple(str(item["eventId"]) for item in items)
    body: dict[str, Any] = {
        id_field: subscription_id,
        "attributes": target.body_attributes(context),
        "events": [dict(item) for item in items],
    }
    return Message(id=message_id(ids), body=body, context=context, event_ids=ids)


def build_monitor_events(target: WebhookTarget, monitor: MonitorContext, events: Sequence[PendingEvent]) -> Message:
    """The MonitorEvents body for these events (one, or a batch), in the order given.

    A vehicle-scoped target (a placeholder naming the vehicle) needs all events from one vehicle.
    """
    if not events:
        raise ValueError("a message carries at least one event")
    context = placeholder_context(
        target,
        {e.vehicle for e in events},
        fleet_id=monitor.fleet_id,
        subscription_id=monitor.monitor_id,
        label=monitor.label,
    )
    return assemble(target, "monitorId", monitor.monitor_id, context, [render_event(monitor, e) for e in events])
