"""The pay an offer states, and the legal minimum it may not go below.

EU pay-transparency directive 2023/970, art. 5(1) (to be applied from 7 June 2026): an applicant is told the
initial pay or its range, based on objective, gender-neutral criteria. charte therefore requires every offer to
state a gross pay range (``pay_min`` ≤ ``pay_max``) per hour, month or year.

The lowest pay may not be below the legal minimum for the weekly hours the offer states (a month is 52/12
weeks, a year 52 weeks: Code du travail L3242-1's monthly smoothing), in cents, on the offer's start date: the
SMIC (``charte.domain.law``, key ``smic.hourly_gross``) times the share of ``data/pay_rules.yaml`` for the
contract's kind — all of it for a salaried job, the lowest share the law allows for a work-study contract.
A start date the SMIC table does not cover is refused: the minimum cannot be known.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Final, Literal

import yaml

from charte.domain import law
from charte.domain.money import round_cents
from charte.jobs.problems import FieldProblem

PayPeriod = Literal["hour", "month", "year"]
PAY_PERIODS: Final[tuple[PayPeriod, ...]] = ("hour", "month", "year")
WEEKS_PER_MONTH: Final = Decimal(52) / Decimal(12)
WEEKS_PER_YEAR: Final = Decimal(52)

SmicOf = Callable[[date], law.Resolved]


def smic_of(day: date) -> law.Resolved:
    """The gross hourly SMIC in force on ``day`` from the law table (raises ``LookupError`` past it)."""
    return law.resolve("smic.hourly_gross", day)


@dataclass(frozen=True)
class PayRule:
    """The minimum share of the SMIC for one kind of contract, with its source and (work-study) grid."""

    floor_share: Decimal
    source: str
    grid: tuple[tuple[str, ...], ...] = ()


@cache
def pay_rules() -> dict[str, PayRule]:
    text = resources.files("charte.jobs").joinpath("data", "pay_rules.yaml").read_text("utf-8")
    rules = yaml.safe_load(text)["rules"]
    return {kind: PayRule(Decimal(str(r["floor_share"])), str(r["source"]),
                          tuple(tuple(str(x) for x in row) for row in r.get("grid", ())))
            for kind, r in rules.items()}


#: Which rule each contract kind follows (``None``: no minimum checked, see the data file).
RULE_OF_KIND: Final[dict[str, str | None]] = {
    "cdi": "salaried", "cdd": "salaried", "interim": "salaried",
    "apprenticeship": "apprenticeship", "professionalisation": "professionalisation", "internship": None}


def hourly(amount: Decimal, period: PayPeriod, weekly_hours: Decimal) -> Decimal:
    """A gross amount per ``period`` as an hourly rate (unrounded)."""
    if period == "hour":
        return amount
    weeks = WEEKS_PER_MONTH if period == "month" else WEEKS_PER_YEAR
    return amount / (weekly_hours * weeks)


def minimum_for(period: PayPeriod, weekly_hours: Decimal, hourly_floor: Decimal) -> Decimal:
    """The legal minimum per ``period`` for the weekly hours, rounded to the cent by the one rounding rule — as the
    monthly SMIC is published (12.02 € × 35 h × 52/12 = 1,823.033… → 1,823.03 €)."""
    if period == "hour":
        return round_cents(hourly_floor)
    return round_cents(hourly_floor * weekly_hours * (WEEKS_PER_MONTH if period == "month" else WEEKS_PER_YEAR))


def check_pay_floor(kind: str, pay_min: Decimal, period: PayPeriod, weekly_hours: Decimal, start: date,
                    smic: SmicOf = smic_of) -> list[FieldProblem]:
    """Problems with the lowest pay: below the legal minimum, or a start date past the SMIC table."""
    rule_name = RULE_OF_KIND.get(kind)
    if rule_name is None:
        return []
    rule = pay_rules()[rule_name]
    try:
        smic_now = smic(start)
    except LookupError:
        return [FieldProblem("start_on", "smic_unknown",
                             "the SMIC in force on {day} is not in charte's reference data, so the minimum pay "
                             "cannot be checked; choose an earlier start date or ask the trade body to add it",
                             {"day": start})]
    least = minimum_for(period, weekly_hours, smic_now.value * rule.floor_share)
    if pay_min >= least:
        return []
    if rule_name == "salaried":
        template = ("{pay} € is below the SMIC for {hours} hours a week: at least {least} € (SMIC {smic} € per "
                    "hour on {day}, {source})")
    else:
        template = ("{pay} € is below the lowest legal pay of this work-study contract for {hours} hours a week: at "
                    "least {least} € ({share} of the SMIC of {smic} € per hour on {day}; {source})")
    return [FieldProblem("pay_min", "pay_below_minimum", template,
                         {"pay": pay_min, "hours": weekly_hours, "least": least, "smic": smic_now.value,
                          "day": start, "share": f"{format((rule.floor_share * 100).normalize(), 'f')} %",
                          "source": smic_now.source})]
