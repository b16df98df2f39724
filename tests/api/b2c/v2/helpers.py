"""Calling the B2C v2 API as a client would, and checking what seed 000 promises of every answer."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from tests.support import Account

V2 = "/connectedcar/v2"
Params = Mapping[str, object] | Sequence[tuple[str, str]]

# The properties of seed 000's objects (its examples and property tables).
TRIP_KEYS = {
    "_links",
    "id",
    "reference",
    "startedAt",
    "stoppedAt",
    "duration",
    "distance",
    "fuelConsumption",
    "refueling",
    "avgConsumption",
    "avgSpeed",
    "co2EmissionEstimated",
    "createdAt",
    "updatedAt",
    "_embedded",
}
TRIP_LINKS = {"self", "vehicle", "ecodriving", "path", "alerts", "collisions"}
COLLISION_KEYS = {"_links", "id", "rollOver", "rear", "front", "lateral", "pedestrian", "createdAt", "updatedAt"}
ALERT_KEYS = {"id", "active", "message", "severity", "createdAt", "updatedAt"}
ALERT_EXAMPLE_KEYS = {"alert", "advise", "category", "idAlert", "dateUpdate", "vin", "contract"}
ALERT_EXAMPLE_KEYS |= {"dateAlertBegin", "dateAlertEnd", "alertState"}
FEATURE_PROPERTIES = {"updatedAt", "createdAt", "id", "heading"}


def _items(params: Params) -> list[tuple[str, str]]:
    if isinstance(params, Mapping):
        items: list[tuple[str, str]] = []
        for key, value in params.items():
            if isinstance(value, list | tuple):
                items.extend((key, str(v)) for v in value)
            else:
                items.append((key, str(value)))
        return items
    return list(params)


@dataclass
class Api:
    """One application (client_id + access token) calling the API for one user."""

    http: httpx.Client
    account: Account

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.account.token}", "Accept": "application/hal+json"}

    def get(self, path: str, params: Params = ()) -> httpx.Response:
        query = httpx.QueryParams([("client_id", self.account.client.client_id), *_items(params)])
        return self.http.get(V2 + path, params=query, headers=self.headers)

    def get_raw(self, path: str, query: str) -> httpx.Response:
        """With a query string sent exactly as written (e.g. an unencoded '+')."""
        return self.http.get(f"{V2}{path}?client_id={self.account.client.client_id}&{query}", headers=self.headers)

    def follow(self, href: str) -> httpx.Response:
        return self.http.get(href, headers=self.headers)

    def ok(self, path: str, params: Params = ()) -> dict[str, Any]:
        response = self.get(path, params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def assert_error(response: httpx.Response, status: int, field: str | None = None) -> str:
    """A PSA-style error body: code (status + two digits), uuid, message naming the field. The message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "uuid", "message"}, body
    assert body["code"] // 100 == status
    uuid.UUID(body["uuid"])
    message: str = body["message"]
    if field is not None:
        assert f"'{field}'" in message, message
    return message


def link_query(body: Mapping[str, Any], name: str) -> dict[str, str]:
    href: str = body["_links"][name]["href"]
    return dict(parse_qsl(urlsplit(href).query))


def link_path(body: Mapping[str, Any], name: str) -> str:
    href: str = body["_links"][name]["href"]
    return urlsplit(href).path


def assert_page_links(body: Mapping[str, Any], *, offset: int, limit: int, total: int, style: str = "offset") -> None:
    """self/first/prev/next/last as seed 000 lists them, each pointing at the right page."""

    def start(name: str) -> int:
        query = link_query(body, name)
        if style == "indexRange":
            first, _, last = query["indexRange"].partition("-")
            assert int(last) - int(first) + 1 == limit == int(query["pageSize"])
            return int(first)
        assert int(query["limit"]) == limit
        return int(query["offset"])

    links = body["_links"]
    assert body["total"] == total
    expected = {"self", "first", "last"}
    expected |= {"prev"} if offset > 0 else set()
    expected |= {"next"} if offset + limit < total else set()
    assert set(links) == expected
    assert start("self") == offset
    assert start("first") == 0
    assert start("last") == (((total - 1) // limit) * limit if total else 0)
    if "prev" in links:
        assert start("prev") == max(0, offset - limit)
    if "next" in links:
        assert start("next") == offset + limit


def walk(api: Api, path: str, key: str, params: Params = ()) -> list[dict[str, Any]]:
    """Every item of a collection, following `next` links from the first page."""
    response = api.get(path, params)
    items: list[dict[str, Any]] = []
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["_embedded"][key])
        if "next" not in body["_links"]:
            return items
        response = api.follow(body["_links"]["next"]["href"])


def assert_feature(feature: Mapping[str, Any], lon: float, lat: float, alt: float | None) -> None:
    """A GeoJSON Point Feature with coordinates [lon, lat, alt] and seed 000's properties."""
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "Point"
    expected = [lon, lat] if alt is None else [lon, lat, alt]
    assert feature["geometry"]["coordinates"] == expected
    assert set(feature["properties"]) >= FEATURE_PROPERTIES


def assert_date(value: object) -> None:
    """RFC 3339 in UTC with milliseconds, as seed 000 shows: 2017-06-14T07:10:34.000Z."""
    assert isinstance(value, str)
    assert len(value) == 24 and value[10] == "T" and value.endswith("Z"), value
