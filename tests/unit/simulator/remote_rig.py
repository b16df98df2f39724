"""One simulated vehicle to send remote actions to, stepped second by second: what the remote-action
tests share."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectedcar.domain.reports import Report
from connectedcar.domain.timefmt import format_ms
from connectedcar.engine.remotes.parsing import parse_remote_action
from connectedcar.simulator import CommandResult, Fleet, SimVehicleSpec, fleet_specs
from connectedcar.simulator.vehicle import SimVehicle
from tests.unit.simulator.conftest import START_MS

UNLOCK = {"door": {"state": "Unlocked"}}
LOCK = {"door": {"state": "Locked"}}
CHARGE = {"charging": {"immediate": True}}
STOP_CHARGE = {"charging": {"immediate": False}}
PRECONDITION = {"preconditioning": {"airConditioning": {"immediate": True}}}
STOLEN = {"stolen": {"stolen": True}}
NOT_STOLEN = {"stolen": {"stolen": False}}
IMMOBILIZE = {"immobilization": {"activate": True}}
RELEASE = {"immobilization": {"activate": False}}


def vehicle_spec(energy: str, *, shift_start_h: float = 7.0) -> SimVehicleSpec:
    """A vehicle of this energy whose driver works shifts from shift_start_h (Paris), many trips a day."""
    spec = next(s for s in fleet_specs(40, 3) if s.energy == energy)
    driver = dataclasses.replace(spec.driver, routine="shift", shift_start_h=shift_start_h)
    return dataclasses.replace(spec, driver=driver)


@dataclass
class Rig:
    """A one-vehicle fleet at `now`; send() hands it a command, run() steps it and collects what came."""

    fleet: Fleet
    now: int
    reports: list[Report]
    results: dict[str, CommandResult] = field(default_factory=dict)
    sent_at: dict[str, int] = field(default_factory=dict)
    _seq: int = 0

    @classmethod
    def of(cls, energy: str = "Electric", *, seed: int = 1, start_ms: int = START_MS, **kw: Any) -> Rig:
        fleet = Fleet(seed, [vehicle_spec(energy, **kw)])
        return cls(fleet, start_ms, fleet.step(start_ms))

    @property
    def v(self) -> SimVehicle:
        return self.fleet.vehicles[0]

    def command(
        self,
        action: Mapping[str, Any],
        *,
        type: str | None = None,
        id: str | None = None,
        expires_in_ms: int | None = 300_000,
    ) -> dict[str, Any]:
        if id is None:
            self._seq += 1
            id = f"remote-{self._seq}"
        command: dict[str, Any] = {
            "id": id,
            "type": type or parse_remote_action(action).type,
            "action": action,
            "issuedAt": format_ms(self.now),
        }
        if expires_in_ms is not None:
            command["expiresAt"] = format_ms(self.now + expires_in_ms)
        return command

    def send(self, action: Mapping[str, Any], **kw: Any) -> str:
        command = self.command(action, **kw)
        self.fleet.receive(self.v.id, [command])
        self.sent_at[command["id"]] = self.now
        return str(command["id"])

    def run(self, seconds: float, every_ms: int = 1_000) -> list[Report]:
        end = self.now + int(seconds * 1000)
        new: list[Report] = []
        while self.now < end:
            self.now = min(end, self.now + every_ms)
            new += self.fleet.step(self.now)
        self.reports += new
        for result in self.fleet.take_results():
            self.results[result.command_id] = result
        return new

    def run_until(self, done: Any, limit_s: float, every_ms: int = 1_000) -> None:
        """Step until done(rig) holds (or fail after limit_s)."""
        end = self.now + int(limit_s * 1000)
        while not done(self):
            assert self.now < end, "the awaited state never came"
            self.run(every_ms / 1000, every_ms)

    def do(self, action: Mapping[str, Any], seconds: float = 15, every_ms: int = 1_000, **kw: Any) -> CommandResult:
        """Send an action and step long enough for any of them to be carried out; its result."""
        command_id = self.send(action, **kw)
        self.run(seconds, every_ms)
        return self.results[command_id]

    def since(self, at_ms: int) -> list[Report]:
        return [r for r in self.reports if r.at_ms >= at_ms]
