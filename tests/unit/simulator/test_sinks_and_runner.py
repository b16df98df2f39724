from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import httpx
import orjson
import pytest

from connectedcar.domain.clock import ManualClock, SystemClock
from connectedcar.domain.reports import Report
from connectedcar.ingest import native
from connectedcar.simulator import CallbackSink, Fleet, HttpSink, MemorySink, fleet_specs, run
from connectedcar.simulator.sinks import IngestRejected
from tests.unit.simulator.conftest import START_MS

START = datetime.fromtimestamp(START_MS / 1000, UTC) + timedelta(hours=3)  # 08:00 in Paris


def test_runner_drives_a_manual_clock_faster_than_real_time() -> None:
    clock = ManualClock(START)
    sink = MemorySink()
    fleet = Fleet(1, fleet_specs(5, 1))
    stats = asyncio.run(run(fleet, sink, clock, speed=36_000, interval_s=0.01, duration_s=7_200))
    assert clock.now() == START + timedelta(seconds=7_200)
    assert stats.reports == len(sink.reports) > 0
    assert max(r.at_ms for r in sink.reports) <= int(clock.now().timestamp() * 1000)


def test_runner_needs_a_settable_clock_to_speed_up() -> None:
    with pytest.raises(TypeError):
        asyncio.run(run(Fleet(1, fleet_specs(1, 1)), MemorySink(), SystemClock(), speed=60, duration_s=1))


def test_callback_sink_hands_reports_over() -> None:
    got: list[Report] = []

    async def publish(reports: Sequence[Report]) -> None:
        got.extend(reports)

    fleet = Fleet(1, fleet_specs(3, 1))
    reports = fleet.step(START_MS) + fleet.step(START_MS + 60_000)
    assert reports
    asyncio.run(CallbackSink(publish).send(reports))
    assert got == reports


def test_http_sink_posts_one_batch_per_vehicle_with_its_token() -> None:
    specs = fleet_specs(3, 1)
    tokens = {s.id: f"token-{i}" for i, s in enumerate(specs)}
    fleet = Fleet(1, specs)
    reports = fleet.step(START_MS) + fleet.step(START_MS + 600_000)
    seen: dict[str, list[Report]] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/ingest/v1/reports"
        vehicle = next(v for v, t in tokens.items() if request.headers["authorization"] == f"Bearer {t}")
        assert vehicle not in seen
        assert set(orjson.loads(request.content)) == {"reports"}
        seen[vehicle] = native.decode_batch(request.content, vehicle, START_MS + 600_000)
        return httpx.Response(202, json={"accepted": len(seen[vehicle])})

    async def go() -> int:
        async with HttpSink("http://platform.test/", tokens, transport=httpx.MockTransport(handler)) as sink:
            await sink.send(reports)
            return sink.sent

    assert asyncio.run(go()) == len(reports)
    assert set(seen) == set(tokens)
    for vehicle, decoded in seen.items():
        assert [r.at_ms for r in decoded] == [r.at_ms for r in reports if r.vehicle_id == vehicle]


def test_http_sink_raises_on_a_refusal() -> None:
    specs = fleet_specs(1, 1)
    fleet = Fleet(1, specs)
    reports = fleet.step(START_MS) + fleet.step(START_MS + 60_000)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"code": 40101, "message": "bad token"})

    async def go() -> None:
        async with HttpSink("http://platform.test", {specs[0].id: "x"}, transport=httpx.MockTransport(handler)) as sink:
            await sink.send(reports)

    with pytest.raises(IngestRejected):
        asyncio.run(go())
