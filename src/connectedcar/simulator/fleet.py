"""A fleet of simulated vehicles stepped together: `step(now_ms)` advances every vehicle to now and
returns the reports that fell due, vehicle by vehicle, each vehicle's in time order.

Remote actions: after each step, `await fleet.exchange(channel)` reports the results that fell due to
a CommandChannel, then fetches the commands of the vehicles whose telematics unit checks now and hands
them over (received at the step's time). Commands that arrive otherwise (in the answers to reports)
are handed over with `receive` or `deliver`. Without a channel nothing of this happens, and the
reports are exactly those of a fleet that never heard of remote actions."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from connectedcar.domain.reports import Report
from connectedcar.simulator.commands import CommandChannel, CommandResult
from connectedcar.simulator.events import EventRates
from connectedcar.simulator.places import ILE_DE_FRANCE, Region
from connectedcar.simulator.roads import PathCache
from connectedcar.simulator.specs import SimVehicleSpec, fleet_specs
from connectedcar.simulator.vehicle import DRIVING, SimVehicle

__all__ = ["Fleet", "SimVehicleSpec", "fleet_specs"]


class Fleet:
    """Deterministic: the same seed, specs and sequence of step times give identical reports.

    Vehicles come to life at the first step's time, parked where their driver's plans for that day
    put them. Steps may be any distance apart: a vehicle catches up second by second, so the reports
    do not depend on how often step() is called."""

    def __init__(
        self,
        seed: int,
        vehicles: Sequence[SimVehicleSpec],
        *,
        region: Region = ILE_DE_FRANCE,
        rates: EventRates | None = None,
    ) -> None:
        ids = [spec.id for spec in vehicles]
        if len(set(ids)) != len(ids):
            raise ValueError("vehicle ids must be unique")
        self.seed = seed
        self.specs: tuple[SimVehicleSpec, ...] = tuple(vehicles)
        self.region = region
        self.rates = rates or EventRates()
        self.paths = PathCache(seed)
        self.vehicles: list[SimVehicle] = []
        self._by_id: dict[str, SimVehicle] = {}
        self.now_ms: int | None = None
        self.unknown_commands = 0  # commands for vehicles not in this fleet (or before the first step)

    @classmethod
    def mixed(cls, n: int, seed: int, *, rates: EventRates | None = None) -> Fleet:
        """n vehicles of every brand and energy (fleet_specs) in Île-de-France."""
        return cls(seed, fleet_specs(n, seed), rates=rates)

    def step(self, now_ms: int) -> list[Report]:
        """Advance every vehicle to now_ms; the reports measured since the last step."""
        if self.now_ms is None:
            self.vehicles = [
                SimVehicle(spec, self.seed, self.region, self.paths, self.rates, now_ms) for spec in self.specs
            ]
            self._by_id = {v.id: v for v in self.vehicles}
        elif now_ms < self.now_ms:
            raise ValueError(f"time goes forward only: {now_ms} < {self.now_ms}")
        self.now_ms = now_ms
        out: list[Report] = []
        for vehicle in self.vehicles:
            if vehicle.next_ms <= now_ms or vehicle.unit.next_ms <= now_ms:
                vehicle.advance(now_ms, out)
        return out

    def vehicle(self, vehicle_id: str) -> SimVehicle:
        """A vehicle by id (once the first step has brought the fleet to life)."""
        return self._by_id[vehicle_id]

    # ---- remote actions -------------------------------------------------------------------------

    def receive(self, vehicle_id: str, commands: Sequence[Mapping[str, Any]]) -> int:
        """Hand commands (their JSON) to a vehicle, received now (the last step's time); how many it took
        on (duplicates, expired and undecodable ones are not). A callback for HttpSink(on_commands=...)."""
        vehicle = self._by_id.get(vehicle_id)
        if vehicle is None or self.now_ms is None:
            self.unknown_commands += len(commands)
            return 0
        now = self.now_ms
        return sum(vehicle.unit.receive(vehicle, command, now) for command in commands)

    def deliver(self, commands: Mapping[str, Sequence[Mapping[str, Any]]]) -> int:
        """receive() for several vehicles, in fleet order (so the result does not depend on dict order)."""
        if not commands:
            return 0
        taken = sum(self.receive(v.id, commands[v.id]) for v in self.vehicles if v.id in commands)
        self.unknown_commands += sum(len(c) for k, c in commands.items() if k not in self._by_id)
        return taken

    def polls_due(self) -> list[str]:
        """The vehicles whose telematics unit checks for commands at the last step's time."""
        now = self.now_ms
        if now is None:
            return []
        return [v.id for v in self.vehicles if v.unit.poll_due(v, now)]

    def take_results(self) -> list[CommandResult]:
        """The results vehicles have given since the last call, vehicle by vehicle, each in time order."""
        return [r for v in self.vehicles if v.unit.results for r in v.unit.take_results()]

    async def exchange(
        self, channel: CommandChannel, pushed: Mapping[str, Sequence[Mapping[str, Any]]] | None = None
    ) -> tuple[int, int]:
        """After a step: report the results that fell due, take the `pushed` commands (from answers to
        reports), then fetch the commands of the vehicles that check now. Returns (commands taken on,
        results reported)."""
        results = self.take_results()
        if results:
            await asyncio.gather(*(channel.report(r.vehicle_id, r.command_id, r.to_json()) for r in results))
        taken = self.deliver(pushed) if pushed else 0
        due = self.polls_due()
        if due:
            taken += self.deliver(await channel.fetch(due))
        return taken, len(results)

    @property
    def driving(self) -> int:
        """How many vehicles are on the road right now."""
        return sum(1 for v in self.vehicles if v.phase == DRIVING)
