"""What vehicles report: one reading, in the platform's units, whatever protocol carried it.

Every ingest adapter (native JSON, OsmAnd / Traccar Client, the simulator) turns its input into
Reports; the pipeline turns Reports into the unified data the API serves. Times are epoch
milliseconds (UTC): the pipeline handles tens of thousands a second and never needs a datetime.
Units: degrees, metres, km/h, km, percent, rpm, m/s².
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# v2 spec ChargingStatusEnum
CHARGING_STATUSES = ("Disconnected", "InProgress", "Failure", "Stopped", "Finished")
# seed 000 collision levels
COLLISION_LEVELS = ("NONE", "FIXABLE", "LOW", "MEDIUM", "HIGH")
DOORS = ("driver", "passenger", "rearLeft", "rearRight", "trunk", "rearWindow", "roof")


@dataclass(frozen=True, slots=True)
class CollisionReport:
    front: str = "NONE"
    rear: str = "NONE"
    lateral: str = "NONE"
    roll_over: bool = False
    pedestrian: bool = False


# Not frozen, deliberately: a frozen dataclass sets each of its 26 fields through object.__setattr__,
# 1.7 us a report against 0.5; tens of thousands are built a second. Treat Reports as immutable.
@dataclass(slots=True)
class Report:
    vehicle_id: str
    at_ms: int  # when the vehicle measured it
    lat: float | None = None
    lon: float | None = None
    alt: float | None = None  # m
    heading: float | None = None  # degrees clockwise from north, [0, 360)
    speed: float | None = None  # km/h
    accuracy: float | None = None  # m
    ignition: bool | None = None
    odometer: float | None = None  # km
    fuel_level: float | None = None  # % of the tank
    battery_level: float | None = None  # % of the traction battery (EV, PHEV)
    battery_voltage: float | None = None  # V, the 12 V battery
    charging: str | None = None  # one of CHARGING_STATUSES
    plugged: bool | None = None
    doors_locked: bool | None = None
    doors_open: tuple[str, ...] | None = None  # names from DOORS; () = all closed
    engine_speed: float | None = None  # rpm
    acceleration: float | None = None  # m/s², longitudinal (negative: braking)
    alerts_raised: tuple[str, ...] = ()  # alert types (domain.alerts.CATALOGUE) that began
    alerts_cleared: tuple[str, ...] = ()  # alert types that ended
    collision: CollisionReport | None = None
    telemetry: Mapping[str, Any] | None = None  # more properties, in seed 000's telemetry shape
    source: str = "native"  # native, osmand, simulator
    attributes: Mapping[str, Any] = field(default_factory=dict)  # protocol extras (OsmAnd keys)

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class VehicleProfile:
    """What the pipeline needs to know about a vehicle beyond its reports."""

    vehicle_id: str
    energy: str  # Fuel, Electric, Hybrid
    tank_litres: float = 50.0  # Fuel, Hybrid
    battery_kwh: float = 50.0  # Electric; Hybrid: about 12
    fuel_co2_g_per_litre: float = 2392.0  # petrol; diesel is about 2640
    maintenance_interval_days: int = 365
    maintenance_interval_km: int = 20_000
    registered_ms: int = 0  # when the vehicle joined: the first maintenance countdown starts there
