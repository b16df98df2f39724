"""The bus seam: adapters publish reports; one consumer takes them per vehicle, in order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from connectedcar.domain.reports import Report


class Bus(Protocol):
    async def publish(self, reports: Sequence[Report]) -> None:
        """Accept reports for processing. Once this returns, they are the bus's to deliver."""
        ...


class Consumer(Protocol):
    def take(self, timeout_s: float) -> dict[str, list[Report]]:
        """Reports ready for processing, per vehicle, each vehicle's in timestamp order. Blocks up to
        timeout_s when nothing is ready; returns {} then."""
        ...
