"""A fleet of simulated vehicles stepped together: `step(now_ms)` advances every vehicle to now and
returns the reports that fell due, vehicle by vehicle, each vehicle's in time order."""

from __future__ import annotations

from collections.abc import Sequence

from connectedcar.domain.reports import Report
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
        self.now_ms: int | None = None

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
        elif now_ms < self.now_ms:
            raise ValueError(f"time goes forward only: {now_ms} < {self.now_ms}")
        self.now_ms = now_ms
        out: list[Report] = []
        for vehicle in self.vehicles:
            if vehicle.next_ms <= now_ms:
                vehicle.advance(now_ms, out)
        return out

    @property
    def driving(self) -> int:
        """How many vehicles are on the road right now."""
        return sum(1 for v in self.vehicles if v.phase == DRIVING)
