"""What vehicles produced: positions, telemetry, trips and waypoints, alerts, collisions, maintenance,
events and eco-driving evaluations. Writes take entities; reads page newest first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Column, ColumnElement, Connection, Select, Table, and_, bindparam, func, or_, select

from connectedcar.domain import telemetry as catalogue
from connectedcar.domain.entities import (
    Alert,
    Collision,
    EcoDriving,
    Event,
    Maintenance,
    Position,
    TelemetryRecord,
    Trip,
    Waypoint,
)
from connectedcar.domain.timefmt import from_ms, to_ms
from connectedcar.store import tables as t
from connectedcar.store.database import bulk_insert_new, insert_new, json_text, upsert

TimeSpan = tuple[datetime | None, datetime | None]


@dataclass(frozen=True, slots=True)
class Window:
    """A page of a time-filtered collection: since/until (inclusive) and offset/limit.

    `spans` (the Fleet API's `timestamps`) are further (since, until) ranges, either end open: an item
    is kept when its time falls in any of them."""

    offset: int = 0
    limit: int = 10
    since: datetime | None = None
    until: datetime | None = None
    spans: tuple[TimeSpan, ...] = ()


def _ms(value: datetime | None) -> int | None:
    return None if value is None else to_ms(value)


def _opt(ms: int | None) -> datetime | None:
    return None if ms is None else from_ms(ms)


def _span(column: Column[int], since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if since is not None:
        clauses.append(column >= to_ms(since))
    if until is not None:
        clauses.append(column <= to_ms(until))
    return clauses


def _time_filter(column: Column[int], window: Window) -> list[ColumnElement[bool]]:
    clauses = _span(column, window.since, window.until)
    if window.spans:
        clauses.append(or_(*(and_(True, *_span(column, since, until)) for since, until in window.spans)))
    return clauses


def _in_fleet(column: Column[str], fleet_id: str) -> ColumnElement[bool]:
    """The row's vehicle is one of the fleet's: how every fleet-wide read is scoped to its tenant."""
    return column.in_(select(t.fleet_vehicles.c.vehicle_id).where(t.fleet_vehicles.c.fleet_id == fleet_id))


def _page(
    conn: Connection, table: Table, where: list[ColumnElement[bool]], time_column: Column[int], window: Window
) -> tuple[int, Sequence[Any]]:
    condition = and_(*where)
    total = conn.execute(select(func.count()).select_from(table).where(condition)).scalar_one()
    if total == 0 or window.offset >= total:
        return total, []
    query: Select[Any] = (
        select(table)
        .where(condition)
        .order_by(time_column.desc(), table.primary_key.columns.values()[0].desc())
        .offset(window.offset)
        .limit(window.limit)
    )
    return total, conn.execute(query).all()


# -- positions ------------------------------------------------------------------------------------


def _position(row: Any) -> Position:
    return Position(
        id=row.id,
        vehicle_id=row.vehicle_id,
        recorded_at=from_ms(row.recorded_at),
        lon=row.lon,
        lat=row.lat,
        alt=row.alt,
        heading=row.heading,
        speed=row.speed,
        trip_id=row.trip_id,
        updated_at=from_ms(row.updated_at),
    )


_POSITION_COLUMNS = (
    "id",
    "vehicle_id",
    "trip_id",
    "recorded_at",
    "lon",
    "lat",
    "alt",
    "heading",
    "speed",
    "created_at",
    "updated_at",
)


def add_positions(conn: Connection, items: Iterable[Position], now: datetime) -> None:
    now_ms = to_ms(now)
    rows = []
    for p in items:
        at = to_ms(p.recorded_at)
        updated = now_ms if p.updated_at is None else at if p.updated_at is p.recorded_at else to_ms(p.updated_at)
        rows.append((p.id, p.vehicle_id, p.trip_id, at, p.lon, p.lat, p.alt, p.heading, p.speed, at, updated))
    bulk_insert_new(conn, t.positions, _POSITION_COLUMNS, rows)


def last_position(conn: Connection, vehicle_id: str) -> Position | None:
    row = conn.execute(
        select(t.positions)
        .where(t.positions.c.vehicle_id == vehicle_id)
        .order_by(t.positions.c.recorded_at.desc())
        .limit(1)
    ).first()
    return _position(row) if row else None


# Built once: the API's hottest read (GET lastPosition) answers ownership and position in one statement.
_latest_position_id = (
    select(t.positions.c.id)
    .where(t.positions.c.vehicle_id == t.vehicles.c.id)
    .order_by(t.positions.c.recorded_at.desc())
    .limit(1)
    .correlate(t.vehicles)
    .scalar_subquery()
)
_VEHICLE_LAST_POSITION = (
    select(t.vehicles.c.user_id.label("owner_id"), t.positions)
    .select_from(t.vehicles.outerjoin(t.positions, t.positions.c.id == _latest_position_id))
    .where(t.vehicles.c.id == bindparam("vehicle_id"))
)


def vehicle_last_position(conn: Connection, vehicle_id: str) -> tuple[bool, str | None, Position | None]:
    """(vehicle exists, its owner's user id, its last position) in one round trip."""
    row = conn.execute(_VEHICLE_LAST_POSITION, {"vehicle_id": vehicle_id}).first()
    if row is None:
        return False, None, None
    return True, row.owner_id, _position(row) if row.id is not None else None


def positions_by_id(conn: Connection, ids: Iterable[str]) -> dict[str, Position]:
    wanted = [i for i in set(ids) if i]
    if not wanted:
        return {}
    return {r.id: _position(r) for r in conn.execute(select(t.positions).where(t.positions.c.id.in_(wanted)))}


def position_at(conn: Connection, vehicle_id: str, at: datetime, not_before: datetime) -> Position | None:
    """The vehicle's last position recorded at or before `at`, if one was recorded since `not_before`
    (where the vehicle was when a telemetry record was collected)."""
    row = conn.execute(
        select(t.positions)
        .where(
            t.positions.c.vehicle_id == vehicle_id,
            t.positions.c.recorded_at <= to_ms(at),
            t.positions.c.recorded_at >= to_ms(not_before),
        )
        .order_by(t.positions.c.recorded_at.desc())
        .limit(1)
    ).first()
    return _position(row) if row else None


# -- telemetry ------------------------------------------------------------------------------------


def _telemetry(row: Any) -> TelemetryRecord:
    data = row.data if isinstance(row.data, dict) else orjson.loads(row.data)
    return TelemetryRecord(
        id=row.id,
        vehicle_id=row.vehicle_id,
        recorded_at=from_ms(row.recorded_at),
        data=data,
        trip_id=row.trip_id,
        updated_at=from_ms(row.updated_at),
    )


_TELEMETRY_COLUMNS = ("id", "vehicle_id", "trip_id", "recorded_at", "paths", "data", "created_at", "updated_at")


def add_telemetry(conn: Connection, items: Iterable[TelemetryRecord], now: datetime) -> None:
    now_ms = to_ms(now)
    rows = []
    for r in items:
        at = to_ms(r.recorded_at)
        paths = r.paths or "|" + "|".join(sorted(set(catalogue.leaf_paths(r.data)))) + "|"
        updated = now_ms if r.updated_at is None else at if r.updated_at is r.recorded_at else to_ms(r.updated_at)
        rows.append((r.id, r.vehicle_id, r.trip_id, at, paths, json_text(r.data), at, updated))
    bulk_insert_new(conn, t.telemetry, _TELEMETRY_COLUMNS, rows)


def telemetry_by_id(conn: Connection, record_id: str) -> TelemetryRecord | None:
    row = conn.execute(select(t.telemetry).where(t.telemetry.c.id == record_id)).first()
    return _telemetry(row) if row else None


def telemetry_page(
    conn: Connection,
    window: Window,
    *,
    vehicle_id: str | None = None,
    trip_id: str | None = None,
    paths: Sequence[str] = (),
) -> tuple[int, Sequence[TelemetryRecord]]:
    """Telemetry newest first; with paths, only records carrying at least one of them (or below them)."""
    where = _time_filter(t.telemetry.c.recorded_at, window)
    if vehicle_id is not None:
        where.append(t.telemetry.c.vehicle_id == vehicle_id)
    if trip_id is not None:
        where.append(t.telemetry.c.trip_id == trip_id)
    if paths:
        where.append(
            or_(*(or_(t.telemetry.c.paths.contains(f"|{p}|"), t.telemetry.c.paths.contains(f"|{p}.")) for p in paths))
        )
    total, rows = _page(conn, t.telemetry, where, t.telemetry.c.recorded_at, window)
    return total, [_telemetry(r) for r in rows]


def recent_telemetry(conn: Connection, vehicle_id: str, limit: int) -> Sequence[TelemetryRecord]:
    """The vehicle's newest telemetry records, newest first, without counting them all (for status)."""
    query = (
        select(t.telemetry)
        .where(t.telemetry.c.vehicle_id == vehicle_id)
        .order_by(t.telemetry.c.recorded_at.desc(), t.telemetry.c.id.desc())
        .limit(limit)
    )
    return [_telemetry(r) for r in conn.execute(query)]


# -- trips and waypoints -------------------------------------------------------------------------


def _trip(row: Any, places: dict[str, Position]) -> Trip:
    return Trip(
        id=row.id,
        vehicle_id=row.vehicle_id,
        started_at=from_ms(row.started_at),
        stopped_at=_opt(row.stopped_at),
        distance=row.distance,
        fuel_consumption=row.fuel_consumption,
        energy_consumption=row.energy_consumption,
        avg_consumption=row.avg_consumption,
        avg_speed=row.avg_speed,
        co2_emission=row.co2_emission,
        refueling=bool(row.refueling),
        reference=bool(row.reference),
        start_position=places.get(row.start_position_id or ""),
        stop_position=places.get(row.stop_position_id or ""),
        created_at=from_ms(row.created_at),
        updated_at=from_ms(row.updated_at),
    )


def _trip_values(trip: Trip, now_ms: int) -> dict[str, Any]:
    return {
        "id": trip.id,
        "vehicle_id": trip.vehicle_id,
        "started_at": to_ms(trip.started_at),
        "stopped_at": _ms(trip.stopped_at),
        "distance": trip.distance,
        "fuel_consumption": trip.fuel_consumption,
        "energy_consumption": trip.energy_consumption,
        "avg_consumption": trip.avg_consumption,
        "avg_speed": trip.avg_speed,
        "co2_emission": trip.co2_emission,
        "refueling": trip.refueling,
        "reference": trip.reference,
        "start_position_id": trip.start_position.id if trip.start_position else None,
        "stop_position_id": trip.stop_position.id if trip.stop_position else None,
        "created_at": _ms(trip.created_at) or now_ms,
        "updated_at": _ms(trip.updated_at) or now_ms,
    }


def save_trips(conn: Connection, items: Iterable[Trip], now: datetime) -> None:
    """Insert trips, or update them as they go on (same id; createdAt stays the first one)."""
    now_ms = to_ms(now)
    rows = [{**_trip_values(trip, now_ms), "updated_at": now_ms} for trip in items]
    upsert(conn, t.trips, rows, "id", keep=("created_at",))


def save_trip(conn: Connection, trip: Trip, now: datetime) -> None:
    save_trips(conn, [trip], now)


def _trips_with_places(conn: Connection, rows: Sequence[Any]) -> list[Trip]:
    places = positions_by_id(conn, [r.start_position_id for r in rows] + [r.stop_position_id for r in rows])
    return [_trip(r, places) for r in rows]


def trip_by_id(conn: Connection, trip_id: str) -> Trip | None:
    row = conn.execute(select(t.trips).where(t.trips.c.id == trip_id)).first()
    return _trips_with_places(conn, [row])[0] if row else None


def trips_by_id(conn: Connection, ids: Iterable[str]) -> dict[str, Trip]:
    """Trips by id, with their start and stop positions (for the events that embed them)."""
    wanted = [i for i in set(ids) if i]
    if not wanted:
        return {}
    rows = conn.execute(select(t.trips).where(t.trips.c.id.in_(wanted))).all()
    return {trip.id: trip for trip in _trips_with_places(conn, rows)}


def trip_owner(conn: Connection, trip_id: str) -> tuple[bool, str | None, str | None]:
    """(exists, vehicle id, owner user id)."""
    row = conn.execute(
        select(t.trips.c.vehicle_id, t.vehicles.c.user_id)
        .join(t.vehicles, t.vehicles.c.id == t.trips.c.vehicle_id)
        .where(t.trips.c.id == trip_id)
    ).first()
    return (False, None, None) if row is None else (True, row.vehicle_id, row.user_id)


@dataclass(frozen=True, slots=True)
class TripFilter:
    """The Fleet v3 trip filters: distance in km and duration in seconds, both bounds inclusive. A trip
    still going on has no duration yet: a duration bound leaves it out."""

    min_distance: float | None = None
    max_distance: float | None = None
    min_duration: float | None = None
    max_duration: float | None = None


def _trip_filter(found: TripFilter) -> list[ColumnElement[bool]]:
    c = t.trips.c
    clauses: list[ColumnElement[bool]] = []
    if found.min_distance is not None:
        clauses.append(c.distance >= found.min_distance)
    if found.max_distance is not None:
        clauses.append(c.distance <= found.max_distance)
    if found.min_duration is not None or found.max_duration is not None:
        clauses.append(c.stopped_at.is_not(None))
    if found.min_duration is not None:
        clauses.append(c.stopped_at - c.started_at >= round(found.min_duration * 1000))
    if found.max_duration is not None:
        clauses.append(c.stopped_at - c.started_at <= round(found.max_duration * 1000))
    return clauses


def trips_page(
    conn: Connection,
    window: Window,
    *,
    vehicle_id: str | None = None,
    user_id: str | None = None,
    fleet_id: str | None = None,
    filter: TripFilter | None = None,
) -> tuple[int, Sequence[Trip]]:
    where = _time_filter(t.trips.c.started_at, window)
    if vehicle_id is not None:
        where.append(t.trips.c.vehicle_id == vehicle_id)
    if user_id is not None:
        where.append(t.trips.c.vehicle_id.in_(select(t.vehicles.c.id).where(t.vehicles.c.user_id == user_id)))
    if fleet_id is not None:
        where.append(_in_fleet(t.trips.c.vehicle_id, fleet_id))
    if filter is not None:
        where += _trip_filter(filter)
    total, rows = _page(conn, t.trips, where, t.trips.c.started_at, window)
    return total, _trips_with_places(conn, rows)


def last_trip_ids(conn: Connection, vehicle_ids: Sequence[str]) -> dict[str, str]:
    """The most recent trip id of each vehicle (for the lastTrip links)."""
    if not vehicle_ids:
        return {}
    latest = (
        select(t.trips.c.vehicle_id, func.max(t.trips.c.started_at).label("started_at"))
        .where(t.trips.c.vehicle_id.in_(vehicle_ids))
        .group_by(t.trips.c.vehicle_id)
        .subquery()
    )
    rows = conn.execute(
        select(t.trips.c.vehicle_id, t.trips.c.id).join(
            latest, and_(latest.c.vehicle_id == t.trips.c.vehicle_id, latest.c.started_at == t.trips.c.started_at)
        )
    )
    return {r.vehicle_id: r.id for r in rows}


_WAYPOINT_COLUMNS = ("id", "trip_id", "seq", "recorded_at", "lon", "lat", "alt", "heading", "speed")


def add_waypoints(conn: Connection, items: Iterable[Waypoint]) -> None:
    rows = [
        (f"{w.trip_id}-{w.seq}", w.trip_id, w.seq, to_ms(w.recorded_at), w.lon, w.lat, w.alt, w.heading, w.speed)
        for w in items
    ]
    bulk_insert_new(conn, t.waypoints, _WAYPOINT_COLUMNS, rows)


def _waypoint(r: Any) -> Waypoint:
    return Waypoint(
        trip_id=r.trip_id,
        seq=r.seq,
        recorded_at=from_ms(r.recorded_at),
        lon=r.lon,
        lat=r.lat,
        alt=r.alt,
        heading=r.heading,
        speed=r.speed,
    )


def _waypoints_where(trip_id: str, spans: Sequence[TimeSpan]) -> ColumnElement[bool]:
    return and_(t.waypoints.c.trip_id == trip_id, *_time_filter(t.waypoints.c.recorded_at, Window(spans=tuple(spans))))


def waypoints_page(
    conn: Connection, trip_id: str, offset: int, limit: int, *, spans: Sequence[TimeSpan] = ()
) -> tuple[int, Sequence[Waypoint]]:
    """Waypoints in driving order (oldest first): a path is read from its start."""
    where = _waypoints_where(trip_id, spans)
    total = conn.execute(select(func.count()).select_from(t.waypoints).where(where)).scalar_one()
    rows = conn.execute(select(t.waypoints).where(where).order_by(t.waypoints.c.seq).offset(offset).limit(limit))
    return total, [_waypoint(r) for r in rows]


def trip_waypoints(conn: Connection, trip_id: str, *, spans: Sequence[TimeSpan] = ()) -> Sequence[Waypoint]:
    """All the trip's waypoints in driving order (for simplifying its path before paging it)."""
    query = select(t.waypoints).where(_waypoints_where(trip_id, spans)).order_by(t.waypoints.c.seq)
    return [_waypoint(r) for r in conn.execute(query)]


# -- alerts ---------------------------------------------------------------------------------------


def _alert(row: Any) -> Alert:
    return Alert(
        id=row.id,
        vehicle_id=row.vehicle_id,
        type=row.type,
        active=bool(row.active),
        started_at=from_ms(row.started_at),
        ended_at=_opt(row.ended_at),
        trip_id=row.trip_id,
        lon=row.lon,
        lat=row.lat,
        alt=row.alt,
        heading=row.heading,
        updated_at=from_ms(row.updated_at),
    )


def _alert_values(alert: Alert, now_ms: int) -> dict[str, Any]:
    return {
        "id": alert.id,
        "vehicle_id": alert.vehicle_id,
        "trip_id": alert.trip_id,
        "type": alert.type,
        "active": alert.active,
        "started_at": to_ms(alert.started_at),
        "ended_at": _ms(alert.ended_at),
        "lon": alert.lon,
        "lat": alert.lat,
        "alt": alert.alt,
        "heading": alert.heading,
        "created_at": to_ms(alert.started_at),
        "updated_at": _ms(alert.updated_at) or now_ms,
    }


def save_alerts(conn: Connection, items: Iterable[Alert], now: datetime) -> None:
    """Insert alerts, or update them (same id) when they end."""
    now_ms = to_ms(now)
    upsert(conn, t.alerts, [_alert_values(a, now_ms) for a in items], "id", keep=("created_at",))


def save_alert(conn: Connection, alert: Alert, now: datetime) -> None:
    save_alerts(conn, [alert], now)


def alerts_page(
    conn: Connection,
    window: Window,
    *,
    vehicle_id: str | None = None,
    trip_id: str | None = None,
    fleet_id: str | None = None,
) -> tuple[int, Sequence[Alert]]:
    where = _time_filter(t.alerts.c.created_at, window)
    if vehicle_id is not None:
        where.append(t.alerts.c.vehicle_id == vehicle_id)
    if trip_id is not None:
        where.append(t.alerts.c.trip_id == trip_id)
    if fleet_id is not None:
        where.append(_in_fleet(t.alerts.c.vehicle_id, fleet_id))
    total, rows = _page(conn, t.alerts, where, t.alerts.c.created_at, window)
    return total, [_alert(r) for r in rows]


def alert_by_id(conn: Connection, alert_id: str) -> Alert | None:
    row = conn.execute(select(t.alerts).where(t.alerts.c.id == alert_id)).first()
    return _alert(row) if row else None


def alerts_by_id(conn: Connection, ids: Iterable[str]) -> dict[str, Alert]:
    wanted = [i for i in set(ids) if i]
    if not wanted:
        return {}
    return {r.id: _alert(r) for r in conn.execute(select(t.alerts).where(t.alerts.c.id.in_(wanted)))}


# -- collisions -----------------------------------------------------------------------------------


def _collision(row: Any) -> Collision:
    return Collision(
        id=row.id,
        vehicle_id=row.vehicle_id,
        occurred_at=from_ms(row.created_at),
        roll_over=bool(row.roll_over),
        front_level=row.front_level,
        rear_level=row.rear_level,
        lateral_level=row.lateral_level,
        pedestrian=bool(row.pedestrian),
        trip_id=row.trip_id,
        lon=row.lon,
        lat=row.lat,
        alt=row.alt,
        heading=row.heading,
        updated_at=from_ms(row.updated_at),
    )


def add_collisions(conn: Connection, items: Iterable[Collision], now: datetime) -> None:
    now_ms = to_ms(now)
    rows = [
        {
            "id": c.id,
            "vehicle_id": c.vehicle_id,
            "trip_id": c.trip_id,
            "roll_over": c.roll_over,
            "front_level": c.front_level,
            "rear_level": c.rear_level,
            "lateral_level": c.lateral_level,
            "pedestrian": c.pedestrian,
            "lon": c.lon,
            "lat": c.lat,
            "alt": c.alt,
            "heading": c.heading,
            "created_at": to_ms(c.occurred_at),
            "updated_at": _ms(c.updated_at) or now_ms,
        }
        for c in items
    ]
    insert_new(conn, t.collisions, rows)


def add_collision(conn: Connection, c: Collision, now: datetime) -> None:
    add_collisions(conn, [c], now)


def collision_by_id(conn: Connection, collision_id: str) -> Collision | None:
    row = conn.execute(select(t.collisions).where(t.collisions.c.id == collision_id)).first()
    return _collision(row) if row else None


def collision_owner(conn: Connection, collision_id: str) -> tuple[bool, str | None, str | None]:
    """(exists, vehicle id, owner user id)."""
    row = conn.execute(
        select(t.collisions.c.vehicle_id, t.vehicles.c.user_id)
        .join(t.vehicles, t.vehicles.c.id == t.collisions.c.vehicle_id)
        .where(t.collisions.c.id == collision_id)
    ).first()
    return (False, None, None) if row is None else (True, row.vehicle_id, row.user_id)


def collisions_by_id(conn: Connection, ids: Iterable[str]) -> dict[str, Collision]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    return {r.id: _collision(r) for r in conn.execute(select(t.collisions).where(t.collisions.c.id.in_(wanted)))}


def collisions_page(
    conn: Connection,
    window: Window,
    *,
    vehicle_id: str | None = None,
    trip_id: str | None = None,
    fleet_id: str | None = None,
) -> tuple[int, Sequence[Collision]]:
    where = _time_filter(t.collisions.c.created_at, window)
    if vehicle_id is not None:
        where.append(t.collisions.c.vehicle_id == vehicle_id)
    if trip_id is not None:
        where.append(t.collisions.c.trip_id == trip_id)
    if fleet_id is not None:
        where.append(_in_fleet(t.collisions.c.vehicle_id, fleet_id))
    total, rows = _page(conn, t.collisions, where, t.collisions.c.created_at, window)
    return total, [_collision(r) for r in rows]


# -- maintenance ----------------------------------------------------------------------------------


def save_maintenances(conn: Connection, items: Iterable[Maintenance]) -> None:
    """The latest countdown per vehicle (createdAt stays the first one)."""
    latest = {m.vehicle_id: m for m in items}
    rows = [
        {
            "vehicle_id": m.vehicle_id,
            "days": m.days,
            "mileage": m.mileage,
            "created_at": to_ms(m.created_at),
            "updated_at": to_ms(m.updated_at),
        }
        for m in latest.values()
    ]
    upsert(conn, t.maintenance, rows, "vehicle_id", keep=("created_at",))


def save_maintenance(conn: Connection, m: Maintenance) -> None:
    save_maintenances(conn, [m])


def _maintenance(row: Any) -> Maintenance:
    return Maintenance(
        vehicle_id=row.vehicle_id,
        days=row.days,
        mileage=row.mileage,
        created_at=from_ms(row.created_at),
        updated_at=from_ms(row.updated_at),
    )


def maintenance_of(conn: Connection, vehicle_id: str) -> Maintenance | None:
    row = conn.execute(select(t.maintenance).where(t.maintenance.c.vehicle_id == vehicle_id)).first()
    return None if row is None else _maintenance(row)


def fleet_maintenances_page(
    conn: Connection, fleet_id: str, offset: int, limit: int
) -> tuple[int, Sequence[tuple[Maintenance, str]]]:
    """The maintenance countdowns of the fleet's vehicles that have one, with each vehicle's VIN, in the
    order the vehicles joined the fleet (as its vehicle list)."""
    joined = t.maintenance.join(
        t.fleet_vehicles,
        and_(t.fleet_vehicles.c.vehicle_id == t.maintenance.c.vehicle_id, t.fleet_vehicles.c.fleet_id == fleet_id),
    ).join(t.vehicles, t.vehicles.c.id == t.maintenance.c.vehicle_id)
    total = conn.execute(select(func.count()).select_from(joined)).scalar_one()
    if total == 0 or offset >= total:
        return total, []
    query = (
        select(t.maintenance, t.vehicles.c.vin)
        .select_from(joined)
        .order_by(t.fleet_vehicles.c.added_at, t.vehicles.c.vin)
        .offset(offset)
        .limit(limit)
    )
    return total, [(_maintenance(r), str(r.vin)) for r in conn.execute(query)]


# -- events ---------------------------------------------------------------------------------------


def add_events(conn: Connection, items: Iterable[Event], now: datetime) -> None:
    rows = [
        {
            "id": e.id,
            "vehicle_id": e.vehicle_id,
            "type": e.type,
            "event_id": e.event_id,
            "data": e.data,
            "created_at": to_ms(e.created_at),
            "updated_at": _ms(e.updated_at) or to_ms(now),
        }
        for e in items
    ]
    insert_new(conn, t.events, rows)


def _event(r: Any) -> Event:
    return Event(
        id=r.id,
        vehicle_id=r.vehicle_id,
        type=r.type,
        event_id=r.event_id,
        created_at=from_ms(r.created_at),
        data=r.data,
        updated_at=from_ms(r.updated_at),
    )


def event_by_id(conn: Connection, event_id: str) -> Event | None:
    row = conn.execute(select(t.events).where(t.events.c.id == event_id)).first()
    return _event(row) if row else None


def events_page(conn: Connection, vehicle_id: str, window: Window) -> tuple[int, Sequence[Event]]:
    where = [*_time_filter(t.events.c.created_at, window), t.events.c.vehicle_id == vehicle_id]
    total, rows = _page(conn, t.events, where, t.events.c.created_at, window)
    return total, [_event(r) for r in rows]


# -- eco-driving ----------------------------------------------------------------------------------


def save_ecodrivings(conn: Connection, items: Iterable[EcoDriving]) -> None:
    rows = [
        {
            "trip_id": e.trip_id,
            "vehicle_id": e.vehicle_id,
            "scores": e.scores,
            "created_at": to_ms(e.created_at),
            "updated_at": to_ms(e.updated_at or e.created_at),
        }
        for e in items
    ]
    upsert(conn, t.ecodriving, rows, "trip_id", keep=("created_at",))


def save_ecodriving(conn: Connection, e: EcoDriving) -> None:
    save_ecodrivings(conn, [e])


def ecodriving_of(conn: Connection, trip_id: str) -> EcoDriving | None:
    row = conn.execute(select(t.ecodriving).where(t.ecodriving.c.trip_id == trip_id)).first()
    if row is None:
        return None
    return EcoDriving(
        trip_id=row.trip_id,
        vehicle_id=row.vehicle_id,
        scores=row.scores,
        created_at=from_ms(row.created_at),
        updated_at=from_ms(row.updated_at),
    )


# -- fleets -------------------------------------------------------------------------------------


def fleet_vins(conn: Connection, fleet_id: str, vehicle_ids: Iterable[str]) -> dict[str, str]:
    """The VINs of those of the vehicles that are in the fleet (for fleet-wide lists)."""
    wanted = list(set(vehicle_ids))
    if not wanted:
        return {}
    query = (
        select(t.vehicles.c.id, t.vehicles.c.vin)
        .join(t.fleet_vehicles, t.fleet_vehicles.c.vehicle_id == t.vehicles.c.id)
        .where(t.fleet_vehicles.c.fleet_id == fleet_id, t.vehicles.c.id.in_(wanted))
    )
    return {str(r.id): str(r.vin) for r in conn.execute(query)}
