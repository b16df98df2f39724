"""Which monitors an update must evaluate, without looking at every monitor.

Only monitors made of zone triggers alone, whose expression is false while the vehicle is outside all
of their zones and has never left one, are indexed spatially: for them, an update whose segment (from
the previous fix to this one) does not touch any of their zones' bounding boxes can change nothing
and fire nothing (refresh events come from ticks). Every other monitor (with a time or data trigger,
or an expression such as `!z1` that holds far from the zone) is a candidate for every update of its
vehicles.

The spatial part is a uniform grid of cells (default 0.01 degree, about 1 km) over the zones' bounding
boxes: a cell lists the monitors whose boxes touch it, so an update looks at the few monitors whose
boxes touch its segment's cells and tests their boxes (the union first, then each zone's). Zones
covering more than MAX_CELLS cells, and segments whose box covers more than that, fall back to a scan
of bounding boxes, which keeps memory bounded and stays correct. With 25,000 zones of 0.2 to 2 km over
Ile-de-France, a cell lists about 15 monitors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from math import floor

from connectedcar.engine.monitors.expression import evaluate_expression
from connectedcar.engine.monitors.model import BBox, Monitor, ZoneTrigger

LatLon = tuple[float, float]
Segment = tuple[LatLon | None, LatLon]  # (previous fix or None, this fix)
MAX_CELLS = 1024


def spatially_prunable(monitor: Monitor) -> bool:
    """Whether the monitor can be skipped for updates far from all its zones."""
    if not all(isinstance(t, ZoneTrigger) for t in monitor.triggers):
        return False
    return not evaluate_expression(monitor.expression, {})


@dataclass(frozen=True, slots=True)
class _Entry:
    monitor_id: str
    boxes: tuple[BBox, ...]
    vehicles: frozenset[str] | None  # None: every vehicle
    # the union of the boxes, as plain floats: the first, cheap test
    min_lat: float = 0.0
    min_lon: float = 0.0
    max_lat: float = 0.0
    max_lon: float = 0.0

    @classmethod
    def of(cls, monitor_id: str, boxes: tuple[BBox, ...], vehicles: frozenset[str] | None) -> _Entry:
        if not boxes:
            return cls(monitor_id, boxes, vehicles)
        return cls(
            monitor_id,
            boxes,
            vehicles,
            min(b.min_lat for b in boxes),
            min(b.min_lon for b in boxes),
            max(b.max_lat for b in boxes),
            max(b.max_lon for b in boxes),
        )


class MonitorIndex:
    def __init__(self, cell_deg: float = 0.01) -> None:
        self.cell_deg = cell_deg
        self._entries: dict[str, _Entry] = {}
        self._cells: dict[tuple[int, int], set[str]] = {}
        self._large: set[str] = set()  # spatial entries with a zone too big for the grid
        self._always: dict[str, _Entry] = {}  # candidates whatever the position

    def __len__(self) -> int:
        return len(self._entries)

    def _cell_range(self, box: BBox) -> tuple[int, int, int, int]:
        c = self.cell_deg
        return floor(box.min_lat / c), floor(box.min_lon / c), floor(box.max_lat / c), floor(box.max_lon / c)

    def _count(self, box: BBox) -> int:
        i0, j0, i1, j1 = self._cell_range(box)
        return (i1 - i0 + 1) * (j1 - j0 + 1)

    def add(self, monitor_id: str, monitor: Monitor, vehicles: Iterable[str] | None = None) -> None:
        """Index a monitor (replacing any with the same id) for the vehicles given, or all vehicles."""
        self.remove(monitor_id)
        boxes = tuple(z.shape.bbox for z in monitor.zone_triggers)
        entry = _Entry.of(monitor_id, boxes, None if vehicles is None else frozenset(vehicles))
        self._entries[monitor_id] = entry
        if not spatially_prunable(monitor):
            self._always[monitor_id] = entry
            return
        for box in boxes:
            if self._count(box) > MAX_CELLS:
                self._large.add(monitor_id)
                continue
            for key in self._keys(box):
                self._cells.setdefault(key, set()).add(monitor_id)

    def _keys(self, box: BBox) -> Iterable[tuple[int, int]]:
        i0, j0, i1, j1 = self._cell_range(box)
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                yield i, j

    def remove(self, monitor_id: str) -> None:
        entry = self._entries.pop(monitor_id, None)
        if entry is None:
            return
        self._always.pop(monitor_id, None)
        self._large.discard(monitor_id)
        for box in entry.boxes:
            if self._count(box) > MAX_CELLS:
                continue
            for key in self._keys(box):
                cell = self._cells.get(key)
                if cell is not None:
                    cell.discard(monitor_id)
                    if not cell:
                        del self._cells[key]

    def candidates(self, vehicle_id: str, segment: Segment | None) -> set[str]:
        """The ids of the monitors to evaluate for this vehicle's update (segment None: no position)."""
        out = {m for m, e in self._always.items() if e.vehicles is None or vehicle_id in e.vehicles}
        if segment is None:
            return out
        start, end = segment
        a = start if start is not None else end
        lo_lat, hi_lat = (a[0], end[0]) if a[0] <= end[0] else (end[0], a[0])
        lo_lon, hi_lon = (a[1], end[1]) if a[1] <= end[1] else (end[1], a[1])
        c = self.cell_deg
        i0, j0, i1, j1 = floor(lo_lat / c), floor(lo_lon / c), floor(hi_lat / c), floor(hi_lon / c)
        near: Iterable[str]
        if (i1 - i0 + 1) * (j1 - j0 + 1) > MAX_CELLS:
            near = [m for m in self._entries if m not in self._always]
        elif i0 == i1 and j0 == j1 and not self._large:  # the usual case: one cell
            near = self._cells.get((i0, j0), ())
        else:
            gathered = set(self._large)
            cells = self._cells
            for i in range(i0, i1 + 1):
                for j in range(j0, j1 + 1):
                    found = cells.get((i, j))
                    if found:
                        gathered |= found
            near = gathered
        entries = self._entries
        for monitor_id in near:
            e = entries[monitor_id]
            if e.min_lat > hi_lat or e.max_lat < lo_lat or e.min_lon > hi_lon or e.max_lon < lo_lon:
                continue
            if e.vehicles is not None and vehicle_id not in e.vehicles:
                continue
            if len(e.boxes) > 1:
                box = BBox(lo_lat, lo_lon, hi_lat, hi_lon)
                if not any(b.intersects(box) for b in e.boxes):
                    continue
            out.add(monitor_id)
        return out
