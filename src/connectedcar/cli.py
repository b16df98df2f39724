"""The command line: serve, demo and admin."""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any

import typer

from connectedcar import admin, certs, logs, provision, server, simulation
from connectedcar import demo as demo_account
from connectedcar.api.app import create_app
from connectedcar.cli_options import DatabaseOption, settings_with
from connectedcar.domain.clock import SystemClock
from connectedcar.ingest.http_osmand import create_osmand_app
from connectedcar.remote.channel import InProcessCommandChannel
from connectedcar.runtime import build_runtime
from connectedcar.simulator import runner
from connectedcar.simulator.commands import HttpCommandChannel
from connectedcar.simulator.events import EventRates
from connectedcar.simulator.fleet import Fleet
from connectedcar.simulator.runner import RunStats
from connectedcar.simulator.sinks import CallbackSink, HttpSink, IngestRejected

__all__ = ["DatabaseOption", "app", "main", "settings_with"]

app = typer.Typer(help="connectedcar: a self-hosted Connected Car platform.", no_args_is_help=True)
app.add_typer(admin.app, name="admin")
admin.app.command("certs")(certs.command)
log = logging.getLogger("connectedcar")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    osmand_port: Annotated[
        int | None, typer.Option(help="Port of the OsmAnd / Traccar Client protocol (default 5055; 0: off).")
    ] = None,
    tls_cert: Annotated[
        str | None, typer.Option(help="PEM certificate of the API: serve HTTPS (with --tls-key).")
    ] = None,
    tls_key: Annotated[str | None, typer.Option(help="PEM private key of --tls-cert.")] = None,
    tls_client_ca: Annotated[
        str | None, typer.Option(help="PEM CA: require client certificates it signed (mutual TLS).")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Run the platform: the HTTP API, the OsmAnd port and the report processor (migrating the database first).

    With --tls-cert and --tls-key the API is served over HTTPS; with --tls-client-ca too, clients must
    present a certificate signed by that CA (`connectedcar admin certs` issues a local set).
    """
    settings = settings_with(
        database,
        host=host,
        port=port,
        osmand_port=osmand_port,
        tls_cert_file=tls_cert,
        tls_key_file=tls_key,
        tls_client_ca_file=tls_client_ca,
    )
    problem = server.tls_problem(settings)
    if problem:
        admin.fail(problem)
    logs.configure(settings.log_level, settings.log_format)
    runtime = build_runtime(settings)
    log.info(
        "serving",
        extra={
            "url": settings.base_url(),
            "tls": ("mutual" if settings.tls_client_ca_file else "on") if settings.tls else "off",
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
    vehicles: Annotated[
        int, typer.Option(min=1, max=100_000, help="Simulated vehicles.")
    ] = demo_account.DEFAULT_VEHICLES,
    speed: Annotated[
        float, typer.Option(min=1, max=3600, help="Simulated seconds per real second (60: a minute a second).")
    ] = 60.0,
    seed: Annotated[int, typer.Option(help="Seed of the simulated fleet: the same seed, the same fleet.")] = (
        demo_account.DEFAULT_SEED
    ),
    osmand_port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port of the OsmAnd / Traccar Client protocol (0: off).")
    ] = 5055,
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
    """Start the platform with a simulated fleet: a demo account, its vehicles driving around Paris, the API."""
    url = database or demo_account.DEFAULT_DATABASE
    clock = simulation.demo_clock(speed)
    # The demo's clock runs `speed` times faster: tokens are scaled so that they last an hour of real time.
    ttl = int(3600 * speed)
    # A developer's webhook receiver usually runs on the same machine: let monitors post to loopback.
    with admin.opened(
        url,
        clock=clock,
        port=port,
        osmand_port=osmand_port,
        access_token_ttl_seconds=ttl,
        webhook_allow_private=True,
    ) as runtime:
        settings = runtime.settings
        for taken in (settings.port, settings.osmand_port):
            problem = taken and _port_problem(settings.host, taken)
            if problem:
                admin.fail(problem)
        specs = demo_account.fleet(vehicles, seed)
        try:
            account = demo_account.bootstrap(runtime, credentials, specs)
        except OSError as exc:
            admin.fail(f"cannot write {credentials}: {exc.strerror}")
        _print_demo(account, credentials, url)
        start = simulation.started_at(clock)
        typer.echo(
            f"# Simulating {vehicles} vehicles from {start:%a %d %b %H:%M} Paris time, {speed:g}x faster than real "
            f"time ({speed / 60:g} simulated minutes per second)."
        )
        if settings.osmand_port:
            typer.echo(
                "# Your phone as a vehicle: register it, then point Traccar Client (or OsmAnd) at "
                f"http://<this machine>:{settings.osmand_port} with device identifier my-phone\n"
                f"connectedcar admin vehicle create --vin VF3PH0NE000000001 --user {account.email} "
                f"--device-id my-phone --database {url}"
                + (
                    "\n# (at --speed other than 1 the demo's clock is not the phone's: run it with --speed 1)"
                    if speed != 1
                    else ""
                )
            )
        logs.configure(settings.log_level, settings.log_format)
        api = create_app(runtime)
        loopback = settings.host in ("127.0.0.1", "localhost", "::1")
        api.include_router(
            demo_account.callback_router(
                account, show_secret=loopback, code_ttl_seconds=settings.authorization_code_ttl_seconds
            )
        )
        fleet = Fleet(seed, demo_account.simulated(specs, account), rates=EventRates.lively())
        # Remote actions reach the simulated vehicles, and their results come back, in process.
        commands = InProcessCommandChannel(runtime.store, clock, runtime.remotes, runtime.delivery.wake)
        driving = runner.run(
            fleet,
            CallbackSink(runtime.bus.publish),
            clock,
            speed=speed,
            on_step=simulation.progress_reporter(runtime),
            commands=commands,
        )
        log.info("serving", extra={"url": account.base_url, "database": account.database_url})
        asyncio.run(
            server.serve(runtime, api, create_osmand_app(runtime) if settings.osmand_port else None, [_quiet(driving)])
        )


async def _quiet(job: Coroutine[Any, Any, object]) -> None:
    """Run a background job; log if it fails, so that a crash is seen, not swallowed."""
    try:
        await job
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("the simulator stopped")


@app.command()
def simulate(
    target: Annotated[str, typer.Option(help="Base URL of the platform to drive, e.g. http://127.0.0.1:8080.")],
    vehicles: Annotated[int, typer.Option(min=1, max=100_000, help="Simulated vehicles.")] = 20,
    user: Annotated[str, typer.Option(help="Email of the target platform's user who owns the vehicles.")] = (
        demo_account.DEMO_EMAIL
    ),
    seed: Annotated[int, typer.Option(help="Seed of the simulated fleet.")] = demo_account.DEFAULT_SEED,
    duration: Annotated[
        float | None, typer.Option(help="Stop after this many seconds (default: run until Ctrl+C).")
    ] = (None),
    database: DatabaseOption = None,
) -> None:
    """Drive a platform over the native ingest protocol, in real time, as a fleet of real vehicles would.

    The vehicles are registered (once) for --user in the target's database (--database or
    CONNECTEDCAR_DATABASE_URL), each with a fresh device token; then every report goes over HTTP.
    """
    logs.configure("INFO", "console")
    with admin.opened(database) as runtime:
        specs, tokens = simulation.provision_remote(runtime, provision.normalize_email(user), vehicles, seed)
    typer.echo(f"driving {len(specs)} vehicles of {user} on {target} in real time; Ctrl+C to stop")

    async def drive() -> RunStats:
        async with HttpSink(target, tokens) as sink, HttpCommandChannel(target, tokens) as commands:
            return await runner.run(
                Fleet(seed, specs),
                sink,
                SystemClock(),
                speed=1.0,
                duration_s=duration,
                on_step=_remote_progress(),
                commands=commands,
            )

    try:
        stats = asyncio.run(drive())
    except KeyboardInterrupt:
        typer.echo("stopped")
        return
    except IngestRejected as exc:
        admin.fail(f"the platform refused reports: {exc}")
    typer.echo(f"sent {stats.reports} reports in {stats.steps} steps over {stats.simulated_s:.0f} s")


def _remote_progress() -> Callable[[RunStats], None]:
    last = [0.0]

    def report(stats: RunStats) -> None:
        if time.monotonic() - last[0] >= 10:
            last[0] = time.monotonic()
            log.info("%d driving, %d reports sent", stats.driving, stats.reports)

    return report


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


@app.command()
def listen(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 9000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    secret: Annotated[
        str | None, typer.Option(help="The fleet's webhook secret (whsec_...): check every signature.")
    ] = None,
    status: Annotated[int, typer.Option(min=200, max=599, help="The status to answer (500: watch retries).")] = 200,
) -> None:
    """A webhook receiver for development: print every event the platform posts, checking its signature."""
    from connectedcar import receiver

    receiver.listen(host, port, secret, status, lambda line: typer.echo(line))
