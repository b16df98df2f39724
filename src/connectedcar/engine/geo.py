"""Distances and angles on the Earth's surface."""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    phi1 = radians(lat1)
    phi2 = radians(lat2)
    a = sin((phi2 - phi1) * 0.5) ** 2 + cos(phi1) * cos(phi2) * sin(radians(lon2 - lon1) * 0.5) ** 2
    return 2.0 * EARTH_RADIUS_M * asin(min(1.0, sqrt(a)))


def heading_delta(a: float, b: float) -> float:
    """The smaller angle between two headings, in [0, 180]."""
    d = abs(a - b) % 360.0
    return 360.0 - d if d > 180.0 else d


def normal_heading(heading: float) -> float:
    """A finite heading folded into [0, 360)."""
    h = heading % 360.0
    return 0.0 if h >= 360.0 else h
