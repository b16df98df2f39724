"""TokenService driven directly through a store: every path of client authentication, code exchange,
refresh rotation and access-token verification, as tables."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

import pytest
from sqlalchemy import Connection

from connectedcar.api.auth.tokens import GrantError, TokenPair, parse_scope, pkce_s256
from connectedcar.domain.entities import OAuthClient, User
from connectedcar.runtime import Runtime
from tests.support import World

T = TypeVar("T")
REDIRECT = "http://127.0.0.1:9/callback"


def _run(runtime: Runtime, fn: Callable[[Connection], T]) -> T | GrantError:
    """fn in one committed transaction; a GrantError is returned (and what it revoked is kept)."""

    def wrapped(conn: Connection) -> T | GrantError:
        try:
            return fn(conn)
        except GrantError as exc:
            return exc

    return runtime.store.call(wrapped)


def _error_of(result: object) -> str | None:
    return result.error if isinstance(result, GrantError) else None


# -- pure helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verifier", "challenge"),
    [
        # RFC 7636 appendix B.
        ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
        *[
            (v, base64.urlsafe_b64encode(hashlib.sha256(v.encode()).digest()).decode().rstrip("="))
            for v in ("a" * 43, "~._-" * 11, "Z" * 128)
        ],
    ],
)
def test_pkce_s256(verifier: str, challenge: str) -> None:
    assert pkce_s256(verifier) == challenge
    assert len(challenge) == 43 and "=" not in challenge


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, {"public"}),
        ("", {"public"}),
        ("public", {"public"}),
        ("public public", {"public"}),
        ("  public  ", {"public"}),
        ("admin", "invalid_scope"),
        ("public admin", "invalid_scope"),
        ("PUBLIC", "invalid_scope"),
    ],
)
def test_parse_scope(raw: str | None, expected: set[str] | str) -> None:
    if isinstance(expected, str):
        with pytest.raises(GrantError) as caught:
            parse_scope(raw)
        assert caught.value.error == expected
    else:
        assert parse_scope(raw) == expected


# -- a small world of two clients and a user ------------------------------------------------------


@dataclass
class Setup:
    runtime: Runtime
    world: World
    user: User
    confidential: OAuthClient
    secret: str
    public: OAuthClient
    other: OAuthClient
    extra: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def setup(runtime: Runtime, world: World) -> Setup:
    confidential, secret = world.client()
    public, _ = world.client(public=True)
    other, _ = world.client()
    assert secret
    return Setup(runtime, world, world.user(), confidential, secret, public, other)


@pytest.mark.parametrize(
    ("client", "secret", "error"),
    [
        ("none", None, "invalid_request"),
        ("unknown", None, "invalid_client"),
        ("unknown", "x", "invalid_client"),
        ("confidential", None, "invalid_client"),
        ("confidential", "", "invalid_client"),
        ("confidential", "wrong", "invalid_client"),
        ("confidential", "right", None),
        ("public", None, None),
        ("public", "anything", "invalid_client"),
    ],
)
def test_authenticate_client(setup: Setup, client: str, secret: str | None, error: str | None) -> None:
    client_id = {
        "none": None,
        "unknown": "no-such-client",
        "confidential": setup.confidential.client_id,
        "public": setup.public.client_id,
    }[client]
    given = setup.secret if secret == "right" else secret
    result = _run(setup.runtime, lambda conn: setup.runtime.tokens.authenticate_client(conn, client_id, given))
    assert _error_of(result) == error
    if error is None:
        assert isinstance(result, OAuthClient) and result.client_id == client_id
    else:
        assert isinstance(result, GrantError)
        assert result.status == (400 if error == "invalid_request" else 401)


# -- authorization codes ------------------------------------------------------------------------------

VERIFIER = "verifier-" + "v" * 40


@dataclass(frozen=True)
class CodeCase:
    name: str
    pkce: bool = False
    code: str | None = "issued"  # "issued", "unknown" or None
    client: str = "confidential"  # who exchanges it
    realm: str = "citroen"
    redirect_uri: str | None = REDIRECT
    verifier: str | None = None
    expiry_offset: float | None = None  # move the clock to the code's expiry plus this many seconds
    error: str | None = None


CODE_CASES = [
    CodeCase("ok"),
    CodeCase("no code", code=None, error="invalid_request"),
    CodeCase("unknown code", code="unknown", error="invalid_grant"),
    CodeCase("another client", client="other", error="invalid_grant"),
    CodeCase("another realm", realm="opel", error="invalid_grant"),
    CodeCase("redirect differs", redirect_uri=REDIRECT + "/x", error="invalid_grant"),
    CodeCase("redirect missing", redirect_uri=None, error="invalid_grant"),
    CodeCase("still valid 1 s before expiry", expiry_offset=-1),
    CodeCase("expired at expiry", expiry_offset=0, error="invalid_grant"),
    CodeCase("pkce ok", pkce=True, verifier=VERIFIER),
    CodeCase("pkce without verifier", pkce=True, error="invalid_grant"),
    CodeCase("pkce wrong verifier", pkce=True, verifier=VERIFIER + "x", error="invalid_grant"),
    CodeCase("verifier without challenge", verifier=VERIFIER, error="invalid_grant"),
]


def _issue_code(setup: Setup, client: OAuthClient, *, pkce: bool = False) -> str:
    tokens = setup.runtime.tokens
    with setup.runtime.store.transaction() as conn:
        return tokens.issue_code(
            conn,
            client=client,
            user_id=setup.user.id,
            realm="citroen",
            redirect_uri=REDIRECT,
            scope=frozenset({"public"}),
            code_challenge=pkce_s256(VERIFIER) if pkce else None,
            code_challenge_method="S256" if pkce else None,
        )


@pytest.mark.parametrize("case", CODE_CASES, ids=[c.name for c in CODE_CASES])
def test_exchange_code(setup: Setup, case: CodeCase) -> None:
    code = _issue_code(setup, setup.confidential, pkce=case.pkce)
    if case.expiry_offset is not None:
        setup.world.clock.advance(setup.runtime.settings.authorization_code_ttl_seconds + case.expiry_offset)
    given = {"issued": code, "unknown": "not-a-code", None: None}[case.code]
    client = setup.other if case.client == "other" else setup.confidential
    result = _run(
        setup.runtime,
        lambda conn: setup.runtime.tokens.exchange_code(
            conn,
            client=client,
            realm=case.realm,
            code=given,
            redirect_uri=case.redirect_uri,
            code_verifier=case.verifier,
        ),
    )
    assert _error_of(result) == case.error, getattr(result, "description", result)
    if case.error is None:
        assert isinstance(result, TokenPair)
        grant = setup.runtime.store.call(lambda conn: setup.runtime.tokens.verify_access(conn, result.access_token))
        assert (grant.user_id, grant.client_id, grant.realm, grant.scope) == (
            setup.user.id,
            setup.confidential.client_id,
            "citroen",
            frozenset({"public"}),
        )


def test_second_exchange_of_a_code_revokes_the_first_pair(setup: Setup) -> None:
    tokens = setup.runtime.tokens
    code = _issue_code(setup, setup.confidential)

    def exchange(conn: Connection) -> TokenPair:
        return tokens.exchange_code(
            conn, client=setup.confidential, realm="citroen", code=code, redirect_uri=REDIRECT, code_verifier=None
        )

    first = _run(setup.runtime, exchange)
    assert isinstance(first, TokenPair)
    assert _error_of(_run(setup.runtime, exchange)) == "invalid_grant"
    revoked = _run(setup.runtime, lambda conn: tokens.verify_access(conn, first.access_token))
    assert isinstance(revoked, GrantError) and "revoked" in revoked.description


# -- refresh tokens -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefreshCase:
    name: str
    token: str = "current"  # "current", "rotated", "unknown", "revoked", "none"
    client: str = "confidential"
    realm: str = "citroen"
    scope: str | None = None
    advance_days: float = 0
    error: str | None = None
    family_revoked: bool = False


REFRESH_CASES = [
    RefreshCase("ok"),
    RefreshCase("same scope", scope="public"),
    RefreshCase("wider scope", scope="public admin", error="invalid_scope"),
    RefreshCase("no token", token="none", error="invalid_request"),
    RefreshCase("unknown", token="unknown", error="invalid_grant"),
    RefreshCase("another client", client="other", error="invalid_grant"),
    RefreshCase("another realm", realm="driveds", error="invalid_grant"),
    RefreshCase("expired", advance_days=31, error="invalid_grant"),
    RefreshCase("revoked", token="revoked", error="invalid_grant"),
    RefreshCase("replayed", token="rotated", error="invalid_grant", family_revoked=True),
]


@pytest.mark.parametrize("case", REFRESH_CASES, ids=[c.name for c in REFRESH_CASES])
def test_refresh(setup: Setup, case: RefreshCase) -> None:
    tokens = setup.runtime.tokens
    with setup.runtime.store.transaction() as conn:
        first = tokens.issue_direct(
            conn, client_id=setup.confidential.client_id, user_id=setup.user.id, realm="citroen"
        )
    given: str | None = first.refresh_token
    latest = first
    if case.token == "rotated":
        with setup.runtime.store.transaction() as conn:
            latest = tokens.refresh(
                conn, client=setup.confidential, realm="citroen", refresh_token=first.refresh_token, scope=None
            )
    elif case.token == "revoked":
        with setup.runtime.store.transaction() as conn:
            tokens.revoke_family(conn, tokens.verify_access(conn, first.access_token).family_id)
    elif case.token in ("unknown", "none"):
        given = "nope" if case.token == "unknown" else None
    if case.advance_days:
        setup.world.clock.advance(case.advance_days * 86400)
    client = setup.other if case.client == "other" else setup.confidential

    result = _run(
        setup.runtime,
        lambda conn: tokens.refresh(conn, client=client, realm=case.realm, refresh_token=given, scope=case.scope),
    )
    assert _error_of(result) == case.error, getattr(result, "description", result)
    if isinstance(result, TokenPair):
        assert result.refresh_token != first.refresh_token
        again = _run(
            setup.runtime,
            lambda conn: tokens.refresh(
                conn, client=client, realm="citroen", refresh_token=first.refresh_token, scope=None
            ),
        )
        assert _error_of(again) == "invalid_grant", "a refresh token is single use"
    if case.family_revoked:
        for access_token in (first.access_token, latest.access_token):
            check = _run(setup.runtime, partial(tokens.verify_access, token=access_token))
            assert _error_of(check) == "invalid_token"


# -- access tokens ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "error"),
    [
        ("fresh", None),
        ("almost expired", None),
        ("expired", "invalid_token"),
        ("revoked", "invalid_token"),
        ("unknown", "invalid_token"),
    ],
)
def test_verify_access(setup: Setup, state: str, error: str | None) -> None:
    tokens = setup.runtime.tokens
    with setup.runtime.store.transaction() as conn:
        pair = tokens.issue_direct(conn, client_id=setup.public.client_id, user_id=setup.user.id)
    token = "unknown-token" if state == "unknown" else pair.access_token
    if state == "almost expired":
        setup.world.clock.advance(pair.expires_in - 1)
    elif state == "expired":
        setup.world.clock.advance(pair.expires_in)
    elif state == "revoked":
        with setup.runtime.store.transaction() as conn:
            tokens.revoke_family(conn, tokens.verify_access(conn, pair.access_token).family_id)
    result = _run(setup.runtime, lambda conn: tokens.verify_access(conn, token))
    assert _error_of(result) == error
    if isinstance(result, GrantError):
        assert result.status == 401


def test_a_grant_read_while_its_revocation_is_uncommitted_is_not_cached(runtime: Runtime, world: World) -> None:
    user = world.user()
    client, _ = world.client()
    token = world.token(user, client)
    tokens = runtime.tokens
    with runtime.store.transaction() as conn:
        family = tokens.verify_access(conn, token).family_id
    tokens.forget_cache()
    with runtime.store.transaction() as revoking:
        tokens.revoke_family(revoking, family)
        # Another request, on another connection, still reads the committed (unrevoked) row...
        with runtime.store.transaction() as reading:
            assert tokens.verify_access(reading, token).family_id == family
        # ...but must not leave it in the cache, where it would outlive the revocation.
        assert tokens.cached_grant(token) is None
    with runtime.store.transaction() as conn, pytest.raises(GrantError, match="revoked"):
        tokens.verify_access(conn, token)
