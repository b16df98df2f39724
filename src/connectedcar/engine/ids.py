"""Ids of the rows the pipeline writes: stable functions of the vehicle, its session and the time.

Stable ids make reprocessing idempotent: the same report always yields the same row ids.
"""

from __future__ import annotations

from zlib import crc32

from connectedcar.domain import ids


def session_of(vehicle_id: str) -> int:
    """A stable 9-digit number per vehicle: the middle part of seed 000's ids (909839383)."""
    return crc32(vehicle_id.encode()) % 1_000_000_000


def position_id(vehicle_id: str, session: int, stamp: str, at_ms: int) -> str:
    """domain.ids.position_id's shape; the milliseconds are appended when the fix is not on a whole second,
    so two fixes within one second never share an id."""
    ms = at_ms % 1000
    base = f"{vehicle_id}-{session}-{stamp}"
    return base if ms == 0 else f"{base}-{ms:03d}"


def telemetry_id(vehicle_id: str, session: int, stamp: str, at_ms: int) -> str:
    """25D3...FE-909839383-20170614070933-39 (seed 000); n is the millisecond within the second."""
    return f"{vehicle_id}-{session}-{stamp}-{at_ms % 1000}"


def trip_id(vehicle_id: str, session: int, seq: int) -> str:
    return ids.trip_id(vehicle_id, session, seq)


def alert_id(vehicle_id: str, at_ms: int, alert_type: str) -> str:
    return f"{vehicle_id}-alert-{at_ms}-{alert_type}"


def collision_id(vehicle_id: str, at_ms: int) -> str:
    return f"{vehicle_id}-collision-{at_ms}"


def fuel_event_id(vehicle_id: str, kind: str, at_ms: int) -> str:
    """REFUEL -> VID-refuel-<ms>, FUEL_STOLEN -> VID-fuelstolen-<ms>."""
    return f"{vehicle_id}-{kind.replace('_', '').lower()}-{at_ms}"
