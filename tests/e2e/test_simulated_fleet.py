"""End to end: the fleet simulator drives vehicles over the native ingest protocol (real HTTP, device
tokens), the pipeline turns the reports into history, and the B2C v2 API shows it to the owner."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectedcar import provision
from connectedcar.domain.clock import ManualClock
from connectedcar.runtime import Runtime
from connectedcar.simulator.events import EventRates
from connectedcar.simulator.fleet import Fleet
from connectedcar.simulator.sinks import HttpSink
from connectedcar.simulator.specs import fleet_specs
from tests.support import Server, World, database, make_runtime

MONDAY_MORNING = datetime(2026, 11, 2, 5, 50, tzinfo=UTC)  # 06:50 in Paris
HOURS = 12
STEP_S = 120
SEED = 11
V2 = "/connectedcar/v2"
IDF = (48.1, 49.3, 1.4, 3.6)  # lat min, lat max, lon min, lon max


@dataclass
class Drive:
    server: Server
    runtime: Runtime
    vehicle_ids: list[str]
    client_id: str
    token: str
    reports_sent: int


@pytest.fixture(scope="module")
def drive(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drive]:
    tmp: Path = tmp_path_factory.mktemp(f"e2e-{backend}")
    with database(backend, tmp) as url:
        runtime = make_runtime(url)
        clock = runtime.clock
        assert isinstance(clock, ManualClock)
        clock.set(MONDAY_MORNING)
        world = World(runtime)
        owner = world.user()
        specs, tokens = [], {}
        with runtime.store.transaction() as conn:
            for spec in fleet_specs(6, SEED):
                vehicle = provision.create_vehicle(
                    conn, clock, vin=spec.vin, owner_email=owner.email, brand=spec.brand, energy=spec.energy
                )
                tokens[vehicle.id] = provision.issue_device_token(conn, clock, vehicle.id)
                specs.append(replace(spec, vehicle_id=vehicle.id))
        server = Server(runtime)
        server.start()
        fleet = Fleet(SEED, specs, rates=EventRates.lively())
        start_ms = int(MONDAY_MORNING.timestamp() * 1000)

        async def simulate() -> int:
            sent = 0
            async with HttpSink(server.url, tokens) as sink:
                for step in range(1, HOURS * 3600 // STEP_S + 1):
                    now_ms = start_ms + step * STEP_S * 1000
                    clock.set(datetime.fromtimestamp(now_ms / 1000, UTC))
                    reports = fleet.step(now_ms)
                    await sink.send(reports)
                    sent += len(reports)
                    runtime.processor.process(runtime.bus.drain())
            return sent

        sent = asyncio.run(simulate())
        client, _ = world.client()
        try:
            yield Drive(server, runtime, list(tokens), client.client_id, world.token(owner, client), sent)
        finally:
            server.stop()
            runtime.close()


def _get(d: Drive, path: str, **params: Any) -> Any:
    response = httpx.get(
        f"{d.server.url}{V2}{path}",
        params={"client_id": d.client_id, **params},
        headers={"Authorization": f"Bearer {d.token}"},
        timeout=10,
    )
    assert response.status_code == 200, (path, response.text)
    return response.json()


def test_every_report_sent_was_processed(drive: Drive) -> None:
    stats = drive.runtime.processor.stats
    assert drive.reports_sent > 5000
    assert stats.reports == drive.reports_sent
    assert stats.rejected == 0 and stats.dropped_reports == 0 and stats.unknown_vehicle == 0


def test_the_owner_sees_finished_trips_with_start_and_stop_positions(drive: Drive) -> None:
    trips = _get(drive, "/trips", limit=100)
    finished = [t for t in trips["_embedded"]["trips"] if t["stoppedAt"]]
    assert len(finished) >= 6, "a working day: to work, maybe lunch, home"
    for trip in finished:
        assert trip["distance"] > 0 and int(trip["duration"]) > 0 and trip["avgSpeed"] > 0
        for end in ("startPosition", "stopPosition"):
            lon, lat = trip["_embedded"][end]["geometry"]["coordinates"][:2]
            assert IDF[0] < lat < IDF[1] and IDF[2] < lon < IDF[3]
        waypoints = _get(drive, f"/trips/{trip['id']}/wayPoints")
        assert waypoints["total"] >= 2
    assert any(_get(drive, f"/trips/{t['id']}/ecodriving")["detailed"] for t in finished[:3])


def test_every_vehicle_has_a_last_position_telemetry_and_maintenance(drive: Drive) -> None:
    for vehicle_id in drive.vehicle_ids:
        position = _get(drive, f"/vehicles/{vehicle_id}/lastPosition")
        lon, lat = position["geometry"]["coordinates"][:2]
        assert IDF[0] < lat < IDF[1] and IDF[2] < lon < IDF[3]
        telemetry = _get(drive, f"/vehicles/{vehicle_id}/telemetry", since=MONDAY_MORNING.isoformat())
        assert telemetry["total"] > 0
        assert _get(drive, f"/vehicles/{vehicle_id}/maintenance")["mileage"] <= 20_000


def test_alerts_begin_and_the_fuel_and_charging_state_shows(drive: Drive) -> None:
    alerts = [
        a for v in drive.vehicle_ids for a in _get(drive, f"/vehicles/{v}/alerts", limit=100)["_embedded"]["alerts"]
    ]
    assert alerts, "the lively event rates raise alerts in a working day"
    assert all(a["message"] and a["severity"] in ("low", "medium", "high") for a in alerts)
    events = [
        e["type"]
        for v in drive.vehicle_ids
        for e in _get(drive, f"/vehicles/{v}/events", limit=100)["_embedded"]["events"]
    ]
    assert "TRIP" in events and "ALERT" in events
