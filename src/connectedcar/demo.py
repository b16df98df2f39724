"""`connectedcar demo`: a ready-to-use account on a local database, and a page for the OAuth2 redirect.

The bootstrap is idempotent: it reuses the demo user, client and vehicles when they exist, keeps their
password and secret when the previous credentials file still matches them (both are stored as hashes,
so they cannot be read back), and resets them otherwise. Every run issues a fresh token pair.
"""

from __future__ import annotations

import html
import os
import secrets
import shlex
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter
from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import HTMLResponse

from connectedcar import provision
from connectedcar.domain.credentials import hash_password, verify_password, verify_token
from connectedcar.domain.entities import Fleet, OAuthClient, User, Vehicle
from connectedcar.domain.timefmt import to_ms
from connectedcar.runtime import Runtime
from connectedcar.simulator.specs import SimVehicleSpec, fleet_specs
from connectedcar.store import accounts, fleets, vehicles

DEFAULT_DATABASE = "sqlite:///var/demo.db"
DEFAULT_CREDENTIALS = Path("demo-credentials.json")
DEMO_EMAIL = "demo@connectedcar.local"
DEMO_CLIENT_NAME = "connectedcar demo"
DEMO_FLEET_NAME = "connectedcar demo fleet"
REALM = "peugeot"
CALLBACK_PATH = "/demo/callback"
B2C = "/connectedcar/v2"
FLEET_V3 = "/connectedcar/v3"


DEFAULT_VEHICLES = 20
DEFAULT_SEED = 2026


def fleet(count: int = DEFAULT_VEHICLES, seed: int = DEFAULT_SEED) -> list[SimVehicleSpec]:
    """The demo's simulated vehicles: mixed brands and energies, the same for the same count and seed."""
    return fleet_specs(count, seed)


@dataclass
class DemoCredentials:
    base_url: str
    database_url: str
    realm: str
    email: str
    password: str
    client_id: str
    client_secret: str
    redirect_uri: str
    authorize_url: str
    token_url: str
    access_token: str
    refresh_token: str
    expires_in: int
    vehicles: list[dict[str, str]] = field(default_factory=list)
    # The Fleet Owner API: a fleet of the same vehicles, its client_id and HTTP Basic credentials.
    fleet_id: str = ""
    fleet_client_id: str = ""
    fleet_username: str = ""
    fleet_password: str = ""
    fleet_webhook_secret: str = ""  # verifies the signatures of the fleet's webhook requests
    # What this run created or reset (not written to the file): for the console summary.
    changes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        body = asdict(self)
        body.pop("changes")
        return body


def _read_previous(path: Path) -> dict[str, Any]:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _new_password() -> str:
    # 'Demo-' brings upper, lower and punctuation: always passes the password rule.
    return "Demo-" + secrets.token_urlsafe(12)


def _ensure_user(conn: Connection, runtime: Runtime, previous: dict[str, Any], changes: list[str]) -> tuple[User, str]:
    user = accounts.user_by_email(conn, DEMO_EMAIL)
    remembered = previous.get("password")
    if user is None:
        password = _new_password()
        user = provision.create_user(
            conn, runtime.clock, email=DEMO_EMAIL, password=password, first_name="Demo", last_name="Driver"
        )
        changes.append(f"created user {DEMO_EMAIL}")
        return user, password
    if isinstance(remembered, str) and verify_password(remembered, user.password_hash):
        return user, remembered
    password = _new_password()
    accounts.set_password_hash(conn, user.id, hash_password(password), to_ms(runtime.clock.now()))
    changes.append(f"reset the password of {DEMO_EMAIL} (not in the credentials file)")
    return user, password


def _ensure_client(
    conn: Connection, runtime: Runtime, redirect_uri: str, previous: dict[str, Any], changes: list[str]
) -> tuple[OAuthClient, str]:
    client = None
    if isinstance(previous.get("client_id"), str):
        client = accounts.client_by_id(conn, previous["client_id"])
    if client is None:
        client = next((c for c in accounts.list_clients(conn) if c.name == DEMO_CLIENT_NAME and not c.public), None)
    if client is None:
        created = provision.create_client(conn, runtime.clock, name=DEMO_CLIENT_NAME, redirect_uris=[redirect_uri])
        assert created.secret is not None
        changes.append(f"created OAuth2 client {created.client.client_id}")
        return created.client, created.secret
    if redirect_uri not in client.redirect_uris:
        accounts.update_client(
            conn, client.client_id, to_ms(runtime.clock.now()), redirect_uris=[*client.redirect_uris, redirect_uri]
        )
        changes.append(f"added redirect URI {redirect_uri}")
    remembered = previous.get("client_secret")
    if isinstance(remembered, str) and client.secret_hash and verify_token(remembered, client.secret_hash):
        return client, remembered
    secret = provision.rotate_client_secret(conn, runtime.clock, client.client_id)
    changes.append("rotated the client secret (not in the credentials file)")
    return client, secret


def _ensure_vehicles(
    conn: Connection, runtime: Runtime, user: User, specs: list[SimVehicleSpec], changes: list[str]
) -> list[Vehicle]:
    now = runtime.clock.now()
    owned: list[Vehicle] = []
    for spec in specs:
        vehicle = vehicles.vehicle_by_vin(conn, spec.vin)
        if vehicle is None:
            vehicle = provision.create_vehicle(
                conn,
                runtime.clock,
                vin=spec.vin,
                owner_email=user.email,
                brand=spec.brand,
                model=spec.model,
                energy=spec.energy,
            )
            changes.append(f"created vehicle {spec.vin}")
        elif vehicle.user_id != user.id:
            vehicles.set_vehicle_owner(conn, vehicle.id, user.id, to_ms(now))
            changes.append(f"gave vehicle {spec.vin} back to {user.email}")
        owned.append(vehicle)
    return owned


def _ensure_fleet(
    conn: Connection, runtime: Runtime, previous: dict[str, Any], owned: list[Vehicle], changes: list[str]
) -> tuple[Fleet, str]:
    fleet = None
    if isinstance(previous.get("fleet_id"), str):
        fleet = fleets.fleet_by_id(conn, previous["fleet_id"])
    if fleet is None:
        fleet = next((f for f in fleets.list_fleets(conn) if f.name == DEMO_FLEET_NAME), None)
    if fleet is None:
        created = provision.create_fleet(conn, runtime.clock, name=DEMO_FLEET_NAME)
        fleet, password = created.fleet, created.password
        changes.append(f"created fleet {fleet.id}")
    else:
        remembered = previous.get("fleet_password")
        if isinstance(remembered, str) and verify_password(remembered, fleet.password_hash):
            password = remembered
        else:
            password = provision.reset_fleet_password(conn, runtime.clock, fleet.id)
            changes.append("reset the fleet's password (not in the credentials file)")
    _, members = fleets.vehicles_of_fleet(conn, fleet.id)
    missing = [v.id for v in owned if v.id not in {m.id for m in members}]
    if missing:
        fleets.add_vehicles(conn, fleet.id, missing, to_ms(runtime.clock.now()))
        changes.append(f"added {len(missing)} vehicle(s) to fleet {fleet.id}")
    return fleet, password


def simulated(specs: list[SimVehicleSpec], credentials: DemoCredentials) -> list[SimVehicleSpec]:
    """The fleet's specs with the platform's vehicle ids, so that reports reach the right vehicles."""
    ids = {v["vin"]: v["id"] for v in credentials.vehicles}
    return [replace(spec, vehicle_id=ids[spec.vin]) for spec in specs]


def bootstrap(
    runtime: Runtime, credentials_path: Path = DEFAULT_CREDENTIALS, specs: list[SimVehicleSpec] | None = None
) -> DemoCredentials:
    """Create or reuse the demo account and its vehicles, issue a token pair, and write the credentials
    file (mode 600)."""
    specs = fleet() if specs is None else specs
    base_url = runtime.settings.base_url()
    redirect_uri = base_url + CALLBACK_PATH
    previous = _read_previous(credentials_path)
    changes: list[str] = []
    with runtime.store.transaction() as conn:
        user, password = _ensure_user(conn, runtime, previous, changes)
        client, secret = _ensure_client(conn, runtime, redirect_uri, previous, changes)
        owned = _ensure_vehicles(conn, runtime, user, specs, changes)
        demo_fleet, fleet_password = _ensure_fleet(conn, runtime, previous, owned, changes)
        pair = runtime.tokens.issue_direct(conn, client_id=client.client_id, user_id=user.id, realm=REALM)
    query = urlencode(
        {"response_type": "code", "scope": "public", "client_id": client.client_id, "redirect_uri": redirect_uri}
    )
    credentials = DemoCredentials(
        base_url=base_url,
        database_url=runtime.store.engine.url.render_as_string(hide_password=True),
        realm=REALM,
        email=user.email,
        password=password,
        client_id=client.client_id,
        client_secret=secret,
        redirect_uri=redirect_uri,
        authorize_url=f"{base_url}/accounts/signin/v1/{REALM}/oauth2/authorize?{query}",
        token_url=f"{base_url}/accounts/signin/v1/{REALM}/oauth2/token",
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
        vehicles=[{"id": v.id, "vin": v.vin, "brand": v.brand, "model": v.model, "energy": v.energy} for v in owned],
        fleet_id=demo_fleet.id,
        fleet_client_id=demo_fleet.client_id,
        fleet_username=demo_fleet.username,
        fleet_password=fleet_password,
        fleet_webhook_secret=demo_fleet.webhook_secret or "",
        changes=changes,
    )
    write_credentials(credentials_path, credentials)
    return credentials


def write_credentials(path: Path, credentials: DemoCredentials) -> None:
    """Write the file atomically, readable by its owner only: it holds a password and a client secret."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(orjson.dumps(credentials.as_json(), option=orjson.OPT_INDENT_2) + b"\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# -- commands to paste ----------------------------------------------------------------------------


def api_curl(credentials: DemoCredentials, path: str) -> str:
    url = f"{credentials.base_url}{B2C}{path}?{urlencode({'client_id': credentials.client_id})}"
    return f"curl -s {shlex.quote(url)} -H {shlex.quote('Authorization: Bearer ' + credentials.access_token)}"


def fleet_curl(credentials: DemoCredentials, path: str) -> str:
    """A Fleet Owner API call (seed 001) with the demo fleet's Basic credentials and client_id."""
    url = f"{credentials.base_url}{FLEET_V3}{path}?{urlencode({'client_id': credentials.fleet_client_id})}"
    user = f"{credentials.fleet_username}:{credentials.fleet_password}"
    return f"curl -s -u {shlex.quote(user)} {shlex.quote(url)}"


REMOTE_CALLBACK = (
    '{"label": "demo", "callback": {"webhook": {"target": "http://127.0.0.1:9000/remote", "name": "demo"}}, '
    '"notificationTypes": ["Doors", "Horn", "Lights", "ElectricBatteryChargingRequest", "ThermalPreconditioning"]}'
)


def fleet_post(credentials: DemoCredentials, path: str, data: str) -> str:
    """A Fleet Owner API POST with a JSON body (or @file)."""
    url = f"{credentials.base_url}{FLEET_V3}{path}?{urlencode({'client_id': credentials.fleet_client_id})}"
    user = f"{credentials.fleet_username}:{credentials.fleet_password}"
    return (
        f"curl -s -u {shlex.quote(user)} -X POST {shlex.quote(url)} "
        f"-H 'Content-Type: application/json' --data {shlex.quote(data)}"
    )


def token_curl(credentials: DemoCredentials, grant: dict[str, str], *, secret: str | None = None) -> str:
    """The token request of seed 000, the client authenticating with HTTP Basic (RFC 6749 section 2.3.1)."""
    fields = {**grant, "client_id": credentials.client_id}
    data = " ".join(f"--data-urlencode {shlex.quote(f'{k}={v}')}" for k, v in fields.items())
    user = f"{credentials.client_id}:{secret if secret is not None else credentials.client_secret}"
    return (
        f"curl -s -X POST {shlex.quote(credentials.token_url)} -u {shlex.quote(user)} "
        f"-H 'accept: application/json' {data}"
    )


def commands(credentials: DemoCredentials) -> list[tuple[str, str]]:
    first = credentials.vehicles[0]["id"]
    return [
        ("The signed-in user and their vehicles", api_curl(credentials, "/user")),
        ("The vehicles, a page at a time", api_curl(credentials, "/vehicles")),
        ("One vehicle's last position (GeoJSON)", api_curl(credentials, f"/vehicles/{first}/lastPosition")),
        (
            "The fleet's vehicles (Fleet Owner API v3, HTTP Basic)",
            fleet_curl(credentials, f"/fleets/{credentials.fleet_id}/vehicles"),
        ),
        (
            "Receive webhooks: print each event and check its signature (another terminal)",
            f".venv/bin/connectedcar listen --port 9000 --secret {shlex.quote(credentials.fleet_webhook_secret)}",
        ),
        (
            "Post seed 001's monitor (leave central Paris with a low battery, or a Monday afternoon) to it",
            fleet_post(credentials, f"/fleets/{credentials.fleet_id}/monitors", "@docs/examples/monitor.json"),
        ),
        (
            "Register a remote callback (seed 004) posting to it",
            fleet_post(credentials, f"/fleets/{credentials.fleet_id}/remote/callbacks", REMOTE_CALLBACK),
        ),
        (
            "Then unlock a vehicle through it (put the callbackId in place of CALLBACK_ID)",
            fleet_post(
                credentials,
                f"/fleets/{credentials.fleet_id}/vehicles/{first}/callbacks/CALLBACK_ID/remotes",
                '{"door": {"state": "Unlocked"}}',
            ),
        ),
        (
            f"Sign in as {credentials.email} / {credentials.password} (open in a browser; the code lands on "
            f"{credentials.redirect_uri})",
            credentials.authorize_url,
        ),
        (
            "Exchange the code for tokens (the callback page prints this with the code filled in)",
            token_curl(
                credentials,
                {"grant_type": "authorization_code", "code": "CODE", "redirect_uri": credentials.redirect_uri},
            ),
        ),
        (
            "Refresh the tokens (each refresh token is single use)",
            token_curl(credentials, {"grant_type": "refresh_token", "refresh_token": credentials.refresh_token}),
        ),
    ]


# -- the redirect target --------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>connectedcar demo: {title}</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem}}
pre{{background:#f4f4f4;padding:1rem;white-space:pre-wrap;word-break:break-all}}</style></head>
<body><h1>{title}</h1>{body}</body></html>
"""


def callback_router(credentials: DemoCredentials, *, show_secret: bool, code_ttl_seconds: int) -> APIRouter:
    """GET /demo/callback: where the demo client's authorization codes land; shows how to exchange one."""
    router = APIRouter()

    @router.get(CALLBACK_PATH, include_in_schema=False)
    async def callback(request: Request) -> HTMLResponse:
        params = request.query_params
        code, error = params.get("code"), params.get("error")
        if error:
            detail = params.get("error_description", "")
            body = f"<p>The authorization server answered <code>{html.escape(error)}</code>: {html.escape(detail)}</p>"
            return HTMLResponse(_PAGE.format(title="authorization refused", body=body), status_code=400)
        if not code:
            authorize = html.escape(credentials.authorize_url)
            body = (
                "<p>No <code>code</code> in the query string. Start the sign-in here:</p>"
                f'<p><a href="{authorize}">{authorize}</a></p>'
            )
            return HTMLResponse(_PAGE.format(title="waiting for a code", body=body), status_code=400)
        grant = {"grant_type": "authorization_code", "code": code, "redirect_uri": credentials.redirect_uri}
        curl = token_curl(credentials, grant, secret=None if show_secret else "$CLIENT_SECRET")
        note = "" if show_secret else "<p>Set <code>CLIENT_SECRET</code> from the demo's credentials file first.</p>"
        body = (
            f"<p>Authorization code (single use, valid {code_ttl_seconds} s):</p>"
            f"<pre>{html.escape(code)}</pre>"
            f"{note}<p>Exchange it for an access token and a refresh token:</p><pre>{html.escape(curl)}</pre>"
        )
        if params.get("state"):
            body += f"<p>state: <code>{html.escape(params['state'])}</code></p>"
        return HTMLResponse(_PAGE.format(title="authorization code received", body=body))

    return router
