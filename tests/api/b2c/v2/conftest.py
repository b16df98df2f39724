from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from connectedcar.domain.entities import Alert, Collision, Trip, Vehicle
from connectedcar.runtime import Runtime
from tests.api.b2c.v2.helpers import Api
from tests.support import Account, World


@pytest.fixture
def api(http: httpx.Client, account: Account) -> Api:
    return Api(http, account)


@dataclass(frozen=True)
class Owned:
    """A user's vehicle with one of each kind of history, built once per module."""

    account: Account
    vehicle: Vehicle
    trip: Trip
    alert: Alert
    collision: Collision


def _owned(runtime: Runtime) -> Owned:
    world = World(runtime)
    account = world.account()
    vehicle = account.vehicles[0]
    trip = world.trip(vehicle, seconds_ago=3600)
    return Owned(
        account=account,
        vehicle=vehicle,
        trip=trip,
        alert=world.alert(vehicle, trip=trip, seconds_ago=3000),
        collision=world.collision(vehicle, trip=trip, seconds_ago=3000),
    )


@pytest.fixture(scope="module")
def stranger(runtime: Runtime) -> Owned:
    """Another user's vehicle and history: the caller must get 403 for all of it."""
    return _owned(runtime)


@pytest.fixture(scope="module")
def owned(runtime: Runtime) -> Owned:
    """The caller's own vehicle and history, shared by a module's table-driven tests."""
    return _owned(runtime)


@pytest.fixture
def owner_api(http: httpx.Client, world: World, owned: Owned) -> Api:
    """The owner of `owned`, through a fresh client (its own rate-limit window)."""
    return Api(http, world.login(owned.account.user, [owned.vehicle]))
