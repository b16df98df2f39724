"""Brands and their sign-in realms, as the OAuth2 URLs and vehicle objects name them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Brand:
    realm: str  # path segment of /accounts/signin/v1/{realm}/oauth2/...
    code: str  # the vehicle object's "brand" property (seed 000 shows "C" for Citroën)
    name: str


BRANDS: tuple[Brand, ...] = (
    Brand("peugeot", "P", "Peugeot"),
    Brand("citroen", "C", "Citroën"),
    Brand("driveds", "DS", "DS Automobiles"),
    Brand("opel", "OP", "Opel"),
    Brand("vauxhall", "VX", "Vauxhall"),
)
BY_REALM = {b.realm: b for b in BRANDS}
BY_CODE = {b.code: b for b in BRANDS}


def brand_code(value: str) -> str:
    """Accept a realm ('citroen'), a display name ('DS') or a code ('C'); return the code."""
    key = value.strip()
    if key.upper() in BY_CODE:
        return key.upper()
    lowered = key.lower().replace("ë", "e").replace(" ", "")
    for brand in BRANDS:
        if lowered in (brand.realm, brand.name.lower().replace("ë", "e").replace(" ", ""), "ds"):
            return "DS" if lowered == "ds" else brand.code
    raise ValueError(f"unknown brand {value!r}; expected one of {', '.join(b.realm for b in BRANDS)}")


ENERGIES = ("Fuel", "Electric", "Hybrid")


def energy_name(value: str) -> str:
    for energy in ENERGIES:
        if value.strip().lower() == energy.lower():
            return energy
    aliases = {
        "ice": "Fuel",
        "ev": "Electric",
        "phev": "Hybrid",
        "hev": "Hybrid",
        "diesel": "Fuel",
        "petrol": "Fuel",
        "gasoline": "Fuel",
    }
    if value.strip().lower() in aliases:
        return aliases[value.strip().lower()]
    raise ValueError(f"unknown energy {value!r}; expected one of {', '.join(ENERGIES)}")
