"""Late-payment interest and the recovery indemnity (Code de commerce L441-10 II, D441-5).

Penalties run **from the day after the due date**, without a reminder, on the amount still
unpaid, up to and including the day it is paid: an amount ``A`` paid ``N`` days after
its due date owes ``A × rate × N / 365`` (annual rate, actual days over 365).

The rate is the contract's: ``ecb_plus_points`` (the ECB main refinancing rate of 1 January
for days in the first half-year, of 1 July for the second, plus the contract's points, or the
law's 10 points) or ``fixed_rate``. A rate the contract sets ("disposition contraire": a fixed
rate, or other points than the law's) is never below **3 × the legal interest rate** of the
half-year; the law's own default (ECB + 10 points) is not floored — in 2024 it was below
3 × the legal rate, and the text applies the floor to contractual rates only. The floor is
checked when the table holds that half-year; otherwise the rate says so.
A period that spans half-years is split and each part takes its half-year's rate. The
recovery indemnity is €40 per late invoice (D441-5), outside VAT, owed once per invoice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from charte.domain import law
from charte.domain.contract.payment_terms import LatePenalty
from charte.domain.money import round_cents
from charte.payments.reference_rates import DEFAULT_RATES, RateBook, ReferenceRateError, half_year_end

DAYS_PER_YEAR = Decimal(365)


@dataclass(frozen=True)
class PenaltyRate:
    """The annual late-penalty rate for one half-year and how it was found."""

    half_year_start: date
    rate: Decimal
    basis: str          # e.g. "ECB 4.50% + 10 points"
    floor: Decimal | None   # 3 × legal interest rate, when known
    floor_applied: bool
    source: str


def penalty_rate(
    penalty: LatePenalty, on: date, rates: RateBook = DEFAULT_RATES, overrides: Mapping[str, Decimal] | None = None,
) -> PenaltyRate:
    """The rate for days in the half-year holding ``on`` (see the module docstring)."""
    if penalty.rule == "fixed_rate":
        if penalty.rate is None:
            raise ValueError("late_penalty rule fixed_rate needs a `rate`")
        rate, basis, source = penalty.rate, f"fixed contractual rate {_pct(penalty.rate)}", "contract, payment_terms"
    else:
        ecb = rates.rate("ecb_mro", on)
        points = penalty.points if penalty.points is not None else law.value(
            "late_interest.ecb_margin_points", on, overrides)
        rate = ecb.rate + points / 100
        basis = f"ECB main refinancing rate {_pct(ecb.rate)} + {points.normalize():f} points"
        source = f"{ecb.source}; Code de commerce L441-10 II"
    default_margin = law.value("late_interest.ecb_margin_points", on, overrides)
    if penalty.rule == "ecb_plus_points" and (penalty.points is None or penalty.points == default_margin):
        return PenaltyRate(half_start(on), rate, basis + " (legal default rate)", None, False, source)
    try:
        legal = rates.rate("legal_interest_professional", on)
    except ReferenceRateError:
        return PenaltyRate(half_start(on), rate, basis + " (3 × legal rate floor not checked: rate not in table)",
                           None, False, source)
    floor = legal.rate * law.value("late_interest.min_legal_rate_multiple", on, overrides)
    if rate < floor:
        return PenaltyRate(half_start(on), floor, basis + f", raised to 3 × legal rate {_pct(legal.rate)}",
                           floor, True, f"{source}; {legal.source}")
    return PenaltyRate(half_start(on), rate, basis, floor, False, source)


def half_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.01'))}%"


def simple_interest(amount: Decimal, rate: Decimal, days: int) -> Decimal:
    """``amount × rate × days / 365``, unrounded."""
    return amount * rate * days / DAYS_PER_YEAR


@dataclass(frozen=True)
class InterestPeriod:
    """Interest on ``balance`` for the days ``start``..``end`` (both included) at ``rate``."""

    start: date
    end: date
    days: int
    balance: Decimal
    rate: PenaltyRate
    interest: Decimal   # unrounded


@dataclass(frozen=True)
class Settled:
    """A payment (or credit) that reduces the unpaid balance from its ``on`` day."""

    on: date
    amount: Decimal


def interest_periods(
    amount_due: Decimal, due: date, payments: Sequence[Settled], until: date, penalty: LatePenalty,
    rates: RateBook = DEFAULT_RATES, overrides: Mapping[str, Decimal] | None = None,
) -> list[InterestPeriod]:
    """Interest on what stays unpaid after ``due``, up to ``until`` (included), split at payments and half-years.

    A payment on day ``t`` stops interest on what it pays after day ``t``: days ``due+1 .. t`` count, ``t − due``.
    """
    ordered = sorted(payments, key=lambda p: p.on)
    balance = amount_due - sum((p.amount for p in ordered if p.on <= due), Decimal(0))
    later = [p for p in ordered if due < p.on <= until]
    periods: list[InterestPeriod] = []
    day = due + timedelta(days=1)  # first day late
    index = 0
    while day <= until and balance > 0:
        while index < len(later) and later[index].on < day:
            balance -= later[index].amount
            index += 1
        if balance <= 0:
            break
        next_payment = later[index].on if index < len(later) else until
        end = min(until, half_year_end(day), next_payment)
        days = (end - day).days + 1
        rate = penalty_rate(penalty, day, rates, overrides)
        periods.append(InterestPeriod(day, end, days, balance, rate, simple_interest(balance, rate.rate, days)))
        day = end + timedelta(days=1)
    return periods


def interest_owed(periods: Sequence[InterestPeriod]) -> Decimal:
    """Total interest of the periods, rounded once to the cent."""
    return round_cents(sum((p.interest for p in periods), Decimal(0)))
