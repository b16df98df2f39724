"""A fleet monitor's whole definition, from the body of POST or PUT /fleets/{fid}/monitors: the compiled
triggers (engine.monitors), the callback settings (delivery) and the extended event parameters.

Validation order follows the body: label, subscribeParam, extendedEventParam, triggerParam; the first
problem found is reported, naming its JSON path. Duplicate keys anywhere are refused (seed 001's
example has them: its three triggers are written as one object).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connectedcar.delivery.subscription import CallbackSettings, parse_callback_settings
from connectedcar.engine.monitors.model import Monitor
from connectedcar.engine.monitors.parsing import MonitorError, parse_monitor_json

MAX_LABEL_LENGTH = 200
MAX_EXTENSIONS = 20
EXTENSIONS = (
    "vehicle.doorsState",
    "vehicle.status",
    "vehicle.maintenance",
    "vehicle.position",
    "vehicle.telemetry",
    "vehicle.alerts",
    "vehicle.collisions",
    "vehicle.trip",
    "vehicle.stolen",
)
_TELEMETRY_SUFFIX = re.compile(r"vehicle\.telemetry\.[A-Za-z][A-Za-z0-9]{0,39}")


@dataclass(frozen=True, slots=True)
class MonitorDefinition:
    monitor: Monitor
    callback: CallbackSettings
    extensions: tuple[str, ...]
    body: dict[str, Any]  # as accepted, rendered back by GET

    @property
    def target_path(self) -> str:
        callback = self.body["subscribeParam"]["callback"]
        nested = isinstance(callback, Mapping) and "webhook" in callback
        return "subscribeParam.callback.webhook.target" if nested else "subscribeParam.callback.target"


def parse_definition_json(raw: bytes | str) -> MonitorDefinition:
    """Parse and validate a raw body; raises MonitorError (or DeliveryConfigError, a ValueError too)."""
    monitor = parse_monitor_json(raw)  # JSON, duplicate keys, label, triggers, boolExp, refreshEvent
    body = json.loads(raw)
    return definition_of(body, monitor)


def parse_definition(body: Mapping[str, Any]) -> MonitorDefinition:
    return parse_definition_json(json.dumps(body))


def definition_of(body: dict[str, Any], monitor: Monitor) -> MonitorDefinition:
    if len(monitor.label) > MAX_LABEL_LENGTH or not monitor.label.strip():
        raise MonitorError("label", f"must have 1 to {MAX_LABEL_LENGTH} characters")
    callback = parse_callback_settings(body.get("subscribeParam"), "subscribeParam")
    extensions = parse_extensions(body.get("extendedEventParam"))
    return MonitorDefinition(monitor=monitor, callback=callback, extensions=extensions, body=body)


def parse_extensions(value: Any, path: str = "extendedEventParam") -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise MonitorError(path, "must be an array of extension names")
    if len(value) > MAX_EXTENSIONS:
        raise MonitorError(path, f"at most {MAX_EXTENSIONS} extensions")
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not (item in EXTENSIONS or _TELEMETRY_SUFFIX.fullmatch(item)):
            raise MonitorError(
                f"{path}[{i}]", f"must be one of {', '.join(EXTENSIONS)} or vehicle.telemetry.<type>, not {item!r}"
            )
        if item not in out:
            out.append(item)
    return tuple(out)
