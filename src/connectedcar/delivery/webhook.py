"""A monitor's callback webhook: where events are posted, and the attributes added to each request.

Parsed from the spec's `callback` object, as the fleet spec nests it (`{"webhook": {target, name,
attributes}}`) and as seed 001 writes it (`{target, name, attributes}` directly).

Attribute values are literal, except placeholders, which are valued for each request:
- a whole value `$name` (the spec's form, for example `"$vin"`);
- `${name}` anywhere inside a value (an extension, for example `"Bearer-${vin}"`);
- a value starting with `$$` is literal with one `$` (for a secret that starts with a dollar sign).
Names are matched without regard to case. Supported: vin, vid (the vehicle id), fleetID, monitorID
(the spec's enum) and monitorLabel. An unknown `$name` or `${name}` is refused, as it is almost
certainly a typo; a `$` elsewhere (`"pa$word"`) is literal.

A target using vin or vid cannot share one request between vehicles (the spec's disclaimer for
`$vin` as a query parameter): `vehicle_scoped` tells the worker to batch per vehicle.

Address checks (SSRF): the target must be http or https, without user information, and every
address its host is or resolves to must be public: loopback, private, link-local, shared (CGNAT),
multicast, reserved and unspecified addresses are refused in IPv4 and IPv6, including IPv4 embedded
in IPv6 (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16). Resolving every address (not
parsing the host) also catches the numeric forms that getaddrinfo accepts (`2130706433`, `127.1`,
`0x7f.0.0.1`). allow_private (CONNECTEDCAR_WEBHOOK_ALLOW_PRIVATE) lifts the address rule only.

DNS rebinding: check_target returns the addresses it checked, and the sender connects to one of
them (never resolving the name again), sending the name in the Host header and as TLS SNI, against
which the certificate is verified. See sender.py.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NoReturn
from urllib.parse import urlsplit

AttributeType = Literal["Header", "Query", "Body"]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]

MAX_URL_LENGTH = 2048
MAX_NAME_LENGTH = 128
MAX_ATTRIBUTES = 32
MAX_KEY_LENGTH = 256
MAX_VALUE_LENGTH = 4096
# The canonical spelling of each placeholder, keyed by its lower-case form.
PLACEHOLDERS: Mapping[str, str] = {
    "vin": "vin",
    "vid": "vid",
    "fleetid": "fleetID",
    "monitorid": "monitorID",
    "monitorlabel": "monitorLabel",
}
VEHICLE_PLACEHOLDERS = frozenset({"vin", "vid"})
# Headers the sender sets itself; an attribute may not replace them.
RESERVED_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "content-type",
        "transfer-encoding",
        "connection",
        "user-agent",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }
)
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_WHOLE = re.compile(r"\$([A-Za-z][A-Za-z0-9_]*)")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class DeliveryConfigError(ValueError):
    """A callback setting the platform refuses: the JSON path of the field, and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class TargetRefused(DeliveryConfigError):
    """The target is not a URL the platform will post to (scheme, user information, address)."""


class TargetUnresolved(DeliveryConfigError):
    """The target's host did not resolve (at send time: worth retrying)."""


def _fail(path: str, reason: str) -> NoReturn:
    raise DeliveryConfigError(path, reason)


@dataclass(frozen=True, slots=True)
class PlaceholderContext:
    """The values placeholders take in one request; None where the request has no single value."""

    vin: str | None = None
    vehicle_id: str | None = None
    fleet_id: str | None = None
    monitor_id: str | None = None
    monitor_label: str | None = None

    def value(self, name: str) -> str:
        values = {
            "vin": self.vin,
            "vid": self.vehicle_id,
            "fleetID": self.fleet_id,
            "monitorID": self.monitor_id,
            "monitorLabel": self.monitor_label,
        }
        found = values[name]
        if found is None:
            # The worker must not batch across what a placeholder names (vehicle_scoped).
            raise ValueError(f"placeholder ${name} has no value for this request")
        return found


@dataclass(frozen=True, slots=True)
class Placeholder:
    name: str  # canonical spelling


@dataclass(frozen=True, slots=True)
class Attribute:
    type: AttributeType
    key: str
    value: str  # as given
    parts: tuple[str | Placeholder, ...]

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(p.name for p in self.parts if isinstance(p, Placeholder))

    def render(self, context: PlaceholderContext) -> str:
        text = "".join(p if isinstance(p, str) else context.value(p.name) for p in self.parts)
        if self.type == "Header" and any(c in text for c in "\r\n\0"):
            raise ValueError(f"header {self.key} would contain a line break")
        return text


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    url: str
    name: str
    attributes: tuple[Attribute, ...] = field(default=())

    def of_type(self, kind: AttributeType) -> tuple[Attribute, ...]:
        return tuple(a for a in self.attributes if a.type == kind)

    @property
    def vehicle_scoped(self) -> bool:
        """True when some attribute names the vehicle: one request may then carry one vehicle only."""
        return any(a.placeholders & VEHICLE_PLACEHOLDERS for a in self.attributes)

    def headers(self, context: PlaceholderContext) -> list[tuple[str, str]]:
        return [(a.key, a.render(context)) for a in self.of_type("Header")]

    def query(self, context: PlaceholderContext) -> list[tuple[str, str]]:
        return [(a.key, a.render(context)) for a in self.of_type("Query")]

    def body_attributes(self, context: PlaceholderContext) -> list[dict[str, str]]:
        return [{"key": a.key, "value": a.render(context)} for a in self.of_type("Body")]


def parse_value(value: str, path: str) -> tuple[str | Placeholder, ...]:
    """Split an attribute value into literal text and placeholders."""
    if value.startswith("$$"):
        return (value[1:],)
    whole = _WHOLE.fullmatch(value)
    if whole is not None:
        return (_placeholder(whole.group(1), path),)
    parts: list[str | Placeholder] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(value):
        if match.start() > pos:
            parts.append(value[pos : match.start()])
        parts.append(_placeholder(match.group(1), path))
        pos = match.end()
    if pos < len(value):
        parts.append(value[pos:])
    return tuple(parts)


def _placeholder(name: str, path: str) -> Placeholder:
    canonical = PLACEHOLDERS.get(name.lower())
    if canonical is None:
        supported = ", ".join("$" + n for n in PLACEHOLDERS.values())
        _fail(path, f"unknown placeholder ${name} (supported: {supported}; write $$ for a literal $)")
    return Placeholder(canonical)


def parse_webhook(data: Any, path: str = "subscribeParam.callback") -> WebhookTarget:
    """The webhook of a callback object (spec: {"webhook": {...}}; seed 001: the webhook itself).

    Checks the shape and the URL's syntax only; call check_target for its addresses.
    """
    if not isinstance(data, Mapping):
        _fail(path, "must be an object")
    if "webhook" in data:
        path = f"{path}.webhook"
        data = data["webhook"]
        if not isinstance(data, Mapping):
            _fail(path, "must be an object")
    target = data.get("target")
    if not isinstance(target, str) or not target.strip():
        _fail(f"{path}.target", "is required: the URL events are posted to")
    url = target.strip()
    split_target(url, f"{path}.target")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        _fail(f"{path}.name", "is required: a non-empty string")
    if len(name) > MAX_NAME_LENGTH:
        _fail(f"{path}.name", f"must be at most {MAX_NAME_LENGTH} characters")
    raw = data.get("attributes")
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        _fail(f"{path}.attributes", "must be an array")
    if len(raw) > MAX_ATTRIBUTES:
        _fail(f"{path}.attributes", f"at most {MAX_ATTRIBUTES} attributes")
    attributes = tuple(_attribute(item, f"{path}.attributes[{i}]") for i, item in enumerate(raw))
    seen: set[str] = set()
    for i, attr in enumerate(attributes):
        if attr.type == "Header":
            lowered = attr.key.lower()
            if lowered in seen:
                _fail(f"{path}.attributes[{i}].key", f"header {attr.key} is given twice")
            seen.add(lowered)
    return WebhookTarget(url=url, name=name.strip(), attributes=attributes)


def _attribute(item: Any, path: str) -> Attribute:
    if not isinstance(item, Mapping):
        _fail(path, "must be an object with type, key and value")
    kind = item.get("type")
    if kind not in ("Header", "Query", "Body"):
        _fail(f"{path}.type", f"must be Header, Query or Body, not {kind!r}")
    key = item.get("key")
    if not isinstance(key, str) or not key:
        _fail(f"{path}.key", "is required: a non-empty string")
    if len(key) > MAX_KEY_LENGTH:
        _fail(f"{path}.key", f"must be at most {MAX_KEY_LENGTH} characters")
    if kind == "Header":
        if not _TOKEN.fullmatch(key):
            _fail(f"{path}.key", f"{key!r} is not a valid HTTP header name")
        if key.lower() in RESERVED_HEADERS:
            _fail(f"{path}.key", f"header {key} is set by the platform and cannot be replaced")
    value = item.get("value")
    if not isinstance(value, str):
        _fail(f"{path}.value", "is required: a string")
    if len(value) > MAX_VALUE_LENGTH:
        _fail(f"{path}.value", f"must be at most {MAX_VALUE_LENGTH} characters")
    if kind == "Header" and any(c in value for c in "\r\n\0"):
        _fail(f"{path}.value", "a header value cannot contain line breaks")
    return Attribute(type=kind, key=key, value=value, parts=parse_value(value, f"{path}.value"))


@dataclass(frozen=True, slots=True)
class TargetURL:
    scheme: Literal["http", "https"]
    host: str  # lower case, IPv6 without brackets
    port: int


@dataclass(frozen=True, slots=True)
class CheckedTarget:
    url: str
    scheme: Literal["http", "https"]
    host: str
    port: int
    addresses: tuple[IPAddress, ...]  # what the host resolved to, all checked; connect only to these


def split_target(url: str, path: str = "target") -> TargetURL:
    """The scheme, host and port of a target URL, or TargetRefused naming what is wrong."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(path, f"must be at most {MAX_URL_LENGTH} characters")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in url):
        raise TargetRefused(path, "must not contain spaces, backslashes or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(path, f"is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise TargetRefused(path, f"must be an http or https URL, not {parts.scheme or 'a relative one'!r}")
    if "@" in parts.netloc:
        raise TargetRefused(path, "must not contain user information (use a Header attribute for credentials)")
    host = parts.hostname
    if not host:
        raise TargetRefused(path, "must name a host")
    if parts.fragment:
        raise TargetRefused(path, "must not have a fragment")
    if port == 0:
        raise TargetRefused(path, "port 0 is not a valid port")
    default = 443 if scheme == "https" else 80
    return TargetURL("https" if scheme == "https" else "http", host, port if port is not None else default)


def system_resolve(host: str, port: int) -> list[str]:
    """Every address getaddrinfo gives for host (the default resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def check_target(
    url: str,
    allow_private: bool,
    resolve: Resolver = system_resolve,
    *,
    path: str = "subscribeParam.callback.webhook.target",
) -> CheckedTarget:
    """Refuse a target the platform must not post to; return the addresses it may connect to.

    Every address the host resolves to must be public (an attacker controlling a name could mix a
    public and a private one). Raises TargetRefused, or TargetUnresolved when the host does not
    resolve.
    """
    parsed = split_target(url, path)
    try:
        resolved = list(resolve(parsed.host, parsed.port))
    except (OSError, UnicodeError) as exc:
        raise TargetUnresolved(path, f"host {parsed.host} does not resolve ({exc})") from None
    addresses: list[IPAddress] = []
    for text in resolved:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            raise TargetUnresolved(path, f"host {parsed.host} resolved to {text!r}, not an address") from None
        if not allow_private:
            reason = forbidden_reason(address)
            if reason is not None:
                raise TargetRefused(
                    path,
                    f"host {parsed.host} is or resolves to {address}, {reason} "
                    "(set CONNECTEDCAR_WEBHOOK_ALLOW_PRIVATE=true for a local receiver)",
                )
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise TargetUnresolved(path, f"host {parsed.host} resolved to no address")
    return CheckedTarget(url, parsed.scheme, parsed.host, parsed.port, tuple(addresses))


def forbidden_reason(address: IPAddress) -> str | None:
    """Why the platform must not post to this address, or None if it is a public unicast one."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return "a scoped (link-local) address"
        mapped = address.ipv4_mapped
        if mapped is not None:
            return _v4_reason(mapped, "an IPv4-mapped address of ")
        if address in _NAT64:
            return _v4_reason(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF), "a NAT64 address of ")
        embedded = address.sixtofour
        if embedded is not None:
            inner = _v4_reason(embedded, "a 6to4 address of ")
            if inner is not None:
                return inner
    return _reason(address)


def _v4_reason(address: ipaddress.IPv4Address, prefix: str) -> str | None:
    reason = _reason(address)
    return None if reason is None else f"{prefix}{address}, {reason}"


def _reason(address: IPAddress) -> str | None:
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "not a public address"
    return None
