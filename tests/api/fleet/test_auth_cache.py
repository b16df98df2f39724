"""The fleet guard's credential cache: scrypt once, then a digest compare, for a bounded while."""

from __future__ import annotations

import anyio
import pytest

from connectedcar.api.fleet import auth
from connectedcar.api.fleet.auth import CredentialCache, FleetAuthenticator, FleetUnauthorized
from connectedcar.domain.clock import ManualClock
from connectedcar.runtime import Runtime
from tests.support import START, World


def test_entries_expire_and_the_cache_is_bounded(world: World) -> None:
    clock = ManualClock(START)
    cache = CredentialCache(clock, ttl_seconds=60, max_entries=2)
    fleet = world.fleet(vehicles=0).fleet
    key = CredentialCache.key("user", "secret")
    assert "secret" not in key
    cache.put(key, fleet)
    assert cache.get(key) == fleet
    clock.advance(61)
    assert cache.get(key) is None
    for i in range(5):
        cache.put(CredentialCache.key("user", str(i)), fleet)
    assert len(cache) == 2
    cache.forget(fleet.id)
    assert len(cache) == 0


def test_scrypt_runs_once_per_credentials(runtime: Runtime, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    owner = world.fleet(vehicles=0)
    calls: list[str] = []
    real = auth.verify_password

    def counting(password: str, stored: str) -> bool:
        calls.append(password)
        return real(password, stored)

    monkeypatch.setattr(auth, "verify_password", counting)
    authenticator = FleetAuthenticator(runtime)

    async def twice() -> None:
        for _ in range(2):
            found = await authenticator.verify(owner.fleet.username, owner.password)
            assert found.id == owner.fleet.id
        with pytest.raises(FleetUnauthorized):
            await authenticator.verify(owner.fleet.username, "wrong")
        with pytest.raises(FleetUnauthorized):
            await authenticator.verify("no-such-user", "wrong")

    anyio.run(twice)
    assert len(calls) == 3, "one scrypt for the good pair, one per failure (failures are never cached)"
