"""Zone geometry: is a point inside a circle or polygon, and does a segment between two fixes cross it.

Circles: a segment is straight in a local equirectangular projection (metres), exact enough for
consecutive fixes. Polygons: edges and segments are straight in latitude/longitude. The antimeridian
is not handled.
"""

from __future__ import annotations

from math import cos, radians

from connectedcar.engine.geo import haversine_m
from connectedcar.engine.monitors.model import M_PER_DEGREE, Circle, Polygon, Shape

LatLon = tuple[float, float]


# Up to this radius a circle's inside is decided in the local equirectangular projection (about 1e-4
# relative error at 50 km: centimetres at the edge, and several times faster than a haversine).
PROJECTED_RADIUS_M = 50_000.0


def contains(shape: Shape, point: LatLon) -> bool:
    if isinstance(shape, Circle):
        if shape.radius_m <= PROJECTED_RADIUS_M:
            dy = (point[0] - shape.lat) * M_PER_DEGREE
            dx = (point[1] - shape.lon) * shape.cos_lat * M_PER_DEGREE
            return dx * dx + dy * dy <= shape.radius_m * shape.radius_m
        return haversine_m(shape.lat, shape.lon, point[0], point[1]) <= shape.radius_m
    return _in_polygon(shape, point)


def passes_through(shape: Shape, a: LatLon, b: LatLon) -> bool:
    """Whether the segment a→b, whose ends are both outside the shape, goes through it."""
    if isinstance(shape, Circle):
        return _segment_meets_circle(shape, a, b)
    return any(_segments_cross(a, b, p, q) for p, q in _edges(shape))


def _project(origin_lat: float, origin_lon: float, p: LatLon) -> tuple[float, float]:
    k = cos(radians(origin_lat))
    return ((p[1] - origin_lon) * k * M_PER_DEGREE, (p[0] - origin_lat) * M_PER_DEGREE)


def _segment_meets_circle(circle: Circle, a: LatLon, b: LatLon) -> bool:
    ax, ay = _project(circle.lat, circle.lon, a)
    bx, by = _project(circle.lat, circle.lon, b)
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0.0:
        return False
    t = -(ax * dx + ay * dy) / length2  # where the segment comes closest to the centre (the origin)
    if t <= 0.0 or t >= 1.0:
        return False  # closest at an end, and both ends are outside
    cx, cy = ax + t * dx, ay + t * dy
    return cx * cx + cy * cy <= circle.radius_m * circle.radius_m


def _edges(polygon: Polygon) -> list[tuple[LatLon, LatLon]]:
    pts = polygon.points
    return [(pts[i], pts[(i + 1) % len(pts)]) for i in range(len(pts))]


def _in_polygon(polygon: Polygon, point: LatLon) -> bool:
    if not (polygon.bbox.min_lat <= point[0] <= polygon.bbox.max_lat):
        return False
    if not (polygon.bbox.min_lon <= point[1] <= polygon.bbox.max_lon):
        return False
    lat, lon = point
    inside = False
    for (lat1, lon1), (lat2, lon2) in _edges(polygon):
        if (lat1 > lat) != (lat2 > lat):
            lon_at = lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1)
            if lon < lon_at:
                inside = not inside
    return inside


def _orientation(p: LatLon, q: LatLon, r: LatLon) -> float:
    # lon as x, lat as y; the sign is all that matters, so no projection is needed
    return (q[1] - p[1]) * (r[0] - p[0]) - (q[0] - p[0]) * (r[1] - p[1])


def _segments_cross(a: LatLon, b: LatLon, p: LatLon, q: LatLon) -> bool:
    d1 = _orientation(p, q, a)
    d2 = _orientation(p, q, b)
    d3 = _orientation(a, b, p)
    d4 = _orientation(a, b, q)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and d1 != 0 and d2 != 0
