"""The OAuth2 grant logic over the store: codes, access tokens, rotating refresh tokens.

Tokens are opaque random strings; only their SHA-256 is stored. A refresh token is single use: using
it returns a new pair and marks it rotated; presenting a rotated one again is a replay, and revokes
the whole family (every token descended from the same authorization code, RFC 9700 section 4.14.2).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection

from connectedcar.config import Settings
from connectedcar.domain.clock import Clock
from connectedcar.domain.credentials import hash_token, new_secret
from connectedcar.domain.entities import OAuthClient
from connectedcar.domain.timefmt import to_ms
from connectedcar.store import accounts
from connectedcar.store import tokens as repo
from connectedcar.store.store import Store

SUPPORTED_SCOPES = frozenset({"public"})


class GrantError(Exception):
    """An OAuth2 error (RFC 6749 section 5.2): `error` is the registered code."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True, slots=True)
class AccessGrant:
    """What a verified access token lets its bearer do."""

    user_id: str
    client_id: str
    scope: frozenset[str]
    realm: str
    family_id: str
    expires_at_ms: int


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    scope: str

    def as_json(self) -> dict[str, object]:
        return {
            "token_type": "bearer",
            "access_token": self.access_token,
            "expires_in": self.expires_in,
            "scope": self.scope,
            "refresh_token": self.refresh_token,
        }


def pkce_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def parse_scope(raw: str | None) -> frozenset[str]:
    """Scopes asked for; empty means `public`, unknown ones are an invalid_scope error."""
    requested = frozenset((raw or "public").split())
    unknown = requested - SUPPORTED_SCOPES
    if unknown:
        raise GrantError("invalid_scope", f"unsupported scope {' '.join(sorted(unknown))}; supported: public")
    return requested


class TokenService:
    def __init__(self, store: Store, clock: Clock, settings: Settings) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self._cache: dict[str, tuple[float, AccessGrant]] = {}
        # family -> when it was revoked here. A revocation reaches the store only when its transaction
        # commits; until then another request could read the old row and cache it. Families revoked
        # in this process are never cached, for longer than any cached grant could live.
        self._revoked: dict[str, float] = {}
        self._lock = threading.Lock()

    # -- client authentication ------------------------------------------------------------------

    def authenticate_client(self, conn: Connection, client_id: str | None, secret: str | None) -> OAuthClient:
        if not client_id:
            raise GrantError("invalid_request", "client_id is required")
        client = accounts.client_by_id(conn, client_id)
        if client is None:
            raise GrantError("invalid_client", "unknown client_id", status=401)
        if client.public:
            if secret:
                raise GrantError("invalid_client", "a public client has no secret", status=401)
            return client
        if not secret:
            raise GrantError("invalid_client", "client_secret is required for a confidential client", status=401)
        if client.secret_hash is None or not hmac.compare_digest(hash_token(secret), client.secret_hash):
            raise GrantError("invalid_client", "client authentication failed", status=401)
        return client

    # -- authorization codes ----------------------------------------------------------------------

    def issue_code(
        self,
        conn: Connection,
        *,
        client: OAuthClient,
        user_id: str,
        realm: str,
        redirect_uri: str,
        scope: frozenset[str],
        code_challenge: str | None,
        code_challenge_method: str | None,
    ) -> str:
        now = self.clock.now()
        code = new_secret(32)
        repo.insert_code(
            conn,
            repo.CodeRow(
                code_hash=hash_token(code),
                client_id=client.client_id,
                user_id=user_id,
                realm=realm,
                redirect_uri=redirect_uri,
                scope=" ".join(sorted(scope)),
                code_challenge=code_challenge,
                code_challenge_method=code_challenge_method,
                expires_at=to_ms(now + timedelta(seconds=self.settings.authorization_code_ttl_seconds)),
                used_at=None,
                family_id=None,
            ),
            to_ms(now),
        )
        return code

    def exchange_code(
        self,
        conn: Connection,
        *,
        client: OAuthClient,
        realm: str,
        code: str | None,
        redirect_uri: str | None,
        code_verifier: str | None,
    ) -> TokenPair:
        if not code:
            raise GrantError("invalid_request", "code is required")
        now_ms = to_ms(self.clock.now())
        row = repo.code_by_hash(conn, hash_token(code))
        if row is None or row.client_id != client.client_id or row.realm != realm:
            raise GrantError("invalid_grant", "unknown authorization code")
        if row.used_at is not None:
            # RFC 6749 section 4.1.2: a code used twice revokes what it already granted.
            if row.family_id:
                self.revoke_family(conn, row.family_id)
            raise GrantError("invalid_grant", "authorization code already used; its tokens are revoked")
        if row.expires_at <= now_ms:
            raise GrantError("invalid_grant", "authorization code expired")
        if redirect_uri != row.redirect_uri:
            raise GrantError("invalid_grant", "redirect_uri does not match the one of the authorization request")
        if row.code_challenge:
            if not code_verifier:
                raise GrantError("invalid_grant", "code_verifier is required (PKCE)")
            if not hmac.compare_digest(pkce_s256(code_verifier), row.code_challenge):
                raise GrantError("invalid_grant", "code_verifier does not match the code_challenge (PKCE)")
        elif code_verifier:
            raise GrantError("invalid_grant", "code_verifier given but the authorization request had no code_challenge")
        family_id = new_secret(16)
        if not repo.claim_code(conn, row.code_hash, family_id, now_ms):
            raise GrantError("invalid_grant", "authorization code already used")
        return self._issue_pair(conn, client.client_id, row.user_id, row.realm, row.scope, family_id)

    # -- refresh tokens -------------------------------------------------------------------------

    def refresh(
        self, conn: Connection, *, client: OAuthClient, realm: str, refresh_token: str | None, scope: str | None
    ) -> TokenPair:
        if not refresh_token:
            raise GrantError("invalid_request", "refresh_token is required")
        now_ms = to_ms(self.clock.now())
        row = repo.refresh_token_by_hash(conn, hash_token(refresh_token))
        if row is None or row.client_id != client.client_id or row.realm != realm:
            raise GrantError("invalid_grant", "unknown refresh token")
        if row.revoked_at is not None:
            raise GrantError("invalid_grant", "refresh token revoked")
        if row.rotated_at is not None:
            self.revoke_family(conn, row.family_id)
            raise GrantError("invalid_grant", "refresh token already used; every token of this grant is revoked")
        if row.expires_at <= now_ms:
            raise GrantError("invalid_grant", "refresh token expired")
        granted = frozenset(row.scope.split())
        wanted = parse_scope(scope) if scope else granted
        if not wanted <= granted:
            raise GrantError("invalid_scope", "a refresh cannot widen the scope of the grant")
        if not repo.rotate_refresh_token(conn, row.token_hash, now_ms):
            self.revoke_family(conn, row.family_id)
            raise GrantError("invalid_grant", "refresh token already used; every token of this grant is revoked")
        return self._issue_pair(conn, client.client_id, row.user_id, row.realm, " ".join(sorted(wanted)), row.family_id)

    def _issue_pair(
        self, conn: Connection, client_id: str, user_id: str, realm: str, scope: str, family: str
    ) -> TokenPair:
        now = self.clock.now()
        now_ms = to_ms(now)
        access, refresh = new_secret(48), new_secret(48)
        ttl = self.settings.access_token_ttl_seconds
        repo.insert_access_token(
            conn,
            repo.TokenRow(
                token_hash=hash_token(access),
                client_id=client_id,
                user_id=user_id,
                realm=realm,
                scope=scope,
                family_id=family,
                expires_at=to_ms(now + timedelta(seconds=ttl)),
                revoked_at=None,
            ),
            now_ms,
        )
        repo.insert_refresh_token(
            conn,
            repo.TokenRow(
                token_hash=hash_token(refresh),
                client_id=client_id,
                user_id=user_id,
                realm=realm,
                scope=scope,
                family_id=family,
                expires_at=to_ms(now + timedelta(seconds=self.settings.refresh_token_ttl_seconds)),
                revoked_at=None,
            ),
            now_ms,
        )
        return TokenPair(access_token=access, refresh_token=refresh, expires_in=ttl, scope=scope)

    def issue_direct(
        self, conn: Connection, *, client_id: str, user_id: str, realm: str = "peugeot", scope: str = "public"
    ) -> TokenPair:
        """A token pair without the browser dance: for the admin CLI, the demo and tests."""
        return self._issue_pair(conn, client_id, user_id, realm, scope, new_secret(16))

    # -- revocation and verification --------------------------------------------------------------

    def revoke_family(self, conn: Connection, family_id: str) -> None:
        now = self.clock.now().timestamp()
        with self._lock:
            self._revoked[family_id] = now
            for key in [k for k, (_, g) in self._cache.items() if g.family_id == family_id]:
                del self._cache[key]
            horizon = now - 2 * max(self.settings.token_cache_seconds, 1.0)
            for family in [f for f, at in self._revoked.items() if at < horizon]:
                del self._revoked[family]
        repo.revoke_family(conn, family_id, to_ms(self.clock.now()))

    def forget_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def cached_grant(self, token: str) -> AccessGrant | None:
        """A grant verified less than token_cache_seconds ago and not yet expired, or None."""
        key = hash_token(token)
        now = self.clock.now()
        with self._lock:
            hit = self._cache.get(key)
        if hit is None:
            return None
        checked_at, grant = hit
        if now.timestamp() - checked_at > self.settings.token_cache_seconds or grant.expires_at_ms <= to_ms(now):
            with self._lock:
                self._cache.pop(key, None)
            return None
        return grant

    def verify_access(self, conn: Connection, token: str) -> AccessGrant:
        """The grant behind a bearer token; GrantError('invalid_token', ...) if missing, expired or revoked."""
        now = self.clock.now()
        key = hash_token(token)
        row = repo.access_token_by_hash(conn, key)
        if row is None:
            raise GrantError("invalid_token", "unknown access token", status=401)
        if row.revoked_at is not None:
            raise GrantError("invalid_token", "access token revoked", status=401)
        if row.expires_at <= to_ms(now):
            raise GrantError("invalid_token", "access token expired", status=401)
        grant = AccessGrant(
            user_id=row.user_id,
            client_id=row.client_id,
            scope=frozenset(row.scope.split()),
            realm=row.realm,
            family_id=row.family_id,
            expires_at_ms=row.expires_at,
        )
        if self.settings.token_cache_seconds > 0:
            with self._lock:
                if grant.family_id in self._revoked:
                    return grant
                if len(self._cache) > 100_000:
                    self._cache.clear()
                self._cache[key] = (now.timestamp(), grant)
        return grant
