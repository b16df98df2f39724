"""What a simulated vehicle is: VIN, brand, model, energy and its driver; and a mixed fleet of them."""

from __future__ import annotations

import random
from dataclasses import dataclass

from connectedcar.domain.brands import BRANDS, ENERGIES
from connectedcar.domain.reports import VehicleProfile
from connectedcar.simulator.driver import Driver, make_driver
from connectedcar.simulator.places import ILE_DE_FRANCE, Region
from connectedcar.simulator.powertrain import BY_ENERGY, Powertrain

WMI = {"P": "VF3", "C": "VF7", "DS": "VR1", "OP": "W0L", "VX": "W0V"}
BRAND_SHARE = {"P": 0.35, "C": 0.25, "DS": 0.10, "OP": 0.18, "VX": 0.12}
ENERGY_SHARE = {"Fuel": 0.55, "Electric": 0.25, "Hybrid": 0.20}
MODELS: dict[str, dict[str, tuple[str, ...]]] = {
    "P": {
        "Fuel": ("208", "2008", "308", "3008", "5008"),
        "Electric": ("e-208", "e-2008", "e-308"),
        "Hybrid": ("308 Hybrid", "3008 Hybrid4", "508 Hybrid"),
    },
    "C": {
        "Fuel": ("C3", "C4", "C5 Aircross", "Berlingo"),
        "Electric": ("ë-C4", "ë-Berlingo", "ë-C3"),
        "Hybrid": ("C5 Aircross Hybrid", "C5 X Hybrid"),
    },
    "DS": {
        "Fuel": ("DS 3", "DS 4", "DS 7"),
        "Electric": ("DS 3 E-Tense",),
        "Hybrid": ("DS 4 E-Tense 225", "DS 7 E-Tense 4x4"),
    },
    "OP": {
        "Fuel": ("Corsa", "Astra", "Mokka", "Grandland"),
        "Electric": ("Corsa Electric", "Mokka Electric", "Astra Electric"),
        "Hybrid": ("Astra Plug-in Hybrid", "Grandland Plug-in Hybrid"),
    },
    "VX": {
        "Fuel": ("Corsa", "Astra", "Mokka", "Grandland"),
        "Electric": ("Corsa Electric", "Mokka Electric", "Astra Electric"),
        "Hybrid": ("Astra Plug-in Hybrid", "Grandland Plug-in Hybrid"),
    },
}
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"  # no I, O, Q
_VIN_VALUES = dict(
    zip("ABCDEFGHJKLMNPRSTUVWXYZ", (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)
)
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


@dataclass(frozen=True, slots=True)
class SimVehicleSpec:
    vin: str
    brand: str  # domain.brands code: P, C, DS, OP, VX
    model: str
    energy: str  # Fuel, Electric, Hybrid
    driver: Driver
    vehicle_id: str = ""  # the platform's id for the vehicle, if not the VIN (reports carry it)

    @property
    def id(self) -> str:
        return self.vehicle_id or self.vin

    @property
    def powertrain(self) -> Powertrain:
        return BY_ENERGY[self.energy]

    def profile(self, registered_ms: int = 0) -> VehicleProfile:
        """What the pipeline needs to know about this vehicle."""
        p = self.powertrain
        return VehicleProfile(
            vehicle_id=self.id,
            energy=self.energy,
            tank_litres=p.tank_litres or 50.0,
            battery_kwh=p.battery_kwh or 50.0,
            registered_ms=registered_ms,
        )


def vin_check_digit(vin: str) -> str:
    """ISO 3779 check digit (position 9), as North American VINs have and many European ones do."""
    total = sum((int(c) if c.isdigit() else _VIN_VALUES[c]) * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def make_vin(rng: random.Random, brand: str) -> str:
    vds = "".join(rng.choice(_VIN_CHARS) for _ in range(4)) + rng.choice("0123456789")
    year = rng.choice("LMNPRS")  # 2020-2025
    plant = rng.choice("ABCDEFJKLSWY")
    serial = f"{rng.randrange(1_000_000):06d}"
    draft = f"{WMI[brand]}{vds}0{year}{plant}{serial}"
    return draft[:8] + vin_check_digit(draft) + draft[9:]


def _quotas(n: int, shares: dict[str, float]) -> list[str]:
    """n items split by shares, by largest remainder (exact for small fleets: 20 -> 11/5/4)."""
    exact = {k: n * v for k, v in shares.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[: n - sum(counts.values())]:
        counts[k] += 1
    return [k for k in shares for _ in range(counts[k])]


def fleet_specs(n: int, seed: int, region: Region = ILE_DE_FRANCE) -> list[SimVehicleSpec]:
    """A mixed fleet: brands by market share (every brand once there are five vehicles), energies
    about 55 % Fuel, 25 % Electric, 20 % Hybrid, each vehicle with its own driver and home."""
    rng = random.Random(f"fleet:{seed}")
    brands = _quotas(n, BRAND_SHARE)
    if n >= len(BRANDS):  # guarantee every brand at least once
        missing = [b.code for b in BRANDS if b.code not in brands]
        for code in missing:
            top = max(set(brands), key=brands.count)
            brands[brands.index(top)] = code
    energies = _quotas(n, ENERGY_SHARE)
    rng.shuffle(brands)
    rng.shuffle(energies)
    assert set(energies) <= set(ENERGIES)
    specs: list[SimVehicleSpec] = []
    vins: set[str] = set()
    for brand, energy in zip(brands, energies, strict=True):
        vin = make_vin(rng, brand)
        while vin in vins:
            vin = make_vin(rng, brand)
        vins.add(vin)
        model = rng.choice(MODELS[brand][energy])
        specs.append(SimVehicleSpec(vin, brand, model, energy, make_driver(rng, region, vin[-6:])))
    return specs
