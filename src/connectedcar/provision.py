"""Provisioning of users, OAuth2 clients, vehicles and tokens: the checks and writes behind the admin
CLI and the demo. Every function takes the caller's connection, so a batch of them is one transaction;
bad input raises ProvisionError with a message an operator can act on."""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import Connection

from connectedcar.api.auth.tokens import TokenPair, TokenService
from connectedcar.domain.brands import BY_REALM, brand_code, energy_name
from connectedcar.domain.clock import Clock
from connectedcar.domain.credentials import hash_password, hash_token, new_secret, password_problem
from connectedcar.domain.entities import Fleet, OAuthClient, User, Vehicle
from connectedcar.domain.ids import new_client_id, new_fleet_id, new_fleet_username, new_user_id, new_vehicle_id
from connectedcar.domain.timefmt import to_ms
from connectedcar.store import accounts, fleets, vehicles


class ProvisionError(Exception):
    """A request the operator can fix: malformed input, a duplicate, or an unknown record."""


# -- validation -----------------------------------------------------------------------------------

# Deliberately loose (RFC 5322 allows far more): one @, no spaces, a dot in the domain.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")  # ISO 3779: no I, O or Q

# World manufacturer identifiers (the VIN's first three characters) of the platform's brands.
WMI_BRANDS = {
    "VF3": "P",  # Peugeot
    "VR3": "P",  # Peugeot, since 2019
    "VF7": "C",  # Citroën
    "VR7": "C",  # Citroën, since 2019
    "VR1": "DS",  # DS Automobiles
    "W0L": "OP",  # Opel
    "W0V": "OP",  # Opel (and Vauxhall) since 2017
}
DEFAULT_BRAND = "P"


def normalize_email(email: str) -> str:
    value = email.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ProvisionError(f"invalid email {email!r}: expected an address such as jane@example.com")
    return value


def check_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise ProvisionError(f"weak password: it {problem}")


def normalize_vin(vin: str) -> str:
    value = vin.strip().upper()
    if len(value) != 17:
        raise ProvisionError(f"invalid VIN {vin!r}: a VIN has 17 characters, not {len(value)}")
    if not _VIN.match(value):
        raise ProvisionError(f"invalid VIN {vin!r}: only A-Z and 0-9 are allowed, except I, O and Q")
    return value


def brand_of_vin(vin: str) -> str:
    """The brand code the VIN's manufacturer identifier names, or the default brand (Peugeot)."""
    return WMI_BRANDS.get(vin[:3].upper(), DEFAULT_BRAND)


def check_redirect_uri(uri: str) -> str:
    value = uri.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.hostname:
        raise ProvisionError(f"invalid redirect URI {uri!r}: it must be an absolute http:// or https:// URI")
    if parts.fragment or "#" in value:
        raise ProvisionError(f"invalid redirect URI {uri!r}: it must not contain a fragment (#...)")
    if any(c.isspace() for c in value):
        raise ProvisionError(f"invalid redirect URI {uri!r}: it must not contain spaces")
    return value


def check_realm(realm: str) -> str:
    value = realm.strip().lower()
    if value not in BY_REALM:
        raise ProvisionError(f"unknown realm {realm!r}; expected one of {', '.join(BY_REALM)}")
    return value


# -- users ----------------------------------------------------------------------------------------


def find_user(conn: Connection, email: str) -> User:
    user = accounts.user_by_email(conn, email)
    if user is None:
        raise ProvisionError(f"no user with email {email.strip().lower()!r}")
    return user


def create_user(
    conn: Connection, clock: Clock, *, email: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    address = normalize_email(email)
    check_password(password)
    if accounts.user_by_email(conn, address) is not None:
        raise ProvisionError(f"a user with email {address!r} already exists")
    now = clock.now()
    user = User(
        id=new_user_id(),
        email=address,
        password_hash=hash_password(password),
        first_name=first_name.strip()[:100],
        last_name=last_name.strip()[:100],
        created_at=now,
        updated_at=now,
    )
    accounts.create_user(conn, user)
    return user


def delete_user(conn: Connection, email: str) -> tuple[User, int]:
    """Delete a user; their vehicles stay, unassigned. Returns the user and how many vehicles they had."""
    user = find_user(conn, email)
    owned, _ = vehicles.vehicles_of_user(conn, user.id, limit=0)
    accounts.delete_user(conn, user.id)
    return user, owned


# -- OAuth2 clients -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewClient:
    client: OAuthClient
    secret: str | None  # shown once; only its hash is stored. None for a public client.


def find_client(conn: Connection, client_id: str) -> OAuthClient:
    client = accounts.client_by_id(conn, client_id.strip())
    if client is None:
        raise ProvisionError(f"no OAuth2 client with client_id {client_id.strip()!r}")
    return client


def create_client(
    conn: Connection,
    clock: Clock,
    *,
    name: str,
    redirect_uris: list[str],
    public: bool = False,
    rate_limit: int | None = None,
) -> NewClient:
    label = name.strip()
    if not label or len(label) > 200:
        raise ProvisionError("invalid client name: it must have 1 to 200 characters")
    if not redirect_uris:
        raise ProvisionError("a client needs at least one --redirect-uri")
    uris = tuple(dict.fromkeys(check_redirect_uri(u) for u in redirect_uris))
    if rate_limit is not None and rate_limit < 1:
        raise ProvisionError("invalid rate limit: it must be at least 1 request per window")
    secret = None if public else new_secret(32)
    client = OAuthClient(
        client_id=new_client_id(),
        name=label,
        secret_hash=hash_token(secret) if secret else None,
        redirect_uris=uris,
        public=public,
        rate_limit=rate_limit,
        created_at=clock.now(),
    )
    accounts.create_client(conn, client)
    return NewClient(client, secret)


def rotate_client_secret(conn: Connection, clock: Clock, client_id: str) -> str:
    client = find_client(conn, client_id)
    if client.public:
        raise ProvisionError(f"client {client_id!r} is public: it has no secret")
    secret = new_secret(32)
    accounts.update_client(conn, client.client_id, to_ms(clock.now()), secret_hash=hash_token(secret))
    return secret


def delete_client(conn: Connection, client_id: str) -> OAuthClient:
    client = find_client(conn, client_id)
    accounts.delete_client(conn, client.client_id)
    return client


# -- vehicles -------------------------------------------------------------------------------------


def create_vehicle(
    conn: Connection,
    clock: Clock,
    *,
    vin: str,
    owner_email: str | None,
    brand: str | None = None,
    model: str = "",
    sub_model: str = "",
    engine: str = "",
    gearbox: str = "",
    energy: str = "Fuel",
    device_id: str | None = None,
) -> Vehicle:
    number = normalize_vin(vin)
    try:
        code = brand_code(brand) if brand else brand_of_vin(number)
        energy_value = energy_name(energy)
    except ValueError as exc:
        raise ProvisionError(str(exc)) from None
    for label, value in (("model", model), ("sub-model", sub_model), ("engine", engine), ("gearbox", gearbox)):
        if len(value.strip()) > 32:
            raise ProvisionError(f"invalid {label} {value!r}: at most 32 characters")
    device = device_id.strip() if device_id else None
    if device is not None and not 1 <= len(device) <= 64:
        raise ProvisionError("invalid device id: it must have 1 to 64 characters")
    owner = find_user(conn, owner_email) if owner_email else None
    if vehicles.vehicle_by_vin(conn, number) is not None:
        raise ProvisionError(f"a vehicle with VIN {number} already exists")
    if device is not None and vehicles.vehicle_by_device(conn, device) is not None:
        raise ProvisionError(f"device id {device!r} is already paired with another vehicle")
    now = clock.now()
    vehicle = Vehicle(
        id=new_vehicle_id(),
        vin=number,
        user_id=owner.id if owner else None,
        device_id=device,
        brand=code,
        model=model.strip(),
        sub_model=sub_model.strip(),
        engine=engine.strip(),
        gearbox=gearbox.strip(),
        energy=energy_value,
        created_at=now,
        updated_at=now,
    )
    vehicles.create_vehicle(conn, vehicle)
    return vehicle


def issue_device_token(conn: Connection, clock: Clock, vehicle_id: str) -> str:
    """A new native-protocol device token for the vehicle (the old one stops working); only its hash is kept."""
    token = new_secret(32)
    vehicles.set_device_token_hash(conn, vehicle_id, hash_token(token), to_ms(clock.now()))
    return token


def find_vehicle(conn: Connection, *, vin: str | None = None, vehicle_id: str | None = None) -> Vehicle:
    if (vin is None) == (vehicle_id is None):
        raise ProvisionError("name the vehicle by exactly one of --vin or --id")
    if vin is not None:
        found = vehicles.vehicle_by_vin(conn, vin)
        if found is None:
            raise ProvisionError(f"no vehicle with VIN {vin.strip().upper()!r}")
        return found
    assert vehicle_id is not None
    found = vehicles.vehicle_by_id(conn, vehicle_id.strip().upper())
    if found is None:
        raise ProvisionError(f"no vehicle with id {vehicle_id.strip()!r}")
    return found


def delete_vehicle(conn: Connection, *, vin: str | None = None, vehicle_id: str | None = None) -> Vehicle:
    """Delete a vehicle and, by cascade, everything it reported."""
    found = find_vehicle(conn, vin=vin, vehicle_id=vehicle_id)
    vehicles.delete_vehicle(conn, found.id)
    return found


# -- tokens ---------------------------------------------------------------------------------------


def issue_token(
    conn: Connection, tokens: TokenService, *, email: str, client_id: str, realm: str = "peugeot"
) -> tuple[User, OAuthClient, TokenPair]:
    """An access/refresh token pair for the user and client, without the browser sign-in."""
    user = find_user(conn, email)
    client = find_client(conn, client_id)
    pair = tokens.issue_direct(conn, client_id=client.client_id, user_id=user.id, realm=check_realm(realm))
    return user, client, pair


# -- fleets ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewFleet:
    fleet: Fleet
    password: str  # the Basic password, shown once; only its scrypt hash is stored


def new_fleet_password() -> str:
    return new_secret(18)


def new_webhook_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def find_fleet(conn: Connection, fleet_id: str) -> Fleet:
    fleet = fleets.fleet_by_id(conn, fleet_id.strip())
    if fleet is None:
        raise ProvisionError(f"no fleet with id {fleet_id.strip()!r}")
    return fleet


def create_fleet(conn: Connection, clock: Clock, *, name: str) -> NewFleet:
    """A fleet with its own client_id and HTTP Basic credentials (user name and a random password)."""
    label = name.strip()
    if not label or len(label) > 200:
        raise ProvisionError("invalid fleet name: it must have 1 to 200 characters")
    password = new_fleet_password()
    now = clock.now()
    fleet = Fleet(
        id=new_fleet_id(),
        name=label,
        client_id=new_client_id(),
        username=new_fleet_username(),
        password_hash=hash_password(password),
        created_at=now,
        updated_at=now,
        webhook_secret=new_webhook_secret(),
    )
    fleets.create_fleet(conn, fleet)
    return NewFleet(fleet, password)


def reset_fleet_password(conn: Connection, clock: Clock, fleet_id: str) -> str:
    fleet = find_fleet(conn, fleet_id)
    password = new_fleet_password()
    fleets.set_password_hash(conn, fleet.id, hash_password(password), to_ms(clock.now()))
    return password


def delete_fleet(conn: Connection, fleet_id: str) -> tuple[Fleet, int]:
    """Delete a fleet; its vehicles stay. Returns the fleet and how many vehicles it had."""
    fleet = find_fleet(conn, fleet_id)
    count, _ = fleets.vehicles_of_fleet(conn, fleet.id, limit=0)
    fleets.delete_fleet(conn, fleet.id)
    return fleet, count


def add_to_fleet(
    conn: Connection, clock: Clock, fleet_id: str, *, vin: str | None = None, vehicle_id: str | None = None
) -> tuple[Fleet, Vehicle]:
    """Put an existing vehicle in a fleet (a vehicle may be in several fleets); idempotent."""
    fleet = find_fleet(conn, fleet_id)
    vehicle = find_vehicle(conn, vin=vin, vehicle_id=vehicle_id)
    fleets.add_vehicles(conn, fleet.id, [vehicle.id], to_ms(clock.now()))
    return fleet, vehicle
