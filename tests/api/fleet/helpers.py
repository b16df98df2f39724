"""What the fleet specs promise of the objects the Fleet API answers with, and small helpers to read them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from connectedcar.domain.timefmt import format_ms, to_ms
from tests.api.fleet.conftest import FleetApi, Params

# Field names of the fleet specs' schemas.
COLLECTION_KEYS = {"_links", "total", "totalPage", "currentPage", "_embedded"}
TRIP_KEYS = {"_links", "id", "vin", "startedAt", "stoppedAt", "duration", "distance", "createdAt", "updatedAt"}
TRIP_KEYS |= {"startPosition", "stopPosition", "done", "faults"}
TRIP_LINKS = {"self", "vehicle", "waypoints", "alerts", "collisions"}
COLLISION_KEYS = {"_links", "id", "vin", "details", "tippedOver", "pedestrian", "createdAt", "updatedAt"}
ALERT_KEYS = {"_links", "id", "vin", "active", "type", "severity", "startedAt", "createdAt", "updatedAt"}
UNKNOWN_ID = "0123456789ABCDEF0123456789ABCDEF"
UNKNOWN_FLEET = "ffffffffffffffffffffffff"


def path_of(href: str) -> str:
    return urlsplit(href).path


def when(value: datetime) -> str:
    """A date as a client writes it in `timestamps`."""
    return str(format_ms(to_ms(value)))


def items(body: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = body["_embedded"][key]
    return found


def ids(body: Mapping[str, Any], key: str) -> list[str]:
    return [item["id"] for item in items(body, key)]


def walk(api: FleetApi, path: str, key: str, params: Params = ()) -> list[dict[str, Any]]:
    """Every item of a collection, following `next` links (which carry the client_id) from the first page."""
    response = api.get(path, params)
    found: list[dict[str, Any]] = []
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        found += body["_embedded"][key]
        if "next" not in body["_links"]:
            return found
        response = api.follow(body["_links"]["next"]["href"])


def follow(api: FleetApi, body: Mapping[str, Any], name: str = "self") -> dict[str, Any]:
    """GET a link of an answer (with the fleet's client_id, as a client adds it) and its body."""
    href = body["_links"][name]["href"]
    sep = "&" if "?" in href else "?"
    response = api.follow(f"{href}{sep}client_id={api.account.fleet.client_id}")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found
