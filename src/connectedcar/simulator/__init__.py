"""The fleet simulator: vehicles with drivers, routines, powertrains and sensors, producing Reports
exactly as real vehicles would, and handing them to the platform only through a Sink (the ingest
protocol, in process or over HTTP); remote actions reach them only through a CommandChannel.
Deterministic for a given seed, sequence of step times and sequence of commands."""

from connectedcar.simulator.commands import (
    Command,
    CommandChannel,
    CommandResult,
    CommandSource,
    HttpCommandChannel,
    MemoryCommandChannel,
)
from connectedcar.simulator.events import EventRates
from connectedcar.simulator.fleet import Fleet
from connectedcar.simulator.runner import RunStats, run
from connectedcar.simulator.sinks import CallbackSink, HttpSink, MemorySink, Sink
from connectedcar.simulator.specs import SimVehicleSpec, fleet_specs

__all__ = [
    "CallbackSink",
    "Command",
    "CommandChannel",
    "CommandResult",
    "CommandSource",
    "EventRates",
    "Fleet",
    "HttpCommandChannel",
    "HttpSink",
    "MemoryCommandChannel",
    "MemorySink",
    "RunStats",
    "SimVehicleSpec",
    "Sink",
    "fleet_specs",
    "run",
]
