"""Billable quantities and their lines, per pricing model (:mod:`charte.domain.contract.pricing`).

- ``productive_hour``: Σ productive seconds ÷ 3,600 (agent time available or handling);
- ``handled_contact``: Σ handled contacts;
- ``minute``: Σ handle (or talk) seconds ÷ 60, billed to the second; with
  ``rounding: started_minute``, Σ of each contact's minutes rounded up (the interval report's
  ``handle_started_minutes`` / ``talk_started_minutes``, measured from contact records);
- ``fixed_monthly``: one month at the fixed amount;
- a **success fee**: successes × amount, or the share of the value sold.

Each unit price is the contract's base price × the month's indexation coefficient
(:mod:`charte.settle.indexation`); tiered prices give one line per band (:mod:`charte.settle.tiers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from charte.domain.contract import Activity, FixedMonthly, PerHandledContact, PerMinute, PerProductiveHour
from charte.settle.amended_month import Segment
from charte.settle.facts import STARTED_MINUTES, Facts, IntervalBlock, Problem
from charte.settle.indexation import PriceRevision
from charte.settle.lines import Explanation, InvoiceLine, LineKind, draft
from charte.settle.tiers import split

UNITS = {"productive_hour": "h", "handled_contact": "contact", "minute": "min", "fixed_monthly": "month"}


@dataclass(frozen=True)
class Quantity:
    """A billable quantity as measured (seconds, contacts, or 1 month) and its divisor to the pricing unit."""

    measured: Decimal
    divisor: int = 1

    @property
    def units(self) -> Decimal:
        return self.measured / self.divisor

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.measured + other.measured, self.divisor)


def _seconds(total: float) -> Decimal:
    """A sum of seconds as an exact decimal (interval reports give seconds to the millisecond at best)."""
    return Decimal(f"{total:.3f}").normalize() if total else Decimal(0)


def measured_column(activity: Activity) -> tuple[str, int]:
    """The interval-report column a unit price is billed on, and its divisor to the pricing unit."""
    pricing = activity.pricing
    if isinstance(pricing, PerProductiveHour):
        return "productive_seconds", 3600
    if isinstance(pricing, PerHandledContact):
        return "handled", 1
    assert isinstance(pricing, PerMinute)
    time = "talk" if pricing.of == "talk_time" else "handle"
    if pricing.rounding == "started_minute":
        return f"{time}_started_minutes", 1
    return f"{time}_seconds", 60


def quantity_per_interval(activity: Activity, block: IntervalBlock) -> np.ndarray:
    """The billed unit per interval (hours, contacts or minutes) as floats, for grouping by period."""
    column, divisor = measured_column(activity)
    values: np.ndarray = block.column(column).astype(np.float64) / divisor
    return values


def billable_quantity(activity: Activity, block: IntervalBlock | None, problems: list[Problem]) -> Quantity:
    """The month's quantity, as measured (rules in the module docstring)."""
    pricing = activity.pricing
    where = f"activities[{activity.id}].pricing"
    if isinstance(pricing, FixedMonthly):
        return Quantity(Decimal(1))
    column, divisor = measured_column(activity)
    if block is None:
        problems.append(Problem("missing_intervals", where,
                                f"no interval report for activity `{activity.id}`; expected its intervals for the "
                                f"month to bill per {pricing.per.replace('_', ' ')}"))
        return Quantity(Decimal(0), divisor)
    if column in ("productive_seconds", "handle_seconds") and column in block.missing:
        problems.append(Problem("missing_column", where,
                                f"the interval report of `{activity.id}` has no `{column}` column; expected it to "
                                f"bill per {pricing.per.replace('_', ' ')} (contact records give no agent time: "
                                "import the ACD's interval report too)"))
        return Quantity(Decimal(0), divisor)
    if isinstance(pricing, PerMinute) and column in ("talk_seconds", *STARTED_MINUTES) and column not in block.given:
        problems.append(Problem("missing_column", f"interval report ({activity.id})",
                                f"`{column}` is missing; activity `{activity.id}` is priced per minute of "
                                f"{pricing.of.replace('_', ' ')} ({pricing.rounding.replace('_', ' ')}); expected the "
                                "column in the interval report (`charte kpi` measures it from contact records)"))
        return Quantity(Decimal(0), divisor)
    if column in block.counts:
        return Quantity(Decimal(int(block.counts[column].sum())), divisor)
    return Quantity(_seconds(block.total(column)), divisor)


def service_lines(activity: Activity, quantity: Quantity, revision: PriceRevision, *, segment: Segment | None = None,
                  month_days: int = 0, already: Decimal = Decimal(0),
                  month_total: Decimal | None = None) -> list[InvoiceLine]:
    """The billable quantity's lines at the billed unit prices (one per tier band used).

    ``already`` and ``month_total`` are measured quantities (seconds, contacts). With a
    ``segment`` (a month cut by an avenant, :mod:`charte.settle.amended_month`), the lines cite
    the segment's version and a fixed fee is billed for the segment's calendar days.
    """
    pricing = activity.pricing
    clause = f"activities[{activity.id}].pricing"
    index = revision.figures()
    label = activity.name or activity.id
    seg: dict[str, object] = {}
    if segment is not None:
        seg = segment.figures(month_days)
        clause += segment.cites()
        label += f" — {segment.first:%d/%m}–{segment.last:%d/%m}"
    if isinstance(pricing, FixedMonthly):
        price = revision.unit_price(pricing.amount)
        if segment is None:
            return [draft(LineKind.FIXED_FEE, activity.id, clause, label, Decimal(1), "month",
                          pricing.amount, price, price, Explanation("fixed_fee", {"indexation": index}))]
        days = Decimal(segment.days)
        return [draft(LineKind.FIXED_FEE, activity.id, clause, label, days, "day", pricing.amount / month_days,
                      price / month_days, price * days / month_days,
                      Explanation("fixed_fee", {"indexation": index, "monthly_amount": price,
                                                "prorata_basis": "calendar_days", **seg}))]
    unit = UNITS[pricing.per]
    lines = []
    for share in split(pricing, quantity.measured, already, month_total, quantity.divisor):
        price = revision.unit_price(share.base_price)
        figures = {"per": pricing.per, "quantity": quantity.units, "measured": share.measured,
                   "divisor": quantity.divisor, "indexation": index,
                   "tiering": pricing.tiering if share.band else None,
                   "band_from": share.band[0] if share.band else None,
                   "band_to": share.band[1] if share.band else None,
                   **({"prorata_basis": "measured_in_segment", **seg} if seg else {})}
        lines.append(draft(LineKind.SERVICE, activity.id, clause, label, share.quantity, unit,
                           share.base_price, price, share.measured * price / quantity.divisor,
                           Explanation("service", figures)))
    return lines


def success_fee_lines(activity: Activity, facts: Facts, revision: PriceRevision,
                      problems: list[Problem]) -> list[InvoiceLine]:
    """The success fee of a commercial activity: successes × amount (indexed) or share × value sold."""
    pricing = activity.pricing
    fee = pricing.success_fee
    if fee is None:
        return []
    clause = f"activities[{activity.id}].pricing.success_fee"
    successes = facts.successes_of(activity.id)
    if successes is None:
        problems.append(Problem("missing_successes", clause,
                                f"activity `{activity.id}` has a success fee per {fee.event}; expected the month's "
                                "successes (count and value sold) in the facts"))
        return []
    if fee.amount is not None:
        price = revision.unit_price(fee.amount)
        return [draft(LineKind.SUCCESS_FEE, activity.id, clause, f"{fee.event}", Decimal(successes.count), fee.event,
                      fee.amount, price, successes.count * price,
                      Explanation("success_fee", {"event": fee.event, "count": successes.count,
                                                  "indexation": revision.figures()}))]
    assert fee.share is not None
    return [draft(LineKind.SUCCESS_FEE, activity.id, clause, f"{fee.event}", successes.value_sold, "EUR",
                  fee.share, fee.share, successes.value_sold * fee.share,
                  Explanation("success_fee_share", {"event": fee.event, "count": successes.count,
                                                    "value_sold": successes.value_sold, "share": fee.share}))]


def is_unit_priced(activity: Activity) -> bool:
    return isinstance(activity.pricing, PerProductiveHour | PerHandledContact | PerMinute)
