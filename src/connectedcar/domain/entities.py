"""Entities as the platform keeps them. Times are aware UTC datetimes; units are the API's."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str
    password_hash: str
    first_name: str
    last_name: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OAuthClient:
    client_id: str
    name: str
    secret_hash: str | None
    redirect_uris: tuple[str, ...]
    public: bool
    rate_limit: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Vehicle:
    id: str
    vin: str
    user_id: str | None
    device_id: str | None
    brand: str
    model: str
    sub_model: str
    engine: str
    gearbox: str
    energy: str
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)  # not frozen: built once per report (see domain.reports.Report)
class Position:
    id: str
    vehicle_id: str
    recorded_at: datetime
    lon: float
    lat: float
    alt: float | None = None
    heading: float | None = None
    speed: float | None = None
    trip_id: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Trip:
    id: str
    vehicle_id: str
    started_at: datetime
    stopped_at: datetime | None
    distance: float
    fuel_consumption: float | None = None
    energy_consumption: float | None = None
    avg_consumption: float | None = None
    avg_speed: float | None = None
    co2_emission: float | None = None
    refueling: bool = False
    reference: bool = False
    start_position: Position | None = None
    stop_position: Position | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Waypoint:
    trip_id: str
    seq: int
    recorded_at: datetime
    lon: float
    lat: float
    alt: float | None = None
    heading: float | None = None
    speed: float | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    vehicle_id: str
    type: str
    active: bool
    started_at: datetime
    ended_at: datetime | None = None
    trip_id: str | None = None
    lon: float | None = None
    lat: float | None = None
    alt: float | None = None
    heading: float | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Collision:
    id: str
    vehicle_id: str
    occurred_at: datetime
    roll_over: bool = False
    front_level: str = "NONE"
    rear_level: str = "NONE"
    lateral_level: str = "NONE"
    pedestrian: bool = False
    trip_id: str | None = None
    lon: float | None = None
    lat: float | None = None
    alt: float | None = None
    heading: float | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Maintenance:
    vehicle_id: str
    days: int
    mileage: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    vehicle_id: str
    type: str  # TRIP, ALERT, COLLISION, REFUEL, FUEL_STOLEN
    event_id: str
    created_at: datetime
    data: dict[str, Any] | None = None
    updated_at: datetime | None = None


@dataclass(slots=True)  # not frozen: built once per report (see domain.reports.Report)
class TelemetryRecord:
    id: str
    vehicle_id: str
    recorded_at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    trip_id: str | None = None
    updated_at: datetime | None = None
    paths: str | None = None  # "|vehicle.fuel.level|...|": the data's leaf paths, when the producer knows them


@dataclass(frozen=True, slots=True)
class EcoDriving:
    trip_id: str
    vehicle_id: str
    scores: dict[str, Any]
    created_at: datetime
    updated_at: datetime | None = None


COLLISION_LEVELS = ("NONE", "FIXABLE", "LOW", "MEDIUM", "HIGH")
EVENT_TYPES = ("TRIP", "ALERT", "COLLISION", "REFUEL", "FUEL_STOLEN")


@dataclass(frozen=True, slots=True)
class Fleet:
    """A fleet owner's fleet: its own client_id and HTTP Basic credentials (the password as a hash)."""

    id: str
    name: str
    client_id: str
    username: str
    password_hash: str
    created_at: datetime
    updated_at: datetime
    webhook_secret: str | None = None  # signs webhook requests (Standard Webhooks `whsec_...`)
