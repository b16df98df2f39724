"""Options and helpers shared by the command-line modules (cli, admin)."""

from __future__ import annotations

from typing import Annotated

import typer

from connectedcar.config import Settings

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
