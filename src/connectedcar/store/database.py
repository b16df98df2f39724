"""Engine creation: SQLite in WAL mode by default, PostgreSQL through psycopg."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
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
            json_serializer=_dumps,
            json_deserializer=orjson.loads,
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
    return create_engine(
        url, pool_size=10, max_overflow=20, pool_pre_ping=True, json_serializer=_dumps, json_deserializer=orjson.loads
    )


def _dumps(value: Any) -> str:
    # orjson: several times faster than the json module SQLAlchemy uses by default
    return orjson.dumps(value).decode()


def _insert(conn: Connection, table: Table) -> Any:
    """INSERT with ON CONFLICT support: ingest is at-least-once, so every write here is idempotent."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert_new(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows, skipping those whose key is already there (a report delivered twice)."""
    if rows:
        conn.execute(_insert(conn, table).on_conflict_do_nothing(), rows)


def upsert(
    conn: Connection, table: Table, rows: list[dict[str, Any]], key: str | tuple[str, ...], keep: tuple[str, ...] = ()
) -> None:
    """Insert rows, or update every column but the key (one column or several) and `keep` where it exists."""
    if not rows:
        return
    keys = (key,) if isinstance(key, str) else key
    # One batch can carry the same key twice (a trip's start and its stop): the last one wins.
    # PostgreSQL refuses to update one row twice in a statement, so collapse them first.
    rows = list({tuple(row[k] for k in keys): row for row in rows}.values())
    statement = _insert(conn, table)
    changed = {c: statement.excluded[c] for c in rows[0] if c not in keys and c not in keep}
    conn.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changed), rows)


_BULK_SQL: dict[tuple[str, tuple[str, ...], str], str] = {}


def json_text(value: Any) -> str | None:
    """A JSON column's value as the driver takes it (for bulk_insert_new)."""
    return None if value is None else orjson.dumps(value).decode()


def bulk_insert_new(conn: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """insert_new for the high-volume history tables (positions, telemetry): one executemany at the driver,
    without SQLAlchemy's per-row parameter processing, which costs more than SQLite's own insert. Values
    must be what the driver takes: JSON columns through json_text. ON CONFLICT DO NOTHING is the same
    statement on SQLite and PostgreSQL; only the placeholders differ."""
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    key = (table.name, columns, mark)
    sql = _BULK_SQL.get(key)
    if sql is None:
        known = set(table.columns.keys())
        if not set(columns) <= known:
            raise ValueError(f"unknown columns for {table.name}: {set(columns) - known}")
        sql = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))}) "
            "ON CONFLICT DO NOTHING"
        )
        _BULK_SQL[key] = sql
    conn.exec_driver_sql(sql, rows)
