"""Monitors: vehicle updates per second evaluated against 25,000 circle zone monitors, against the same
updates with no monitor at all; and webhook deliveries per second to a local receiver.

    .venv/bin/python bench/monitors.py [--vehicles 300] [--minutes 20] [--monitors 25000]

Updates (one thread, one core): the fleet simulator drives `vehicles` vehicles of one fleet through a
weekday morning rush around Paris (device side, not timed); the same reports then go through the
report processor (pipeline, history rows, one SQLite transaction per 2,000 reports) twice, each time
on a fresh database:
  no monitors   the platform's processing alone: the baseline;
  monitors      with `monitors` single-trigger circle monitors (In or Out, radius 0.2 to 2 km) spread
                uniformly over the Ile-de-France region (48.1-49.3 N, 1.4-3.6 E), all watching the
                fleet: every update finds its candidates in the spatial index, evaluates them, and
                writes their states and events in the batch's transaction.
The evaluation alone (registry.evaluate, no pipeline, no database) is printed too.

Deliveries: `events` events queued in the outbox for 100 monitors (no batching), posted by the
delivery worker (signed, recorded per attempt, 16 in flight) to a local uvicorn receiver (its own process); against the
same number of plain signed POSTs of the same bodies with the same client and concurrency.
Targets: >= 20,000 updates/s with 25,000 monitors on one core. Ratios are printed, not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import orjson

from connectedcar import provision
from connectedcar.bus.inprocess import InProcessBus
from connectedcar.delivery.payloads import MonitorContext, PendingEvent, VehicleContext, render_event
from connectedcar.delivery.policy import RETENTION_MS
from connectedcar.delivery.sender import decode_secret, sign
from connectedcar.delivery.worker import DeliveryWorker
from connectedcar.domain.clock import ManualClock, SystemClock
from connectedcar.domain.reports import Report
from connectedcar.engine.monitors.evaluation import Firing
from connectedcar.engine.state import Fix
from connectedcar.ingest.native import decode_batch
from connectedcar.monitoring.registry import MonitorChanges, MonitorRegistry
from connectedcar.monitoring.subscriptions import MonitorSubscriptions
from connectedcar.processing import gc_tuning
from connectedcar.processing.processor import ReportProcessor
from connectedcar.store import monitors as monitor_store
from connectedcar.store import outbox
from connectedcar.store.monitors import MonitorRow
from connectedcar.store.outbox import OutboxEvent
from connectedcar.store.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import START, device_bodies, register
from machine import describe

REGION = (48.1, 49.3, 1.4, 3.6)
BATCH = 2000


def monitor_body(rng: random.Random, target: str) -> dict[str, Any]:
    lat = rng.uniform(REGION[0], REGION[1])
    lon = rng.uniform(REGION[2], REGION[3])
    return {
        "label": "zone",
        "subscribeParam": {"callback": {"target": target, "name": "bench", "attributes": []}},
        "triggerParam": {
            "triggers": [
                {
                    "name": "z",
                    "zone": {
                        "transition": rng.choice(("In", "Out")),
                        "circle": {
                            "radius": round(rng.uniform(0.2, 2.0), 3),
                            "center": {"latitude": lat, "longitude": lon},
                        },
                    },
                }
            ],
            "boolExp": "z",
        },
    }


def setup(path: str, clock: ManualClock, vehicles: int, seed: int) -> tuple[Store, str, list[Any]]:
    store = Store.open(f"sqlite:///{path}")
    specs = register(store, clock, vehicles, seed)
    with store.transaction() as conn:
        fleet = provision.create_fleet(conn, clock, name="bench").fleet
        for spec in specs:
            provision.add_to_fleet(conn, clock, fleet.id, vehicle_id=spec.vehicle_id)
    return store, fleet.id, specs


def install_monitors(store: Store, registry: MonitorRegistry, fleet_id: str, count: int, target: str) -> None:
    rng = random.Random(5)
    now_ms = int(START.timestamp() * 1000)
    rows = [
        MonitorRow(f"m{i:08d}", fleet_id, "zone", "Running", monitor_body(rng, target), now_ms, now_ms)
        for i in range(count)
    ]
    with store.transaction() as conn:
        for row in rows:
            monitor_store.create(conn, row)
        registry.load(conn)


def process(
    store: Store, clock: ManualClock, reports: dict[str, list[Report]], registry: MonitorRegistry
) -> tuple[float, ReportProcessor]:
    bus = InProcessBus(clock, reorder_window_ms=0)
    processor = ReportProcessor(store, clock, bus, monitors=registry)
    gc_tuning.tune()
    gc.collect()
    began = time.perf_counter()
    waiting = 0
    for items in reports.values():
        for i in range(0, len(items), 50):
            chunk = items[i : i + 50]
            bus.put(chunk)
            waiting += len(chunk)
            if waiting >= BATCH:
                processor.process(bus.drain())
                waiting = 0
    processor.process(bus.drain())
    elapsed = time.perf_counter() - began
    assert processor.stats.dropped_reports == 0, processor.stats
    return elapsed, processor


def in_time_order(bodies: list[tuple[str, bytes]], now_ms: int) -> dict[str, list[Report]]:
    """The reports as batches would bring them: rounds of every vehicle's next 10 s."""
    ordered: dict[str, list[Report]] = {}
    for vehicle_id, body in bodies:
        ordered.setdefault(vehicle_id, []).extend(decode_batch(body, vehicle_id, now_ms))
    return ordered


def evaluation_only(registry: MonitorRegistry, reports: dict[str, list[Report]]) -> tuple[float, int]:
    changes = MonitorChanges()
    count = 0
    gc.collect()
    began = time.perf_counter()
    for vehicle_id, items in reports.items():
        previous: Fix | None = None
        for report in items:
            registry.evaluate(vehicle_id, previous, report, report.at_ms, None, changes)
            if report.lat is not None and report.lon is not None:
                previous = Fix(report.at_ms, report.lat, report.lon, None, None, None)
            count += 1
        registry.apply(changes)
        changes = MonitorChanges()
    return time.perf_counter() - began, count


# -- deliveries --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_receiver() -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn serving receiver_app in its own process; its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "receiver_app:app", "--port", str(port), "--log-level", "error"],
        cwd=Path(__file__).resolve().parent,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.post(f"http://127.0.0.1:{port}/hook", content=b"{}")
            break
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise RuntimeError("the receiver did not start") from None
            time.sleep(0.05)
    return process, f"http://127.0.0.1:{port}/hook"


def deliveries(tmp: str, events: int, target: str) -> tuple[float, float]:
    clock = SystemClock()
    store = Store.open(f"sqlite:///{tmp}/deliveries.db")
    manual = ManualClock(START)
    specs = register(store, manual, 1, 3)
    with store.transaction() as conn:
        created = provision.create_fleet(conn, manual, name="deliveries").fleet
        provision.add_to_fleet(conn, manual, created.id, vehicle_id=specs[0].vehicle_id)
    rng = random.Random(9)
    now_ms = int(clock.now().timestamp() * 1000)
    monitors = [
        MonitorRow(f"d{i:04d}", created.id, "zone", "Running", monitor_body(rng, target), now_ms, now_ms)
        for i in range(100)
    ]
    queued: list[OutboxEvent] = []
    for n in range(events):
        row = monitors[n % len(monitors)]
        firing = Firing("event", now_ms, now_ms + n, 0, ("z",))
        item = render_event(
            MonitorContext(row.id, row.label, created.id),
            PendingEvent(firing, VehicleContext(specs[0].vin, specs[0].vehicle_id)),
        )
        queued.append(
            OutboxEvent(
                item["eventId"],
                "monitor",
                row.id,
                row.id,
                item,
                now_ms,
                now_ms + RETENTION_MS,
                created.id,
                specs[0].vehicle_id,
                specs[0].vin,
            )
        )
    with store.transaction() as conn:
        for row in monitors:
            monitor_store.create(conn, row)
        outbox.enqueue(conn, queued)
    worker = DeliveryWorker(store, clock, {"monitor": MonitorSubscriptions(store)}, allow_private=True, poll_s=0.01)
    began = time.perf_counter()
    worker.start()
    while worker.stats.events_delivered < events:
        time.sleep(0.01)
    platform_s = time.perf_counter() - began
    worker.stop()
    store.close()

    # Baseline: the same bodies, signed, posted with the same client settings and concurrency.
    key = decode_secret(created.webhook_secret or "")
    payloads = [
        (e.event_id, orjson.dumps({"monitorId": e.subscription_id, "attributes": [], "events": [e.event]}))
        for e in queued
    ]

    async def plain() -> float:
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=16)
        semaphore = asyncio.Semaphore(16)
        async with httpx.AsyncClient(limits=limits, trust_env=False) as client:

            async def post(mid: str, body: bytes) -> None:
                async with semaphore:
                    stamp = int(time.time())
                    headers = {
                        "webhook-id": mid,
                        "webhook-timestamp": str(stamp),
                        "webhook-signature": sign(key, mid, stamp, body),
                        "content-type": "application/json",
                    }
                    response = await client.post(target, content=body, headers=headers)
                    response.raise_for_status()

            began = time.perf_counter()
            await asyncio.gather(*(post(mid, body) for mid, body in payloads))
            return time.perf_counter() - began

    baseline_s = asyncio.run(plain())
    return platform_s, baseline_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vehicles", type=int, default=300)
    parser.add_argument("--minutes", type=int, default=20)
    parser.add_argument("--monitors", type=int, default=25_000)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    receiver, target = start_receiver()

    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(START)
        store, fleet_id, specs = setup(f"{tmp}/plain.db", clock, args.vehicles, args.seed)
        print(f"simulating {args.vehicles} vehicles for {args.minutes} minutes of morning rush (device side) ...")
        bodies, count, _ = device_bodies(specs, args.seed, args.minutes)
        clock.advance(args.minutes * 60 + 1)
        now_ms = int(clock.now().timestamp() * 1000)
        reports = in_time_order(bodies, now_ms)
        plain_s, _ = process(store, clock, reports, MonitorRegistry())
        store.close()

        clock = ManualClock(START)
        store, fleet_id, specs2 = setup(f"{tmp}/monitored.db", clock, args.vehicles, args.seed)
        # The same vehicles, registered again with new ids: the same reports, renamed.
        vin_of = {s.vehicle_id: s.vin for s in specs}
        id_of = {s.vin: s.vehicle_id for s in specs2}
        renamed = {}
        for vid, items in reports.items():
            new_id = id_of[vin_of[vid]]
            renamed[new_id] = [replace(r, vehicle_id=new_id) for r in items]
        registry = MonitorRegistry()
        began = time.perf_counter()
        install_monitors(store, registry, fleet_id, args.monitors, target)
        load_s = time.perf_counter() - began
        clock.advance(args.minutes * 60 + 1)
        monitored_s, processor = process(store, clock, renamed, registry)
        with store.transaction() as conn:
            queued = outbox.pending_count(conn)
        store.close()

        fresh = MonitorRegistry()
        for fid_vid in renamed:
            fresh.watch(fleet_id, fid_vid, "")
        store = Store.open(f"sqlite:///{tmp}/monitored.db")
        with store.transaction() as conn:
            for row in monitor_store.all_monitors(conn):
                fresh.put(row)
        store.close()
        eval_s, evaluated = evaluation_only(fresh, renamed)

        platform_s, baseline_s = deliveries(tmp, args.events, target)
    receiver.terminate()

    plain_rate = count / plain_s
    monitored_rate = count / monitored_s
    print()
    print(f"machine: {describe()}")
    print(f"{count:,} vehicle updates, {args.monitors:,} circle monitors over Ile-de-France (loaded in {load_s:.1f} s)")
    print(f"no monitors (baseline)   {plain_rate:>10,.0f} updates/s")
    events = processor.stats.monitor_events
    print(
        f"with monitors            {monitored_rate:>10,.0f} updates/s   ratio {monitored_rate / plain_rate:.2f}"
        f"   ({events:,} events queued, {queued:,} pending)"
    )
    print(f"evaluation alone         {evaluated / eval_s:>10,.0f} updates/s   (index + evaluate; no pipeline, no db)")
    print(f"deliveries: {args.events:,} events to a local receiver, 100 monitors, 16 in flight")
    print(f"plain signed POSTs (baseline) {args.events / baseline_s:>8,.0f} /s")
    print(f"delivery worker               {args.events / platform_s:>8,.0f} /s   ratio {baseline_s / platform_s:.2f}")
    print("target: >= 20,000 updates/s with 25,000 monitors on one core")


if __name__ == "__main__":
    main()
