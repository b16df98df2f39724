"""Monitors evaluated by the report processor: events queued in the outbox in the batch's transaction,
refresh events on ticks, pause, states that survive a restart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from connectedcar.domain.reports import Report
from connectedcar.domain.timefmt import to_ms
from connectedcar.runtime import Runtime, build_runtime
from connectedcar.store import monitors as monitor_store
from connectedcar.store import outbox
from tests.api.fleet.monitor_bodies import seed_monitor, with_change
from tests.support import World, install

PARIS = (48.866667, 2.333333)
OUTSIDE = (48.866667, 2.75)  # about 30 km east of the centre: out of the 20 km circle


def report(vehicle_id: str, at_ms: int, where: tuple[float, float], battery: float) -> Report:
    return Report(vehicle_id=vehicle_id, at_ms=at_ms, lat=where[0], lon=where[1], battery_level=battery, speed=50.0)


def events(rt: Runtime, monitor_id: str) -> list[dict[str, Any]]:
    with rt.store.transaction() as conn:
        return outbox.events_of(conn, monitor_id)


def drive(rt: Runtime, vehicle_id: str, points: list[tuple[tuple[float, float], float]], step_s: int = 30) -> None:
    """One report per point, step_s apart, the clock following."""
    for where, battery in points:
        rt.clock.advance(step_s)  # type: ignore[attr-defined]
        rt.processor.process({vehicle_id: [report(vehicle_id, to_ms(rt.clock.now()), where, battery)]})


def test_leaving_paris_with_a_low_battery_queues_one_event(fresh: Runtime, fresh_world: World) -> None:
    fleet = fresh_world.fleet(vehicles=1, name="electric")
    vehicle = fleet.vehicles[0]
    row = install(fresh, fleet, seed_monitor())
    drive(fresh, vehicle.id, [(PARIS, 40.0), (PARIS, 40.0)])
    assert events(fresh, row.id) == []
    drive(fresh, vehicle.id, [(OUTSIDE, 39.0)])
    queued = events(fresh, row.id)
    assert len(queued) == 1
    event = queued[0]
    assert event["vin"] == vehicle.vin
    assert event["batch_key"] == f"{row.id}/{vehicle.id}"  # the webhook names the vehicle ($vin)
    body = event["event"]
    assert body["refresh"] is False
    assert body["fleetId"] == fleet.fleet.id
    assert body["values"] == [
        {"data": "vehicle.energy.electric.level", "value": {"type": "string", "body": {"literalValue": "39"}}}
    ]
    assert [x["type"] for x in body["extensions"]] == ["vehicle.alerts", "vehicle.status"]
    status = body["extensions"][1]["body"]
    assert status["lastPosition"]["geometry"]["coordinates"][:2] == [OUTSIDE[1], OUTSIDE[0]]
    # still outside, still low: no new event before refreshEvent (600 s)
    drive(fresh, vehicle.id, [(OUTSIDE, 38.0)] * 3)
    assert len(events(fresh, row.id)) == 1


def test_a_full_battery_outside_fires_nothing_on_a_monday_morning(fresh: Runtime, fresh_world: World) -> None:
    fleet = fresh_world.fleet(vehicles=1)
    row = install(fresh, fleet, seed_monitor())
    drive(fresh, fleet.vehicles[0].id, [(PARIS, 90.0), (OUTSIDE, 90.0), (OUTSIDE, 89.0)])
    assert events(fresh, row.id) == []  # 09:00 in Paris: not the afternoon window


def test_monday_afternoon_fires_on_a_tick_without_any_report(fresh: Runtime, fresh_world: World) -> None:
    fleet = fresh_world.fleet(vehicles=1)
    row = install(fresh, fleet, seed_monitor())
    drive(fresh, fleet.vehicles[0].id, [(PARIS, 90.0), (OUTSIDE, 90.0)])
    assert events(fresh, row.id) == []
    fresh.clock.set(fresh.clock.now().replace(hour=13, minute=31))  # type: ignore[attr-defined]
    fresh.processor.tick()
    queued = events(fresh, row.id)
    assert len(queued) == 1
    assert queued[0]["event"]["eventDate"] == "2026-11-02T13:31:00.000Z"


def test_refresh_events_follow_while_the_condition_holds(fresh: Runtime, fresh_world: World) -> None:
    fleet = fresh_world.fleet(vehicles=1)
    vehicle = fleet.vehicles[0]
    row = install(fresh, fleet, with_change(seed_monitor(), "subscribeParam/refreshEvent", 60))
    drive(fresh, vehicle.id, [(PARIS, 40.0), (OUTSIDE, 40.0)])
    assert len(events(fresh, row.id)) == 1
    fresh.clock.advance(59)  # type: ignore[attr-defined]
    fresh.processor.tick()
    assert len(events(fresh, row.id)) == 1
    fresh.clock.advance(1)  # type: ignore[attr-defined]
    fresh.processor.tick()
    queued = events(fresh, row.id)
    assert [e["event"]["refresh"] for e in queued] == [False, True]
    # back in Paris: the condition ends, no more refreshes
    drive(fresh, vehicle.id, [(PARIS, 40.0)])
    fresh.clock.advance(120)  # type: ignore[attr-defined]
    fresh.processor.tick()
    assert len(events(fresh, row.id)) == 2


def test_a_paused_monitor_fires_nothing_and_fires_on_resume(fresh: Runtime, fresh_world: World) -> None:
    fleet = fresh_world.fleet(vehicles=1)
    vehicle = fleet.vehicles[0]
    row = install(fresh, fleet, seed_monitor(), status="Paused")
    drive(fresh, vehicle.id, [(PARIS, 40.0), (OUTSIDE, 40.0), (OUTSIDE, 40.0)])
    assert events(fresh, row.id) == []
    with fresh.store.transaction() as conn:
        monitor_store.set_status(conn, row.id, "Running", to_ms(fresh.clock.now()))
        resumed = monitor_store.get(conn, row.id)
    assert resumed is not None
    fresh.monitors.put(resumed)
    drive(fresh, vehicle.id, [(OUTSIDE, 40.0)])
    assert len(events(fresh, row.id)) == 1


def test_vehicles_outside_the_fleet_are_not_watched(fresh: Runtime, fresh_world: World) -> None:
    fleet = fresh_world.fleet(vehicles=1)
    stranger = fresh_world.vehicle(None)
    row = install(fresh, fleet, seed_monitor())
    drive(fresh, stranger.id, [(PARIS, 40.0), (OUTSIDE, 40.0)])
    assert events(fresh, row.id) == []


def test_a_crossing_between_two_reports_is_caught(fresh: Runtime, fresh_world: World) -> None:
    fleet = fresh_world.fleet(vehicles=1)
    body = seed_monitor()
    body["triggerParam"]["triggers"][0]["zone"]["transition"] = "In"
    body["triggerParam"]["triggers"][0]["zone"]["circle"]["radius"] = 1
    row = install(fresh, fleet, body)
    west, east = (48.866667, 2.25), (48.866667, 2.45)  # both outside the 1 km circle, the segment through it
    drive(fresh, fleet.vehicles[0].id, [(west, 40.0), (east, 40.0)])
    assert len(events(fresh, row.id)) == 1


def test_states_survive_a_restart(fresh: Runtime, fresh_world: World) -> None:
    fleet = fresh_world.fleet(vehicles=1)
    vehicle = fleet.vehicles[0]
    row = install(fresh, fleet, seed_monitor())
    drive(fresh, vehicle.id, [(PARIS, 40.0), (OUTSIDE, 40.0)])
    assert len(events(fresh, row.id)) == 1
    fresh.processor.stop()
    again = build_runtime(fresh.settings, fresh.clock)
    try:
        with again.store.transaction() as conn:
            again.monitors.load(conn)
        state = again.monitors.state(row.id, vehicle.id)
        assert state is not None and state.active
        again.clock.advance(30)  # type: ignore[attr-defined]
        now_ms = to_ms(again.clock.now())
        again.processor.process({vehicle.id: [report(vehicle.id, now_ms, OUTSIDE, 40.0)]})
        assert len(events(again, row.id)) == 1  # it remembered: still the same occurrence
        # and it remembers leaving: back in, out again is a new event
        again.clock.advance(timedelta(minutes=1).total_seconds())  # type: ignore[attr-defined]
        drive(again, vehicle.id, [(PARIS, 40.0), (OUTSIDE, 40.0)])
        assert len(events(again, row.id)) == 2
    finally:
        again.close()


def test_a_deleted_monitor_stops_and_drops_its_undelivered_events(fresh: Runtime, fresh_world: World) -> None:
    fleet = fresh_world.fleet(vehicles=1)
    vehicle = fleet.vehicles[0]
    row = install(fresh, fleet, seed_monitor())
    drive(fresh, vehicle.id, [(PARIS, 40.0), (OUTSIDE, 40.0)])
    with fresh.store.transaction() as conn:
        monitor_store.delete_monitor(conn, row.id)
    fresh.monitors.remove(row.id)
    assert events(fresh, row.id) == []
    drive(fresh, vehicle.id, [(PARIS, 40.0), (OUTSIDE, 40.0)])
    assert events(fresh, row.id) == []
