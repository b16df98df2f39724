"""The command channel of simulated vehicles running in the platform's own process (the demo): the same
RemoteService calls the ingest endpoints make, without HTTP."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection

from connectedcar.domain.clock import Clock
from connectedcar.remote.service import CommandError, RemoteService
from connectedcar.store.store import Store

log = logging.getLogger("connectedcar.remote")


class InProcessCommandChannel:
    def __init__(self, store: Store, clock: Clock, service: RemoteService, wake: Callable[[], None]) -> None:
        self.store = store
        self.clock = clock
        self.service = service
        self.wake = wake

    def _now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    async def fetch(self, vehicle_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        wanted = [v for v in vehicle_ids if self.service.has_commands(v)]
        if not wanted:
            return {}
        now_ms = self._now_ms()

        def take(conn: Connection) -> dict[str, list[dict[str, Any]]]:
            return {v: self.service.fetch(conn, v, now_ms) for v in wanted}

        taken = await self.store.run(take)
        self.wake()
        return {v: commands for v, commands in taken.items() if commands}

    async def report(self, vehicle_id: str, command_id: str, result: dict[str, Any]) -> None:
        now_ms = self._now_ms()
        try:
            await self.store.run(lambda conn: self.service.result(conn, vehicle_id, command_id, result, now_ms))
        except CommandError as exc:
            log.warning("vehicle %s sent a result the platform refuses: %s", vehicle_id, exc)
        self.wake()
