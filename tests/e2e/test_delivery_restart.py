"""kill -9 of the platform in the middle of a webhook delivery, then a restart: nothing is lost.

A real `connectedcar serve` process (SQLite file, real clock) receives a vehicle's reports over the
native ingest protocol; the vehicle leaves a zone, the monitor fires, and the receiver holds the
webhook request without answering. The platform is killed with SIGKILL while the request is in
flight; a new process on the same database posts the same message again (same webhook-id, same
event), which the receiver now accepts.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectedcar import provision
from connectedcar.config import Settings
from connectedcar.domain.clock import SystemClock
from connectedcar.domain.ids import new_monitor_id
from connectedcar.domain.timefmt import to_ms
from connectedcar.runtime import build_runtime
from connectedcar.store import monitors as monitor_store
from connectedcar.store import outbox
from connectedcar.store.monitors import MonitorRow
from tests.receiver import Received, Receiver
from tests.support import free_port

HOME = (48.85, 2.35)
AWAY = (48.85, 2.45)  # about 7 km east


def zone_monitor(target: str) -> dict[str, Any]:
    return {
        "label": "left home",
        "subscribeParam": {
            "retryPolicy": {"policy": "Always", "retryDelay": 1},
            "callback": {"target": target, "name": "hook", "attributes": []},
        },
        "triggerParam": {
            "triggers": [
                {
                    "name": "home",
                    "zone": {
                        "transition": "Out",
                        "circle": {"radius": 2, "center": {"latitude": HOME[0], "longitude": HOME[1]}},
                    },
                }
            ],
            "boolExp": "home",
        },
    }


class Platform:
    """`connectedcar serve` in a child process."""

    def __init__(self, database_url: str, port: int, log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "CONNECTEDCAR_DATABASE_URL": database_url,
            "CONNECTEDCAR_HOST": "127.0.0.1",
            "CONNECTEDCAR_PORT": str(port),
            "CONNECTEDCAR_OSMAND_PORT": "0",
            "CONNECTEDCAR_WEBHOOK_ALLOW_PRIVATE": "true",
            "CONNECTEDCAR_REORDER_WINDOW_MS": "0",
        }
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "connectedcar"), "serve"], env=env, stdout=self._log, stderr=self._log
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{self.url}/connectedcar/v2/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"the platform did not start: see {log}") from None
                time.sleep(0.1)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'platform.db'}"


def report(at_ms: int, where: tuple[float, float]) -> dict[str, Any]:
    return {"timestamp": at_ms, "position": {"lat": where[0], "lon": where[1], "speed": 40}}


def test_a_kill_mid_delivery_loses_nothing(sqlite_file: str, tmp_path: Path) -> None:
    held = threading.Event()
    release = threading.Event()
    first_time = {"yes": True}

    def respond(_: Received) -> int:
        if first_time["yes"]:
            first_time["yes"] = False
            held.set()
            release.wait(30)  # the platform dies while this request waits for its answer
            return 200
        return 200

    with Receiver(respond) as receiver:
        # Provision with the real clock, as an operator would, then let the platform run.
        runtime = build_runtime(Settings(database_url=sqlite_file, secret_key="k"), SystemClock())
        with runtime.store.transaction() as conn:
            fleet = provision.create_fleet(conn, runtime.clock, name="restart").fleet
            vehicle = provision.create_vehicle(
                conn, runtime.clock, vin="VR3UHZKXZKT000001", owner_email=None, brand="P", energy="Fuel"
            )
            provision.add_to_fleet(conn, runtime.clock, fleet.id, vehicle_id=vehicle.id)
            token = provision.issue_device_token(conn, runtime.clock, vehicle.id)
            now_ms = to_ms(runtime.clock.now())
            row = MonitorRow(
                new_monitor_id(), fleet.id, "left home", "Running", zone_monitor(receiver.url), now_ms, now_ms
            )
            monitor_store.create(conn, row)
        runtime.close()

        port = free_port()
        platform = Platform(sqlite_file, port, tmp_path / "platform.log")
        try:
            start = int(time.time() * 1000) - 60_000
            body = {"reports": [report(start, HOME), report(start + 30_000, AWAY)]}
            sent = httpx.post(
                f"{platform.url}/ingest/v1/reports", json=body, headers={"Authorization": f"Bearer {token}"}
            )
            assert sent.status_code in (200, 202), sent.text
            assert held.wait(20), "the monitor's event never reached the receiver"
            platform.kill()  # SIGKILL while the receiver holds the request
        finally:
            release.set()
            platform.stop()
        first = receiver.received[0]

        platform = Platform(sqlite_file, port, tmp_path / "platform.log")
        try:
            # The first request's answer found its sender dead: the platform never saw it delivered,
            # so the same message comes again, and this time is delivered.
            [again] = receiver.wait_for(1, timeout=20)
        finally:
            platform.stop()
    assert len(receiver.received) == 2

    assert again.headers["webhook-id"] == first.headers["webhook-id"]
    assert again.json()["events"] == first.json()["events"]
    [event] = again.json()["events"]
    assert event["vin"] == "VR3UHZKXZKT000001"
    check = build_runtime(Settings(database_url=sqlite_file, secret_key="k"), SystemClock())
    try:
        with check.store.transaction() as conn:
            [queued] = outbox.events_of(conn, row.id)
        assert queued["delivered_at"] is not None
    finally:
        check.close()
