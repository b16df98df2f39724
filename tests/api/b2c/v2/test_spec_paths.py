"""The v2 OpenAPI file's /user/... paths answer exactly what seed 000's paths answer."""

from __future__ import annotations

from typing import Any

import pytest

from connectedcar.runtime import Runtime
from tests.api.b2c.v2.conftest import Owned
from tests.api.b2c.v2.helpers import Api, assert_error
from tests.support import World


def _without_links(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "_links"}


@pytest.fixture(scope="module")
def complete(owned: Owned, runtime: Runtime) -> Owned:
    """`owned` with a position, a maintenance record and an eco-driving evaluation too."""
    world = World(runtime)
    world.position(owned.vehicle)
    world.maintenance(owned.vehicle)
    world.ecodriving(owned.trip)
    return owned


@pytest.mark.parametrize(
    ("spec_path", "seed_path"),
    [
        ("/user/vehicles", "/vehicles"),
        ("/user/vehicles/{v}", "/vehicles/{v}"),
        ("/user/vehicles/{v}/lastPosition", "/vehicles/{v}/lastPosition"),
        ("/user/vehicles/{v}/telemetry", "/vehicles/{v}/telemetry"),
        ("/user/vehicles/{v}/collisions", "/vehicles/{v}/collisions"),
        ("/user/vehicles/{v}/maintenance", "/vehicles/{v}/maintenance"),
        ("/user/vehicles/{v}/alerts", "/vehicles/{v}/alerts"),
        ("/user/vehicles/{v}/alerts/{a}", "/vehicles/{v}/alerts/{a}"),
        ("/user/vehicles/{v}/trips", "/vehicles/{v}/trips"),
        ("/user/trips", "/trips"),
        ("/user/trips/{t}", "/trips/{t}"),
        ("/user/trips/{t}/ecoaching", "/trips/{t}/ecodriving"),
        ("/user/trips/{t}/alerts", "/trips/{t}/alerts"),
        ("/user/trips/{t}/collisions", "/trips/{t}/collisions"),
        ("/user/trips/{t}/wayPoints", "/trips/{t}/wayPoints"),
        ("/user/trips/{t}/telemetry", "/trips/{t}/telemetry"),
        ("/user/collisions/{c}", "/collisions/{c}"),
    ],
)
def test_spec_path_answers_like_the_seed_path(owner_api: Api, complete: Owned, spec_path: str, seed_path: str) -> None:
    owned = complete
    ids = {"v": owned.vehicle.id, "t": owned.trip.id, "a": owned.alert.id, "c": owned.collision.id}
    spec = owner_api.get(spec_path.format(**ids))
    seed = owner_api.get(seed_path.format(**ids))
    assert spec.status_code == seed.status_code == 200, spec.text
    assert spec.headers["content-type"] == seed.headers["content-type"]
    assert _without_links(spec.json()) == _without_links(seed.json())


def test_spec_paths_keep_the_access_rules(owner_api: Api, stranger: Owned) -> None:
    assert_error(owner_api.get(f"/user/vehicles/{stranger.vehicle.id}"), 403)
    assert_error(owner_api.get(f"/user/trips/{stranger.trip.id}"), 403)
    assert_error(owner_api.get("/user/vehicles/NOPE"), 404)
