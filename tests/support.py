"""Test support: databases (SQLite always, PostgreSQL when CONNECTEDCAR_TEST_DATABASE_URL is set), a
real uvicorn server on loopback, and a world builder for users, clients, vehicles and their history."""

from __future__ import annotations

import itertools
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import create_engine, text

from connectedcar.api.app import create_app
from connectedcar.config import Settings
from connectedcar.domain.clock import ManualClock
from connectedcar.domain.credentials import hash_password, hash_token
from connectedcar.domain.entities import (
    Alert,
    Collision,
    EcoDriving,
    Event,
    Fleet,
    Maintenance,
    OAuthClient,
    Position,
    TelemetryRecord,
    Trip,
    User,
    Vehicle,
    Waypoint,
)
from connectedcar.domain.ids import (
    new_client_id,
    new_fleet_id,
    new_fleet_username,
    new_monitor_id,
    new_user_id,
    new_vehicle_id,
    position_id,
    trip_id,
)
from connectedcar.domain.timefmt import to_ms
from connectedcar.monitoring.definition import parse_definition
from connectedcar.provision import new_webhook_secret
from connectedcar.runtime import Runtime, build_runtime
from connectedcar.store import accounts, fleets, history, vehicles
from connectedcar.store import monitors as monitor_store
from connectedcar.store.database import normalize_url
from connectedcar.store.monitors import MonitorRow

PG_URL_ENV = "CONNECTEDCAR_TEST_DATABASE_URL"
START = datetime(2026, 11, 2, 8, 0, 0, tzinfo=UTC)
PASSWORD = "Sup3r-secret"


def backends() -> list[str]:
    return ["sqlite", "postgresql"]


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[str]:
    """A fresh, empty database URL for the backend; skips PostgreSQL when none is configured."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'connectedcar.db'}"
        return
    import pytest

    base = os.environ.get(PG_URL_ENV)
    if not base:
        pytest.skip(f"{PG_URL_ENV} is not set: PostgreSQL suite skipped (CI sets it)")
    schema = f"test_{secrets.token_hex(6)}"
    admin = create_engine(normalize_url(base))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{normalize_url(base)}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """The app served by uvicorn in a background thread, on a loopback port."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._seq = itertools.count(1)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(runtime), host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def make_runtime(url: str, **overrides: object) -> Runtime:
    settings = Settings(database_url=url, secret_key="test-secret", **overrides)  # type: ignore[arg-type]
    return build_runtime(settings, ManualClock(START))


@dataclass
class Account:
    user: User
    password: str
    client: OAuthClient
    client_secret: str | None
    token: str
    vehicles: list[Vehicle] = field(default_factory=list)


@dataclass
class FleetAccount:
    """A fleet with its Basic credentials (the password in clear) and its vehicles."""

    fleet: Fleet
    password: str
    vehicles: list[Vehicle] = field(default_factory=list)

    @property
    def auth(self) -> tuple[str, str]:
        return (self.fleet.username, self.password)


class World:
    """Builds users, clients and vehicles straight into the store, and tokens through the token service."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._seq = itertools.count(1)

    @property
    def clock(self) -> ManualClock:
        clock = self.runtime.clock
        assert isinstance(clock, ManualClock)
        return clock

    def user(self, email: str | None = None, password: str = PASSWORD) -> User:
        now = self.clock.now()
        user = User(
            id=new_user_id(),
            email=email or f"user-{secrets.token_hex(4)}@example.com",
            password_hash=hash_password(password),
            first_name="Nicolas",
            last_name="Cugnot",
            created_at=now,
            updated_at=now,
        )
        with self.runtime.store.transaction() as conn:
            accounts.create_user(conn, user)
        return user

    def client(
        self, *, public: bool = False, redirect_uri: str = "http://127.0.0.1:9/callback"
    ) -> tuple[OAuthClient, str | None]:
        secret = None if public else secrets.token_urlsafe(32)
        client = OAuthClient(
            client_id=new_client_id(),
            name="test app",
            secret_hash=hash_token(secret) if secret else None,
            redirect_uris=(redirect_uri,),
            public=public,
            rate_limit=None,
            created_at=self.clock.now(),
        )
        with self.runtime.store.transaction() as conn:
            accounts.create_client(conn, client)
        return client, secret

    def vehicle(self, user: User | None, *, vin: str | None = None, brand: str = "C", energy: str = "Fuel") -> Vehicle:
        now = self.clock.now()
        vehicle = Vehicle(
            id=new_vehicle_id(),
            vin=vin or ("VF7" + secrets.token_hex(7).upper())[:17],
            user_id=user.id if user else None,
            device_id=None,
            brand=brand,
            model="H5",
            sub_model="3A",
            engine="06",
            gearbox="AHXT",
            energy=energy,
            created_at=now,
            updated_at=now,
        )
        with self.runtime.store.transaction() as conn:
            vehicles.create_vehicle(conn, vehicle)
        return vehicle

    def token(self, user: User, client: OAuthClient, scope: str = "public") -> str:
        with self.runtime.store.transaction() as conn:
            pair = self.runtime.tokens.issue_direct(conn, client_id=client.client_id, user_id=user.id, scope=scope)
        return pair.access_token

    def login(self, user: User, owned: list[Vehicle] | None = None) -> Account:
        """A new client and access token for an existing user: a fresh rate-limit window each time."""
        client, secret = self.client()
        return Account(
            user=user,
            password=PASSWORD,
            client=client,
            client_secret=secret,
            token=self.token(user, client),
            vehicles=list(owned or []),
        )

    def account(self, vehicles: int = 1) -> Account:
        user = self.user()
        client, secret = self.client()
        account = Account(
            user=user, password=PASSWORD, client=client, client_secret=secret, token=self.token(user, client)
        )
        account.vehicles = [self.vehicle(user) for _ in range(vehicles)]
        return account

    def fleet(self, vehicles: int = 1, *, name: str = "Test fleet", password: str = PASSWORD) -> FleetAccount:
        """A fleet with its own client_id and Basic credentials, and `vehicles` new vehicles in it."""
        now = self.clock.now()
        fleet = Fleet(
            id=new_fleet_id(),
            name=name,
            client_id=new_client_id(),
            username=new_fleet_username(),
            password_hash=hash_password(password),
            created_at=now,
            updated_at=now,
            webhook_secret=new_webhook_secret(),
        )
        with self.runtime.store.transaction() as conn:
            fleets.create_fleet(conn, fleet)
        account = FleetAccount(fleet, password, [self.vehicle(None) for _ in range(vehicles)])
        self.add_to_fleet(account, *account.vehicles)
        return account

    def add_to_fleet(self, account: FleetAccount, *members: Vehicle) -> None:
        with self.runtime.store.transaction() as conn:
            fleets.add_vehicles(conn, account.fleet.id, [v.id for v in members], to_ms(self.clock.now()))

    # -- history, written through store/history.py as the pipeline would --------------------------

    def _next(self) -> int:
        return next(self._seq)

    def _ago(self, seconds_ago: float | None, at: datetime | None) -> datetime:
        """A data time: `at`, else `seconds_ago` before the clock's now (default: now)."""
        if at is not None:
            return at
        return self.clock.now() - timedelta(seconds=seconds_ago or 0)

    def position(
        self,
        vehicle: Vehicle,
        *,
        at: datetime | None = None,
        seconds_ago: float | None = None,
        lon: float = 2.35222,
        lat: float = 48.85661,
        alt: float | None = 35.0,
        heading: float | None = 90.0,
        trip_id: str | None = None,
    ) -> Position:
        when = self._ago(seconds_ago, at)
        found = Position(
            id=position_id(vehicle.id, self._next(), when),
            vehicle_id=vehicle.id,
            recorded_at=when,
            lon=lon,
            lat=lat,
            alt=alt,
            heading=heading,
            speed=30.0,
            trip_id=trip_id,
        )
        with self.runtime.store.transaction() as conn:
            history.add_positions(conn, [found], self.clock.now())
        return found

    def trip(
        self,
        vehicle: Vehicle,
        *,
        at: datetime | None = None,
        seconds_ago: float | None = None,
        duration: float = 475,
        distance: float = 4.3999,
        waypoints: int = 3,
        reference: bool = False,
    ) -> Trip:
        """A finished trip that started at `at`, with start and stop positions and `waypoints` waypoints
        (one every second from the start, moving east)."""
        started = self._ago(seconds_ago, at)
        stopped = started + timedelta(seconds=duration)
        tid = trip_id(vehicle.id, 909839383, self._next())
        start = self.position(vehicle, at=started, lon=2.00099, lat=48.92995, alt=67, heading=260, trip_id=tid)
        stop = self.position(vehicle, at=stopped, lon=2.1, lat=48.93, alt=70, heading=90, trip_id=tid)
        trip = Trip(
            id=tid,
            vehicle_id=vehicle.id,
            started_at=started,
            stopped_at=stopped,
            distance=distance,
            fuel_consumption=0.490021,
            avg_consumption=11.1371,
            avg_speed=41,
            refueling=False,
            reference=reference,
            start_position=start,
            stop_position=stop,
        )
        with self.runtime.store.transaction() as conn:
            history.save_trip(conn, trip, self.clock.now())
            history.add_waypoints(
                conn,
                [
                    Waypoint(
                        trip_id=tid,
                        seq=i,
                        recorded_at=started + timedelta(seconds=i),
                        lon=2.0 + i / 1000,
                        lat=48.9,
                        alt=60 + i,
                        heading=90,
                        speed=40,
                    )
                    for i in range(waypoints)
                ],
            )
        return trip

    def alert(
        self,
        vehicle: Vehicle,
        type: str = "alertOilPressure",
        *,
        at: datetime | None = None,
        seconds_ago: float | None = None,
        trip: Trip | None = None,
        active: bool = True,
        lon: float | None = 1.7402,
        lat: float | None = 48.98058,
    ) -> Alert:
        when = self._ago(seconds_ago, at)
        found = Alert(
            id=f"{vehicle.id}-alert-{self._next()}",
            vehicle_id=vehicle.id,
            type=type,
            active=active,
            started_at=when,
            ended_at=None if active else when + timedelta(minutes=5),
            trip_id=trip.id if trip else None,
            lon=lon,
            lat=lat,
            alt=19 if lon is not None else None,
            heading=253 if lon is not None else None,
        )
        with self.runtime.store.transaction() as conn:
            history.save_alert(conn, found, self.clock.now())
        return found

    def collision(
        self,
        vehicle: Vehicle,
        *,
        at: datetime | None = None,
        seconds_ago: float | None = None,
        trip: Trip | None = None,
        front: str = "NONE",
        roll_over: bool = False,
        lon: float | None = None,
        lat: float | None = None,
    ) -> Collision:
        when = self._ago(seconds_ago, at)
        found = Collision(
            id=f"{vehicle.id}-{self._next()}",
            vehicle_id=vehicle.id,
            occurred_at=when,
            roll_over=roll_over,
            front_level=front,
            trip_id=trip.id if trip else None,
            lon=lon,
            lat=lat,
            alt=12 if lon is not None else None,
            heading=45 if lon is not None else None,
        )
        with self.runtime.store.transaction() as conn:
            history.add_collision(conn, found, self.clock.now())
        return found

    def maintenance(self, vehicle: Vehicle, *, days: int = 120, mileage: int = 18960) -> Maintenance:
        now = self.clock.now()
        found = Maintenance(vehicle_id=vehicle.id, days=days, mileage=mileage, created_at=now, updated_at=now)
        with self.runtime.store.transaction() as conn:
            history.save_maintenance(conn, found)
        return found

    def event(
        self,
        vehicle: Vehicle,
        type: str,
        event_id: str,
        *,
        at: datetime | None = None,
        seconds_ago: float | None = None,
        data: dict[str, Any] | None = None,
    ) -> Event:
        found = Event(
            id=f"{vehicle.id}-event-{self._next()}",
            vehicle_id=vehicle.id,
            type=type,
            event_id=event_id,
            created_at=self._ago(seconds_ago, at),
            data=data,
        )
        with self.runtime.store.transaction() as conn:
            history.add_events(conn, [found], self.clock.now())
        return found

    def telemetry(
        self,
        vehicle: Vehicle,
        data: dict[str, Any],
        *,
        at: datetime | None = None,
        seconds_ago: float | None = None,
        trip: Trip | None = None,
    ) -> TelemetryRecord:
        when = self._ago(seconds_ago, at)
        found = TelemetryRecord(
            id=f"{vehicle.id}-909839383-{when.strftime('%Y%m%d%H%M%S')}-{self._next()}",
            vehicle_id=vehicle.id,
            recorded_at=when,
            data=data,
            trip_id=trip.id if trip else None,
        )
        with self.runtime.store.transaction() as conn:
            history.add_telemetry(conn, [found], self.clock.now())
        return found

    def ecodriving(self, trip: Trip, scores: dict[str, Any] | None = None) -> EcoDriving:
        def score(value: float) -> dict[str, Any]:
            return {"score": value, "evaluation": "", "advice": "", "category": "", "label": ""}

        found = EcoDriving(
            trip_id=trip.id,
            vehicle_id=trip.vehicle_id,
            scores=scores
            or {
                "global": {"trend": score(3.97), "style": score(3.77), "road": score(4.11)},
                "detailed": {"acceleration": score(4.08), "braking": score(3.91), "stopAndStart": score(999999)},
            },
            created_at=self.clock.now(),
        )
        with self.runtime.store.transaction() as conn:
            history.save_ecodriving(conn, found)
        return found


def install(rt: Runtime, account: FleetAccount, body: dict[str, Any], *, status: str = "Running") -> MonitorRow:
    """What POST /fleets/{fid}/monitors does once the body is valid: store it, put it in force."""
    definition = parse_definition(body)
    now_ms = to_ms(rt.clock.now())
    row = MonitorRow(new_monitor_id(), account.fleet.id, definition.monitor.label, status, body, now_ms, now_ms)
    with rt.store.transaction() as conn:
        monitor_store.create(conn, row)
        rt.monitors.refresh_membership(conn)
    rt.monitors.put(row)
    return row
