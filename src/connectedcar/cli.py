"""The command line: serve, demo and admin."""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from connectedcar import admin, logs, server
from connectedcar import demo as demo_account
from connectedcar.api.app import create_app
from connectedcar.cli_options import DatabaseOption, settings_with
from connectedcar.ingest.http_osmand import create_osmand_app
from connectedcar.runtime import build_runtime

__all__ = ["DatabaseOption", "app", "main", "settings_with"]

app = typer.Typer(help="connectedcar: a self-hosted Connected Car platform.", no_args_is_help=True)
app.add_typer(admin.app, name="admin")
log = logging.getLogger("connectedcar")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    osmand_port: Annotated[
        int | None, typer.Option(help="Port of the OsmAnd / Traccar Client protocol (default 5055; 0: off).")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Run the platform: the HTTP API, the OsmAnd port and the report processor (migrating the database first)."""
    settings = settings_with(database, host=host, port=port, osmand_port=osmand_port)
    logs.configure(settings.log_level, settings.log_format)
    runtime = build_runtime(settings)
    log.info(
        "serving",
        extra={
            "url": settings.base_url(),
            "osmand": f"{settings.host}:{settings.osmand_port}" if settings.osmand_port else "off",
            "database": runtime.store.engine.url.render_as_string(),
        },
    )
    asyncio.run(server.serve(runtime, create_app(runtime), create_osmand_app(runtime)))


def _port_problem(host: str, port: int) -> str | None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use; pick another with --port"
            return f"cannot listen on {host}:{port}: {exc.strerror}"
    return None


@app.command()
def demo(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve the API on.")] = 8080,
    credentials: Annotated[
        Path, typer.Option(help="Where to write the demo's credentials (JSON, mode 600).")
    ] = demo_account.DEFAULT_CREDENTIALS,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help=f"SQLAlchemy URL (default: {demo_account.DEFAULT_DATABASE}; CONNECTEDCAR_DATABASE_URL is "
            "not used, so the demo never writes into your real database by accident).",
        ),
    ] = None,
) -> None:
    """Create (or reuse) a demo account, print ready-to-paste commands, and serve the API."""
    url = database or demo_account.DEFAULT_DATABASE
    with admin.opened(url, port=port) as runtime:
        settings = runtime.settings
        problem = _port_problem(settings.host, settings.port)
        if problem:
            admin.fail(problem)
        try:
            account = demo_account.bootstrap(runtime, credentials)
        except OSError as exc:
            admin.fail(f"cannot write {credentials}: {exc.strerror}")
        _print_demo(account, credentials, url)
        logs.configure(settings.log_level, settings.log_format)
        api = create_app(runtime)
        loopback = settings.host in ("127.0.0.1", "localhost", "::1")
        api.include_router(
            demo_account.callback_router(
                account, show_secret=loopback, code_ttl_seconds=settings.authorization_code_ttl_seconds
            )
        )
        log.info("serving", extra={"url": account.base_url, "database": account.database_url})
        uvicorn.run(api, host=settings.host, port=settings.port, log_config=None, access_log=False, lifespan="off")


def _print_demo(account: demo_account.DemoCredentials, path: Path, database: str) -> None:
    echo = typer.echo
    echo(f"connectedcar demo on {account.base_url}  (database {account.database_url})")
    for change in account.changes:
        echo(f"  - {change}")
    echo("")
    echo(f"user           {account.email}  password {account.password}")
    echo(f"client_id      {account.client_id}")
    echo(f"client_secret  {account.client_secret}")
    for vehicle in account.vehicles:
        echo(f"vehicle        {vehicle['id']}  {vehicle['vin']}  brand {vehicle['brand']}  {vehicle['energy']}")
    echo(f"access_token   {account.access_token}  (expires in {account.expires_in} s)")
    echo(f"credentials    {path.resolve()}  (mode 600)")
    echo("")
    for title, command in demo_account.commands(account):
        echo(f"# {title}")
        echo(command)
        echo("")
    echo(f"# Manage the demo data: connectedcar admin vehicle list --database {database}")
    echo(f"# API docs: {account.base_url}/connectedcar/v2/docs    Stop with Ctrl+C.")
    echo("")


def main() -> None:
    app()
