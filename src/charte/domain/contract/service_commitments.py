"""Axis 2 of the SP2C charter (2019): service commitments, each with its exact formula.

Formulas (DOMAIN.md, ISO 18295-1 vocabulary). The interval metrics are written once in the
formula book (:mod:`charte.domain.kpi_formulas`, each commitment's ``kpi``), which settlement
evaluates and renders:

- ``service_level`` = answered within T ÷ denominator: offered (minus abandons within
  ``short_abandon`` when set) when abandons are ``counted``; handled when ``excluded``;
  handled + abandoned after T when ``after_threshold`` (needs ``abandoned_within_<T>s``).
- ``answer_rate`` (taux de décroché) = handled ÷ offered (minus short abandons when set).
- ``asa`` = mean wait of answered contacts, at most ``target`` seconds.
- ``abandonment`` = abandoned ÷ offered (both minus short abandons when set), at most ``target``.
- ``response_time`` (email, chat, back office) = share of contacts answered within
  ``within``, counted in business hours (the activity's opening hours) or calendar time.
- ``quality_score`` = mean monitoring score (calibrated monthly) on the ``scale``.
- ``fcr`` = contacts resolved at first contact ÷ handled (by survey or no repeat within a window).
- ``conversion`` = successes ÷ argued contacts (connected calls or handled contacts).

Each commitment names its activity, its measurement ``window``, what is excluded from the
measure, and how it is **evaluated**: ``raw`` (as measured), ``band_neutralised`` (periods
whose volume left the forecast band are set aside) or ``fair`` (outside the band, the
provider is judged on the service the forecast's staffing could have given under the real
load — Erlang A).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from charte.domain import kpi_formulas
from charte.domain.contract.clause import Clause, Identifier
from charte.domain.contract.quantities import CalendarSpan, Seconds, Share, format_seconds
from charte.domain.records import Channel

Window = Literal["interval", "day", "week", "month", "quarter"]


class Evaluation(StrEnum):
    RAW = "raw"
    BAND_NEUTRALISED = "band_neutralised"
    FAIR = "fair"


class Exclusion(StrEnum):
    """Contacts or periods set aside from a measure."""

    CLIENT_INCIDENTS = "client_incidents"          # outage of the client's systems
    FORCE_MAJEURE = "force_majeure"
    OUT_OF_BAND_PERIODS = "out_of_band_periods"    # volume outside the forecast band
    OUTSIDE_OPENING_HOURS = "outside_opening_hours"
    IVR_ONLY = "ivr_only"                          # contacts that never asked for an agent
    SPAM = "spam"                                  # written channels


class _Commitment(Clause):
    id: Identifier
    activity: str
    window: Window = "month"
    exclusions: tuple[Exclusion, ...] = ()
    evaluation: Evaluation = Evaluation.RAW

    @property
    def threshold_seconds(self) -> int | None:
        return None

    @property
    def short_abandon_seconds(self) -> int | None:
        return None

    @property
    def direction(self) -> Literal["at_least", "at_most"]:
        return "at_least"

    def formula_text(self, lang: kpi_formulas.Language = "en") -> str:
        """The formula as measured, in ``lang`` (interval metrics: rendered from the formula book)."""
        raise NotImplementedError

    @property
    def formula(self) -> str:
        return self.formula_text("en")


class ServiceLevel(_Commitment):
    """Service level: answered within T ÷ (offered − short abandons), abandons counted as set."""

    metric: Literal["service_level"]
    answered_within: Seconds
    short_abandon: Seconds | None = Field(default=None, description="abandons within this are not offered")
    abandons: Literal["counted", "excluded", "after_threshold"] = "counted"
    target: Share

    @field_validator("short_abandon")
    @classmethod
    def _short_below_threshold(cls, value: int | None, info: ValidationInfo) -> int | None:
        threshold = info.data.get("answered_within")
        if value is not None and isinstance(threshold, int) and value >= threshold:
            raise PydanticCustomError(
                "invalid_value", "short abandons ({short}) must be shorter than the answer threshold ({t})",
                {"short": format_seconds(value), "t": format_seconds(threshold)},
            )
        return value

    @property
    def threshold_seconds(self) -> int:
        return self.answered_within

    @property
    def short_abandon_seconds(self) -> int | None:
        return self.short_abandon

    @property
    def kpi(self) -> kpi_formulas.Formula:
        """The formula evaluated (:mod:`charte.domain.kpi_formulas`)."""
        return kpi_formulas.service_level(self.answered_within, self.short_abandon, self.abandons)

    def formula_text(self, lang: kpi_formulas.Language = "en") -> str:
        return self.kpi.text(lang)


class AnswerRate(_Commitment):
    """Answer rate (taux de décroché): handled ÷ (offered − short abandons)."""

    metric: Literal["answer_rate"]
    short_abandon: Seconds | None = None
    target: Share

    @property
    def short_abandon_seconds(self) -> int | None:
        return self.short_abandon

    @property
    def kpi(self) -> kpi_formulas.Formula:
        return kpi_formulas.answer_rate(self.short_abandon)

    def formula_text(self, lang: kpi_formulas.Language = "en") -> str:
        return self.kpi.text(lang)


class AverageSpeedOfAnswer(_Commitment):
    """ASA: mean wait of answered contacts; ``target`` is a maximum in seconds."""

    metric: Literal["asa"]
    target: Seconds

    @property
    def direction(self) -> Literal["at_least", "at_most"]:
        return "at_most"

    @property
    def kpi(self) -> kpi_formulas.Formula:
        return kpi_formulas.asa()

    def formula_text(self, lang: kpi_formulas.Language = "en") -> str:
        return self.kpi.text(lang)


class Abandonment(_Commitment):
    """Abandonment: abandoned after the short-abandon threshold ÷ (offered − short abandons), at most ``target``."""

    metric: Literal["abandonment"]
    short_abandon: Seconds | None = None
    target: Share

    @property
    def short_abandon_seconds(self) -> int | None:
        return self.short_abandon

    @property
    def direction(self) -> Literal["at_least", "at_most"]:
        return "at_most"

    @property
    def kpi(self) -> kpi_formulas.Formula:
        return kpi_formulas.abandonment(self.short_abandon)

    def formula_text(self, lang: kpi_formulas.Language = "en") -> str:
        return self.kpi.text(lang)


class ResponseTime(_Commitment):
    """Written channels: share of contacts given a first response within ``within``."""

    metric: Literal["response_time"]
    within: Seconds
    clock: Literal["business_hours", "calendar"] = "business_hours"
    response: Literal["first_response", "closure"] = "first_response"
    target: Share

    @property
    def threshold_seconds(self) -> int:
        return self.within

    def formula_text(self, lang: kpi_formulas.Language = "en") -> str:
        within = format_seconds(self.within)
        if lang == "fr":
            clock = "d'ouverture" if self.clock == "business_hours" else "calendaires"
            what = "première réponse" if self.response == "first_response" else "clôture"
            return f"{what} en {within} {clock} ou moins ÷ reçus"
        clock = "opening hours" if self.clock == "business_hours" else "calendar time"
        return f"{self.response.replace('_', ' ')} within {within} of {clock} ÷ received"


class QualityScore(_Commitment):
    """Mean quality-monitoring score, the grid calibrated between client and provider."""

    metric: Literal["quality_score"]
    target: Share = Field(description="share of the grid's maximum score, e.g. '85%'")
    grid: str | None = Field(default=None, description="name of the monitoring grid")
    evaluations_per_agent: int = Field(default=4, ge=1, description="monitored contacts per agent and window")
    calibration: Literal["monthly", "quarterly"] = "monthly"

    def formula_text(self, lang: kpi_formulas.Language = "en") -> str:
        if lang == "fr":
            return "note moyenne des contacts écoutés ÷ note maximale de la grille"
        return "mean score of monitored contacts ÷ maximum score of the grid"


class FirstContactResolution(_Commitment):
    """FCR: contacts resolved at first contact ÷ handled."""

    metric: Literal["fcr"]
    measured_by: Literal["survey", "no_repeat_contact"] = "no_repeat_contact"
    repeat_window: CalendarSpan | None = None
    target: Share

    @model_validator(mode="after")
    def _window_when_repeat(self) -> FirstContactResolution:
        if self.measured_by == "no_repeat_contact" and self.repeat_window is None:
            raise PydanticCustomError(
                "missing_field", "FCR measured by no repeat contact needs `repeat_window`, e.g. '7 days'", {}
            )
        return self

    def formula_text(self, lang: kpi_formulas.Language = "en") -> str:
        if self.measured_by == "survey":
            return ("clients déclarant leur demande résolue au premier contact ÷ clients interrogés" if lang == "fr"
                    else "customers saying resolved at first contact ÷ surveyed")
        if lang == "fr":
            return f"traités sans nouveau contact sous {self.repeat_window} ÷ traités"
        return f"handled with no repeat contact within {self.repeat_window} ÷ handled"


class Conversion(_Commitment):
    """Conversion: successes (``event``) ÷ argued contacts."""

    metric: Literal["conversion"]
    event: str = "sale"
    denominator: Literal["connected", "handled"] = "connected"
    target: Share

    def formula_text(self, lang: kpi_formulas.Language = "en") -> str:
        if lang == "fr":
            return f"succès ({self.event}) ÷ contacts {'argumentés' if self.denominator == 'connected' else 'traités'}"
        return f"{self.event}s ÷ {self.denominator} contacts"


ServiceCommitment = Annotated[
    ServiceLevel | AnswerRate | AverageSpeedOfAnswer | Abandonment | ResponseTime | QualityScore
    | FirstContactResolution | Conversion,
    Field(discriminator="metric"),
]

#: Channels each metric can be measured on (a commitment on another channel is an error).
METRIC_CHANNELS: dict[str, frozenset[Channel]] = {
    "service_level": frozenset({Channel.VOICE_INBOUND, Channel.CHAT}),
    "answer_rate": frozenset({Channel.VOICE_INBOUND, Channel.CHAT}),
    "asa": frozenset({Channel.VOICE_INBOUND, Channel.CHAT}),
    "abandonment": frozenset({Channel.VOICE_INBOUND, Channel.CHAT}),
    "response_time": frozenset({Channel.EMAIL, Channel.CHAT, Channel.BACK_OFFICE}),
    "quality_score": frozenset(Channel),
    "fcr": frozenset({Channel.VOICE_INBOUND, Channel.EMAIL, Channel.CHAT}),
    "conversion": frozenset({Channel.VOICE_OUTBOUND, Channel.VOICE_INBOUND, Channel.CHAT}),
}


def target_text(target: Decimal | int, metric: str) -> str:
    """The target as a contract manager writes it."""
    if metric == "asa":
        return format_seconds(int(target))
    return f"{(Decimal(target) * 100).normalize():f}%"
