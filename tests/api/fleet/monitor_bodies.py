"""Monitor bodies for the tests: seed 001's example as written, and as it was meant."""

from __future__ import annotations

import copy
import json
from typing import Any

PUBLIC_TARGET = "http://93.184.216.34/monitors/cb1"  # an address literal: no DNS needed to check it

# Seed 001's example body, verbatim but for its target (my.dn does not resolve here): its three
# triggers are written as one object (duplicate keys) and its boolean expression misses a parenthesis.
SEED_BODY = """{
   "label":"IDF Zone monitor With Data Triggering:[vehicle.energy.electric.level] OR on Mondays",
   "subscribeParam":{
      "refreshEvent":600,
      "retryPolicy":{"policy":"Always","maxRetryNumber":3,"retryDelay":120},
      "batchNotify":{"size":10,"timeWindow":300},
      "callback":{
         "target":"TARGET",
         "name":"HTTP_CB",
         "attributes":[
            {"type":"Query","key":"vin","value":"$vin"},
            {"type":"Header","key":"Authorization","value":"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}
         ]
      }
   },
   "extendedEventParam":["vehicle.alerts","vehicle.status"],
   "triggerParam":{
      "triggers": [
      {
         "name": "outOfParis",
         "zone": {
            "transition": "Out",
            "circle": {"radius": 20, "center": {"longitude": 2.333333, "latitude": 48.866667}}
         },
         "name": "onMonday",
         "time": {
            "times": [
               {"recurrence": "Daily", "start": "PT14H30M", "occurence": {"day": ["Mon"]}, "duration": "PT04H30M"}
            ],
            "time.zone": "Europe/Paris"
         },
         "name": "batteryIsLow",
         "data": {"data": "vehicle.energy.electric.level", "op": "lowerThan", "value": ["50"]}
      }
    ],
    "bool.exp": "((outOfParis & (batteryIsLow | onMonday)"
  }
}""".replace("TARGET", PUBLIC_TARGET)


def seed_monitor(target: str = PUBLIC_TARGET) -> dict[str, Any]:
    """Seed 001's monitor as meant: three trigger objects, balanced parentheses."""
    return {
        "label": "IDF Zone monitor With Data Triggering:[vehicle.energy.electric.level] OR on Mondays",
        "subscribeParam": {
            "refreshEvent": 600,
            "retryPolicy": {"policy": "Always", "maxRetryNumber": 3, "retryDelay": 120},
            "batchNotify": {"size": 10, "timeWindow": 300},
            "callback": {
                "target": target,
                "name": "HTTP_CB",
                "attributes": [
                    {"type": "Query", "key": "vin", "value": "$vin"},
                    {"type": "Header", "key": "Authorization", "value": "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="},
                ],
            },
        },
        "extendedEventParam": ["vehicle.alerts", "vehicle.status"],
        "triggerParam": {
            "triggers": [
                {
                    "name": "outOfParis",
                    "zone": {
                        "transition": "Out",
                        "circle": {"radius": 20, "center": {"longitude": 2.333333, "latitude": 48.866667}},
                    },
                },
                {
                    "name": "onMonday",
                    "time": {
                        "times": [
                            {
                                "recurrence": "Daily",
                                "start": "PT14H30M",
                                "occurence": {"day": ["Mon"]},
                                "duration": "PT04H30M",
                            }
                        ],
                        "time.zone": "Europe/Paris",
                    },
                },
                {
                    "name": "batteryIsLow",
                    "data": {"data": "vehicle.energy.electric.level", "op": "lowerThan", "value": ["50"]},
                },
            ],
            "bool.exp": "(outOfParis & (batteryIsLow | onMonday))",
        },
    }


def with_change(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of body with the value at a dotted path (list indexes as numbers) replaced; None deletes."""
    out = copy.deepcopy(body)
    keys: list[Any] = [int(k) if k.isdigit() else k for k in path.split("/")]
    node = out
    for key in keys[:-1]:
        node = node[key]
    if value is None:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return out


def dumps(body: dict[str, Any]) -> str:
    return json.dumps(body)
