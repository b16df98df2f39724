"""The sender against a real HTTP receiver on 127.0.0.1: headers, query, body, signature, outcomes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from connectedcar.delivery.payloads import (
    Message,
    MonitorContext,
    PendingEvent,
    VehicleContext,
    build_monitor_events,
)
from connectedcar.delivery.sender import USER_AGENT, Attempt, send, verify
from connectedcar.delivery.webhook import parse_webhook
from connectedcar.domain.clock import ManualClock
from connectedcar.engine.monitors.evaluation import Firing

KEY = b"test-signing-key-0123456789abcdef"
NOW = datetime(2024, 3, 4, 14, 30, tzinfo=UTC)
NOW_S = int(NOW.timestamp())


@dataclass
class Received:
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    port: int
    requests: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


def make_handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            split = urlsplit(self.path)
            receiver.requests.append(
                Received(split.path, parse_qsl(split.query), {k.lower(): v for k, v in self.headers.items()}, body)
            )
            if split.path == "/slow":
                receiver.release.wait(10)  # held until the test is over: the client's timeout comes first
            status, extra, payload = {
                "/ok": (200, {}, b'{"ok":true}'),
                "/created": (201, {}, b""),
                "/fail": (500, {}, b"boom"),
                "/unavailable": (503, {"Retry-After": "7"}, b""),
                "/busy": (429, {"Retry-After": "30"}, b""),
                "/timeout": (408, {}, b""),
                "/missing": (404, {}, b"no such hook"),
                "/forbidden": (403, {}, b""),
                "/redirect": (302, {"Location": "/ok"}, b""),
                "/big": (200, {}, b"x" * 10_000),
                "/slow": (200, {}, b""),
            }.get(split.path, (404, {}, b""))
            self.send_response(status)
            for k, v in extra.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up (the timeout test)
                self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = Receiver(port=server.server_address[1])
    server.RequestHandlerClass = make_handler(state)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


def webhook(url: str, attributes: list[dict[str, str]] | None = None) -> Any:
    return parse_webhook({"target": url, "name": "test", "attributes": attributes or []})


def message_for(target: Any) -> Message:
    firing = Firing("event", 1_709_562_600_000, 1_709_562_600_000, 0, ("zone",))
    return build_monitor_events(
        target,
        MonitorContext("mon-1", "Leave Paris", "fleet-1"),
        [PendingEvent(firing, VehicleContext("VR3UPHNKSKT101603", "veh-1"))],
    )


def deliver(target: Any, *, timeout: float = 5.0, allow_private: bool = True, **kwargs: Any) -> Attempt:
    async def go() -> Attempt:
        async with httpx.AsyncClient() as client:
            return await send(
                target,
                message_for(target),
                client=client,
                timeout=timeout,
                signing_key=KEY,
                clock=ManualClock(NOW),
                wall_clock=lambda: NOW_S,
                allow_private=allow_private,
                **kwargs,
            )

    return asyncio.run(go())


def test_delivers_with_attributes_and_signature(receiver: Receiver) -> None:
    target = webhook(
        receiver.url("/ok?static=1"),
        [
            {"type": "Header", "key": "Authorization", "value": "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="},
            {"type": "Header", "key": "X-Monitor", "value": "$MonitorLabel"},
            {"type": "Query", "key": "vin", "value": "$vin"},
            {"type": "Query", "key": "m", "value": "${monitorID}"},
            {"type": "Body", "key": "fleet", "value": "$fleetID"},
        ],
    )
    attempt = deliver(target)
    assert attempt.outcome == "delivered" and attempt.delivered and not attempt.retryable
    assert (attempt.status_code, attempt.error, attempt.response_body) == (200, None, '{"ok":true}')
    assert attempt.started_ms == NOW_S * 1000
    [req] = receiver.requests
    assert req.query == [("static", "1"), ("vin", "VR3UPHNKSKT101603"), ("m", "mon-1")]
    assert req.headers["authorization"] == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    assert req.headers["x-monitor"] == "Leave Paris"
    assert req.headers["content-type"] == "application/json"
    assert req.headers["user-agent"] == USER_AGENT
    assert req.headers["host"] == f"127.0.0.1:{receiver.port}"
    body = json.loads(req.body)
    assert body["monitorId"] == "mon-1"
    assert body["attributes"] == [{"key": "fleet", "value": "fleet-1"}]
    assert body["events"][0]["vin"] == "VR3UPHNKSKT101603"
    assert verify(KEY, req.headers, req.body, now_s=NOW_S) == attempt.message_id == body["events"][0]["eventId"]
    assert req.headers["webhook-timestamp"] == str(NOW_S)


def test_retried_delivery_carries_the_same_ids(receiver: Receiver) -> None:
    target = webhook(receiver.url("/fail"))
    first = deliver(target)
    second = deliver(target)
    assert first.message_id == second.message_id
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    bodies = [r.body for r in receiver.requests]
    assert ids[0] == ids[1] and bodies[0] == bodies[1]


@pytest.mark.parametrize(
    ("path", "outcome", "status", "retry_after"),
    [
        ("/ok", "delivered", 200, None),
        ("/created", "delivered", 201, None),
        ("/fail", "retry", 500, None),
        ("/unavailable", "retry", 503, 7),
        ("/busy", "retry", 429, 30),
        ("/timeout", "retry", 408, None),
        ("/missing", "failed", 404, None),
        ("/forbidden", "failed", 403, None),
        ("/redirect", "failed", 302, None),
    ],
)
def test_outcomes_by_status(receiver: Receiver, path: str, outcome: str, status: int, retry_after: int | None) -> None:
    attempt = deliver(webhook(receiver.url(path)))
    assert (attempt.outcome, attempt.status_code, attempt.retry_after_s) == (outcome, status, retry_after)
    assert (attempt.error is None) == (outcome == "delivered")
    assert len(receiver.requests) == 1  # the redirect was not followed


def test_response_body_is_truncated(receiver: Receiver) -> None:
    attempt = deliver(webhook(receiver.url("/big")))
    assert attempt.delivered
    assert attempt.response_body == "x" * 2048


def test_receiver_that_does_not_answer_in_time_is_retried(receiver: Receiver) -> None:
    attempt = deliver(webhook(receiver.url("/slow")), timeout=0.2)
    assert attempt.outcome == "retry"
    assert attempt.status_code is None
    assert attempt.error is not None and "timed out" in attempt.error


def test_receiver_down_is_retried() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    attempt = deliver(webhook(f"http://127.0.0.1:{port}/ok"))
    assert attempt.outcome == "retry"
    assert attempt.error is not None and "could not connect" in attempt.error


def test_private_target_refused_at_send_time(receiver: Receiver) -> None:
    attempt = deliver(webhook(receiver.url("/ok")), allow_private=False)
    assert attempt.outcome == "failed"
    assert attempt.error is not None and "loopback" in attempt.error
    assert receiver.requests == []


def test_connects_to_the_checked_address_with_the_name_as_host(receiver: Receiver) -> None:
    # The name exists only in this resolver: the request reaching the receiver proves the sender
    # connected to the address it checked, not to a second lookup. 127.0.0.2 refuses (the receiver
    # listens on 127.0.0.1 only), so the next checked address is used.
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.2", "127.0.0.1"]

    attempt = deliver(webhook(receiver.url("/ok", host="receiver.test")), resolve=resolve)
    assert attempt.delivered
    assert calls == ["receiver.test"]
    [req] = receiver.requests
    assert req.headers["host"] == f"receiver.test:{receiver.port}"


def test_unresolvable_target_is_retried(receiver: Receiver) -> None:
    def resolve(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    attempt = deliver(webhook(receiver.url("/ok", host="gone.test")), resolve=resolve)
    assert attempt.outcome == "retry"
    assert attempt.error is not None and "does not resolve" in attempt.error
