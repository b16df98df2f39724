"""Serving: the HTTP API and the OsmAnd / Traccar Client port in one event loop, the report processor
in its thread, and any background task (the demo's simulator); all stop together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Sequence
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from connectedcar.runtime import Runtime

log = logging.getLogger("connectedcar")


def _server(app: ASGIApp, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, lifespan="off")
    return uvicorn.Server(config)


async def serve(
    runtime: Runtime,
    api: ASGIApp,
    osmand: ASGIApp | None = None,
    background: Sequence[Coroutine[Any, Any, None]] = (),
) -> None:
    settings = runtime.settings
    servers = [_server(api, settings.host, settings.port)]
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
