"""The delivery worker against a real local HTTP receiver: signatures and attributes, batching, each
retry policy, a receiver that is down and then up, final refusals."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from connectedcar.delivery.payloads import MonitorContext, PendingEvent, VehicleContext, render_event
from connectedcar.delivery.policy import RETENTION_MS
from connectedcar.delivery.sender import decode_secret, verify
from connectedcar.domain.entities import Vehicle
from connectedcar.domain.timefmt import to_ms
from connectedcar.engine.monitors.evaluation import Firing
from connectedcar.runtime import Runtime
from connectedcar.store import outbox
from connectedcar.store.monitors import MonitorRow
from connectedcar.store.outbox import OutboxEvent
from tests.api.fleet.monitor_bodies import seed_monitor
from tests.receiver import Received, Receiver
from tests.support import FleetAccount, World, free_port, install


def monitor_body(
    target: str,
    *,
    retry: dict[str, Any] | None = None,
    batch: dict[str, Any] | None = None,
    attributes: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    body = seed_monitor(target)
    subscribe = body["subscribeParam"]
    subscribe.pop("batchNotify")
    subscribe["retryPolicy"] = retry or {"policy": "None"}
    if batch is not None:
        subscribe["batchNotify"] = batch
    subscribe["callback"]["attributes"] = attributes if attributes is not None else []
    return body


SEQ = itertools.count()


def queue(rt: Runtime, row: MonitorRow, vehicle: Vehicle, count: int = 1, *, scoped: bool = False) -> list[str]:
    """Queue `count` events of the monitor for the vehicle, as the processor would; their ids."""
    now_ms = to_ms(rt.clock.now())
    items = []
    for _ in range(count):
        firing = Firing("event", now_ms, now_ms + next(SEQ), 0, ("outOfParis",))  # a distinct occurrence each
        item = render_event(
            MonitorContext(row.id, row.label, row.fleet_id),
            PendingEvent(firing, VehicleContext(vehicle.vin, vehicle.id)),
        )
        items.append(
            OutboxEvent(
                event_id=item["eventId"],
                kind="monitor",
                subscription_id=row.id,
                batch_key=f"{row.id}/{vehicle.id}" if scoped else row.id,
                event=item,
                created_at=now_ms,
                expires_at=now_ms + RETENTION_MS,
                fleet_id=row.fleet_id,
                vehicle_id=vehicle.id,
                vin=vehicle.vin,
            )
        )
    with rt.store.transaction() as conn:
        outbox.enqueue(conn, items)
    rt.delivery.wake()
    return [e.event_id for e in items]


def rows(rt: Runtime, row: MonitorRow) -> list[dict[str, Any]]:
    with rt.store.transaction() as conn:
        return outbox.events_of(conn, row.id)


def attempts(rt: Runtime, row: MonitorRow) -> list[dict[str, Any]]:
    with rt.store.transaction() as conn:
        return outbox.attempts_of(conn, row.id)


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


@pytest.fixture
def worker(fresh: Runtime) -> Iterator[Runtime]:
    fresh.delivery.poll_s = 0.02
    fresh.delivery.start()
    yield fresh
    fresh.delivery.stop()


@pytest.fixture
def fleet(fresh_world: World) -> FleetAccount:
    return fresh_world.fleet(vehicles=2)


def test_an_event_is_posted_signed_with_its_attributes(worker: Runtime, fleet: FleetAccount) -> None:
    attributes = [
        {"type": "Query", "key": "vin", "value": "$vin"},
        {"type": "Header", "key": "X-Token", "value": "Bearer-${monitorLabel}"},
        {"type": "Body", "key": "fleet", "value": "$fleetID"},
    ]
    with Receiver() as receiver:
        row = install(worker, fleet, monitor_body(receiver.url, attributes=attributes))
        vehicle = fleet.vehicles[0]
        [event_id] = queue(worker, row, vehicle, scoped=True)
        [got] = receiver.wait_for(1)
    assert got.path == "/hooks"
    assert got.query == {"vin": vehicle.vin}
    assert got.headers["x-token"] == f"Bearer-{row.label}"
    assert got.headers["webhook-id"] == event_id
    assert fleet.fleet.webhook_secret is not None
    key = decode_secret(fleet.fleet.webhook_secret)
    assert verify(key, got.headers, got.body, int(time.time())) == event_id
    body = got.json()
    assert body["monitorId"] == row.id
    assert body["attributes"] == [{"key": "fleet", "value": fleet.fleet.id}]
    assert [e["eventId"] for e in body["events"]] == [event_id]
    assert body["events"][0]["vin"] == vehicle.vin
    eventually(lambda: rows(worker, row)[0]["delivered_at"] is not None)
    [attempt] = attempts(worker, row)
    assert attempt["outcome"] == "delivered" and attempt["status_code"] == 200 and attempt["events"] == 1


def test_a_tampered_body_fails_verification(worker: Runtime, fleet: FleetAccount) -> None:
    with Receiver() as receiver:
        row = install(worker, fleet, monitor_body(receiver.url))
        queue(worker, row, fleet.vehicles[0])
        [got] = receiver.wait_for(1)
    assert fleet.fleet.webhook_secret is not None
    key = decode_secret(fleet.fleet.webhook_secret)
    with pytest.raises(ValueError, match="signature"):
        verify(key, got.headers, got.body.replace(b"monitorId", b"monitorID"), int(time.time()))


def test_batches_close_on_size_or_on_their_time_window(worker: Runtime, fleet: FleetAccount) -> None:
    with Receiver() as receiver:
        row = install(worker, fleet, monitor_body(receiver.url, batch={"size": 3, "timeWindow": 300}))
        first, second = fleet.vehicles
        ids = queue(worker, row, first, 4) + queue(worker, row, second, 3)
        got = receiver.wait_for(2)
        time.sleep(0.2)
        assert len(receiver.received) == 2  # the seventh event waits for more, or for the window
        assert [len(r.json()["events"]) for r in got] == [3, 3]
        worker.clock.advance(300)  # type: ignore[attr-defined]
        got = receiver.wait_for(3)
    delivered = [e["eventId"] for r in got for e in r.json()["events"]]
    assert delivered == ids  # in order, each once
    assert len({r.headers["webhook-id"] for r in got}) == 3


def test_a_vehicle_scoped_webhook_batches_per_vehicle(worker: Runtime, fleet: FleetAccount) -> None:
    attributes = [{"type": "Query", "key": "vin", "value": "$vin"}]
    with Receiver() as receiver:
        row = install(
            worker, fleet, monitor_body(receiver.url, batch={"size": 2, "timeWindow": 60}, attributes=attributes)
        )
        first, second = fleet.vehicles
        queue(worker, row, first, 2, scoped=True)
        queue(worker, row, second, 2, scoped=True)
        got = receiver.wait_for(2)
    for request in got:
        assert {e["vin"] for e in request.json()["events"]} == {request.query["vin"]}


def failing(times: int, status: int = 500) -> Callable[[Received], int]:
    count = {"n": 0}

    def respond(_: Received) -> int:
        count["n"] += 1
        return status if count["n"] <= times else 200

    return respond


def test_bounded_retries_then_gives_up(worker: Runtime, fleet: FleetAccount) -> None:
    with Receiver(failing(100)) as receiver:
        row = install(
            worker, fleet, monitor_body(receiver.url, retry={"policy": "Bounded", "retryNumber": 2, "retryDelay": 5})
        )
        queue(worker, row, fleet.vehicles[0])
        receiver.wait_for(1, delivered=False)
        for n in (2, 3):
            time.sleep(0.1)
            assert len(receiver.received) == n - 1  # not before the delay
            worker.clock.advance(5)  # type: ignore[attr-defined]
            receiver.wait_for(n, delivered=False)
        eventually(lambda: rows(worker, row)[0]["failed_at"] is not None)
        worker.clock.advance(60)  # type: ignore[attr-defined]
        time.sleep(0.2)
    assert len(receiver.received) == 3  # one try and two retries
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # the same message each time
    outcomes = [a["outcome"] for a in attempts(worker, row)]
    assert outcomes == ["retry", "retry", "retry"]
    assert rows(worker, row)[0]["attempts"] == 3
    assert rows(worker, row)[0]["last_error"] == "HTTP 500"


def test_policy_none_tries_once(worker: Runtime, fleet: FleetAccount) -> None:
    with Receiver(failing(100, 503)) as receiver:
        row = install(worker, fleet, monitor_body(receiver.url))
        queue(worker, row, fleet.vehicles[0])
        receiver.wait_for(1, delivered=False)
        eventually(lambda: rows(worker, row)[0]["failed_at"] is not None)
        worker.clock.advance(3600)  # type: ignore[attr-defined]
        time.sleep(0.2)
    assert len(receiver.received) == 1


def test_always_retries_until_the_receiver_comes_back(worker: Runtime, fleet: FleetAccount) -> None:
    port = free_port()
    target = f"http://127.0.0.1:{port}/hooks"
    row = install(worker, fleet, monitor_body(target, retry={"policy": "Always", "retryDelay": 10}))
    ids = queue(worker, row, fleet.vehicles[0], 2)
    eventually(lambda: len(attempts(worker, row)) >= 1)  # refused: nobody listens
    assert attempts(worker, row)[0]["outcome"] == "retry"
    assert "connect" in attempts(worker, row)[0]["error"]
    with Receiver(failing(2, 503), port=port) as receiver:  # up, but unwell twice
        for _ in range(3):
            worker.clock.advance(10)  # type: ignore[attr-defined]
            time.sleep(0.1)
        got = receiver.wait_for(2)
    assert [e["eventId"] for r in got for e in r.json()["events"]] == ids  # in order, nothing lost
    eventually(lambda: all(r["delivered_at"] is not None for r in rows(worker, row)))


def test_a_final_refusal_is_not_retried(worker: Runtime, fleet: FleetAccount) -> None:
    with Receiver(failing(100, 410)) as receiver:
        row = install(worker, fleet, monitor_body(receiver.url, retry={"policy": "Always", "retryDelay": 1}))
        queue(worker, row, fleet.vehicles[0])
        receiver.wait_for(1, delivered=False)
        eventually(lambda: rows(worker, row)[0]["failed_at"] is not None)
        worker.clock.advance(10)  # type: ignore[attr-defined]
        time.sleep(0.2)
    assert len(receiver.received) == 1
    assert attempts(worker, row)[0]["outcome"] == "failed"


def test_events_of_a_failing_message_keep_later_ones_waiting(worker: Runtime, fleet: FleetAccount) -> None:
    with Receiver(failing(1)) as receiver:
        row = install(
            worker, fleet, monitor_body(receiver.url, retry={"policy": "Bounded", "retryNumber": 3, "retryDelay": 2})
        )
        first = queue(worker, row, fleet.vehicles[0])
        receiver.wait_for(1, delivered=False)
        second = queue(worker, row, fleet.vehicles[0])
        time.sleep(0.2)
        assert len(receiver.received) == 1  # the second waits behind the first
        worker.clock.advance(2)  # type: ignore[attr-defined]
        got = receiver.wait_for(2)
    assert [r.json()["events"][0]["eventId"] for r in got] == first + second
