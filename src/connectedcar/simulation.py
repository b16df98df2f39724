"""Running the fleet simulator against the platform: in process for the demo, over HTTP for `simulate`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rich.console import Console

from connectedcar import provision
from connectedcar.domain.clock import Clock, ManualClock, SystemClock
from connectedcar.runtime import Runtime
from connectedcar.simulator.runner import RunStats
from connectedcar.simulator.specs import SimVehicleSpec, fleet_specs
from connectedcar.store import vehicles

PARIS = ZoneInfo("Europe/Paris")
MORNING = (6, 50)  # drivers leave home from about 07:00: the first trips end within a minute at 60x


def demo_clock(speed: float, base: Clock | None = None) -> Clock:
    """The demo platform's one clock. In real time it is the system clock. Faster than real time, the
    simulator moves a manual clock that the whole platform shares, starting at the most recent weekday
    06:50 Paris time, so that the first simulated minutes show the morning commute."""
    base = base or SystemClock()
    if speed == 1:
        return base
    now = base.now().astimezone(PARIS)
    morning = now.replace(hour=MORNING[0], minute=MORNING[1], second=0, microsecond=0)
    while morning > now or morning.weekday() >= 5:  # Saturday, Sunday: no commute to show
        morning -= timedelta(days=1)
    return ManualClock(morning)


def progress_reporter(runtime: Runtime, every_s: float = 10.0) -> Callable[[RunStats], None]:
    """A runner callback that says, every `every_s` real seconds, what the simulation and the pipeline did."""
    last = [0.0]
    console = Console(stderr=True, highlight=False)

    def report(stats: RunStats) -> None:
        if time.monotonic() - last[0] < every_s:
            return
        last[0] = time.monotonic()
        processed = runtime.processor.stats
        behind = f"  [red]{stats.behind_s:.0f} s behind[/red]" if stats.behind_s >= 1 else ""
        simulated = runtime.clock.now().astimezone(PARIS)
        console.print(
            f"[dim]{time.strftime('%H:%M:%S')}[/dim] [bold]{simulated:%a %H:%M}[/bold] Paris  "
            f"[green]{stats.driving} driving[/green]  {stats.reports:,} reports sent  "
            f"{processed.reports:,} processed  {runtime.bus.pending:,} waiting  "
            f"{processed.rejected:,} rejected{behind}",
            soft_wrap=True,
        )

    return report


def provision_remote(
    runtime: Runtime, owner_email: str, count: int, seed: int
) -> tuple[list[SimVehicleSpec], dict[str, str]]:
    """Register the simulated vehicles (idempotently) for a user of the target platform's database, each with
    a fresh device token: what `simulate` needs to drive that platform over the native protocol."""
    specs: list[SimVehicleSpec] = []
    tokens: dict[str, str] = {}
    with runtime.store.transaction() as conn:
        for spec in fleet_specs(count, seed):
            vehicle = vehicles.vehicle_by_vin(conn, spec.vin) or provision.create_vehicle(
                conn,
                runtime.clock,
                vin=spec.vin,
                owner_email=owner_email,
                brand=spec.brand,
                model=spec.model,
                energy=spec.energy,
            )
            tokens[vehicle.id] = provision.issue_device_token(conn, runtime.clock, vehicle.id)
            specs.append(replace(spec, vehicle_id=vehicle.id))
    return specs, tokens


def started_at(clock: Clock) -> datetime:
    return clock.now().astimezone(PARIS)
