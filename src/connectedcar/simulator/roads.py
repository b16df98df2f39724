"""Road-like paths between two places: a polyline bent like real roads (a street grid out of the
origin, main roads, a motorway for long trips, a street grid into the destination), each segment with
a road class and its limit, each vertex with the speed a car can take it at and maybe traffic lights.

Everything a driving car needs per second is precomputed here as flat lists, so a tick is a few
index lookups and multiplications."""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass

from connectedcar.simulator.environment import altitude_m
from connectedcar.simulator.geo import heading_deg, to_latlon, to_xy
from connectedcar.simulator.places import Place


@dataclass(frozen=True, slots=True)
class RoadClass:
    name: str
    limit_kmh: float
    light_probability: float  # chance that a vertex of this class has traffic lights


URBAN_30 = RoadClass("urban", 30.0, 0.15)
URBAN_50 = RoadClass("urban", 50.0, 0.25)
MAIN_70 = RoadClass("main", 70.0, 0.12)
MAIN_90 = RoadClass("main", 90.0, 0.05)
MOTORWAY_110 = RoadClass("motorway", 110.0, 0.0)
MOTORWAY_130 = RoadClass("motorway", 130.0, 0.0)
ROAD_CLASSES = (URBAN_30, URBAN_50, MAIN_70, MAIN_90, MOTORWAY_110, MOTORWAY_130)

_Point = tuple[float, float]


def corner_speed_kmh(turn_deg: float) -> float:
    """How fast a car can take a bend of the given deflection: a right-angle junction at about
    15 km/h, a gentle motorway bend at full speed."""
    if turn_deg >= 90.0:
        return 12.0
    return 15.0 + 130.0 * (1.0 - turn_deg / 90.0) ** 2


class Path:
    """A drivable polyline. Segment i joins vertex i to vertex i + 1; speeds are stored in m/s."""

    __slots__ = (
        "alts",
        "cum",
        "dalt",
        "destination",
        "dlat",
        "dlon",
        "lats",
        "length_m",
        "lights",
        "lons",
        "origin",
        "seg_class",
        "seg_heading",
        "seg_len",
        "seg_limit",
        "vertex_corner",
        "vertex_speed",
    )

    def __init__(
        self, origin: Place, destination: Place, points: list[_Point], classes: list[RoadClass], lights: list[bool]
    ) -> None:
        self.origin = origin
        self.destination = destination
        n = len(points)
        latlon = [to_latlon(x, y) for x, y in points]
        self.lats = [lat for lat, _ in latlon]
        self.lons = [lon for _, lon in latlon]
        self.alts = [altitude_m(x, y) for x, y in points]
        self.seg_len = [
            math.hypot(points[i + 1][0] - points[i][0], points[i + 1][1] - points[i][1]) for i in range(n - 1)
        ]
        self.cum = [0.0]
        for length in self.seg_len:
            self.cum.append(self.cum[-1] + length)
        self.length_m = self.cum[-1]
        self.seg_heading = [
            heading_deg(points[i + 1][0] - points[i][0], points[i + 1][1] - points[i][1]) for i in range(n - 1)
        ]
        self.seg_class = classes
        self.seg_limit = [c.limit_kmh / 3.6 for c in classes]
        self.dlat = [self.lats[i + 1] - self.lats[i] for i in range(n - 1)]
        self.dlon = [self.lons[i + 1] - self.lons[i] for i in range(n - 1)]
        self.dalt = [self.alts[i + 1] - self.alts[i] for i in range(n - 1)]
        corners = [0.0] * n
        speeds = [0.0] * n
        for i in range(1, n - 1):
            turn = abs(self.seg_heading[i] - self.seg_heading[i - 1]) % 360.0
            turn = min(turn, 360.0 - turn)
            corners[i] = corner_speed_kmh(turn) / 3.6
            speeds[i] = min(corners[i], self.seg_limit[i - 1], self.seg_limit[i])
        self.vertex_corner = corners  # how fast the bend itself can be taken
        self.vertex_speed = speeds  # ... and within the limits of both segments
        self.lights = lights

    @property
    def length_km(self) -> float:
        return self.length_m / 1000.0

    @property
    def vertices(self) -> int:
        return len(self.lats)


def _rotate(x: float, y: float, c: float, s: float) -> _Point:
    return x * c - y * s, x * s + y * c


def _street_grid(rng: random.Random, a: _Point, b: _Point, block: tuple[float, float]) -> list[_Point]:
    """A Manhattan-like route on a street grid at a random orientation: alternating legs along the
    grid's two axes, blocks of random length, a little jitter (streets are not ruler-straight)."""
    angle = rng.uniform(0.0, math.pi / 2)
    c, s = math.cos(angle), math.sin(angle)
    # Work in the grid's frame: rotate by -angle.
    ax, ay = _rotate(a[0], a[1], c, -s)
    bx, by = _rotate(b[0], b[1], c, -s)
    x, y = ax, ay
    out: list[_Point] = []
    along_x = rng.random() < 0.5
    for _ in range(200):
        rx, ry = bx - x, by - y
        if abs(rx) < 1.0 and abs(ry) < 1.0:
            break
        if abs(rx) < 1.0:
            along_x = False
        elif abs(ry) < 1.0:
            along_x = True
        step = rng.uniform(*block)
        if along_x:
            x += math.copysign(min(abs(rx), step), rx)
            y += rng.uniform(-6.0, 6.0) if abs(ry) > 20.0 else 0.0
        else:
            y += math.copysign(min(abs(ry), step), ry)
            x += rng.uniform(-6.0, 6.0) if abs(rx) > 20.0 else 0.0
        out.append(_rotate(x, y, c, s))
        # Turn at most junctions, go straight on at some.
        if rng.random() < 0.7:
            along_x = not along_x
    if out:
        out[-1] = b
    else:
        out.append(b)
    return out


def _bent_road(rng: random.Random, a: _Point, b: _Point, seg: tuple[float, float], wander: float) -> list[_Point]:
    """A main road or motorway: roughly straight, with bends from a smooth random offset."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    d = math.hypot(dx, dy)
    if d < 1.0:
        return [b]
    n = max(1, round(d / rng.uniform(*seg)))
    nx, ny = -dy / d, dx / d
    # A random walk sideways, detrended so the road meets its junctions at both ends.
    walk = [0.0]
    for _ in range(n):
        walk.append(walk[-1] + rng.uniform(-1.0, 1.0) * wander * d / n)
    out: list[_Point] = []
    for i in range(1, n):
        f = i / n
        offset = walk[i] - walk[n] * f
        out.append((a[0] + dx * f + nx * offset, a[1] + dy * f + ny * offset))
    out.append(b)
    return out


def path_seed(seed: int, origin: Place, destination: Place) -> int:
    key = f"{seed}|{origin.name}|{origin.lat}|{origin.lon}|{destination.name}|{destination.lat}|{destination.lon}"
    return zlib.crc32(key.encode())


def build_path(origin: Place, destination: Place, seed: int = 0) -> Path:
    """A road-like path from origin to destination; the same arguments give the same path."""
    rng = random.Random(path_seed(seed, origin, destination))
    a, b = to_xy(origin.lat, origin.lon), to_xy(destination.lat, destination.lon)
    dx, dy = b[0] - a[0], b[1] - a[1]
    d = math.hypot(dx, dy)
    points: list[_Point] = [a]
    classes: list[RoadClass] = []

    def extend(new: list[_Point], road: RoadClass) -> None:
        for p in new:
            if math.hypot(p[0] - points[-1][0], p[1] - points[-1][1]) < 2.0:
                continue
            points.append(p)
            classes.append(road)

    def urban() -> RoadClass:
        return URBAN_30 if rng.random() < 0.25 else URBAN_50

    if d < 2_500.0:
        extend(_street_grid(rng, a, b, (80.0, 260.0)), urban())
    else:
        ux, uy = dx / d, dy / d
        nx, ny = -uy, ux
        ends = min(1_200.0, 0.15 * d)
        side_a, side_b = rng.uniform(-300.0, 300.0), rng.uniform(-300.0, 300.0)
        a1 = (a[0] + ux * ends + nx * side_a, a[1] + uy * ends + ny * side_a)
        b1 = (b[0] - ux * ends + nx * side_b, b[1] - uy * ends + ny * side_b)
        extend(_street_grid(rng, a, a1, (90.0, 280.0)), urban())
        main = MAIN_90 if rng.random() < 0.4 else MAIN_70
        if d > 12_000.0:
            ramp = min(2_500.0, 0.12 * d)
            a2 = (a1[0] + ux * ramp, a1[1] + uy * ramp)
            b2 = (b1[0] - ux * ramp, b1[1] - uy * ramp)
            extend(_bent_road(rng, a1, a2, (300.0, 700.0), 0.08), main)
            mid_x, mid_y = (a2[0] + b2[0]) / 2, (a2[1] + b2[1]) / 2
            motorway = MOTORWAY_110 if math.hypot(mid_x, mid_y) < 12_000.0 else MOTORWAY_130
            # Motorways follow valleys and ring roads, not the bee line: a dog-leg via one waypoint.
            bend = rng.choice((-1.0, 1.0)) * rng.uniform(0.1, 0.3) * d
            w = (mid_x + nx * bend, mid_y + ny * bend)
            extend(_bent_road(rng, a2, w, (900.0, 2_000.0), 0.03), motorway)
            extend(_bent_road(rng, w, b2, (900.0, 2_000.0), 0.03), motorway)
            extend(_bent_road(rng, b2, b1, (300.0, 700.0), 0.08), main)
        else:
            bend = rng.choice((-1.0, 1.0)) * rng.uniform(0.05, 0.3) * d
            w = ((a1[0] + b1[0]) / 2 + nx * bend, (a1[1] + b1[1]) / 2 + ny * bend)
            extend(_bent_road(rng, a1, w, (300.0, 700.0), 0.08), main)
            extend(_bent_road(rng, w, b1, (300.0, 700.0), 0.08), main)
        extend(_street_grid(rng, b1, b, (90.0, 280.0)), urban())
    if len(points) == 1:  # origin and destination (almost) coincide: a short loop round the block
        extend([(a[0] + 150.0, a[1]), (a[0] + 150.0, a[1] + 150.0), (a[0], a[1] + 150.0), a], URBAN_30)
    lights = [False] * len(points)
    for i in range(1, len(points) - 1):
        lights[i] = rng.random() < min(classes[i - 1].light_probability, classes[i].light_probability)
    return Path(origin, destination, points, classes, lights)


class PathCache:
    """Paths by (origin, destination): drivers mostly repeat the same trips."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._paths: dict[tuple[Place, Place], Path] = {}

    def get(self, origin: Place, destination: Place) -> Path:
        key = (origin, destination)
        path = self._paths.get(key)
        if path is None:
            path = self._paths[key] = build_path(origin, destination, self._seed)
        return path

    def __len__(self) -> int:
        return len(self._paths)
