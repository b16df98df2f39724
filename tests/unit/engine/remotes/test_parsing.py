from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from connectedcar.delivery.policy import SINGLE, BatchPolicy, RetryPolicy
from connectedcar.delivery.webhook import Placeholder
from connectedcar.engine.remotes.model import (
    REMOTE_TYPES,
    Action,
    ChargingAction,
    ChargingProgram,
    DoorsAction,
    HornAction,
    ImmobilizationAction,
    LightsAction,
    NavigationAction,
    PreconditioningAction,
    PreconditioningProgram,
    RemoteAction,
    RemotePlaceholderContext,
    StateAction,
    StolenAction,
    WakeUpAction,
    format_datetime,
    format_time_of_day,
)
from connectedcar.engine.remotes.parsing import (
    RemoteError,
    check_callback_serves,
    notification_type,
    parse_remote_action,
    parse_remote_callback,
)
from tests.unit.engine.remotes.bodies import (
    SEED_004_ACTION,
    SEED_004_CALLBACK,
    SEED_004_CALLBACK_OVERVIEW,
    SEED_004_TABLE,
    points,
    spec_callback,
)

JUNE_1_10H_UTC = 1_717_236_000_000  # 2024-06-01T10:00:00Z
PT14H30M = 52_200_000

# -- remote callbacks ---------------------------------------------------------------------------------


def test_seed_004_callback_verbatim() -> None:
    callback = parse_remote_callback(SEED_004_CALLBACK)
    assert callback.label == "my-post-callback"
    assert callback.notification_types == ("ThermalPreconditioning", "ElectricBatteryChargingRequest")
    # "sent again every 120s until it's properly delivered": Always, maxRetryNumber read as retryNumber
    assert callback.retry == RetryPolicy(kind="Always", retry_number=3, retry_delay_s=120)
    assert callback.batch == BatchPolicy(size=10, time_window_s=300)
    assert callback.webhook.url == "https://my.post.callback"
    assert callback.webhook.name == "My_Webhook"
    # the seed's `attributres` is read as `attributes`
    (attribute,) = callback.webhook.attributes
    assert (attribute.type, attribute.key, attribute.value) == (
        "Header",
        "Authorization",
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
    )
    assert callback.webhook.headers(RemotePlaceholderContext()) == [
        ("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    ]
    assert callback.serves("ThermalPreconditioning") and not callback.serves("Doors")


def test_seed_004_callback_overview_skeleton_is_refused_naming_the_field() -> None:
    with pytest.raises(RemoteError) as caught:
        parse_remote_callback(SEED_004_CALLBACK_OVERVIEW)
    assert caught.value.field == "retryPolicy.policy"


def test_spec_callback_and_its_rendering_round_trip() -> None:
    callback = parse_remote_callback(spec_callback())
    assert callback.notification_types == ("Doors", "Horn", "Lights", "Navigation")
    assert callback.retry == RetryPolicy(kind="Bounded", retry_number=5, retry_delay_s=30)
    rendered = callback.to_json()
    assert rendered["notificationTypes"] == rendered["remoteTypes"] == ["Doors", "Horn", "Lights", "Navigation"]
    assert rendered["callback"]["webhook"]["attributes"][1] == {"type": "Query", "key": "type", "value": "$remoteType"}
    assert parse_remote_callback(rendered) == callback  # a GET body sent back with PUT
    seed = parse_remote_callback(SEED_004_CALLBACK)
    assert parse_remote_callback(json.dumps(seed.to_json())) == seed


def test_callback_defaults_and_other_accepted_shapes() -> None:
    body: dict[str, Any] = {
        "callback": {"target": "http://hooks.example.com/r", "name": "direct"},  # seed 001's form
        "notificationTypes": ["WakeUp", "VehicleState", "ChargingState"],
        "extendedEventParam": ["vehicle.status", "vehicle.telemetry.Fuel"],
        "_links": {"self": {"href": "x"}},
        "callbackId": "c1",
        "status": "Running",
    }
    callback = parse_remote_callback(body)
    assert callback.label is None
    assert callback.retry == RetryPolicy()  # the spec's default: one try
    assert callback.batch == SINGLE
    assert callback.webhook.attributes == ()
    assert callback.extended_event_param == ("vehicle.status", "vehicle.telemetry.Fuel")
    assert "batchNotify" not in callback.to_json() and "label" not in callback.to_json()


def test_remote_placeholders_are_rendered() -> None:
    body = spec_callback()
    body["callback"]["webhook"]["attributes"] = [
        {"type": "Header", "key": "X-Callback", "value": "$CallbackID"},
        {"type": "Query", "key": "t", "value": "${remoteType}-${vin}-$fleetID"},
        {"type": "Body", "key": "vid", "value": "$vid"},
        {"type": "Body", "key": "price", "value": "$$5"},
        {"type": "Body", "key": "pass", "value": "pa$word"},
    ]
    webhook = parse_remote_callback(body).webhook
    assert webhook.attributes[0].parts == (Placeholder("callbackID"),)
    assert webhook.attributes[1].parts == (Placeholder("remoteType"), "-", Placeholder("vin"), "-$fleetID")
    context = RemotePlaceholderContext(vin="VIN1", vehicle_id="v1", callback_id="cb1", remote_type="Doors")
    assert webhook.headers(context) == [("X-Callback", "cb1")]
    assert webhook.query(context) == [("t", "Doors-VIN1-$fleetID")]
    assert webhook.body_attributes(context) == [
        {"key": "vid", "value": "v1"},
        {"key": "price", "value": "$5"},
        {"key": "pass", "value": "pa$word"},
    ]
    assert webhook.vehicle_scoped
    with pytest.raises(ValueError, match=r"\$callbackID has no value"):
        webhook.headers(RemotePlaceholderContext())
    with pytest.raises(ValueError, match=r"\$remoteType has no value"):
        webhook.query(RemotePlaceholderContext(vin="VIN1"))
    with pytest.raises(ValueError, match=r"\$vid has no value"):
        webhook.body_attributes(RemotePlaceholderContext())


_DELETE = object()
W = "callback/webhook"


def _set(body: dict[str, Any], path: str, value: Any) -> None:
    keys = [int(p) if p.isdigit() else p for p in path.split("/")]
    target: Any = body
    for key in keys[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value


@pytest.mark.parametrize(
    ("path", "value", "field", "reason"),
    [
        ("callback", _DELETE, "callback", "is required"),
        ("callback", "https://x", "callback", "must be an object"),
        ("callback/webhook", [], "callback.webhook", "must be an object"),
        (f"{W}/target", _DELETE, "callback.webhook.target", "is required"),
        (f"{W}/target", "ftp://hooks.example.com", "callback.webhook.target", "http or https"),
        (f"{W}/name", "", "callback.webhook.name", "non-empty"),
        (f"{W}/secret", "x", "callback.webhook.secret", "unknown field"),
        ("callback/extra", 1, "callback.extra", "unknown field"),
        (f"{W}/attributes", {}, "callback.webhook.attributes", "must be an array"),
        (f"{W}/attributes/0/type", "Cookie", "callback.webhook.attributes[0].type", "Header, Query or Body"),
        (f"{W}/attributes/0/key", "Content-Type", "callback.webhook.attributes[0].key", "set by the platform"),
        (f"{W}/attributes/0/value", "$monitorID", "callback.webhook.attributes[0].value", "unknown placeholder"),
        (f"{W}/attributes/1/value", "x-${nope}", "callback.webhook.attributes[1].value", "unknown placeholder"),
        (f"{W}/attributes/0/value", "a\r\nb", "callback.webhook.attributes[0].value", "line breaks"),
        (f"{W}/attributes/0/value", 5, "callback.webhook.attributes[0].value", "a string"),
        (f"{W}/attributes/1", "Query", "callback.webhook.attributes[1]", "must be an object"),
        ("remoteTypes", _DELETE, "notificationTypes", "is required"),
        ("remoteTypes", "Doors", "remoteTypes", "must be an array"),
        ("remoteTypes", [], "remoteTypes", "at least one"),
        ("remoteTypes", ["Doors", "Teleport"], "remoteTypes[1]", "is not one of ThermalPreconditioning"),
        ("remoteTypes", ["Doors", "Horn", "Doors"], "remoteTypes[2]", "Doors is listed twice"),
        ("notificationTypes", ["Horn"], "remoteTypes", "differs from notificationTypes"),
        ("retryPolicy", "Always", "retryPolicy", "must be an object"),
        ("retryPolicy/policy", "Sometimes", "retryPolicy.policy", "None, Bounded or Always"),
        ("retryPolicy/retryDelay", 0, "retryPolicy.retryDelay", "between 1 and 86400"),
        ("retryPolicy/retryNumber", 1.5, "retryPolicy.retryNumber", "must be an integer"),
        ("batchNotify/size", _DELETE, "batchNotify.size", "is required"),
        ("batchNotify/timeWindow", 1, "batchNotify.timeWindow", "between 5 and 86400"),
        ("label", 7, "label", "must be a string"),
        ("extendedEventParam", ["vehicle.flux"], "extendedEventParam[0]", "is not one of"),
        ("extendedEventParam", ["vehicle.telemetry."], "extendedEventParam[0]", "is not one of"),
        ("extendedEventParam", "vehicle.status", "extendedEventParam", "must be an array"),
        ("refreshEvent", 60, "refreshEvent", "unknown field"),
    ],
)
def test_callback_errors_name_the_field(path: str, value: Any, field: str, reason: str) -> None:
    body = spec_callback()
    _set(body, path, value)
    with pytest.raises(RemoteError) as caught:
        parse_remote_callback(body)
    assert caught.value.field == field
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("mutate", "field", "reason"),
    [
        (lambda s: s.replace(b'"Header"', b'"Cookie"'), "callback.webhook.attributres[0].type", "Header, Query"),
        (lambda s: s.replace(b'"Authorization"', b'"Host"'), "callback.webhook.attributres[0].key", "set by the"),
        (lambda s: s.replace(b'"Basic Q', b'"${monitorID} Q'), "callback.webhook.attributres[0].value", "unknown"),
        (
            lambda s: s.replace(b'"attributres"', b'"attributes": [], "attributres"'),
            "callback.webhook.attributres",
            "give only one of attributes and attributres",
        ),
        (lambda s: s.replace(b'"size": 10', b'"size": 10, "size": 20'), "batchNotify.size", "duplicate key"),
        (lambda s: s[:-3], "body", "is not valid JSON"),
        (lambda s: b"\xff" + s, "body", "is not valid JSON"),
        (lambda s: b"[" + s + b"]", "body", "must be an object"),
    ],
)
def test_seed_004_callback_mutations_name_the_field_as_written(mutate: Any, field: str, reason: str) -> None:
    with pytest.raises(RemoteError) as caught:
        parse_remote_callback(mutate(SEED_004_CALLBACK))
    assert caught.value.field == field
    assert reason in caught.value.reason


# -- remote actions: seed 004's examples ----------------------------------------------------------------


def test_seed_004_action_verbatim() -> None:
    remote = parse_remote_action(SEED_004_ACTION)
    assert remote == RemoteAction(action=DoorsAction(state="Unlocked"), label="remote_name", key="door")
    assert remote.type == "Doors"
    assert remote.to_json() == {"label": "remote_name", "door": {"state": "Unlocked"}}


@pytest.mark.parametrize(
    ("name", "label", "key", "action"),
    [
        (
            "PRECONDITIONING",
            "string",
            "preonditionning",
            PreconditioningAction(
                immediate=False,
                programs=(PreconditioningProgram(slot=1, start_ms=PT14H30M, days=("Mon",), enabled=True),),
            ),
        ),
        ("IMMOBILIZATION", None, "immobilization", ImmobilizationAction(activate=True)),
        ("DOOR", None, "door", DoorsAction(state="Unlocked")),
        ("HORN", None, "horn", HornAction(state="Activated")),
        ("CHARGING_STOP", None, "charging", ChargingAction(mode="Stop")),
        ("STOLEN", None, "stolen", StolenAction(stolen=True)),
        ("LIGHTS", None, "ligths", LightsAction(on=True)),
        ("STATE", None, "state", StateAction()),
        ("NAVIGATION", None, "navigation", NavigationAction(positions=((5.970338, -62.536239),), driver_approval=True)),
    ],
)
def test_seed_004_table_examples_verbatim(name: str, label: str | None, key: str, action: Action) -> None:
    remote = parse_remote_action(SEED_004_TABLE[name])
    assert remote == RemoteAction(action=action, label=label, key=key)
    assert parse_remote_action(remote.to_json()).action == action  # rendered under the canonical key


def test_seed_004_charging_example_has_a_placeholder_date_and_is_refused() -> None:
    with pytest.raises(RemoteError) as caught:
        parse_remote_action(SEED_004_TABLE["CHARGING_DELAYED"])
    assert caught.value.field == "charging.nextDelayedTime"
    assert "'string' is not an RFC 3339 date-time" in caught.value.reason
    fixed = SEED_004_TABLE["CHARGING_DELAYED"].replace(b'"string"', b'"2024-06-01T12:00:00+02:00"')
    assert parse_remote_action(fixed).action == ChargingAction(mode="Delayed", next_delayed_time_ms=JUNE_1_10H_UTC)


# -- remote actions: every kind, in the spec's forms -----------------------------------------------------


def _program(slot: Any, **extra: Any) -> dict[str, Any]:
    return {
        "recurrence": "Daily",
        "start": "PT7H",
        "occurence": {"day": ["Mon", "Fri"]},
        "slot": slot,
        "enabled": True,
    } | extra


PT7H = 25_200_000


@pytest.mark.parametrize(
    ("body", "action"),
    [
        ({"preconditioning": {"airConditioning": {"immediate": True}}}, PreconditioningAction(immediate=True)),
        ({"preconditionning": {"airConditioning": {"immediate": False}}}, PreconditioningAction(immediate=False)),
        (
            {"preconditioning": {"airConditioning": {"programs": [_program(3), {"slot": 1, "actionsType": "Delete"}]}}},
            PreconditioningAction(
                programs=(
                    PreconditioningProgram(slot=3, start_ms=PT7H, days=("Mon", "Fri")),
                    PreconditioningProgram(slot=1, action="Delete"),
                )
            ),
        ),
        (
            # slot 0 (seed 004) takes the lowest slot no other program names; days in week order
            {
                "preconditioning": {
                    "airConditioning": {
                        "immediate": True,
                        "programs": [
                            _program(0, occurence={"day": ["Sun", "Mon", "Sun"]}),
                            _program(1, enabled=False),
                            _program(0, actionsType="Set"),
                        ],
                    }
                }
            },
            PreconditioningAction(
                immediate=True,
                programs=(
                    PreconditioningProgram(slot=2, start_ms=PT7H, days=("Mon", "Sun")),
                    PreconditioningProgram(slot=1, start_ms=PT7H, days=("Mon", "Fri"), enabled=False),
                    PreconditioningProgram(slot=3, start_ms=PT7H, days=("Mon", "Fri")),
                ),
            ),
        ),
        (
            # recurrence None: one run, occurrence optional; `occurrence` spelling and a bare array of days
            {
                "preconditioning": {
                    "airConditioning": {
                        "programs": [
                            {"recurrence": "None", "start": "PT6H15M", "slot": 4, "enabled": True},
                            {"start": "PT23H59M", "occurrence": ["Sat"], "slot": 2, "enabled": True},
                        ]
                    }
                }
            },
            PreconditioningAction(
                programs=(
                    PreconditioningProgram(slot=4, recurrence="None", start_ms=22_500_000),
                    PreconditioningProgram(slot=2, start_ms=86_340_000, days=("Sat",)),
                )
            ),
        ),
        ({"charging": {"immediate": True}}, ChargingAction(mode="Start")),
        ({"charging": {"immediate": False}}, ChargingAction(mode="Stop")),
        (
            {"charging": {"nextDelayedTime": "2024-06-01T10:00:00Z"}},
            ChargingAction(mode="Delayed", next_delayed_time_ms=JUNE_1_10H_UTC),
        ),
        (
            {"charging": {"immediate": False, "schedule": {"nextDelayedTime": "2024-06-01T11:00:00+01:00"}}},
            ChargingAction(mode="Delayed", next_delayed_time_ms=JUNE_1_10H_UTC),
        ),
        (
            {
                "charging": {
                    "schedule": {
                        "programs": [
                            {"start": "PT1H", "end": "PT6H30M", "occurence": {"day": ["Tue"]}, "slot": 2},
                            {"start": "PT22H", "slot": 1, "enabled": False},
                        ]
                    }
                }
            },
            ChargingAction(
                mode="Programs",
                programs=(
                    ChargingProgram(slot=2, start_ms=3_600_000, end_ms=23_400_000, days=("Tue",)),
                    ChargingProgram(slot=1, start_ms=79_200_000, enabled=False),
                ),
            ),
        ),
        (
            {"charging": {"preferences": {"level": "Level3", "type": "Partial"}}},
            ChargingAction(mode="Preferences", level="Level3", charge_type="Partial"),
        ),
        ({"charging": {"preferences": {"type": "Full"}}}, ChargingAction(mode="Preferences", charge_type="Full")),
        ({"immobilization": {"activate": False}}, ImmobilizationAction(activate=False)),
        ({"door": {"state": "Locked", "forced": True}}, DoorsAction(state="Locked", forced=True)),
        ({"door": {"state": "Locked", "forced": None}}, DoorsAction(state="Locked")),
        ({"horn": {"state": "Unactivated"}}, HornAction(state="Unactivated")),
        ({"stolen": {"stolen": False}}, StolenAction(stolen=False)),
        ({"stolen": {"immobilization": {"activate": True}}}, StolenAction(immobilization=True)),
        (
            {"stolen": {"trackingPeriod": {"running": 30, "shutdown": 120}}},
            StolenAction(tracking_running_s=30, tracking_shutdown_s=120),
        ),
        ({"stolen": {"trackingPeriod": {"shutdown": 60}}}, StolenAction(tracking_shutdown_s=60)),
        ({"lights": {"on": False}}, LightsAction(on=False)),
        ({"state": {}}, StateAction()),
        ({"wakeUp": {}}, WakeUpAction()),
        ({"wakeUp": {"action": "WakeUp"}}, WakeUpAction()),
        (
            {"navigation": {"positions": points(10)}},
            NavigationAction(positions=tuple(tuple(p["coordinates"]) for p in points(10))),
        ),
        (
            {
                "navigation": {
                    "driverApproval": False,
                    "positions": [{"type": "Point", "coordinates": [-180, 90, 35.5]}],
                }
            },
            NavigationAction(positions=((-180.0, 90.0, 35.5),)),
        ),
    ],
)
def test_every_action_kind_parses(body: dict[str, Any], action: Action) -> None:
    remote = parse_remote_action(body)
    assert remote.action == action
    assert remote.label is None
    again = parse_remote_action(json.dumps(remote.to_json()))  # rendering is accepted back, unchanged
    assert again.action == action


def test_navigation_destination_and_waypoints() -> None:
    action = parse_remote_action({"navigation": {"positions": points(3)}}).action
    assert isinstance(action, NavigationAction)
    assert action.destination == (2.37, 48.87)
    assert action.waypoints == ((2.35, 48.85), (2.36, 48.86))


def test_labels() -> None:
    assert parse_remote_action({"label": "unlock for the driver", "horn": {"state": "Activated"}}).label == (
        "unlock for the driver"
    )
    assert parse_remote_action({"label": None, "horn": {"state": "Activated"}}).label is None


# -- remote actions: validation errors ----------------------------------------------------------------

AC = "preconditioning.airConditioning"
PRG = f"{AC}.programs"


def _precond(*programs: Any, **air: Any) -> dict[str, Any]:
    return {"preconditioning": {"airConditioning": {"programs": list(programs)} | air}}


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        # one action per request
        ({}, "body", "must hold one remote action"),
        ({"label": "nothing"}, "body", "must hold one remote action"),
        ({"door": {"state": "Locked"}, "horn": {"state": "Activated"}}, "horn", "one remote action per request"),
        ({"lights": {"on": True}, "ligths": {"on": True}}, "ligths", "lights is already given"),
        ({"fly": {}}, "fly", "unknown field"),
        ({"label": 3, "horn": {"state": "Activated"}}, "label", "must be a string"),
        # door, horn, lights, immobilization, state, wakeUp
        ({"door": "Locked"}, "door", "must be an object"),
        ({"door": {}}, "door.state", "is required"),
        ({"door": {"state": "Open"}}, "door.state", '"Open" is not one of Unlocked, Locked'),
        ({"door": {"state": "locked"}}, "door.state", "is not one of"),
        ({"door": {"state": "Locked", "forced": "yes"}}, "door.forced", "true or false"),
        ({"door": {"state": "Locked", "speed": 3}}, "door.speed", "unknown field"),
        ({"horn": {"state": "Loud"}}, "horn.state", "Activated, Unactivated"),
        ({"horn": {"state": None}}, "horn.state", "is required"),
        ({"lights": {"on": 1}}, "lights.on", "must be true or false, not 1"),
        ({"ligths": {}}, "ligths.on", "is required"),
        ({"immobilization": {"activate": "true"}}, "immobilization.activate", 'not "true"'),
        ({"immobilization": {}}, "immobilization.activate", "is required"),
        ({"state": {"action": "refresh"}}, "state.action", "is not one of state"),
        ({"wakeUp": {"action": "Sleep"}}, "wakeUp.action", "is not one of WakeUp"),
        ({"wakeUp": None}, "wakeUp", "must be an object"),
        # preconditioning
        ({"preconditioning": {}}, AC, "is required"),
        ({"preconditioning": {"airConditioning": {}}}, AC, "give immediate, programs or both"),
        ({"preconditioning": {"airConditioning": {"programs": []}}}, AC, "give immediate, programs or both"),
        ({"preconditioning": {"airConditioning": {"immediate": "now"}}}, f"{AC}.immediate", "true or false"),
        ({"preconditioning": {"airConditioning": {"programs": {}}}}, PRG, "must be an array"),
        (_precond(*(_program(0) for _ in range(5))), f"{PRG}[4]", "at most 4 programs"),
        (_precond(_program(5)), f"{PRG}[0].slot", "between 0 and 4, not 5"),
        (_precond(_program(-1)), f"{PRG}[0].slot", "between 0 and 4"),
        (_precond(_program(1.5)), f"{PRG}[0].slot", "must be an integer"),
        (_precond(_program(2), _program(2)), f"{PRG}[1].slot", "slot 2 is used twice"),
        (_precond({"slot": 2, "actionsType": "Delete"}, _program(2)), f"{PRG}[1].slot", "used twice"),
        (_precond({"start": "PT7H", "enabled": True, "occurence": {"day": ["Mon"]}}), f"{PRG}[0].slot", "required"),
        (_precond({"slot": 0, "actionsType": "Delete"}), f"{PRG}[0].slot", "between 1 and 4, not 0"),
        (_precond(_program(1, actionsType="Update")), f"{PRG}[0].actionsType", "Set, Delete"),
        (_precond(_program(1, start="14:30")), f"{PRG}[0].start", "not an ISO 8601 duration"),
        (_precond(_program(1, start="PT24H")), f"{PRG}[0].start", "under 24 hours"),
        (_precond(_program(1, start="P1M")), f"{PRG}[0].start", "no fixed length"),
        (_precond(_program(1, start=None)), f"{PRG}[0].start", "is required"),
        (_precond(_program(1, recurrence="Weekly")), f"{PRG}[0].recurrence", "None, Daily"),
        (_precond(_program(1, enabled=None)), f"{PRG}[0].enabled", "is required"),
        (_precond(_program(1, enabled="true")), f"{PRG}[0].enabled", "true or false"),
        (_precond(_program(1, occurence=None)), f"{PRG}[0].occurence", "required when recurrence is Daily"),
        (_precond(_program(1, occurence={"day": ["Lun"]})), f"{PRG}[0].occurence.day[0]", "not one of Mon"),
        (_precond(_program(1, occurence={"day": []})), f"{PRG}[0].occurence.day", "1 to 7 days"),
        (_precond(_program(1, occurence={})), f"{PRG}[0].occurence.day", "is required"),
        (_precond(_program(1, occurence={"week": ["w1"]})), f"{PRG}[0].occurence.week", "unknown field"),
        (_precond(_program(1, occurrence={"day": ["Mon"]})), f"{PRG}[0].occurrence", "give only one of"),
        (_precond(_program(1, duration="PT1H")), f"{PRG}[0].duration", "unknown field"),
        (_precond("program"), f"{PRG}[0]", "must be an object"),
        # charging
        ({"charging": {}}, "charging", "give immediate, nextDelayedTime, schedule or preferences"),
        ({"charging": {"immediate": "false"}}, "charging.immediate", "true or false"),
        ({"charging": {"nextDelayedTime": "tomorrow"}}, "charging.nextDelayedTime", "RFC 3339"),
        ({"charging": {"nextDelayedTime": "2024-06-01T10:00:00"}}, "charging.nextDelayedTime", "no UTC offset"),
        ({"charging": {"nextDelayedTime": "2024-13-01T10:00:00Z"}}, "charging.nextDelayedTime", "RFC 3339"),
        ({"charging": {"nextDelayedTime": 1717236000}}, "charging.nextDelayedTime", "must be a string"),
        (
            {"charging": {"immediate": True, "nextDelayedTime": "2024-06-01T10:00:00Z"}},
            "charging.nextDelayedTime",
            "cannot be used with immediate true",
        ),
        (
            {"charging": {"immediate": True, "schedule": {"programs": [{"start": "PT1H", "slot": 1}]}}},
            "charging.schedule.programs",
            "cannot be used with immediate true",
        ),
        ({"charging": {"schedule": {}}}, "charging.schedule", "give one of nextDelayedTime and programs"),
        (
            {"charging": {"schedule": {"nextDelayedTime": "2024-06-01T10:00:00Z", "programs": []}}},
            "charging.schedule",
            "give one of nextDelayedTime and programs",
        ),
        (
            {
                "charging": {
                    "nextDelayedTime": "2024-06-01T10:00:00Z",
                    "schedule": {"nextDelayedTime": "2024-06-01T10:00:00Z"},
                }
            },
            "charging.schedule.nextDelayedTime",
            "charging.nextDelayedTime is already given",
        ),
        ({"charging": {"schedule": {"programs": []}}}, "charging.schedule.programs", "1 to 4 programs"),
        (
            {"charging": {"schedule": {"programs": [{"start": "PT1H", "slot": i % 4 + 1} for i in range(5)]}}},
            "charging.schedule.programs[4]",
            "at most 4 programs",
        ),
        (
            {"charging": {"schedule": {"programs": [{"start": "PT1H"}]}}},
            "charging.schedule.programs[0].slot",
            "is required",
        ),
        (
            {"charging": {"schedule": {"programs": [{"start": "PT1H", "slot": 0}]}}},
            "charging.schedule.programs[0].slot",
            "between 1 and 4",
        ),
        (
            {"charging": {"schedule": {"programs": [{"start": "PT1H", "slot": 1}, {"start": "PT2H", "slot": 1}]}}},
            "charging.schedule.programs[1].slot",
            "used twice",
        ),
        (
            {"charging": {"schedule": {"programs": [{"start": "PT1H", "end": "PT25H", "slot": 1}]}}},
            "charging.schedule.programs[0].end",
            "under 24 hours",
        ),
        (
            {"charging": {"schedule": {"programs": [{"start": "PT1H", "slot": 1, "recurrence": "Daily"}]}}},
            "charging.schedule.programs[0].recurrence",
            "unknown field",
        ),
        (
            {"charging": {"immediate": False, "preferences": {"level": "Level1"}}},
            "charging.preferences",
            "cannot be used with immediate",
        ),
        ({"charging": {"preferences": {"level": "Level9"}}}, "charging.preferences.level", "Level1, Level2"),
        ({"charging": {"preferences": {"type": "Half"}}}, "charging.preferences.type", "Partial, Full"),
        ({"charging": {"preferences": {}}}, "charging.preferences", "give level, type or both"),
        ({"charging": {"stop": True}}, "charging.stop", "unknown field"),
        # stolen
        ({"stolen": {}}, "stolen", "exactly one of stolen, trackingPeriod and immobilization"),
        (
            {"stolen": {"stolen": True, "immobilization": {"activate": True}}},
            "stolen.immobilization",
            "exactly one of",
        ),
        ({"stolen": {"stolen": "yes"}}, "stolen.stolen", "true or false"),
        ({"stolen": {"immobilization": {}}}, "stolen.immobilization.activate", "is required"),
        ({"stolen": {"trackingPeriod": {}}}, "stolen.trackingPeriod", "give running, shutdown or both"),
        ({"stolen": {"trackingPeriod": {"running": 4}}}, "stolen.trackingPeriod.running", "between 5 and 3600"),
        ({"stolen": {"trackingPeriod": {"shutdown": 59}}}, "stolen.trackingPeriod.shutdown", "between 60 and 86400"),
        ({"stolen": {"trackingPeriod": {"running": "30"}}}, "stolen.trackingPeriod.running", "must be an integer"),
        # navigation
        ({"navigation": {}}, "navigation.positions", "is required"),
        ({"navigation": {"positions": []}}, "navigation.positions", "1 to 10 positions"),
        ({"navigation": {"positions": points(11)}}, "navigation.positions[10]", "at most 10 positions"),
        ({"navigation": {"positions": {"type": "Point"}}}, "navigation.positions", "must be an array"),
        (
            {"navigation": {"positions": points(1), "driverApproval": "yes"}},
            "navigation.driverApproval",
            "true or false",
        ),
        (
            {"navigation": {"positions": [*points(2), {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}]}},
            "navigation.positions[2].type",
            '"LineString" is not one of Point',
        ),
        ({"navigation": {"positions": [{"coordinates": [0, 0]}]}}, "navigation.positions[0].type", "is required"),
        ({"navigation": {"positions": [{"type": "Point"}]}}, "navigation.positions[0].coordinates", "is required"),
        (
            {"navigation": {"positions": [{"type": "Point", "coordinates": [5]}]}},
            "navigation.positions[0].coordinates",
            "[longitude, latitude]",
        ),
        (
            {"navigation": {"positions": [{"type": "Point", "coordinates": [1, 2, 3, 4]}]}},
            "navigation.positions[0].coordinates",
            "[longitude, latitude]",
        ),
        (
            {"navigation": {"positions": [{"type": "Point", "coordinates": [180.5, 0]}]}},
            "navigation.positions[0].coordinates[0]",
            "longitude must be between -180 and 180",
        ),
        (
            {"navigation": {"positions": [{"type": "Point", "coordinates": [0, -90.5]}]}},
            "navigation.positions[0].coordinates[1]",
            "latitude must be between -90 and 90",
        ),
        (
            {"navigation": {"positions": [{"type": "Point", "coordinates": ["5.97", 1]}]}},
            "navigation.positions[0].coordinates[0]",
            "must be a number",
        ),
        (
            {"navigation": {"positions": [{"type": "Point", "coordinates": [0, True]}]}},
            "navigation.positions[0].coordinates[1]",
            "must be a number",
        ),
        (
            {"navigation": {"positions": [{"type": "Point", "coordinates": [0, 0], "properties": {}}]}},
            "navigation.positions[0].properties",
            "unknown field",
        ),
    ],
)
def test_action_errors_name_the_field(body: dict[str, Any], field: str, reason: str) -> None:
    with pytest.raises(RemoteError) as caught:
        parse_remote_action(copy.deepcopy(body))
    assert caught.value.field == field
    assert reason in caught.value.reason
    assert str(caught.value) == f"{field}: {caught.value.reason}"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("raw", "field", "reason"),
    [
        (b'{"door": {"state": "Locked", "state": "Unlocked"}}', "door.state", "duplicate key 'state'"),
        (b'{"horn": {"state": "Activated"}, "horn": {"state": "Activated"}}', "horn", "duplicate key 'horn'"),
        (
            b'{"navigation": {"positions": [{"type": "Point", "coordinates": [1, 2], "type": "Point"}]}}',
            "navigation.positions[0].type",
            "duplicate key",
        ),
        (b'{"navigation": {"positions": [{"type": "Point", "coordinates": [NaN, 2]}]}}', "", "finite"),
        (b'{"door": {"state": "Locked"}', "body", "is not valid JSON"),
        (b"\xfe\xff", "body", "is not valid JSON"),
        (b"", "body", "is not valid JSON"),
        (b"[]", "body", "must be an object"),
        (b'"door"', "body", "must be an object"),
    ],
)
def test_raw_bodies(raw: bytes, field: str, reason: str) -> None:
    with pytest.raises(RemoteError) as caught:
        parse_remote_action(raw)
    if field:
        assert caught.value.field == field
    else:
        assert caught.value.field == "navigation.positions[0].coordinates[0]"
    assert reason in caught.value.reason
    with pytest.raises(RemoteError):
        parse_remote_action(raw.decode("utf-8", errors="replace"))


def test_raw_bodies_as_text_and_bytearray() -> None:
    text = '{"label": "é", "horn": {"state": "Activated"}}'
    assert parse_remote_action(text).label == "é"
    assert parse_remote_action(bytearray(text.encode())).action == HornAction(state="Activated")


# -- notification types -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (SEED_004_TABLE["PRECONDITIONING"], "ThermalPreconditioning"),
        (SEED_004_TABLE["IMMOBILIZATION"], "Immobilization"),
        (SEED_004_TABLE["DOOR"], "Doors"),
        (SEED_004_TABLE["HORN"], "Horn"),
        (SEED_004_TABLE["CHARGING_STOP"], "ElectricBatteryChargingRequest"),
        (SEED_004_TABLE["STOLEN"], "Stolen"),
        (b'{"stolen": {"immobilization": {"activate": true}}}', "Stolen"),
        (SEED_004_TABLE["LIGHTS"], "Lights"),
        (SEED_004_TABLE["STATE"], "VehicleState"),
        (b'{"wakeUp": {}}', "WakeUp"),
        (SEED_004_TABLE["NAVIGATION"], "Navigation"),
    ],
)
def test_notification_type_of_each_action(body: bytes, kind: str) -> None:
    remote = parse_remote_action(body)
    assert notification_type(remote) == kind
    assert notification_type(remote.action) == kind
    assert kind in REMOTE_TYPES


def test_callback_must_serve_the_action_type() -> None:
    callback = parse_remote_callback(SEED_004_CALLBACK)  # ThermalPreconditioning, ElectricBatteryChargingRequest
    check_callback_serves(callback, parse_remote_action(SEED_004_TABLE["PRECONDITIONING"]))
    check_callback_serves(callback, parse_remote_action(SEED_004_TABLE["CHARGING_STOP"]))
    with pytest.raises(RemoteError) as caught:
        check_callback_serves(callback, parse_remote_action(SEED_004_TABLE["LIGHTS"]))
    assert caught.value.field == "ligths"  # the field as the client wrote it
    assert caught.value.reason == (
        "is a Lights action, and this callback serves ThermalPreconditioning, ElectricBatteryChargingRequest: "
        "use a callback subscribed to Lights"
    )


# -- formats ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ms", "text"),
    [(0, "PT0M"), (PT14H30M, "PT14H30M"), (3_600_000, "PT1H"), (61_500, "PT1M1.500S"), (86_399_000, "PT23H59M59S")],
)
def test_format_time_of_day(ms: int, text: str) -> None:
    assert format_time_of_day(ms) == text


def test_format_datetime() -> None:
    assert format_datetime(JUNE_1_10H_UTC) == "2024-06-01T10:00:00Z"
    assert format_datetime(JUNE_1_10H_UTC + 7) == "2024-06-01T10:00:00.007Z"


def test_charging_action_mode_and_time_go_together() -> None:
    with pytest.raises(ValueError, match="next_delayed_time_ms"):
        ChargingAction(mode="Delayed")
    with pytest.raises(ValueError, match="next_delayed_time_ms"):
        ChargingAction(mode="Start", next_delayed_time_ms=1)
