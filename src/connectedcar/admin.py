"""`connectedcar admin`: users, OAuth2 clients, vehicles, tokens and fleets, straight in the database.

Output is for scripts as much as for people: create commands print `key: value` lines, lists print
tables, and `--json` prints JSON instead. Errors go to stderr with exit code 1.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, NoReturn

import orjson
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from connectedcar import provision
from connectedcar.cli_options import DatabaseOption, settings_with
from connectedcar.domain.clock import Clock
from connectedcar.domain.entities import Fleet, OAuthClient, User, Vehicle
from connectedcar.domain.timefmt import format_ms, to_ms
from connectedcar.ingest.http_native import PATH as INGEST_PATH
from connectedcar.runtime import Runtime, build_runtime
from connectedcar.store import accounts
from connectedcar.store import fleets as fleet_repo
from connectedcar.store import vehicles as vehicle_repo

app = typer.Typer(help="Manage users, OAuth2 clients, vehicles and tokens.", no_args_is_help=True)
user_app = typer.Typer(help="Users: the accounts that sign in and own vehicles.", no_args_is_help=True)
client_app = typer.Typer(help="OAuth2 clients: the applications that call the API.", no_args_is_help=True)
vehicle_app = typer.Typer(help="Vehicles and their owners.", no_args_is_help=True)
token_app = typer.Typer(help="Access tokens, issued without the browser sign-in.", no_args_is_help=True)
fleet_app = typer.Typer(help="Fleets: the Fleet Owner API's fleets, credentials and vehicles.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(client_app, name="client")
app.add_typer(vehicle_app, name="vehicle")
app.add_typer(token_app, name="token")
app.add_typer(fleet_app, name="fleet")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


# -- plumbing -------------------------------------------------------------------------------------


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@contextmanager
def opened(database: str | None, clock: Clock | None = None, **overrides: object) -> Iterator[Runtime]:
    """The runtime over the (migrated) database; operator errors become a message and exit code 1."""
    try:
        settings = settings_with(database, **overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        fail(f"invalid configuration: {'.'.join(str(p) for p in first['loc'])}: {first['msg']}")
    try:
        runtime = build_runtime(settings, clock)
    except (SQLAlchemyError, OSError, ValueError) as exc:
        fail(f"cannot open database {_safe_url(settings.database_url)!r}: {_first_line(exc)}")
    try:
        yield runtime
    except provision.ProvisionError as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        fail(f"database error: {_first_line(exc)}")
    finally:
        runtime.close()


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return url.split("@")[-1] if "@" in url else url


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def _print_json(value: Any) -> None:
    typer.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())


def _print_fields(fields: Sequence[tuple[str, object]]) -> None:
    width = max(len(k) for k, _ in fields) + 1
    for key, value in fields:
        typer.echo(f"{key + ':':<{width}} {'' if value is None else value}")


def _print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    # Off a terminal (pipes, files) rich would wrap at 80 columns and split ids; never wrap them.
    console = Console()
    if not console.is_terminal:
        console = Console(width=240)
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, no_wrap=True, overflow="ignore")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


def _date(value: Any) -> str | None:
    return format_ms(to_ms(value))


def _user_json(user: User, vehicle_count: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": user.id,
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "createdAt": _date(user.created_at),
    }
    if vehicle_count is not None:
        body["vehicles"] = vehicle_count
    return body


def _client_json(client: OAuthClient) -> dict[str, Any]:
    return {
        "client_id": client.client_id,
        "name": client.name,
        "type": "public" if client.public else "confidential",
        "redirect_uris": list(client.redirect_uris),
        "rate_limit": client.rate_limit,
        "createdAt": _date(client.created_at),
    }


def _vehicle_json(vehicle: Vehicle, owner_email: str | None) -> dict[str, Any]:
    return {
        "id": vehicle.id,
        "vin": vehicle.vin,
        "brand": vehicle.brand,
        "model": vehicle.model,
        "energy": vehicle.energy,
        "owner": owner_email,
        "device_id": vehicle.device_id,
        "createdAt": _date(vehicle.created_at),
    }


# -- users ----------------------------------------------------------------------------------------


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="The user's email, their sign-in name.")],
    password: Annotated[str, typer.Option(help="At least 8 characters of 3 kinds (lower, upper, digit, punctuation).")],
    first_name: Annotated[str, typer.Option(help="First name shown by /user.")] = "",
    last_name: Annotated[str, typer.Option(help="Last name shown by /user.")] = "",
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Create a user (the password is stored as a salted scrypt hash)."""
    with opened(database) as rt, rt.store.transaction() as conn:
        user = provision.create_user(
            conn, rt.clock, email=email, password=password, first_name=first_name, last_name=last_name
        )
    if as_json:
        _print_json(_user_json(user))
    else:
        _print_fields([("id", user.id), ("email", user.email)])


@user_app.command("list")
def user_list(as_json: JsonOption = False, database: DatabaseOption = None) -> None:
    """List users and how many vehicles each owns."""
    with opened(database) as rt, rt.store.transaction() as conn:
        users = accounts.list_users(conn)
        counts: dict[str | None, int] = {}
        for vehicle in vehicle_repo.list_vehicles(conn):
            counts[vehicle.user_id] = counts.get(vehicle.user_id, 0) + 1
    if as_json:
        _print_json([_user_json(u, counts.get(u.id, 0)) for u in users])
        return
    rows = [
        (u.id, u.email, f"{u.first_name} {u.last_name}".strip(), counts.get(u.id, 0), _date(u.created_at))
        for u in users
    ]
    _print_table(f"{len(users)} user(s)", ("id", "email", "name", "vehicles", "created"), rows)


@user_app.command("delete")
def user_delete(email: Annotated[str, typer.Option(help="The user's email.")], database: DatabaseOption = None) -> None:
    """Delete a user and their tokens; their vehicles stay, without an owner."""
    with opened(database) as rt, rt.store.transaction() as conn:
        user, owned = provision.delete_user(conn, email)
    typer.echo(f"deleted user {user.email} ({user.id}); {owned} vehicle(s) now without an owner")


# -- OAuth2 clients -------------------------------------------------------------------------------


@client_app.command("create")
def client_create(
    name: Annotated[str, typer.Option(help="The application's name.")],
    redirect_uri: Annotated[
        list[str], typer.Option(help="An absolute http(s) URI, without fragment, codes are sent to (repeatable).")
    ],
    public: Annotated[
        bool, typer.Option("--public", help="A public client (mobile, SPA): no secret, PKCE required.")
    ] = False,
    rate_limit: Annotated[
        int | None, typer.Option(help="Requests per window for this client (default: the configured limit).")
    ] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Register an OAuth2 client; a confidential client's secret is printed once, and only its hash kept."""
    with opened(database) as rt, rt.store.transaction() as conn:
        created = provision.create_client(
            conn, rt.clock, name=name, redirect_uris=redirect_uri, public=public, rate_limit=rate_limit
        )
    client = created.client
    if as_json:
        _print_json({**_client_json(client), "client_secret": created.secret})
        return
    fields: list[tuple[str, object]] = [("client_id", client.client_id)]
    if created.secret:
        fields.append(("client_secret", created.secret))
    else:
        fields.append(("client_secret", "none (public client)"))
    fields.append(("redirect_uris", " ".join(client.redirect_uris)))
    _print_fields(fields)
    if created.secret:
        typer.echo("note: the secret is shown only this once; only its hash is stored.", err=True)
    else:
        typer.echo(
            "note: a public client has no secret and must use PKCE "
            "(code_challenge with code_challenge_method=S256 on authorize, code_verifier on token).",
            err=True,
        )


@client_app.command("list")
def client_list(as_json: JsonOption = False, database: DatabaseOption = None) -> None:
    """List OAuth2 clients (secrets are never shown: only their hashes are stored)."""
    with opened(database) as rt, rt.store.transaction() as conn:
        clients = accounts.list_clients(conn)
    if as_json:
        _print_json([_client_json(c) for c in clients])
        return
    rows = [
        (
            c.client_id,
            c.name,
            "public" if c.public else "confidential",
            " ".join(c.redirect_uris),
            c.rate_limit or "default",
            _date(c.created_at),
        )
        for c in clients
    ]
    _print_table(
        f"{len(clients)} client(s)", ("client_id", "name", "type", "redirect URIs", "rate limit", "created"), rows
    )


@client_app.command("delete")
def client_delete(
    client_id: Annotated[str, typer.Option("--client-id", help="The client's client_id.")],
    database: DatabaseOption = None,
) -> None:
    """Delete an OAuth2 client and every token issued to it."""
    with opened(database) as rt, rt.store.transaction() as conn:
        client = provision.delete_client(conn, client_id)
    typer.echo(f"deleted client {client.name!r} ({client.client_id})")


# -- vehicles -------------------------------------------------------------------------------------


@vehicle_app.command("create")
def vehicle_create(
    vin: Annotated[str, typer.Option(help="17 characters, A-Z and 0-9 except I, O and Q.")],
    user: Annotated[str | None, typer.Option("--user", help="The owner's email.")] = None,
    fleet: Annotated[str | None, typer.Option("--fleet", help="Also put the vehicle in this fleet (its id).")] = None,
    brand: Annotated[
        str | None,
        typer.Option(help="peugeot, citroen, ds, opel, vauxhall (or P, C, DS, OP, VX). Default: from the VIN."),
    ] = None,
    model: Annotated[str, typer.Option(help="Model code, as /vehicles shows it.")] = "",
    sub_model: Annotated[str, typer.Option(help="Sub-model code.")] = "",
    engine: Annotated[str, typer.Option(help="Engine code.")] = "",
    gearbox: Annotated[str, typer.Option(help="Gearbox code.")] = "",
    energy: Annotated[str, typer.Option(help="Fuel, Electric or Hybrid.")] = "Fuel",
    device_id: Annotated[str | None, typer.Option(help="The id the vehicle's device reports with.")] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Add a vehicle, owned by a user (--user) and/or in a fleet (--fleet), and print its id."""
    if not user and not fleet:
        fail("name the vehicle's owner (--user EMAIL), its fleet (--fleet ID), or both")
    with opened(database) as rt, rt.store.transaction() as conn:
        if fleet:
            provision.find_fleet(conn, fleet)
        vehicle = provision.create_vehicle(
            conn,
            rt.clock,
            vin=vin,
            owner_email=user,
            brand=brand,
            model=model,
            sub_model=sub_model,
            engine=engine,
            gearbox=gearbox,
            energy=energy,
            device_id=device_id,
        )
        if fleet:
            provision.add_to_fleet(conn, rt.clock, fleet, vehicle_id=vehicle.id)
    if as_json:
        _print_json({**_vehicle_json(vehicle, user.strip().lower() if user else None), "fleet": fleet})
    else:
        fields: list[tuple[str, object]] = [
            ("id", vehicle.id),
            ("vin", vehicle.vin),
            ("brand", vehicle.brand),
            ("energy", vehicle.energy),
        ]
        if fleet:
            fields.append(("fleet", fleet.strip()))
        _print_fields(fields)


@vehicle_app.command("list")
def vehicle_list(
    user: Annotated[str | None, typer.Option("--user", help="Only this owner's vehicles (email).")] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """List vehicles with their ids, VINs and owners."""
    with opened(database) as rt, rt.store.transaction() as conn:
        emails = {u.id: u.email for u in accounts.list_users(conn)}
        if user:
            owner = provision.find_user(conn, user)
            _, found = vehicle_repo.vehicles_of_user(conn, owner.id)
        else:
            found = vehicle_repo.list_vehicles(conn)
    owners = [emails.get(v.user_id) if v.user_id else None for v in found]
    if as_json:
        _print_json([_vehicle_json(v, o) for v, o in zip(found, owners, strict=True)])
        return
    rows = [
        (v.id, v.vin, v.brand, v.model, v.energy, o or "(none)", v.device_id)
        for v, o in zip(found, owners, strict=True)
    ]
    _print_table(f"{len(found)} vehicle(s)", ("id", "vin", "brand", "model", "energy", "owner", "device"), rows)


@vehicle_app.command("delete")
def vehicle_delete(
    vin: Annotated[str | None, typer.Option(help="The vehicle's VIN.")] = None,
    vehicle_id: Annotated[str | None, typer.Option("--id", help="The vehicle's id.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Delete a vehicle (by --vin or --id) and everything it reported."""
    with opened(database) as rt, rt.store.transaction() as conn:
        vehicle = provision.delete_vehicle(conn, vin=vin, vehicle_id=vehicle_id)
    typer.echo(f"deleted vehicle {vehicle.vin} ({vehicle.id})")


@vehicle_app.command("token")
def vehicle_token(
    vin: Annotated[str | None, typer.Option(help="The vehicle's VIN.")] = None,
    vehicle_id: Annotated[str | None, typer.Option("--id", help="The vehicle's id.")] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Give a vehicle (by --vin or --id) a new device token for the native ingest protocol.

    The token is printed once: only its hash is stored. Any previous token of the vehicle stops working.
    """
    with opened(database) as rt, rt.store.transaction() as conn:
        vehicle = provision.find_vehicle(conn, vin=vin, vehicle_id=vehicle_id)
        token = provision.issue_device_token(conn, rt.clock, vehicle.id)
        url = f"{rt.settings.base_url()}{INGEST_PATH}"
    if as_json:
        _print_json({"id": vehicle.id, "vin": vehicle.vin, "device_token": token, "url": url})
        return
    _print_fields([("id", vehicle.id), ("vin", vehicle.vin), ("device_token", token), ("url", url)])
    typer.echo("note: the token is shown only this once; only its hash is stored.", err=True)
    typer.echo(
        f"use: curl -X POST {url} -H 'Authorization: Bearer <device_token>' -H 'Content-Type: application/json' "
        '-d \'{"timestamp": "2026-01-01T08:00:00Z", "position": {"lat": 48.8566, "lon": 2.3522}}\'',
        err=True,
    )


# -- tokens ---------------------------------------------------------------------------------------


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Option(help="The user the token acts for.")],
    client_id: Annotated[str, typer.Option("--client-id", help="The client the token is issued to.")],
    realm: Annotated[str, typer.Option(help="Brand realm: peugeot, citroen, driveds, opel, vauxhall.")] = "peugeot",
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Issue an access and refresh token pair (scope public) without the browser sign-in."""
    with opened(database) as rt, rt.store.transaction() as conn:
        _, client, pair = provision.issue_token(conn, rt.tokens, email=email, client_id=client_id, realm=realm)
    if as_json:
        _print_json(pair.as_json())
        return
    _print_fields(
        [
            ("access_token", pair.access_token),
            ("refresh_token", pair.refresh_token),
            ("expires_in", pair.expires_in),
            ("scope", pair.scope),
        ]
    )
    typer.echo(f"use: Authorization: Bearer <access_token> with ?client_id={client.client_id}", err=True)


# -- fleets ---------------------------------------------------------------------------------------


def _fleet_json(fleet: Fleet, vehicle_count: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": fleet.id,
        "name": fleet.name,
        "client_id": fleet.client_id,
        "username": fleet.username,
        "createdAt": _date(fleet.created_at),
    }
    if vehicle_count is not None:
        body["vehicles"] = vehicle_count
    return body


@fleet_app.command("create")
def fleet_create(
    name: Annotated[str, typer.Option(help="The fleet's name, as GET /fleets shows it.")],
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Create a fleet and print its id, client_id and HTTP Basic credentials (the password only this once)."""
    with opened(database) as rt, rt.store.transaction() as conn:
        created = provision.create_fleet(conn, rt.clock, name=name)
        url = f"{rt.settings.base_url()}/connectedcar/v3/fleets?client_id={created.fleet.client_id}"
    fleet = created.fleet
    if as_json:
        _print_json({**_fleet_json(fleet), "password": created.password, "webhookSecret": fleet.webhook_secret})
        return
    _print_fields(
        [
            ("id", fleet.id),
            ("client_id", fleet.client_id),
            ("username", fleet.username),
            ("password", created.password),
            ("webhook_secret", fleet.webhook_secret or ""),
        ]
    )
    typer.echo("note: the password is shown only this once; only its hash is stored.", err=True)
    typer.echo(f"use: curl -s -u '{fleet.username}:<password>' '{url}'", err=True)


@fleet_app.command("list")
def fleet_list(as_json: JsonOption = False, database: DatabaseOption = None) -> None:
    """List fleets with their client_id, Basic user name and vehicle count (passwords are never shown)."""
    with opened(database) as rt, rt.store.transaction() as conn:
        found = fleet_repo.list_fleets(conn)
        counts = fleet_repo.vehicle_counts(conn)
    if as_json:
        _print_json([_fleet_json(f, counts.get(f.id, 0)) for f in found])
        return
    rows = [(f.id, f.name, f.client_id, f.username, counts.get(f.id, 0), _date(f.created_at)) for f in found]
    _print_table(f"{len(found)} fleet(s)", ("id", "name", "client_id", "username", "vehicles", "created"), rows)


@fleet_app.command("delete")
def fleet_delete(
    fleet_id: Annotated[str, typer.Option("--id", help="The fleet's id.")], database: DatabaseOption = None
) -> None:
    """Delete a fleet; its vehicles stay (in other fleets, and with their owners)."""
    with opened(database) as rt, rt.store.transaction() as conn:
        fleet, count = provision.delete_fleet(conn, fleet_id)
    typer.echo(f"deleted fleet {fleet.name!r} ({fleet.id}); {count} vehicle(s) left it")


@fleet_app.command("add-vehicle")
def fleet_add_vehicle(
    fleet_id: Annotated[str, typer.Option("--id", help="The fleet's id.")],
    vin: Annotated[str | None, typer.Option(help="The vehicle's VIN.")] = None,
    vehicle_id: Annotated[str | None, typer.Option("--vehicle-id", help="The vehicle's id.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Put an existing vehicle (by --vin or --vehicle-id) in a fleet; a vehicle may be in several fleets."""
    with opened(database) as rt, rt.store.transaction() as conn:
        fleet, vehicle = provision.add_to_fleet(conn, rt.clock, fleet_id, vin=vin, vehicle_id=vehicle_id)
    typer.echo(f"vehicle {vehicle.vin} ({vehicle.id}) is in fleet {fleet.name!r} ({fleet.id})")


@fleet_app.command("password")
def fleet_password(
    fleet_id: Annotated[str, typer.Option("--id", help="The fleet's id.")], database: DatabaseOption = None
) -> None:
    """Give a fleet a new Basic password, printed once; the previous one stops working."""
    with opened(database) as rt, rt.store.transaction() as conn:
        password = provision.reset_fleet_password(conn, rt.clock, fleet_id)
    typer.echo(f"password: {password}")
    typer.echo("note: the password is shown only this once; only its hash is stored.", err=True)
