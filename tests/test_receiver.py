"""`connectedcar listen`: prints what it receives and whether the signature verifies."""

from __future__ import annotations

import threading
import time

import httpx

from connectedcar import receiver
from connectedcar.delivery.sender import decode_secret, sign
from connectedcar.provision import new_webhook_secret
from tests.support import free_port


def test_it_prints_events_and_checks_signatures() -> None:
    secret = new_webhook_secret()
    lines: list[str] = []
    port = free_port()
    threading.Thread(target=receiver.listen, args=("127.0.0.1", port, secret, 202, lines.append), daemon=True).start()
    deadline = time.monotonic() + 5
    while not lines and time.monotonic() < deadline:
        time.sleep(0.01)
    body = b'{"monitorId": "m1", "attributes": [], "events": []}'
    stamp = int(time.time())
    headers = {
        "webhook-id": "msg1",
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(decode_secret(secret), "msg1", stamp, body),
    }
    good = httpx.post(f"http://127.0.0.1:{port}/hook", content=body, headers=headers)
    bad = httpx.post(f"http://127.0.0.1:{port}/hook", content=body + b" ", headers=headers)
    assert good.status_code == 202 and bad.status_code == 202
    printed = "\n".join(lines)
    assert "webhook-id msg1  signature OK" in printed
    assert "signature REFUSED" in printed
    assert '"monitorId": "m1"' in printed
