from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectedcar.store.store import Store
from tests.support import database


@pytest.fixture
def store_url(backend: str, tmp_path: Path) -> Iterator[str]:
    with database(backend, tmp_path) as url:
        yield url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store.open(store_url)
    yield opened
    opened.close()
