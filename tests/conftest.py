from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from connectedcar.runtime import Runtime
from tests.support import Account, Server, World, backends, database, make_runtime


@pytest.fixture(scope="session", params=backends())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def runtime(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    tmp: Path = tmp_path_factory.mktemp(f"db-{backend}")
    with database(backend, tmp) as url:
        rt = make_runtime(url)
        yield rt
        rt.close()


@pytest.fixture(scope="session")
def server(runtime: Runtime) -> Iterator[Server]:
    srv = Server(runtime)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def fresh(backend: str, tmp_path: Path) -> Iterator[Runtime]:
    """A runtime of its own (nothing started), on an empty database, allowing loopback webhooks."""
    with database(backend, tmp_path) as url:
        rt = make_runtime(url, webhook_allow_private=True)
        yield rt
        rt.close()


@pytest.fixture
def fresh_world(fresh: Runtime) -> World:
    return World(fresh)


@pytest.fixture
def world(runtime: Runtime) -> World:
    return World(runtime)


@pytest.fixture
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


@pytest.fixture
def account(world: World) -> Account:
    return world.account(vehicles=1)
