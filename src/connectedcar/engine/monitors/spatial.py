"""Which monitors an update must evaluate, without looking at every monitor.

Only monitors made of zone triggers alone, whose expression is false while the vehicle is outside all
of their zones and has never left one, are indexed spatially: for them, an update whose segment (from
the previous fix to this one) does not touch any of their zones' bounding boxes can change nothing
and fire nothing (refresh events come from ticks). Every other monitor (with a time or data trigger,
or an expression such as `!z1` that holds far from the zone) is a candidate for every update of its
vehicles.

The spatial part is a uniform grid of cells (default 0.1 degree) over the zones' bounding boxes. Zones
covering more than MAX_CELLS cells, and segments whose box covers more than that, fall back to a scan
of bounding boxes, which keeps memory bounded and stays correct.
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


class MonitorIndex:
    def __init__(self, cell_deg: float = 0.1) -> None:
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
        entry = _Entry(monitor_id, boxes, None if vehicles is None else frozenset(vehicles))
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
        box = BBox(min(a[0], end[0]), min(a[1], end[1]), max(a[0], end[0]), max(a[1], end[1]))
        if self._count(box) > MAX_CELLS:
            near: set[str] = {m for m in self._entries if m not in self._always}
        else:
            near = set(self._large)
            for key in self._keys(box):
                near |= self._cells.get(key, set())
        for monitor_id in near:
            entry = self._entries[monitor_id]
            if entry.vehicles is not None and vehicle_id not in entry.vehicles:
                continue
            if any(b.intersects(box) for b in entry.boxes):
                out.add(monitor_id)
        return out
