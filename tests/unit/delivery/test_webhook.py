"""Webhook targets: parsing, placeholders, and which URLs and addresses are refused."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pytest

from connectedcar.delivery.webhook import (
    DeliveryConfigError,
    PlaceholderContext,
    TargetRefused,
    TargetUnresolved,
    check_target,
    parse_webhook,
)

SEED_CALLBACK = {
    "target": "http://my.dn/monitors/cb1",
    "name": "HTTP_CB",
    "attributes": [
        {"type": "Query", "key": "vin", "value": "$vin"},
        {"type": "Header", "key": "Authorization", "value": "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="},
    ],
}
CONTEXT = PlaceholderContext(
    vin="VR3UPHNKSKT101603", vehicle_id="veh1", fleet_id="f1", monitor_id="m1", monitor_label="Paris"
)


def resolver(table: dict[str, Sequence[str]]) -> Any:
    def resolve(host: str, port: int) -> Sequence[str]:
        if host not in table:
            raise OSError(f"unknown host {host}")
        return table[host]

    return resolve


def test_seed_callback_parses_and_renders() -> None:
    target = parse_webhook(SEED_CALLBACK)
    assert target.url == "http://my.dn/monitors/cb1"
    assert target.name == "HTTP_CB"
    assert target.query(CONTEXT) == [("vin", "VR3UPHNKSKT101603")]
    assert target.headers(CONTEXT) == [("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")]
    assert target.body_attributes(CONTEXT) == []
    assert target.vehicle_scoped


def test_spec_nesting_under_webhook() -> None:
    spec = {
        "webhook": {
            "target": "https://my.post.callback",
            "name": "My_Webhook",
            "attributes": [{"type": "Body", "key": "X-Vehicle_Id", "value": "$MonitorID"}],
        }
    }
    target = parse_webhook(spec)
    assert target.body_attributes(CONTEXT) == [{"key": "X-Vehicle_Id", "value": "m1"}]
    assert not target.vehicle_scoped


@pytest.mark.parametrize(
    ("value", "rendered"),
    [
        ("$vin", "VR3UPHNKSKT101603"),
        ("$VIN", "VR3UPHNKSKT101603"),
        ("$vid", "veh1"),
        ("$fleetID", "f1"),
        ("$monitorID", "m1"),
        ("$MonitorID", "m1"),
        ("$MonitorLabel", "Paris"),
        ("Bearer ${vin}", "Bearer VR3UPHNKSKT101603"),
        ("${monitorId}-${vid}", "m1-veh1"),
        ("plain", "plain"),
        ("pa$word", "pa$word"),
        ("$$vin", "$vin"),
        ("price: 5 $", "price: 5 $"),
        ("", ""),
    ],
)
def test_placeholder_substitution(value: str, rendered: str) -> None:
    target = parse_webhook(
        {
            "target": "https://a.example",
            "name": "n",
            "attributes": [
                {"type": "Header", "key": "X-A", "value": value},
            ],
        }
    )
    assert target.headers(CONTEXT) == [("X-A", rendered)]


def test_placeholder_without_value_in_context_raises() -> None:
    target = parse_webhook(SEED_CALLBACK)
    with pytest.raises(ValueError, match=r"\$vin"):
        target.query(PlaceholderContext(monitor_id="m1"))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("nope", "subscribeParam.callback"),
        ({"webhook": []}, "subscribeParam.callback.webhook"),
        ({"name": "n"}, "subscribeParam.callback.target"),
        ({"target": "https://a.example"}, "subscribeParam.callback.name"),
        ({"target": "https://a.example", "name": "  "}, "subscribeParam.callback.name"),
        ({"target": "ftp://a.example", "name": "n"}, "subscribeParam.callback.target"),
        ({"target": "https://a.example", "name": "n", "attributes": {}}, "subscribeParam.callback.attributes"),
        ({"target": "https://a.example", "name": "n", "attributes": [1]}, "subscribeParam.callback.attributes[0]"),
        (
            {"target": "https://a.example", "name": "n", "attributes": [{"type": "Cookie", "key": "k", "value": "v"}]},
            "subscribeParam.callback.attributes[0].type",
        ),
        (
            {"target": "https://a.example", "name": "n", "attributes": [{"type": "Header", "key": "", "value": "v"}]},
            "subscribeParam.callback.attributes[0].key",
        ),
        (
            {
                "target": "https://a.example",
                "name": "n",
                "attributes": [{"type": "Header", "key": "a b", "value": "v"}],
            },
            "subscribeParam.callback.attributes[0].key",
        ),
        (
            {
                "target": "https://a.example",
                "name": "n",
                "attributes": [{"type": "Header", "key": "Host", "value": "v"}],
            },
            "subscribeParam.callback.attributes[0].key",
        ),
        (
            {
                "target": "https://a.example",
                "name": "n",
                "attributes": [{"type": "Header", "key": "webhook-signature", "value": "v"}],
            },
            "subscribeParam.callback.attributes[0].key",
        ),
        (
            {"target": "https://a.example", "name": "n", "attributes": [{"type": "Query", "key": "k", "value": 3}]},
            "subscribeParam.callback.attributes[0].value",
        ),
        (
            {
                "target": "https://a.example",
                "name": "n",
                "attributes": [{"type": "Header", "key": "k", "value": "a\r\nb"}],
            },
            "subscribeParam.callback.attributes[0].value",
        ),
        (
            {
                "target": "https://a.example",
                "name": "n",
                "attributes": [{"type": "Body", "key": "k", "value": "$plate"}],
            },
            "subscribeParam.callback.attributes[0].value",
        ),
        (
            {
                "target": "https://a.example",
                "name": "n",
                "attributes": [{"type": "Body", "key": "k", "value": "x${oops}"}],
            },
            "subscribeParam.callback.attributes[0].value",
        ),
        (
            {
                "target": "https://a.example",
                "name": "n",
                "attributes": [
                    {"type": "Header", "key": "X-A", "value": "1"},
                    {"type": "Header", "key": "x-a", "value": "2"},
                ],
            },
            "subscribeParam.callback.attributes[1].key",
        ),
    ],
)
def test_parse_errors_name_the_field(body: Any, field: str) -> None:
    with pytest.raises(DeliveryConfigError) as info:
        parse_webhook(body)
    assert info.value.field == field


def test_query_attributes_may_repeat() -> None:
    target = parse_webhook(
        {
            "target": "https://a.example",
            "name": "n",
            "attributes": [
                {"type": "Query", "key": "k", "value": "1"},
                {"type": "Query", "key": "k", "value": "2"},
            ],
        }
    )
    assert target.query(CONTEXT) == [("k", "1"), ("k", "2")]


PUBLIC = resolver({"hooks.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]})


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/cb",
        "http://hooks.example.com:8080/cb?x=1",
        "HTTPS://HOOKS.EXAMPLE.COM/cb",
        "https://93.184.216.34/cb",
        "https://[2606:4700::1111]/cb",
        "https://8.8.8.8:443",
    ],
)
def test_public_targets_are_accepted(url: str) -> None:
    checked = check_target(url, allow_private=False, resolve=_literal_or(PUBLIC))
    assert checked.addresses


def _literal_or(fallback: Any) -> Any:
    def resolve(host: str, port: int) -> Sequence[str]:
        if host[0].isdigit() or ":" in host:
            return [host]
        result: Sequence[str] = fallback(host, port)
        return result

    return resolve


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://hooks.example.com/cb", "http or https"),
        ("file:///etc/passwd", "http or https"),
        ("gopher://hooks.example.com", "http or https"),
        ("//hooks.example.com/cb", "http or https"),
        ("hooks.example.com/cb", "http or https"),
        ("https://user:pw@hooks.example.com/cb", "user information"),
        ("https://hooks.example.com@127.0.0.1/cb", "user information"),
        ("https:///cb", "host"),
        ("https://hooks.example.com:99999/cb", "valid URL"),
        ("https://hooks.example.com:0/cb", "port 0"),
        ("https://hooks.example.com/c b", "spaces"),
        ("https://127.0.0.1\\@hooks.example.com/", "backslashes"),
        ("https://hooks.example.com/cb#frag", "fragment"),
    ],
)
def test_malformed_targets_are_refused(url: str, reason: str) -> None:
    with pytest.raises(TargetRefused, match=reason):
        check_target(url, allow_private=True, resolve=_literal_or(PUBLIC))


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.10", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "not a public"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("255.255.255.255", "reserved"),
        ("240.0.0.1", "reserved"),
        ("192.0.2.1", "private"),
        ("198.18.0.1", "private"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "scoped"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "IPv4-mapped address of 127.0.0.1, a loopback"),
        ("::ffff:10.0.0.1", "IPv4-mapped address of 10.0.0.1, a private"),
        ("::ffff:169.254.169.254", "IPv4-mapped address of 169.254.169.254, a link-local"),
        ("64:ff9b::7f00:1", "NAT64 address of 127.0.0.1"),
        ("2002:7f00:1::", "6to4 address of 127.0.0.1"),
        ("2002:a00:1::", "6to4 address of 10.0.0.1"),
        ("::127.0.0.1", "reserved"),
        ("2001:db8::1", "private"),
    ],
)
def test_forbidden_addresses_by_name_are_refused(address: str, reason: str) -> None:
    resolve = resolver({"evil.example": [address]})
    with pytest.raises(TargetRefused, match=re.escape(reason)) as info:
        check_target("https://evil.example/cb", allow_private=False, resolve=resolve)
    assert info.value.field == "subscribeParam.callback.webhook.target"
    assert "CONNECTEDCAR_WEBHOOK_ALLOW_PRIVATE" in info.value.reason
    # the same address is accepted when private targets are allowed
    assert check_target("https://evil.example/cb", allow_private=True, resolve=resolve).addresses


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9000/", "http://[::1]/", "http://[::ffff:7f00:1]/", "http://10.0.0.7/", "http://[fe80::1]/"],
)
def test_literal_forbidden_addresses_are_refused(url: str) -> None:
    with pytest.raises(TargetRefused):
        check_target(url, allow_private=False, resolve=_literal_or(PUBLIC))


def test_numeric_host_forms_are_caught_by_resolving() -> None:
    # getaddrinfo turns these into 127.0.0.1; the check is on what they resolve to
    for host in ("2130706433", "127.1", "0x7f.0.0.1"):
        resolve = resolver({host: ["127.0.0.1"]})
        with pytest.raises(TargetRefused, match="loopback"):
            check_target(f"http://{host}/", allow_private=False, resolve=resolve)


def test_one_private_address_among_public_ones_is_refused() -> None:
    resolve = resolver({"mixed.example": ["93.184.216.34", "10.0.0.1"]})
    with pytest.raises(TargetRefused, match=re.escape("10.0.0.1")):
        check_target("https://mixed.example/", allow_private=False, resolve=resolve)


def test_checked_addresses_are_what_the_sender_connects_to() -> None:
    checked = check_target("https://hooks.example.com:8443/cb", allow_private=False, resolve=PUBLIC)
    assert [str(a) for a in checked.addresses] == ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]
    assert (checked.scheme, checked.host, checked.port) == ("https", "hooks.example.com", 8443)


def test_unresolvable_hosts() -> None:
    with pytest.raises(TargetUnresolved):
        check_target("https://nowhere.example/", allow_private=False, resolve=PUBLIC)
    with pytest.raises(TargetUnresolved):
        check_target("https://empty.example/", allow_private=False, resolve=resolver({"empty.example": []}))
