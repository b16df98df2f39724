"""Remote actions per second, accepted and fully reported to a local receiver, against the same number
of plain monitor events through the same delivery, in the same run.

    .venv/bin/python bench/remotes.py [--actions 1000] [--vehicles 100]

Remote actions: `actions` door unlocks over `vehicles` vehicles of one fleet, 10 callbacks (no
batching), each action submitted (RemoteService.submit, as POST .../remotes does after validation:
Accepted, CheckingVehicle), taken by its vehicle (fetch: SentToVehicle) and answered (result: Success),
each step in its own transaction; timed until the receiver has all four reports of every action,
posted signed by the delivery worker. Baseline: the same number of events (four per action), queued
as monitor events for 10 monitors and posted by the same worker to the same receiver. The receiver is
a minimal uvicorn app in a process of its own.
Ratios are printed, not asserted.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from connectedcar import provision
from connectedcar.delivery.payloads import MonitorContext, PendingEvent, VehicleContext, render_event
from connectedcar.delivery.policy import RETENTION_MS
from connectedcar.delivery.worker import DeliveryWorker
from connectedcar.domain.clock import ManualClock, SystemClock
from connectedcar.domain.ids import new_monitor_id
from connectedcar.engine.monitors.evaluation import Firing
from connectedcar.engine.remotes.parsing import parse_remote_action
from connectedcar.monitoring.subscriptions import MonitorSubscriptions
from connectedcar.remote.service import RemoteService, VehicleFacts
from connectedcar.remote.subscriptions import CallbackSubscriptions
from connectedcar.store import monitors as monitor_store
from connectedcar.store import outbox
from connectedcar.store import remotes as remote_store
from connectedcar.store.monitors import MonitorRow
from connectedcar.store.outbox import OutboxEvent
from connectedcar.store.remotes import CallbackRow
from connectedcar.store.store import Store
from ingest import START, register
from machine import describe
from monitors import monitor_body, start_receiver

CALLBACKS = 10


def setup(path: str, vehicles: int) -> tuple[Store, str, list[tuple[str, str]]]:
    store = Store.open(f"sqlite:///{path}")
    clock = ManualClock(START)
    specs = register(store, clock, vehicles, 3)
    with store.transaction() as conn:
        fleet = provision.create_fleet(conn, clock, name="bench").fleet
        for spec in specs:
            provision.add_to_fleet(conn, clock, fleet.id, vehicle_id=spec.vehicle_id)
    return store, fleet.id, [(s.vehicle_id, s.vin) for s in specs]


def wait_delivered(worker: DeliveryWorker, events: int, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while worker.stats.events_delivered < events:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {worker.stats.events_delivered} of {events} events delivered")
        time.sleep(0.005)


def remote_run(tmp: str, actions: int, vehicles: int, target: str) -> float:
    store, fleet_id, cars = setup(f"{tmp}/remotes.db", vehicles)
    clock = SystemClock()
    vins = dict(cars)
    facts = lambda conn, vid: VehicleFacts(vins[vid], int(time.time() * 1000), 12.6)  # noqa: E731 - awake cars
    now_ms = int(time.time() * 1000)
    callbacks = []
    with store.transaction() as conn:
        for i in range(CALLBACKS):
            body = {
                "label": f"cb{i}",
                "callback": {"webhook": {"target": target, "name": "bench"}},
                "notificationTypes": ["Doors"],
            }
            row = CallbackRow(new_monitor_id(), fleet_id, f"cb{i}", "Running", body, now_ms, now_ms)
            remote_store.create_callback(conn, row)
            callbacks.append(row)
    worker = DeliveryWorker(store, clock, {"remote": CallbackSubscriptions(store)}, allow_private=True, poll_s=0.005)
    service = RemoteService(facts, on_events=worker.wake)
    body = {"door": {"state": "Unlocked"}}
    parsed = parse_remote_action(body)
    rng = random.Random(1)
    worker.start()
    began = time.perf_counter()
    submitted: list[tuple[str, str]] = []
    for n in range(actions):
        vehicle_id = cars[n % len(cars)][0]
        callback = callbacks[rng.randrange(CALLBACKS)]
        now = int(time.time() * 1000)
        with store.transaction() as conn:
            row = service.submit(
                conn,
                action_id=new_monitor_id(),
                fleet_id=fleet_id,
                vehicle_id=vehicle_id,
                callback=callback,
                remote=parsed,
                body=body,
                now_ms=now,
            )
        with store.transaction() as conn:
            service.fetch(conn, vehicle_id, int(time.time() * 1000))
        with store.transaction() as conn:
            service.result(conn, vehicle_id, row.id, {"result": "Success"}, int(time.time() * 1000))
        submitted.append((vehicle_id, row.id))
        worker.wake()
    wait_delivered(worker, actions * 4)
    elapsed = time.perf_counter() - began
    worker.stop()
    store.close()
    return elapsed


def monitor_run(tmp: str, events: int, vehicles: int, target: str) -> float:
    store, fleet_id, cars = setup(f"{tmp}/monitors.db", vehicles)
    clock = SystemClock()
    rng = random.Random(9)
    now_ms = int(time.time() * 1000)
    rows = [
        MonitorRow(f"m{i:04d}", fleet_id, "zone", "Running", monitor_body(rng, target), now_ms, now_ms)
        for i in range(CALLBACKS)
    ]
    with store.transaction() as conn:
        for row in rows:
            monitor_store.create(conn, row)
    worker = DeliveryWorker(store, clock, {"monitor": MonitorSubscriptions(store)}, allow_private=True, poll_s=0.005)
    worker.start()
    began = time.perf_counter()
    for n in range(0, events, 4):  # queued four at a time, as an action's reports come
        now = int(time.time() * 1000)
        items = []
        for k in range(min(4, events - n)):
            row = rows[rng.randrange(CALLBACKS)]
            vehicle_id, vin = cars[(n // 4) % len(cars)]
            firing = Firing("event", now, now + n + k, 0, ("z",))
            item = render_event(
                MonitorContext(row.id, row.label, fleet_id), PendingEvent(firing, VehicleContext(vin, vehicle_id))
            )
            items.append(
                OutboxEvent(
                    item["eventId"], "monitor", row.id, row.id, item, now, now + RETENTION_MS, fleet_id, vehicle_id, vin
                )
            )
        with store.transaction() as conn:
            outbox.enqueue(conn, items)
        worker.wake()
    wait_delivered(worker, events)
    elapsed = time.perf_counter() - began
    worker.stop()
    store.close()
    return elapsed


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--vehicles", type=int, default=100)
    args = parser.parse_args()
    receiver, target = start_receiver()
    with tempfile.TemporaryDirectory() as tmp:
        baseline_s = monitor_run(tmp, args.actions * 4, args.vehicles, target)
        remote_s = remote_run(tmp, args.actions, args.vehicles, target)
    receiver.terminate()
    events = args.actions * 4
    print(f"machine: {describe()}")
    print(f"{args.actions:,} remote actions (4 reports each) over {args.vehicles} vehicles, {CALLBACKS} callbacks")
    print(f"monitor events, same delivery (baseline)  {events / baseline_s:>8,.0f} events/s")
    print(
        f"remote actions, accepted and reported      {args.actions / remote_s:>8,.0f} actions/s"
        f"   ({events / remote_s:,.0f} events/s)   ratio {baseline_s / remote_s:.2f}"
    )


if __name__ == "__main__":
    main()
