"""Seed 004's bodies, verbatim (misspellings included), and helpers to build valid ones."""

from __future__ import annotations

from typing import Any

# "Post Remote CallBack": the overview (a skeleton with empty objects) and the example.
SEED_004_CALLBACK_OVERVIEW = b"""{
  "retryPolicy": { },
  "batchNotify": { },
  "callback": { },
  "label": "callback-name",
  "extendedEventParam": [ ]
}"""

SEED_004_CALLBACK = b"""{
   "retryPolicy": {
      "policy": "Always",
      "maxRetryNumber": 3,
      "retryDelay": 120
      },
   "batchNotify": {
      "size": 10,
      "timeWindow": 300
   },
   "callback": {
      "webhook": {
         "target": "https://my.post.callback",
         "name": "My_Webhook",
         "attributres": [
            {
            "type":"Header",
            "key":"Authorization",
            "value":"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
            }
         ]
      }
   },
   "label": "my-post-callback",
    "notificationTypes": [
        "ThermalPreconditioning",
        "ElectricBatteryChargingRequest"
    ]
}"""

# "Post Remote Action": the request example.
SEED_004_ACTION = b"""{
  "label": "remote_name",
  "door": {
    "state": "Unlocked"
    }
}"""

# The "Remote Actions" table, one example per row (the charging row has two).
SEED_004_TABLE: dict[str, bytes] = {
    "PRECONDITIONING": b'{ "label": "string", "preonditionning": { "airConditioning": { "immediate": false, "programs": [ { "recurrence": "Daily", "start": "PT14H30M", "occurence": { "day": [ "Mon" ] }, "slot": 0, "enabled": true } ] } } }',  # noqa: E501
    "IMMOBILIZATION": b'{ "immobilization": { "activate": true } }',
    "DOOR": b'{ "door": { "state": "Unlocked" } }',
    "HORN": b'{ "horn": { "state": "Activated" } }',
    "CHARGING_DELAYED": b'{ "charging": { "nextDelayedTime": "string", "immediate": false } }',
    "CHARGING_STOP": b'{ "charging": {"immediate": false} }',
    "STOLEN": b'{ "stolen": { "stolen": true } }',
    "LIGHTS": b'{ "ligths": { "on": true } }',
    "STATE": b'{ "state": { "action": "state" } }',
    "NAVIGATION": b'{"navigation": { "driverApproval": true, "positions": [ { "type": "Point", "coordinates": [ 5.970338, -62.536239 ] } ]}}',  # noqa: E501
}


def spec_callback() -> dict[str, Any]:
    """A valid remote callback in the spec's spellings (remoteTypes, attributes)."""
    return {
        "label": "fleet-remotes",
        "retryPolicy": {"policy": "Bounded", "retryNumber": 5, "retryDelay": 30},
        "batchNotify": {"size": 5, "timeWindow": 60},
        "callback": {
            "webhook": {
                "target": "https://hooks.example.com/remotes",
                "name": "Remotes",
                "attributes": [
                    {"type": "Header", "key": "X-Vehicle-Id", "value": "$vin"},
                    {"type": "Query", "key": "type", "value": "$remoteType"},
                ],
            }
        },
        "remoteTypes": ["Doors", "Horn", "Lights", "Navigation"],
    }


def points(n: int) -> list[dict[str, Any]]:
    """n GeoJSON points along a line out of Paris."""
    return [{"type": "Point", "coordinates": [round(2.35 + i / 100, 6), round(48.85 + i / 100, 6)]} for i in range(n)]
