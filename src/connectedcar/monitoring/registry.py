"""The monitors in force, compiled once, and what each remembers of each vehicle; evaluated on every
processed report and on clock ticks, producing the events to queue in the outbox.

The registry is the report processor's: it evaluates inside the processor's batch, and its results
(new states, events) are written in the batch's transaction and applied in memory (apply) only once
that transaction committed. The API changes the monitors in force (put, remove) after committing its
own change. Which monitors an update evaluates is decided by engine.monitors.spatial.MonitorIndex, so
the cost of an update does not grow with the number of zone monitors far from it.

A monitor watches the vehicles of its fleet; memberships (and VINs) are refreshed from the store on
every tick, so a vehicle added with `connectedcar admin fleet add-vehicle` is watched within a tick.

States are written back when something that decides a later evaluation changed (zone flags, held
data triggers, firing bookkeeping, or the value of a data name one of the monitor's triggers watches),
not on every report: a restart resumes from them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from connectedcar.delivery.payloads import MonitorContext, PendingEvent, TriggerValue, VehicleContext, render_event
from connectedcar.delivery.policy import RETENTION_MS
from connectedcar.domain.reports import Report
from connectedcar.engine.monitors.catalogue import ALERTS
from connectedcar.engine.monitors.evaluation import Firing, MonitorVehicleState, evaluate, tick
from connectedcar.engine.monitors.expression import evaluate_expression
from connectedcar.engine.monitors.geometry import LatLon, contains, passes_through
from connectedcar.engine.monitors.model import Shape
from connectedcar.engine.monitors.spatial import MonitorIndex, spatially_prunable
from connectedcar.engine.state import Fix, VehicleState
from connectedcar.monitoring import extensions
from connectedcar.monitoring.definition import MonitorDefinition, parse_definition
from connectedcar.store import monitors as monitor_store
from connectedcar.store.monitors import MonitorRow
from connectedcar.store.outbox import OutboxEvent

log = logging.getLogger("connectedcar.monitoring")

Key = tuple[str, str]  # (monitor id, vehicle id)
_NOTHING = MonitorVehicleState()  # what a monitor knows of a vehicle it never saw


@dataclass(frozen=True, slots=True)
class LiveMonitor:
    id: str
    fleet_id: str
    label: str
    paused: bool
    definition: MonitorDefinition
    watched: frozenset[str]  # data names its triggers read: their values are persisted
    timed: bool  # has time triggers: ticks evaluate it for every vehicle of its fleet
    vehicle_scoped: bool  # its webhook names the vehicle: one request per vehicle
    prunable: bool  # zone triggers only, false away from its zones (spatial.spatially_prunable)
    shapes: tuple[Shape, ...]
    zones: tuple[tuple[str, Shape], ...]  # (trigger name, shape) when the monitor has zone triggers only

    @classmethod
    def of(cls, row: MonitorRow, definition: MonitorDefinition) -> LiveMonitor:
        monitor = definition.monitor
        watched = {t.data for t in monitor.data_triggers}
        return cls(
            id=row.id,
            fleet_id=row.fleet_id,
            label=row.label,
            paused=row.status != "Running",
            definition=definition,
            watched=frozenset(watched),
            timed=bool(monitor.time_triggers),
            vehicle_scoped=definition.callback.target.vehicle_scoped,
            prunable=spatially_prunable(monitor),
            shapes=tuple(z.shape for z in monitor.zone_triggers),
            zones=tuple((z.name, z.shape) for z in monitor.zone_triggers)
            if len(monitor.zone_triggers) == len(monitor.triggers)
            else (),
        )

    def batch_key(self, vehicle_id: str) -> str:
        return f"{self.id}/{vehicle_id}" if self.vehicle_scoped else self.id


@dataclass
class MonitorChanges:
    """What one batch (or tick) changed: states to write, events to queue. Not yet in force."""

    states: dict[Key, MonitorVehicleState] = field(default_factory=dict)
    dirty: set[Key] = field(default_factory=set)  # states worth writing back
    events: list[OutboxEvent] = field(default_factory=list)

    def rows(self) -> dict[Key, dict[str, Any]]:
        return {key: self.states[key].to_dict() for key in self.dirty}


class MonitorRegistry:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._monitors: dict[str, LiveMonitor] = {}
        self._index = MonitorIndex()
        self._states: dict[Key, MonitorVehicleState] = {}
        self._active: dict[str, set[str]] = {}  # monitor -> vehicles whose expression holds
        self._fleets_of: dict[str, set[str]] = {}  # vehicle -> fleets (with monitors)
        self._members: dict[str, set[str]] = {}  # fleet -> vehicles
        self._vins: dict[str, str] = {}
        self.stale = False  # a monitor of a fleet whose members are not known yet: refresh_membership

    def __len__(self) -> int:
        return len(self._monitors)

    # -- the monitors in force --------------------------------------------------------------------

    def load(self, conn: Connection) -> None:
        """Every monitor, every state, every membership: at start."""
        with self._lock:
            for row in monitor_store.all_monitors(conn):
                self._put(row)
            for key, raw in monitor_store.all_states(conn).items():
                if key[0] in self._monitors:
                    self._set_state(key, MonitorVehicleState.from_dict(raw))
            self.refresh_membership(conn)

    def put(self, row: MonitorRow, *, reset: bool = False) -> None:
        """A monitor created, changed (reset: its definition changed, so its states go) or paused/resumed."""
        with self._lock:
            if reset:
                self._drop_states(row.id)
            self._put(row)

    def _put(self, row: MonitorRow) -> None:
        try:
            definition = parse_definition(row.body)
        except ValueError as exc:  # accepted once, refused now: the rules tightened since
            log.error("monitor %s is not loaded: %s", row.id, exc)
            return
        live = LiveMonitor.of(row, definition)
        self._monitors[row.id] = live
        self._index.add(row.id, definition.monitor)
        if row.fleet_id not in self._members:
            self.stale = True

    def remove(self, monitor_id: str) -> None:
        with self._lock:
            self._monitors.pop(monitor_id, None)
            self._index.remove(monitor_id)
            self._drop_states(monitor_id)

    def _drop_states(self, monitor_id: str) -> None:
        for key in [k for k in self._states if k[0] == monitor_id]:
            del self._states[key]
        self._active.pop(monitor_id, None)

    def get(self, monitor_id: str) -> LiveMonitor | None:
        return self._monitors.get(monitor_id)

    def refresh_membership(self, conn: Connection) -> None:
        with self._lock:
            fleets = {m.fleet_id for m in self._monitors.values()}
            members: dict[str, set[str]] = {f: set() for f in fleets}
            fleets_of: dict[str, set[str]] = {}
            for fleet_id, vehicle_id, vin in monitor_store.fleet_members(conn, fleets):
                members[fleet_id].add(vehicle_id)
                fleets_of.setdefault(vehicle_id, set()).add(fleet_id)
                self._vins[vehicle_id] = vin
            self._members = members
            self._fleets_of = fleets_of
            self.stale = False

    def watch(self, fleet_id: str, vehicle_id: str, vin: str) -> None:
        """Count a vehicle in a fleet now (tests and benchmarks; the store is the usual source)."""
        with self._lock:
            self._members.setdefault(fleet_id, set()).add(vehicle_id)
            self._fleets_of.setdefault(vehicle_id, set()).add(fleet_id)
            self._vins[vehicle_id] = vin

    # -- evaluation -------------------------------------------------------------------------------

    def evaluate(
        self,
        vehicle_id: str,
        previous_fix: Fix | None,
        report: Report,
        now_ms: int,
        vehicle: VehicleState | None,
        changes: MonitorChanges,
    ) -> None:
        """Evaluate the monitors this report may concern; results go into changes."""
        fleets = self._fleets_of.get(vehicle_id)
        if not fleets:
            return
        here: LatLon | None = None
        before: LatLon | None = None
        if report.lat is None or report.lon is None:
            segment = None
        else:
            here = (report.lat, report.lon)
            before = (previous_fix.lat, previous_fix.lon) if previous_fix is not None else None
            segment = (before, here)
        with self._lock:
            for monitor_id in self._index.candidates(vehicle_id, segment):
                live = self._monitors.get(monitor_id)
                if live is None or live.fleet_id not in fleets:
                    continue
                key = (monitor_id, vehicle_id)
                old = changes.states.get(key) or self._states.get(key)
                if live.prunable and here is not None and _settled(old) and not _touches(live.shapes, before, here):
                    # Near a zone's box, outside it before and now, not through it: nothing to change
                    # (a refresh falling due is the tick's to send).
                    continue
                if live.zones and here is not None and _unchanged(live, old, before, here):
                    continue
                new, firings = evaluate(live.definition.monitor, old, previous_fix, report, now_ms, paused=live.paused)
                self._record(live, key, old, new, firings, now_ms, vehicle, changes)

    def tick(self, now_ms: int, vehicles: Mapping[str, VehicleState]) -> MonitorChanges:
        """Time windows opening and closing, refresh events falling due, paused monitors settling."""
        changes = MonitorChanges()
        with self._lock:
            for live in self._monitors.values():
                if live.timed:
                    targets: Iterable[str] = self._members.get(live.fleet_id, ())
                elif live.definition.monitor.refresh_event_s is not None or live.paused:
                    targets = self._active.get(live.id, ())
                else:
                    continue
                for vehicle_id in list(targets):
                    key = (live.id, vehicle_id)
                    old = self._states.get(key)
                    new, firings = tick(live.definition.monitor, old, now_ms, paused=live.paused)
                    if not firings and not _differs(old or _NOTHING, new, live.watched):
                        continue  # nothing changed (or nothing known yet): an idle tick writes nothing
                    self._record(live, key, old, new, firings, now_ms, vehicles.get(vehicle_id), changes)
        return changes

    def _record(
        self,
        live: LiveMonitor,
        key: Key,
        old: MonitorVehicleState | None,
        new: MonitorVehicleState,
        firings: list[Firing],
        now_ms: int,
        vehicle: VehicleState | None,
        changes: MonitorChanges,
    ) -> None:
        changes.states[key] = new
        if old is None or firings or _differs(old, new, live.watched):
            changes.dirty.add(key)
        for firing in firings:
            changes.events.append(self._event(live, key[1], firing, new, vehicle, now_ms))

    def _event(
        self,
        live: LiveMonitor,
        vehicle_id: str,
        firing: Firing,
        state: MonitorVehicleState,
        vehicle: VehicleState | None,
        now_ms: int,
    ) -> OutboxEvent:
        vin = self._vins.get(vehicle_id, "")
        true = set(firing.triggers)
        values = tuple(
            TriggerValue(t.data, state.values[t.data])
            for t in live.definition.monitor.data_triggers
            if t.name in true and t.data in state.values
        )
        pending = PendingEvent(
            firing, VehicleContext(vin, vehicle_id), values, extensions.build(live.definition.extensions, vehicle)
        )
        item = render_event(MonitorContext(live.id, live.label, live.fleet_id), pending)
        return OutboxEvent(
            event_id=item["eventId"],
            kind="monitor",
            subscription_id=live.id,
            batch_key=live.batch_key(vehicle_id),
            event=item,
            created_at=now_ms,
            expires_at=now_ms + RETENTION_MS,
            fleet_id=live.fleet_id,
            vehicle_id=vehicle_id,
            vin=vin,
        )

    def apply(self, changes: MonitorChanges) -> None:
        """The batch committed: its states are now the monitors' memory."""
        if not changes.states:
            return
        with self._lock:
            for key, state in changes.states.items():
                if key[0] in self._monitors:
                    self._set_state(key, state)

    def _set_state(self, key: Key, state: MonitorVehicleState) -> None:
        self._states[key] = state
        if state.active:
            self._active.setdefault(key[0], set()).add(key[1])
        else:
            active = self._active.get(key[0])
            if active is not None:
                active.discard(key[1])

    def state(self, monitor_id: str, vehicle_id: str) -> MonitorVehicleState | None:
        return self._states.get((monitor_id, vehicle_id))


def _settled(state: MonitorVehicleState | None) -> bool:
    """Outside every zone at the last fix, with its expression's value already acted upon: never seen
    in or leaving a zone, or (having left) already active."""
    if state is None:
        return True
    if any(state.inside.values()):
        return False
    return state.active or not any(state.left.values())


def _touches(shapes: tuple[Shape, ...], before: LatLon | None, here: LatLon) -> bool:
    for shape in shapes:
        if contains(shape, here):
            return True
        if before is not None and not contains(shape, before) and passes_through(shape, before, here):
            return True
        if before is not None and contains(shape, before):
            return True
    return False


def _unchanged(live: LiveMonitor, state: MonitorVehicleState | None, before: LatLon | None, here: LatLon) -> bool:
    """For a monitor of zone triggers only: this fix leaves every zone as the state has it (in stays in,
    out stays out without crossing), and the state already acted on its expression, so evaluating
    would change nothing (refreshes falling due are the tick's to send)."""
    if state is None:
        return False
    truth: dict[str, bool] = {}
    for (name, shape), trigger in zip(live.zones, live.definition.monitor.zone_triggers, strict=True):
        was = state.inside.get(name)
        if was is None:
            return False
        now_in = contains(shape, here)
        if now_in != was:
            return False
        if not now_in and before is not None and passes_through(shape, before, here):
            return False
        truth[name] = now_in if trigger.transition == "In" else state.left.get(name, False)
    return state.active == evaluate_expression(live.definition.monitor.expression, truth)


def _differs(old: MonitorVehicleState, new: MonitorVehicleState, watched: frozenset[str]) -> bool:
    if (
        old.active != new.active
        or old.seq != new.seq
        or old.since_ms != new.since_ms
        or old.last_fired_ms != new.last_fired_ms
        or old.inside != new.inside
        or old.left != new.left
        or old.held != new.held
    ):
        return True
    return any(old.values.get(name) != new.values.get(name) for name in watched) or (
        ALERTS in watched and old.values.get(ALERTS) != new.values.get(ALERTS)
    )
