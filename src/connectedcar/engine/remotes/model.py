"""Remote callbacks and remote actions, as parsed from the Fleet Owner v3 API bodies.

One frozen dataclass per kind of action, named after the spec's schemas (RemotePreconditioning,
RemoteCharging, RemoteDoorsState...). Each knows its remote type (the name a callback subscribes to
in notificationTypes, and the `remoteType` of webhook events), the key it is sent under, and renders
itself back in the spec's canonical form (to_json), for GET responses. Times of day are milliseconds
after midnight, date-times epoch milliseconds (UTC), coordinates GeoJSON order (lon, lat[, alt]).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from connectedcar.delivery.policy import SINGLE, BatchPolicy, RetryPolicy
from connectedcar.delivery.webhook import PlaceholderContext, WebhookTarget

# The webhook template's RemoteType: the fleet spec's nine, plus VehicleState (the seed's `state`
# refresh) and ChargingState, which no action of the API produces but a callback may subscribe to.
RemoteType = Literal[
    "ThermalPreconditioning",
    "ElectricBatteryChargingRequest",
    "Horn",
    "Doors",
    "Lights",
    "Immobilization",
    "Stolen",
    "VehicleState",
    "ChargingState",
    "WakeUp",
    "Navigation",
]
REMOTE_TYPES: tuple[RemoteType, ...] = (
    "ThermalPreconditioning",
    "ElectricBatteryChargingRequest",
    "Horn",
    "Doors",
    "Lights",
    "Immobilization",
    "Stolen",
    "VehicleState",
    "ChargingState",
    "WakeUp",
    "Navigation",
)
# The webhook template's RemoteEventStatus: a Pending event while the platform works, then one Done.
RemoteEventType = Literal["Pending", "Done"]
PendingStatus = Literal[
    "Accepted",
    "WakingUpVehicle",
    "CheckingVehicle",
    "SentToVehicle",
    "VehicleBatteryChargeTooLow",
    "TooManyWakeUpsOverMonth",
]
DoneStatus = Literal["Success", "AlreadyDone", "Failed"]
RemoteStatus = Literal[
    "Accepted",
    "WakingUpVehicle",
    "CheckingVehicle",
    "SentToVehicle",
    "VehicleBatteryChargeTooLow",
    "TooManyWakeUpsOverMonth",
    "Success",
    "AlreadyDone",
    "Failed",
]
FailureCause = Literal[
    "GeneralError",
    "VehicleError",
    "WrongCommand",
    "VehicleConnectionTimeout",
    "MissingRights",
    "NotPossibleDueToVehicleBatteryLevel",
    "NotPossibleDueToVehiclePrivacyLevel",
    "TooManyWakeUpsOverMonth",
    "TooManyRequestInShortTime",
    "SameActionInProgress",
    "NotPossibleDueToVehicleStolenState",
    "VehicleInUse",
    "TooManyRequestSent",
    "DoorsOpen",
    "VehicleErrorOrCidInside",
    "CidInside",
    "ExternalChargingSystemError",
    "VehicleChargingSystemError",
    "VehicleIsNotLocked",
    "CanceledByDriver",
]
FeedbackDetail = Literal["NoCIDBlacklisted", "CIDBlacklisted"]
PENDING_STATUSES: tuple[PendingStatus, ...] = (
    "Accepted",
    "WakingUpVehicle",
    "CheckingVehicle",
    "SentToVehicle",
    "VehicleBatteryChargeTooLow",
    "TooManyWakeUpsOverMonth",
)
DONE_STATUSES: tuple[DoneStatus, ...] = ("Success", "AlreadyDone", "Failed")
REMOTE_STATUSES: tuple[RemoteStatus, ...] = (*PENDING_STATUSES, *DONE_STATUSES)
FAILURE_CAUSES: tuple[FailureCause, ...] = (
    "GeneralError",
    "VehicleError",
    "WrongCommand",
    "VehicleConnectionTimeout",
    "MissingRights",
    "NotPossibleDueToVehicleBatteryLevel",
    "NotPossibleDueToVehiclePrivacyLevel",
    "TooManyWakeUpsOverMonth",
    "TooManyRequestInShortTime",
    "SameActionInProgress",
    "NotPossibleDueToVehicleStolenState",
    "VehicleInUse",
    "TooManyRequestSent",
    "DoorsOpen",
    "VehicleErrorOrCidInside",
    "CidInside",
    "ExternalChargingSystemError",
    "VehicleChargingSystemError",
    "VehicleIsNotLocked",
    "CanceledByDriver",
)
FEEDBACK_DETAILS: tuple[FeedbackDetail, ...] = ("NoCIDBlacklisted", "CIDBlacklisted")

Day = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
DAYS: tuple[Day, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
Recurrence = Literal["None", "Daily"]
ProgramAction = Literal["Set", "Delete"]
ChargingMode = Literal["Start", "Stop", "Delayed", "Programs", "Preferences"]
ChargingLevel = Literal["Level1", "Level2", "Level3", "Level4", "Level5"]
ChargingType = Literal["Partial", "Full"]
DoorState = Literal["Locked", "Unlocked"]
HornState = Literal["Activated", "Unactivated"]
RECURRENCES: tuple[Recurrence, ...] = ("None", "Daily")
PROGRAM_ACTIONS: tuple[ProgramAction, ...] = ("Set", "Delete")
CHARGING_LEVELS: tuple[ChargingLevel, ...] = ("Level1", "Level2", "Level3", "Level4", "Level5")
CHARGING_TYPES: tuple[ChargingType, ...] = ("Partial", "Full")
DOOR_STATES: tuple[DoorState, ...] = ("Unlocked", "Locked")
HORN_STATES: tuple[HornState, ...] = ("Activated", "Unactivated")

PROGRAM_SLOTS = (1, 2, 3, 4)
ONE_TRY = RetryPolicy()  # the spec's default retryPolicy: None
# The monitor extensions (MonitorParameter.extendedEventParam), which seed 004 shows on a remote
# callback too; vehicle.telemetry also takes a `.type` suffix.
EVENT_EXTENSIONS = (
    "vehicle.doorsState",
    "vehicle.status",
    "vehicle.maintenance",
    "vehicle.position",
    "vehicle.telemetry",
    "vehicle.alerts",
    "vehicle.collisions",
    "vehicle.trip",
    "vehicle.stolen",
)


def format_time_of_day(ms: int) -> str:
    """An offset from midnight as an ISO 8601 duration, as the spec writes program starts: PT14H30M."""
    seconds, millis = divmod(ms, 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if secs or millis:
        text += f"{secs}.{millis:03d}S" if millis else f"{secs}S"
    return text if text != "PT" else "PT0M"


def format_datetime(ms: int) -> str:
    """Epoch milliseconds as an RFC 3339 date-time in UTC."""
    value = datetime.fromtimestamp(ms / 1000, UTC)
    if ms % 1000:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class PreconditioningProgram:
    """One air-conditioning program slot (1 to 4). A Delete only names its slot."""

    slot: int
    action: ProgramAction = "Set"
    recurrence: Recurrence = "Daily"
    start_ms: int = 0  # after local midnight
    days: tuple[Day, ...] = ()  # in week order; () = every day
    enabled: bool = True

    def to_json(self) -> dict[str, Any]:
        if self.action == "Delete":
            return {"slot": self.slot, "actionsType": "Delete"}
        out: dict[str, Any] = {"recurrence": self.recurrence, "start": format_time_of_day(self.start_ms)}
        if self.days:
            out["occurence"] = {"day": list(self.days)}
        out["slot"] = self.slot
        out["enabled"] = self.enabled
        return out


@dataclass(frozen=True, slots=True)
class ChargingProgram:
    """One scheduled charging slot (1 to 4): charge from start (to end) on the days given."""

    slot: int
    start_ms: int
    end_ms: int | None = None
    days: tuple[Day, ...] = ()
    enabled: bool = True

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": format_time_of_day(self.start_ms)}
        if self.end_ms is not None:
            out["end"] = format_time_of_day(self.end_ms)
        if self.days:
            out["occurence"] = {"day": list(self.days)}
        out["slot"] = self.slot
        out["enabled"] = self.enabled
        return out


@dataclass(frozen=True, slots=True)
class PreconditioningAction:
    """RemotePreconditioning: start (immediate true) or stop (immediate false) the air conditioning, and/or
    set or delete programs. immediate None: leave it as it is."""

    remote_type: ClassVar[RemoteType] = "ThermalPreconditioning"
    key: ClassVar[str] = "preconditioning"

    immediate: bool | None = None
    programs: tuple[PreconditioningProgram, ...] = ()

    def to_json(self) -> dict[str, Any]:
        air: dict[str, Any] = {}
        if self.immediate is not None:
            air["immediate"] = self.immediate
        if self.programs:
            air["programs"] = [p.to_json() for p in self.programs]
        return {"airConditioning": air}


@dataclass(frozen=True, slots=True)
class ChargingAction:
    """RemoteCharging, as one of five modes: Start (immediate true), Stop (immediate false alone), Delayed
    (nextDelayedTime), Programs (schedule.programs) or Preferences."""

    remote_type: ClassVar[RemoteType] = "ElectricBatteryChargingRequest"
    key: ClassVar[str] = "charging"

    mode: ChargingMode
    next_delayed_time_ms: int | None = None
    programs: tuple[ChargingProgram, ...] = ()
    level: ChargingLevel | None = None
    charge_type: ChargingType | None = None

    def __post_init__(self) -> None:
        if (self.mode == "Delayed") != (self.next_delayed_time_ms is not None):
            raise ValueError("next_delayed_time_ms is given with mode Delayed, and only then")

    def to_json(self) -> dict[str, Any]:
        if self.mode == "Start":
            return {"immediate": True}
        if self.mode == "Stop":
            return {"immediate": False}
        if self.mode == "Delayed" and self.next_delayed_time_ms is not None:
            return {"immediate": False, "nextDelayedTime": format_datetime(self.next_delayed_time_ms)}
        if self.mode == "Programs":
            return {"schedule": {"programs": [p.to_json() for p in self.programs]}}
        preferences: dict[str, Any] = {}
        if self.level is not None:
            preferences["level"] = self.level
        if self.charge_type is not None:
            preferences["type"] = self.charge_type
        return {"preferences": preferences}


@dataclass(frozen=True, slots=True)
class DoorsAction:
    """RemoteDoorsState. forced (deprecated) locks even with the key inside; it is ignored to unlock."""

    remote_type: ClassVar[RemoteType] = "Doors"
    key: ClassVar[str] = "door"

    state: DoorState
    forced: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"state": self.state}
        if self.forced:
            out["forced"] = True
        return out


@dataclass(frozen=True, slots=True)
class HornAction:
    remote_type: ClassVar[RemoteType] = "Horn"
    key: ClassVar[str] = "horn"

    state: HornState

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state}


@dataclass(frozen=True, slots=True)
class ImmobilizationAction:
    remote_type: ClassVar[RemoteType] = "Immobilization"
    key: ClassVar[str] = "immobilization"

    activate: bool

    def to_json(self) -> dict[str, Any]:
        return {"activate": self.activate}


@dataclass(frozen=True, slots=True)
class StolenAction:
    """RemoteStolen: exactly one of declaring (or lifting) the theft, the tracking periods, or an
    immobilization request. All three are of remote type Stolen, as the schema nests them."""

    remote_type: ClassVar[RemoteType] = "Stolen"
    key: ClassVar[str] = "stolen"

    stolen: bool | None = None
    tracking_running_s: int | None = None
    tracking_shutdown_s: int | None = None
    immobilization: bool | None = None

    def to_json(self) -> dict[str, Any]:
        if self.stolen is not None:
            return {"stolen": self.stolen}
        if self.immobilization is not None:
            return {"immobilization": {"activate": self.immobilization}}
        period: dict[str, Any] = {}
        if self.tracking_running_s is not None:
            period["running"] = self.tracking_running_s
        if self.tracking_shutdown_s is not None:
            period["shutdown"] = self.tracking_shutdown_s
        return {"trackingPeriod": period}


@dataclass(frozen=True, slots=True)
class LightsAction:
    remote_type: ClassVar[RemoteType] = "Lights"
    key: ClassVar[str] = "lights"

    on: bool

    def to_json(self) -> dict[str, Any]:
        return {"on": self.on}


@dataclass(frozen=True, slots=True)
class StateAction:
    """Seed 004's RemoteState: refresh the vehicle's status (remote type VehicleState)."""

    remote_type: ClassVar[RemoteType] = "VehicleState"
    key: ClassVar[str] = "state"

    def to_json(self) -> dict[str, Any]:
        return {"action": "state"}


@dataclass(frozen=True, slots=True)
class WakeUpAction:
    remote_type: ClassVar[RemoteType] = "WakeUp"
    key: ClassVar[str] = "wakeUp"

    def to_json(self) -> dict[str, Any]:
        return {"action": "WakeUp"}


Coordinates = tuple[float, ...]  # (lon, lat) or (lon, lat, alt)


@dataclass(frozen=True, slots=True)
class NavigationAction:
    """RemoteNavigation: 1 to 10 points, the last is the destination, the others waypoints in order."""

    remote_type: ClassVar[RemoteType] = "Navigation"
    key: ClassVar[str] = "navigation"

    positions: tuple[Coordinates, ...]
    driver_approval: bool = False

    @property
    def destination(self) -> Coordinates:
        return self.positions[-1]

    @property
    def waypoints(self) -> tuple[Coordinates, ...]:
        return self.positions[:-1]

    def to_json(self) -> dict[str, Any]:
        return {
            "driverApproval": self.driver_approval,
            "positions": [{"type": "Point", "coordinates": list(p)} for p in self.positions],
        }


Action = (
    PreconditioningAction
    | ChargingAction
    | DoorsAction
    | HornAction
    | ImmobilizationAction
    | StolenAction
    | LightsAction
    | StateAction
    | WakeUpAction
    | NavigationAction
)


@dataclass(frozen=True, slots=True)
class RemoteAction:
    """The body of POST .../callbacks/{cbid}/remotes: one action and an optional label.

    key is the action's key as the client wrote it (`ligths`, `preonditionning`...), so errors about
    the action name the field the client sent.
    """

    action: Action
    label: str | None = None
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.action.key)

    @property
    def type(self) -> RemoteType:
        return self.action.remote_type

    def to_json(self) -> dict[str, Any]:
        """The spec's Remote object, with the canonical key of the action."""
        out: dict[str, Any] = {}
        if self.label is not None:
            out["label"] = self.label
        out[self.action.key] = self.action.to_json()
        return out


@dataclass(frozen=True, slots=True)
class RemoteCallback:
    """The body of POST/PUT /fleets/{fid}/remote/callbacks: where and how a remote's reports are sent."""

    notification_types: tuple[RemoteType, ...]
    webhook: WebhookTarget
    retry: RetryPolicy = ONE_TRY
    batch: BatchPolicy = SINGLE
    label: str | None = None
    extended_event_param: tuple[str, ...] = ()

    def serves(self, remote_type: RemoteType) -> bool:
        return remote_type in self.notification_types

    def to_json(self) -> dict[str, Any]:
        """The subscription as the seed writes it (notificationTypes), with the spec's remoteTypes too."""
        out: dict[str, Any] = {"retryPolicy": self.retry.to_json()}
        batch = self.batch.to_json()
        if batch is not None:
            out["batchNotify"] = batch
        webhook: dict[str, Any] = {"target": self.webhook.url, "name": self.webhook.name}
        if self.webhook.attributes:
            webhook["attributes"] = [{"type": a.type, "key": a.key, "value": a.value} for a in self.webhook.attributes]
        out["callback"] = {"webhook": webhook}
        if self.label is not None:
            out["label"] = self.label
        out["notificationTypes"] = list(self.notification_types)
        out["remoteTypes"] = list(self.notification_types)
        if self.extended_event_param:
            out["extendedEventParam"] = list(self.extended_event_param)
        return out


@dataclass(frozen=True, slots=True)
class RemotePlaceholderContext(PlaceholderContext):
    """The values of a remote callback's placeholders in one request: the monitor ones (vin, vid,
    fleetID) and the spec's RemoteAttribute variables callbackID and remoteType."""

    callback_id: str | None = None
    remote_type: str | None = None

    def value(self, name: str) -> str:
        if name == "callbackID":
            found = self.callback_id
        elif name == "remoteType":
            found = self.remote_type
        else:
            return PlaceholderContext.value(self, name)
        if found is None:
            raise ValueError(f"placeholder ${name} has no value for this request")
        return found
