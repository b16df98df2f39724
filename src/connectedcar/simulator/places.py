"""Where drivers go: a region with named places (suburbs where people live, offices, shops,
restaurants, leisure spots, fast chargers and fuel stations). Île-de-France by default."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from connectedcar.simulator.geo import distance_m, to_latlon, to_xy

KINDS = ("home", "suburb", "office", "shop", "restaurant", "leisure", "charger", "fuel")


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    kind: str  # one of KINDS
    lat: float
    lon: float

    def distance_to(self, other: Place) -> float:
        """Straight-line distance in metres."""
        return distance_m(self.lat, self.lon, other.lat, other.lon)


@dataclass(frozen=True, slots=True)
class BoundingBox:
    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


@dataclass(frozen=True)
class Region:
    name: str
    bbox: BoundingBox
    places: tuple[Place, ...]
    _by_kind: dict[str, tuple[Place, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_kind = {kind: tuple(p for p in self.places if p.kind == kind) for kind in KINDS}
        object.__setattr__(self, "_by_kind", by_kind)

    def of_kind(self, kind: str) -> tuple[Place, ...]:
        return self._by_kind.get(kind, ())

    def nearest(self, kind: str, lat: float, lon: float) -> Place:
        return min(self.of_kind(kind), key=lambda p: distance_m(lat, lon, p.lat, p.lon))

    def on_the_way(self, kind: str, origin: Place, destination: Place) -> Place:
        """The place of a kind that adds the least distance to a trip (a refuelling detour)."""
        return min(self.of_kind(kind), key=lambda p: origin.distance_to(p) + p.distance_to(destination))

    def near(self, kind: str, anchor: Place, rng: random.Random, within: int = 3) -> Place:
        """One of the `within` places of a kind closest to an anchor: where one shops or eats."""
        ranked = sorted(self.of_kind(kind), key=anchor.distance_to)
        return rng.choice(ranked[:within])

    def home_in(self, suburb: Place, rng: random.Random, label: str) -> Place:
        """A home a short way from a suburb's centre (every driver gets their own street)."""
        x, y = to_xy(suburb.lat, suburb.lon)
        angle, radius = rng.uniform(0, 2 * math.pi), rng.uniform(150, 1_800)
        lat, lon = to_latlon(x + radius * math.cos(angle), y + radius * math.sin(angle))
        return Place(f"{label}, {suburb.name}", "home", round(lat, 6), round(lon, 6))


def _places(kind: str, rows: Sequence[tuple[str, float, float]]) -> list[Place]:
    return [Place(name, kind, lat, lon) for name, lat, lon in rows]


_SUBURBS = _places(
    "suburb",
    [
        ("Versailles", 48.8049, 2.1204),
        ("Saint-Germain-en-Laye", 48.8989, 2.0938),
        ("Rueil-Malmaison", 48.8778, 2.1803),
        ("Le Vésinet", 48.8932, 2.1313),
        ("Boulogne-Billancourt", 48.8397, 2.2399),
        ("Clamart", 48.8000, 2.2667),
        ("Sceaux", 48.7786, 2.2906),
        ("Antony", 48.7539, 2.2975),
        ("Massy", 48.7309, 2.2713),
        ("Évry-Courcouronnes", 48.6290, 2.4410),
        ("Melun", 48.5394, 2.6600),
        ("Créteil", 48.7904, 2.4556),
        ("Saint-Maur-des-Fossés", 48.7994, 2.4997),
        ("Vincennes", 48.8474, 2.4392),
        ("Montreuil", 48.8638, 2.4485),
        ("Rosny-sous-Bois", 48.8745, 2.4860),
        ("Noisy-le-Grand", 48.8486, 2.5526),
        ("Chelles", 48.8786, 2.5906),
        ("Meaux", 48.9601, 2.8788),
        ("Aulnay-sous-Bois", 48.9386, 2.4975),
        ("Saint-Denis", 48.9362, 2.3574),
        ("Argenteuil", 48.9472, 2.2467),
        ("Colombes", 48.9226, 2.2522),
        ("Nanterre", 48.8924, 2.2071),
        ("Poissy", 48.9290, 2.0450),
        ("Cergy", 49.0364, 2.0761),
        ("Pontoise", 49.0508, 2.1008),
        ("Paris 11e", 48.8592, 2.3800),
        ("Paris 15e", 48.8417, 2.3000),
        ("Paris 17e", 48.8873, 2.3066),
    ],
)

_OFFICES = _places(
    "office",
    [
        ("La Défense, Tour First", 48.8910, 2.2386),
        ("La Défense, Cœur Défense", 48.8906, 2.2469),
        ("Paris 8e, Champs-Élysées", 48.8718, 2.3030),
        ("Paris 9e, Opéra", 48.8720, 2.3316),
        ("Paris 2e, Bourse", 48.8687, 2.3412),
        ("Paris 13e, Bibliothèque", 48.8298, 2.3770),
        ("Paris 12e, Gare de Lyon", 48.8443, 2.3743),
        ("Issy-les-Moulineaux, Val de Seine", 48.8270, 2.2640),
        ("Saint-Denis, Pleyel", 48.9187, 2.3434),
        ("Vélizy-Villacoublay, Inovel Parc", 48.7826, 2.1939),
        ("Massy, Atlantis", 48.7250, 2.2600),
        ("Saclay, Paris-Saclay", 48.7120, 2.1700),
        ("Roissy, Paris-CDG", 49.0097, 2.5479),
        ("Rungis, Marché international", 48.7470, 2.3510),
        ("Poissy, plant", 48.9330, 2.0330),
        ("Marne-la-Vallée, Cité Descartes", 48.8400, 2.5880),
    ],
)

_SHOPS = _places(
    "shop",
    [
        ("Parly 2", 48.8270, 2.1170),
        ("Vélizy 2", 48.7820, 2.2200),
        ("Westfield Les 4 Temps", 48.8917, 2.2384),
        ("Créteil Soleil", 48.7780, 2.4480),
        ("Rosny 2", 48.8800, 2.4800),
        ("Val d'Europe", 48.8550, 2.7900),
        ("Belle Épine", 48.7560, 2.3650),
        ("Carré Sénart", 48.6040, 2.5990),
        ("O'Parinor", 48.9660, 2.5130),
        ("Forum des Halles", 48.8622, 2.3470),
        ("Beaugrenelle", 48.8489, 2.2823),
        ("Art de Vivre, Éragny", 49.0130, 2.1100),
        ("Carrefour Montesson", 48.9080, 2.1430),
        ("Auchan Vélizy", 48.7870, 2.2110),
    ],
)

# Lunch spots a few hundred metres from the office districts.
_RESTAURANTS = [
    Place(f"Brasserie near {office.name}", "restaurant", round(office.lat + 0.0031, 6), round(office.lon - 0.0042, 6))
    for office in _OFFICES
]

_LEISURE = _places(
    "leisure",
    [
        ("Parc de Saint-Cloud", 48.8390, 2.2150),
        ("Bois de Vincennes", 48.8330, 2.4330),
        ("Stade de France", 48.9245, 2.3602),
        ("Disneyland Paris", 48.8722, 2.7758),
        ("Forêt de Fontainebleau", 48.4047, 2.6997),
        ("Château de Versailles", 48.8049, 2.1204),
        ("Île de loisirs de Cergy", 49.0250, 2.0500),
        ("Parc de Sceaux", 48.7720, 2.3000),
    ],
)

_CHARGERS = _places(
    "charger",
    [
        ("Fast charger, Porte de Saint-Cloud", 48.8380, 2.2570),
        ("Fast charger, Créteil", 48.7800, 2.4600),
        ("Fast charger, Roissy", 49.0000, 2.5200),
        ("Fast charger, Vélizy", 48.7850, 2.2050),
        ("Fast charger, Saint-Denis", 48.9300, 2.3550),
        ("Fast charger, Marne-la-Vallée", 48.8450, 2.6500),
        ("Fast charger, Cergy", 49.0400, 2.0700),
        ("Fast charger, Évry", 48.6300, 2.4300),
        ("Fast charger, A10 Aire de Limours", 48.6150, 2.0900),
    ],
)

_FUEL = _places(
    "fuel",
    [
        ("Station, Porte Maillot", 48.8780, 2.2830),
        ("Station, Rueil", 48.8740, 2.1900),
        ("Station, Bercy", 48.8370, 2.3860),
        ("Station, A6 Aire de Morangis", 48.7050, 2.3380),
        ("Station, Versailles", 48.8100, 2.1400),
        ("Station, Saint-Denis", 48.9300, 2.3650),
        ("Station, Créteil", 48.7850, 2.4450),
        ("Station, Nanterre", 48.8950, 2.2150),
        ("Station, Montreuil", 48.8600, 2.4550),
        ("Station, Massy", 48.7300, 2.2800),
        ("Station, Cergy", 49.0300, 2.0800),
        ("Station, Meaux", 48.9550, 2.8700),
        ("Station, Melun", 48.5450, 2.6500),
        ("Station, Roissy", 49.0050, 2.5300),
        ("Station, Évry", 48.6350, 2.4500),
    ],
)

ILE_DE_FRANCE = Region(
    name="Île-de-France",
    bbox=BoundingBox(south=48.12, west=1.44, north=49.24, east=3.56),
    places=tuple(_SUBURBS + _OFFICES + _SHOPS + _RESTAURANTS + _LEISURE + _CHARGERS + _FUEL),
)
