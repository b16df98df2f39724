from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from connectedcar.domain.credentials import hash_password, verify_password
from connectedcar.domain.entities import Fleet, Vehicle
from connectedcar.store import fleets, vehicles
from connectedcar.store.store import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _fleet(fid: str = "0a123bc5d1e873066454b4d9", username: str = "fleet-a", client_id: str = "c-a") -> Fleet:
    return Fleet(fid, "Fleet A", client_id, username, hash_password("Aa-12345"), T0, T0)


def _vehicle(n: int) -> Vehicle:
    return Vehicle(f"{n:032X}", f"VF7AAAAAAAAAAA{n:03d}", None, None, "C", "H5", "", "", "", "Fuel", T0, T0)


def test_fleets_are_found_by_id_and_username_and_deleted(store: Store) -> None:
    with store.transaction() as conn:
        fleets.create_fleet(conn, _fleet())
        found = fleets.fleet_by_username(conn, "fleet-a")
        assert found is not None and found == fleets.fleet_by_id(conn, found.id)
        assert verify_password("Aa-12345", found.password_hash)
        assert fleets.fleet_by_username(conn, "nobody") is None
        assert [f.id for f in fleets.list_fleets(conn)] == [found.id]
        assert fleets.delete_fleet(conn, found.id)
        assert fleets.fleet_by_id(conn, found.id) is None


def test_usernames_and_client_ids_are_unique(store: Store) -> None:
    with store.transaction() as conn:
        fleets.create_fleet(conn, _fleet())
    with pytest.raises(IntegrityError), store.transaction() as conn:
        fleets.create_fleet(conn, _fleet("1" * 24, client_id="c-b"))
    with pytest.raises(IntegrityError), store.transaction() as conn:
        fleets.create_fleet(conn, _fleet("1" * 24, username="fleet-b"))


def test_membership_pages_and_a_vehicle_may_be_in_two_fleets(store: Store) -> None:
    a, b = _fleet(), _fleet("1" * 24, "fleet-b", "c-b")
    with store.transaction() as conn:
        fleets.create_fleet(conn, a)
        fleets.create_fleet(conn, b)
        for n in range(5):
            vehicles.create_vehicle(conn, _vehicle(n))
        fleets.add_vehicles(conn, a.id, [_vehicle(n).id for n in range(5)], 1000)
        fleets.add_vehicles(conn, a.id, [_vehicle(0).id], 2000)  # again: idempotent
        fleets.add_vehicles(conn, b.id, [_vehicle(0).id], 3000)
        total, page = fleets.vehicles_of_fleet(conn, a.id, offset=1, limit=2)
        assert total == 5
        assert [v.vin for v in page] == [_vehicle(1).vin, _vehicle(2).vin]
        assert fleets.vehicles_of_fleet(conn, a.id, vin_prefix="vf7aaaaaaaaaaa004")[0] == 1
        assert fleets.fleet_ids_of_vehicle(conn, _vehicle(0).id) == sorted([a.id, b.id])
        assert fleets.vehicle_counts(conn) == {a.id: 5, b.id: 1}
        assert fleets.fleet_vehicle(conn, b.id, _vehicle(0).id) == _vehicle(0)
        assert fleets.fleet_vehicle(conn, b.id, _vehicle(1).id) is None
        assert fleets.in_fleet(conn, a.id, _vehicle(4).id)
        assert fleets.remove_vehicle(conn, a.id, _vehicle(4).id)
        assert not fleets.in_fleet(conn, a.id, _vehicle(4).id)
        # Deleting a fleet keeps its vehicles; deleting a vehicle leaves every fleet.
        fleets.delete_fleet(conn, b.id)
        assert vehicles.vehicle_by_id(conn, _vehicle(0).id) is not None
        vehicles.delete_vehicle(conn, _vehicle(0).id)
        assert fleets.vehicles_of_fleet(conn, a.id)[0] == 3
