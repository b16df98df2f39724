"""The login form's signed token: the authorization request it carries cannot be forged or replayed late.

The GET of /authorize validates the request (client, redirect_uri, scope, PKCE) and renders it into
hidden fields. The POST trusts those fields only if the token, an HMAC-SHA256 over every one of them,
the realm and an expiry time, checks out: so the POST never needs to re-validate what the GET did,
and a form kept open past its expiry, or edited, is refused.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import orjson

FORM_TTL_SECONDS = 600
TOKEN_FIELD = "form_token"


@dataclass(frozen=True, slots=True)
class AuthorizeRequest:
    """An authorization request that passed validation at GET /authorize."""

    realm: str
    client_id: str
    redirect_uri: str
    scope: str
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None

    def hidden_fields(self) -> dict[str, str]:
        """The fields the login form carries (the realm is in its URL); absent values are left out."""
        fields = {"response_type": "code", **asdict(self)}
        del fields["realm"]
        return {name: value for name, value in fields.items() if value is not None}

    @classmethod
    def from_form(cls, realm: str, form: Mapping[str, str]) -> AuthorizeRequest | None:
        """The request a posted form claims to carry; None if a required field is missing."""
        client_id, redirect_uri, scope = form.get("client_id"), form.get("redirect_uri"), form.get("scope")
        if not client_id or not redirect_uri or not scope or form.get("response_type") != "code":
            return None
        return cls(
            realm=realm,
            client_id=client_id,
            redirect_uri=redirect_uri,
            scope=scope,
            state=form.get("state") or None,
            code_challenge=form.get("code_challenge") or None,
            code_challenge_method=form.get("code_challenge_method") or None,
        )


class Verdict(enum.Enum):
    VALID = "valid"
    FORGED = "forged"
    EXPIRED = "expired"


def _mac(key: bytes, request: AuthorizeRequest, expires_at: int) -> str:
    # JSON of the whole request: unambiguous, unlike a concatenation (no field can spill into the next).
    message = b"connectedcar-login-form-v1\n" + orjson.dumps([expires_at, asdict(request)], option=orjson.OPT_SORT_KEYS)
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign(key: bytes, request: AuthorizeRequest, now_s: int, ttl_s: int = FORM_TTL_SECONDS) -> str:
    """A token `<expiry unix seconds>.<mac>` vouching for the request until now + ttl."""
    expires_at = now_s + ttl_s
    return f"{expires_at}.{_mac(key, request, expires_at)}"


def verify(key: bytes, request: AuthorizeRequest, token: str | None, now_s: int) -> Verdict:
    """VALID if the token was signed for exactly this request and has not expired yet."""
    if not token:
        return Verdict.FORGED
    expiry, _, mac = token.partition(".")
    if not expiry.isascii() or not expiry.isdigit() or len(expiry) > 12 or not mac:
        return Verdict.FORGED
    expires_at = int(expiry)
    if not hmac.compare_digest(mac.encode("ascii", "replace"), _mac(key, request, expires_at).encode("ascii")):
        return Verdict.FORGED
    if expires_at <= now_s:
        return Verdict.EXPIRED
    return Verdict.VALID
