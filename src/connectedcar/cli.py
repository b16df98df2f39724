"""The command line: serve, demo and admin."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
import uvicorn

from connectedcar import logs
from connectedcar.api.app import create_app
from connectedcar.config import Settings
from connectedcar.runtime import build_runtime

app = typer.Typer(help="connectedcar: a self-hosted Connected Car platform.", no_args_is_help=True)
log = logging.getLogger("connectedcar")

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database", help="SQLAlchemy URL (default: CONNECTEDCAR_DATABASE_URL or sqlite:///var/connectedcar.db)."
    ),
]


def settings_with(database: str | None = None, **overrides: object) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    if database:
        values["database_url"] = database
    return Settings(**values)  # type: ignore[arg-type]


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Run the platform's HTTP API (migrating the database first)."""
    settings = settings_with(database, host=host, port=port)
    logs.configure(settings.log_level, settings.log_format)
    runtime = build_runtime(settings)
    log.info("serving", extra={"url": settings.base_url(), "database": runtime.store.engine.url.render_as_string()})
    try:
        uvicorn.run(
            create_app(runtime),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            lifespan="off",
        )
    finally:
        runtime.close()


def main() -> None:
    app()
