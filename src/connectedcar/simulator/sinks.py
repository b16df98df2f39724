"""Where simulated reports go: the ingest protocol, in process (CallbackSink, e.g. the bus's
publish) or over HTTP to a platform anywhere (HttpSink, POST /ingest/v1/reports per vehicle).

The platform may answer a vehicle's reports with the commands waiting for it ({"commands": [...]},
as Traccar answers devices): HttpSink keeps them for the simulator (a CommandSource)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Protocol

import httpx

from connectedcar.domain.reports import Report
from connectedcar.ingest import native
from connectedcar.simulator.commands import commands_in

INGEST_PATH = "/ingest/v1/reports"


class Sink(Protocol):
    async def send(self, reports: Sequence[Report]) -> None:
        """Deliver one step's reports; return once the platform has accepted them."""
        ...


class CallbackSink:
    """Hands reports to an async callable in the same process (the platform's bus.publish)."""

    def __init__(self, callback: Callable[[Sequence[Report]], Awaitable[None]]) -> None:
        self._callback = callback

    async def send(self, reports: Sequence[Report]) -> None:
        if reports:
            await self._callback(reports)


class MemorySink:
    """Keeps what it is sent: for tests and dry runs."""

    def __init__(self) -> None:
        self.reports: list[Report] = []

    async def send(self, reports: Sequence[Report]) -> None:
        self.reports.extend(reports)


class IngestRejected(Exception):
    def __init__(self, vehicle_id: str, status: int, body: str) -> None:
        super().__init__(f"{vehicle_id}: the platform answered {status}: {body[:500]}")
        self.vehicle_id, self.status, self.body = vehicle_id, status, body


class HttpSink:
    """POSTs each vehicle's reports of a step as one native batch (or several of at most
    native.MAX_BATCH), authenticated with that vehicle's device token, over keep-alive connections.

    A 4xx is a bug in the simulator or a missing token: it raises IngestRejected. 5xx and transport
    errors are retried with backoff, `retries` times, as a real device would before giving up.

    Commands in the platform's answers go to `on_commands(vehicle_id, commands)` if given (e.g.
    Fleet.receive), else wait in the sink until take_commands() (which the runner calls after each
    send when it has a command channel)."""

    def __init__(
        self,
        base_url: str,
        tokens: Mapping[str, str],
        *,
        concurrency: int = 16,
        retries: int = 3,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        on_commands: Callable[[str, list[dict[str, Any]]], object] | None = None,
    ) -> None:
        self._tokens = dict(tokens)
        self._on_commands = on_commands
        self._commands: dict[str, list[dict[str, Any]]] = {}
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=timeout_s,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            transport=transport,
        )
        self._semaphore = asyncio.Semaphore(concurrency)
        self._retries = retries
        self.sent = 0  # reports accepted so far
        self.commands_received = 0  # commands found in the platform's answers

    async def send(self, reports: Sequence[Report]) -> None:
        by_vehicle: dict[str, list[Report]] = {}
        for report in reports:
            by_vehicle.setdefault(report.vehicle_id, []).append(report)
        batches = [
            (vehicle_id, items[i : i + native.MAX_BATCH])
            for vehicle_id, items in by_vehicle.items()
            for i in range(0, len(items), native.MAX_BATCH)
        ]
        await asyncio.gather(*(self._post(vehicle_id, batch) for vehicle_id, batch in batches))

    async def _post(self, vehicle_id: str, batch: list[Report]) -> None:
        token = self._tokens.get(vehicle_id)
        if token is None:
            raise KeyError(f"no device token for vehicle {vehicle_id}")
        body = native.encode_batch(batch)
        headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
        async with self._semaphore:
            for attempt in range(self._retries + 1):
                try:
                    response = await self._client.post(INGEST_PATH, content=body, headers=headers)
                except httpx.TransportError:
                    if attempt == self._retries:
                        raise
                else:
                    if response.status_code < 300:
                        self.sent += len(batch)
                        self._keep_commands(vehicle_id, response)
                        return
                    if response.status_code < 500 and response.status_code != 429:
                        raise IngestRejected(vehicle_id, response.status_code, response.text)
                    if attempt == self._retries:
                        raise IngestRejected(vehicle_id, response.status_code, response.text)
                await asyncio.sleep(0.2 * 2**attempt)

    def _keep_commands(self, vehicle_id: str, response: httpx.Response) -> None:
        if b"commands" not in response.content:  # the usual answer, {"accepted": n}: no parse
            return
        commands = commands_in(response.content, vehicle_id)
        if not commands:
            return
        self.commands_received += len(commands)
        if self._on_commands is not None:
            self._on_commands(vehicle_id, commands)
        else:
            self._commands.setdefault(vehicle_id, []).extend(commands)

    def take_commands(self) -> dict[str, list[dict[str, Any]]]:
        """The commands received in answers since the last call, by vehicle."""
        commands, self._commands = self._commands, {}
        return commands

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> HttpSink:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
