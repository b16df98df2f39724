"""The pipeline's shell over a real store: reports in, rows out, one transaction per batch."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import Any

import pytest

from connectedcar.bus.inprocess import InProcessBus
from connectedcar.domain.entities import Vehicle
from connectedcar.domain.reports import Report
from connectedcar.processing import processor as processor_module
from connectedcar.processing.processor import ReportProcessor
from connectedcar.runtime import Runtime
from connectedcar.store import history, vehicle_states
from tests.support import World

METRES_PER_DEGREE_LAT = 6_371_008.8 * math.pi / 180


@pytest.fixture
def proc(runtime: Runtime) -> Iterator[ReportProcessor]:
    bus = InProcessBus(runtime.clock, reorder_window_ms=0)
    yield ReportProcessor(runtime.store, runtime.clock, bus)


def drive(vehicle: Vehicle, start_ms: int, seconds: int, kmh: float = 54.0, **extra: Any) -> list[Report]:
    """Ignition on, `seconds` of driving due north at `kmh`, one report a second, ignition off."""
    step = kmh / 3.6 / METRES_PER_DEGREE_LAT
    reports = [Report(vehicle.id, start_ms - 1000, lat=48.80, lon=2.35, speed=0.0, ignition=True, fuel_level=60.0)]
    for i in range(seconds + 1):
        reports.append(
            Report(
                vehicle.id,
                start_ms + i * 1000,
                lat=48.80 + i * step,
                lon=2.35,
                heading=0.0,
                speed=kmh,
                ignition=True,
                fuel_level=60.0 - i * 0.005,
                **extra,
            )
        )
    end = 48.80 + seconds * step
    reports.append(
        Report(
            vehicle.id,
            start_ms + (seconds + 1) * 1000,
            lat=end,
            lon=2.35,
            speed=0.0,
            ignition=False,
            fuel_level=60.0 - seconds * 0.005,
        )
    )
    return reports


def _start_ms(world: World, minutes_ago: int) -> int:
    return int(world.clock.now().timestamp() * 1000) - minutes_ago * 60_000


def test_a_drive_becomes_positions_telemetry_and_a_finished_trip(
    proc: ReportProcessor, runtime: Runtime, world: World
) -> None:
    vehicle = world.vehicle(world.user())
    proc.bus.put(drive(vehicle, _start_ms(world, 30), seconds=600))
    out = proc.process(proc.bus.drain())
    assert not out.rejected
    with runtime.store.transaction() as conn:
        total, trips = history.trips_page(conn, history.Window(), vehicle_id=vehicle.id)
        assert total == 1
        trip = trips[0]
        assert trip.stopped_at is not None and trip.start_position is not None and trip.stop_position is not None
        assert trip.distance == pytest.approx(9.0, rel=0.02)  # 600 s at 54 km/h
        assert trip.fuel_consumption == pytest.approx(0.005 * 600 / 100 * 50, rel=0.05)
        positions = history.telemetry_page(conn, history.Window(limit=1000), vehicle_id=vehicle.id)[0]
        assert positions == 603
        assert history.last_position(conn, vehicle.id) is not None
        assert history.events_page(conn, vehicle.id, history.Window())[1][0].type == "TRIP"
        assert history.ecodriving_of(conn, trip.id) is not None
        assert vehicle.id in vehicle_states.load(conn, [vehicle.id])


def test_a_restart_resumes_a_trip_where_it_was(runtime: Runtime, world: World) -> None:
    vehicle = world.vehicle(world.user())
    reports = drive(vehicle, _start_ms(world, 30), seconds=600)
    first = ReportProcessor(runtime.store, runtime.clock, InProcessBus(runtime.clock, 0))
    first.process({vehicle.id: reports[:300]})
    first.flush_states(force=True)  # what a graceful shutdown does
    second = ReportProcessor(runtime.store, runtime.clock, InProcessBus(runtime.clock, 0))
    second.process({vehicle.id: reports[300:]})
    with runtime.store.transaction() as conn:
        total, trips = history.trips_page(conn, history.Window(), vehicle_id=vehicle.id)
    assert total == 1, "one trip, not two halves"
    assert trips[0].distance == pytest.approx(9.0, rel=0.02)


def test_a_failed_write_is_retried_and_loses_nothing(
    proc: ReportProcessor, runtime: Runtime, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    vehicles = [world.vehicle(world.user()) for _ in range(2)]
    real = processor_module.write_outputs
    calls = {"n": 0}

    def flaky(*args: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("disk full")
        real(*args)

    monkeypatch.setattr(processor_module, "write_outputs", flaky)
    batch = {v.id: drive(v, _start_ms(world, 20), seconds=60) for v in vehicles}
    proc.process(batch)
    assert proc.stats.failed_batches == 1 and proc.stats.dropped_reports == 0
    with runtime.store.transaction() as conn:
        for v in vehicles:
            assert history.trips_page(conn, history.Window(), vehicle_id=v.id)[0] == 1
            assert history.telemetry_page(conn, history.Window(limit=100), vehicle_id=v.id)[0] == 63


def test_reports_of_unknown_vehicles_are_counted_not_fatal(proc: ReportProcessor, world: World) -> None:
    ghost = Report("F" * 32, _start_ms(world, 1), lat=48.8, lon=2.3)
    proc.process({ghost.vehicle_id: [ghost]})
    assert proc.stats.unknown_vehicle == 1


def test_the_thread_processes_what_arrives(proc: ReportProcessor, runtime: Runtime, world: World) -> None:
    vehicle = world.vehicle(world.user())
    proc.start()
    try:
        proc.bus.put(drive(vehicle, _start_ms(world, 10), seconds=5))
        deadline = time.monotonic() + 10
        while proc.stats.reports < 8 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        proc.stop()
    with runtime.store.transaction() as conn:
        assert history.telemetry_page(conn, history.Window(limit=100), vehicle_id=vehicle.id)[0] == 8
