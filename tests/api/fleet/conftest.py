from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.support import FleetAccount, World

V2 = "/connectedcar/v2"
V3 = "/connectedcar/v3"
Params = Mapping[str, str] | Sequence[tuple[str, str]]


@dataclass
class FleetApi:
    """A fleet owner's application: Basic credentials and the fleet's client_id on every call."""

    http: httpx.Client
    account: FleetAccount
    prefix: str = V3

    @property
    def fid(self) -> str:
        return self.account.fleet.id

    def get(self, path: str, params: Params = (), *, accept: str = "application/hal+json") -> httpx.Response:
        items = list(params.items()) if isinstance(params, Mapping) else list(params)
        query = httpx.QueryParams([("client_id", self.account.fleet.client_id), *items])
        return self.http.get(
            self.prefix + path.format(fid=self.fid), params=query, auth=self.account.auth, headers={"Accept": accept}
        )

    def follow(self, href: str) -> httpx.Response:
        return self.http.get(href, auth=self.account.auth, headers={"Accept": "application/hal+json"})

    def ok(self, path: str, params: Params = ()) -> dict[str, Any]:
        response = self.get(path, params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def owner(world: World) -> FleetAccount:
    return world.fleet(vehicles=2)


@pytest.fixture(params=[V3, V2])
def api(request: pytest.FixtureRequest, http: httpx.Client, owner: FleetAccount) -> FleetApi:
    return FleetApi(http, owner, str(request.param))
