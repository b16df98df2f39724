"""What processing reports produces: the rows the store writes in one transaction per batch."""

from __future__ import annotations

from dataclasses import dataclass, field

from connectedcar.domain.entities import (
    Alert,
    Collision,
    EcoDriving,
    Event,
    Maintenance,
    Position,
    TelemetryRecord,
    Trip,
    Waypoint,
)
from connectedcar.domain.reports import Report


@dataclass(frozen=True, slots=True)
class Rejection:
    report: Report
    reason: str  # invalid, future, duplicate (stale reports are kept: see Outputs.stale)
    detail: str = ""  # what was wrong, in words a device owner understands


@dataclass(slots=True)
class Outputs:
    positions: list[Position] = field(default_factory=list)
    telemetry: list[TelemetryRecord] = field(default_factory=list)
    trips: list[Trip] = field(default_factory=list)  # inserted or updated (same id)
    waypoints: list[Waypoint] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)  # inserted or updated (same id)
    collisions: list[Collision] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    ecodriving: list[EcoDriving] = field(default_factory=list)
    maintenance: list[Maintenance] = field(default_factory=list)  # the latest countdown per vehicle
    rejected: list[Rejection] = field(default_factory=list)
    stale: int = 0  # reports older than the vehicle's state: stored, state untouched

    def extend(self, other: Outputs) -> None:
        self.positions += other.positions
        self.telemetry += other.telemetry
        self.trips += other.trips
        self.waypoints += other.waypoints
        self.alerts += other.alerts
        self.collisions += other.collisions
        self.events += other.events
        self.ecodriving += other.ecodriving
        self.maintenance += other.maintenance
        self.rejected += other.rejected
        self.stale += other.stale
