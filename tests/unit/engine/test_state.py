from __future__ import annotations

import json

from connectedcar.domain.reports import CollisionReport
from connectedcar.engine.outputs import Outputs
from connectedcar.engine.pipeline import VehicleState, process
from tests.unit.engine.timelines import LAT0, drive, parked, profile, run

TIMELINE = [
    parked(0, ignition=True, fuel_level=60.0, odometer=100.0, alerts_raised=("alertOilPressure",)),
    *drive(1, [20.0, 40.0, 60.0, 60.0, 60.0, 60.0, 40.0, 20.0] * 10, ignition=True, engine_speed=2000.0),
    parked(82, lat=LAT0 + 0.01, ignition=True, collision=CollisionReport(front="LOW")),
    *drive(83, [30.0] * 40, lat0=LAT0 + 0.01, ignition=True, fuel_level=58.0, alt=40.0),
    parked(
        130, lat=LAT0 + 0.0135, ignition=False, fuel_level=58.0, odometer=104.0, alerts_cleared=("alertOilPressure",)
    ),
]


def _rows(out: Outputs) -> list[object]:
    return [*out.trips, *out.waypoints, *out.positions, *out.telemetry, *out.alerts, *out.events, *out.ecodriving]


def test_round_trip_through_json_resumes_mid_trip_exactly() -> None:
    vehicle = profile()
    whole_state, whole = run(TIMELINE, vehicle)
    for cut in (1, 30, 81, 82, 100):
        state, first = run(TIMELINE[:cut], vehicle)
        assert state.trip is not None
        saved = json.loads(json.dumps(state.to_json()))
        resumed = VehicleState.from_json(saved)
        assert resumed.to_json() == state.to_json()
        resumed_state, rest = run(TIMELINE[cut:], vehicle, resumed)
        first.extend(rest)
        assert _rows(first) == _rows(whole), cut
        assert resumed_state.to_json() == whole_state.to_json()


def test_a_fresh_state_and_old_states_load() -> None:
    state, _ = process(None, profile(), parked(0), 0 + parked(0).at_ms)
    data = state.to_json()
    data.pop("style_history")
    data["someday_a_new_field"] = 1
    again = VehicleState.from_json(data)
    assert again.style_history == [] and again.vehicle_id == state.vehicle_id
