"""The authorization-code flow of seed 000 end to end, over real HTTP, through the real login form."""

from __future__ import annotations

import base64
import re

import httpx
import pytest

from connectedcar.domain.brands import BRANDS
from connectedcar.runtime import Runtime
from tests.api.auth.oauth2.signin import (
    App,
    authorize_params,
    exchange,
    get_user,
    new_app,
    open_login,
    parse_form,
    pkce_pair,
    redirect_query,
    refresh,
    sign_in,
    submit,
    token_request,
)
from tests.support import World

TOKEN_KEYS = ["token_type", "access_token", "expires_in", "scope", "refresh_token"]


def _tokens(response: httpx.Response) -> dict[str, object]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    body: dict[str, object] = response.json()
    assert list(body) == TOKEN_KEYS
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("bearer", 3600, "public")
    return body


def _error(response: httpx.Response, error: str, status: int = 400) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "error_description"}
    assert body["error"] == error, body
    assert response.headers["cache-control"] == "no-store"
    return str(body["error_description"])


def _signed_in(http: httpx.Client, world: World, app: App, realm: str = "citroen") -> tuple[str, str, str]:
    """(user id, access token, refresh token) after the whole flow."""
    user = world.user()
    code = sign_in(http, world, app, realm=realm, email=user.email)["code"]
    body = _tokens(exchange(http, app, code, realm=realm))
    return user.id, str(body["access_token"]), str(body["refresh_token"])


def _assert_html_page(response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "location" not in response.headers


# -- the happy path -----------------------------------------------------------------------------------


def test_full_flow_from_login_page_to_user(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    user = world.user()
    form = open_login(http, "citroen", authorize_params(app, state="xyz 42&<"))

    _assert_html_page(form.response)
    assert "Citroën" in form.title
    assert {i.get("name") for i in form.inputs} >= {"email", "password"}
    assert form.fields["state"] == "xyz 42&<", "the state survives HTML escaping"
    assert "form_token" in form.fields
    assert not re.search(r"<(script|link|img)\b", form.response.text), "no scripts, no external assets"

    query = redirect_query(submit(form, http, user.email.upper()), app.redirect_uri)
    assert set(query) == {"code", "state"}
    assert query["state"] == "xyz 42&<"

    body = _tokens(exchange(http, app, query["code"]))
    me = get_user(http, str(body["access_token"]), app.client.client_id)
    assert me.status_code == 200, me.text
    assert me.json()["id"] == user.id


def test_redirect_keeps_the_registered_query(http: httpx.Client, world: World) -> None:
    app = new_app(world, redirect_uri="http://127.0.0.1:9/cb?tenant=a%20b")
    user = world.user()
    query = sign_in(http, world, app, email=user.email, state="s")
    assert query["tenant"] == "a b" and query["state"] == "s" and query["code"]
    _tokens(exchange(http, app, query["code"]))


@pytest.mark.parametrize("realm", [b.realm for b in BRANDS])
def test_every_realm_signs_in(http: httpx.Client, world: World, realm: str) -> None:
    app = new_app(world)
    form = open_login(http, realm, authorize_params(app))
    assert next(b.name for b in BRANDS if b.realm == realm) in form.title
    user_id, access, _ = _signed_in(http, world, app, realm)
    assert get_user(http, access, app.client.client_id).json()["id"] == user_id


def test_a_code_is_only_good_at_its_own_realm(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    user = world.user()
    code = sign_in(http, world, app, realm="peugeot", email=user.email)["code"]
    _error(exchange(http, app, code, realm="opel"), "invalid_grant")
    _tokens(exchange(http, app, code, realm="peugeot"))


def test_form_signed_for_one_realm_is_refused_at_another(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    user = world.user()
    form = open_login(http, "peugeot", authorize_params(app))
    other = http.post(form.url.replace("/peugeot/", "/vauxhall/"), data={**form.fields, "email": user.email})
    assert other.status_code == 400
    _assert_html_page(other)


# -- client authentication ------------------------------------------------------------------------------


def test_client_secret_basic(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    user = world.user()
    code = sign_in(http, world, app, email=user.email)["code"]
    assert app.secret
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": app.redirect_uri}
    body = _tokens(token_request(http, "citroen", data, auth=(app.client.client_id, app.secret)))
    assert get_user(http, str(body["access_token"]), app.client.client_id).status_code == 200


def test_client_secret_post(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    user = world.user()
    code = sign_in(http, world, app, email=user.email)["code"]
    _tokens(exchange(http, app, code))  # exchange() sends client_secret in the form


def test_wrong_secret(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    user = world.user()
    code = sign_in(http, world, app, email=user.email)["code"]
    _error(exchange(http, app, code, client_secret="nope"), "invalid_client", 400)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": app.redirect_uri}
    basic = token_request(http, "citroen", data, auth=(app.client.client_id, "nope"))
    _error(basic, "invalid_client", 401)
    assert basic.headers["www-authenticate"].startswith("Basic ")
    _tokens(exchange(http, app, code))  # a failed client authentication does not burn the code


def test_confidential_client_without_secret_is_refused(http: httpx.Client, world: World) -> None:
    """Seed 000's curl sends no client_secret; a confidential client must authenticate all the same."""
    app = new_app(world)
    user = world.user()
    code = sign_in(http, world, app, email=user.email)["code"]
    data = {"grant_type": "authorization_code", "client_id": app.client.client_id, "code": code}
    _error(token_request(http, "citroen", {**data, "redirect_uri": app.redirect_uri}), "invalid_client")


@pytest.mark.parametrize(
    ("header", "error", "status"),
    [
        ("Bearer abc", "invalid_client", 401),
        ("Basic !!!notbase64", "invalid_client", 401),
        ("Basic " + base64.b64encode(b"no-colon").decode(), "invalid_client", 401),
    ],
)
def test_malformed_authorization_header(http: httpx.Client, header: str, error: str, status: int) -> None:
    response = http.post(
        "/accounts/signin/v1/citroen/oauth2/token",
        data={"grant_type": "authorization_code", "code": "x"},
        headers={"Authorization": header},
    )
    _error(response, error, status)
    assert "www-authenticate" in response.headers


def test_basic_and_client_secret_together_are_refused(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    assert app.secret
    data = {"grant_type": "refresh_token", "refresh_token": "x", "client_secret": app.secret}
    _error(token_request(http, "citroen", data, auth=(app.client.client_id, app.secret)), "invalid_request")


def test_public_client_sending_a_secret_is_refused(http: httpx.Client, world: World) -> None:
    app = new_app(world, public=True)
    data = {
        "grant_type": "refresh_token",
        "client_id": app.client.client_id,
        "client_secret": "s",
        "refresh_token": "x",
    }
    _error(token_request(http, "citroen", data), "invalid_client")


# -- refresh, rotation, replay ------------------------------------------------------------------------


def test_refresh_rotates_and_a_replay_revokes_the_grant(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    user_id, access1, refresh1 = _signed_in(http, world, app)

    second = _tokens(refresh(http, app, refresh1))
    access2, refresh2 = str(second["access_token"]), str(second["refresh_token"])
    assert {access2, refresh2}.isdisjoint({access1, refresh1})
    assert get_user(http, access2, app.client.client_id).json()["id"] == user_id

    third = _tokens(refresh(http, app, refresh2))  # the new refresh token works ...
    access3, refresh3 = str(third["access_token"]), str(third["refresh_token"])
    assert get_user(http, access3, app.client.client_id).status_code == 200

    # ... and the rotated one is a replay: the whole grant goes.
    assert "already used" in _error(refresh(http, app, refresh1), "invalid_grant")
    for access in (access1, access2, access3):
        assert get_user(http, access, app.client.client_id).status_code == 401
    _error(refresh(http, app, refresh3), "invalid_grant")


def test_refresh_can_keep_but_not_widen_the_scope(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    _, _, refresh1 = _signed_in(http, world, app)
    data = {"grant_type": "refresh_token", "client_id": app.client.client_id, "refresh_token": refresh1}
    assert app.secret
    data["client_secret"] = app.secret
    _error(token_request(http, "citroen", {**data, "scope": "public admin"}), "invalid_scope")
    _tokens(token_request(http, "citroen", {**data, "scope": "public"}))


def test_refresh_token_of_another_client_is_unknown(http: httpx.Client, world: World) -> None:
    app, other = new_app(world), new_app(world)
    _, _, refresh1 = _signed_in(http, world, app)
    _error(refresh(http, other, refresh1), "invalid_grant")
    _tokens(refresh(http, app, refresh1))


# -- codes ----------------------------------------------------------------------------------------------


def test_a_code_is_single_use_and_a_second_use_revokes(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    user = world.user()
    code = sign_in(http, world, app, email=user.email)["code"]
    first = _tokens(exchange(http, app, code))
    assert get_user(http, str(first["access_token"]), app.client.client_id).status_code == 200

    _error(exchange(http, app, code), "invalid_grant")
    assert get_user(http, str(first["access_token"]), app.client.client_id).status_code == 401
    _error(refresh(http, app, str(first["refresh_token"])), "invalid_grant")


def test_an_expired_code_is_refused(http: httpx.Client, world: World, runtime: Runtime) -> None:
    app = new_app(world)
    user = world.user()
    code = sign_in(http, world, app, email=user.email)["code"]
    world.clock.advance(runtime.settings.authorization_code_ttl_seconds + 1)
    assert "expired" in _error(exchange(http, app, code), "invalid_grant")


def test_redirect_uri_must_match_at_the_token_endpoint(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    user = world.user()
    code = sign_in(http, world, app, email=user.email)["code"]
    _error(exchange(http, app, code, redirect_uri="http://127.0.0.1:9/other"), "invalid_grant")
    data = {"grant_type": "authorization_code", "client_id": app.client.client_id, "code": code}
    assert app.secret
    _error(token_request(http, "citroen", {**data, "client_secret": app.secret}), "invalid_grant")
    _tokens(exchange(http, app, code))


# -- PKCE -------------------------------------------------------------------------------------------------


def test_pkce_public_client(http: httpx.Client, world: World) -> None:
    app = new_app(world, public=True)
    user = world.user()
    verifier, challenge = pkce_pair()
    query = sign_in(http, world, app, email=user.email, code_challenge=challenge, code_challenge_method="S256")
    body = _tokens(exchange(http, app, query["code"], code_verifier=verifier))
    assert get_user(http, str(body["access_token"]), app.client.client_id).json()["id"] == user.id
    _tokens(refresh(http, app, str(body["refresh_token"])))


def test_pkce_wrong_or_missing_verifier(http: httpx.Client, world: World) -> None:
    app = new_app(world, public=True)
    user = world.user()
    verifier, challenge = pkce_pair()
    query = sign_in(http, world, app, email=user.email, code_challenge=challenge, code_challenge_method="S256")
    _error(exchange(http, app, query["code"]), "invalid_grant")
    _error(exchange(http, app, query["code"], code_verifier=pkce_pair()[0]), "invalid_grant")
    _tokens(exchange(http, app, query["code"], code_verifier=verifier))


def test_pkce_with_a_confidential_client(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    user = world.user()
    verifier, challenge = pkce_pair()
    query = sign_in(http, world, app, email=user.email, code_challenge=challenge, code_challenge_method="S256")
    _error(exchange(http, app, query["code"], code_verifier=verifier + "x"), "invalid_grant")
    _tokens(exchange(http, app, query["code"], code_verifier=verifier))


# -- authorization request errors --------------------------------------------------------------------


def _authorize(
    http: httpx.Client, params: dict[str, str] | tuple[tuple[str, str], ...], realm: str = "citroen"
) -> httpx.Response:
    return http.get(f"/accounts/signin/v1/{realm}/oauth2/authorize", params=params)


@pytest.mark.parametrize(
    ("change", "error", "needs_public"),
    [
        ({"response_type": "token"}, "unsupported_response_type", False),
        ({"response_type": ""}, "invalid_request", False),
        ({"scope": "public admin"}, "invalid_scope", False),
        ({"code_challenge": "a" * 43, "code_challenge_method": "plain"}, "invalid_request", False),
        ({"code_challenge": "a" * 43}, "invalid_request", False),  # no method means plain
        ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request", False),
        ({"code_challenge_method": "S256"}, "invalid_request", False),
        ({}, "invalid_request", True),  # a public client without PKCE
    ],
)
def test_bad_authorization_requests_go_back_to_the_client(
    http: httpx.Client, world: World, change: dict[str, str], error: str, needs_public: bool
) -> None:
    app = new_app(world, public=needs_public)
    response = _authorize(http, {**authorize_params(app, state="st"), **change})
    query = redirect_query(response, app.redirect_uri)
    assert (query["error"], query["state"]) == (error, "st")
    assert query["error_description"]
    if needs_public:
        assert "PKCE" in query["error_description"]


def test_duplicate_parameter_is_invalid_request(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    params = (*authorize_params(app).items(), ("scope", "public"))
    query = redirect_query(_authorize(http, params), app.redirect_uri)
    assert query["error"] == "invalid_request"


@pytest.mark.parametrize(
    "change",
    [
        {"redirect_uri": "http://127.0.0.1:9/elsewhere"},
        {"redirect_uri": "http://127.0.0.1:9/callback/"},
        {"redirect_uri": "http://127.0.0.1:9/callback?x=1"},
        {"redirect_uri": ""},
        {"client_id": "no-such-client"},
        {"client_id": ""},
        {"client_id": "x" * 5000},
        {"redirect_uri": "http://127.0.0.1:9/elsewhere", "response_type": "token"},
    ],
)
def test_unknown_client_or_redirect_gets_an_error_page_not_a_redirect(
    http: httpx.Client, world: World, change: dict[str, str]
) -> None:
    app = new_app(world)
    response = _authorize(http, {**authorize_params(app), **change})
    assert response.status_code == 400, response.text
    _assert_html_page(response)
    assert "<form" not in response.text


def test_user_can_cancel(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    form = open_login(http, "citroen", authorize_params(app, state="st"))
    query = redirect_query(http.post(form.url, data={**form.fields, "action": "deny"}), app.redirect_uri)
    assert (query["error"], query["state"]) == ("access_denied", "st")


# -- the login form -----------------------------------------------------------------------------------


def test_wrong_password_or_unknown_email_shows_the_form_again(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    user = world.user()
    form = open_login(http, "citroen", authorize_params(app, state="st"))
    refusals = []
    for email, password in [(user.email, "Wrong-passw0rd"), ("nobody@example.com", "Wrong-passw0rd"), (user.email, "")]:
        response = submit(form, http, email, password)
        assert response.status_code == 401, response.text
        _assert_html_page(response)
        assert "Incorrect email or password." in response.text
        refusals.append(response)
    again = parse_form(refusals[0])  # the page shown again is a working form, email kept
    assert next(i for i in again.inputs if i.get("name") == "email")["value"] == user.email
    assert again.fields["state"] == "st"
    redirect_query(submit(again, http, user.email), app.redirect_uri)


def test_html_is_escaped(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    form = open_login(http, "citroen", authorize_params(app, state='"><script>alert(1)</script>'))
    assert "<script>" not in form.response.text
    response = submit(form, http, '"><script>alert(2)</script>@x.io', "Wrong-passw0rd")
    assert response.status_code == 401
    assert "<script>" not in response.text


@pytest.mark.parametrize(
    "tamper",
    [
        {"redirect_uri": "http://evil.example/cb"},
        {"scope": "public admin"},
        {"state": "other"},
        {"client_id": "someone-else"},
        {"code_challenge": "a" * 43, "code_challenge_method": "S256"},
        {"form_token": "9999999999.AAAA"},
        {"form_token": ""},
        {"form_token": "garbage"},
    ],
)
def test_tampered_form_is_refused(http: httpx.Client, world: World, tamper: dict[str, str]) -> None:
    app = new_app(world)
    user = world.user()
    form = open_login(http, "citroen", authorize_params(app, state="st"))
    response = submit(form, http, user.email, **tamper)
    assert response.status_code == 400, response.text
    _assert_html_page(response)


def test_stale_form_is_refused(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    user = world.user()
    form = open_login(http, "citroen", authorize_params(app))
    world.clock.advance(601)
    response = submit(form, http, user.email)
    assert response.status_code == 400
    _assert_html_page(response)
    assert "expired" in response.text
    fresh = open_login(http, "citroen", authorize_params(app))
    redirect_query(submit(fresh, http, user.email), app.redirect_uri)


def test_a_form_still_fresh_after_nine_minutes_works(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    user = world.user()
    form = open_login(http, "citroen", authorize_params(app))
    world.clock.advance(9 * 60)
    redirect_query(submit(form, http, user.email), app.redirect_uri)


# -- the token endpoint's own checks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"grant_type": "password", "username": "u", "password": "p"}, "unsupported_grant_type"),
        ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
        ({}, "invalid_request"),
        ({"grant_type": "authorization_code", "code": "x" * 4097}, "invalid_request"),
        ({"grant_type": "refresh_token", "junk": "y" * 5000}, "invalid_request"),
        ({"grant_type": "authorization_code"}, "invalid_request"),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"grant_type": "authorization_code", "code": "made-up"}, "invalid_grant"),
    ],
)
def test_token_request_errors(http: httpx.Client, world: World, data: dict[str, str], error: str) -> None:
    app = new_app(world)
    assert app.secret
    _error(
        token_request(http, "citroen", {"client_id": app.client.client_id, "client_secret": app.secret, **data}), error
    )


def test_token_endpoint_needs_a_form_body(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    response = http.post(
        "/accounts/signin/v1/citroen/oauth2/token",
        json={"grant_type": "authorization_code", "client_id": app.client.client_id},
    )
    _error(response, "invalid_request")
    duplicated = http.post(
        "/accounts/signin/v1/citroen/oauth2/token",
        content=b"grant_type=refresh_token&grant_type=authorization_code",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    _error(duplicated, "invalid_request")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "authorize"), ("POST", "authorize"), ("POST", "token")],
)
def test_unknown_realm_is_404(http: httpx.Client, method: str, path: str) -> None:
    response = http.request(method, f"/accounts/signin/v1/fiat/oauth2/{path}", data={} if method == "POST" else None)
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"code", "uuid", "message"} and body["code"] == 40400
    assert "fiat" in body["message"]


# -- the API's side: bearer tokens ----------------------------------------------------------------------


def _assert_bearer_401(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer ")
    assert set(response.json()) == {"code", "uuid", "message"}


def test_api_refuses_a_missing_token(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    _assert_bearer_401(http.get("/connectedcar/v2/user", params={"client_id": app.client.client_id}))


def test_api_refuses_an_expired_token(http: httpx.Client, world: World) -> None:
    app = new_app(world)
    _, access, refresh_token = _signed_in(http, world, app)
    assert get_user(http, access, app.client.client_id).status_code == 200
    world.clock.advance(3601)
    _assert_bearer_401(get_user(http, access, app.client.client_id))
    fresh = _tokens(refresh(http, app, refresh_token))
    assert get_user(http, str(fresh["access_token"]), app.client.client_id).status_code == 200


def test_api_refuses_a_revoked_token(http: httpx.Client, world: World, runtime: Runtime) -> None:
    app = new_app(world)
    _, access, _ = _signed_in(http, world, app)
    assert get_user(http, access, app.client.client_id).status_code == 200
    with runtime.store.transaction() as conn:
        grant = runtime.tokens.verify_access(conn, access)
        runtime.tokens.revoke_family(conn, grant.family_id)
    _assert_bearer_401(get_user(http, access, app.client.client_id))


def test_api_refuses_a_token_used_with_another_client_id(http: httpx.Client, world: World) -> None:
    app, other = new_app(world), new_app(world)
    _, access, _ = _signed_in(http, world, app)
    response = get_user(http, access, other.client.client_id)
    _assert_bearer_401(response)
    assert "another client_id" in response.json()["message"]
