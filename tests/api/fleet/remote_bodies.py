"""Remote callback and remote action bodies for the tests: seed 004's examples, and one valid body for
every kind of action."""

from __future__ import annotations

from typing import Any

import orjson

from connectedcar.engine.remotes.model import REMOTE_TYPES
from tests.unit.engine.remotes.bodies import SEED_004_ACTION, SEED_004_CALLBACK, SEED_004_TABLE, points

PUBLIC_TARGET = "http://93.184.216.34/hook"  # an address literal: public, and no DNS needed to check it

# Seed 004's callback example, verbatim (`attributres` included) but for its target: my.post.callback
# does not resolve here.
SEED_CALLBACK = SEED_004_CALLBACK.replace(b"https://my.post.callback", PUBLIC_TARGET.encode())
assert SEED_CALLBACK != SEED_004_CALLBACK
SEED_ACTION = SEED_004_ACTION
SEED_TABLE = SEED_004_TABLE


def seed_callback() -> dict[str, Any]:
    """Seed 004's callback as a dict (its target replaced): ThermalPreconditioning and charging."""
    body: dict[str, Any] = orjson.loads(SEED_CALLBACK)
    return body


def callback_body(
    target: str = PUBLIC_TARGET,
    types: tuple[str, ...] = REMOTE_TYPES,
    *,
    label: str = "all-remotes",
    retry: dict[str, Any] | None = None,
    batch: dict[str, Any] | None = None,
    attributes: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A callback in the spec's spellings serving `types` (every remote type by default)."""
    body: dict[str, Any] = {
        "label": label,
        "retryPolicy": retry or {"policy": "None"},
        "callback": {"webhook": {"target": target, "name": "hook", "attributes": attributes or []}},
        "notificationTypes": list(types),
    }
    if batch is not None:
        body["batchNotify"] = batch
    return body


# One body per kind of action (raw bytes: the seed's are verbatim), and the remote type it is.
ACTIONS: list[tuple[str, bytes, str]] = [
    (
        "preconditioning-immediate",
        b'{"preconditioning": {"airConditioning": {"immediate": true}}}',
        "ThermalPreconditioning",
    ),
    ("preconditioning-programs (seed)", SEED_TABLE["PRECONDITIONING"], "ThermalPreconditioning"),
    ("immobilization (seed)", SEED_TABLE["IMMOBILIZATION"], "Immobilization"),
    ("door-unlocked (seed)", SEED_TABLE["DOOR"], "Doors"),
    ("door-unlocked with label (seed)", SEED_ACTION, "Doors"),
    ("door-locked", b'{"door": {"state": "Locked"}}', "Doors"),
    ("horn (seed)", SEED_TABLE["HORN"], "Horn"),
    ("charging-immediate", b'{"charging": {"immediate": true}}', "ElectricBatteryChargingRequest"),
    (
        "charging-next-delayed-time",
        b'{"charging": {"nextDelayedTime": "2026-11-03T01:30:00+01:00", "immediate": false}}',
        "ElectricBatteryChargingRequest",
    ),
    ("charging-stop (seed)", SEED_TABLE["CHARGING_STOP"], "ElectricBatteryChargingRequest"),
    ("stolen (seed)", SEED_TABLE["STOLEN"], "Stolen"),
    ("lights (seed)", SEED_TABLE["LIGHTS"], "Lights"),
    ("state (seed)", SEED_TABLE["STATE"], "VehicleState"),
    ("navigation (seed)", SEED_TABLE["NAVIGATION"], "Navigation"),
    ("wake-up", b'{"wakeUp": {"action": "WakeUp"}}', "WakeUp"),
]


def navigation(n: int, *, approval: bool = False) -> dict[str, Any]:
    return {"navigation": {"driverApproval": approval, "positions": points(n)}}


def program(slot: int) -> dict[str, Any]:
    return {"recurrence": "Daily", "start": "PT7H", "occurence": {"day": ["Mon", "Fri"]}, "slot": slot, "enabled": True}
