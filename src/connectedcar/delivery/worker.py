"""The delivery worker: posts the outbox's events to their webhooks, batched and retried as each
subscription asks, and records every attempt.

Runs on its own thread with its own event loop (requests go out concurrently, up to `concurrency`).
Each round it reads the oldest pending events and plans, per batch key (a monitor, or a monitor and a
vehicle when its webhook names the vehicle; a remote callback likewise):
- a key with a request in flight waits for it: events of one key are posted in order, one request at
  a time, so a receiver sees them in the order they happened;
- a key whose oldest event already belongs to a message (it was tried, and failed) re-posts that very
  message (same webhook-id, same body) when its retry falls due, and nothing after it goes first;
- otherwise its oldest events become a new message when there are `batchNotify.size` of them or when
  `timeWindow` seconds have passed since the first one (without batchNotify: one event a request).
  The message id is written to the events before the first attempt, so after a crash (kill -9 in
  mid-request included) the same message is posted again: delivery is at least once, and receivers
  de-duplicate on webhook-id or on each event's eventId.
After each attempt: delivered, or retried at the time the retry policy gives (policy.next_attempt_at),
or given up (policy spent, a final refusal, or the event's three days of retention over).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace

import httpx
from sqlalchemy import Connection

from connectedcar.delivery.payloads import Message, VehicleContext, assemble, message_id, placeholder_context
from connectedcar.delivery.policy import MAX_BATCH_SIZE, RETENTION_MS, next_attempt_at
from connectedcar.delivery.sender import Attempt, send
from connectedcar.delivery.subscription import Subscription, SubscriptionSource
from connectedcar.delivery.webhook import Resolver, system_resolve
from connectedcar.domain.clock import Clock
from connectedcar.engine.remotes.model import RemotePlaceholderContext
from connectedcar.store import outbox
from connectedcar.store.outbox import AttemptRecord, PendingRow
from connectedcar.store.store import Store

log = logging.getLogger("connectedcar.delivery")

HOUSEKEEPING_INTERVAL_S = 60.0


@dataclass
class DeliveryStats:
    messages: int = 0
    delivered: int = 0
    events_delivered: int = 0
    retried: int = 0
    given_up: int = 0


class DeliveryWorker:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        sources: Mapping[str, SubscriptionSource],
        *,
        timeout_s: float = 10.0,
        concurrency: int = 16,
        allow_private: bool = False,
        resolve: Resolver = system_resolve,
        poll_s: float = 0.25,
        scan_limit: int = 500,
    ) -> None:
        self.store = store
        self.clock = clock
        self.sources = dict(sources)
        self.timeout_s = timeout_s
        self.concurrency = concurrency
        self.allow_private = allow_private
        self.resolve = resolve
        self.poll_s = poll_s
        self.scan_limit = scan_limit
        self.stats = DeliveryStats()
        self._in_flight: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._stopping = threading.Event()
        self._started = threading.Event()
        self._last_housekeeping = 0.0

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self._started.clear()
        self._thread = threading.Thread(target=self._run, name="delivery-worker", daemon=True)
        self._thread.start()
        self._started.wait(timeout=10)

    def wake(self) -> None:
        """Something was queued: plan a round now rather than at the next poll."""
        loop, wakeup = self._loop, self._wakeup
        if loop is not None and wakeup is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(wakeup.set)

    def stop(self, timeout_s: float = 15.0) -> None:
        """Stop planning, let requests in flight finish (bounded by their timeout), stop the thread."""
        self._stopping.set()
        self.wake()
        if self._thread is not None:
            self._thread.join(timeout=timeout_s)
            self._thread = None

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()
        self._started.set()
        limits = httpx.Limits(max_connections=self.concurrency * 2, max_keepalive_connections=self.concurrency)
        # TCP_NODELAY: a request goes out as headers then body; without it, Nagle's algorithm holds the
        # body until the receiver's delayed ACK of the headers (40 ms on Linux), per request.
        transport = httpx.AsyncHTTPTransport(
            limits=limits, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        )
        async with httpx.AsyncClient(transport=transport, trust_env=False) as client:
            while not self._stopping.is_set():
                try:
                    await self._round(client)
                except Exception:  # the worker must outlive any one failure (a database hiccup)
                    log.exception("delivery round failed")
                    await asyncio.sleep(1.0)
                self._wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=self.poll_s)
            if self._tasks:
                await asyncio.wait(self._tasks, timeout=self.timeout_s + 1)

    # -- planning ----------------------------------------------------------------------------------

    def _now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    async def _round(self, client: httpx.AsyncClient) -> None:
        if time.monotonic() - self._last_housekeeping >= HOUSEKEEPING_INTERVAL_S:
            self._last_housekeeping = time.monotonic()
            await asyncio.to_thread(self.housekeeping)
        capacity = self.concurrency - len(self._in_flight)
        if capacity <= 0:
            return
        planned = await asyncio.to_thread(self._plan_round, sorted(self._in_flight), capacity, self._now_ms())
        for key, subscription, message_rows in planned:
            self._in_flight.add(key)
            task = asyncio.create_task(self._deliver(client, key, subscription, message_rows))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _plan_round(
        self, excluded: list[str], capacity: int, now_ms: int
    ) -> list[tuple[str, Subscription, list[PendingRow]]]:
        """Up to `capacity` messages due now, one per batch key, oldest keys first: one thread hop and
        one read of the queue's heads per round (the scan_limit oldest keys), whatever its length."""
        out: list[tuple[str, Subscription, list[PendingRow]]] = []
        with self.store.transaction() as conn:
            keys = outbox.pending_keys(conn, self.scan_limit, excluded)
            for key in keys[: capacity * 2]:
                if len(out) >= capacity:
                    break
                group = outbox.pending_of_key(conn, key, 1)
                if not group:
                    continue
                head = group[0]
                subscription = self.subscription(head.kind, head.subscription_id)
                size = subscription.batch.size if subscription is not None else MAX_BATCH_SIZE
                if size > 1 and head.message_id is None:
                    group = outbox.pending_of_key(conn, key, size)
                planned = self._plan(conn, subscription, group, now_ms)
                if planned is not None and subscription is not None:
                    out.append((key, subscription, planned))
        return out

    def subscription(self, kind: str, subscription_id: str) -> Subscription | None:
        source = self.sources.get(kind)
        return source.subscription(kind, subscription_id) if source is not None else None

    def _plan(
        self, conn: Connection, subscription: Subscription | None, group: list[PendingRow], now_ms: int
    ) -> list[PendingRow] | None:
        """The message to post now for this batch key, if one is due (its id written to its events)."""
        head = group[0]
        if subscription is None:
            for row in group:
                if row.message_id is None:
                    outbox.assign_message(conn, [row.seq], row.event_id)
                outbox.give_up(conn, row.message_id or row.event_id, now_ms, "its subscription no longer exists")
            return None
        if head.message_id is not None:
            if head.next_attempt_at > now_ms:
                return None
            return outbox.message_rows(conn, head.message_id)
        fresh = [row for row in group if row.message_id is None][: subscription.batch.size]
        window_end = head.created_at + subscription.batch.time_window_s * 1000
        if len(fresh) < subscription.batch.size and now_ms < window_end:
            return None
        mid = message_id([row.event_id for row in fresh])
        outbox.assign_message(conn, [row.seq for row in fresh], mid)
        return [replace(row, message_id=mid) for row in outbox.with_events(conn, fresh)]

    # -- posting -----------------------------------------------------------------------------------

    async def _deliver(
        self, client: httpx.AsyncClient, key: str, subscription: Subscription, rows: list[PendingRow]
    ) -> None:
        try:
            message = _message(subscription, rows)
        except ValueError as exc:
            await asyncio.to_thread(self._give_up, subscription, rows, f"cannot build the request: {exc}")
            self._in_flight.discard(key)
            return
        try:
            attempt = await send(
                subscription.target,
                message,
                client=client,
                timeout=self.timeout_s,
                signing_key=subscription.signing_key,
                clock=self.clock,
                allow_private=self.allow_private,
                resolve=self.resolve,
            )
            await asyncio.to_thread(self._settle, subscription, rows, message, attempt)
        except Exception:
            log.exception("delivery of message %s failed unexpectedly", message.id)
        finally:
            self._in_flight.discard(key)
            if self._wakeup is not None:
                self._wakeup.set()

    def _settle(self, subscription: Subscription, rows: list[PendingRow], message: Message, attempt: Attempt) -> None:
        now_ms = self._now_ms()
        record = AttemptRecord(
            message_id=message.id,
            kind=subscription.kind,
            subscription_id=subscription.id,
            attempted_at=attempt.started_ms,
            events=len(rows),
            outcome=attempt.outcome,
            status_code=attempt.status_code,
            duration_ms=attempt.duration_ms,
            error=attempt.error,
        )
        self.stats.messages += 1
        with self.store.transaction() as conn:
            outbox.record(conn, record)
            if attempt.delivered:
                outbox.delivered(conn, message.id, now_ms)
                self.stats.delivered += 1
                self.stats.events_delivered += len(rows)
                return
            retry = None
            if attempt.retryable:
                deadline = min(row.expires_at for row in rows)
                attempts = max(row.attempts for row in rows) + 1
                retry = next_attempt_at(
                    subscription.retry, attempts, now_ms, deadline_ms=deadline, retry_after_s=attempt.retry_after_s
                )
            if retry is None:
                outbox.give_up(conn, message.id, now_ms, attempt.error)
                self.stats.given_up += 1
                log.warning("gave up message %s to %s: %s", message.id, subscription.target.url, attempt.error)
            else:
                outbox.retry_at(conn, message.id, retry, attempt.error)
                self.stats.retried += 1

    def _give_up(self, subscription: Subscription, rows: list[PendingRow], error: str) -> None:
        mid = rows[0].message_id or rows[0].event_id
        with self.store.transaction() as conn:
            outbox.give_up(conn, mid, self._now_ms(), error)
        self.stats.given_up += 1
        log.warning("gave up message %s of %s: %s", mid, subscription.id, error)

    def housekeeping(self) -> None:
        """Give up events past their retention; forget delivered and abandoned ones after it."""
        now_ms = self._now_ms()
        with self.store.transaction() as conn:
            expired = outbox.expire(conn, now_ms)
            outbox.purge(conn, now_ms - RETENTION_MS)
        if expired:
            log.warning("%d undelivered event(s) expired after three days", expired)


def _message(subscription: Subscription, rows: list[PendingRow]) -> Message:
    vehicles = {VehicleContext(row.vin or "", row.vehicle_id) for row in rows if row.vehicle_id is not None}
    context = placeholder_context(
        subscription.target,
        vehicles,
        fleet_id=subscription.fleet_id,
        subscription_id=subscription.id,
        label=subscription.label,
    )
    if subscription.kind == "remote":
        types = {str(r.event.get("remoteType")) for r in rows}
        context = RemotePlaceholderContext(
            vin=context.vin,
            vehicle_id=context.vehicle_id,
            fleet_id=context.fleet_id,
            callback_id=subscription.id,
            remote_type=types.pop() if len(types) == 1 else None,
        )
    message = assemble(subscription.target, subscription.id_field, subscription.id, context, [r.event for r in rows])
    if rows[0].message_id is not None and message.id != rows[0].message_id:
        raise ValueError(f"message {rows[0].message_id} no longer holds the same events")
    return message
