"""The alert catalogue: every alert type of the v2 spec's AlertMsgEnum with its severity, category and
dashboard message in the supported locales (seed 000: `locale` is fr or en, en by default)."""

from __future__ import annotations

from dataclasses import dataclass

LOCALES = ("en", "fr")


@dataclass(frozen=True, slots=True)
class AlertKind:
    type: str
    severity: str  # low, medium, high (high: stop the vehicle and call a dealer)
    category: str  # engine, braking, safety, doors, lighting, tyres, energy, comfort, driving-aid, transmission
    message_en: str
    message_fr: str
    advice_en: str
    advice_fr: str

    def message(self, locale: str) -> str:
        return self.message_fr if locale == "fr" else self.message_en

    def advice(self, locale: str) -> str:
        return self.advice_fr if locale == "fr" else self.advice_en


_STOP_EN, _STOP_FR = "Stop the vehicle and call a dealer.", "Arrêtez le véhicule et contactez un réparateur."
_SERVICE_EN, _SERVICE_FR = "Have the vehicle checked by a dealer.", "Faites vérifier le véhicule par un réparateur."
_CLOSE_EN, _CLOSE_FR = "Close it before driving on.", "Fermez-le avant de repartir."
_CLOSE_NOW = ("Stop safely and close it.", "Arrêtez-vous en sécurité et fermez-le.")
_CLOSE = (_CLOSE_EN, _CLOSE_FR)
_BULB = ("Have the bulb replaced.", "Faites remplacer l'ampoule.")
_TYRES = ("Check the tyre pressures as soon as possible.", "Vérifiez la pression des pneumatiques au plus vite.")
_ROOF = (
    "Do as the message says, then operate the roof again.",
    "Suivez l'indication, puis relancez la manœuvre du toit.",
)
_PREHEAT = (
    "Preheating will work again once this is fixed.",
    "Le préchauffage fonctionnera de nouveau une fois ce point réglé.",
)


def _k(type_: str, severity: str, category: str, en: str, fr: str, advice: tuple[str, str] | None = None) -> AlertKind:
    if advice is None:
        advice = (_STOP_EN, _STOP_FR) if severity == "high" else (_SERVICE_EN, _SERVICE_FR)
    return AlertKind(type_, severity, category, en, fr, advice[0], advice[1])


_KINDS: tuple[AlertKind, ...] = (
    _k("alertOilPressure", "high", "engine", "Oil pressure too low", "Pression d'huile insuffisante"),
    _k(
        "alertCoolantTemp",
        "high",
        "engine",
        "Coolant temperature too high",
        "Température du liquide de refroidissement trop élevée",
    ),
    _k("chargingSystemFault", "high", "energy", "Charging system fault", "Défaut du système de charge"),
    _k("alertBrakeFluid", "high", "braking", "Brake fluid level too low", "Niveau de liquide de frein insuffisant"),
    _k("steeringFault", "high", "safety", "Steering fault", "Défaut de direction"),
    _k(
        "alertCoolantLevel",
        "high",
        "engine",
        "Coolant level too low",
        "Niveau de liquide de refroidissement insuffisant",
    ),
    _k(
        "laneDepartureWarningSystemFault",
        "low",
        "driving-aid",
        "Lane departure warning system fault",
        "Défaut de l'alerte de franchissement de ligne",
    ),
    # Doors and openings
    _k(
        "frontLeftDoorOpenHighSpeed",
        "high",
        "doors",
        "Front left door open while driving",
        "Porte avant gauche ouverte en roulant",
        _CLOSE_NOW,
    ),
    _k(
        "frontRightDoorOpenHighSpeed",
        "high",
        "doors",
        "Front right door open while driving",
        "Porte avant droite ouverte en roulant",
        _CLOSE_NOW,
    ),
    _k(
        "rearLeftDoorOpenHighSpeed",
        "high",
        "doors",
        "Rear left door open while driving",
        "Porte arrière gauche ouverte en roulant",
        _CLOSE_NOW,
    ),
    _k(
        "rearRightDoorOpenHighSpeed",
        "high",
        "doors",
        "Rear right door open while driving",
        "Porte arrière droite ouverte en roulant",
        _CLOSE_NOW,
    ),
    _k("trunkOpenHighSpeed", "high", "doors", "Boot open while driving", "Coffre ouvert en roulant", _CLOSE_NOW),
    _k("trunkWindowOpen", "medium", "doors", "Opening rear window open", "Lunette ouvrante ouverte", _CLOSE),
    _k("frontRightDoorOpen", "low", "doors", "Front right door open", "Porte avant droite ouverte", _CLOSE),
    _k("frontLeftDoorOpen", "low", "doors", "Front left door open", "Porte avant gauche ouverte", _CLOSE),
    _k("rearRightDoorOpen", "low", "doors", "Rear right door open", "Porte arrière droite ouverte", _CLOSE),
    _k("rearLeftDoorOpen", "low", "doors", "Rear left door open", "Porte arrière gauche ouverte", _CLOSE),
    _k("trunkOpen", "low", "doors", "Boot open", "Coffre ouvert", _CLOSE),
    _k("bootOpen", "low", "doors", "Tailgate open", "Hayon ouvert", _CLOSE),
    _k("rearScreenOpen", "low", "doors", "Rear screen open", "Lunette arrière ouverte", _CLOSE),
    # Engine and emissions
    _k("engineFault", "high", "engine", "Engine fault", "Défaut moteur"),
    _k(
        "waterInGasoil",
        "medium",
        "engine",
        "Water in the diesel fuel",
        "Présence d'eau dans le gazole",
        ("Have the diesel filter drained soon.", "Faites purger le filtre à gazole rapidement."),
    ),
    _k(
        "riskOfParticleFilterBlockage",
        "medium",
        "engine",
        "Risk of particle filter blockage",
        "Risque de colmatage du filtre à particules",
        (
            "Drive at a steady speed above 60 km/h until the warning goes out.",
            "Roulez à plus de 60 km/h de façon soutenue jusqu'à l'extinction du voyant.",
        ),
    ),
    _k(
        "particleFilterAdditiveTooLow",
        "medium",
        "engine",
        "Particle filter additive level too low",
        "Niveau d'additif du filtre à particules insuffisant",
    ),
    _k("antipollutionFault", "medium", "engine", "Emission control system fault", "Défaut du système antipollution"),
    _k(
        "tupUpAdBlue",
        "medium",
        "engine",
        "Top up AdBlue",
        "Complétez le niveau d'AdBlue",
        (
            "Top up AdBlue before the engine can no longer be started.",
            "Complétez l'AdBlue avant que le démarrage ne soit empêché.",
        ),
    ),
    # Braking
    _k("padWearFault", "medium", "braking", "Brake pads worn", "Plaquettes de frein usées"),
    _k("absFault", "medium", "braking", "ABS fault", "Défaut de l'ABS"),
    _k("parkingBreakFault", "high", "braking", "Parking brake fault", "Défaut du frein de stationnement"),
    # Safety and chassis
    _k("espFault", "medium", "safety", "ESP fault", "Défaut de l'ESP"),
    _k(
        "airbagOrSeatbeltFault",
        "medium",
        "safety",
        "Airbag or seat belt fault",
        "Défaut airbag ou ceinture de sécurité",
    ),
    _k("suspensionFault", "medium", "safety", "Suspension fault", "Défaut de suspension"),
    _k(
        "suspensionFaultLimitTo90km",
        "high",
        "safety",
        "Suspension fault: do not exceed 90 km/h",
        "Défaut de suspension : ne dépassez pas 90 km/h",
        (
            "Drive below 90 km/h and have the vehicle checked by a dealer.",
            "Roulez à moins de 90 km/h et faites vérifier le véhicule par un réparateur.",
        ),
    ),
    _k("alertSteeringLock", "high", "safety", "Steering lock fault", "Défaut de l'antivol de direction"),
    _k("powerSteeringFault", "high", "safety", "Power steering fault", "Défaut de la direction assistée"),
    _k(
        "electronicImmobiliserFault",
        "medium",
        "safety",
        "Electronic immobiliser fault",
        "Défaut de l'antidémarrage électronique",
    ),
    _k("activeSpoilerFault", "medium", "safety", "Active spoiler fault", "Défaut de l'aileron actif"),
    _k("trailerConnectionFault", "medium", "safety", "Trailer connection fault", "Défaut de connexion de la remorque"),
    _k(
        "riskOfIce",
        "low",
        "safety",
        "Risk of ice",
        "Risque de verglas",
        ("Drive carefully: the road may be icy.", "Roulez prudemment : la route peut être verglacée."),
    ),
    # Tyres
    _k(
        "underInflationTyreFault",
        "medium",
        "tyres",
        "Tyre under-inflation detection fault",
        "Défaut de la détection de sous-gonflage",
    ),
    _k("wheelPressureFault", "high", "tyres", "Tyre pressure fault", "Défaut de pression des pneumatiques"),
    _k(
        "adjustTyrePressure",
        "medium",
        "tyres",
        "Adjust the tyre pressures",
        "Ajustez la pression des pneumatiques",
        _TYRES,
    ),
    _k("tyreUnderInflation", "medium", "tyres", "Tyre under-inflated", "Pneumatique sous-gonflé", _TYRES),
    _k("frontLeftTyreNotMonitored", "low", "tyres", "Front left tyre not monitored", "Pneu avant gauche non surveillé"),
    _k(
        "frontRightTyreNotMonitored", "low", "tyres", "Front right tyre not monitored", "Pneu avant droit non surveillé"
    ),
    _k(
        "rearRightTyreNotMonitored", "low", "tyres", "Rear right tyre not monitored", "Pneu arrière droit non surveillé"
    ),
    _k("rearLeftTyreNotMonitored", "low", "tyres", "Rear left tyre not monitored", "Pneu arrière gauche non surveillé"),
    # Energy
    _k("batteryLevelFault", "medium", "energy", "Battery charge too low", "Charge de la batterie insuffisante"),
    _k(
        "fuelLevelAlarm",
        "low",
        "energy",
        "Fuel level low",
        "Niveau de carburant bas",
        ("Refuel soon.", "Faites le plein rapidement."),
    ),
    _k("hybridSystemFault", "high", "energy", "Hybrid system fault", "Défaut du système hybride"),
    _k(
        "hybridSystemFaultRepairedTheVehicle",
        "medium",
        "energy",
        "Hybrid system fault: have the vehicle repaired",
        "Défaut du système hybride : faites réparer le véhicule",
    ),
    _k("electricModeNotAvailable", "low", "energy", "Electric mode not available", "Mode électrique indisponible"),
    _k(
        "longPushToUnlockTankFault",
        "low",
        "energy",
        "Fuel filler flap unlocking fault",
        "Défaut de déverrouillage de la trappe à carburant",
    ),
    # Lighting
    _k("checkTheBrakeLamp", "low", "lighting", "Check the brake lamps", "Vérifiez les feux stop", _BULB),
    _k("checkRightBrakeLamp", "low", "lighting", "Check the right brake lamp", "Vérifiez le feu stop droit", _BULB),
    _k("checkLeftBrakeLamp", "low", "lighting", "Check the left brake lamp", "Vérifiez le feu stop gauche", _BULB),
    _k("checkSideLamps", "low", "lighting", "Check the side lamps", "Vérifiez les feux de position", _BULB),
    _k(
        "checkDirectionIndicator",
        "low",
        "lighting",
        "Check the direction indicators",
        "Vérifiez les indicateurs de direction",
        _BULB,
    ),
    _k("checkReversingLamp", "low", "lighting", "Check the reversing lamp", "Vérifiez le feu de recul", _BULB),
    _k("frontFoglightFault", "low", "lighting", "Front foglight fault", "Défaut des projecteurs antibrouillard avant"),
    _k("rearFoglightFault", "low", "lighting", "Rear foglight fault", "Défaut du feu antibrouillard arrière"),
    _k(
        "automaticHeadlampFault",
        "low",
        "lighting",
        "Automatic headlamp fault",
        "Défaut de l'allumage automatique des projecteurs",
    ),
    _k(
        "directionalHeadlampsFault",
        "low",
        "lighting",
        "Directional headlamps fault",
        "Défaut des projecteurs directionnels",
    ),
    # Driving aids
    _k(
        "limitedVisibilityAidsCamera",
        "low",
        "driving-aid",
        "Driving-aid camera: limited visibility",
        "Caméra d'aide à la conduite : visibilité réduite",
        ("Clean the windscreen in front of the camera.", "Nettoyez le pare-brise devant la caméra."),
    ),
    _k("parkingAssistanceFault", "low", "driving-aid", "Parking assistance fault", "Défaut de l'aide au stationnement"),
    _k(
        "automaticBreakingSystemFault",
        "medium",
        "driving-aid",
        "Automatic emergency braking fault",
        "Défaut du freinage automatique d'urgence",
    ),
    _k(
        "automaticBreakingDeactived",
        "low",
        "driving-aid",
        "Automatic emergency braking deactivated",
        "Freinage automatique d'urgence désactivé",
    ),
    _k(
        "laneDepartureFault",
        "low",
        "driving-aid",
        "Lane departure detection fault",
        "Défaut de la détection de franchissement de ligne",
    ),
    _k(
        "spareWheelFittedDrivingAidsDeactivated",
        "low",
        "driving-aid",
        "Spare wheel fitted: driving aids deactivated",
        "Roue de secours montée : aides à la conduite désactivées",
        (
            "Refit a normal wheel to get the driving aids back.",
            "Remontez une roue normale pour retrouver les aides à la conduite.",
        ),
    ),
    # Transmission
    _k(
        "automaticGearboxFault",
        "medium",
        "transmission",
        "Automatic gearbox fault",
        "Défaut de la boîte de vitesses automatique",
    ),
    _k(
        "placeGearBoxToP",
        "low",
        "transmission",
        "Put the gear selector in P",
        "Placez le sélecteur de vitesses sur P",
        (
            "Move the selector to P before leaving the vehicle.",
            "Placez le sélecteur sur P avant de quitter le véhicule.",
        ),
    ),
    # Comfort
    _k(
        "retractableRoofMechanismFault",
        "medium",
        "comfort",
        "Retractable roof mechanism fault",
        "Défaut du mécanisme de toit escamotable",
    ),
    _k(
        "roofOperationImpossibleTemperatureTooHigh",
        "low",
        "comfort",
        "Roof operation impossible: temperature too high",
        "Manœuvre du toit impossible : température trop élevée",
        _ROOF,
    ),
    _k(
        "roofOperationImpossibleStartEngine",
        "low",
        "comfort",
        "Roof operation impossible: start the engine",
        "Manœuvre du toit impossible : démarrez le moteur",
        _ROOF,
    ),
    _k(
        "roofOperationImpossibleApplyParkingBreak",
        "low",
        "comfort",
        "Roof operation impossible: apply the parking brake",
        "Manœuvre du toit impossible : serrez le frein de stationnement",
        _ROOF,
    ),
    _k(
        "preaheatingDeactivatedBatteryTooLow",
        "low",
        "comfort",
        "Preheating deactivated: battery too low",
        "Préchauffage désactivé : batterie trop faible",
        _PREHEAT,
    ),
    _k(
        "preaheatingDeactivatedFuelLevelTooLow",
        "low",
        "comfort",
        "Preheating deactivated: fuel level too low",
        "Préchauffage désactivé : niveau de carburant trop bas",
        _PREHEAT,
    ),
    _k(
        "preaheatingDeactivatedSetTheClock",
        "low",
        "comfort",
        "Preheating deactivated: set the clock",
        "Préchauffage désactivé : réglez l'horloge",
        _PREHEAT,
    ),
    _k(
        "washerLevelAlarm",
        "low",
        "comfort",
        "Screenwash level low",
        "Niveau de lave-glace bas",
        ("Top up the screenwash.", "Complétez le niveau de lave-glace."),
    ),
    _k(
        "batteryKeyAlarm",
        "low",
        "comfort",
        "Remote key battery low",
        "Pile de la clé faible",
        ("Replace the key battery.", "Remplacez la pile de la clé."),
    ),
)

CATALOGUE: dict[str, AlertKind] = {kind.type: kind for kind in _KINDS}
