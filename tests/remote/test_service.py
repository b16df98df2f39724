"""RemoteService on a runtime of its own (SQLite and PostgreSQL), time stepped by hand: each path of the
lifecycle as the action rows and the RemoteEvents queued in the outbox show it; then the delivery
worker posting those events to a real receiver, signed, in order, batched and retried as the callback
asks."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from connectedcar.delivery.sender import decode_secret, verify
from connectedcar.domain.ids import new_monitor_id
from connectedcar.domain.reports import Report
from connectedcar.domain.timefmt import format_ms, to_ms
from connectedcar.engine.remotes.lifecycle import (
    DRIVER_APPROVAL_TIMEOUT_MS,
    MAX_WAKE_UPS_PER_MONTH,
    RESPONSE_TIMEOUT_MS,
    SEND_TIMEOUT_MS,
    WAKE_UP_TIMEOUT_MS,
    StatusReport,
)
from connectedcar.engine.remotes.parsing import parse_remote_action
from connectedcar.remote.facts import ProcessorFacts
from connectedcar.remote.service import ASLEEP_AFTER_MS, COMMAND_TTL_MS, CommandError, RemoteService, event_id
from connectedcar.runtime import Runtime
from connectedcar.store import outbox
from connectedcar.store import remotes as remote_store
from connectedcar.store.remotes import ActionRow, CallbackRow
from tests.api.fleet.remote_bodies import SEED_TABLE, callback_body, navigation
from tests.delivery.test_worker import eventually, failing
from tests.receiver import Receiver
from tests.support import FleetAccount, World

HORN = SEED_TABLE["HORN"]
DOOR = SEED_TABLE["DOOR"]
LIGHTS = SEED_TABLE["LIGHTS"]
WAKE_UP = b'{"wakeUp": {"action": "WakeUp"}}'
Statuses = list[tuple[str, str]]
ACCEPTED_ASLEEP: Statuses = [("Pending", "Accepted"), ("Pending", "WakingUpVehicle")]
TAKEN: Statuses = [("Pending", "CheckingVehicle"), ("Pending", "SentToVehicle")]


@dataclass
class Rig:
    """A fleet of two vehicles with one callback, and the calls the API and the vehicles make."""

    rt: Runtime
    world: World
    account: FleetAccount
    callback: CallbackRow

    @property
    def vehicle_id(self) -> str:
        return self.account.vehicles[0].id

    def now_ms(self) -> int:
        return to_ms(self.rt.clock.now())

    def advance(self, ms: int) -> None:
        self.world.clock.advance(ms / 1000)

    def add_callback(self, body: dict[str, Any], status: str = "Running") -> CallbackRow:
        now = self.now_ms()
        row = CallbackRow(new_monitor_id(), self.account.fleet.id, body.get("label"), status, body, now, now)
        with self.rt.store.transaction() as conn:
            remote_store.create_callback(conn, row)
        return row

    def submit(self, body: bytes, vehicle_id: str | None = None, callback: CallbackRow | None = None) -> ActionRow:
        with self.rt.store.transaction() as conn:
            return self.rt.remotes.submit(
                conn,
                action_id=new_monitor_id(),
                fleet_id=self.account.fleet.id,
                vehicle_id=vehicle_id or self.vehicle_id,
                callback=callback or self.callback,
                remote=parse_remote_action(body),
                body=orjson.loads(body),
                now_ms=self.now_ms(),
            )

    def fetch(self, vehicle_id: str | None = None) -> list[dict[str, Any]]:
        with self.rt.store.transaction() as conn:
            return self.rt.remotes.fetch(conn, vehicle_id or self.vehicle_id, self.now_ms())

    def result(self, rid: str, payload: Any, vehicle_id: str | None = None) -> ActionRow | None:
        with self.rt.store.transaction() as conn:
            return self.rt.remotes.result(conn, vehicle_id or self.vehicle_id, rid, payload, self.now_ms())

    def tick(self) -> None:
        self.rt.processor.tick(self.now_ms())

    def action(self, rid: str) -> ActionRow:
        with self.rt.store.transaction() as conn:
            row = remote_store.action(conn, rid)
        assert row is not None
        return row

    def events(self, rid: str | None = None, callback: CallbackRow | None = None) -> list[dict[str, Any]]:
        with self.rt.store.transaction() as conn:
            rows = outbox.events_of(conn, (callback or self.callback).id)
        return [r["event"] for r in rows if rid is None or r["event"]["remoteActionId"] == rid]

    def statuses(self, rid: str, callback: CallbackRow | None = None) -> Statuses:
        return [(e["eventStatus"]["type"], e["eventStatus"]["status"]) for e in self.events(rid, callback)]

    def report(self, vehicle_id: str | None = None, *, voltage: float | None = 12.6) -> None:
        """The vehicle reports now (parked, its 12 V battery at `voltage`), through the processor."""
        vid = vehicle_id or self.vehicle_id
        report = Report(vid, self.now_ms(), lat=48.8566, lon=2.3522, ignition=False, battery_voltage=voltage)
        self.rt.processor.process({vid: [report]})

    def seed_wake_ups(self, count: int, at_ms: int) -> None:
        """Earlier actions, each of which woke the vehicle (and is over)."""
        with self.rt.store.transaction() as conn:
            for _ in range(count):
                remote_store.create_action(
                    conn,
                    ActionRow(
                        id=new_monitor_id(),
                        fleet_id=self.account.fleet.id,
                        vehicle_id=self.vehicle_id,
                        callback_id=self.callback.id,
                        type="Horn",
                        body={"horn": {"state": "Activated"}},
                        state={},
                        status="Success",
                        done=True,
                        deadline_at=None,
                        woke_vehicle=True,
                        sent_at=at_ms,
                        expires_at=at_ms + COMMAND_TTL_MS,
                        created_at=at_ms,
                        updated_at=at_ms,
                    ),
                )


@pytest.fixture
def rig(fresh: Runtime, fresh_world: World) -> Rig:
    account = fresh_world.fleet(vehicles=2)
    rig = Rig(fresh, fresh_world, account, CallbackRow("", "", None, "", {}, 0, 0))
    rig.callback = rig.add_callback(callback_body())
    return rig


# -- submission -----------------------------------------------------------------------------------


def test_a_vehicle_that_never_reported_is_woken(rig: Rig) -> None:
    submitted_at = rig.now_ms()
    row = rig.submit(DOOR)
    assert (row.status, row.done, row.woke_vehicle, row.sent_at) == ("WakingUpVehicle", False, True, None)
    assert row.deadline_at == submitted_at + WAKE_UP_TIMEOUT_MS
    assert row.expires_at == submitted_at + COMMAND_TTL_MS
    assert rig.action(row.id) == row
    assert rig.statuses(row.id) == ACCEPTED_ASLEEP
    assert rig.rt.remotes.has_commands(rig.vehicle_id)
    rig.advance(30_000)  # it wakes up and asks for its commands
    taken_at = rig.now_ms()
    [command] = rig.fetch()
    assert command == {
        "id": row.id,
        "type": "Doors",
        "action": {"door": {"state": "Unlocked"}},
        "issuedAt": format_ms(submitted_at),
        "expiresAt": format_ms(submitted_at + COMMAND_TTL_MS),
    }
    assert rig.statuses(row.id) == ACCEPTED_ASLEEP + TAKEN
    sent = rig.action(row.id)
    assert (sent.status, sent.sent_at, sent.deadline_at) == ("SentToVehicle", taken_at, taken_at + RESPONSE_TIMEOUT_MS)
    assert not rig.rt.remotes.has_commands(rig.vehicle_id)
    assert rig.fetch() == []
    events = rig.events(row.id)
    vin = rig.account.vehicles[0].vin
    for event, status in zip(events, ACCEPTED_ASLEEP + TAKEN, strict=True):
        assert event == {
            "eventId": event["eventId"],
            "remoteActionId": row.id,
            "vin": vin,
            "eventDate": event["eventDate"],
            "remoteType": "Doors",
            "eventStatus": {"type": status[0], "status": status[1]},
        }
    assert [e["eventDate"] for e in events] == [format_ms(submitted_at)] * 2 + [format_ms(taken_at)] * 2
    assert len({e["eventId"] for e in events}) == 4


def test_a_vehicle_silent_for_too_long_is_asleep(rig: Rig) -> None:
    rig.report()
    rig.advance(ASLEEP_AFTER_MS)
    awake = rig.submit(HORN)  # exactly ASLEEP_AFTER_MS: still awake
    assert rig.statuses(awake.id) == [("Pending", "Accepted"), ("Pending", "CheckingVehicle")]
    assert not awake.woke_vehicle
    assert awake.deadline_at == rig.now_ms() + SEND_TIMEOUT_MS
    rig.advance(1)
    asleep = rig.submit(DOOR)
    assert rig.statuses(asleep.id) == ACCEPTED_ASLEEP
    assert asleep.woke_vehicle
    commands = rig.fetch()
    assert [c["id"] for c in commands] == [awake.id, asleep.id]
    assert rig.statuses(awake.id)[-1] == ("Pending", "SentToVehicle")
    assert rig.statuses(asleep.id) == ACCEPTED_ASLEEP + TAKEN


def test_an_awake_vehicle_is_not_woken(rig: Rig) -> None:
    rig.report()
    rig.advance(5_000)
    row = rig.submit(LIGHTS)
    assert rig.statuses(row.id) == [("Pending", "Accepted"), ("Pending", "CheckingVehicle")]
    assert (row.status, row.woke_vehicle) == ("CheckingVehicle", False)
    [command] = rig.fetch()
    assert command["type"] == "Lights"
    assert rig.statuses(row.id)[-1] == ("Pending", "SentToVehicle")


def test_too_many_wake_ups_this_month(rig: Rig) -> None:
    rig.seed_wake_ups(MAX_WAKE_UPS_PER_MONTH, rig.now_ms() - 3_600_000)
    row = rig.submit(DOOR)
    assert rig.statuses(row.id) == [("Pending", "TooManyWakeUpsOverMonth"), ("Done", "Failed")]
    assert rig.events(row.id)[-1]["eventStatus"]["failureCause"] == "TooManyWakeUpsOverMonth"
    assert (row.status, row.done, row.woke_vehicle) == ("Failed", True, False)
    assert row.state["failureCause"] == "TooManyWakeUpsOverMonth"
    assert rig.fetch() == []
    # awake, it needs no wake-up: the limit does not apply
    rig.report()
    assert rig.submit(DOOR).status == "CheckingVehicle"


def test_wake_ups_count_per_calendar_month(rig: Rig) -> None:
    start = rig.now_ms()
    month_start = to_ms(datetime(2026, 11, 1, tzinfo=UTC))
    assert start > month_start
    rig.seed_wake_ups(MAX_WAKE_UPS_PER_MONTH, month_start - 1)  # the last millisecond of October
    rig.seed_wake_ups(MAX_WAKE_UPS_PER_MONTH - 1, month_start)
    row = rig.submit(HORN)  # the 20th this month
    assert row.status == "WakingUpVehicle"
    rig.advance(WAKE_UP_TIMEOUT_MS)
    rig.tick()
    assert rig.action(row.id).status == "Failed"  # never woke up: it still counts
    refused = rig.submit(HORN)
    assert refused.state["failureCause"] == "TooManyWakeUpsOverMonth"


def test_a_low_battery_is_not_spent_on_a_wake_up(rig: Rig) -> None:
    rig.report(voltage=11.6)
    rig.advance(ASLEEP_AFTER_MS + 1)
    row = rig.submit(DOOR)
    assert rig.statuses(row.id) == [("Pending", "VehicleBatteryChargeTooLow"), ("Done", "Failed")]
    assert rig.events(row.id)[-1]["eventStatus"]["failureCause"] == "NotPossibleDueToVehicleBatteryLevel"
    assert (row.status, row.done, row.woke_vehicle) == ("Failed", True, False)
    assert row.state["failureCause"] == "NotPossibleDueToVehicleBatteryLevel"
    assert not rig.rt.remotes.has_commands(rig.vehicle_id)
    # awake, the same battery is no obstacle
    rig.report(voltage=11.6)
    assert rig.submit(DOOR).status == "CheckingVehicle"


def test_a_charged_battery_or_an_unknown_one_is_woken(rig: Rig) -> None:
    other = rig.account.vehicles[1].id
    rig.report(voltage=12.0)
    rig.report(other, voltage=None)
    rig.advance(ASLEEP_AFTER_MS + 1)
    assert rig.submit(DOOR).status == "WakingUpVehicle"
    assert rig.submit(DOOR, other).status == "WakingUpVehicle"


def test_the_same_action_in_progress(rig: Rig) -> None:
    first = rig.submit(HORN)
    second = rig.submit(HORN)
    assert rig.statuses(second.id) == [("Done", "Failed")]
    assert rig.events(second.id)[0]["eventStatus"]["failureCause"] == "SameActionInProgress"
    assert (second.status, second.done, second.woke_vehicle) == ("Failed", True, False)
    assert rig.submit(LIGHTS).status == "WakingUpVehicle"  # another type goes
    assert rig.submit(HORN, rig.account.vehicles[1].id).status == "WakingUpVehicle"  # another vehicle too
    other_callback = rig.add_callback(callback_body(label="other"))
    third = rig.submit(HORN, callback=other_callback)  # whatever the callback
    assert third.state["failureCause"] == "SameActionInProgress"
    rig.fetch()
    assert rig.result(first.id, {"result": "Success"}) is not None
    assert rig.submit(HORN).status == "WakingUpVehicle"  # over: a new one goes (it never reported: asleep)


def test_a_vehicle_that_never_wakes_up_times_out(rig: Rig) -> None:
    row = rig.submit(DOOR)
    rig.advance(WAKE_UP_TIMEOUT_MS - 1)
    rig.tick()
    assert rig.action(row.id).status == "WakingUpVehicle"
    rig.advance(1)
    rig.tick()
    over = rig.action(row.id)
    assert (over.status, over.done, over.deadline_at) == ("Failed", True, None)
    assert over.state["failureCause"] == "VehicleConnectionTimeout"
    assert rig.statuses(row.id) == [*ACCEPTED_ASLEEP, ("Done", "Failed")]
    assert rig.events(row.id)[-1]["eventStatus"]["failureCause"] == "VehicleConnectionTimeout"
    assert rig.events(row.id)[-1]["eventDate"] == format_ms(rig.now_ms())
    rig.advance(60_000)
    rig.tick()
    assert len(rig.events(row.id)) == 3  # reported once
    assert rig.fetch() == []  # and no longer sent


def test_a_vehicle_that_never_answers_times_out(rig: Rig) -> None:
    row = rig.submit(LIGHTS)
    rig.fetch()
    rig.advance(RESPONSE_TIMEOUT_MS - 1)
    rig.tick()
    assert rig.action(row.id).status == "SentToVehicle"
    rig.advance(1)
    rig.tick()
    assert rig.action(row.id).state["failureCause"] == "VehicleConnectionTimeout"
    assert rig.statuses(row.id) == [*ACCEPTED_ASLEEP, *TAKEN, ("Done", "Failed")]


def test_a_navigation_waiting_for_the_driver_waits_longer(rig: Rig) -> None:
    row = rig.submit(orjson.dumps(navigation(3, approval=True)))
    rig.fetch()
    rig.advance(RESPONSE_TIMEOUT_MS + 1)
    rig.tick()
    assert rig.action(row.id).status == "SentToVehicle"
    rig.advance(DRIVER_APPROVAL_TIMEOUT_MS - RESPONSE_TIMEOUT_MS)
    rig.tick()
    assert rig.action(row.id).state["failureCause"] == "VehicleConnectionTimeout"


def test_navigation_reports_no_accepted(rig: Rig) -> None:
    asleep = rig.submit(SEED_TABLE["NAVIGATION"])
    assert rig.statuses(asleep.id) == []
    assert asleep.woke_vehicle  # woken all the same, silently
    [command] = rig.fetch()
    assert command["type"] == "Navigation"
    assert rig.statuses(asleep.id) == TAKEN
    rig.result(asleep.id, {"result": "Success"})
    rig.report()
    awake = rig.submit(orjson.dumps(navigation(2)))
    assert rig.statuses(awake.id) == [("Pending", "CheckingVehicle")]


def test_a_wake_up(rig: Rig) -> None:
    asleep = rig.submit(WAKE_UP)
    assert rig.statuses(asleep.id) == ACCEPTED_ASLEEP
    assert rig.fetch() == []  # awake now: that was all
    done = rig.action(asleep.id)
    assert (done.status, done.done, done.sent_at) == ("Success", True, None)
    assert rig.statuses(asleep.id) == [*ACCEPTED_ASLEEP, ("Done", "Success")]
    rig.report()
    awake = rig.submit(WAKE_UP)
    assert rig.statuses(awake.id) == [("Pending", "Accepted"), ("Done", "AlreadyDone")]


def test_a_paused_callback_gets_no_events(rig: Rig) -> None:
    paused = rig.add_callback(callback_body(label="paused"), status="Paused")
    row = rig.submit(DOOR, callback=paused)
    assert row.status == "WakingUpVehicle"
    rig.fetch()
    rig.result(row.id, {"result": "Success"})
    assert rig.action(row.id).status == "Success"  # the action went its way
    assert rig.events(callback=paused) == []
    assert rig.events() == []


RESULTS: list[tuple[dict[str, Any], str, dict[str, Any]]] = [
    ({"result": "Success"}, "Success", {}),
    ({"result": "AlreadyDone"}, "AlreadyDone", {}),
    ({"result": "Failed", "failureCause": "DoorsOpen"}, "Failed", {"failureCause": "DoorsOpen"}),
    (
        {"result": "Success", "feedbackDetail": "NoCIDBlacklisted"},
        "Success",
        {"feedbackDetail": "NoCIDBlacklisted"},
    ),
    (
        {"result": "Failed", "failureCause": "CidInside", "feedbackDetail": "CIDBlacklisted"},
        "Failed",
        {"failureCause": "CidInside", "feedbackDetail": "CIDBlacklisted"},
    ),
]


@pytest.mark.parametrize(("payload", "status", "extra"), RESULTS)
def test_each_kind_of_result_ends_the_action(
    rig: Rig, payload: dict[str, Any], status: str, extra: dict[str, Any]
) -> None:
    row = rig.submit(b'{"door": {"state": "Locked", "forced": true}}')
    rig.fetch()
    rig.advance(4_000)
    done = rig.result(row.id, payload)
    assert done is not None
    assert (done.status, done.done, done.deadline_at) == (status, True, None)
    assert done.state["failureCause"] == extra.get("failureCause")
    assert done.state["feedbackDetail"] == extra.get("feedbackDetail")
    assert rig.action(row.id) == done
    final = rig.events(row.id)[-1]
    assert final["eventStatus"] == {"type": "Done", "status": status, **extra}
    assert final["eventDate"] == format_ms(rig.now_ms())
    assert final["eventId"] == event_id(row.id, StatusReport("Done", status, 0))  # type: ignore[arg-type]
    assert rig.statuses(row.id) == [*ACCEPTED_ASLEEP, *TAKEN, ("Done", status)]
    rig.advance(RESPONSE_TIMEOUT_MS)
    rig.tick()
    assert rig.action(row.id) == done  # no timeout after the end
    assert len(rig.events(row.id)) == 5


def test_a_result_after_the_timeout_changes_nothing(rig: Rig) -> None:
    row = rig.submit(HORN)
    rig.fetch()
    rig.advance(RESPONSE_TIMEOUT_MS)
    rig.tick()
    over = rig.action(row.id)
    assert over.state["failureCause"] == "VehicleConnectionTimeout"
    rig.advance(1_000)
    assert rig.result(row.id, {"result": "Success"}) == over
    assert rig.action(row.id) == over
    assert rig.statuses(row.id) == [*ACCEPTED_ASLEEP, *TAKEN, ("Done", "Failed")]
    # a second result after a first one likewise
    other = rig.submit(LIGHTS)
    rig.fetch()
    first = rig.result(other.id, {"result": "Success"})
    assert rig.result(other.id, {"result": "Failed", "failureCause": "VehicleError"}) == first
    assert rig.statuses(other.id)[-1] == ("Done", "Success")


def test_results_the_vehicle_may_not_give(rig: Rig) -> None:
    row = rig.submit(HORN)
    assert rig.result(row.id, {"result": "Success"}) is None  # not sent yet: not the vehicle's command
    assert rig.action(row.id).sent_at is None
    rig.fetch()
    assert rig.result(row.id, {"result": "Success"}, rig.account.vehicles[1].id) is None  # another vehicle's
    assert rig.result("no-such-action", {"result": "Success"}) is None
    for payload, field in (
        ({"result": "Done"}, "result"),
        ({"result": "Failed"}, "failureCause"),
        ({"result": "Success", "failureCause": "VehicleError"}, "failureCause"),
        ({"result": "Success", "feedbackDetail": "Sometimes"}, "feedbackDetail"),
        (["Success"], "body"),
    ):
        with pytest.raises(CommandError) as caught:
            rig.result(row.id, payload)
        assert caught.value.field == field
    assert rig.action(row.id).status == "SentToVehicle"


def test_a_restarted_service_finds_the_commands_waiting(rig: Rig) -> None:
    row = rig.submit(HORN)
    rig.submit(LIGHTS, rig.account.vehicles[1].id)
    rig.fetch(rig.account.vehicles[1].id)
    restarted = RemoteService(ProcessorFacts(rig.rt.processor))
    assert not restarted.has_commands(rig.vehicle_id)
    with rig.rt.store.transaction() as conn:
        restarted.load(conn)
    assert restarted.has_commands(rig.vehicle_id)
    assert not restarted.has_commands(rig.account.vehicles[1].id)  # its command was taken
    with rig.rt.store.transaction() as conn:
        [command] = restarted.fetch(conn, rig.vehicle_id, rig.now_ms())
    assert command["id"] == row.id


def test_a_command_submitted_while_the_vehicle_asks_is_not_lost(rig: Rig) -> None:
    """A vehicle asks for its commands while an action for it is being submitted (PostgreSQL runs
    requests on threads): the fetch cannot see the uncommitted action, and forgets the vehicle."""
    with rig.rt.store.transaction() as submitting:
        row = rig.rt.remotes.submit(
            submitting,
            action_id=new_monitor_id(),
            fleet_id=rig.account.fleet.id,
            vehicle_id=rig.vehicle_id,
            callback=rig.callback,
            remote=parse_remote_action(HORN),
            body=orjson.loads(HORN),
            now_ms=rig.now_ms(),
        )
        assert rig.fetch() == []  # its own transaction: the action is not there yet
    rig.advance(5_000)
    rig.tick()  # the processor's next tick finds it again
    assert rig.rt.remotes.has_commands(rig.vehicle_id)
    [command] = rig.fetch()
    assert command["id"] == row.id
    assert not rig.rt.remotes.has_commands(rig.vehicle_id)


def test_events_follow_the_action_and_its_callback(rig: Rig) -> None:
    other = rig.add_callback(callback_body(label="other"))
    mine = rig.submit(HORN)
    theirs = rig.submit(LIGHTS, callback=other)
    assert {e["remoteActionId"] for e in rig.events()} == {mine.id}
    assert {e["remoteActionId"] for e in rig.events(callback=other)} == {theirs.id}
    with rig.rt.store.transaction() as conn:
        rows = outbox.events_of(conn, rig.callback.id)
    assert {(r["kind"], r["fleet_id"], r["vehicle_id"], r["vin"]) for r in rows} == {
        ("remote", rig.account.fleet.id, rig.vehicle_id, rig.account.vehicles[0].vin)
    }
    assert {r["batch_key"] for r in rows} == {rig.callback.id}


# -- delivery ---------------------------------------------------------------------------------------


@pytest.fixture
def worker(rig: Rig) -> Iterator[Rig]:
    rig.rt.delivery.poll_s = 0.02
    rig.rt.delivery.start()
    yield rig
    rig.rt.delivery.stop()


def statuses_of(events: list[dict[str, Any]]) -> Statuses:
    return [(e["eventStatus"]["type"], e["eventStatus"]["status"]) for e in events]


def test_remote_events_are_posted_signed_in_order(worker: Rig) -> None:
    attributes = [
        {"type": "Header", "key": "X-Callback", "value": "$callbackID"},
        {"type": "Query", "key": "type", "value": "$remoteType"},
        {"type": "Body", "key": "fleet", "value": "$fleetID"},
    ]
    with Receiver() as receiver:
        callback = worker.add_callback(callback_body(receiver.url, attributes=attributes))
        row = worker.submit(DOOR, callback=callback)
        worker.rt.delivery.wake()
        receiver.wait_for(2)
        worker.fetch()
        worker.rt.delivery.wake()
        receiver.wait_for(4)
        worker.result(row.id, {"result": "Success"})
        worker.rt.delivery.wake()
        got = receiver.wait_for(5)
    assert statuses_of(receiver.events()) == [*ACCEPTED_ASLEEP, *TAKEN, ("Done", "Success")]
    assert [e["eventId"] for e in receiver.events()] == [e["eventId"] for e in worker.events(row.id, callback)]
    secret = worker.account.fleet.webhook_secret
    assert secret is not None
    for request in got:
        body = request.json()
        assert set(body) == {"callbackId", "attributes", "events"}
        assert body["callbackId"] == callback.id
        assert body["attributes"] == [{"key": "fleet", "value": worker.account.fleet.id}]
        [event] = body["events"]  # no batchNotify: one event a request
        assert set(event) == {"eventId", "remoteActionId", "vin", "eventDate", "remoteType", "eventStatus"}
        assert (event["remoteActionId"], event["vin"], event["remoteType"]) == (
            row.id,
            worker.account.vehicles[0].vin,
            "Doors",
        )
        assert request.headers["x-callback"] == callback.id
        assert request.query == {"type": "Doors"}
        assert request.headers["webhook-id"] == event["eventId"]
        assert verify(decode_secret(secret), request.headers, request.body, int(time.time())) == event["eventId"]


def test_batch_notify_groups_the_events(worker: Rig) -> None:
    with Receiver() as receiver:
        callback = worker.add_callback(callback_body(receiver.url, batch={"size": 2, "timeWindow": 60}))
        row = worker.submit(DOOR, callback=callback)
        worker.rt.delivery.wake()
        [first] = receiver.wait_for(1)
        worker.fetch()
        worker.rt.delivery.wake()
        receiver.wait_for(2)
        worker.result(row.id, {"result": "Success"})
        worker.rt.delivery.wake()
        time.sleep(0.2)
        assert len(receiver.received) == 2  # the last one waits for another, or for the time window
        worker.advance(60_000)
        worker.rt.delivery.wake()
        got = receiver.wait_for(3)
    assert [len(r.json()["events"]) for r in got] == [2, 2, 1]
    assert statuses_of(receiver.events()) == [*ACCEPTED_ASLEEP, *TAKEN, ("Done", "Success")]
    assert first.json()["callbackId"] == callback.id
    assert len({r.headers["webhook-id"] for r in got}) == 3


def test_a_failed_post_is_retried_as_the_same_message(worker: Rig) -> None:
    retry = {"policy": "Bounded", "retryNumber": 2, "retryDelay": 5}
    with Receiver(failing(1)) as receiver:
        callback = worker.add_callback(callback_body(receiver.url, retry=retry))
        row = worker.submit(orjson.dumps(navigation(1)), callback=callback)  # navigation: no Accepted
        worker.fetch()
        worker.rt.delivery.wake()
        receiver.wait_for(1, delivered=False)
        time.sleep(0.1)
        assert len(receiver.received) == 1  # not before the delay
        worker.advance(5_000)
        worker.rt.delivery.wake()
        receiver.wait_for(1)  # the first event, delivered at the second try
        got = receiver.wait_for(2)
    first, second = receiver.received[:2]
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    assert statuses_of(receiver.events()) == TAKEN
    assert receiver.events()[0]["remoteActionId"] == row.id
    assert len(got) == 2
    eventually(lambda: all(r["delivered_at"] is not None for r in _rows(worker, callback)))
    with worker.rt.store.transaction() as conn:
        outcomes = [a["outcome"] for a in outbox.attempts_of(conn, callback.id)]
    assert outcomes == ["retry", "delivered", "delivered"]


def _rows(rig: Rig, callback: CallbackRow) -> list[dict[str, Any]]:
    with rig.rt.store.transaction() as conn:
        return outbox.events_of(conn, callback.id)


def test_a_replaced_or_deleted_callback_is_read_again(worker: Rig) -> None:
    """The delivery worker caches callbacks; the API's forget() makes it read a change."""
    with Receiver() as first, Receiver() as second:
        callback = worker.add_callback(callback_body(first.url))
        row = worker.submit(HORN, callback=callback)
        worker.rt.delivery.wake()
        first.wait_for(2)
        changed = callback_body(second.url)
        with worker.rt.store.transaction() as conn:
            remote_store.replace_callback(conn, callback.id, "changed", changed, worker.now_ms())
        worker.rt.callback_subscriptions.forget(callback.id)
        worker.fetch()
        worker.rt.delivery.wake()
        second.wait_for(2)
    assert statuses_of(first.events()) == ACCEPTED_ASLEEP
    assert statuses_of(second.events()) == TAKEN
    assert {e["remoteActionId"] for e in second.events()} == {row.id}
