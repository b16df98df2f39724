from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from connectedcar.store import migrate
from connectedcar.store.database import create_store_engine
from connectedcar.store.store import Store
from connectedcar.store.tables import metadata


def test_migrations_build_exactly_the_declared_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == [], f"tables.py and the migrations disagree: {diff}"


def test_downgrade_to_base_and_upgrade_again(store_url: str) -> None:
    engine = create_store_engine(store_url)
    try:
        migrate.upgrade(engine)
        assert "vehicles" in inspect(engine).get_table_names()
        migrate.downgrade(engine, "base")
        assert "vehicles" not in inspect(engine).get_table_names()
        migrate.upgrade(engine)
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_is_idempotent(store_url: str) -> None:
    engine = create_store_engine(store_url)
    try:
        migrate.upgrade(engine)
        migrate.upgrade(engine)
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode(store: Store) -> None:
    if store.engine.dialect.name != "sqlite":
        return
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
