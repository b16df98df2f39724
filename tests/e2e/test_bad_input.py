"""Bad input from devices: each a clear 4xx naming the problem; what was accepted before and after is
processed and shown, and the pipeline keeps going."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from connectedcar import provision
from connectedcar.runtime import Runtime
from tests.support import Server, World


def _report(at_ms: int, lat: float = 48.85, **extra: Any) -> dict[str, Any]:
    return {"timestamp": at_ms, "position": {"lat": lat, "lon": 2.35, "speed": 20}, "ignition": True, **extra}


@pytest.mark.parametrize(
    ("body", "status", "named"),
    [
        (b"{not json", 400, "body"),
        (orjson.dumps({"reports": [{"position": {"lat": 48.8, "lon": 2.3}}]}), 400, "timestamp"),
        (orjson.dumps({"reports": [_report(0, lat=123.0)]}), 400, "position.lat"),
        (orjson.dumps({"reports": [_report(4_102_444_800_000)]}), 400, "timestamp"),  # 2100
        (orjson.dumps({"reports": [_report(0, colour="red")]}), 400, "colour"),
        (orjson.dumps({"reports": [_report(0)] * 1001}), 400, "reports"),
        (
            b'{"reports": ['
            + b",".join([orjson.dumps(_report(0, telemetry={"vehicle": {"odometer": 1}}))] * 12000)
            + b"]}",
            413,
            "",
        ),
    ],
)
def test_bad_batches_are_refused_and_what_was_accepted_is_kept(
    http: httpx.Client, server: Server, runtime: Runtime, world: World, body: bytes, status: int, named: str
) -> None:
    user = world.user()
    vehicle = world.vehicle(user)
    with runtime.store.transaction() as conn:
        token = provision.issue_device_token(conn, runtime.clock, vehicle.id)
    now = int(runtime.clock.now().timestamp() * 1000)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    good = [_report(now - 60_000 + i * 1000) for i in range(10)]

    assert (
        http.post("/ingest/v1/reports", content=orjson.dumps({"reports": good[:5]}), headers=headers).status_code == 202
    )
    # the bad batch refers to "now" where it needs a valid time
    bad = http.post(
        "/ingest/v1/reports", content=body.replace(b'"timestamp":0', f'"timestamp":{now}'.encode()), headers=headers
    )
    assert bad.status_code == status, bad.text
    if status == 400:
        error = bad.json()
        assert set(error) == {"code", "uuid", "message"} and named in error["message"]
        assert "accepted" in error["message"]  # it says none of the batch was
    assert (
        http.post("/ingest/v1/reports", content=orjson.dumps({"reports": good[5:]}), headers=headers).status_code == 202
    )

    runtime.processor.process(runtime.bus.drain())
    client, _ = world.client()
    telemetry = http.get(
        f"/connectedcar/v2/vehicles/{vehicle.id}/telemetry",
        params={"client_id": client.client_id, "since": "2000-01-01T00:00:00Z"},
        headers={"Authorization": f"Bearer {world.token(user, client)}"},
    )
    assert telemetry.json()["total"] == 10, "both good batches, nothing of the bad one"


def test_unknown_device_tokens_are_401(http: httpx.Client) -> None:
    response = http.post(
        "/ingest/v1/reports",
        content=orjson.dumps({"timestamp": 0, "position": {"lat": 48.8, "lon": 2.3}}),
        headers={"Authorization": "Bearer not-a-device", "Content-Type": "application/json"},
    )
    assert response.status_code == 401 and response.json()["code"] // 100 == 401
