"""Test support: databases (SQLite always, PostgreSQL when CONNECTEDCAR_TEST_DATABASE_URL is set), a
real uvicorn server on loopback, and a world builder for users, clients, vehicles and their history."""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from sqlalchemy import create_engine, text

from connectedcar.api.app import create_app
from connectedcar.config import Settings
from connectedcar.domain.clock import ManualClock
from connectedcar.domain.credentials import hash_password, hash_token
from connectedcar.domain.entities import OAuthClient, User, Vehicle
from connectedcar.domain.ids import new_client_id, new_user_id, new_vehicle_id
from connectedcar.runtime import Runtime, build_runtime
from connectedcar.store import accounts, vehicles
from connectedcar.store.database import normalize_url

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


class World:
    """Builds users, clients and vehicles straight into the store, and tokens through the token service."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

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

    def account(self, vehicles: int = 1) -> Account:
        user = self.user()
        client, secret = self.client()
        account = Account(
            user=user, password=PASSWORD, client=client, client_secret=secret, token=self.token(user, client)
        )
        account.vehicles = [self.vehicle(user) for _ in range(vehicles)]
        return account
