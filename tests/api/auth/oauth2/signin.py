"""A user's browser and an application, as far as the OAuth2 flow goes: both talk plain HTTP."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import httpx

from connectedcar.domain.entities import OAuthClient
from tests.support import PASSWORD, World


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.method: str | None = None
        self.fields: dict[str, str] = {}
        self.inputs: list[dict[str, str]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.action, self.method = values.get("action"), values.get("method")
        elif tag == "input":
            self.inputs.append(values)
            if values.get("type") == "hidden":
                self.fields[values["name"]] = values.get("value", "")
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@dataclass
class LoginForm:
    url: str  # where the form posts
    fields: dict[str, str]  # its hidden fields
    inputs: list[dict[str, str]]
    title: str
    response: httpx.Response


def parse_form(response: httpx.Response) -> LoginForm:
    parser = _FormParser()
    parser.feed(response.text)
    assert parser.method == "post" and parser.action, response.text
    url = str(response.request.url.join(parser.action).copy_with(query=None))
    return LoginForm(url, parser.fields, parser.inputs, parser.title, response)


@dataclass
class App:
    """A registered client and what it needs to start the flow."""

    client: OAuthClient
    secret: str | None
    redirect_uri: str


def new_app(world: World, *, public: bool = False, redirect_uri: str = "http://127.0.0.1:9/callback") -> App:
    client, secret = world.client(public=public, redirect_uri=redirect_uri)
    return App(client, secret, redirect_uri)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_params(app: App, **extra: str) -> dict[str, str]:
    params = {
        "response_type": "code",
        "scope": "public",
        "redirect_uri": app.redirect_uri,
        "client_id": app.client.client_id,
    }
    params.update(extra)
    return params


def open_login(http: httpx.Client, realm: str, params: dict[str, str]) -> LoginForm:
    response = http.get(f"/accounts/signin/v1/{realm}/oauth2/authorize", params=params)
    assert response.status_code == 200, response.text
    return parse_form(response)


def submit(form: LoginForm, http: httpx.Client, email: str, password: str = PASSWORD, **changes: str) -> httpx.Response:
    data = {**form.fields, "email": email, "password": password, "action": "allow", **changes}
    return http.post(form.url, data=data)


def redirect_query(response: httpx.Response, redirect_uri: str) -> dict[str, str]:
    """The query of a redirect to redirect_uri, one value per name."""
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(redirect_uri.split("?")[0] + "?"), location
    query = parse_qs(urlsplit(location).query, keep_blank_values=True)
    assert all(len(values) == 1 for values in query.values()), location
    return {name: values[0] for name, values in query.items()}


def sign_in(
    http: httpx.Client, world: World, app: App, *, realm: str = "citroen", email: str, **extra: str
) -> dict[str, str]:
    """Run the browser part of the flow; the query the application's redirect_uri receives."""
    form = open_login(http, realm, authorize_params(app, **extra))
    return redirect_query(submit(form, http, email), app.redirect_uri)


def token_request(
    http: httpx.Client, realm: str, data: dict[str, str], auth: tuple[str, str] | None = None
) -> httpx.Response:
    url, headers = f"/accounts/signin/v1/{realm}/oauth2/token", {"accept": "application/json"}
    if auth is None:
        return http.post(url, data=data, headers=headers)
    return http.post(url, data=data, headers=headers, auth=auth)


def exchange(http: httpx.Client, app: App, code: str, *, realm: str = "citroen", **extra: str) -> httpx.Response:
    data = {"grant_type": "authorization_code", "client_id": app.client.client_id, "code": code}
    data["redirect_uri"] = app.redirect_uri
    if app.secret:
        data["client_secret"] = app.secret
    data.update(extra)
    return token_request(http, realm, data)


def refresh(http: httpx.Client, app: App, refresh_token: str, *, realm: str = "citroen") -> httpx.Response:
    data = {"grant_type": "refresh_token", "client_id": app.client.client_id, "refresh_token": refresh_token}
    if app.secret:
        data["client_secret"] = app.secret
    return token_request(http, realm, data)


def get_user(http: httpx.Client, access_token: str, client_id: str) -> httpx.Response:
    return http.get(
        "/connectedcar/v2/user",
        params={"client_id": client_id},
        headers={"Authorization": f"Bearer {access_token}"},
    )
