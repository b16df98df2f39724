"""The pipeline's per-vehicle state, kept in memory while running and here so a restart resumes it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select

from connectedcar.store.database import upsert
from connectedcar.store.tables import vehicle_states


def load(conn: Connection, vehicle_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    wanted = list(vehicle_ids)
    if not wanted:
        return {}
    rows = conn.execute(select(vehicle_states).where(vehicle_states.c.vehicle_id.in_(wanted)))
    return {row.vehicle_id: row.state for row in rows}


def save(conn: Connection, states: Mapping[str, dict[str, Any]], now_ms: int) -> None:
    rows = [{"vehicle_id": vid, "state": state, "updated_at": now_ms} for vid, state in states.items()]
    upsert(conn, vehicle_states, rows, "vehicle_id")
