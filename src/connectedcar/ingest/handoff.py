"""Where decoded reports go: the runtime's bus, with back-pressure when the processor is behind."""

from __future__ import annotations

from collections.abc import Sequence

from connectedcar.api.errors import ServiceUnavailable
from connectedcar.bus.inprocess import BusFull
from connectedcar.domain.reports import Report
from connectedcar.runtime import Runtime


async def publish(runtime: Runtime, reports: Sequence[Report]) -> None:
    """Hand reports to the bus; a full bus is a 503 with Retry-After, so devices send them again."""
    try:
        await runtime.bus.publish(reports)
    except BusFull as exc:
        raise ServiceUnavailable(
            f"Too many reports waiting to be processed ({exc}); retry shortly", headers={"Retry-After": "1"}
        ) from None
