"""Billable quantities and their lines, per pricing model (:mod:`charte.domain.contract.pricing`).

- ``productive_hour``: Σ productive seconds ÷ 3,600 (agent time available or handling);
- ``handled_contact``: Σ handled contacts;
- ``minute``: Σ handle seconds ÷ 60 (handle time billed to the second);
- ``fixed_monthly``: one month at the fixed amount;
- a **success fee**: successes × amount, or the share of the value sold.

Each unit price is the contract's base price × the month's indexation coefficient
(:mod:`charte.settle.indexation`); tiered prices give one line per band (:mod:`charte.settle.tiers`).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from charte.domain.contract import Activity, FixedMonthly, PerHandledContact, PerMinute, PerProductiveHour
from charte.settle.facts import Facts, IntervalBlock, Problem
from charte.settle.indexation import PriceRevision
from charte.settle.lines import Explanation, InvoiceLine, LineKind, draft
from charte.settle.tiers import split

UNITS = {"productive_hour": "h", "handled_contact": "contact", "minute": "min", "fixed_monthly": "month"}


def _seconds(total: float) -> Decimal:
    """A sum of seconds as an exact decimal (interval reports give seconds to the millisecond at best)."""
    return Decimal(f"{total:.3f}")


def quantity_per_interval(activity: Activity, block: IntervalBlock) -> np.ndarray:
    """The billed unit per interval (hours, contacts or minutes) as floats, for grouping by period."""
    per = activity.pricing.per
    if per == "productive_hour":
        return block.seconds["productive_seconds"] / 3600.0
    if per == "handled_contact":
        return block.counts["handled"].astype(np.float64)
    return block.seconds["handle_seconds"] / 60.0


def billable_quantity(activity: Activity, block: IntervalBlock | None, problems: list[Problem]) -> Decimal:
    """The month's quantity in the pricing unit (rules in the module docstring)."""
    pricing = activity.pricing
    where = f"activities[{activity.id}].pricing"
    if isinstance(pricing, FixedMonthly):
        return Decimal(1)
    if block is None:
        problems.append(Problem("missing_intervals", where,
                                f"no interval report for activity `{activity.id}`; expected its intervals for the "
                                f"month to bill per {pricing.per.replace('_', ' ')}"))
        return Decimal(0)
    needed = {"productive_hour": "productive_seconds", "minute": "handle_seconds"}.get(pricing.per)
    if needed in block.missing:
        problems.append(Problem("missing_column", where,
                                f"the interval report of `{activity.id}` has no `{needed}` column; expected it to "
                                f"bill per {pricing.per.replace('_', ' ')} (contact records give no agent time: "
                                "import the ACD's interval report too)"))
        return Decimal(0)
    if isinstance(pricing, PerProductiveHour):
        return _seconds(block.total("productive_seconds")) / 3600
    if isinstance(pricing, PerHandledContact):
        return Decimal(int(block.counts["handled"].sum()))
    if pricing.of == "talk_time" or pricing.rounding == "started_minute":
        problems.append(Problem("needs_contact_records", where,
                                f"per-minute pricing on {pricing.of} with rounding {pricing.rounding} needs contact "
                                "records; interval reports give handle seconds only"))
        return Decimal(0)
    return _seconds(block.total("handle_seconds")) / 60


def service_lines(activity: Activity, quantity: Decimal, revision: PriceRevision) -> list[InvoiceLine]:
    """The billable quantity's lines at indexed prices (one per tier band used)."""
    pricing = activity.pricing
    clause = f"activities[{activity.id}].pricing"
    index = revision.figures()
    if isinstance(pricing, FixedMonthly):
        price = pricing.amount * revision.coefficient
        return [draft(LineKind.FIXED_FEE, activity.id, clause, activity.name or activity.id, Decimal(1), "month",
                      pricing.amount, price, price, Explanation("fixed_fee", {"indexation": index}))]
    unit = UNITS[pricing.per]
    lines = []
    for share in split(pricing, quantity):
        price = share.base_price * revision.coefficient
        figures = {"per": pricing.per, "quantity": quantity, "indexation": index,
                   "tiering": pricing.tiering if share.band else None,
                   "band_from": share.band[0] if share.band else None,
                   "band_to": share.band[1] if share.band else None}
        lines.append(draft(LineKind.SERVICE, activity.id, clause, activity.name or activity.id, share.quantity, unit,
                           share.base_price, price, share.quantity * price, Explanation("service", figures)))
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
        price = fee.amount * revision.coefficient
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
