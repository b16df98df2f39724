"""/accounts/signin/v1/{brand}/oauth2/authorize and /token: the authorization-code flow of seed 000.

GET /authorize checks the client and its redirect_uri before anything else (a bad one gets an error
page, never a redirect: RFC 6749 4.1.2.1), then the rest of the request (errors go back to the
client), and shows the brand's login page. POST /authorize signs the user in and redirects to the
client with a code. POST /token exchanges the code, or a refresh token, for a token pair.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

import anyio.to_thread
import orjson
from fastapi import APIRouter, Request
from sqlalchemy import Connection
from starlette.responses import Response

from connectedcar.api.auth.oauth2 import forms, pages
from connectedcar.api.auth.oauth2.params import ParameterError, Params, form_params, query_params
from connectedcar.api.auth.tokens import GrantError, TokenPair, parse_scope
from connectedcar.api.errors import NotFound
from connectedcar.domain.brands import BY_REALM, Brand
from connectedcar.domain.credentials import verify_password
from connectedcar.domain.entities import OAuthClient, User
from connectedcar.runtime import Runtime
from connectedcar.store import accounts

router = APIRouter(tags=["OAuth2"])

PREFIX = "/accounts/signin/v1/{brand}/oauth2"
AUTHORIZATION_CODE = "authorization_code"
REFRESH_TOKEN = "refresh_token"
# RFC 7636 4.2: an S256 challenge is 43 characters; the grammar allows 43 to 128 unreserved ones.
_CHALLENGE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
BAD_CREDENTIALS = "Incorrect email or password."
# verify_password on this when the email is unknown, so that a miss costs as long as a wrong password.
_NO_USER_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _brand(realm: str) -> Brand:
    brand = BY_REALM.get(realm)
    if brand is None:
        known = ", ".join(BY_REALM)
        raise NotFound(f"Unknown brand realm {realm!r}: expected one of {known}", code=40400)
    return brand


def _now_s(runtime: Runtime) -> int:
    return int(runtime.clock.now().timestamp())


# -- authorize -------------------------------------------------------------------------------------


def _client_redirect(redirect_uri: str, params: dict[str, str | None]) -> Response:
    """302 to the client's redirect_uri, its own query parameters kept, ours appended."""
    parts = urlsplit(redirect_uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(name, value) for name, value in params.items() if value is not None]
    location = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
    return Response(status_code=302, headers={**pages.SECURITY_HEADERS, "Location": location})


def _error_redirect(redirect_uri: str, error: str, description: str, state: str | None) -> Response:
    return _client_redirect(redirect_uri, {"error": error, "error_description": description, "state": state})


@dataclass(frozen=True, slots=True)
class _Checked:
    client: OAuthClient
    request: forms.AuthorizeRequest


def _check_authorize(brand: Brand, client: OAuthClient, redirect_uri: str, params: Params) -> _Checked | Response:
    """The rest of an authorization request once its client and redirect_uri are known good."""
    try:
        state = params.get("state")
    except ParameterError as exc:
        return _error_redirect(redirect_uri, "invalid_request", exc.description, None)
    try:
        fields = params.checked("response_type", "scope", "code_challenge", "code_challenge_method")
    except ParameterError as exc:
        return _error_redirect(redirect_uri, "invalid_request", exc.description, state)
    response_type = fields.get("response_type")
    if response_type is None:
        return _error_redirect(redirect_uri, "invalid_request", "response_type is required", state)
    if response_type != "code":
        return _error_redirect(
            redirect_uri, "unsupported_response_type", "response_type must be 'code' (authorization code)", state
        )
    try:
        scope = parse_scope(fields.get("scope"))
    except GrantError as exc:
        return _error_redirect(redirect_uri, exc.error, exc.description, state)
    challenge, method = fields.get("code_challenge"), fields.get("code_challenge_method")
    if method is not None and challenge is None:
        return _error_redirect(redirect_uri, "invalid_request", "code_challenge_method without code_challenge", state)
    if challenge is not None:
        if method != "S256":
            # Without a method RFC 7636 means 'plain', which proves nothing to an eavesdropper.
            return _error_redirect(redirect_uri, "invalid_request", "code_challenge_method must be S256", state)
        if not _CHALLENGE.fullmatch(challenge):
            return _error_redirect(
                redirect_uri, "invalid_request", "code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~]", state
            )
    elif client.public:
        return _error_redirect(
            redirect_uri, "invalid_request", "PKCE required: a public client must send a code_challenge (S256)", state
        )
    request = forms.AuthorizeRequest(
        realm=brand.realm,
        client_id=client.client_id,
        redirect_uri=redirect_uri,
        scope=" ".join(sorted(scope)),
        state=state,
        code_challenge=challenge,
        code_challenge_method=method,
    )
    return _Checked(client, request)


def _login(
    runtime: Runtime,
    brand: Brand,
    client: OAuthClient,
    request: forms.AuthorizeRequest,
    *,
    status: int = 200,
    email: str = "",
    error: str | None = None,
) -> Response:
    token = forms.sign(runtime.form_key, request, _now_s(runtime))
    return pages.page_response(pages.login_page(brand, client.name, request, token, email=email, error=error), status)


def _error(brand: Brand | None, message: str, *, restart_url: str | None = None) -> Response:
    return pages.page_response(pages.error_page(brand, message, restart_url=restart_url), 400)


def _restart_url(request: forms.AuthorizeRequest) -> str:
    query = {"response_type": "code", **request.hidden_fields()}
    return f"authorize?{urlencode(query)}"


@router.get(f"{PREFIX}/authorize", summary="Authorization endpoint (login page)")
async def authorize(request: Request, brand: str) -> Response:
    """Start the authorization-code flow: check the client and its redirect_uri, then show the login page."""
    realm = _brand(brand)
    runtime = _runtime(request)
    params = query_params(request)
    try:
        client_id, redirect_uri = params.get("client_id"), params.get("redirect_uri")
    except ParameterError as exc:
        return _error(realm, f"Invalid authorization request: {exc.description}.")
    if client_id is None:
        return _error(realm, "Invalid authorization request: client_id is required.")
    if redirect_uri is None:
        return _error(realm, "Invalid authorization request: redirect_uri is required.")
    client = await runtime.store.run(lambda conn: accounts.client_by_id(conn, client_id))
    if client is None:
        return _error(realm, "Unknown application: no client is registered with this client_id.")
    if redirect_uri not in client.redirect_uris:
        return _error(realm, "The redirect_uri does not match any redirect URI registered for this application.")
    checked = _check_authorize(realm, client, redirect_uri, params)
    if isinstance(checked, Response):
        return checked
    return _login(runtime, realm, checked.client, checked.request)


@router.post(f"{PREFIX}/authorize", summary="Authorization endpoint (login form submission)")
async def authorize_submit(request: Request, brand: str) -> Response:
    """Sign the user in from the login form and redirect to the application with an authorization code."""
    realm = _brand(brand)
    runtime = _runtime(request)
    try:
        form = await form_params(request)
        fields = form.checked(
            "response_type",
            "client_id",
            "redirect_uri",
            "scope",
            "state",
            "code_challenge",
            "code_challenge_method",
            forms.TOKEN_FIELD,
            "action",
            "email",
            "password",
        )
    except ParameterError as exc:
        return _error(realm, f"Invalid sign-in form: {exc.description}.")
    auth_request = forms.AuthorizeRequest.from_form(realm.realm, fields)
    if auth_request is None:
        return _error(realm, "Invalid sign-in form: it does not carry an authorization request.")
    verdict = forms.verify(runtime.form_key, auth_request, fields.get(forms.TOKEN_FIELD), _now_s(runtime))
    if verdict is forms.Verdict.FORGED:
        return _error(realm, "This sign-in form is not valid: it was altered or not issued by this server.")
    if verdict is forms.Verdict.EXPIRED:
        return _error(realm, "This sign-in page has expired.", restart_url=_restart_url(auth_request))
    # From here on the request is the one GET /authorize validated, minutes ago at most.
    if fields.get("action") == "deny":
        return _error_redirect(
            auth_request.redirect_uri, "access_denied", "the user declined to sign in", auth_request.state
        )
    email, password = fields.get("email", ""), fields.get("password", "")

    def lookup(conn: Connection) -> tuple[OAuthClient | None, User | None]:
        client = accounts.client_by_id(conn, auth_request.client_id)
        return client, accounts.user_by_email(conn, email) if email else None

    client, user = await runtime.store.run(lookup)
    if client is None or auth_request.redirect_uri not in client.redirect_uris:
        return _error(realm, "This application is no longer registered with this redirect URI.")
    address = request.client.host if request.client else "unknown"
    wait = runtime.login_throttle.wait_seconds(email, address)
    if wait:
        minutes = max(1, math.ceil(wait / 60))
        refused = _login(
            runtime,
            realm,
            client,
            auth_request,
            status=429,
            email=email,
            error=f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes > 1 else ''}.",
        )
        refused.headers["Retry-After"] = str(wait)
        return refused
    # scrypt takes tens of milliseconds of CPU: off the event loop, and outside any transaction.
    stored_hash = user.password_hash if user else _NO_USER_HASH
    verified = await anyio.to_thread.run_sync(verify_password, password, stored_hash)
    if user is None or not verified:
        runtime.login_throttle.failed(email, address)
        return _login(runtime, realm, client, auth_request, status=401, email=email, error=BAD_CREDENTIALS)
    runtime.login_throttle.succeeded(email)
    user_id = user.id

    def issue(conn: Connection) -> str | None:
        current = accounts.client_by_id(conn, auth_request.client_id)
        if current is None or accounts.user_by_id(conn, user_id) is None:
            return None  # deleted while the password was being checked
        return runtime.tokens.issue_code(
            conn,
            client=current,
            user_id=user_id,
            realm=realm.realm,
            redirect_uri=auth_request.redirect_uri,
            scope=frozenset(auth_request.scope.split()),
            code_challenge=auth_request.code_challenge,
            code_challenge_method=auth_request.code_challenge_method,
        )

    code = await runtime.store.run(issue)
    if code is None:
        return _error(realm, "This account or application no longer exists.")
    return _client_redirect(auth_request.redirect_uri, {"code": code, "state": auth_request.state})


# -- token -----------------------------------------------------------------------------------------

_TOKEN_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _token_json(body: dict[str, object], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type="application/json",
        headers={**_TOKEN_HEADERS, **(headers or {})},
    )


def _token_error(realm: Brand, exc: GrantError, *, used_header: bool) -> Response:
    body: dict[str, object] = {"error": exc.error, "error_description": exc.description}
    if exc.error == "invalid_client" and used_header:
        # RFC 6749 5.2: a client that authenticated with the Authorization header gets 401 and a challenge.
        return _token_json(body, 401, {"WWW-Authenticate": f'Basic realm="{realm.realm}", charset="UTF-8"'})
    return _token_json(body, 400)


def _basic_credentials(header: str) -> tuple[str, str]:
    """client_id and secret from 'Basic base64(id:secret)', each form-urlencoded (RFC 6749 2.3.1)."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        raise GrantError("invalid_client", "only HTTP Basic client authentication is supported", 401)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise GrantError("invalid_client", "malformed HTTP Basic credentials", 401) from None
    client_id, colon, secret = decoded.partition(":")
    if not colon or not client_id:
        raise GrantError("invalid_client", "malformed HTTP Basic credentials", 401)
    return unquote_plus(client_id), unquote_plus(secret)


def _client_credentials(fields: dict[str, str], header: str | None) -> tuple[str | None, str | None]:
    """The client_id and secret, from the Authorization header or the form, never from both."""
    if header is None:
        return fields.get("client_id"), fields.get("client_secret")
    client_id, secret = _basic_credentials(header)
    if "client_secret" in fields:
        raise GrantError("invalid_request", "use one client authentication method: Basic or client_secret, not both")
    if fields.get("client_id", client_id) != client_id:
        raise GrantError("invalid_request", "client_id in the form differs from the one in the Authorization header")
    return client_id, secret


@router.post(f"{PREFIX}/token", summary="Token endpoint")
async def token(request: Request, brand: str) -> Response:
    """Exchange an authorization code or a refresh token for an access token and a new refresh token."""
    realm = _brand(brand)
    runtime = _runtime(request)
    header = request.headers.get("authorization")
    try:
        form = await form_params(request)
        fields = form.checked(
            "grant_type",
            "client_id",
            "client_secret",
            "code",
            "redirect_uri",
            "code_verifier",
            "refresh_token",
            "scope",
        )
        grant_type = fields.get("grant_type")
        if grant_type is None:
            raise GrantError("invalid_request", "grant_type is required")
        if grant_type not in (AUTHORIZATION_CODE, REFRESH_TOKEN):
            raise GrantError("unsupported_grant_type", f"grant_type must be {AUTHORIZATION_CODE} or {REFRESH_TOKEN}")
        client_id, secret = _client_credentials(fields, header)
    except ParameterError as exc:
        return _token_error(realm, GrantError("invalid_request", exc.description), used_header=header is not None)
    except GrantError as exc:
        return _token_error(realm, exc, used_header=header is not None)

    def grant(conn: Connection) -> TokenPair | GrantError:
        # A GrantError is returned, not raised, so that the transaction commits: a replayed code or
        # refresh token revokes its whole grant, and that revocation must outlive the error.
        try:
            client = runtime.tokens.authenticate_client(conn, client_id, secret)
            if grant_type == AUTHORIZATION_CODE:
                return runtime.tokens.exchange_code(
                    conn,
                    client=client,
                    realm=realm.realm,
                    code=fields.get("code"),
                    redirect_uri=fields.get("redirect_uri"),
                    code_verifier=fields.get("code_verifier"),
                )
            return runtime.tokens.refresh(
                conn,
                client=client,
                realm=realm.realm,
                refresh_token=fields.get("refresh_token"),
                scope=fields.get("scope"),
            )
        except GrantError as exc:
            return exc

    result = await runtime.store.run(grant)
    if isinstance(result, GrantError):
        return _token_error(realm, result, used_header=header is not None)
    return _token_json(result.as_json())
