from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from connectedcar.domain.reports import Report
from connectedcar.simulator import Fleet, SimVehicleSpec, fleet_specs

# Monday 2 March 2026, 04:00 UTC (05:00 in Paris): before the morning commute.
START_MS = int(datetime(2026, 3, 2, 4, 0, tzinfo=UTC).timestamp() * 1000)
DAY_MS = 86_400_000


@dataclass
class Day:
    fleet: Fleet
    reports: list[Report]

    def by_vehicle(self) -> dict[str, list[Report]]:
        out: dict[str, list[Report]] = defaultdict(list)
        for r in self.reports:
            out[r.vehicle_id].append(r)
        return out

    def spec(self, vehicle_id: str) -> SimVehicleSpec:
        return next(s for s in self.fleet.specs if s.id == vehicle_id)


def simulate(fleet: Fleet, duration_ms: int, every_ms: int = 60_000, start_ms: int = START_MS) -> list[Report]:
    out: list[Report] = []
    for t in range(start_ms, start_ms + duration_ms + 1, every_ms):
        out += fleet.step(t)
    return out


@pytest.fixture(scope="package")
def day() -> Day:
    """A simulated weekday of a dozen vehicles of every brand and energy."""
    fleet = Fleet(11, fleet_specs(12, 11))
    return Day(fleet, simulate(fleet, DAY_MS))
