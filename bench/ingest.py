"""End-to-end ingest throughput against raw sqlite3 executemany of the same rows.

    .venv/bin/python bench/ingest.py [--vehicles 300] [--minutes 30] [--batch 2000]

Device side (not timed): the fleet simulator drives `vehicles` vehicles through a weekday morning rush
and its reports are encoded as the native protocol's JSON bodies, one per vehicle per 10 s.
Timed, on one thread (one core):
  end to end   each body through the native decoder, onto the in-process bus, through the pipeline
               (filtering, state, trips, alerts, telemetry, eco-driving) and into SQLite, one
               transaction per `batch` reports, as the report processor does;
  raw sqlite3  every row the end-to-end run wrote (all tables), read back and inserted again with
               sqlite3.executemany into a fresh database with the same schema and the same PRAGMAs,
               in the same number of transactions.
Also printed: how many vehicles one core keeps up with at one report per second each, for the
platform alone and with the simulator in the same process (as `connectedcar demo` runs).
Both paths run with the garbage collector as the platform runs it (processing/gc_tuning.py).
Benchmarks are not tests: ratios are printed, not asserted. Targets: >= 20,000 reports/s end to end,
ratio >= 0.3, >= 10,000 vehicles in real time.
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson
from sqlalchemy import select

from connectedcar import provision
from connectedcar.bus.inprocess import InProcessBus
from connectedcar.domain.clock import ManualClock
from connectedcar.domain.reports import Report
from connectedcar.ingest.native import decode_batch, encode_batch
from connectedcar.processing import gc_tuning
from connectedcar.processing.processor import ReportProcessor
from connectedcar.simulator.fleet import Fleet
from connectedcar.simulator.specs import SimVehicleSpec, fleet_specs
from connectedcar.store import accounts, tables
from connectedcar.store.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

START = datetime(2026, 11, 2, 6, 40, tzinfo=UTC)  # Monday 07:40 in Paris: the morning rush
CHUNK_S = 10


def register(store: Store, clock: ManualClock, count: int, seed: int) -> list[SimVehicleSpec]:
    from dataclasses import replace

    from connectedcar.domain.credentials import hash_password
    from connectedcar.domain.entities import User

    now = clock.now()
    user = User("ACNT000000000001", "bench@example.com", hash_password("Bench-12345"), "", "", now, now)
    specs = []
    with store.transaction() as conn:
        accounts.create_user(conn, user)
        for spec in fleet_specs(count, seed):
            vehicle = provision.create_vehicle(
                conn, clock, vin=spec.vin, owner_email=user.email, brand=spec.brand, energy=spec.energy
            )
            specs.append(replace(spec, vehicle_id=vehicle.id))
    return specs


def device_bodies(specs: list[SimVehicleSpec], seed: int, minutes: int) -> tuple[list[tuple[str, bytes]], int, float]:
    """(vehicle id, native JSON body) per vehicle per CHUNK_S, the report count and the simulator's time."""
    fleet = Fleet(seed, specs)
    start_ms = int(START.timestamp() * 1000)
    bodies: list[tuple[str, bytes]] = []
    reports = 0
    simulated = 0.0
    for step in range(1, minutes * 60 // CHUNK_S + 1):
        began = time.perf_counter()
        produced = fleet.step(start_ms + step * CHUNK_S * 1000)
        simulated += time.perf_counter() - began
        by_vehicle: dict[str, list[Report]] = {}
        for report in produced:
            by_vehicle.setdefault(report.vehicle_id, []).append(report)
        for vehicle_id, items in by_vehicle.items():
            bodies.append((vehicle_id, encode_batch(items)))
            reports += len(items)
    return bodies, reports, simulated


def end_to_end(store: Store, clock: ManualClock, bodies: list[tuple[str, bytes]], batch: int) -> tuple[float, int]:
    bus = InProcessBus(clock, reorder_window_ms=0)
    processor = ReportProcessor(store, clock, bus)
    now_ms = int(clock.now().timestamp() * 1000)
    transactions = 0
    waiting = 0
    gc_tuning.tune()  # as Runtime.start() does for the platform
    began = time.perf_counter()
    for vehicle_id, body in bodies:
        reports = decode_batch(body, vehicle_id, now_ms)
        bus.put(reports)
        waiting += len(reports)
        if waiting >= batch:
            processor.process(bus.drain())
            transactions += 1
            waiting = 0
    processor.process(bus.drain())
    processor.flush_states(force=True)
    transactions += 2
    elapsed = time.perf_counter() - began
    assert processor.stats.rejected == 0 and processor.stats.dropped_reports == 0, processor.stats
    return elapsed, transactions


WRITTEN = (
    "positions",
    "telemetry",
    "trips",
    "waypoints",
    "alerts",
    "collisions",
    "events",
    "ecodriving",
    "maintenance",
    "vehicle_states",
)


def raw_sqlite(source: Store, target_path: Path, transactions: int) -> tuple[float, int]:
    """Insert the rows the end-to-end run wrote into a fresh database, with sqlite3 alone."""
    fresh = Store.open(f"sqlite:///{target_path}")  # the same schema, through the same migrations
    with source.engine.connect() as conn:
        # Copy the parents the rows refer to (not timed), then read every row written (not timed).
        rows: dict[str, tuple[str, list[tuple[object, ...]]]] = {}
        for name in WRITTEN:
            table = tables.metadata.tables[name]
            columns = [c.name for c in table.columns]
            data = [tuple(_sqlite_value(v) for v in row) for row in conn.execute(select(table))]
            placeholders = ", ".join("?" for _ in columns)
            rows[name] = (f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({placeholders})", data)
        parents = {n: list(conn.execute(select(tables.metadata.tables[n]))) for n in ("users", "vehicles")}
    with fresh.transaction() as conn:
        for name, items in parents.items():
            if items:
                conn.execute(tables.metadata.tables[name].insert(), [dict(r._mapping) for r in items])
    fresh.close()
    total = sum(len(data) for _, data in rows.values())
    db = sqlite3.connect(target_path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
        db.execute(f"PRAGMA {pragma}")
    # The same number of transactions, each with its share of every table's rows.
    shares = max(1, transactions)
    gc.collect()
    began = time.perf_counter()
    for i in range(shares):
        db.execute("BEGIN")
        for name, (sql, data) in rows.items():
            # Trips are few, and waypoints and scores refer to them: they all go in the first transaction.
            part = (
                (data if i == 0 else [])
                if name == "trips"
                else data[i * len(data) // shares : (i + 1) * len(data) // shares]
            )
            if part:
                db.executemany(sql, part)
        db.execute("COMMIT")
    elapsed = time.perf_counter() - began
    db.close()
    return elapsed, total


def _sqlite_value(value: object) -> object:
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vehicles", type=int, default=300)
    parser.add_argument("--minutes", type=int, default=30)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(START)
        store = Store.open(f"sqlite:///{tmp}/e2e.db")
        specs = register(store, clock, args.vehicles, args.seed)
        print(f"simulating {args.vehicles} vehicles for {args.minutes} minutes of morning rush (device side) ...")
        bodies, reports, sim_s = device_bodies(specs, args.seed, args.minutes)
        clock.advance(args.minutes * 60 + 1)
        driving_share = reports / (args.vehicles * args.minutes * 60)
        print(f"{reports:,} reports in {len(bodies):,} native bodies ({driving_share:.0%} of vehicle-seconds reported)")

        e2e_s, transactions = end_to_end(store, clock, bodies, args.batch)
        raw_s, rows = raw_sqlite(store, Path(tmp) / "raw.db", transactions)
        store.close()

    e2e_rate = reports / e2e_s
    raw_rate = reports / raw_s
    vehicle_s = args.vehicles * args.minutes * 60
    per_report = e2e_s / reports
    sim_per_vehicle_s = sim_s / vehicle_s
    print()
    print(f"{'path':<58}{'reports/s':>12}{'seconds':>10}")
    print(
        f"{'end to end (decode, bus, pipeline, SQLite in ' + str(transactions) + ' transactions)':<58}"
        f"{e2e_rate:>12,.0f}{e2e_s:>10.2f}"
    )
    print(
        f"{'raw sqlite3 executemany of the same ' + format(rows, ',') + ' rows (baseline)':<58}"
        f"{raw_rate:>12,.0f}{raw_s:>10.2f}"
    )
    print(
        f"ratio end to end / raw: {e2e_rate / raw_rate:.2f} (target >= 0.3); end to end {e2e_rate:,.0f} reports/s "
        f"(target >= 20,000)"
    )
    print(
        f"rows per report: {rows / reports:.2f}; pipeline + writes {per_report * 1e6:.1f} us/report; "
        f"simulator {sim_per_vehicle_s * 1e6:.1f} us per vehicle-second"
    )
    print(
        f"vehicles one core keeps in real time at 1 report/s: platform alone {1 / per_report:,.0f}; "
        f"with the simulator in process {1 / (per_report + sim_per_vehicle_s * vehicle_s / reports):,.0f} "
        "(target 10,000)"
    )
    print("machine: " + ", ".join(f"{k} {v}" for k, v in describe().items()))


if __name__ == "__main__":
    main()
