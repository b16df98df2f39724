"""ReportProcessor: takes ready reports from the bus, runs the engine per vehicle in timestamp order,
and writes each batch's rows in one transaction.

Per-vehicle state lives in memory, with the store as the record: a vehicle's state is loaded the first
time it reports, written back at most every `state_flush_ms` (and whenever a trip starts or stops,
and at shutdown), so a restart resumes trips where they were. The engine advances states in place;
when a batch's transaction fails, its vehicles' states are dropped from memory and the batch is
retried vehicle by vehicle from their last persisted states: rows already committed are never lost,
only the state progress since the last flush (at most `state_flush_ms` of distance accumulators).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection

from connectedcar.bus.inprocess import InProcessBus
from connectedcar.domain.clock import Clock
from connectedcar.domain.reports import Report, VehicleProfile
from connectedcar.domain.timefmt import from_ms
from connectedcar.engine import pipeline
from connectedcar.engine.outputs import Outputs
from connectedcar.monitoring.registry import MonitorChanges, MonitorRegistry
from connectedcar.store import history, outbox, vehicle_states, vehicles
from connectedcar.store import monitors as monitor_store
from connectedcar.store.store import Store

log = logging.getLogger("connectedcar.processing")


@dataclass
class ProcessorStats:
    batches: int = 0
    reports: int = 0
    rejected: int = 0
    stale: int = 0
    unknown_vehicle: int = 0
    failed_batches: int = 0
    dropped_reports: int = 0
    rejections: dict[str, int] = field(default_factory=dict)
    monitor_events: int = 0


def write_outputs(conn: Connection, out: Outputs, now_ms: int) -> None:
    """Every row of a batch, parents before children (trips before their waypoints and scores)."""
    now = from_ms(now_ms)
    history.add_positions(conn, out.positions, now)
    history.add_telemetry(conn, out.telemetry, now)
    history.save_trips(conn, out.trips, now)
    history.add_waypoints(conn, out.waypoints)
    history.save_alerts(conn, out.alerts, now)
    history.add_collisions(conn, out.collisions, now)
    history.add_events(conn, out.events, now)
    history.save_ecodrivings(conn, out.ecodriving)
    history.save_maintenances(conn, out.maintenance)


class ReportProcessor:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        bus: InProcessBus,
        config: pipeline.PipelineConfig = pipeline.DEFAULT,
        *,
        state_flush_ms: int = 10_000,
        tick_interval_ms: int = 5_000,
        monitors: MonitorRegistry | None = None,
        on_events: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.bus = bus
        self.config = config
        self.state_flush_ms = state_flush_ms
        self.tick_interval_ms = tick_interval_ms
        self.stats = ProcessorStats()
        self.monitors = monitors if monitors is not None else MonitorRegistry()
        self.on_events = on_events  # told when a committed batch queued webhook events
        self.tickers: list[Callable[[int], None]] = []  # more work on each tick (remote action timeouts)
        self._states: dict[str, pipeline.VehicleState] = {}
        self._profiles: dict[str, VehicleProfile] = {}
        self._flushed_at: dict[str, int] = {}
        self._last_tick_ms = 0
        self._lock = threading.Lock()  # one batch at a time: per-vehicle order
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # -- the loop ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="report-processor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Process what is waiting, persist every state, stop the thread."""
        self._stop.set()
        self.bus.close()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        self.process(self.bus.drain())
        self.flush_states(force=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                batch = self.bus.take(timeout_s=0.05)
                if batch:
                    self.process(batch)
                now_ms = self._now_ms()
                if now_ms - self._last_tick_ms >= self.tick_interval_ms:
                    self.tick(now_ms)
            except Exception:  # the loop must outlive any one failure; process() already retried
                log.exception("report processor loop error")
                time.sleep(0.5)

    # -- processing ------------------------------------------------------------------------------

    def process(self, batch: Mapping[str, list[Report]]) -> Outputs:
        """Run one batch through the engine and commit its rows; retried per vehicle on failure."""
        if not batch:
            return Outputs()
        with self._lock:
            try:
                return self._process(batch)
            except Exception:
                log.exception("batch of %d vehicles failed; retrying vehicle by vehicle", len(batch))
                self.stats.failed_batches += 1
            out = Outputs()
            for vehicle_id, reports in batch.items():
                self._drop(vehicle_id)  # its in-memory state may have moved past what was committed
                try:
                    out.extend(self._process({vehicle_id: reports}))
                except Exception:
                    log.exception("dropping %d reports of vehicle %s", len(reports), vehicle_id)
                    self.stats.dropped_reports += len(reports)
                    self._drop(vehicle_id)
            return out

    def _process(self, batch: Mapping[str, list[Report]]) -> Outputs:
        now_ms = self._now_ms()
        out = Outputs()
        changes = MonitorChanges()
        watching = len(self.monitors) > 0
        with self.store.transaction() as conn:
            self._load(conn, batch.keys())
            if watching and self.monitors.stale:
                self.monitors.refresh_membership(conn)
            advanced: dict[str, pipeline.VehicleState] = {}
            trip_changed: set[str] = set()
            for vehicle_id, reports in batch.items():
                profile = self._profiles.get(vehicle_id)
                if profile is None:
                    self.stats.unknown_vehicle += len(reports)
                    continue
                state = self._states.get(vehicle_id)
                trips_before = len(out.trips)
                for report in reports:
                    if not watching:
                        state, _ = pipeline.process(state, profile, report, now_ms, self.config, out)
                        continue
                    previous_fix = state.last_fix if state is not None else None
                    before = state.last_at_ms if state is not None else -1
                    state, _ = pipeline.process(state, profile, report, now_ms, self.config, out)
                    if state.last_at_ms != before:  # accepted, in order: the monitors see it
                        self.monitors.evaluate(vehicle_id, previous_fix, report, now_ms, state, changes)
                if state is not None:
                    advanced[vehicle_id] = state
                if len(out.trips) != trips_before:
                    trip_changed.add(vehicle_id)
            write_outputs(conn, out, now_ms)
            due = {
                vid: s.to_json()
                for vid, s in advanced.items()
                if vid in trip_changed or now_ms - self._flushed_at.get(vid, 0) >= self.state_flush_ms
            }
            vehicle_states.save(conn, due, now_ms)
            self._write_monitor_changes(conn, changes, now_ms)
        # Committed: only now do the states move forward.
        self._after_monitor_commit(changes)
        self._states.update(advanced)
        for vid in due:
            self._flushed_at[vid] = now_ms
        self._count(batch, out)
        return out

    def tick(self, now_ms: int | None = None) -> Outputs:
        """Clock tick: trips of silent vehicles close, maintenance days count down."""
        now_ms = self._now_ms() if now_ms is None else now_ms
        self._last_tick_ms = now_ms
        for ticker in self.tickers:
            try:
                ticker(now_ms)
            except Exception:  # one ticker's failure must not stop the others, nor the pipeline's tick
                log.exception("tick of %r failed", ticker)
        out = Outputs()
        with self._lock:
            advanced: dict[str, pipeline.VehicleState] = {}
            for vehicle_id, state in self._states.items():
                profile = self._profiles.get(vehicle_id)
                if profile is None:
                    continue
                new_state, produced = pipeline.tick(state, profile, now_ms, self.config)
                if produced.trips or produced.maintenance or produced.events:
                    out.extend(produced)
                    advanced[vehicle_id] = new_state
            changes = MonitorChanges()
            if len(self.monitors):
                with self.store.transaction() as conn:
                    self.monitors.refresh_membership(conn)
                changes = self.monitors.tick(now_ms, {**self._states, **advanced})
            if not advanced and not changes.states:
                return out
            with self.store.transaction() as conn:
                write_outputs(conn, out, now_ms)
                vehicle_states.save(conn, {vid: s.to_json() for vid, s in advanced.items()}, now_ms)
                self._write_monitor_changes(conn, changes, now_ms)
            self._after_monitor_commit(changes)
            self._states.update(advanced)
            for vid in advanced:
                self._flushed_at[vid] = now_ms
        return out

    def flush_states(self, force: bool = False) -> None:
        now_ms = self._now_ms()
        with self._lock:
            due = {
                vid: s.to_json()
                for vid, s in self._states.items()
                if force or now_ms - self._flushed_at.get(vid, 0) >= self.state_flush_ms
            }
            if due:
                with self.store.transaction() as conn:
                    vehicle_states.save(conn, due, now_ms)
                for vid in due:
                    self._flushed_at[vid] = now_ms

    def state_of(self, vehicle_id: str) -> pipeline.VehicleState | None:
        """The vehicle's pipeline state in memory (None when not loaded); read it, never change it."""
        return self._states.get(vehicle_id)

    def forget(self, vehicle_id: str) -> None:
        """Drop a vehicle's cached profile and state (it was deleted or changed)."""
        with self._lock:
            self._drop(vehicle_id)

    def _drop(self, vehicle_id: str) -> None:
        self._profiles.pop(vehicle_id, None)
        self._states.pop(vehicle_id, None)
        self._flushed_at.pop(vehicle_id, None)

    # -- helpers ---------------------------------------------------------------------------------

    def _write_monitor_changes(self, conn: Connection, changes: MonitorChanges, now_ms: int) -> None:
        """The monitors' new states and their events, in the transaction of the update that caused them."""
        if changes.dirty:
            monitor_store.save_states(conn, changes.rows(), now_ms)
        if changes.events:
            outbox.enqueue(conn, changes.events)

    def _after_monitor_commit(self, changes: MonitorChanges) -> None:
        self.monitors.apply(changes)
        self.stats.monitor_events += len(changes.events)
        if changes.events and self.on_events is not None:
            self.on_events()

    def _load(self, conn: Connection, vehicle_ids: Iterable[str]) -> None:
        missing = [vid for vid in vehicle_ids if vid not in self._profiles]
        if not missing:
            return
        self._profiles.update(vehicles.profiles(conn, missing))
        for vid, raw in vehicle_states.load(conn, missing).items():
            if vid not in self._states:
                self._states[vid] = pipeline.VehicleState.from_json(raw)
                self._flushed_at[vid] = self._now_ms()

    def _count(self, batch: Mapping[str, list[Report]], out: Outputs) -> None:
        self.stats.batches += 1
        self.stats.reports += sum(len(r) for r in batch.values())
        self.stats.rejected += len(out.rejected)
        self.stats.stale += out.stale
        for rejection in out.rejected:
            self.stats.rejections[rejection.reason] = self.stats.rejections.get(rejection.reason, 0) + 1

    def _now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)
