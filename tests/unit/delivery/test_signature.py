"""Standard Webhooks signatures: what the sender signs, a receiver verifies."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from connectedcar.delivery.sender import decode_secret, encode_secret, sign, verify

KEY = b"0123456789abcdef0123456789abcdef"
BODY = b'{"monitorId":"m1","attributes":[],"events":[]}'


def headers(message_id: str = "msg_1", timestamp: int = 1_700_000_000, key: bytes = KEY) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(key, message_id, timestamp, BODY),
    }


def test_signature_is_hmac_sha256_of_id_timestamp_body() -> None:
    expected = hmac.new(KEY, b"msg_1.1700000000." + BODY, hashlib.sha256).digest()
    assert sign(KEY, "msg_1", 1_700_000_000, BODY) == "v1," + base64.b64encode(expected).decode()


def test_round_trip() -> None:
    assert verify(KEY, headers(), BODY, now_s=1_700_000_010) == "msg_1"


def test_any_of_several_signatures_may_match() -> None:
    h = headers()
    h["webhook-signature"] = "v1,bm9wZQ== " + h["webhook-signature"]
    assert verify(KEY, {k.upper(): v for k, v in h.items()}, BODY, now_s=1_700_000_000) == "msg_1"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"body": BODY + b" "}, "no matching signature"),
        ({"key": b"another key"}, "no matching signature"),
        ({"id": "msg_2"}, "no matching signature"),
        ({"timestamp": "1700000001"}, "no matching signature"),
        ({"now": 1_700_000_301}, "tolerance"),
        ({"now": 1_699_999_699}, "tolerance"),
        ({"drop": "webhook-id"}, "missing"),
        ({"timestamp": "soon"}, "malformed"),
    ],
)
def test_tampering_is_detected(change: dict[str, object], reason: str) -> None:
    h = headers()
    if "id" in change:
        h["webhook-id"] = str(change["id"])
    if "timestamp" in change:
        h["webhook-timestamp"] = str(change["timestamp"])
    if "drop" in change:
        del h[str(change["drop"])]
    body = change.get("body", BODY)
    key = change.get("key", KEY)
    now = change.get("now", 1_700_000_000)
    assert isinstance(body, bytes) and isinstance(key, bytes) and isinstance(now, int)
    with pytest.raises(ValueError, match=reason):
        verify(key, h, body, now_s=now)


def test_secret_encoding() -> None:
    secret = encode_secret(KEY)
    assert secret.startswith("whsec_")
    assert decode_secret(secret) == KEY
    with pytest.raises(ValueError):
        decode_secret("not-a-secret")
