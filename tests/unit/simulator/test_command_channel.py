"""The command channel contract: commands and results as JSON, the HTTP channel against the ingest
endpoints, commands in the answers to reports, and a fleet run that fetches, carries out and reports."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest

from connectedcar.domain.clock import ManualClock
from connectedcar.domain.reports import Report
from connectedcar.domain.timefmt import format_ms, parse_rfc3339, to_ms
from connectedcar.simulator import (
    Command,
    CommandResult,
    Fleet,
    HttpCommandChannel,
    HttpSink,
    MemoryCommandChannel,
    MemorySink,
    fleet_specs,
    run,
)
from connectedcar.simulator.commands import CommandChannelError, CommandError
from tests.unit.simulator.conftest import START_MS
from tests.unit.simulator.remote_rig import UNLOCK

ISSUED = "2026-03-02T04:00:00.000Z"


def _command(id: str = "r1", type: str = "Doors", action: Any = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": id,
        "type": type,
        "action": UNLOCK if action is None else action,
        "issuedAt": ISSUED,
        "expiresAt": "2026-03-02T04:05:00.000Z",
        **extra,
    }


# ---- decoding and encoding --------------------------------------------------------------------------


def test_a_command_decodes_with_its_action_and_times() -> None:
    command = Command.from_json(orjson.dumps(_command()))
    assert (command.id, command.type, command.problem) == ("r1", "Doors", None)
    assert command.remote is not None and command.remote.to_json() == {"door": {"state": "Unlocked"}}
    assert command.issued_at_ms == START_MS and command.expires_at_ms == START_MS + 300_000


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        (_command(action={"door": {"state": "Ajar"}}), "door.state"),
        (_command(type="Horn"), "does not match"),
        (_command(action=["door"]), "must be a JSON object"),
        (_command(action={"door": {"state": "Locked"}, "horn": {"state": "Activated"}}), "one remote action"),
    ],
    ids=["bad value", "type mismatch", "not an object", "two actions"],
)
def test_a_command_the_vehicle_cannot_carry_out_keeps_its_id_and_says_why(
    command: dict[str, Any], problem: str
) -> None:
    decoded = Command.from_json(command)
    assert decoded.id == "r1" and decoded.remote is None
    assert decoded.problem is not None and problem in decoded.problem


@pytest.mark.parametrize("data", [b"[]", {"type": "Doors"}, {"id": 7}, {"id": ""}])
def test_a_command_without_an_id_cannot_be_answered(data: Any) -> None:
    with pytest.raises(CommandError):
        Command.from_json(data)


def test_times_may_be_epoch_milliseconds_and_are_optional() -> None:
    command = Command.from_json({"id": "r", "type": "Doors", "action": UNLOCK, "expiresAt": START_MS})
    assert command.issued_at_ms is None and command.expires_at_ms == START_MS


@pytest.mark.parametrize(
    ("result", "json"),
    [
        (CommandResult("v", "r", "Success", START_MS), {"result": "Success", "timestamp": ISSUED}),
        (CommandResult("v", "r", "AlreadyDone", START_MS), {"result": "AlreadyDone", "timestamp": ISSUED}),
        (
            CommandResult("v", "r", "Failed", START_MS + 1, "DoorsOpen"),
            {"result": "Failed", "failureCause": "DoorsOpen", "timestamp": "2026-03-02T04:00:00.001Z"},
        ),
        (
            CommandResult("v", "r", "Success", START_MS, feedback_detail="CIDBlacklisted"),
            {"result": "Success", "timestamp": ISSUED},
        ),
    ],
)
def test_a_result_is_the_contracts_json(result: CommandResult, json: dict[str, Any]) -> None:
    assert result.to_json() == json


def test_a_failure_needs_its_cause_and_only_a_failure_has_one() -> None:
    with pytest.raises(ValueError):
        CommandResult("v", "r", "Failed", START_MS)
    with pytest.raises(ValueError):
        CommandResult("v", "r", "Success", START_MS, "DoorsOpen")


# ---- HTTP -------------------------------------------------------------------------------------------

TOKENS = {"veh-1": "token-1", "veh-2": "token-2"}


def _vehicle_of(request: httpx.Request) -> str:
    return next(v for v, t in TOKENS.items() if request.headers["authorization"] == f"Bearer {t}")


def test_the_http_channel_fetches_each_vehicles_commands_with_its_token() -> None:
    queued = {"veh-1": [_command("a"), _command("b", "Horn", {"horn": {"state": "Activated"}})], "veh-2": []}
    seen: list[tuple[str, str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        vehicle = _vehicle_of(request)
        seen.append((request.method, request.url.path, vehicle))
        commands, queued[vehicle] = queued[vehicle], []
        return httpx.Response(200, json={"commands": commands})

    async def go() -> dict[str, list[dict[str, Any]]]:
        async with HttpCommandChannel("http://platform.test/", TOKENS, transport=httpx.MockTransport(handler)) as ch:
            got = await ch.fetch(["veh-1", "veh-2"])
            assert await ch.fetch(["veh-1"]) == {}
            assert ch.fetched == 2
            return got

    got = asyncio.run(go())
    assert list(got) == ["veh-1"] and [c["id"] for c in got["veh-1"]] == ["a", "b"]
    assert sorted(seen) == sorted(
        [("GET", "/ingest/v1/commands", "veh-1"), ("GET", "/ingest/v1/commands", "veh-2"),
         ("GET", "/ingest/v1/commands", "veh-1")]
    )  # fmt: skip


def test_the_http_channel_posts_a_result_with_the_vehicles_token() -> None:
    posted: list[tuple[str, str, str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        posted.append((request.url.raw_path.decode(), _vehicle_of(request), request.headers["content-type"],
                       orjson.loads(request.content)))  # fmt: skip
        return httpx.Response(204)

    result = CommandResult("veh-2", "r/1", "Failed", START_MS, "VehicleInUse")

    async def go() -> int:
        async with HttpCommandChannel("http://platform.test", TOKENS, transport=httpx.MockTransport(handler)) as ch:
            await ch.report("veh-2", "r/1", result.to_json())
            return ch.reported

    assert asyncio.run(go()) == 1
    assert posted == [
        (
            "/ingest/v1/commands/r%2F1/result",
            "veh-2",
            "application/json",
            {"result": "Failed", "failureCause": "VehicleInUse", "timestamp": ISSUED},
        )
    ]


def test_a_result_the_platform_no_longer_waits_for_is_dropped_and_counted() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(409, json={"code": 40900, "message": "the remote action is done"})

    async def go() -> int:
        async with HttpCommandChannel("http://platform.test", TOKENS, transport=httpx.MockTransport(handler)) as ch:
            await ch.report("veh-1", "r", {"result": "Success", "timestamp": ISSUED})
            return ch.late

    assert asyncio.run(go()) == 1


def test_the_http_channel_retries_server_errors_and_raises_on_refusals() -> None:
    calls: list[int] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503) if len(calls) == 1 else httpx.Response(200, json={"commands": [_command()]})

    def refusing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"code": 40101, "message": "bad token"})

    async def go(handler: Any) -> dict[str, list[dict[str, Any]]]:
        async with HttpCommandChannel("http://platform.test", TOKENS, transport=httpx.MockTransport(handler)) as ch:
            return await ch.fetch(["veh-1"])

    assert asyncio.run(go(flaky)) == {"veh-1": [_command()]} and len(calls) == 2
    with pytest.raises(CommandChannelError) as refused:
        asyncio.run(go(refusing))
    assert refused.value.status == 401 and refused.value.vehicle_id == "veh-1"


def _ingest_answering(commands: dict[str, list[dict[str, Any]]]) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        vehicle = _vehicle_of(request)
        accepted = len(orjson.loads(request.content)["reports"])
        body: dict[str, Any] = {"accepted": accepted}
        if commands.get(vehicle):
            body["commands"] = commands.pop(vehicle)
        return httpx.Response(202, json=body)

    return handler


def _reports(vehicle_id: str) -> list[Report]:
    return [Report(vehicle_id=vehicle_id, at_ms=START_MS, lat=48.85, lon=2.35, source="simulator")]


def test_http_sink_keeps_the_commands_in_the_platforms_answers() -> None:
    handler = _ingest_answering({"veh-1": [_command("pushed")]})

    async def go() -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
        async with HttpSink("http://platform.test", TOKENS, transport=httpx.MockTransport(handler)) as sink:
            await sink.send(_reports("veh-1") + _reports("veh-2"))
            assert sink.commands_received == 1
            return sink.take_commands(), sink.take_commands()

    first, again = asyncio.run(go())
    assert first == {"veh-1": [_command("pushed")]} and again == {}


def test_http_sink_hands_pushed_commands_to_a_callback() -> None:
    handler = _ingest_answering({"veh-2": [_command("pushed")]})
    got: list[tuple[str, list[dict[str, Any]]]] = []

    async def go() -> dict[str, list[dict[str, Any]]]:
        async with HttpSink(
            "http://platform.test",
            TOKENS,
            transport=httpx.MockTransport(handler),
            on_commands=lambda v, c: got.append((v, c)),
        ) as sink:
            await sink.send(_reports("veh-2"))
            return sink.take_commands()

    assert asyncio.run(go()) == {}
    assert got == [("veh-2", [_command("pushed")])]


# ---- a fleet with a channel -------------------------------------------------------------------------


def _step_with(fleet: Fleet, channel: MemoryCommandChannel, times: Sequence[int]) -> list[Report]:
    async def go() -> list[Report]:
        out: list[Report] = []
        for t in times:
            out += fleet.step(t)
            await fleet.exchange(channel)
        return out

    return asyncio.run(go())


def test_a_fleet_fetches_carries_out_and_reports_a_command() -> None:
    fleet = Fleet(2, fleet_specs(4, 2))
    reports = fleet.step(START_MS)
    target = fleet.vehicles[1]
    assert target.doors_locked
    channel = MemoryCommandChannel()
    channel.queue(target.id, {**_command("unlock-1"), "issuedAt": format_ms(START_MS)})
    reports += _step_with(fleet, channel, range(START_MS + 5_000, START_MS + 600_000, 5_000))
    assert [c["id"] for _, c in channel.delivered] == ["unlock-1"]
    assert any(target.id in ids for ids in channel.fetches)
    ((vehicle_id, command_id, result),) = channel.results
    assert (vehicle_id, command_id, result["result"]) == (target.id, "unlock-1", "Success")
    assert set(result) == {"result", "timestamp"}
    done_ms = to_ms(parse_rfc3339(result["timestamp"]))
    own = [r for r in reports if r.vehicle_id == target.id]
    assert {r.doors_locked for r in own if r.at_ms < done_ms} == {True}
    assert {r.doors_locked for r in own if r.at_ms >= done_ms} == {False}
    assert fleet.vehicle(target.id).unit.received == 1


def test_a_channel_without_commands_changes_nothing() -> None:
    times = range(START_MS, START_MS + 4 * 3_600_000, 60_000)
    plain = Fleet(5, fleet_specs(5, 5))
    without = [r for t in times for r in plain.step(t)]
    channel = MemoryCommandChannel()
    with_channel = _step_with(Fleet(5, fleet_specs(5, 5)), channel, times)
    assert without == with_channel and channel.fetches and not channel.results


def test_commands_for_vehicles_not_in_the_fleet_are_counted() -> None:
    fleet = Fleet(1, fleet_specs(2, 1))
    assert fleet.receive("nobody", [_command()]) == 0  # before the first step, no vehicle exists
    fleet.step(START_MS)
    assert fleet.deliver({"nobody": [_command()], fleet.vehicles[0].id: [_command()]}) == 1
    assert fleet.unknown_commands == 2


def test_run_takes_a_command_channel() -> None:
    start = datetime.fromtimestamp(START_MS / 1000, UTC)
    clock = ManualClock(start)
    fleet = Fleet(3, fleet_specs(3, 3))
    sink = MemorySink()

    class Platform(MemoryCommandChannel):
        """Queues an unlock for the first vehicle once the simulation is under way."""

        async def fetch(self, vehicle_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
            if not self.delivered and clock.now() > start + timedelta(minutes=2):
                self.queue(fleet.vehicles[0].id, _command("u", issuedAt=format_ms(START_MS)))
            return await super().fetch(vehicle_ids)

    channel = Platform()
    stats = asyncio.run(run(fleet, sink, clock, speed=36_000, interval_s=0.001, duration_s=1_800, commands=channel))
    assert (stats.commands, stats.results) == (1, 1)
    assert channel.results[0][2]["result"] == "Success"
    own = [r for r in sink.reports if r.vehicle_id == fleet.vehicles[0].id]
    assert own[0].doors_locked is True and own[-1].doors_locked is False


def test_run_over_http_gets_commands_in_answers_and_by_polling() -> None:
    """A fake platform: one command comes in the answer to a report, one from GET /ingest/v1/commands;
    both results are posted back."""
    specs = fleet_specs(2, 8)
    tokens = {s.id: f"token-{i}" for i, s in enumerate(specs)}
    pushed = {specs[0].id: [_command("pushed", issuedAt=format_ms(START_MS))]}
    polled = {specs[1].id: [_command("polled", "Horn", {"horn": {"state": "Activated"}})]}
    results: dict[str, Any] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        vehicle = next(v for v, t in tokens.items() if request.headers["authorization"] == f"Bearer {t}")
        path = request.url.path
        if path == "/ingest/v1/reports":
            body: dict[str, Any] = {"accepted": len(orjson.loads(request.content)["reports"])}
            if vehicle in pushed:
                body["commands"] = pushed.pop(vehicle)
            return httpx.Response(202, json=body)
        if path == "/ingest/v1/commands":
            return httpx.Response(200, json={"commands": polled.pop(vehicle, [])})
        assert request.method == "POST" and path.endswith("/result")
        results[path.split("/")[-2]] = (vehicle, orjson.loads(request.content))
        return httpx.Response(204)

    async def go() -> Any:
        transport = httpx.MockTransport(handler)
        async with (
            HttpSink("http://platform.test", tokens, transport=transport) as sink,
            HttpCommandChannel("http://platform.test", tokens, transport=transport) as channel,
        ):
            clock = ManualClock(datetime.fromtimestamp(START_MS / 1000, UTC))
            fleet = Fleet(8, specs)
            return await run(fleet, sink, clock, speed=36_000, interval_s=0.001, duration_s=600, commands=channel)

    stats = asyncio.run(go())
    assert (stats.commands, stats.results) == (2, 2)
    assert results["pushed"] == (specs[0].id, {"result": "Success", "timestamp": results["pushed"][1]["timestamp"]})
    assert results["polled"][0] == specs[1].id and results["polled"][1]["result"] == "Success"
