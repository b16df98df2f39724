"""The in-process bus: a thread-safe buffer between the event loop (adapters) and the processor thread.

Per-vehicle order: reports wait `reorder_window_ms` after they arrive, so that one sent late by a
few hundred milliseconds (two HTTP requests racing, a phone's retry queue) still takes its place in
the vehicle's timeline; then each vehicle's ready reports leave sorted by timestamp. One consumer
takes them, so a vehicle is never processed by two workers at once. Reports later than the window
reach the pipeline out of order, which stores them but does not move state backwards.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Sequence

from connectedcar.domain.clock import Clock
from connectedcar.domain.reports import Report


class InProcessBus:
    def __init__(self, clock: Clock, reorder_window_ms: int = 1000, max_pending: int = 1_000_000) -> None:
        self.clock = clock
        self.reorder_window_ms = reorder_window_ms
        self.max_pending = max_pending
        # (ready_at_ms, arrival sequence, reports of one publish): released in arrival order once the
        # window has passed. One entry per published batch, not per report: ingest hands over hundreds.
        self._pending: list[tuple[int, int, Sequence[Report]]] = []
        self._count = 0
        self._sequence = itertools.count()
        self._lock = threading.Condition()
        self._closed = False

    @property
    def pending(self) -> int:
        with self._lock:
            return self._count

    async def publish(self, reports: Sequence[Report]) -> None:
        self.put(reports)

    def put(self, reports: Sequence[Report]) -> None:
        if not reports:
            return
        ready_at = int(self.clock.now().timestamp() * 1000) + self.reorder_window_ms
        with self._lock:
            if self._closed:
                raise RuntimeError("the bus is closed")
            if self._count + len(reports) > self.max_pending:
                raise BusFull(f"{self._count} reports are waiting to be processed")
            heapq.heappush(self._pending, (ready_at, next(self._sequence), reports))
            self._count += len(reports)
            self._lock.notify()

    def take(self, timeout_s: float) -> dict[str, list[Report]]:
        """Every report whose window has passed, grouped per vehicle and sorted by timestamp."""
        with self._lock:
            ready = self._ready(int(self.clock.now().timestamp() * 1000))
            if not ready and not self._closed:
                self._lock.wait(timeout_s)
                ready = self._ready(int(self.clock.now().timestamp() * 1000))
        return _by_vehicle(ready)

    def drain(self) -> dict[str, list[Report]]:
        """Everything waiting, window or not: for shutdown and for tests that step the clock."""
        with self._lock:
            ready = [report for item in sorted(self._pending) for report in item[2]]
            self._pending.clear()
            self._count = 0
        return _by_vehicle(ready)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify_all()

    def _ready(self, now_ms: int) -> list[Report]:
        out: list[Report] = []
        while self._pending and self._pending[0][0] <= now_ms:
            out.extend(heapq.heappop(self._pending)[2])
        self._count -= len(out)
        return out


class BusFull(Exception):
    """Back-pressure: the processor is behind; adapters answer 503 and devices retry."""


def _at(report: Report) -> int:
    return report.at_ms


def _by_vehicle(reports: list[Report]) -> dict[str, list[Report]]:
    grouped: dict[str, list[Report]] = {}
    for report in reports:
        grouped.setdefault(report.vehicle_id, []).append(report)
    for items in grouped.values():
        if any(a.at_ms > b.at_ms for a, b in itertools.pairwise(items)):
            items.sort(key=_at)  # stable: equal timestamps keep their arrival order
    return grouped
