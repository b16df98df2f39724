"""What the platform knows of a vehicle for its remote actions, from its reports: the pipeline's state,
in the report processor's memory, or as last persisted."""

from __future__ import annotations

from sqlalchemy import Connection

from connectedcar.engine.state import VehicleState
from connectedcar.processing.processor import ReportProcessor
from connectedcar.remote.service import VehicleFacts
from connectedcar.store import vehicle_states, vehicles


class ProcessorFacts:
    def __init__(self, processor: ReportProcessor) -> None:
        self.processor = processor

    def __call__(self, conn: Connection, vehicle_id: str) -> VehicleFacts:
        vehicle = vehicles.vehicle_by_id(conn, vehicle_id)
        vin = vehicle.vin if vehicle is not None else ""
        state = self.processor.state_of(vehicle_id)
        if state is None:
            raw = vehicle_states.load(conn, [vehicle_id]).get(vehicle_id)
            state = VehicleState.from_json(raw) if raw else None
        if state is None or state.last_at_ms < 0:
            return VehicleFacts(vin, None, None)
        return VehicleFacts(vin, state.last_at_ms, state.battery_voltage)
