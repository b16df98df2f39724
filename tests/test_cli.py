"""The admin CLI and the demo bootstrap, against a temporary SQLite database."""

from __future__ import annotations

import json
import socket
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import create_engine, select
from typer.testing import CliRunner, Result

from connectedcar import demo
from connectedcar.api.app import create_app
from connectedcar.cli import app
from connectedcar.domain.credentials import hash_token, verify_password, verify_token
from connectedcar.runtime import Runtime
from connectedcar.store.tables import access_tokens, oauth_clients, refresh_tokens, users
from tests.support import free_port, make_runtime

PASSWORD = "Sup3r-secret"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'admin.db'}"


def run(db: str, *args: str) -> Result:
    return CliRunner().invoke(app, ["admin", *args, "--database", db])


def ok(db: str, *args: str) -> Result:
    result = run(db, *args)
    assert result.exit_code == 0, result.output
    return result


def fails(db: str, *args: str, message: str) -> Result:
    result = run(db, *args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
    return result


def fields(result: Result) -> dict[str, str]:
    """The `key: value` lines a create command prints."""
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in result.stdout.splitlines())}


def rows(db: str, table: Any) -> list[Any]:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(table)))
    finally:
        engine.dispose()


def make_user(db: str, email: str = "jane@example.com") -> None:
    ok(db, "user", "create", "--email", email, "--password", PASSWORD)


# -- users ----------------------------------------------------------------------------------------


def test_user_create_stores_a_password_hash_and_lists_and_deletes(db: str) -> None:
    created = fields(
        ok(db, "user", "create", "--email", "Jane@Example.com", "--password", PASSWORD, "--first-name", "Jane")
    )
    assert created["email"] == "jane@example.com"
    assert created["id"].startswith("ACNT")

    [row] = rows(db, users)
    assert row.id == created["id"]
    assert PASSWORD not in row.password_hash
    assert row.password_hash.startswith("scrypt$")
    assert verify_password(PASSWORD, row.password_hash)

    listed = json.loads(ok(db, "user", "list", "--json").stdout)
    assert [(u["email"], u["firstName"], u["vehicles"]) for u in listed] == [("jane@example.com", "Jane", 0)]
    assert "jane@example.com" in ok(db, "user", "list").stdout

    assert "deleted user jane@example.com" in ok(db, "user", "delete", "--email", "JANE@example.com").stdout
    assert rows(db, users) == []
    fails(db, "user", "delete", "--email", "jane@example.com", message="no user with email")


def test_user_create_rejects_a_duplicate_email_whatever_its_case(db: str) -> None:
    make_user(db)
    fails(db, "user", "create", "--email", "JANE@example.com", "--password", PASSWORD, message="already exists")
    assert len(rows(db, users)) == 1


@pytest.mark.parametrize(
    ("password", "reason"),
    [("Sh0rt!", "at least 8 characters"), ("alllowercase", "at least 3 kinds"), ("lowerUPPER", "at least 3 kinds")],
)
def test_user_create_rejects_a_weak_password(db: str, password: str, reason: str) -> None:
    fails(db, "user", "create", "--email", "jane@example.com", "--password", password, message=reason)
    assert rows(db, users) == []


@pytest.mark.parametrize("email", ["jane", "jane@", "@example.com", "jane@example", "ja ne@example.com"])
def test_user_create_rejects_a_malformed_email(db: str, email: str) -> None:
    fails(db, "user", "create", "--email", email, "--password", PASSWORD, message="invalid email")


def test_the_database_url_can_come_from_the_environment(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTEDCAR_DATABASE_URL", db)
    result = CliRunner().invoke(app, ["admin", "user", "create", "--email", "env@example.com", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert [r.email for r in rows(db, users)] == ["env@example.com"]


def test_an_unreachable_database_is_a_clean_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["admin", "user", "list", "--database", "nosuchdriver://x"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot open database")


# -- clients --------------------------------------------------------------------------------------


def test_client_create_prints_the_secret_once_and_stores_its_hash(db: str) -> None:
    result = ok(
        db,
        "client",
        "create",
        "--name",
        "My app",
        "--redirect-uri",
        "http://localhost:3000/cb",
        "--redirect-uri",
        "https://app.example.com/cb?x=1",
    )
    created = fields(result)
    secret = created["client_secret"]
    assert len(secret) >= 40
    assert "shown only this once" in result.stderr

    [row] = rows(db, oauth_clients)
    assert row.client_id == created["client_id"]
    assert row.secret_hash == hash_token(secret) and secret not in row.secret_hash
    assert verify_token(secret, row.secret_hash)
    assert row.redirect_uris == ["http://localhost:3000/cb", "https://app.example.com/cb?x=1"]
    assert not row.public

    listed = ok(db, "client", "list")
    assert created["client_id"] in listed.stdout and secret not in listed.stdout
    [as_json] = json.loads(ok(db, "client", "list", "--json").stdout)
    assert as_json["type"] == "confidential" and "client_secret" not in as_json and secret not in str(as_json)


def test_a_public_client_has_no_secret_and_is_told_to_use_pkce(db: str) -> None:
    result = ok(db, "client", "create", "--name", "Phone", "--redirect-uri", "https://x.example/cb", "--public")
    assert "PKCE" in result.output
    [row] = rows(db, oauth_clients)
    assert row.public and row.secret_hash is None

    created = json.loads(
        ok(db, "client", "create", "--name", "SPA", "--redirect-uri", "https://y.example/", "--public", "--json").stdout
    )
    assert created["client_secret"] is None and created["type"] == "public"


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("/callback", "absolute http"),
        ("localhost:3000/cb", "absolute http"),
        ("ftp://example.com/cb", "absolute http"),
        ("myapp://callback", "absolute http"),
        ("https://example.com/cb#done", "fragment"),
        ("https:///cb", "absolute http"),
    ],
)
def test_client_create_rejects_bad_redirect_uris(db: str, uri: str, reason: str) -> None:
    fails(db, "client", "create", "--name", "App", "--redirect-uri", uri, message=reason)
    assert rows(db, oauth_clients) == []


def test_client_delete(db: str) -> None:
    client_id = fields(ok(db, "client", "create", "--name", "App", "--redirect-uri", "https://a.example/cb"))[
        "client_id"
    ]
    fails(db, "client", "delete", "--client-id", "not-a-client", message="no OAuth2 client")
    assert client_id in ok(db, "client", "delete", "--client-id", client_id).stdout
    assert rows(db, oauth_clients) == []


# -- vehicles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vin", "brand"),
    [
        ("VF3UPHNSKHS000001", "P"),
        ("VF7RHRHYHJS000002", "C"),
        ("VR1J45GFRJY000003", "DS"),
        ("W0LZRHNSHMS000004", "OP"),
        ("W0VZRHNSHMS000005", "OP"),
        ("ZFA31200000123456", "P"),  # an unknown manufacturer: the default brand
    ],
)
def test_vehicle_create_derives_the_brand_from_the_vin(db: str, vin: str, brand: str) -> None:
    make_user(db)
    created = fields(ok(db, "vehicle", "create", "--vin", vin.lower(), "--user", "jane@example.com"))
    assert (created["vin"], created["brand"], created["energy"]) == (vin, brand, "Fuel")
    assert len(created["id"]) == 32


def test_vehicle_create_with_explicit_brand_energy_and_device(db: str) -> None:
    make_user(db)
    created = json.loads(
        ok(
            db,
            "vehicle",
            "create",
            "--vin",
            "VF3UPHNSKHS000001",
            "--user",
            "jane@example.com",
            "--brand",
            "vauxhall",
            "--energy",
            "ev",
            "--model",
            "Corsa-e",
            "--device-id",
            "dev-1",
            "--json",
        ).stdout
    )
    assert (created["brand"], created["energy"], created["model"], created["device_id"]) == (
        "VX",
        "Electric",
        "Corsa-e",
        "dev-1",
    )
    fails(
        db,
        "vehicle",
        "create",
        "--vin",
        "VF3UPHNSKHS000002",
        "--user",
        "jane@example.com",
        "--device-id",
        "dev-1",
        message="already paired",
    )


@pytest.mark.parametrize(
    ("vin", "reason"),
    [
        ("VF3UPHNSKHS00001", "17 characters"),
        ("VF3UPHNSKHS0000012", "17 characters"),
        ("VF3UPHNSKHS00000O", "except I, O and Q"),
        ("VF3UPHNSKHI000001", "except I, O and Q"),
        ("VF3UPHNSKHQ000001", "except I, O and Q"),
        ("VF3UPHNSK-S000001", "except I, O and Q"),
    ],
)
def test_vehicle_create_rejects_a_bad_vin(db: str, vin: str, reason: str) -> None:
    make_user(db)
    fails(db, "vehicle", "create", "--vin", vin, "--user", "jane@example.com", message=reason)


def test_vehicle_create_errors(db: str) -> None:
    make_user(db)
    vin = "VF3UPHNSKHS000001"
    fails(db, "vehicle", "create", "--vin", vin, "--user", "nobody@example.com", message="no user with email")
    fails(db, "vehicle", "create", "--vin", vin, "--user", "jane@example.com", "--brand", "Tesla", message="brand")
    fails(db, "vehicle", "create", "--vin", vin, "--user", "jane@example.com", "--energy", "Steam", message="energy")
    ok(db, "vehicle", "create", "--vin", vin, "--user", "jane@example.com")
    fails(db, "vehicle", "create", "--vin", vin, "--user", "jane@example.com", message="already exists")


def test_vehicle_list_and_delete(db: str) -> None:
    make_user(db)
    make_user(db, "bob@example.com")
    jane = fields(ok(db, "vehicle", "create", "--vin", "VF3UPHNSKHS000001", "--user", "jane@example.com"))
    bob = fields(ok(db, "vehicle", "create", "--vin", "VF7RHRHYHJS000002", "--user", "bob@example.com"))

    table = ok(db, "vehicle", "list").stdout
    assert jane["id"] in table and bob["id"] in table and "VF3UPHNSKHS000001" in table
    mine = json.loads(ok(db, "vehicle", "list", "--user", "jane@example.com", "--json").stdout)
    assert [(v["id"], v["vin"], v["owner"]) for v in mine] == [(jane["id"], jane["vin"], "jane@example.com")]
    fails(db, "vehicle", "list", "--user", "nobody@example.com", message="no user with email")

    fails(db, "vehicle", "delete", message="exactly one of --vin or --id")
    fails(db, "vehicle", "delete", "--vin", "VF3UPHNSKHS000009", message="no vehicle with VIN")
    fails(db, "vehicle", "delete", "--id", "0" * 32, message="no vehicle with id")
    ok(db, "vehicle", "delete", "--vin", jane["vin"].lower())
    ok(db, "vehicle", "delete", "--id", bob["id"])
    assert json.loads(ok(db, "vehicle", "list", "--json").stdout) == []


def test_deleting_a_user_keeps_their_vehicles_unassigned(db: str) -> None:
    make_user(db)
    ok(db, "vehicle", "create", "--vin", "VF3UPHNSKHS000001", "--user", "jane@example.com")
    assert "1 vehicle(s) now without an owner" in ok(db, "user", "delete", "--email", "jane@example.com").stdout
    [vehicle] = json.loads(ok(db, "vehicle", "list", "--json").stdout)
    assert vehicle["owner"] is None


# -- tokens ---------------------------------------------------------------------------------------


def test_token_create_issues_a_working_pair_stored_by_hash(db: str) -> None:
    make_user(db)
    client_id = fields(ok(db, "client", "create", "--name", "App", "--redirect-uri", "https://a.example/cb"))[
        "client_id"
    ]
    pair = fields(ok(db, "token", "create", "--email", "jane@example.com", "--client-id", client_id))
    assert pair["scope"] == "public" and pair["expires_in"] == "3600"
    [access] = rows(db, access_tokens)
    [refresh] = rows(db, refresh_tokens)
    assert access.token_hash == hash_token(pair["access_token"]) and access.client_id == client_id
    assert refresh.token_hash == hash_token(pair["refresh_token"])

    as_json = json.loads(
        ok(db, "token", "create", "--email", "jane@example.com", "--client-id", client_id, "--json").stdout
    )
    assert as_json["token_type"] == "bearer" and as_json["access_token"] != pair["access_token"]


def test_token_create_errors(db: str) -> None:
    make_user(db)
    client_id = fields(ok(db, "client", "create", "--name", "App", "--redirect-uri", "https://a.example/cb"))[
        "client_id"
    ]
    fails(db, "token", "create", "--email", "jane@example.com", "--client-id", "nope", message="no OAuth2 client")
    fails(db, "token", "create", "--email", "x@example.com", "--client-id", client_id, message="no user with email")
    fails(
        db,
        "token",
        "create",
        "--email",
        "jane@example.com",
        "--client-id",
        client_id,
        "--realm",
        "toyota",
        message="unknown realm",
    )
    assert rows(db, access_tokens) == []


# -- demo ---------------------------------------------------------------------------------------------


@contextmanager
def serving(api: FastAPI) -> Iterator[str]:
    """The app (with the demo's callback router) on a loopback port, as `connectedcar demo` serves it."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(api, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# -- demo bootstrap -----------------------------------------------------------------------------------------


@pytest.fixture
def demo_runtime(db: str) -> Iterator[Runtime]:
    runtime = make_runtime(db, port=18123)
    yield runtime
    runtime.close()


def test_demo_bootstrap_is_idempotent_and_writes_the_credentials_file(demo_runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "creds" / "demo-credentials.json"
    first = demo.bootstrap(demo_runtime, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = json.loads(path.read_text())
    assert saved == first.as_json()
    assert saved["base_url"] == "http://127.0.0.1:18123"
    assert saved["redirect_uri"] == "http://127.0.0.1:18123/demo/callback"
    assert saved["authorize_url"].startswith("http://127.0.0.1:18123/accounts/signin/v1/peugeot/oauth2/authorize?")
    assert len(saved["vehicles"]) == demo.DEFAULT_VEHICLES
    assert {v["brand"] for v in saved["vehicles"]} == {"P", "C", "DS", "OP", "VX"}
    assert {v["energy"] for v in saved["vehicles"]} == {"Fuel", "Electric", "Hybrid"}
    assert first.changes

    second = demo.bootstrap(demo_runtime, path)
    assert second.changes == []
    for key in ("email", "password", "client_id", "client_secret", "redirect_uri"):
        assert getattr(second, key) == getattr(first, key)
    for key in ("fleet_id", "fleet_client_id", "fleet_username", "fleet_password"):
        assert saved[key] and getattr(second, key) == getattr(first, key)
    assert [v["id"] for v in second.vehicles] == [v["id"] for v in first.vehicles]
    assert second.access_token != first.access_token
    db = str(demo_runtime.store.engine.url)
    assert len(rows(db, users)) == 1 and len(rows(db, oauth_clients)) == 1

    # Without the file the password and secret cannot be read back (hashes): they are reset, not duplicated.
    path.unlink()
    third = demo.bootstrap(demo_runtime, path)
    assert third.client_id == first.client_id and third.password != first.password
    [user] = rows(db, users)
    [client] = rows(db, oauth_clients)
    assert verify_password(third.password, user.password_hash)
    assert client.secret_hash == hash_token(third.client_secret)
    assert third.fleet_id == first.fleet_id and third.fleet_password != first.fleet_password


def test_demo_token_and_callback_page_work(demo_runtime: Runtime, tmp_path: Path) -> None:
    account = demo.bootstrap(demo_runtime, tmp_path / "demo.json")
    api = create_app(demo_runtime)
    api.include_router(demo.callback_router(account, show_secret=True, code_ttl_seconds=60))
    with serving(api) as url, httpx.Client(base_url=url, timeout=10) as http:
        vehicle = account.vehicles[0]["id"]
        response = http.get(
            f"/connectedcar/v2/vehicles/{vehicle}",
            params={"client_id": account.client_id},
            headers={"Authorization": f"Bearer {account.access_token}"},
        )
        assert response.status_code == 200, response.text
        assert response.json()["vin"] == account.vehicles[0]["vin"]
        fleet = http.get(
            f"/connectedcar/v3/fleets/{account.fleet_id}/vehicles",
            params={"client_id": account.fleet_client_id},
            auth=(account.fleet_username, account.fleet_password),
        )
        assert fleet.status_code == 200, fleet.text
        assert fleet.json()["total"] == len(account.vehicles)

        page = http.get("/demo/callback", params={"code": "a<b>c", "state": "s1"})
        assert page.status_code == 200
        assert "a&lt;b&gt;c" in page.text and "a<b>c" not in page.text
        assert "grant_type=authorization_code" in page.text and account.client_secret in page.text
        assert http.get("/demo/callback").status_code == 400
        denied = http.get("/demo/callback", params={"error": "access_denied"})
        assert denied.status_code == 400 and "access_denied" in denied.text


def test_demo_commands_name_the_account(demo_runtime: Runtime, tmp_path: Path) -> None:
    account = demo.bootstrap(demo_runtime, tmp_path / "demo.json")
    text = "\n".join(command for _, command in demo.commands(account))
    assert f"/connectedcar/v2/user?client_id={account.client_id}" in text
    assert f"Authorization: Bearer {account.access_token}" in text
    assert account.authorize_url in text
    assert f"-u {account.fleet_username}:{account.fleet_password}" in text
    assert f"/connectedcar/v3/fleets/{account.fleet_id}/vehicles?client_id={account.fleet_client_id}" in text
    assert "grant_type=authorization_code" in text and f"{account.client_id}:{account.client_secret}" in text


def test_demo_refuses_a_busy_port_before_bootstrapping(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        credentials = tmp_path / "demo.json"
        database = f"sqlite:///{tmp_path / 'demo.db'}"
        result = CliRunner().invoke(
            app, ["demo", "--port", str(port), "--credentials", str(credentials), "--database", database]
        )
    assert result.exit_code == 1, result.output
    assert "already in use" in result.stderr
    assert not credentials.exists()


def test_the_demo_clock_starts_on_a_weekday_morning_in_the_past() -> None:
    from datetime import UTC, datetime

    from connectedcar.domain.clock import ManualClock
    from connectedcar.simulation import PARIS, demo_clock

    sunday_night = ManualClock(datetime(2026, 11, 22, 3, 47, tzinfo=UTC))
    start = demo_clock(60, sunday_night).now().astimezone(PARIS)
    assert (start.weekday(), start.hour, start.minute) == (4, 6, 50)  # Friday 06:50
    assert start.date().isoformat() == "2026-11-20"
    assert demo_clock(1, sunday_night) is sunday_night, "in real time the demo runs on the clock it is given"


# -- fleets ---------------------------------------------------------------------------------------


def test_fleet_create_prints_credentials_once_and_stores_a_hash(db: str) -> None:
    from connectedcar.store.tables import fleet_vehicles, fleets

    created = fields(ok(db, "fleet", "create", "--name", "Delivery vans"))
    assert len(created["id"]) == 24
    assert created["username"].startswith("fleet-")
    [row] = rows(db, fleets)
    assert (row.id, row.client_id, row.name) == (created["id"], created["client_id"], "Delivery vans")
    assert created["password"] not in row.password_hash
    assert verify_password(created["password"], row.password_hash)

    vehicle = fields(ok(db, "vehicle", "create", "--vin", "VF3AAAAAAAAAAAAA1", "--fleet", created["id"]))
    assert vehicle["fleet"] == created["id"]
    make_user(db)
    ok(db, "vehicle", "create", "--vin", "VF3AAAAAAAAAAAAA2", "--user", "jane@example.com")
    added = ok(db, "fleet", "add-vehicle", "--id", created["id"], "--vin", "VF3AAAAAAAAAAAAA2")
    assert "VF3AAAAAAAAAAAAA2" in added.stdout
    ok(db, "fleet", "add-vehicle", "--id", created["id"], "--vin", "VF3AAAAAAAAAAAAA2")  # idempotent
    assert len(rows(db, fleet_vehicles)) == 2

    listed = json.loads(ok(db, "fleet", "list", "--json").stdout)
    assert [(f["id"], f["vehicles"]) for f in listed] == [(created["id"], 2)]
    assert "password" not in listed[0]
    assert "Delivery vans" in ok(db, "fleet", "list").stdout

    assert "2 vehicle(s) left it" in ok(db, "fleet", "delete", "--id", created["id"]).stdout
    assert rows(db, fleets) == [] and rows(db, fleet_vehicles) == []
    fails(db, "fleet", "delete", "--id", created["id"], message="no fleet with id")


def test_fleet_commands_reject_bad_input(db: str) -> None:
    fails(db, "fleet", "create", "--name", "  ", message="invalid fleet name")
    fails(db, "vehicle", "create", "--vin", "VF3AAAAAAAAAAAAA1", message="--fleet")
    fails(db, "vehicle", "create", "--vin", "VF3AAAAAAAAAAAAA1", "--fleet", "nope", message="no fleet with id")
    fid = fields(ok(db, "fleet", "create", "--name", "F"))["id"]
    fails(db, "fleet", "add-vehicle", "--id", fid, "--vin", "VF3AAAAAAAAAAAAA9", message="no vehicle with VIN")
