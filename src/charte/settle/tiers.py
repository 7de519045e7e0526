"""Degressive prices: a month's quantity split across the contract's tiers.

``graduated`` tiers price each band's units at that band's price (like tax brackets): a
quantity of 1,500 on bands 0–1,000 at 3.10 and 1,000+ at 2.80 is 1,000 × 3.10 + 500 × 2.80.
``volume`` tiers price every unit at the price of the band the total falls in: 1,500 × 2.80.
Each band used is its own invoice line (:mod:`charte.domain.contract.pricing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from charte.domain.contract.pricing import FixedMonthly, PerHandledContact, PerMinute, PerProductiveHour

UnitPricing = PerProductiveHour | PerHandledContact | PerMinute


@dataclass(frozen=True)
class TierShare:
    """The part of the quantity priced in one band (``band`` is ``None`` for a single price)."""

    band: tuple[Decimal, Decimal | None] | None
    quantity: Decimal
    base_price: Decimal


def split(pricing: UnitPricing, quantity: Decimal, already: Decimal = Decimal(0),
          month_total: Decimal | None = None) -> list[TierShare]:
    """The quantity's shares per band with their base (unindexed) prices; empty bands are left out.

    A month cut by an avenant (:mod:`charte.settle.amended_month`) prices each segment's
    ``quantity`` after the ``already`` billed earlier in the month (graduated bands go on
    filling), and ``volume`` tiers take the band of the ``month_total``.
    """
    if pricing.tiers is None:
        assert pricing.price is not None
        return [TierShare(None, quantity, pricing.price)]
    if pricing.tiering == "volume":
        total = quantity if month_total is None else month_total
        for tier in pricing.tiers:
            if tier.to is None or total < tier.to:
                return [TierShare((tier.from_, tier.to), quantity, tier.price)]
        last = pricing.tiers[-1]
        return [TierShare((last.from_, last.to), quantity, last.price)]
    shares = []
    end = already + quantity
    for tier in pricing.tiers:
        upper = end if tier.to is None else min(end, tier.to)
        part = upper - max(tier.from_, already)
        if part > 0:
            shares.append(TierShare((tier.from_, tier.to), part, tier.price))
    if shares:
        return shares
    first = next((t for t in pricing.tiers if t.to is None or already < t.to), pricing.tiers[-1])
    return [TierShare((first.from_, first.to), Decimal(0), first.price)]


def amount(pricing: UnitPricing | FixedMonthly, quantity: Decimal, coefficient: Decimal) -> Decimal:
    """Exact amount of ``quantity`` at the indexed prices (``coefficient`` × base prices)."""
    if isinstance(pricing, FixedMonthly):
        return pricing.amount * coefficient
    return sum((s.quantity * s.base_price * coefficient for s in split(pricing, quantity)), Decimal(0))
