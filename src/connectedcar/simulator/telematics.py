"""A simulated vehicle's telematics unit: it checks for remote actions, carries them out after a
realistic delay, changes the vehicle accordingly and keeps the result for the platform.

The rules are the engine's (engine.remotes.vehicle.apply_action), applied to a VehicleSnapshot of the
simulated vehicle at the moment the action is carried out, so platform and simulator agree on what
succeeds, what is AlreadyDone and why something fails. This module adds what only a vehicle knows:

- When it hears of commands: a parked vehicle's unit sleeps and checks every PARKED_POLL_MS (the SMS
  wake-up); awake (driving, getting in or out, declared stolen, or within AWAKE_AFTER_COMMAND_MS of a
  command) every AWAKE_POLL_MS. Over HTTP a vehicle also gets commands in the answers to its reports.
- How long an action takes (DELAYS_MS by remote type, drawn from the unit's own seeded stream, so a
  vehicle's driving does not depend on the commands it receives).
- What the action does over time: a charge started remotely or at its delayed time charges to full; a
  preconditioning runs PRECONDITIONING_MS (or until the engine starts) drawing PRECONDITIONING_KW from
  the traction battery when unplugged; preconditioning programs start it at their local time; an
  immobilized vehicle does not start (its driver gives the trip up); a stolen vehicle reports its
  position every STOLEN_REPORT_MS parked (or every trackingPeriod.shutdown seconds); a navigation
  waits for the driver's approval when asked, and the driver's next trip goes to its destination when
  it lies in the simulated region.
- Commands received after their expiresAt, and navigations whose approval nobody gave in time, get no
  answer: the platform times them out, as with a real vehicle.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from connectedcar.domain.reports import Report
from connectedcar.domain.timefmt import format_ms
from connectedcar.engine.remotes.lifecycle import DRIVER_APPROVAL_TIMEOUT_MS
from connectedcar.engine.remotes.model import (
    DAYS,
    DoneStatus,
    FailureCause,
    FeedbackDetail,
    HornAction,
    NavigationAction,
    PreconditioningProgram,
    StateAction,
    WakeUpAction,
)
from connectedcar.engine.remotes.vehicle import MIN_PRECONDITIONING_BATTERY_PERCENT, VehicleSnapshot, apply_action
from connectedcar.simulator.commands import Command, CommandError, CommandResult
from connectedcar.simulator.environment import MINUTE_MS, local_day, local_midnight_ms, weekday
from connectedcar.simulator.places import Place, Region

if TYPE_CHECKING:
    from connectedcar.simulator.vehicle import SimVehicle

PARKED_POLL_MS = 30_000
AWAKE_POLL_MS = 5_000
AWAKE_AFTER_COMMAND_MS = 2 * MINUTE_MS
STOLEN_REPORT_MS = 10_000
PRECONDITIONING_MS = 30 * MINUTE_MS
PRECONDITIONING_KW = 3.0
IMMOBILIZED_RETRY_MS = 15 * MINUTE_MS  # stopped on the road (after a collision): the driver tries again
# (least, most) ms from receiving a command to its answer. The body computer acts at once on doors, horn
# and lights; the charger and the air conditioning take longer to start and confirm.
DELAYS_MS: Mapping[str, tuple[int, int]] = {
    "Doors": (2_000, 4_000),
    "Horn": (2_000, 4_000),
    "Lights": (2_000, 4_000),
    "VehicleState": (2_000, 5_000),
    "WakeUp": (2_000, 4_000),
    "Immobilization": (3_000, 6_000),
    "Stolen": (3_000, 6_000),
    "Navigation": (3_000, 6_000),
    "ElectricBatteryChargingRequest": (4_000, 8_000),
    "ThermalPreconditioning": (4_000, 8_000),
}
REFUSAL_DELAY_MS = (1_000, 2_000)  # a command the unit refuses without acting (WrongCommand ...)
APPROVAL_CHECK_MS = 5_000  # a navigation waiting for approval: is someone in the car yet?
APPROVAL_DELAY_MS = (5_000, 30_000)  # the driver reads the screen and taps
DECLINE_PROBABILITY = 0.1
DESTINATION = "Navigation destination"

_NEVER = 1 << 62
_NO_ATTRIBUTES: Mapping[str, Any] = MappingProxyType({})
# Job kinds
_EXECUTE, _AWAIT_DRIVER, _APPROVE, _REFUSE = 0, 1, 2, 3


@dataclass(slots=True)
class _Job:
    command: Command
    kind: int
    received_ms: int
    deadline_ms: int = _NEVER  # _AWAIT_DRIVER: when the prompt leaves the screen
    cause: FailureCause | None = None  # _REFUSE


def next_occurrence(program: PreconditioningProgram, after_ms: int) -> int | None:
    """When a program next starts after after_ms (Paris local time), or None if it never does."""
    if not program.enabled or program.action != "Set":
        return None
    day = local_day(after_ms)
    for d in range(day, day + 8):
        if program.days and DAYS[weekday(d)] not in program.days:
            continue
        at = local_midnight_ms(d) + program.start_ms
        if at > after_ms:
            return at
    return None


class Telematics:
    """One vehicle's unit: its remote settings (a VehicleSnapshot whose moving, battery, plug, charging,
    doors and key fields are read from the vehicle instead), the commands it is working on, its timers
    and the results it has not handed over yet. `next_ms` is when it next needs the vehicle's time."""

    def __init__(self, key: str, start_ms: int) -> None:
        self.rng = random.Random(f"telematics:{key}")
        self.settings = VehicleSnapshot()
        self.next_ms = _NEVER
        self.results: list[CommandResult] = []
        self.touched = False  # some action changed the vehicle: its state reports carry the settings
        self.route_pending = False  # a navigation's destination the driver has not driven to yet
        self._jobs: list[tuple[int, int, _Job]] = []  # (due ms, seq, job): a heap
        self._seq = 0
        self._seen: set[str] = set()
        self._poll_anchor = start_ms + self.rng.randrange(PARKED_POLL_MS)  # units are not in phase
        self.next_poll_ms = self._poll_anchor
        self._awake_until_ms = 0
        self._precondition_until_ms = 0
        self._precondition_ms = 0  # energy accounted up to here
        self._program_ms = _NEVER
        self._spent: set[PreconditioningProgram] = set()  # one-off programs already run
        # What happened, for tests and progress output.
        self.received = 0
        self.duplicates = 0
        self.expired = 0
        self.undecodable = 0
        self.lapsed = 0  # navigations nobody approved in time
        self.refused_starts = 0  # departures an immobilization prevented

    # ---- polling ------------------------------------------------------------------------------------

    def awake(self, vehicle: SimVehicle, t: int) -> bool:
        return not vehicle.parked or self.settings.stolen or t < self._awake_until_ms or self._precondition_until_ms > t

    def poll_due(self, vehicle: SimVehicle, now_ms: int) -> bool:
        """True if the unit checks for commands now; then its next check is scheduled."""
        if now_ms < self.next_poll_ms:
            return False
        period = AWAKE_POLL_MS if self.awake(vehicle, now_ms) else PARKED_POLL_MS
        self.next_poll_ms = now_ms + period - (now_ms - self._poll_anchor) % period
        return True

    # ---- receiving ----------------------------------------------------------------------------------

    def receive(self, vehicle: SimVehicle, data: Mapping[str, Any], now_ms: int) -> bool:
        """Take one command (its JSON) at now_ms; False if it is ignored (undecodable, seen, expired)."""
        try:
            command = Command.from_json(data)
        except CommandError:
            self.undecodable += 1
            return False
        if command.id in self._seen:  # delivery is at least once
            self.duplicates += 1
            return False
        self._seen.add(command.id)
        self._awake_until_ms = max(self._awake_until_ms, now_ms + AWAKE_AFTER_COMMAND_MS)
        if command.expires_at_ms is not None and now_ms > command.expires_at_ms:
            self.expired += 1
            return False
        self.received += 1
        remote = command.remote
        if remote is None:
            self._schedule(now_ms, REFUSAL_DELAY_MS, _Job(command, _REFUSE, now_ms, cause="WrongCommand"))
        elif any(job.command.type == command.type and job.kind != _REFUSE for _, _, job in self._jobs):
            job = _Job(command, _REFUSE, now_ms, cause="SameActionInProgress")
            self._schedule(now_ms, REFUSAL_DELAY_MS, job)
        else:
            action = remote.action
            delay = DELAYS_MS.get(remote.type, (2_000, 8_000))
            if isinstance(action, NavigationAction) and action.driver_approval:
                deadline = now_ms + DRIVER_APPROVAL_TIMEOUT_MS
                if command.expires_at_ms is not None:
                    deadline = min(deadline, command.expires_at_ms)
                self._schedule(now_ms, delay, _Job(command, _AWAIT_DRIVER, now_ms, deadline_ms=deadline))
            else:
                self._schedule(now_ms, delay, _Job(command, _EXECUTE, now_ms))
        self._refresh(now_ms)
        return True

    def _schedule(self, now_ms: int, delay: tuple[int, int], job: _Job) -> None:
        self._seq += 1
        heapq.heappush(self._jobs, (now_ms + self.rng.randrange(delay[0], delay[1] + 1), self._seq, job))

    # ---- the vehicle as the engine sees it ----------------------------------------------------------

    def snapshot(self, vehicle: SimVehicle, t: int) -> VehicleSnapshot:
        return replace(
            self.settings,
            moving=vehicle.driving,
            battery_level=vehicle.battery_percent(),
            plugged=vehicle.plugged,
            charging=vehicle.charging == "InProgress",
            doors_open=bool(vehicle.doors_open_now),
            doors_locked=vehicle.doors_locked,
            key_inside=vehicle.occupied,
            preconditioning=self._precondition_until_ms > t,
        )

    # ---- time ---------------------------------------------------------------------------------------

    def tick(self, vehicle: SimVehicle, t: int, out: list[Report]) -> None:
        """Everything due at t: commands to carry out, a delayed charge, the end of a preconditioning,
        a preconditioning program."""
        while self._jobs and self._jobs[0][0] <= t:
            _, _, job = heapq.heappop(self._jobs)
            self._run(vehicle, job, t, out)
        delayed = self.settings.next_delayed_charge_ms
        if delayed is not None and delayed <= t:
            self._delayed_charge(vehicle, t, out)
        if 0 < self._precondition_until_ms <= t:
            self.stop_preconditioning(vehicle, t)
            self._publish(vehicle, t, out)
        if self._program_ms <= t:
            self._program(vehicle, t, out)
        self._refresh(t)

    def _refresh(self, t: int) -> None:
        due = self._jobs[0][0] if self._jobs else _NEVER
        delayed = self.settings.next_delayed_charge_ms
        if delayed is not None and delayed < due:
            due = delayed
        if 0 < self._precondition_until_ms < due:
            due = self._precondition_until_ms
        due = min(due, self._program_ms)
        self.next_ms = max(due, t)

    def _run(self, vehicle: SimVehicle, job: _Job, t: int, out: list[Report]) -> None:
        command = job.command
        if job.kind == _REFUSE:
            assert job.cause is not None
            self._answer(vehicle, command, t, "Failed", job.cause)
            return
        if job.kind == _AWAIT_DRIVER:
            if vehicle.occupied:
                job.kind = _APPROVE
                self._schedule(t, APPROVAL_DELAY_MS, job)
            elif t < job.deadline_ms:
                self._schedule(t, (APPROVAL_CHECK_MS, APPROVAL_CHECK_MS), job)
            else:
                self.lapsed += 1  # the prompt left the screen unanswered: the platform times out
            return
        if job.kind == _APPROVE and self.rng.random() < DECLINE_PROBABILITY:
            self._answer(vehicle, command, t, "Failed", "CanceledByDriver")
            return
        assert command.remote is not None
        action = command.remote.action
        before = self.snapshot(vehicle, t)
        outcome = apply_action(before, action)
        if outcome.result == "Success":
            self._apply(vehicle, before, outcome.snapshot, t)
            if isinstance(action, StateAction | WakeUpAction):
                self._publish(vehicle, t, out, full=True)
            elif not isinstance(action, HornAction):
                self._publish(vehicle, t, out)
        self._answer(vehicle, command, t, outcome.result, outcome.failure_cause, outcome.feedback_detail)

    def _answer(
        self,
        vehicle: SimVehicle,
        command: Command,
        t: int,
        result: DoneStatus,
        cause: FailureCause | None = None,
        detail: FeedbackDetail | None = None,
    ) -> None:
        self.results.append(CommandResult(vehicle.id, command.id, result, t, cause, detail))

    # ---- effects ------------------------------------------------------------------------------------

    def _apply(self, vehicle: SimVehicle, before: VehicleSnapshot, after: VehicleSnapshot, t: int) -> None:
        """Make the vehicle what the engine says a successful action leaves it."""
        if after.doors_locked != before.doors_locked:
            vehicle.doors_locked = after.doors_locked
        if after.charging != before.charging:
            if after.charging:
                vehicle.start_charging(t)
            else:
                vehicle.stop_charging(t)
        if after.preconditioning != before.preconditioning:
            if after.preconditioning:
                self._precondition_until_ms, self._precondition_ms = t + PRECONDITIONING_MS, t
            else:
                self.stop_preconditioning(vehicle, t)
        if after.navigation != before.navigation:
            self.route_pending = bool(after.navigation)
        tracking_changed = (after.stolen, after.tracking_shutdown_s) != (before.stolen, before.tracking_shutdown_s)
        self.settings = after
        self.touched = True
        if after.preconditioning_programs != before.preconditioning_programs:
            self._spent &= set(after.preconditioning_programs)
            self._next_program(t)
        if tracking_changed:
            vehicle.set_parked_report_period(t, self.parked_report_ms())

    def parked_report_ms(self) -> int | None:
        """How often a parked vehicle reports: None for the usual period; more often while stolen."""
        if not self.settings.stolen:
            return None
        shutdown = self.settings.tracking_shutdown_s
        return shutdown * 1000 if shutdown is not None else STOLEN_REPORT_MS

    def _publish(self, vehicle: SimVehicle, t: int, out: list[Report], *, full: bool = False) -> None:
        self.touched = True
        vehicle.remote_report(t, out, full=full)

    def preconditioning_status(self, t: int) -> str | None:
        """Enabled while preconditioning runs, else Disabled; None until a remote action touched the car."""
        if not self.touched:
            return None
        return "Enabled" if self._precondition_until_ms > t else "Disabled"

    def report_attributes(self, t: int) -> Mapping[str, Any]:
        """The remote settings a state report carries in its attributes, once any action has changed
        something (before that, none: a vehicle nobody sent anything reports as it always did)."""
        if not self.touched:
            return _NO_ATTRIBUTES
        s = self.settings
        attributes: dict[str, Any] = {
            "stolen": s.stolen,
            "immobilized": s.immobilized,
            "lights": s.lights_on,
            "preconditioning": self._precondition_until_ms > t,
        }
        if s.next_delayed_charge_ms is not None:
            attributes["nextDelayedCharge"] = format_ms(s.next_delayed_charge_ms)
        if s.navigation:
            lon, lat = s.navigation[-1][:2]
            attributes["navigationDestination"] = f"{lat:.6f},{lon:.6f}"
        return attributes

    def _delayed_charge(self, vehicle: SimVehicle, t: int, out: list[Report]) -> None:
        """The time of a delayed charge: plugged in and parked, the charge starts (to full)."""
        self.settings = replace(self.settings, next_delayed_charge_ms=None)
        battery = vehicle.battery_percent()
        if (
            vehicle.plugged
            and not vehicle.driving
            and vehicle.charging != "InProgress"
            and battery is not None
            and battery < 100.0
        ):
            vehicle.start_charging(t)
        self._publish(vehicle, t, out)

    def delays_charge(self, t: int) -> bool:
        """Plugged in now, should the charge wait for a delayed charge's time?"""
        delayed = self.settings.next_delayed_charge_ms
        return delayed is not None and delayed > t

    @property
    def preconditioning(self) -> bool:
        return self._precondition_until_ms > 0

    def account_preconditioning(self, vehicle: SimVehicle, t: int) -> None:
        """Draw the air conditioning's energy from the traction battery up to t (unplugged only)."""
        end = min(t, self._precondition_until_ms)
        if end > self._precondition_ms:
            if not vehicle.plugged:
                vehicle.battery = max(0.0, vehicle.battery - PRECONDITIONING_KW * (end - self._precondition_ms) / 3.6e6)
            self._precondition_ms = end

    def stop_preconditioning(self, vehicle: SimVehicle, t: int) -> None:
        self.account_preconditioning(vehicle, t)
        self._precondition_until_ms = 0
        self.settings = replace(self.settings, preconditioning=False)

    def _next_program(self, t: int) -> None:
        times = (next_occurrence(p, t) for p in self.settings.preconditioning_programs if p not in self._spent)
        self._program_ms = min((at for at in times if at is not None), default=_NEVER)

    def _program(self, vehicle: SimVehicle, t: int, out: list[Report]) -> None:
        """A preconditioning program's time: the air conditioning starts if the vehicle is parked and
        has the energy for it (the engine's rule for an immediate start)."""
        for program in self.settings.preconditioning_programs:
            if program.recurrence == "None" and next_occurrence(program, t - 1) == t:
                self._spent.add(program)
        battery = vehicle.battery_percent()
        can = (
            not vehicle.driving
            and battery is not None
            and (vehicle.plugged or battery >= MIN_PRECONDITIONING_BATTERY_PERCENT)
        )
        if can and self._precondition_until_ms <= t:
            self._precondition_until_ms, self._precondition_ms = t + PRECONDITIONING_MS, t
            self._publish(vehicle, t, out)
        self._next_program(t)

    def route_place(self, region: Region) -> Place | None:
        """The last navigation's destination as a place the driver can go to (None outside the region)."""
        if not self.settings.navigation:
            return None
        lon, lat = self.settings.navigation[-1][:2]
        if not region.bbox.contains(lat, lon):
            return None
        return Place(DESTINATION, "destination", lat, lon)

    def take_results(self) -> list[CommandResult]:
        results, self.results = self.results, []
        return results
