"""The waypoints' `tolerance`: a trip's path simplified by the Ramer-Douglas-Peucker algorithm, with
the tolerance in km, as the fleet specs describe it. Distances are measured on a local equirectangular
projection of the path, which is exact enough at the scale of a trip."""

from __future__ import annotations

import math
from collections.abc import Sequence

from connectedcar.domain.entities import Waypoint

_KM_PER_DEGREE = 111.195  # mean Earth radius 6371.0 km × π / 180


def _projected(path: Sequence[Waypoint]) -> list[tuple[float, float]]:
    lat0 = math.radians(sum(w.lat for w in path) / len(path))
    scale = math.cos(lat0)
    return [(w.lon * _KM_PER_DEGREE * scale, w.lat * _KM_PER_DEGREE) for w in path]


def _distance_to_segment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    along = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
    return math.hypot(p[0] - (a[0] + along * dx), p[1] - (a[1] + along * dy))


def simplify(path: Sequence[Waypoint], tolerance_km: float) -> list[Waypoint]:
    """The waypoints kept, in driving order: the first, the last, and every one farther than the
    tolerance from the simplified line. Iterative, so that long trips do not hit the recursion limit."""
    if len(path) < 3 or tolerance_km <= 0:
        return list(path)
    points = _projected(path)
    keep = [False] * len(path)
    keep[0] = keep[-1] = True
    stack = [(0, len(path) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = -1, tolerance_km
        for i in range(first + 1, last):
            d = _distance_to_segment(points[i], points[first], points[last])
            if d > distance:
                farthest, distance = i, d
        if farthest >= 0:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [w for w, kept in zip(path, keep, strict=True) if kept]
