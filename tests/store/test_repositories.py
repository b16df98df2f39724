from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from connectedcar.domain.credentials import hash_password, hash_token, verify_password
from connectedcar.domain.entities import (
    Alert,
    Collision,
    EcoDriving,
    Event,
    Maintenance,
    OAuthClient,
    Position,
    TelemetryRecord,
    Trip,
    User,
    Vehicle,
    Waypoint,
)
from connectedcar.store import accounts, history, tokens, vehicles
from connectedcar.store.store import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _user(email: str = "Ada@Example.com") -> User:
    return User(
        id="ACNT100000000001",
        email=email,
        password_hash=hash_password("Aa-12345"),
        first_name="Ada",
        last_name="L",
        created_at=T0,
        updated_at=T0,
    )


def _vehicle(user_id: str | None, vid: str = "V" * 32, vin: str = "VF7AAAAAAAAAAAAAA") -> Vehicle:
    return Vehicle(
        id=vid,
        vin=vin,
        user_id=user_id,
        device_id=None,
        brand="C",
        model="H5",
        sub_model="3A",
        engine="06",
        gearbox="AHXT",
        energy="Fuel",
        created_at=T0,
        updated_at=T0,
    )


def test_users_are_found_by_email_case_insensitively_and_passwords_are_hashed(store: Store) -> None:
    with store.transaction() as conn:
        accounts.create_user(conn, _user())
    with store.transaction() as conn:
        found = accounts.user_by_email(conn, " ada@example.COM ")
    assert found is not None and found.email == "ada@example.com"
    assert "Aa-12345" not in found.password_hash and verify_password("Aa-12345", found.password_hash)
    with pytest.raises(IntegrityError), store.transaction() as conn:
        accounts.create_user(conn, replace(_user("ada@example.com"), id="ACNT100000000002"))


def test_a_failed_transaction_keeps_what_was_committed(store: Store) -> None:
    with store.transaction() as conn:
        accounts.create_user(conn, _user())
    with pytest.raises(RuntimeError), store.transaction() as conn:
        vehicles.create_vehicle(conn, _vehicle("ACNT100000000001"))
        raise RuntimeError("boom")
    with store.transaction() as conn:
        assert accounts.user_by_id(conn, "ACNT100000000001") is not None
        assert vehicles.vehicle_by_id(conn, "V" * 32) is None


def test_refresh_token_rotation_is_single_use(store: Store) -> None:
    with store.transaction() as conn:
        accounts.create_user(conn, _user())
        accounts.create_client(conn, OAuthClient("c1", "app", None, ("http://x/cb",), True, None, T0))
        row = tokens.TokenRow(hash_token("r1"), "c1", "ACNT100000000001", "peugeot", "public", "fam", 10**13, None)
        tokens.insert_refresh_token(conn, row, 0)
    with store.transaction() as conn:
        assert tokens.rotate_refresh_token(conn, hash_token("r1"), 1) is True
        assert tokens.rotate_refresh_token(conn, hash_token("r1"), 2) is False
        tokens.revoke_family(conn, "fam", 3)
        found = tokens.refresh_token_by_hash(conn, hash_token("r1"))
    assert found is not None and found.revoked_at == 3 and found.rotated_at == 1


def test_history_round_trip_and_paging_newest_first(store: Store) -> None:
    vid = "A" * 32
    with store.transaction() as conn:
        accounts.create_user(conn, _user())
        vehicles.create_vehicle(conn, _vehicle("ACNT100000000001", vid))
        points = [
            Position(
                id=f"{vid}-1-{i}",
                vehicle_id=vid,
                recorded_at=T0 + timedelta(minutes=i),
                lon=2.3 + i / 100,
                lat=48.8,
                alt=35.0,
                heading=90.0,
                speed=50.0,
            )
            for i in range(5)
        ]
        history.add_positions(conn, points, T0)
        history.save_trip(
            conn,
            Trip(
                id=f"{vid}-1-1",
                vehicle_id=vid,
                started_at=T0,
                stopped_at=T0 + timedelta(minutes=4),
                distance=3.2,
                fuel_consumption=0.2,
                avg_consumption=6.25,
                avg_speed=48.0,
                start_position=points[0],
                stop_position=points[-1],
            ),
            T0,
        )
        history.add_waypoints(
            conn, [Waypoint(f"{vid}-1-1", i, p.recorded_at, p.lon, p.lat) for i, p in enumerate(points)]
        )
        history.save_alert(
            conn, Alert(id="al1", vehicle_id=vid, type="alertOilPressure", active=True, started_at=T0), T0
        )
        history.add_collision(conn, Collision(id="co1", vehicle_id=vid, occurred_at=T0, front_level="LOW"), T0)
        history.save_maintenance(conn, Maintenance(vid, 120, 18960, T0, T0))
        history.add_events(conn, [Event(id="ev1", vehicle_id=vid, type="COLLISION", event_id="co1", created_at=T0)], T0)
        history.add_telemetry(
            conn,
            [TelemetryRecord(id="te1", vehicle_id=vid, recorded_at=T0, data={"vehicle": {"fuel": {"level": 40}}})],
            T0,
        )
        history.save_ecodriving(conn, EcoDriving(f"{vid}-1-1", vid, {"global": {}, "detailed": {}}, T0))
    with store.transaction() as conn:
        last = history.last_position(conn, vid)
        assert last is not None and last.id == points[-1].id
        total, trips = history.trips_page(conn, history.Window(), user_id="ACNT100000000001")
        assert total == 1 and trips[0].start_position == replace(points[0], updated_at=T0)
        assert trips[0].stop_position == replace(points[-1], updated_at=T0)
        total, wps = history.waypoints_page(conn, f"{vid}-1-1", 1, 2)
        assert total == 5 and [w.seq for w in wps] == [1, 2]
        assert history.trip_owner(conn, f"{vid}-1-1") == (True, vid, "ACNT100000000001")
        history.save_alert(
            conn,
            Alert(
                id="al1",
                vehicle_id=vid,
                type="alertOilPressure",
                active=False,
                started_at=T0,
                ended_at=T0 + timedelta(hours=1),
            ),
            T0,
        )
        _, alerts = history.alerts_page(conn, history.Window(), vehicle_id=vid)
        assert len(alerts) == 1 and not alerts[0].active and alerts[0].ended_at == T0 + timedelta(hours=1)
        total, found = history.telemetry_page(conn, history.Window(), vehicle_id=vid, paths=["vehicle.fuel"])
        assert total == 1 and found[0].data == {"vehicle": {"fuel": {"level": 40}}}
        assert history.telemetry_page(conn, history.Window(), vehicle_id=vid, paths=["vehicle.odometer"])[0] == 0
        window = history.Window(since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=3))
        assert history.maintenance_of(conn, vid) is not None
        assert history.ecodriving_of(conn, f"{vid}-1-1") is not None
        assert history.events_page(conn, vid, history.Window())[0] == 1
        assert history.collision_by_id(conn, "co1") is not None
        assert history.trips_page(conn, window, vehicle_id=vid)[0] == 0, "the trip started before since"
