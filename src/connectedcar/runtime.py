"""The one place that builds the platform's parts from configuration."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from connectedcar.api.auth.oauth2.throttle import LoginThrottle
from connectedcar.api.auth.tokens import TokenService
from connectedcar.api.ratelimit import RateLimiter
from connectedcar.bus.inprocess import InProcessBus
from connectedcar.config import Settings
from connectedcar.delivery.worker import DeliveryWorker
from connectedcar.domain.clock import Clock, SystemClock
from connectedcar.monitoring.registry import MonitorRegistry
from connectedcar.monitoring.subscriptions import MonitorSubscriptions
from connectedcar.processing import gc_tuning
from connectedcar.processing.processor import ReportProcessor
from connectedcar.remote.facts import ProcessorFacts
from connectedcar.remote.service import RemoteService
from connectedcar.remote.subscriptions import CallbackSubscriptions
from connectedcar.store.store import Store


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    store: Store
    tokens: TokenService
    limiter: RateLimiter
    form_key: bytes  # signs login forms
    login_throttle: LoginThrottle
    bus: InProcessBus
    processor: ReportProcessor
    monitors: MonitorRegistry
    monitor_subscriptions: MonitorSubscriptions
    delivery: DeliveryWorker
    remotes: RemoteService
    callback_subscriptions: CallbackSubscriptions

    def remote_tick(self, now_ms: int) -> None:
        """Time out the remote actions whose vehicle did not answer in time."""
        with self.store.transaction() as conn:
            self.remotes.tick(conn, now_ms)

    def start(self) -> None:
        """Start the background work: the monitors in force, the report processor (with the collector
        tuned for it) and the delivery worker."""
        gc_tuning.tune()
        with self.store.transaction() as conn:
            self.monitors.load(conn)
            self.remotes.load(conn)
        self.processor.start()
        self.delivery.start()

    def close(self) -> None:
        self.processor.stop()
        self.delivery.stop()
        self.store.close()


def build_runtime(settings: Settings | None = None, clock: Clock | None = None) -> Runtime:
    settings = settings or Settings()
    clock = clock or SystemClock()
    store = Store.open(settings.database_url)
    bus = InProcessBus(clock, settings.reorder_window_ms, settings.max_pending_reports)
    monitors = MonitorRegistry()
    monitor_subscriptions = MonitorSubscriptions(store)
    callback_subscriptions = CallbackSubscriptions(store)
    delivery = DeliveryWorker(
        store,
        clock,
        {"monitor": monitor_subscriptions, "remote": callback_subscriptions},
        timeout_s=settings.webhook_timeout_seconds,
        concurrency=settings.webhook_concurrency,
        allow_private=settings.webhook_allow_private,
    )
    processor = ReportProcessor(store, clock, bus, monitors=monitors, on_events=delivery.wake)
    runtime = Runtime(
        settings=settings,
        clock=clock,
        store=store,
        tokens=TokenService(store, clock, settings),
        limiter=RateLimiter(clock, settings.rate_limit_requests, settings.rate_limit_window_seconds),
        form_key=settings.secret_key.encode() if settings.secret_key else secrets.token_bytes(32),
        login_throttle=LoginThrottle(
            clock,
            max_failures=settings.login_max_failures,
            window_seconds=settings.login_failure_window_seconds,
        ),
        bus=bus,
        processor=processor,
        monitors=monitors,
        monitor_subscriptions=monitor_subscriptions,
        delivery=delivery,
        remotes=RemoteService(ProcessorFacts(processor), on_events=delivery.wake),
        callback_subscriptions=callback_subscriptions,
    )
    processor.tickers.append(runtime.remote_tick)
    return runtime
