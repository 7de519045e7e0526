"""What the measures compute: which formulas of the formula book, with which thresholds.

The ratios themselves are written once, in :mod:`charte.domain.kpi_formulas` (the formula
book that settlement evaluates too); :func:`charte.measure.kpis.with_ratios` compiles them to
Ibis. The facts they read:

* offered = handled + abandoned; short abandons (wait < ``short_abandon_seconds``) are part of
  abandoned. Contacts that ended in the IVR (``ivr_only``) are not offered to the queue.
* answered within T: answered with a wait of *at most* T seconds (wait ≤ T); abandoned within
  T: abandoned with a wait of at most T; a missing wait counts as 0.
* service level, by ``ServiceLevelFormula``: ``offered_minus_short_abandons`` (default, the
  book's abandons *counted* with short abandons set aside), ``offered`` (counted, none set
  aside), ``handled`` (abandons *excluded*), ``after_threshold`` (abandons counted only past T).
* answer rate, by ``AnswerRateFormula``: handled ÷ offered (default), or
  handled ÷ (offered − short abandons).
* abandonment rate = abandoned ÷ offered. ASA = sum of waits of answered ÷ handled.
  AHT = sum of handle times ÷ handled. Occupancy = handle seconds ÷ productive seconds, when
  productive time is known. Mean IVR time = IVR seconds ÷ contacts with an IVR time.
* written channels (email, chat): share of contacts received whose first response came
  within N business hours of the activity's opening hours (``OpeningHours.business_seconds``).
A ratio whose denominator is 0 is empty (null), never 0 or 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from charte.domain import kpi_formulas
from charte.domain.calendar import PARIS
from charte.domain.opening_hours import OpeningHours


class ServiceLevelFormula(StrEnum):
    OFFERED_MINUS_SHORT_ABANDONS = "offered_minus_short_abandons"
    OFFERED = "offered"
    HANDLED = "handled"
    AFTER_THRESHOLD = "after_threshold"


class AnswerRateFormula(StrEnum):
    OFFERED = "offered"
    OFFERED_MINUS_SHORT_ABANDONS = "offered_minus_short_abandons"


@dataclass(frozen=True)
class KpiSpec:
    """What the contract measures: thresholds, short-abandon limit, formulas, written-channel targets."""

    thresholds: tuple[int, ...] = (20,)
    short_abandon_seconds: float = 5.0
    service_level: ServiceLevelFormula = ServiceLevelFormula.OFFERED_MINUS_SHORT_ABANDONS
    answer_rate: AnswerRateFormula = AnswerRateFormula.OFFERED
    written_within_hours: tuple[float, ...] = ()
    opening_hours: OpeningHours | None = None
    zone: ZoneInfo = PARIS

    @property
    def short_seconds(self) -> int:
        return round(self.short_abandon_seconds)

    def service_level_formula(self, threshold: int) -> kpi_formulas.Formula:
        """The book's service-level formula this spec asks for, at ``threshold`` seconds."""
        if self.service_level is ServiceLevelFormula.HANDLED:
            return kpi_formulas.service_level(threshold, None, "excluded")
        if self.service_level is ServiceLevelFormula.AFTER_THRESHOLD:
            return kpi_formulas.service_level(threshold, None, "after_threshold")
        short = self.short_seconds if self.service_level is ServiceLevelFormula.OFFERED_MINUS_SHORT_ABANDONS else None
        return kpi_formulas.service_level(threshold, short, "counted")

    def answer_rate_formula(self) -> kpi_formulas.Formula:
        short = self.short_seconds if self.answer_rate is AnswerRateFormula.OFFERED_MINUS_SHORT_ABANDONS else None
        return kpi_formulas.answer_rate(short)

    def __post_init__(self) -> None:
        if not self.thresholds or any(t < 0 for t in self.thresholds):
            raise ValueError(f"thresholds {self.thresholds}: expected at least one threshold of 0 s or more")
        if self.written_within_hours and self.opening_hours is None:
            raise ValueError("written_within_hours needs the activity's opening_hours")
