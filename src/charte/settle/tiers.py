"""Degressive prices: a month's quantity split across the contract's tiers.

``graduated`` tiers price each band's units at that band's price (like tax brackets): a
quantity of 1,500 on bands 0–1,000 at 3.10 and 1,000+ at 2.80 is 1,000 × 3.10 + 500 × 2.80.
``volume`` tiers price every unit at the price of the band the total falls in: 1,500 × 2.80.
Each band used is its own invoice line (:mod:`charte.domain.contract.pricing`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from charte.domain.contract.pricing import FixedMonthly, PerHandledContact, PerMinute, PerProductiveHour

UnitPricing = PerProductiveHour | PerHandledContact | PerMinute


@dataclass(frozen=True)
class TierShare:
    """The part of the quantity priced in one band (``band`` is ``None`` for a single price).

    ``measured`` is the part in the measured unit (seconds for hourly and per-minute prices,
    contacts otherwise): ``quantity = measured ÷ divisor`` exactly, band edges × divisor.
    """

    band: tuple[Decimal, Decimal | None] | None
    quantity: Decimal
    base_price: Decimal
    measured: Decimal = Decimal(0)


def split(pricing: UnitPricing, quantity: Decimal, already: Decimal = Decimal(0),
          month_total: Decimal | None = None, divisor: int = 1) -> list[TierShare]:
    """The quantity's shares per band with their base (unindexed) prices; empty bands are left out.

    ``quantity``, ``already`` and ``month_total`` are in the measured unit (seconds when the
    price is per hour or minute: ``divisor`` 3,600 or 60), so every share stays exact. A month
    cut by an avenant (:mod:`charte.settle.amended_month`) prices each segment's ``quantity``
    after the ``already`` billed earlier in the month (graduated bands go on filling), and
    ``volume`` tiers take the band of the ``month_total``.
    """
    if pricing.tiers is None:
        assert pricing.price is not None
        return [TierShare(None, quantity / divisor, pricing.price, quantity)]
    if pricing.tiering == "volume":
        total = quantity if month_total is None else month_total
        for tier in pricing.tiers:
            if tier.to is None or total < tier.to * divisor:
                return [TierShare((tier.from_, tier.to), quantity / divisor, tier.price, quantity)]
        last = pricing.tiers[-1]
        return [TierShare((last.from_, last.to), quantity / divisor, last.price, quantity)]
    shares = []
    end = already + quantity
    for tier in pricing.tiers:
        upper = end if tier.to is None else min(end, tier.to * divisor)
        part = upper - max(tier.from_ * divisor, already)
        if part > 0:
            shares.append(TierShare((tier.from_, tier.to), part / divisor, tier.price, part))
    if shares:
        return shares
    first = next((t for t in pricing.tiers if t.to is None or already < t.to * divisor), pricing.tiers[-1])
    return [TierShare((first.from_, first.to), Decimal(0), first.price, Decimal(0))]


def amount(pricing: UnitPricing | FixedMonthly, quantity: Decimal, price: Callable[[Decimal], Decimal],
           divisor: int = 1) -> Decimal:
    """Exact amount of ``quantity`` (measured unit) at the billed unit prices (``price(base)``)."""
    if isinstance(pricing, FixedMonthly):
        return price(pricing.amount)
    return sum((s.measured * price(s.base_price) / divisor for s in split(pricing, quantity, divisor=divisor)),
               Decimal(0))
