"""Runs a Fleet against the clock at a chosen speed-up (`speed=60`: a simulated minute per real
second; 1: real time), sending each step's reports to a Sink.

At speed 1 the simulation follows the given clock (SystemClock for a remote platform). At any other
speed the runner owns simulated time: it sets the given ManualClock, which the in-process platform
shares, so the platform's "now" and the vehicles' timestamps agree. Pacing uses the event loop's
monotonic time, never the wall clock.

Given a CommandChannel, the vehicles also take remote actions: after each step's reports are sent, the
results that fell due are reported, the commands the sink received in the platform's answers (a
CommandSource such as HttpSink) are handed over, and the vehicles whose unit checks now fetch theirs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from connectedcar.domain.clock import Clock
from connectedcar.domain.timefmt import to_ms
from connectedcar.simulator.commands import CommandChannel, CommandSource
from connectedcar.simulator.fleet import Fleet
from connectedcar.simulator.sinks import Sink


class SettableClock(Protocol):
    def now(self) -> datetime: ...

    def set(self, when: datetime) -> None: ...


@dataclass(slots=True)
class RunStats:
    steps: int = 0
    reports: int = 0
    simulated_s: float = 0.0  # simulated time covered
    real_s: float = 0.0
    driving: int = 0  # vehicles on the road at the last step
    behind_s: float = 0.0  # how late the last step was against its real-time deadline (0: keeping up)
    commands: int = 0  # remote actions the vehicles took on
    results: int = 0  # their results reported


async def run(
    fleet: Fleet,
    sink: Sink,
    clock: Clock,
    *,
    speed: float = 1.0,
    interval_s: float = 0.5,
    duration_s: float | None = None,
    stop: asyncio.Event | None = None,
    on_step: Callable[[RunStats], None] | None = None,
    commands: CommandChannel | None = None,
) -> RunStats:
    """Step the fleet every interval_s of real time until duration_s of simulated time have passed
    or `stop` is set; returns what was done. Each step's reports are sent before the next step, then
    (with a command channel) results are reported and commands fetched."""
    if speed <= 0:
        raise ValueError("speed must be positive")
    settable: SettableClock | None = None
    if speed != 1.0:
        if not callable(getattr(clock, "set", None)):
            raise TypeError("running faster or slower than real time needs a settable clock (ManualClock)")
        settable = clock  # type: ignore[assignment]
    loop = asyncio.get_running_loop()
    start = clock.now()
    real_start = loop.time()
    stats = RunStats()
    while stop is None or not stop.is_set():
        elapsed = loop.time() - real_start
        simulated = elapsed * speed
        if duration_s is not None and simulated > duration_s:
            simulated = duration_s
        if settable is not None:
            now = start + timedelta(seconds=simulated)
            settable.set(now)
        else:
            now = clock.now()
            simulated = (now - start).total_seconds()
        reports = fleet.step(to_ms(now))
        await sink.send(reports)
        if commands is not None:
            pushed = sink.take_commands() if isinstance(sink, CommandSource) else None
            taken, reported = await fleet.exchange(commands, pushed)
            stats.commands += taken
            stats.results += reported
        stats.steps += 1
        stats.reports += len(reports)
        stats.simulated_s = simulated
        stats.real_s = loop.time() - real_start
        stats.driving = fleet.driving
        deadline = real_start + stats.steps * interval_s
        stats.behind_s = max(0.0, loop.time() - deadline)
        if on_step is not None:
            on_step(stats)
        if duration_s is not None and simulated >= duration_s:
            break
        await asyncio.sleep(max(0.0, deadline - loop.time()))
    return stats
