"""RemoteService: submits remote actions, hands their commands to vehicles, takes the vehicles'
results, times out the silent ones; every status the lifecycle reports goes into the outbox, in the
transaction that changed the action, as a RemoteEvents event for the action's callback.

What the platform knows of a vehicle when an action is submitted (engine.remotes VehicleAvailability):
- asleep: no report for ASLEEP_AFTER_MS (its telematics unit sleeps; a wake-up is spent on it);
- its 12 V battery voltage, from its latest reports;
- the wake-ups spent on it this calendar month (UTC), counted from its remote actions;
- the types of its other unfinished actions.
A vehicle takes its commands when it fetches them (GET /ingest/v1/commands, the answer to its
reports, the OsmAnd answer, or the simulator's in-process channel): an action waking the vehicle
moves on (VehicleAwake), and every action ready to go is sent (Sent). The vehicle's result ends it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from connectedcar.delivery.payloads import EVENT_NAMESPACE
from connectedcar.delivery.policy import RETENTION_MS
from connectedcar.domain.timefmt import format_ms
from connectedcar.engine.remotes.lifecycle import (
    DRIVER_APPROVAL_TIMEOUT_MS,
    RESPONSE_TIMEOUT_MS,
    SEND_TIMEOUT_MS,
    WAKE_UP_TIMEOUT_MS,
    Event,
    RemoteState,
    Sent,
    StatusReport,
    Submitted,
    Tick,
    VehicleAvailability,
    VehicleAwake,
    VehicleResult,
    advance,
)
from connectedcar.engine.remotes.model import DONE_STATUSES, FAILURE_CAUSES, FEEDBACK_DETAILS, RemoteAction
from connectedcar.engine.remotes.parsing import parse_remote_callback
from connectedcar.store import outbox
from connectedcar.store import remotes as remote_store
from connectedcar.store.outbox import OutboxEvent
from connectedcar.store.remotes import ActionRow, CallbackRow

ASLEEP_AFTER_MS = 120_000
# What a command may wait for before the vehicle should not carry it out any more.
COMMAND_TTL_MS = WAKE_UP_TIMEOUT_MS + SEND_TIMEOUT_MS + max(RESPONSE_TIMEOUT_MS, DRIVER_APPROVAL_TIMEOUT_MS)


@dataclass(frozen=True, slots=True)
class VehicleFacts:
    vin: str
    last_report_ms: int | None  # None: never reported
    battery_voltage: float | None


class CommandError(ValueError):
    """A vehicle's result the platform cannot take: the field and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def month_start_ms(now_ms: int) -> int:
    now = datetime.fromtimestamp(now_ms / 1000, UTC)
    return int(datetime(now.year, now.month, 1, tzinfo=UTC).timestamp() * 1000)


def event_id(action_id: str, report: StatusReport) -> str:
    """Stable per (action, reported status): the same report is never queued twice."""
    return str(uuid.uuid5(EVENT_NAMESPACE, f"remote/{action_id}/{report.type}/{report.status}"))


def command_json(row: ActionRow) -> dict[str, Any]:
    """The command as a vehicle takes it (the simulator's and devices' contract)."""
    return {
        "id": row.id,
        "type": row.type,
        "action": row.body,
        "issuedAt": format_ms(row.created_at),
        "expiresAt": format_ms(row.expires_at),
    }


class RemoteService:
    def __init__(self, facts: Callable[[Connection, str], VehicleFacts], on_events: Callable[[], None] | None = None):
        self.facts = facts  # what the platform knows of a vehicle, from its reports
        self.on_events = on_events  # told after a commit that queued events (the delivery worker's wake)
        # Vehicles that may have commands to take: ingest answers look in the store only for these.
        self._waiting: set[str] = set()
        self._lock = threading.Lock()
        self._scopes: dict[tuple[str, int], tuple[bool, bool]] = {}

    def load(self, conn: Connection) -> None:
        """At start: the vehicles whose commands wait (and after anything that could have missed them)."""
        found = remote_store.vehicles_waiting(conn)
        with self._lock:
            self._waiting = found

    def has_commands(self, vehicle_id: str) -> bool:
        return vehicle_id in self._waiting

    # -- the fleet owner's side ----------------------------------------------------------------------

    def submit(
        self,
        conn: Connection,
        *,
        action_id: str,
        fleet_id: str,
        vehicle_id: str,
        callback: CallbackRow,
        remote: RemoteAction,
        body: dict[str, Any],
        now_ms: int,
    ) -> ActionRow:
        facts = self.facts(conn, vehicle_id)
        unfinished = remote_store.unfinished_of_vehicle(conn, vehicle_id, lock=True)
        availability = VehicleAvailability(
            asleep=facts.last_report_ms is None or now_ms - facts.last_report_ms > ASLEEP_AFTER_MS,
            battery_voltage=facts.battery_voltage,
            wake_ups_this_month=remote_store.wake_ups_since(conn, vehicle_id, month_start_ms(now_ms)),
            in_progress=frozenset(r.type for r in unfinished),  # type: ignore[misc]
        )
        state, reports = advance(RemoteState.for_action(remote, now_ms), Submitted(availability), now_ms)
        row = ActionRow(
            id=action_id,
            fleet_id=fleet_id,
            vehicle_id=vehicle_id,
            callback_id=callback.id,
            type=remote.type,
            body=body,
            state=state.to_dict(),
            status=state.status or "Accepted",
            done=state.done,
            deadline_at=state.deadline_ms,
            woke_vehicle=state.woke_vehicle,
            sent_at=None,
            expires_at=now_ms + COMMAND_TTL_MS,
            created_at=now_ms,
            updated_at=now_ms,
        )
        remote_store.create_action(conn, row)
        self._queue(conn, callback, row, facts.vin, reports, now_ms)
        if not row.done:
            with self._lock:
                self._waiting.add(vehicle_id)
        return row

    # -- the vehicle's side --------------------------------------------------------------------------

    def fetch(self, conn: Connection, vehicle_id: str, now_ms: int) -> list[dict[str, Any]]:
        """The vehicle is awake and asks for its commands: those waiting for it are sent."""
        commands: list[dict[str, Any]] = []
        pending = [r for r in remote_store.unfinished_of_vehicle(conn, vehicle_id, lock=True) if r.sent_at is None]
        if not pending:
            with self._lock:
                self._waiting.discard(vehicle_id)
            return commands
        vin = self.facts(conn, vehicle_id).vin
        for row in pending:
            state = RemoteState.from_dict(row.state)
            reports: list[StatusReport] = []
            for event in (VehicleAwake(), Sent()):
                state, produced = advance(state, event, now_ms)
                reports += produced
            sent = state.phase == "Sent"
            updated = self._updated(row, state, now_ms, sent_at=now_ms if sent else None)
            remote_store.save_action(conn, updated)
            self._queue(conn, self._callback(conn, row), updated, vin, reports, now_ms)
            if sent:
                commands.append(command_json(updated))
        with self._lock:
            self._waiting.discard(vehicle_id)  # each was sent, or is over (a wake-up done, a refusal)
        return commands

    def result(self, conn: Connection, vehicle_id: str, action_id: str, payload: Any, now_ms: int) -> ActionRow | None:
        """The vehicle's result for one of its commands; None when it has no such command (another
        vehicle's, or one not sent to it yet: a result then would mark it sent, and it would never go out).

        A result for an action already over (timed out, say) changes nothing and is returned as is."""
        return self.take_result(conn, vehicle_id, action_id, payload, now_ms)[0]

    def take_result(
        self, conn: Connection, vehicle_id: str, action_id: str, payload: Any, now_ms: int
    ) -> tuple[ActionRow | None, bool]:
        """As result(), and whether the result ended the action (False: no such command, or already over),
        decided under the action's lock."""
        row = remote_store.action(conn, action_id, lock=True)
        if row is None or row.vehicle_id != vehicle_id or row.sent_at is None:
            return None, False
        event = parse_result(payload)
        if row.done:
            return row, False
        state, reports = advance(RemoteState.from_dict(row.state), event, now_ms)
        updated = self._updated(row, state, now_ms, sent_at=row.sent_at)
        remote_store.save_action(conn, updated)
        self._queue(conn, self._callback(conn, row), updated, self.facts(conn, vehicle_id).vin, reports, now_ms)
        return updated, True

    def tick(self, conn: Connection, now_ms: int) -> int:
        """Time out the actions whose deadline passed; how many changed.

        Also finds again the vehicles whose commands wait: a fetch that ran while a submit had not
        committed yet cannot see its action, and forgets the vehicle (requests run on threads with
        PostgreSQL). Without this, the command would wait, unseen, until it timed out."""
        changed = 0
        for row in remote_store.due(conn, now_ms):
            state, reports = advance(RemoteState.from_dict(row.state), Tick(), now_ms)
            if not reports:
                continue
            updated = self._updated(row, state, now_ms, sent_at=row.sent_at)
            remote_store.save_action(conn, updated)
            self._queue(conn, self._callback(conn, row), updated, self.facts(conn, row.vehicle_id).vin, reports, now_ms)
            changed += 1
        waiting = remote_store.vehicles_waiting(conn)
        with self._lock:
            self._waiting |= waiting
        return changed

    # -- helpers -----------------------------------------------------------------------------------

    @staticmethod
    def _updated(row: ActionRow, state: RemoteState, now_ms: int, *, sent_at: int | None) -> ActionRow:
        return replace(
            row,
            state=state.to_dict(),
            status=state.status or row.status,
            done=state.done,
            deadline_at=state.deadline_ms,
            woke_vehicle=state.woke_vehicle,
            sent_at=sent_at if sent_at is not None else row.sent_at,
            updated_at=now_ms,
        )

    def _scope(self, callback: CallbackRow) -> tuple[bool, bool]:
        """Whether the callback's webhook names the vehicle, and the remote type: what its batch keys
        separate. Parsed once per version of the callback, not once per report."""
        version = (callback.id, callback.updated_at)
        found = self._scopes.get(version)
        if found is None:
            webhook = parse_remote_callback(callback.body).webhook
            found = (webhook.vehicle_scoped, any("remoteType" in a.placeholders for a in webhook.attributes))
            if len(self._scopes) >= 10_000:
                self._scopes.clear()
            self._scopes[version] = found
        return found

    @staticmethod
    def _callback(conn: Connection, row: ActionRow) -> CallbackRow | None:
        return remote_store.callback(conn, row.callback_id)

    def _queue(
        self,
        conn: Connection,
        callback: CallbackRow | None,
        row: ActionRow,
        vin: str,
        reports: list[StatusReport],
        now_ms: int,
    ) -> None:
        """Each report as a RemoteEvent for the callback; nothing while the callback is paused."""
        if not reports or callback is None or callback.status != "Running":
            return
        names_vehicle, names_type = self._scope(callback)
        key = f"{callback.id}/{row.vehicle_id}" if names_vehicle else callback.id
        if names_type:
            key = f"{key}/{row.type}"  # one request names one type
        events = []
        for report in reports:
            eid = event_id(row.id, report)
            item: dict[str, Any] = {
                "eventId": eid,
                "remoteActionId": row.id,
                "vin": vin,
                "eventDate": format_ms(report.at_ms),
                "remoteType": row.type,
                "eventStatus": report.event_status(),
            }
            events.append(
                OutboxEvent(
                    event_id=eid,
                    kind="remote",
                    subscription_id=callback.id,
                    batch_key=key,
                    event=item,
                    created_at=now_ms,
                    expires_at=now_ms + RETENTION_MS,
                    fleet_id=row.fleet_id,
                    vehicle_id=row.vehicle_id,
                    vin=vin,
                )
            )
        outbox.enqueue(conn, events)
        if self.on_events is not None:
            self.on_events()


def parse_result(payload: Any) -> Event:
    """A vehicle's {"result", "failureCause", "feedbackDetail"} as a lifecycle event."""
    if not isinstance(payload, dict):
        raise CommandError("body", 'must be an object: {"result": "Success" | "AlreadyDone" | "Failed", ...}')
    result = payload.get("result")
    if result not in DONE_STATUSES:
        raise CommandError("result", f"must be one of {', '.join(DONE_STATUSES)}, not {result!r}")
    cause = payload.get("failureCause")
    if result == "Failed":
        if cause not in FAILURE_CAUSES:
            raise CommandError("failureCause", f"a failed result needs one of {', '.join(FAILURE_CAUSES)}")
    elif cause is not None:
        raise CommandError("failureCause", "only a Failed result has a failure cause")
    detail = payload.get("feedbackDetail")
    if detail is not None and detail not in FEEDBACK_DETAILS:
        raise CommandError("feedbackDetail", f"must be one of {', '.join(FEEDBACK_DETAILS)}")
    return VehicleResult(result, cause, detail)
