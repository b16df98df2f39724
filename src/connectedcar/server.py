"""Serving: the HTTP API and the OsmAnd / Traccar Client port in one event loop, the report processor
in its thread, and any background task (the demo's simulator); all stop together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Coroutine, Sequence
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from connectedcar.config import Settings
from connectedcar.runtime import Runtime

log = logging.getLogger("connectedcar")


def tls_options(settings: Settings) -> dict[str, Any]:
    """uvicorn.Config's ssl_* arguments for the HTTP API: none (plain HTTP), TLS, or TLS that requires a
    client certificate signed by tls_client_ca_file (mutual TLS)."""
    if not settings.tls:
        return {}
    options: dict[str, Any] = {"ssl_certfile": settings.tls_cert_file, "ssl_keyfile": settings.tls_key_file}
    if settings.tls_client_ca_file:
        options |= {"ssl_ca_certs": settings.tls_client_ca_file, "ssl_cert_reqs": ssl.CERT_REQUIRED}
    return options


def tls_problem(settings: Settings) -> str | None:
    """What is wrong with the TLS settings (half set, unreadable or unusable files), checked before serving."""
    cert, key, client_ca = settings.tls_cert_file, settings.tls_key_file, settings.tls_client_ca_file
    if bool(cert) != bool(key):
        return "TLS needs both a certificate and its key (--tls-cert and --tls-key)"
    if client_ca and not cert:
        return "a client CA (--tls-client-ca) needs TLS: give --tls-cert and --tls-key too"
    if not cert:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        return f"cannot use the TLS certificate {cert} with key {key}: {exc.strerror or exc}"
    if client_ca:
        try:
            context.load_verify_locations(cafile=client_ca)
        except (OSError, ssl.SSLError) as exc:
            return f"cannot use the client CA {client_ca}: {exc.strerror or exc}"
    return None


def _server(app: ASGIApp, host: str, port: int, **options: Any) -> uvicorn.Server:
    config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, lifespan="off", **options)
    return uvicorn.Server(config)


async def serve(
    runtime: Runtime,
    api: ASGIApp,
    osmand: ASGIApp | None = None,
    background: Sequence[Coroutine[Any, Any, None]] = (),
) -> None:
    settings = runtime.settings
    servers = [_server(api, settings.host, settings.port, **tls_options(settings))]
    if osmand is not None and settings.osmand_port:
        servers.append(_server(osmand, settings.host, settings.osmand_port))
    runtime.start()
    tasks = [asyncio.create_task(s.serve()) for s in servers]
    extras = [asyncio.create_task(job) for job in background]
    try:
        # Each uvicorn server handles Ctrl+C for itself; when one stops, the others follow.
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for server in servers:
            server.should_exit = True
        for job in extras:
            job.cancel()
        for job in extras:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await job
        await asyncio.gather(*tasks, return_exceptions=True)
        runtime.close()
