"""Monitor bodies for the tests: seed 001's own example, verbatim, and a valid spec-spelled body."""

from __future__ import annotations

import copy
from typing import Any

SEED_001_BODY = b"""{
   "label":"IDF Zone monitor With Data Triggering:[vehicle.energy.electric.level] OR on Mondays",
   "subscribeParam":{
      "refreshEvent":600,
      "retryPolicy":{"policy":"Always","maxRetryNumber":3,"retryDelay":120},
      "batchNotify":{"size":10,"timeWindow":300},
      "callback":{"target":"http://my.dn/monitors/cb1","name":"HTTP_CB","attributes":[
            {"type":"Query","key":"vin","value":"$vin"},
            {"type":"Header","key":"Authorization","value":"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}]}
   },
   "extendedEventParam":["vehicle.alerts","vehicle.status"],
   "triggerParam":{
      "triggers": [
      {
         "name": "outOfParis",
         "zone": {
            "transition": "Out",
            "circle": {
               "radius": 20,
               "center": {
               "longitude": 2.333333,
               "latitude": 48.866667
               }
            }
         },
         "name": "onMonday",
         "time": {
            "times": [
               {
               "recurrence": "Daily",
               "start": "PT14H30M",
               "occurence": {
                  "day": [
                     "Mon"
                  ]
               },
               "duration": "PT04H30M"
             }
            ],
            "time.zone": "Europe/Paris"
         },
         "name": "batteryIsLow",
         "data": {
          "data": "vehicle.energy.electric.level",
          "op": "lowerThan",
          "value": [
            "50"
            ]
        }
      }
    ],
    "bool.exp": "((outOfParis & (batteryIsLow | onMonday)"
  }
}"""

SPEC_BODY: dict[str, Any] = {
    "label": "seed 001, corrected, in the spec's spelling",
    "subscribeParam": {"refreshEvent": 600},
    "triggerParam": {
        "triggers": [
            {
                "name": "outOfParis",
                "zone": {
                    "transition": "Out",
                    "place": {"radius": 20, "center": {"longitude": 2.333333, "latitude": 48.866667}},
                },
            },
            {
                "name": "onMonday",
                "time": {
                    "times": [
                        {
                            "recurrence": "Daily",
                            "start": "PT14H30M",
                            "occurrence": {"day": ["Mon"]},
                            "duration": "PT04H30M",
                        }
                    ],
                    "timeZone": "Europe/Paris",
                },
            },
            {
                "name": "batteryIsLow",
                "data": {"data": "vehicle.energy.electric.level", "op": "lowerThan", "value": ["50"]},
            },
        ],
        "boolExp": "(outOfParis & (batteryIsLow | onMonday))",
    },
}


def spec_body() -> dict[str, Any]:
    return copy.deepcopy(SPEC_BODY)
