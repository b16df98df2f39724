"""The alert catalogue: every alert type of the v2 spec's AlertMsgEnum with its severity, category and
dashboard message in the supported locales (seed 000: `locale` is fr or en, en by default)."""

from __future__ import annotations

from dataclasses import dataclass

LOCALES = ("en", "fr")


@dataclass(frozen=True, slots=True)
class AlertKind:
    type: str
    severity: str  # low, medium, high (high: stop the vehicle and call a dealer)
    category: str  # engine, braking, safety, doors, lighting, tyres, energy, comfort, driving-aid
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
)

CATALOGUE: dict[str, AlertKind] = {kind.type: kind for kind in _KINDS}
