"""The contract's KPI formulas, stated once (DOMAIN.md "KPI definitions"; charter 2019 axis 2).

* offered = handled + abandoned; short abandons (wait < ``short_abandon_seconds``) are part of
  abandoned. Contacts that ended in the IVR (``ivr_only``) are not offered to the queue.
* answered within T: answered with a wait of *at most* T seconds (wait ≤ T); a missing wait
  counts as 0.
* service level, by ``ServiceLevelFormula``:
  ``offered_minus_short_abandons`` (default): answered within T ÷ (offered − short abandons);
  ``offered``: answered within T ÷ offered; ``handled``: answered within T ÷ handled.
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

from charte.domain.calendar import PARIS
from charte.domain.opening_hours import OpeningHours


class ServiceLevelFormula(StrEnum):
    OFFERED_MINUS_SHORT_ABANDONS = "offered_minus_short_abandons"
    OFFERED = "offered"
    HANDLED = "handled"


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

    def __post_init__(self) -> None:
        if not self.thresholds or any(t < 0 for t in self.thresholds):
            raise ValueError(f"thresholds {self.thresholds}: expected at least one threshold of 0 s or more")
        if self.written_within_hours and self.opening_hours is None:
            raise ValueError("written_within_hours needs the activity's opening_hours")
