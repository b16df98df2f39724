from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

import pytest

from connectedcar.bus.inprocess import BusFull, InProcessBus
from connectedcar.domain.clock import ManualClock
from connectedcar.domain.reports import Report

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def _r(vehicle: str, at_s: int) -> Report:
    return Report(vehicle_id=vehicle, at_ms=int(T0.timestamp() * 1000) + at_s * 1000)


def _times(batch: dict[str, list[Report]]) -> dict[str, list[int]]:
    base = int(T0.timestamp() * 1000)
    return {v: [(r.at_ms - base) // 1000 for r in rs] for v, rs in batch.items()}


@pytest.mark.parametrize(
    ("arrivals", "expected"),
    [
        # (arrival offset in ms, vehicle, report second)
        ([(0, "a", 1), (0, "a", 2), (0, "a", 3)], {"a": [1, 2, 3]}),
        # a report sent late by 300 ms takes its place in the timeline
        ([(0, "a", 1), (0, "a", 3), (300, "a", 2)], {"a": [1, 2, 3]}),
        # vehicles are kept apart, each in its own order
        ([(0, "a", 5), (0, "b", 1), (100, "a", 4), (100, "b", 0)], {"a": [4, 5], "b": [0, 1]}),
    ],
)
def test_reports_within_the_window_leave_in_timestamp_order(
    arrivals: list[tuple[int, str, int]], expected: dict[str, list[int]]
) -> None:
    clock = ManualClock(T0)
    bus = InProcessBus(clock, reorder_window_ms=1000)
    elapsed = 0
    for offset, vehicle, second in arrivals:
        clock.advance((offset - elapsed) / 1000)
        elapsed = offset
        bus.put([_r(vehicle, second)])
    assert bus.take(timeout_s=0) == {}, "nothing leaves before its window has passed"
    clock.advance(1.5)
    assert _times(bus.take(timeout_s=0)) == expected


def test_a_report_later_than_the_window_leaves_in_a_later_batch() -> None:
    clock = ManualClock(T0)
    bus = InProcessBus(clock, reorder_window_ms=500)
    bus.put([_r("a", 10)])
    clock.advance(1)
    assert _times(bus.take(0)) == {"a": [10]}
    bus.put([_r("a", 9)])  # too late: the pipeline will see it as stale
    clock.advance(1)
    assert _times(bus.take(0)) == {"a": [9]}


def test_drain_takes_everything_and_back_pressure_refuses_past_the_limit() -> None:
    bus = InProcessBus(ManualClock(T0), reorder_window_ms=60_000, max_pending=1000)
    asyncio.run(bus.publish([_r("a", i) for i in range(1000)]))
    with pytest.raises(BusFull):
        bus.put([_r("a", 2000)])
    assert len(bus.drain()["a"]) == 1000
    assert bus.pending == 0


def test_take_wakes_up_when_reports_arrive() -> None:
    bus = InProcessBus(ManualClock(T0), reorder_window_ms=0)
    got: list[dict[str, list[Report]]] = []
    thread = threading.Thread(target=lambda: got.append(bus.take(timeout_s=5)))
    thread.start()
    bus.put([_r("a", 1)])
    thread.join(timeout=5)
    assert got and _times(got[0]) == {"a": [1]}
