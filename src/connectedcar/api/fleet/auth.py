"""The Fleet API's guard: HTTP Basic credentials of a fleet plus its `client_id` query parameter.

`current_fleet` is the one place that decides which fleet a request speaks for. Seed 001 also asks
for a client certificate (mutual TLS); when that comes, `FleetAuthenticator.authenticate` is where
the certificate's fleet is checked against the Basic credentials' fleet.

Passwords are scrypt hashes (tens of milliseconds each, on purpose), so a verified pair of
credentials is remembered for a minute by a SHA-256 of what the client sent: a client calling the
API in a loop pays for scrypt once a minute, not on every call. The cache is bounded and holds no
password, only digests. scrypt itself runs in a worker thread, off the event loop.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Any

import anyio.to_thread
from fastapi import Request

from connectedcar.api.errors import ApiError
from connectedcar.api.ratelimit import query_client_id
from connectedcar.domain.clock import Clock
from connectedcar.domain.credentials import hash_password, verify_password
from connectedcar.domain.entities import Fleet
from connectedcar.runtime import Runtime
from connectedcar.store import fleets

REALM = "connectedcar-fleet"
CHALLENGE = f'Basic realm="{REALM}"'
BASIC_SCHEME = "BasicAuth"
CLIENT_ID_SCHEME = "ClientId"
CACHE_SECONDS = 60
CACHE_ENTRIES = 4096
_MAX_CREDENTIALS = 1024

# Verified against when the user name is unknown, so that a wrong user name costs as much as a
# wrong password and response times do not tell which one was wrong.
_DUMMY_HASH = hash_password("connectedcar-no-such-fleet")


class FleetUnauthorized(ApiError):
    """401 with a Basic challenge (RFC 7617), in the API's error body."""

    default_status, default_code = 401, 40100

    def __init__(self, message: str, *, code: int) -> None:
        super().__init__(message, code=code, headers={"WWW-Authenticate": CHALLENGE})


class CredentialCache:
    """SHA-256 digests of recently verified credentials and the fleet they proved, for a short while."""

    def __init__(self, clock: Clock, ttl_seconds: float = CACHE_SECONDS, max_entries: int = CACHE_ENTRIES) -> None:
        self._clock = clock
        self._ttl = timedelta(seconds=ttl_seconds)
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[datetime, Fleet]] = OrderedDict()

    @staticmethod
    def key(username: str, password: str) -> str:
        return hashlib.sha256(f"{username}\x00{password}".encode()).hexdigest()

    def get(self, key: str) -> Fleet | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, fleet = entry
        if self._clock.now() >= expires:
            del self._entries[key]
            return None
        return fleet

    def put(self, key: str, fleet: Fleet) -> None:
        self._entries[key] = (self._clock.now() + self._ttl, fleet)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def forget(self, fleet_id: str) -> None:
        for key in [k for k, (_, f) in self._entries.items() if f.id == fleet_id]:
            del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)


def basic_credentials(header: str | None) -> tuple[str, str]:
    """(username, password) from an `Authorization: Basic ...` header, or a 401 saying what is wrong."""
    if not header:
        raise FleetUnauthorized("Missing credentials: send 'Authorization: Basic <base64(user:password)>'", code=40111)
    scheme, _, encoded = header.partition(" ")
    encoded = encoded.strip()
    if scheme.lower() != "basic" or not encoded or len(encoded) > _MAX_CREDENTIALS:
        raise FleetUnauthorized("The Authorization header must be 'Basic <base64(user:password)>'", code=40112)
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise FleetUnauthorized("The Basic credentials are not valid base64 of 'user:password'", code=40112) from None
    username, colon, password = decoded.partition(":")
    if not colon or not username:
        raise FleetUnauthorized("The Basic credentials must be 'user:password'", code=40112)
    return username, password


class FleetAuthenticator:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.cache = CredentialCache(runtime.clock)

    async def authenticate(self, request: Request) -> Fleet:
        """The fleet the request speaks for (the seam where a client certificate will also be checked)."""
        username, password = basic_credentials(request.headers.get("authorization"))
        fleet = await self.verify(username, password)
        client_id = query_client_id(request.scope)
        if not client_id:
            raise FleetUnauthorized("Missing parameter 'client_id': the fleet's client_id is required", code=40113)
        if not hmac.compare_digest(client_id.encode(), fleet.client_id.encode()):
            raise FleetUnauthorized("Invalid parameter 'client_id': it is not this fleet's client_id", code=40114)
        return fleet

    async def verify(self, username: str, password: str) -> Fleet:
        key = CredentialCache.key(username, password)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        found = await self.runtime.store.run(lambda conn: fleets.fleet_by_username(conn, username))
        stored = found.password_hash if found is not None else _DUMMY_HASH
        matches = await anyio.to_thread.run_sync(verify_password, password, stored)
        if found is None or not matches:
            raise FleetUnauthorized("Invalid credentials: unknown user name or wrong password", code=40110)
        self.cache.put(key, found)
        return found


def authenticator(request: Request) -> FleetAuthenticator:
    """The app's authenticator (and its cache), made on first use."""
    state = request.app.state
    found: FleetAuthenticator | None = getattr(state, "fleet_authenticator", None)
    if found is None:
        found = FleetAuthenticator(state.runtime)
        state.fleet_authenticator = found
    return found


async def current_fleet(request: Request) -> Fleet:
    """The authenticated fleet: the guard of every Fleet API endpoint."""
    return await authenticator(request).authenticate(request)


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare the specs' BasicAuth and ClientId schemes on every /fleets operation of the document."""
    schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes[BASIC_SCHEME] = {
        "type": "http",
        "scheme": "basic",
        "description": "The fleet's user name and password (connectedcar admin fleet create).",
    }
    schemes[CLIENT_ID_SCHEME] = {"type": "apiKey", "in": "query", "name": "client_id"}
    for path, operations in schema.get("paths", {}).items():
        if "/fleets" not in path:
            continue
        for operation in operations.values():
            operation["security"] = [{BASIC_SCHEME: [], CLIENT_ID_SCHEME: []}]
            # The B2C document adds client_id as a parameter; here the ClientId scheme declares it.
            operation["parameters"] = [p for p in operation.get("parameters", []) if p.get("name") != "client_id"]
    return schema
