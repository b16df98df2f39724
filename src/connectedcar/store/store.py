"""The store handle the rest of the platform holds: an engine, transactions, and async access."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import anyio.to_thread
from sqlalchemy import Connection, Engine

from connectedcar.store import migrate
from connectedcar.store.database import create_store_engine

T = TypeVar("T")


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # SQLite answers a point query in microseconds from the page cache: a thread hop would cost
        # more than the query. A server database is reached over a socket, so it leaves the event loop.
        self.inline = engine.dialect.name == "sqlite"

    @classmethod
    def open(cls, url: str, *, migrate_schema: bool = True) -> Store:
        store = cls(create_store_engine(url))
        if migrate_schema:
            migrate.upgrade(store.engine)
        return store

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction, committed when the block ends and rolled back if it raises."""
        with self.engine.begin() as conn:
            yield conn

    def call(self, fn: Callable[[Connection], T]) -> T:
        with self.engine.begin() as conn:
            return fn(conn)

    async def run(self, fn: Callable[[Connection], T]) -> T:
        """Run fn(conn) in one transaction from async code."""
        if self.inline:
            return self.call(fn)
        return await anyio.to_thread.run_sync(self.call, fn)

    def close(self) -> None:
        self.engine.dispose()
