"""JSON that refuses duplicate keys in any object (a parsed dict cannot show them: the last one would
silently win), naming the JSON path of the first one found. Seed 001's monitor example has them."""

from __future__ import annotations

import json
from typing import Any


class DuplicateKey(ValueError):
    def __init__(self, path: str, key: str) -> None:
        super().__init__(f"{path}: duplicate key {key!r} in one object")
        self.path = path
        self.key = key


class _PairsChecked(dict[str, Any]):
    """A JSON object that remembers the keys it saw more than once (the path is only known later)."""

    duplicates: list[str]

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        seen: set[str] = set()
        self.duplicates = []
        for key, _ in pairs:
            if key in seen and key not in self.duplicates:
                self.duplicates.append(key)
            seen.add(key)


def loads_strict(raw: bytes | bytearray | str) -> Any:
    """Parse JSON; raises DuplicateKey, or ValueError for anything that is not JSON."""
    value = json.loads(raw, object_pairs_hook=_PairsChecked)
    _check(value, "")
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _check(value: Any, path: str) -> None:
    if isinstance(value, _PairsChecked):
        if value.duplicates:
            key = value.duplicates[0]
            raise DuplicateKey(_join(path, key), key)
        for key, item in value.items():
            _check(item, _join(path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
