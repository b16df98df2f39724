"""The command channel: how simulated vehicles get remote actions from the platform and answer them,
exactly as a real vehicle's telematics unit would.

A command, as the platform hands it to a vehicle (JSON):

    {"id": "<remoteActionId>", "type": "Doors", "action": {"door": {"state": "Unlocked"}},
     "issuedAt": "2026-11-02T08:00:00.000Z", "expiresAt": "2026-11-02T08:05:00.000Z"}

`action` is the action body as the API received it (engine.remotes.parsing.parse_remote_action reads
it). A result, as the vehicle reports it:

    {"result": "Success" | "AlreadyDone" | "Failed", "failureCause": "DoorsOpen", "timestamp": "<RFC 3339>"}

with failureCause (engine.remotes.model.FailureCause) only when Failed.

The simulator depends on the CommandChannel protocol only. Implementations: HttpCommandChannel (a
platform anywhere, over the ingest endpoints, with each vehicle's device token), MemoryCommandChannel
(tests and dry runs), and the platform's own in-process channel for the demo. HttpSink also hands over
the commands the platform piggybacks on its answers to POST /ingest/v1/reports (CommandSource).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, runtime_checkable
from urllib.parse import quote

import httpx
import orjson

from connectedcar.domain.timefmt import format_ms, parse_rfc3339, to_ms
from connectedcar.engine.remotes.model import DoneStatus, FailureCause, FeedbackDetail, RemoteAction
from connectedcar.engine.remotes.parsing import RemoteError, parse_remote_action

COMMANDS_PATH = "/ingest/v1/commands"
RESULT_PATH = "/ingest/v1/commands/{id}/result"


class CommandChannel(Protocol):
    async def fetch(self, vehicle_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """The commands waiting for each of these vehicles (vehicles without any may be left out);
        fetching marks them delivered to the vehicle."""
        ...

    async def report(self, vehicle_id: str, command_id: str, result: dict[str, Any]) -> None:
        """Hand the vehicle's result of one command (the result JSON) to the platform."""
        ...


@runtime_checkable
class CommandSource(Protocol):
    """A sink that receives commands in the platform's answers (HttpSink): the runner drains it."""

    def take_commands(self) -> dict[str, list[dict[str, Any]]]: ...


class CommandError(ValueError):
    """A command the vehicle cannot even answer: not an object, or without an id."""


@dataclass(frozen=True, slots=True)
class Command:
    """One command as a vehicle decodes it. A command whose action does not parse, or does not match its
    type, is still a command: the vehicle answers it Failed WrongCommand (`problem` says why)."""

    id: str
    type: str
    body: Mapping[str, Any]  # the action body as the API received it
    remote: RemoteAction | None  # None when the body is not a valid action of this type
    issued_at_ms: int | None = None
    expires_at_ms: int | None = None
    problem: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | bytes | str) -> Command:
        """Decode a command; raises CommandError only when it has no usable id."""
        obj: Any = orjson.loads(data) if isinstance(data, bytes | str) else data
        if not isinstance(obj, Mapping):
            raise CommandError("a command must be a JSON object")
        command_id = obj.get("id")
        if not isinstance(command_id, str) or not command_id:
            raise CommandError("a command needs its id (the remoteActionId) as a non-empty string")
        kind = obj.get("type")
        kind = kind if isinstance(kind, str) else ""
        body = obj.get("action")
        remote: RemoteAction | None = None
        problem: str | None = None
        if not isinstance(body, Mapping):
            problem, body = "action must be a JSON object", {}
        else:
            try:
                remote = parse_remote_action(body)
            except RemoteError as exc:
                problem = str(exc)
            else:
                if remote.type != kind:
                    problem = f"type {kind!r} does not match the action, which is a {remote.type} action"
                    remote = None
        return cls(
            id=command_id,
            type=kind,
            body=body,
            remote=remote,
            issued_at_ms=_time_ms(obj.get("issuedAt")),
            expires_at_ms=_time_ms(obj.get("expiresAt")),
            problem=problem,
        )


def _time_ms(value: Any) -> int | None:
    """RFC 3339 (the contract), or epoch milliseconds; None when absent or unreadable (no deadline)."""
    if isinstance(value, str):
        try:
            return to_ms(parse_rfc3339(value))
        except ValueError:
            return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


@dataclass(frozen=True, slots=True)
class CommandResult:
    """A vehicle's answer to one command, and when it gave it."""

    vehicle_id: str
    command_id: str
    result: DoneStatus
    at_ms: int
    failure_cause: FailureCause | None = None
    # The engine's feedback detail of a forced lock; kept here, not sent: the channel's result has no
    # field for it.
    feedback_detail: FeedbackDetail | None = None

    def __post_init__(self) -> None:
        if (self.result == "Failed") != (self.failure_cause is not None):
            raise ValueError("a failure cause is given with a Failed result, and only then")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"result": self.result}
        if self.failure_cause is not None:
            out["failureCause"] = self.failure_cause
        out["timestamp"] = format_ms(self.at_ms)
        return out


class MemoryCommandChannel:
    """Commands queued by hand and results kept: for tests and dry runs. Fetching takes a vehicle's
    queued commands (marks them delivered); results are kept in the order reported."""

    def __init__(self) -> None:
        self.queued: dict[str, list[dict[str, Any]]] = {}
        self.delivered: list[tuple[str, dict[str, Any]]] = []
        self.results: list[tuple[str, str, dict[str, Any]]] = []  # (vehicle id, command id, result)
        self.fetches: list[tuple[str, ...]] = []  # the vehicle ids of every fetch

    def queue(self, vehicle_id: str, command: Mapping[str, Any]) -> None:
        self.queued.setdefault(vehicle_id, []).append(dict(command))

    async def fetch(self, vehicle_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        self.fetches.append(tuple(vehicle_ids))
        out: dict[str, list[dict[str, Any]]] = {}
        for vehicle_id in vehicle_ids:
            commands = self.queued.pop(vehicle_id, None)
            if commands:
                out[vehicle_id] = commands
                self.delivered.extend((vehicle_id, c) for c in commands)
        return out

    async def report(self, vehicle_id: str, command_id: str, result: dict[str, Any]) -> None:
        self.results.append((vehicle_id, command_id, result))

    def result_of(self, command_id: str) -> dict[str, Any] | None:
        return next((r for _, c, r in self.results if c == command_id), None)


class CommandChannelError(Exception):
    def __init__(self, vehicle_id: str, what: str, status: int, body: str) -> None:
        super().__init__(f"{vehicle_id}: {what}: the platform answered {status}: {body[:500]}")
        self.vehicle_id, self.status, self.body = vehicle_id, status, body


class HttpCommandChannel:
    """The command channel of a platform anywhere, over its ingest endpoints, each request authenticated
    with the vehicle's device token (`Authorization: Bearer <token>`), as the native ingest is:

    - GET /ingest/v1/commands -> 200 {"commands": [...]}: the token's vehicle's pending commands;
    - POST /ingest/v1/commands/{id}/result with the result JSON -> 204.

    A 4xx is a bug or a missing token and raises CommandChannelError, except that a result the platform
    no longer waits for (404, 409, 410: the action timed out or was answered already) is counted in
    `late` and dropped. 5xx, 429 and transport errors are retried with backoff, `retries` times."""

    def __init__(
        self,
        base_url: str,
        tokens: Mapping[str, str],
        *,
        concurrency: int = 16,
        retries: int = 3,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._tokens = dict(tokens)
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=timeout_s,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            transport=transport,
        )
        self._semaphore = asyncio.Semaphore(concurrency)
        self._retries = retries
        self.fetched = 0  # commands received so far
        self.reported = 0  # results accepted so far
        self.late = 0  # results the platform no longer waited for

    async def fetch(self, vehicle_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        answers = await asyncio.gather(*(self._fetch_one(v) for v in vehicle_ids))
        out = {vehicle_id: commands for vehicle_id, commands in zip(vehicle_ids, answers, strict=True) if commands}
        self.fetched += sum(len(c) for c in out.values())
        return out

    async def _fetch_one(self, vehicle_id: str) -> list[dict[str, Any]]:
        response = await self._request(vehicle_id, "GET", COMMANDS_PATH, "fetching commands")
        if response.status_code == 204 or not response.content:
            return []
        return commands_in(response.content, vehicle_id)

    async def report(self, vehicle_id: str, command_id: str, result: dict[str, Any]) -> None:
        path = RESULT_PATH.format(id=quote(command_id, safe=""))
        response = await self._request(vehicle_id, "POST", path, f"reporting the result of {command_id}", result)
        if response.status_code in (404, 409, 410):
            self.late += 1
        else:
            self.reported += 1

    async def _request(
        self, vehicle_id: str, method: str, path: str, what: str, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        token = self._tokens.get(vehicle_id)
        if token is None:
            raise KeyError(f"no device token for vehicle {vehicle_id}")
        headers = {"authorization": f"Bearer {token}"}
        content: bytes | None = None
        if body is not None:
            content = orjson.dumps(body)
            headers["content-type"] = "application/json"
        async with self._semaphore:
            for attempt in range(self._retries + 1):
                try:
                    response = await self._client.request(method, path, content=content, headers=headers)
                except httpx.TransportError:
                    if attempt == self._retries:
                        raise
                else:
                    status = response.status_code
                    if status < 300 or (body is not None and status in (404, 409, 410)):
                        return response
                    if (status < 500 and status != 429) or attempt == self._retries:
                        raise CommandChannelError(vehicle_id, what, status, response.text)
                await asyncio.sleep(0.2 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> HttpCommandChannel:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def commands_in(content: bytes, vehicle_id: str) -> list[dict[str, Any]]:
    """The `commands` array of a platform answer ({"commands": [...]}); [] when there is none."""
    try:
        data = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise CommandChannelError(vehicle_id, "reading commands", 200, f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        return []
    commands = data.get("commands")
    if commands is None:
        return []
    if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
        raise CommandChannelError(vehicle_id, "reading commands", 200, "commands must be an array of objects")
    return commands
