"""Alerts with their begin and end, and collisions: rows and ALERT / COLLISION events."""

from __future__ import annotations

from datetime import datetime

from connectedcar.domain.entities import Alert, Collision, Event
from connectedcar.domain.reports import Report
from connectedcar.engine.ids import alert_id, collision_id
from connectedcar.engine.outputs import Outputs
from connectedcar.engine.stamps import from_ms
from connectedcar.engine.state import AlertMark, Fix, VehicleState


def alerts(
    state: VehicleState, report: Report, fix: Fix | None, trip: str | None, when: datetime, out: Outputs
) -> None:
    """Raised types not yet active begin (Alert active + ALERT event); cleared active types end (the
    same Alert id, inactive, with ended_at). A type raised and cleared in one report begins and ends."""
    vehicle_id = state.vehicle_id
    active = state.active_alerts
    at_ms = report.at_ms
    for kind in report.alerts_raised:
        if kind in active:
            continue
        ident = alert_id(vehicle_id, at_ms, kind)
        if fix is None:
            mark = AlertMark(ident, at_ms, None, None, None, None, trip)
        else:
            mark = AlertMark(ident, at_ms, fix.lon, fix.lat, fix.alt, fix.heading, trip)
        active[kind] = mark
        out.alerts.append(_alert(vehicle_id, kind, mark, True, None, when))
        out.events.append(
            Event(id=ident, vehicle_id=vehicle_id, type="ALERT", event_id=ident, created_at=when, updated_at=when)
        )
    for kind in report.alerts_cleared:
        ended = active.pop(kind, None)
        if ended is not None:
            out.alerts.append(_alert(vehicle_id, kind, ended, False, when, when))


def _alert(vehicle_id: str, kind: str, mark: AlertMark, active: bool, ended: datetime | None, when: datetime) -> Alert:
    return Alert(
        id=mark.id,
        vehicle_id=vehicle_id,
        type=kind,
        active=active,
        started_at=from_ms(mark.started_ms),
        ended_at=ended,
        trip_id=mark.trip_id,
        lon=mark.lon,
        lat=mark.lat,
        alt=mark.alt,
        heading=mark.heading,
        updated_at=when,
    )


def collision(
    state: VehicleState, report: Report, fix: Fix | None, trip: str | None, when: datetime, out: Outputs
) -> None:
    hit = report.collision
    if hit is None:
        return
    ident = collision_id(state.vehicle_id, report.at_ms)
    out.collisions.append(
        Collision(
            id=ident,
            vehicle_id=state.vehicle_id,
            occurred_at=when,
            roll_over=hit.roll_over,
            front_level=hit.front,
            rear_level=hit.rear,
            lateral_level=hit.lateral,
            pedestrian=hit.pedestrian,
            trip_id=trip,
            lon=None if fix is None else fix.lon,
            lat=None if fix is None else fix.lat,
            alt=None if fix is None else fix.alt,
            heading=None if fix is None else fix.heading,
            updated_at=when,
        )
    )
    out.events.append(
        Event(id=ident, vehicle_id=state.vehicle_id, type="COLLISION", event_id=ident, created_at=when, updated_at=when)
    )
