"""Identifiers shaped like the real API's: 32-hex vehicle ids, ACNT user ids, composite child ids."""

from __future__ import annotations

import secrets
from datetime import datetime


def new_vehicle_id() -> str:
    return secrets.token_hex(16).upper()


def new_user_id() -> str:
    return "ACNT" + "".join(secrets.choice("0123456789") for _ in range(12))


def new_client_id() -> str:
    # A UUID-like shape, as the real developer portal hands out.
    raw = secrets.token_hex(16)
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


def position_id(vehicle_id: str, session: int, when: datetime) -> str:
    """25D3...F0-909839383-20170614071034, as seed 000 shows."""
    return f"{vehicle_id}-{session}-{when.strftime('%Y%m%d%H%M%S')}"


def trip_id(vehicle_id: str, session: int, seq: int) -> str:
    return f"{vehicle_id}-{session}-{seq}"


def new_fleet_id() -> str:
    """24 lowercase hex digits, as the fleet specs' example (0a123bc5d1e873066454b4d9)."""
    return secrets.token_hex(12)


def new_monitor_id() -> str:
    """32 lowercase hex digits."""
    return secrets.token_hex(16)


def new_callback_id() -> str:
    """A remote callback's id: 32 lowercase hex digits."""
    return secrets.token_hex(16)


def new_remote_action_id() -> str:
    """A remote action's id: 32 lowercase hex digits."""
    return secrets.token_hex(16)


def new_fleet_username() -> str:
    return "fleet-" + secrets.token_hex(6)
