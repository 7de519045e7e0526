"""The telephone-selling rules as dated, sourced data.

Each :class:`RuleVersion` says what a rule requires, from which date (the call's date in the
consumer's own time zone) and where it comes from. Figures already kept in the legal table
(:mod:`charte.domain.law`: ``telesales.max_calls_per_30_days``, ``telesales.silence_days_after_refusal``)
are read from there, so a contract's ``law_overrides`` apply. A later version of a rule would
be added here with its own ``valid_from``; the audit applies each version to the calls of its
own period.

Décret 2022-1313 of 13 October 2022 inserted a single article, D. 223-9 of the Code de la
consommation (in force 1 March 2023): its first paragraph sets the days and hours, the
frequency and the silence after a refusal; its second allows calls outside those days and
hours with the consumer's express prior consent, which the professional must be able to prove
(the ``hours_consent_ref`` of an attempt: the reference of that proof). The closed days are
the public holidays of Code du travail L3133-1 — the national list; a territory's own holidays
(Alsace-Moselle's Good Friday and 26 December, L3134-13; the overseas abolition-of-slavery
days, L3422-2) are closed only when the audit is asked to (``local_holidays``).

Interpretations, stated once:

- Calling windows are half-open: ``10:00 ≤ t < 13:00`` and ``14:00 ≤ t < 20:00``; a call dialed
  at 13:00:00 or 20:00:00 is outside (D. 223-9: "de 10 heures à 13 heures et de 14
  heures à 20 heures").
- "4 calls per 30 calendar days": any window of 30 consecutive calendar days (the first call's
  day counted as day 1) holds at most 4 attempts to one consumer for one professional; every
  dialed attempt counts, answered or not.
- "60 days after a refusal": the day of the refusal is not counted (délais are computed from
  the next day); a call is allowed again from the 61st day after the refusal's day.
- Bloctel: the list must be dated on or before the call and consulted at least every 30 days
  during a campaign (Bloctel professionals' FAQ on L223-1 and R223-1 ff.).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from typing import Final

from charte.domain import law
from charte.domain.records import DialMode


class Rule(StrEnum):
    """The rules the audit checks, one finding each."""

    CALLING_HOURS = "calling_hours"
    CALL_FREQUENCY = "call_frequency"
    REFUSAL_SILENCE = "refusal_silence"
    BLOCTEL_OPPOSITION = "bloctel_opposition"
    BLOCTEL_LIST_DATE = "bloctel_list_date"
    PRIOR_CONSENT = "prior_consent"
    AUTOMATED_MESSAGE_CONSENT = "automated_message_consent"
    AUTOMATED_DIALING = "automated_dialing"


@dataclass(frozen=True, slots=True)
class RuleVersion:
    """One rule as in force from ``valid_from`` (until ``valid_until``, excluded, when set)."""

    rule: Rule
    valid_from: date
    source: str
    summary: str
    valid_until: date | None = None
    exempt_when_contract_in_progress: bool = False

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)


DECRET_2022_1313: Final = date(2023, 3, 1)
LOI_2025_594: Final = date(2026, 8, 11)
BLOCTEL_OPENED: Final = date(2016, 6, 1)
LCEN_2004: Final = date(2004, 6, 22)
CHARTER_2010: Final = date(2010, 11, 9)

#: Calling windows of D. 223-9 (consumer's local time, half-open), Monday to Friday.
CALLING_WINDOWS: Final[tuple[tuple[time, time], ...]] = ((time(10, 0), time(13, 0)), (time(14, 0), time(20, 0)))
CALLING_WEEKDAYS: Final[frozenset[int]] = frozenset({1, 2, 3, 4, 5})  # ISO weekday numbers
FREQUENCY_WINDOW_DAYS: Final = 30
BLOCTEL_MAX_LIST_AGE_DAYS: Final = 30

#: Dial modes where a machine, not the agent, places the call (2010 charter: "no automated
#: commercial-prospecting dialers"). Preview and manual dialing are the agent's act.
AUTOMATED_MODES: Final[frozenset[DialMode]] = frozenset(
    {DialMode.PROGRESSIVE, DialMode.PREDICTIVE, DialMode.AUTOMATED_MESSAGE}
)

RULES: Final[tuple[RuleVersion, ...]] = (
    RuleVersion(Rule.CALLING_HOURS, DECRET_2022_1313,
                "Code de la consommation D. 223-9, first and second paragraphs (décret 2022-1313 of 13 Oct 2022)",
                "consumers called only Monday–Friday 10:00–13:00 and 14:00–20:00 in their own time zone, never on "
                "a public holiday (Code du travail L3133-1), unless they gave their express prior consent"),
    RuleVersion(Rule.CALL_FREQUENCY, DECRET_2022_1313,
                law.entry("telesales.max_calls_per_30_days", DECRET_2022_1313).source,
                "at most 4 calls to one consumer for one professional in any 30 consecutive calendar days"),
    RuleVersion(Rule.REFUSAL_SILENCE, DECRET_2022_1313,
                law.entry("telesales.silence_days_after_refusal", DECRET_2022_1313).source,
                "no call to a consumer for 60 days after they refused"),
    RuleVersion(Rule.BLOCTEL_OPPOSITION, BLOCTEL_OPENED,
                "Code de la consommation L223-1 (loi 2014-344; loi 2020-901)",
                "no call to a number on the Bloctel opposition list, except for a contract in progress",
                exempt_when_contract_in_progress=True),
    RuleVersion(Rule.BLOCTEL_LIST_DATE, BLOCTEL_OPENED,
                "Code de la consommation L223-1, R223-1 ff. (list consulted at least every 30 days of a campaign)",
                "every call screened against a Bloctel list dated at most 30 days before it",
                exempt_when_contract_in_progress=True),
    RuleVersion(Rule.PRIOR_CONSENT, LOI_2025_594,
                "Code de la consommation L223-1 as amended by loi 2025-594 of 30 June 2025 (in force 11 Aug 2026)",
                "prior, provable consent of the consumer, unless the offer relates to a contract in progress",
                exempt_when_contract_in_progress=True),
    RuleVersion(Rule.AUTOMATED_MESSAGE_CONSENT, LCEN_2004,
                "Code des postes et des communications électroniques L34-5 (loi 2004-575)",
                "automated calling machines (recorded messages) only with the consumer's prior consent"),
    RuleVersion(Rule.AUTOMATED_DIALING, CHARTER_2010,
                "Charte de bonnes pratiques des métiers de la relation client, 9 Nov 2010",
                "no automated commercial-prospecting dialers (progressive, predictive, recorded message)"),
)


def versions(rule: Rule) -> tuple[RuleVersion, ...]:
    return tuple(v for v in RULES if v.rule is rule)


def reference(rule: Rule) -> str:
    """The source of the rule's latest version, as a finding cites it."""
    return versions(rule)[-1].source


@dataclass(frozen=True, slots=True)
class Exemptions:
    """Which rules a contract in progress exempts (the law's exceptions, configurable)."""

    contract_in_progress: frozenset[Rule] = field(
        default_factory=lambda: frozenset(v.rule for v in RULES if v.exempt_when_contract_in_progress))
