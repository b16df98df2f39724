"""End to end: a fleet owner posts a zone monitor through the Fleet API; the simulator drives the
vehicle out of the zone over the native ingest protocol; the owner's webhook receiver gets the event,
signed, with the attributes and extensions asked for."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import UTC, datetime
from math import cos, radians, sqrt
from pathlib import Path

import httpx

from connectedcar import provision
from connectedcar.delivery.sender import decode_secret, verify
from connectedcar.domain.clock import ManualClock
from connectedcar.simulator.events import EventRates
from connectedcar.simulator.fleet import Fleet
from connectedcar.simulator.sinks import HttpSink
from connectedcar.simulator.specs import fleet_specs
from tests.receiver import Receiver
from tests.support import Server, database, make_runtime

MONDAY_MORNING = datetime(2026, 11, 2, 5, 50, tzinfo=UTC)  # 06:50 in Paris
STEP_S = 60
SEED = 11


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * 111.2
    dx = (a[1] - b[1]) * 111.2 * cos(radians(a[0]))
    return sqrt(dx * dx + dy * dy)


def test_a_simulated_vehicle_leaving_its_zone_reaches_the_owners_webhook(backend: str, tmp_path: Path) -> None:
    with database(backend, tmp_path) as url, Receiver() as receiver:
        runtime = make_runtime(url, webhook_allow_private=True)
        clock = runtime.clock
        assert isinstance(clock, ManualClock)
        clock.set(MONDAY_MORNING)
        specs, tokens = [], {}
        with runtime.store.transaction() as conn:
            created = provision.create_fleet(conn, clock, name="e2e fleet")
            for spec in fleet_specs(3, SEED):
                vehicle = provision.create_vehicle(
                    conn, clock, vin=spec.vin, owner_email=None, brand=spec.brand, energy=spec.energy
                )
                provision.add_to_fleet(conn, clock, created.fleet.id, vehicle_id=vehicle.id)
                tokens[vehicle.id] = provision.issue_device_token(conn, clock, vehicle.id)
                specs.append(replace(spec, vehicle_id=vehicle.id))
        fleet_account = created.fleet
        server = Server(runtime)
        server.start()
        runtime.delivery.poll_s = 0.02
        runtime.delivery.start()
        simulator = Fleet(SEED, specs, rates=EventRates.lively())
        start_ms = int(MONDAY_MORNING.timestamp() * 1000)
        watched = specs[2]  # with this seed, the one that leaves home first (about 08:20 in Paris)
        try:

            async def step(n: int, sink: HttpSink) -> list[tuple[float, float]]:
                now_ms = start_ms + n * STEP_S * 1000
                clock.set(datetime.fromtimestamp(now_ms / 1000, UTC))
                reports = simulator.step(now_ms)
                await sink.send(reports)
                runtime.processor.process(runtime.bus.drain())
                return [
                    (r.lat, r.lon)
                    for r in reports
                    if r.vehicle_id == watched.vehicle_id and r.lat is not None and r.lon is not None
                ]  # type: ignore[misc]

            async def scenario() -> tuple[float, float]:
                async with HttpSink(server.url, tokens) as sink:
                    home: tuple[float, float] | None = None
                    n = 0
                    while home is None:
                        n += 1
                        fixes = await step(n, sink)
                        home = fixes[-1] if fixes else None
                    body = {
                        "label": "left the depot",
                        "subscribeParam": {
                            "refreshEvent": 600,
                            "retryPolicy": {"policy": "Bounded", "retryNumber": 3, "retryDelay": 5},
                            "callback": {
                                "webhook": {
                                    "target": receiver.url,
                                    "name": "owner",
                                    "attributes": [
                                        {"type": "Query", "key": "vin", "value": "$vin"},
                                        {"type": "Header", "key": "X-Monitor", "value": "$MonitorID"},
                                    ],
                                }
                            },
                        },
                        "extendedEventParam": ["vehicle.position"],
                        "triggerParam": {
                            "triggers": [
                                {
                                    "name": "depot",
                                    "zone": {
                                        "transition": "Out",
                                        "circle": {"radius": 1, "center": {"latitude": home[0], "longitude": home[1]}},
                                    },
                                }
                            ],
                            "boolExp": "depot",
                        },
                    }
                    async with httpx.AsyncClient(base_url=server.url) as api:
                        posted = await api.post(
                            f"/connectedcar/v3/fleets/{fleet_account.id}/monitors",
                            params={"client_id": fleet_account.client_id},
                            auth=(fleet_account.username, created.password),
                            json=body,
                        )
                    assert posted.status_code == 202, posted.text
                    monitor_id = posted.json()["monitorId"]
                    while not receiver.delivered and n < 12 * 3600 // STEP_S:
                        n += 1
                        await step(n, sink)
                        await asyncio.sleep(0)
                    await asyncio.to_thread(receiver.wait_for, 1, 10.0)  # the worker posts it
                    assert receiver.delivered, "the vehicle never left its 1 km zone in 12 simulated hours"
                    got = receiver.delivered[0]
                    assert got.headers["x-monitor"] == monitor_id
                    return home

            home = asyncio.run(scenario())
        finally:
            runtime.delivery.stop()
            server.stop()
            runtime.close()
    got = receiver.delivered[0]
    assert got.query == {"vin": watched.vin}
    assert fleet_account.webhook_secret is not None
    verify(decode_secret(fleet_account.webhook_secret), got.headers, got.body, int(time.time()))
    [event] = got.json()["events"]
    assert event["vin"] == watched.vin and event["fleetId"] == fleet_account.id and event["refresh"] is False
    [position] = event["extensions"]
    assert position["type"] == "vehicle.position"
    lon, lat = position["body"]["geometry"]["coordinates"][:2]
    assert km_between((lat, lon), home) > 1.0
