"""Posting one message to a webhook: one attempt, recorded and classified; the worker decides what next.

Request: POST of the JSON body, with
- `Content-Type: application/json`, `User-Agent: connectedcar-webhooks/<version>`;
- the webhook's Header attributes, and its Query attributes appended to the target's own query
  (placeholders valued from the message's context);
- Standard Webhooks signature headers (https://www.standardwebhooks.com), so receivers can verify
  and de-duplicate with off-the-shelf libraries:
    webhook-id: <message id>            (stable across retries: see payloads.py)
    webhook-timestamp: <unix seconds>   (of this attempt, wall-clock time: receivers compare it with
                                         their own clock, even when the platform runs a simulated one)
    webhook-signature: v1,<base64 of HMAC-SHA256(key, "<id>.<timestamp>.<body>")>
  The key is raw bytes; decode_secret reads the `whsec_<base64>` form the standard uses.
Redirects are never followed (a 3xx is recorded as a failure), and the whole exchange is bounded
by `timeout` seconds (each phase and the total).

Outcomes (classify): 2xx delivered. 408, 429 and 5xx, timeouts, network errors and a host that
does not resolve are worth retrying ("retry"). Any other status (3xx, other 4xx: the receiver
refuses this request and will refuse it again) and a target that now resolves to a forbidden
address are not ("failed"). The retry policy then decides whether a "retry" is tried again.

DNS rebinding: the host is resolved and every address checked (webhook.check_target) at each
attempt, then the request goes to a checked address given literally in the URL, with the original
host in the Host header and, for https, as the TLS server name (SNI), which the certificate is
verified against. The name is never resolved twice for one attempt. If the first address refuses
the connection, the next checked one is tried. httpx pools connections by address: give https
targets that share an address their own client (or use one client per target host) so that a TLS
connection opened for one name is not reused for another.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import httpx
import orjson

from connectedcar import __version__
from connectedcar.delivery.payloads import Message
from connectedcar.delivery.webhook import (
    Resolver,
    TargetRefused,
    TargetUnresolved,
    WebhookTarget,
    check_target,
    system_resolve,
)
from connectedcar.domain.clock import Clock, SystemClock
from connectedcar.domain.timefmt import to_ms

Outcome = Literal["delivered", "retry", "failed"]

USER_AGENT = f"connectedcar-webhooks/{__version__}"
MAX_RESPONSE_BODY = 2048
SIGNATURE_TOLERANCE_S = 300
SECRET_PREFIX = "whsec_"


@dataclass(frozen=True, slots=True)
class Attempt:
    message_id: str
    started_ms: int  # platform clock
    outcome: Outcome
    status_code: int | None
    duration_ms: int
    error: str | None  # why it was not delivered, None when it was
    response_body: str  # the first MAX_RESPONSE_BODY bytes, decoded leniently
    retry_after_s: int | None = None  # the receiver's Retry-After, in seconds, when it gave one

    @property
    def delivered(self) -> bool:
        return self.outcome == "delivered"

    @property
    def retryable(self) -> bool:
        return self.outcome == "retry"


def classify(status: int) -> Outcome:
    if 200 <= status < 300:
        return "delivered"
    if status in (408, 429) or 500 <= status < 600:
        return "retry"
    return "failed"


def decode_secret(secret: str) -> bytes:
    """The key bytes of a Standard Webhooks secret (`whsec_` + base64)."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"a webhook secret starts with {SECRET_PREFIX}")
    return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)


def encode_secret(key: bytes) -> str:
    return SECRET_PREFIX + base64.b64encode(key).decode("ascii")


def sign(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature header value."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def verify(
    key: bytes, headers: Mapping[str, str], body: bytes, now_s: int, tolerance_s: int = SIGNATURE_TOLERANCE_S
) -> str:
    """Check a received webhook's signature (what a receiver does); returns its id or raises ValueError."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        message_id = lowered["webhook-id"]
        timestamp = int(lowered["webhook-timestamp"])
        signatures = lowered["webhook-signature"].split()
    except (KeyError, ValueError):
        raise ValueError("missing or malformed webhook headers") from None
    if abs(now_s - timestamp) > tolerance_s:
        raise ValueError("timestamp outside the tolerance")
    expected = sign(key, message_id, timestamp, body)
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise ValueError("no matching signature")
    return message_id


def encode_body(message: Message) -> bytes:
    return orjson.dumps(message.body)


def request_headers(
    target: WebhookTarget, message: Message, body: bytes, key: bytes, now_s: int
) -> list[tuple[str, str]]:
    headers = [
        ("Content-Type", "application/json"),
        ("User-Agent", USER_AGENT),
        ("webhook-id", message.id),
        ("webhook-timestamp", str(now_s)),
        ("webhook-signature", sign(key, message.id, now_s, body)),
    ]
    return headers + target.headers(message.context)


def request_url(target: WebhookTarget, message: Message) -> httpx.URL:
    """The target with its Query attributes appended (the target's own parameters are kept)."""
    url = httpx.URL(target.url)
    extra = target.query(message.context)
    if not extra:
        return url
    return url.copy_with(params=httpx.QueryParams([*url.params.multi_items(), *extra]))


async def send(
    target: WebhookTarget,
    message: Message,
    *,
    client: httpx.AsyncClient,
    timeout: float,  # noqa: ASYNC109 - bounds the request, asyncio.timeout applied inside
    signing_key: bytes,
    clock: Clock = SystemClock(),
    allow_private: bool = False,
    resolve: Resolver = system_resolve,
    wall_clock: Callable[[], float] = time.time,
) -> Attempt:
    """Post the message once and say how it went; never raises for the receiver's or network's faults."""
    started = clock.now()
    started_ms = to_ms(started)
    body = encode_body(message)
    headers = request_headers(target, message, body, signing_key, int(wall_clock()))
    url = request_url(target, message)
    t0 = time.perf_counter()

    def done(
        outcome: Outcome, status: int | None, error: str | None, text: str = "", after: int | None = None
    ) -> Attempt:
        duration = int((time.perf_counter() - t0) * 1000)
        return Attempt(message.id, started_ms, outcome, status, duration, error, text, after)

    try:
        async with asyncio.timeout(timeout):
            try:
                checked = await asyncio.to_thread(check_target, target.url, allow_private, resolve, path="target")
            except TargetUnresolved as exc:
                return done("retry", None, exc.reason)
            except TargetRefused as exc:
                return done("failed", None, exc.reason)
            host_header = url.netloc.decode("ascii")
            extensions = {"sni_hostname": url.raw_host.decode("ascii")} if url.scheme == "https" else {}
            last_error = "no address to connect to"
            for address in checked.addresses:
                request = client.build_request(
                    "POST",
                    url.copy_with(host=str(address)),
                    content=body,
                    headers=[*headers, ("Host", host_header)],
                    timeout=timeout,
                    extensions=extensions,
                )
                try:
                    response = await client.send(request, follow_redirects=False, stream=True)
                except httpx.ConnectError as exc:
                    last_error = f"could not connect to {address}: {exc}"
                    continue
                try:
                    text = await _read_some(response)
                finally:
                    await response.aclose()
                status = response.status_code
                outcome = classify(status)
                error = None if outcome == "delivered" else f"HTTP {status}"
                return done(outcome, status, error, text, _retry_after(response))
            return done("retry", None, last_error)
    except TimeoutError:
        return done("retry", None, f"timed out after {timeout:g} s")
    except httpx.TimeoutException as exc:
        return done("retry", None, f"timed out: {type(exc).__name__}")
    except httpx.TransportError as exc:
        return done("retry", None, f"{type(exc).__name__}: {exc}")


async def _read_some(response: httpx.Response) -> str:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_RESPONSE_BODY:
            break
    return b"".join(chunks)[:MAX_RESPONSE_BODY].decode("utf-8", errors="replace")


def _retry_after(response: httpx.Response) -> int | None:
    """Retry-After in seconds (the HTTP-date form is ignored)."""
    value = response.headers.get("Retry-After", "").strip()
    return int(value) if value.isdigit() else None
