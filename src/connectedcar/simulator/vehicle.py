"""One simulated vehicle: a state machine that parks, unlocks, drives a path second by second,
arrives, locks, refuels and charges, and says so in Reports exactly as a connected car would:
one report a second while driving, one a minute while parked (every 10 s while declared stolen),
and one at each event (doors, ignition, plug, charging status, alerts, collisions, remote actions).
Its telematics unit (telematics.py) carries out remote actions between the state machine's steps."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from connectedcar.domain.reports import CollisionReport, Report
from connectedcar.simulator.driver import MAX_SPEED_KMH, Leg, plan_day
from connectedcar.simulator.environment import (
    MINUTE_MS,
    air_temperature,
    altitude_m,
    is_daylight,
    is_rush_hour,
    local_day,
)
from connectedcar.simulator.events import EventRates, VehicleEvents
from connectedcar.simulator.geo import to_xy
from connectedcar.simulator.places import Place, Region
from connectedcar.simulator.powertrain import (
    IDLE_RPM,
    battery_kwh,
    engine_rpm,
    fuel_litres,
    wheel_power_w,
)
from connectedcar.simulator.roads import Path, PathCache
from connectedcar.simulator.specs import SimVehicleSpec
from connectedcar.simulator.telematics import IMMOBILIZED_RETRY_MS, Telematics

PARKED, SCRIPT, DRIVING = 0, 1, 2
PARKED_REPORT_MS = 60_000
DRIVE_TELEMETRY_MS = 60_000
REFUEL_BELOW = 0.15  # of the tank
FAST_CHARGE_BELOW = 0.20  # of an EV's battery
FUEL_ALARM_BELOW, FUEL_ALARM_CLEAR = 0.10, 0.20
BATTERY_FAULT_BELOW, BATTERY_FAULT_CLEAR = 0.08, 0.20
_MAX_SPEED = MAX_SPEED_KMH / 3.6
_NO_ATTRIBUTES: Mapping[str, Any] = MappingProxyType({})
_NEVER = 1 << 62


class SimVehicle:
    """A vehicle and its driver. `advance(now_ms, out)` appends every report due up to now_ms."""

    def __init__(
        self,
        spec: SimVehicleSpec,
        seed: int,
        region: Region,
        paths: PathCache,
        rates: EventRates,
        start_ms: int,
    ) -> None:
        self.spec = spec
        self.id = spec.id
        self.seed = seed
        self.region = region
        self.paths = paths
        self.pt = spec.powertrain
        self.style = spec.driver.style
        rng = self.rng = random.Random(f"vehicle:{seed}:{spec.vin}")
        self.events = VehicleEvents(random.Random(f"events:{seed}:{spec.vin}"), spec.energy, rates)
        self.has_engine = self.pt.has_engine
        self.has_battery = self.pt.has_battery
        self.is_phev = self.has_engine and self.has_battery
        self.automatic = not self.has_engine or rng.random() < 0.6

        self.odometer = rng.uniform(3_000.0, 90_000.0)
        self.fuel_l = self.pt.tank_litres * rng.uniform(0.25, 0.95)
        self.battery = self.pt.battery_kwh * rng.uniform(0.3, 0.95)
        self.ignition = False
        self.doors_locked = True
        self.charging = "Disconnected"
        self.plugged = False
        self.charge_kw = 0.0
        self.charge_target = 0.0
        self.charge_ms = 0
        self.fuel_alarm = False
        self.battery_fault = False
        self.engine_temp = air_temperature(start_ms)
        self.engine_temp_ms = start_ms
        self.doors_open_now: tuple[str, ...] = ()
        self.occupied = False  # the driver (and the key) is in the car
        self.boarding = False  # in the departure script: the next door closing has the driver inside
        self.parked_report_ms = PARKED_REPORT_MS
        self.unit = Telematics(f"{seed}:{spec.vin}", start_ms)

        # Where the driver is in their plans.
        self.day = local_day(start_ms)
        self.plan: list[Leg] = plan_day(spec.driver, region, self.day, self._day_rng(self.day))
        self.plan_idx = 0
        self.place: Place = spec.driver.home
        while self.plan_idx < len(self.plan) and self.plan[self.plan_idx].depart_ms < start_ms:
            self.place = self.plan[self.plan_idx].destination
            self.plan_idx += 1
        self.lat, self.lon = self.place.lat, self.place.lon
        self.alt = altitude_m(*to_xy(self.place.lat, self.place.lon))
        self.heading = rng.uniform(0.0, 360.0)
        self.parked_since = start_ms - rng.randrange(0, 3_600_000)

        # What comes next.
        self.phase = PARKED
        self.next_ms = start_ms + rng.randrange(0, 1_000)  # vehicles' clocks are not in phase
        self.leg: Leg | None = None
        self.depart_ms = _NEVER
        self.refill_ms = _NEVER
        self.targets: list[tuple[Place, str]] = []  # destinations still to drive to, first is current
        self.script: list[tuple[int, str]] = []
        self.script_idx = 0
        self._plan_departure(start_ms, dwell_ms=0)

        # Driving state.
        self.path: Path | None = None
        self.s = 0.0
        self.v = 0.0
        self.seg = 0
        self.cruise = 1.0
        self.stop_vertex = -1
        self.stop_until_ms = 0
        self.stop_wait_ms = 0
        self.decided_upto = 0
        self.still_s = 0
        self.next_telemetry_ms = 0
        self.resume = False
        self.rush = False
        self._arrival_purpose = ""

    # ---- plans ----------------------------------------------------------------------------------

    def _day_rng(self, day: int) -> random.Random:
        return random.Random(f"day:{self.seed}:{self.spec.vin}:{day}")

    def _next_leg(self) -> Leg:
        while True:
            if self.plan_idx < len(self.plan):
                leg = self.plan[self.plan_idx]
                self.plan_idx += 1
                if leg.destination != self.place:
                    return leg
                continue
            self.day += 1
            self.plan = plan_day(self.spec.driver, self.region, self.day, self._day_rng(self.day))
            self.plan_idx = 0

    def _plan_departure(self, now: int, dwell_ms: int) -> None:
        """Choose the next trip: the rest of a detour, or the next leg of the driver's plans."""
        if self.targets:
            self.depart_ms = now + dwell_ms
            return
        self.leg = self._next_leg()
        self.targets = [(self.leg.destination, self.leg.purpose)]
        self.depart_ms = max(self.leg.depart_ms, now + dwell_ms)

    # ---- the state machine ----------------------------------------------------------------------

    @property
    def driving(self) -> bool:
        return self.phase == DRIVING

    @property
    def parked(self) -> bool:
        return self.phase == PARKED

    def advance(self, now_ms: int, out: list[Report]) -> None:
        unit = self.unit
        while True:
            t = self.next_ms
            if unit.next_ms < t:  # the telematics unit's turn (a tie goes to the vehicle's own step)
                t = unit.next_ms
                if t > now_ms:
                    return
                unit.tick(self, t, out)
                continue
            if t > now_ms:
                return
            if self.phase == DRIVING:
                self._drive_tick(t, out)
            elif self.phase == SCRIPT:
                self._script_step(t, out)
            else:
                self._parked(t, out)

    def _parked(self, t: int, out: list[Report]) -> None:
        if t >= self.refill_ms:
            self.refill_ms = _NEVER
            self.fuel_l = self.pt.tank_litres * self.rng.uniform(0.93, 1.0)
            cleared = self.events.clear_tyres() if self.rng.random() < 0.8 else ()
            if self.fuel_alarm:
                self.fuel_alarm = False
                self.events.clear_state("fuelLevelAlarm")
                cleared += ("fuelLevelAlarm",)
            out.append(self._state_report(t, alerts_cleared=cleared + self.events.due_clears(t)))
            self._plan_departure(t, dwell_ms=self.rng.randrange(60_000, 180_000))
            self.next_ms = min(t + self.parked_report_ms, self.depart_ms)
            return
        if t >= self.depart_ms:
            self._depart(t)
            return
        charging_changed = self.charging == "InProgress" and self._charge(t)
        if self.unit.preconditioning:
            self.unit.account_preconditioning(self, t)
        out.append(self._state_report(t, alerts_cleared=self.events.due_clears(t)))
        if charging_changed and self.targets and self.depart_ms == _NEVER:  # fast charge done: drive on
            self._plan_departure(t, dwell_ms=self.rng.randrange(60_000, 300_000))
        self.next_ms = min(t + self.parked_report_ms, self.depart_ms, self.refill_ms)

    def _charge(self, t: int) -> bool:
        """Add the energy charged since the last update; True when the session just finished."""
        self.battery += self.charge_kw * (t - self.charge_ms) / 3_600_000.0
        self.charge_ms = t
        if self.battery >= self.charge_target:
            self.battery = min(self.battery, self.pt.battery_kwh)
            self.charging = "Finished"
            if self.battery_fault and self.battery > BATTERY_FAULT_CLEAR * self.pt.battery_kwh:
                self.battery_fault = False
                self.events.clear_state("batteryLevelFault")
            return True
        return False

    def _depart(self, t: int) -> None:
        rng = self.rng
        if self.unit.settings.immobilized:
            self._start_refused(t)
            return
        if self.resume:  # back on the road after a collision, where the car stopped
            self.resume = False
        else:
            self._navigate()
            self._maybe_detour()
            destination, _ = self.targets[0]
            self.path = self.paths.get(self.place, destination)
            self.s, self.v, self.seg = 0.0, 0.0, 0
            self.decided_upto = 0
        self.stop_vertex = -1
        self.boarding = True
        steps = ["unlock"]
        if self.plugged:
            steps.append("unplug")
        steps += ["open", "close", "ignition_on", "drive"]
        delays = {"unlock": 0, "unplug": 3_000, "open": 4_000, "close": 6_000, "ignition_on": 5_000, "drive": 1_000}
        self._start_script(t, steps, delays, rng)

    def _start_refused(self, t: int) -> None:
        """Immobilized: the engine does not start. The driver gives this trip up and goes on with their
        plans from where the car is; stopped on the road (after a collision), they try again later."""
        self.unit.refused_starts += 1
        if self.resume:
            self.depart_ms = t + IMMOBILIZED_RETRY_MS
        else:
            self.targets.clear()
            self._plan_departure(t, dwell_ms=IMMOBILIZED_RETRY_MS)
        self.next_ms = min(t + self.parked_report_ms, self.depart_ms, self.refill_ms)

    def _navigate(self) -> None:
        """A navigation sent to the car: the driver's next trip goes to its destination first."""
        if not self.unit.route_pending:
            return
        self.unit.route_pending = False
        place = self.unit.route_place(self.region)
        if place is not None and place.distance_to(self.place) > 50.0 and self.targets[0][0] != place:
            self.targets.insert(0, (place, "navigation"))

    def _maybe_detour(self) -> None:
        """Below 15 % of fuel, or 20 % of an EV's battery, stop on the way to fill up."""
        destination, purpose = self.targets[0]
        if purpose in ("refuel", "charge"):
            return
        if self.has_engine and self.fuel_l < REFUEL_BELOW * self.pt.tank_litres:
            station = self.region.on_the_way("fuel", self.place, destination)
            self.targets.insert(0, (station, "refuel"))
        elif not self.has_engine and self.battery < FAST_CHARGE_BELOW * self.pt.battery_kwh:
            charger = self.region.on_the_way("charger", self.place, destination)
            self.targets.insert(0, (charger, "charge"))

    def _start_script(self, t: int, steps: list[str], delays: dict[str, int], rng: random.Random) -> None:
        at = t
        script: list[tuple[int, str]] = []
        for step in steps:
            base = delays[step]
            at += base + (rng.randrange(0, base) if base else 0)
            script.append((at, step))
        self.script, self.script_idx = script, 0
        self.phase = SCRIPT
        self.next_ms = script[0][0]

    def _script_step(self, t: int, out: list[Report]) -> None:
        _, step = self.script[self.script_idx]
        self.script_idx += 1
        if self.script_idx < len(self.script):
            self.next_ms = self.script[self.script_idx][0]
        if step == "drive":
            self.phase = DRIVING
            self.next_ms = t
            self.still_s = 0
            self.next_telemetry_ms = t + DRIVE_TELEMETRY_MS
            self.rush = is_rush_hour(t)
            self.cruise = self._cruise(0)
            return
        if step == "parked":
            self._arrived(t)
            return
        doors_open: tuple[str, ...] | None = None
        telemetry = None
        if step == "unlock":
            self.doors_locked = False
        elif step == "lock":
            self.doors_locked = True
        elif step == "open":
            doors_open = ("driver",)
            if not self.boarding:
                self.occupied = False
        elif step == "open_more":
            doors_open = ("driver", self.rng.choice(("passenger", "trunk", "rearLeft")))
        elif step == "close":
            doors_open = ()
            if self.boarding:
                self.occupied = True
        elif step == "unplug":
            self.plugged, self.charging, self.charge_kw = False, "Disconnected", 0.0
        elif step == "plug":
            waits = self._arrival_purpose != "charge" and self.unit.delays_charge(t)
            self.plugged, self.charging, self.charge_ms = True, "Stopped" if waits else "InProgress", t
        elif step in ("ignition_on", "ignition_off"):
            self._engine_temperature(t)
            self.ignition = step == "ignition_on"
            if not self.ignition:
                self.parked_since = t
            elif self.unit.preconditioning:  # the cabin is ready: the air conditioning hands over
                self.unit.stop_preconditioning(self, t)
            telemetry = self._telemetry(t)
        if doors_open is not None:
            self.doors_open_now = doors_open
        out.append(
            self._state_report(t, doors_open=doors_open, telemetry=telemetry, alerts_cleared=self.events.due_clears(t))
        )

    def _arrive(self, t: int, collision: bool) -> None:
        rng = self.rng
        self.boarding = False
        steps = ["ignition_off", "open"]
        purpose = self.targets[0][1] if self.targets else ""
        if not collision and purpose in ("shopping", "job") and rng.random() < 0.5:
            steps.append("open_more")
        steps += ["close"]
        if not collision and purpose not in ("refuel", "charge"):
            steps.append("lock")
        delays = {
            "ignition_off": 1_000,
            "open": 3_000,
            "open_more": 5_000,
            "close": 5_000,
            "lock": 3_000,
            "plug": 30_000,
        }
        if collision:
            self.resume = True
        else:
            self.resume = False
            self.place, purpose = self.targets.pop(0)
            self.lat, self.lon = self.place.lat, self.place.lon
            if self._should_plug(purpose):
                steps.append("plug")
        steps.append("parked")
        delays["parked"] = 0
        self._start_script(t, steps, delays, rng)
        self._arrival_purpose = purpose

    def _should_plug(self, purpose: str) -> bool:
        if not self.has_battery:
            return False
        soc = self.battery / self.pt.battery_kwh
        if purpose == "charge":
            self.charge_kw, self.charge_target = self.pt.fast_charge_kw * 0.55, 0.8 * self.pt.battery_kwh
            return True
        if self.place == self.spec.driver.home:
            wants = soc < 0.95 if self.is_phev else (soc < 0.5 or (soc < 0.85 and self.rng.random() < 0.4))
            if wants:
                self.charge_kw = self.pt.home_charge_kw
                self.charge_target = (1.0 if self.is_phev else self.rng.uniform(0.85, 1.0)) * self.pt.battery_kwh
                return True
        return False

    def _arrived(self, t: int) -> None:
        self.phase = PARKED
        self.next_ms = t + self.parked_report_ms
        if self.resume:  # after a collision: exchange details, then drive on
            self.depart_ms = t + self.rng.randrange(15 * MINUTE_MS, 45 * MINUTE_MS)
        elif self._arrival_purpose == "refuel":
            self.refill_ms = t + self.rng.randrange(3 * MINUTE_MS, 7 * MINUTE_MS)
            self.depart_ms = _NEVER
        elif self._arrival_purpose == "charge":
            self.depart_ms = _NEVER  # until charged
        else:
            self._plan_departure(t, dwell_ms=self.rng.randrange(3 * MINUTE_MS, 10 * MINUTE_MS))
        self.next_ms = min(self.next_ms, self.depart_ms, self.refill_ms)

    # ---- driving --------------------------------------------------------------------------------

    def _drive_tick(self, t: int, out: list[Report]) -> None:
        path = self.path
        assert path is not None
        style = self.style
        rng = self.rng
        cum = path.cum
        last = len(cum) - 1
        s, v, seg = self.s, self.v, self.seg
        self.next_ms = t + 1_000

        if self.stop_vertex >= 0 and v == 0.0 and s >= cum[self.stop_vertex] - 0.01:
            if self.stop_until_ms == 0:
                self.stop_until_ms = t + self.stop_wait_ms
            if t < self.stop_until_ms:  # waiting at a red light
                self.still_s += 1
                self._drive_report(t, out, 0.0, 0.0, self._use_energy(0.0, 0.0))
                return
            self.stop_vertex = -1
            self.stop_until_ms = 0

        # The speed the driver aims for: the limit as they see it, capped by everything ahead that
        # they can still brake for comfortably (bends, slower roads, red lights, the destination).
        limits = path.seg_limit
        cruise = self.cruise
        target = limits[seg] * cruise
        brake = style.brake * 0.6
        horizon = v * v / (2.0 * brake) + v + 30.0
        corner_factor = style.corner_factor
        corners = path.vertex_corner
        j = seg + 1
        while j <= last:
            d = cum[j] - s
            if d > horizon:
                break
            if j > self.decided_upto:
                self.decided_upto = j
                if path.lights[j] and self.stop_vertex < 0 and rng.random() < 0.4 * style.red_light_wait:
                    self.stop_vertex = j
                    self.stop_wait_ms = rng.randrange(5_000, 45_000)
                    self.stop_until_ms = 0
            if j == last or j == self.stop_vertex:
                vj = 0.0
            else:
                vj = corners[j] * corner_factor
                lj = limits[j] * cruise
                if lj < vj:
                    vj = lj
            d -= v
            allowed = math.sqrt(vj * vj + 2.0 * brake * d) if d > 0.0 else vj
            if allowed < target:
                target = allowed
            j += 1
        if target > _MAX_SPEED:
            target = _MAX_SPEED

        a = target - v
        if -1.0 < a < 1.0:
            a += rng.gauss(0.0, style.jitter)
        top = 60.0 / (v + 5.0)  # engines run out of power at speed
        if top > style.accel:
            top = style.accel
        if a > top:
            a = top
        elif a < -style.brake:
            a = -style.brake
        v_new = v + a
        if v_new < 0.0:
            v_new, a = 0.0, -v
        elif v_new > _MAX_SPEED:
            v_new = _MAX_SPEED
            a = v_new - v
        s_new = s + (v + v_new) * 0.5
        stop = self.stop_vertex if self.stop_vertex >= 0 else last
        to_stop = cum[stop] - s_new
        if to_stop <= 0.0 or (v_new < 1.5 and to_stop < 5.0):
            s_new, v_new = cum[stop], 0.0
            a = max(-v, -style.brake)
        while seg < last - 1 and s_new >= cum[seg + 1]:
            seg += 1
            self.cruise = self._cruise(seg)
        self.s, self.v, self.seg = s_new, v_new, seg

        # Where that puts the car, and what it cost.
        f = (s_new - cum[seg]) / path.seg_len[seg]
        if f > 1.0:
            f = 1.0
        self.lat = path.lats[seg] + f * path.dlat[seg]
        self.lon = path.lons[seg] + f * path.dlon[seg]
        alt = path.alts[seg] + f * path.dalt[seg]
        climb = alt - self.alt
        self.alt = alt
        self.heading = path.seg_heading[seg]
        self.odometer += (s_new - s) / 1000.0
        self.still_s = self.still_s + 1 if v_new == 0.0 else 0
        power = wheel_power_w((v + v_new) * 0.5, a, climb, 1.0)
        rpm = self._use_energy(power, v_new, a)
        self._drive_report(t, out, v_new, a, rpm)

        if self.stop_vertex >= 0 and s_new >= cum[self.stop_vertex] and v_new == 0.0:
            return  # at the red light: the wait starts next second
        if s_new >= cum[last] and v_new == 0.0:
            self._arrive(t, collision=False)

    def _cruise(self, seg: int) -> float:
        """The fraction of a segment's limit the driver holds: their style, and the traffic."""
        factor = self.rng.uniform(*self.style.speed_factor)
        if self.rush and self.path is not None:
            factor *= self.rng.uniform(0.3, 1.0) if self.path.seg_limit[seg] > 60 / 3.6 else self.rng.uniform(0.5, 1.0)
        return factor

    def _use_energy(self, power: float, v: float, a: float = 0.0) -> float | None:
        """Draw one second's energy from the battery or the tank; the engine speed (None: no engine)."""
        if self.has_battery and (
            not self.has_engine or (self.battery > 0.04 * self.pt.battery_kwh and power < 40_000.0 and v < 36.0)
        ):
            self.battery = max(0.0, self.battery - battery_kwh(power, 1.0))
            return 0.0 if self.has_engine else None
        engine_on = self.still_s < 3  # stop & start
        self.fuel_l = max(0.0, self.fuel_l - fuel_litres(power, 1.0, engine_on))
        if not engine_on:
            return 0.0
        if v == 0.0:
            return IDLE_RPM
        return engine_rpm(v * 3.6, self.style.shift_factor) + (150.0 * a if a > 0.0 else 0.0)

    def _drive_report(self, t: int, out: list[Report], v: float, a: float, rpm: float | None = None) -> None:
        events = self.events
        raised: tuple[str, ...] = ()
        collision: CollisionReport | None = None
        events.alert_in_s -= 1.0
        if events.alert_in_s <= 0.0:
            alert = events.raise_random(t)
            if alert is not None:
                raised = (alert,)
        events.collision_in_s -= 1.0
        if events.collision_in_s <= 0.0 and 0.0 < v < 11.0:  # bumps happen in town, at low speed
            collision = events.collision()
            a, v, self.v = -v, 0.0, 0.0
        if self.has_engine:
            if not self.fuel_alarm and self.fuel_l < FUEL_ALARM_BELOW * self.pt.tank_litres:
                self.fuel_alarm = events.raise_state("fuelLevelAlarm")
                raised += ("fuelLevelAlarm",)
        elif not self.battery_fault and self.battery < BATTERY_FAULT_BELOW * self.pt.battery_kwh:
            self.battery_fault = events.raise_state("batteryLevelFault")
            raised += ("batteryLevelFault",)
        telemetry = None
        if t >= self.next_telemetry_ms:
            self.next_telemetry_ms = t + DRIVE_TELEMETRY_MS
            self._engine_temperature(t)
            telemetry = self._telemetry(t)
        pt = self.pt
        out.append(
            Report(
                vehicle_id=self.id,
                at_ms=t,
                lat=round(self.lat, 6),
                lon=round(self.lon, 6),
                alt=round(self.alt, 1),
                heading=round(self.heading, 1),
                speed=round(v * 3.6, 1),
                accuracy=4.0,
                ignition=True,
                odometer=round(self.odometer, 3),
                fuel_level=round(100.0 * self.fuel_l / pt.tank_litres, 2) if self.has_engine else None,
                battery_level=round(100.0 * self.battery / pt.battery_kwh, 2) if self.has_battery else None,
                battery_voltage=14.2,
                engine_speed=round(rpm) if rpm is not None else None,
                acceleration=round(a, 2),
                alerts_raised=raised,
                alerts_cleared=events.due_clears(t),
                collision=collision,
                telemetry=telemetry,
                source="simulator",
                attributes=_NO_ATTRIBUTES,
            )
        )
        if collision is not None:
            self._arrive(t, collision=True)

    # ---- sensors --------------------------------------------------------------------------------

    def _engine_temperature(self, t: int) -> float:
        """Coolant °C: warms to 90 within minutes of driving, cools to the air over hours parked."""
        dt = t - self.engine_temp_ms
        self.engine_temp_ms = t
        if self.ignition:
            self.engine_temp = 90.0 - (90.0 - self.engine_temp) * math.exp(-dt / 360_000.0)
        else:
            air = air_temperature(t)
            self.engine_temp = air + (self.engine_temp - air) * math.exp(-dt / 5_400_000.0)
        return self.engine_temp

    def _telemetry(self, t: int) -> dict[str, Any]:
        vehicle: dict[str, Any] = {
            "running": self.ignition,
            "moving": self.phase == DRIVING and self.v > 0.0,
            "brakingSystem": {"parking": not self.ignition},
            "transmission": {"gearbox": {"mode": {"automatic": self.automatic}}},
            "adas": {"esp": True, "abs": True},
        }
        if self.has_engine:
            coolant = round(self.engine_temp, 1)
            oil_level = round(100.0 - (self.odometer % 20_000.0) / 20_000.0 * 35.0, 1)
            vehicle["engines"] = [{"coolant": {"temp": coolant}, "oil": {"temp": coolant + 4.0, "level": oil_level}}]
        return {
            "vehicle": vehicle,
            "passenger": {"seatbelt": {"unbuckled": False}},
            "environment": {"luminosity": {"day": is_daylight(t)}, "air": {"temp": air_temperature(t)}},
        }

    def _voltage(self, t: int) -> float:
        if self.ignition:
            return 14.2
        if self.charging == "InProgress":
            return 13.6
        days = (t - self.parked_since) / 86_400_000.0
        return round(12.65 - min(0.45, 0.06 * days), 2)

    def _state_report(
        self,
        t: int,
        *,
        doors_open: tuple[str, ...] | None = None,
        telemetry: Mapping[str, Any] | None = None,
        alerts_cleared: tuple[str, ...] = (),
    ) -> Report:
        pt = self.pt
        preconditioning = self.unit.preconditioning_status(t)
        if preconditioning is not None:  # once a remote action touched it: the Status model's airConditioning
            conditioning = {"preconditioning": {"airConditioning": {"status": preconditioning}}}
            vehicle_part = {**(telemetry or {}).get("vehicle", {}), **conditioning}
            telemetry = {**(telemetry or {}), "vehicle": vehicle_part}
        return Report(
            vehicle_id=self.id,
            at_ms=t,
            lat=round(self.lat, 6),
            lon=round(self.lon, 6),
            alt=round(self.alt, 1),
            heading=round(self.heading, 1),
            speed=0.0,
            accuracy=6.0,
            ignition=self.ignition,
            odometer=round(self.odometer, 3),
            fuel_level=round(100.0 * self.fuel_l / pt.tank_litres, 2) if self.has_engine else None,
            battery_level=round(100.0 * self.battery / pt.battery_kwh, 2) if self.has_battery else None,
            battery_voltage=self._voltage(t),
            charging=self.charging if self.has_battery else None,
            plugged=self.plugged if self.has_battery else None,
            doors_locked=self.doors_locked,
            doors_open=doors_open,
            engine_speed=(IDLE_RPM if self.ignition and self.has_engine and not self.is_phev else 0.0)
            if self.has_engine
            else None,
            acceleration=0.0,
            alerts_cleared=alerts_cleared,
            telemetry=telemetry,
            source="simulator",
            attributes=self.unit.report_attributes(t),
        )

    # ---- remote actions (the telematics unit's hands) -------------------------------------------

    def battery_percent(self) -> float | None:
        """The traction battery's level as reports show it; None without one."""
        return round(100.0 * self.battery / self.pt.battery_kwh, 2) if self.has_battery else None

    def start_charging(self, t: int) -> None:
        """A remote start or a delayed charge's time: charge to full from now."""
        self.charging, self.charge_ms = "InProgress", t
        if self.charge_kw <= 0.0:
            self.charge_kw = self.pt.home_charge_kw
        self.charge_target = self.pt.battery_kwh

    def stop_charging(self, t: int) -> None:
        """A remote stop (or a delayed charge set instead): the charge stops, plugged in."""
        if self.charging == "InProgress":
            self._charge(t)
            if self.charging == "InProgress":
                self.charging = "Stopped"
        if self.phase == PARKED and self.targets and self.depart_ms == _NEVER and self.refill_ms == _NEVER:
            # Stopped at a fast charger, where the driver waited for the charge: drive on.
            self._plan_departure(t, dwell_ms=self.unit.rng.randrange(60_000, 300_000))
            self.next_ms = min(self.next_ms, self.depart_ms)

    def set_parked_report_period(self, t: int, period_ms: int | None) -> None:
        """Report every period_ms while parked (None: the usual minute), from now on."""
        self.parked_report_ms = period_ms or PARKED_REPORT_MS
        if self.phase == PARKED:
            self.next_ms = min(self.next_ms, t + self.parked_report_ms)

    def remote_report(self, t: int, out: list[Report], *, full: bool = False) -> None:
        """Report the state a remote action left (full: with telemetry, a refresh). On the road the
        reports of every second carry it (a refresh adds telemetry to the next): a parked-state report
        mid-trip would read as a stop."""
        if self.phase == DRIVING:
            if full:
                self.next_telemetry_ms = t
            return
        telemetry = None
        if full:
            self._engine_temperature(t)
            telemetry = self._telemetry(t)
        out.append(self._state_report(t, telemetry=telemetry, alerts_cleared=self.events.due_clears(t)))
