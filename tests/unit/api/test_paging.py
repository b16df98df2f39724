from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from starlette.requests import Request

from connectedcar.api.errors import InvalidParameter
from connectedcar.api.paging import Page, collection_links, parse_page


def _parse(**kw: str | None) -> Page:
    args: dict[str, str | None] = {"limit": None, "offset": None, "index_range": None, "page_size": None}
    args.update(kw)
    return parse_page(default_limit=10, max_limit=100, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, Page(0, 10, "offset")),
        ({"limit": "4", "offset": "3"}, Page(3, 4, "offset")),
        ({"offset": "20"}, Page(20, 10, "offset")),
        ({"index_range": "0-9"}, Page(0, 10, "indexRange")),
        ({"index_range": "5-"}, Page(5, 10, "indexRange")),
        ({"index_range": "5-", "page_size": "3"}, Page(5, 3, "indexRange")),
        ({"index_range": "10-29", "page_size": "5"}, Page(10, 5, "indexRange")),
        ({"page_size": "7"}, Page(0, 7, "indexRange")),
        ({"page_size": "7", "offset": "14"}, Page(14, 7, "offset")),
    ],
)
def test_page_parameters(given: dict[str, str], expected: Page) -> None:
    assert _parse(**given) == expected


@pytest.mark.parametrize(
    ("given", "field", "reason"),
    [
        ({"offset": "-1"}, "offset", "at least 0"),
        ({"limit": "0"}, "limit", "at least 1"),
        ({"limit": "101"}, "limit", "at most 100"),
        ({"limit": "ten"}, "limit", "integer"),
        ({"index_range": "a-b"}, "indexRange", "start-end"),
        ({"index_range": "9-3"}, "indexRange", "before start"),
        ({"index_range": "0-500"}, "indexRange", "at most 100"),
        ({"index_range": "0-9", "limit": "5"}, "indexRange", "not both"),
        ({"page_size": "5", "limit": "5"}, "pageSize", "not both"),
    ],
)
def test_bad_page_parameters_name_the_field(given: dict[str, str], field: str, reason: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        _parse(**given)
    assert caught.value.field == field
    assert f"'{field}'" in caught.value.message
    assert reason in caught.value.message


def _request(path: str, query: str) -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": path,
            "query_string": query.encode(),
            "headers": [],
            "server": ("testserver", 80),
            "scheme": "http",
            "root_path": "",
        }
    )


def _offsets(links: dict[str, dict[str, str]]) -> dict[str, int]:
    out = {}
    for name, value in links.items():
        query = dict(parse_qsl(urlsplit(value["href"]).query))
        out[name] = int(query["offset"]) if "offset" in query else int(query["indexRange"].split("-")[0])
    return out


@pytest.mark.parametrize(
    ("offset", "total", "expected"),
    [
        (0, 25, {"self": 0, "first": 0, "next": 10, "last": 20}),
        (10, 25, {"self": 10, "first": 0, "prev": 0, "next": 20, "last": 20}),
        (20, 25, {"self": 20, "first": 0, "prev": 10, "last": 20}),
        (0, 10, {"self": 0, "first": 0, "last": 0}),
        (0, 0, {"self": 0, "first": 0, "last": 0}),
        (5, 30, {"self": 5, "first": 0, "prev": 0, "next": 15, "last": 20}),
    ],
)
def test_links_are_true_for_the_page(offset: int, total: int, expected: dict[str, int]) -> None:
    links = collection_links(_request("/connectedcar/v2/trips", f"offset={offset}"), Page(offset, 10, "offset"), total)
    assert _offsets(links) == expected


def test_links_keep_filters_and_the_clients_paging_dialect() -> None:
    request = _request("/connectedcar/v2/vehicles/X/alerts", "indexRange=0-1&client_id=abc&locale=fr")
    links = collection_links(request, Page(0, 2, "indexRange"), 5)
    assert (
        links["next"]["href"] == "/connectedcar/v2/vehicles/X/alerts?indexRange=2-3&pageSize=2&client_id=abc&locale=fr"
    )
    assert links["last"]["href"].startswith("/connectedcar/v2/vehicles/X/alerts?indexRange=4-5&")
