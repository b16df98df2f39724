"""End to end: a fleet owner registers seed 004's remote callback, unlocks a parked simulated vehicle;
the callback receives the lifecycle reports in order, the vehicle (over the native ingest protocol and
its command channel) carries the command out, and its status in the Fleet API shows the doors unlocked."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from connectedcar import provision
from connectedcar.delivery.sender import decode_secret, verify
from connectedcar.domain.clock import ManualClock
from connectedcar.simulator.commands import HttpCommandChannel
from connectedcar.simulator.events import EventRates
from connectedcar.simulator.fleet import Fleet
from connectedcar.simulator.sinks import HttpSink
from connectedcar.simulator.specs import fleet_specs
from tests.receiver import Receiver
from tests.support import Server, database, make_runtime

SUNDAY_NIGHT = datetime(2026, 11, 1, 22, 0, tzinfo=UTC)  # 23:00 in Paris: every car parked, locked
STEP_S = 5
SEED = 11


def callback_body(target: str) -> dict[str, Any]:
    """Seed 004's callback, its misspelled `attributres` included."""
    return {
        "label": "doors",
        "retryPolicy": {"policy": "Bounded", "retryNumber": 3, "retryDelay": 5},
        "callback": {
            "webhook": {
                "target": target,
                "name": "owner",
                "attributres": [{"type": "Header", "key": "X-Callback", "value": "$callbackID"}],
            }
        },
        "notificationTypes": ["Doors", "Horn", "Lights", "ThermalPreconditioning"],
    }


def test_unlocking_a_parked_vehicle(backend: str, tmp_path: Path) -> None:
    with database(backend, tmp_path) as url, Receiver() as receiver:
        runtime = make_runtime(url, webhook_allow_private=True)
        clock = runtime.clock
        assert isinstance(clock, ManualClock)
        clock.set(SUNDAY_NIGHT)
        specs, tokens = [], {}
        with runtime.store.transaction() as conn:
            created = provision.create_fleet(conn, clock, name="remote e2e")
            for spec in fleet_specs(3, SEED):
                vehicle = provision.create_vehicle(
                    conn, clock, vin=spec.vin, owner_email=None, brand=spec.brand, energy=spec.energy
                )
                provision.add_to_fleet(conn, clock, created.fleet.id, vehicle_id=vehicle.id)
                tokens[vehicle.id] = provision.issue_device_token(conn, clock, vehicle.id)
                specs.append(replace(spec, vehicle_id=vehicle.id))
        fleet = created.fleet
        auth = (fleet.username, created.password)
        params = {"client_id": fleet.client_id}
        server = Server(runtime)
        server.start()
        runtime.delivery.poll_s = 0.02
        runtime.delivery.start()
        simulator = Fleet(SEED, specs, rates=EventRates.lively())
        start_ms = int(SUNDAY_NIGHT.timestamp() * 1000)
        target = specs[0]
        base = f"/connectedcar/v3/fleets/{fleet.id}"
        try:

            async def scenario() -> tuple[str, str, dict[str, Any]]:
                async with (
                    HttpSink(server.url, tokens) as sink,
                    HttpCommandChannel(server.url, tokens) as channel,
                    httpx.AsyncClient(base_url=server.url, auth=auth, params=params) as api,
                ):

                    async def step(n: int) -> None:
                        now_ms = start_ms + n * STEP_S * 1000
                        clock.set(datetime.fromtimestamp(now_ms / 1000, UTC))
                        await sink.send(simulator.step(now_ms))
                        runtime.processor.process(runtime.bus.drain())
                        await simulator.exchange(channel, sink.take_commands())
                        runtime.processor.process(runtime.bus.drain())
                        runtime.processor.tick(now_ms)

                    for n in range(1, 13):  # a minute of the parked fleet reporting
                        await step(n)
                    registered = await api.post(f"{base}/remote/callbacks", json=callback_body(receiver.url))
                    assert registered.status_code == 200, registered.text
                    assert registered.json()["status"] == "Running"
                    cbid = registered.json()["callbackId"]
                    for n in range(13, 13 + 60):  # five more minutes
                        await step(n)
                    posted = await api.post(
                        f"{base}/vehicles/{target.vehicle_id}/callbacks/{cbid}/remotes",
                        json={"label": "let the nurse in", "door": {"state": "Unlocked"}},
                    )
                    assert posted.status_code == 202, posted.text
                    assert posted.json()["type"] == "Doors"
                    rid = posted.json()["remoteActionId"]
                    n = 13 + 60
                    while n < 13 + 60 + 120:
                        n += 1
                        await step(n)
                        got = await api.get(f"{base}/vehicles/{target.vehicle_id}/callbacks/{cbid}/remotes/{rid}")
                        if got.json()["status"] in ("Success", "AlreadyDone", "Failed"):
                            break
                    for _ in range(4):  # the state report after the action
                        n += 1
                        await step(n)
                    status = (await api.get(f"{base}/vehicles/{target.vehicle_id}/status")).json()
                    await asyncio.to_thread(receiver.wait_for, 4, 10.0)
                    # Warm up the electric one: preconditioning shows in its status while it runs.
                    electric = next(s for s in specs if s.energy == "Electric")
                    warm = await api.post(
                        f"{base}/vehicles/{electric.vehicle_id}/callbacks/{cbid}/remotes",
                        json={"preconditioning": {"airConditioning": {"immediate": True}}},
                    )
                    assert warm.status_code == 202, warm.text
                    wid = warm.json()["remoteActionId"]
                    for _ in range(60):
                        n += 1
                        await step(n)
                        got = await api.get(f"{base}/vehicles/{electric.vehicle_id}/callbacks/{cbid}/remotes/{wid}")
                        if got.json()["status"] in ("Success", "AlreadyDone", "Failed"):
                            break
                    assert got.json()["status"] == "Success", (got.json().get("failureCause"), got.json())
                    for _ in range(4):
                        n += 1
                        await step(n)
                    warmed = (await api.get(f"{base}/vehicles/{electric.vehicle_id}/status")).json()
                    assert warmed["preconditioning"]["airConditioning"]["status"] == "Enabled", warmed
                    return cbid, rid, status

            cbid, rid, status = asyncio.run(scenario())
            time.sleep(0.2)
        finally:
            runtime.delivery.stop()
            server.stop()
            runtime.close()
    events = [e for e in receiver.events() if e["remoteActionId"] == rid]
    statuses = [(e["eventStatus"]["type"], e["eventStatus"]["status"]) for e in events]
    # A parked simulated car reports every minute: it is awake, so no WakingUpVehicle (the service
    # tests cover a sleeping one).
    assert statuses == [
        ("Pending", "Accepted"),
        ("Pending", "CheckingVehicle"),
        ("Pending", "SentToVehicle"),
        ("Done", "Success"),
    ]
    assert {e["remoteActionId"] for e in events} == {rid}
    assert {e["remoteType"] for e in events} == {"Doors"}
    assert {e["vin"] for e in events} == {target.vin}
    first = receiver.delivered[0]
    assert first.json()["callbackId"] == cbid
    assert first.headers["x-callback"] == cbid
    assert fleet.webhook_secret is not None
    verify(decode_secret(fleet.webhook_secret), first.headers, first.body, int(time.time()))
    assert status["doorsState"]["lockedStates"] == ["Unlocked"], status
