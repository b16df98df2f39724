from __future__ import annotations

import pytest
from starlette.requests import Request

from connectedcar.api.errors import NotAcceptable
from connectedcar.api.rendering import GEO_TYPES, HAL_TYPES, negotiate


def _request(accept: str | None) -> Request:
    headers = [] if accept is None else [(b"accept", accept.encode())]
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": b"", "headers": headers})


@pytest.mark.parametrize(
    ("accept", "offered", "expected"),
    [
        (None, HAL_TYPES, "application/hal+json"),
        ("*/*", HAL_TYPES, "application/hal+json"),
        ("application/json", HAL_TYPES, "application/json"),
        ("application/hal+json", HAL_TYPES, "application/hal+json"),
        ("text/html;q=0.9, application/json;q=0.8", HAL_TYPES, "application/json"),
        ("application/*", HAL_TYPES, "application/hal+json"),
        (None, GEO_TYPES, "application/geo+json"),
        ("application/vnd.geo+json", GEO_TYPES, "application/vnd.geo+json"),
        ("application/geo+json", GEO_TYPES, "application/geo+json"),
        # seed 000's lastPosition request asks for hal+json and gets GeoJSON
        ("application/hal+json", GEO_TYPES, "application/geo+json"),
        ("application/json", GEO_TYPES, "application/geo+json"),
    ],
)
def test_negotiation(accept: str | None, offered: tuple[str, ...], expected: str) -> None:
    assert negotiate(_request(accept), offered) == expected


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "application/json;q=0"])
def test_unservable_accept_is_406(accept: str) -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate(_request(accept), HAL_TYPES)
    assert caught.value.status == 406
