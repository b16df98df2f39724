"""Engine creation: SQLite in WAL mode by default, PostgreSQL through psycopg."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url


def normalize_url(url: str) -> str:
    """Let users write postgresql:// and get the psycopg 3 driver."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def is_sqlite(url: str) -> bool:
    return make_url(normalize_url(url)).get_backend_name() == "sqlite"


def create_store_engine(url: str) -> Engine:
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=max(8, (os.cpu_count() or 2) * 4),
            max_overflow=16,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _insert(conn: Connection, table: Table) -> Any:
    """INSERT with ON CONFLICT support: ingest is at-least-once, so every write here is idempotent."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert_new(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows, skipping those whose key is already there (a report delivered twice)."""
    if rows:
        conn.execute(_insert(conn, table).on_conflict_do_nothing(), rows)


def upsert(conn: Connection, table: Table, rows: list[dict[str, Any]], key: str, keep: tuple[str, ...] = ()) -> None:
    """Insert rows, or update every column but the key and `keep` where the key exists."""
    if not rows:
        return
    # One batch can carry the same key twice (a trip's start and its stop): the last one wins.
    # PostgreSQL refuses to update one row twice in a statement, so collapse them first.
    rows = list({row[key]: row for row in rows}.values())
    statement = _insert(conn, table)
    changed = {c: statement.excluded[c] for c in rows[0] if c != key and c not in keep}
    conn.execute(statement.on_conflict_do_update(index_elements=[key], set_=changed), rows)
