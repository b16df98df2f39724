from __future__ import annotations

import httpx

from tests.support import Account


def test_user_shows_owned_vehicles(http: httpx.Client, account: Account) -> None:
    response = http.get(
        "/connectedcar/v2/user",
        params={"client_id": account.client.client_id},
        headers={"Authorization": f"Bearer {account.token}"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/hal+json"
    body = response.json()
    assert body["id"] == account.user.id
    assert [v["id"] for v in body["_embedded"]["vehicles"]] == [account.vehicles[0].id]
    assert response.headers["x-ratelimit-limit"] == "120"
