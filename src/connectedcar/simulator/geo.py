"""Local flat-earth geometry: a region the size of Île-de-France is small enough for an
equirectangular projection (error well under 1 %), which keeps path maths to plain arithmetic."""

from __future__ import annotations

import math

# Projection centre: Paris, Notre-Dame.
LAT0 = 48.853
LON0 = 2.349
M_PER_DEG_LAT = 111_132.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(LAT0))


def to_xy(lat: float, lon: float) -> tuple[float, float]:
    """Metres east and north of the projection centre."""
    return (lon - LON0) * M_PER_DEG_LON, (lat - LAT0) * M_PER_DEG_LAT


def to_latlon(x: float, y: float) -> tuple[float, float]:
    return LAT0 + y / M_PER_DEG_LAT, LON0 + x / M_PER_DEG_LON


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    x1, y1 = to_xy(lat1, lon1)
    x2, y2 = to_xy(lat2, lon2)
    return math.hypot(x2 - x1, y2 - y1)


def heading_deg(dx: float, dy: float) -> float:
    """Compass heading of a displacement: degrees clockwise from north, in [0, 360)."""
    h = math.degrees(math.atan2(dx, dy)) % 360.0
    return 0.0 if h >= 360.0 else h
