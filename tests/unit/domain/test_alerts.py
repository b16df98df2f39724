from __future__ import annotations

import pytest

from connectedcar.domain.alerts import _KINDS, CATALOGUE, LOCALES, AlertKind

# The v2 spec's AlertMsgEnum (specs/b2c-v2.0-2019-psacc.yaml), repeats included as the spec has them.
SPEC_ALERT_MSG_ENUM = """
alertOilPressure alertCoolantTemp chargingSystemFault alertBrakeFluid steeringFault alertCoolantLevel
laneDepartureWarningSystemFault frontLeftDoorOpenHighSpeed frontRightDoorOpenHighSpeed rearLeftDoorOpenHighSpeed
rearRightDoorOpenHighSpeed trunkOpenHighSpeed trunkWindowOpen espFault batteryLevelFault waterInGasoil padWearFault
fuelLevelAlarm airbagOrSeatbeltFault engineFault absFault riskOfParticleFilterBlockage particleFilterAdditiveTooLow
suspensionFault preaheatingDeactivatedBatteryTooLow preaheatingDeactivatedFuelLevelTooLow checkTheBrakeLamp
retractableRoofMechanismFault alertSteeringLock electronicImmobiliserFault roofOperationImpossibleTemperatureTooHigh
roofOperationImpossibleStartEngine roofOperationImpossibleApplyParkingBreak hybridSystemFault automaticHeadlampFault
hybridSystemFaultRepairedTheVehicle washerLevelAlarm batteryKeyAlarm preaheatingDeactivatedSetTheClock
trailerConnectionFault underInflationTyreFault limitedVisibilityAidsCamera electricModeNotAvailable
wheelPressureFault checkSideLamps checkRightBrakeLamp checkLeftBrakeLamp frontFoglightFault rearFoglightFault
checkDirectionIndicator checkReversingLamp parkingAssistanceFault adjustTyrePressure antipollutionFault
placeGearBoxToP riskOfIce frontRightDoorOpen frontLeftDoorOpen rearRightDoorOpen rearLeftDoorOpen trunkOpen bootOpen
rearScreenOpen parkingBreakFault activeSpoilerFault automaticBreakingSystemFault directionalHeadlampsFault
automaticGearboxFault engineFault suspensionFaultLimitTo90km frontLeftTyreNotMonitored frontRightTyreNotMonitored
rearRightTyreNotMonitored rearLeftTyreNotMonitored suspensionFault suspensionFault powerSteeringFault engineFault
laneDepartureFault tyreUnderInflation spareWheelFittedDrivingAidsDeactivated automaticBreakingDeactived tupUpAdBlue
longPushToUnlockTankFault
""".split()  # noqa: SIM905 (laid out like the spec's list, not one name a line)


def test_the_catalogue_is_the_spec_enum_once_each() -> None:
    assert len(SPEC_ALERT_MSG_ENUM) == 84
    assert set(CATALOGUE) == set(SPEC_ALERT_MSG_ENUM)
    assert len(_KINDS) == len(CATALOGUE) == 80


@pytest.mark.parametrize("kind", _KINDS, ids=lambda k: k.type)
def test_every_kind_is_complete(kind: AlertKind) -> None:
    found = CATALOGUE[kind.type]
    assert found is kind
    assert found.severity in ("low", "medium", "high")
    assert found.category in {
        "engine",
        "braking",
        "safety",
        "doors",
        "lighting",
        "tyres",
        "energy",
        "comfort",
        "driving-aid",
        "transmission",
    }
    for locale in LOCALES:
        assert found.message(locale).strip() and found.advice(locale).strip()
    assert found.message("fr") != found.message("en")


def test_messages_are_distinct_within_a_locale() -> None:
    for locale in LOCALES:
        messages = [k.message(locale) for k in _KINDS]
        assert len(set(messages)) == len(messages), locale
