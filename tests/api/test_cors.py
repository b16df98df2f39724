"""Seed 000: "We support cross-origin resource sharing" — a browser app can call the API."""

from __future__ import annotations

import httpx

from tests.support import Account

ORIGIN = "https://app.example"


def test_preflight_is_answered_without_counting_against_the_rate_limit(http: httpx.Client, account: Account) -> None:
    response = http.options(
        "/connectedcar/v2/user",
        params={"client_id": account.client.client_id},
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] in ("*", ORIGIN)
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    assert "x-ratelimit-limit" not in response.headers


def test_cross_origin_calls_can_read_the_rate_limit_headers(http: httpx.Client, account: Account) -> None:
    response = http.get(
        "/connectedcar/v2/user",
        params={"client_id": account.client.client_id},
        headers={"Authorization": f"Bearer {account.token}", "Origin": ORIGIN},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] in ("*", ORIGIN)
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "x-ratelimit-remaining" in exposed and "retry-after" in exposed
    assert response.headers["x-ratelimit-remaining"] == "119"
