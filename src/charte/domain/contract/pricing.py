"""How each activity is priced: one model per pricing scheme, chosen by ``per``.

- ``productive_hour`` — price × productive (logged, available or handling) hours.
- ``handled_contact`` — price × handled contacts.
- ``minute`` — price × minutes of handle time (or talk time).
- ``fixed_monthly`` — a fixed amount per month.

Unit prices are either one ``price`` or degressive ``tiers`` on the month's quantity:
``graduated`` tiers price each band's units at the band's price (like tax brackets);
``volume`` tiers price every unit at the price of the band the total falls in. Bands start
at 0, follow each other without gap or overlap (``to`` of one band is ``from`` of the next),
and only the last may be open-ended.

A **success fee** (commercial activities: a sale, an appointment) adds an amount per success
or a share of the value sold.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from charte.domain.contract.clause import Clause
from charte.domain.contract.quantities import Amount, Share


class Tier(Clause):
    """A band of monthly quantity ``[from, to)`` and its unit price."""

    from_: Decimal = Field(alias="from", ge=0)
    to: Decimal | None = Field(default=None, description="exclusive upper bound; absent for the last, open band")
    price: Amount


def _fmt(n: Decimal | None) -> str:
    return "∞" if n is None else f"{n:,f}"


def check_tiers(tiers: tuple[Tier, ...]) -> tuple[Tier, ...]:
    """Bands must start at 0, not overlap, leave no gap, and only the last may be open."""
    if not tiers:
        raise PydanticCustomError("invalid_value", "tiers are empty; expected at least one band", {})
    for tier in tiers:
        if tier.to is not None and tier.to <= tier.from_:
            raise PydanticCustomError(
                "invalid_value", "band {a}–{b} ends before it starts", {"a": _fmt(tier.from_), "b": _fmt(tier.to)}
            )
    ordered = sorted(tiers, key=lambda t: t.from_)
    if ordered[0].from_ != 0:
        raise PydanticCustomError(
            "volume_bands_gap", "the first band starts at {a}; expected bands to start at 0",
            {"a": _fmt(ordered[0].from_)},
        )
    for lower, upper in pairwise(ordered):
        if lower.to is None or upper.from_ < lower.to:
            raise PydanticCustomError(
                "volume_bands_overlap", "volume bands overlap: {a1}–{b1} and {a2}–{b2}",
                {"a1": _fmt(lower.from_), "b1": _fmt(lower.to), "a2": _fmt(upper.from_), "b2": _fmt(upper.to)},
            )
        if upper.from_ > lower.to:
            raise PydanticCustomError(
                "volume_bands_gap",
                "volume bands leave a gap: {b1} to {a2} is in no band (band {a1}–{b1}, then {a2}–{b2})",
                {"a1": _fmt(lower.from_), "b1": _fmt(lower.to), "a2": _fmt(upper.from_), "b2": _fmt(upper.to)},
            )
    return tuple(ordered)


class SuccessFee(Clause):
    """A fee per success of a commercial activity: a fixed ``amount`` or a ``share`` of the value sold."""

    event: str = Field(description="the outcome that counts as a success, e.g. 'sale' or 'appointment'")
    amount: Amount | None = None
    share: Share | None = Field(default=None, description="share of the value sold, e.g. '8%'")

    @model_validator(mode="after")
    def _one_of(self) -> SuccessFee:
        if (self.amount is None) == (self.share is None):
            raise PydanticCustomError("invalid_value", "a success fee needs exactly one of `amount` or `share`", {})
        return self


class _UnitPricing(Clause):
    price: Amount | None = Field(default=None, description="unit price in EUR excluding VAT")
    tiers: tuple[Tier, ...] | None = None
    tiering: Literal["graduated", "volume"] = "graduated"
    success_fee: SuccessFee | None = None

    @field_validator("tiers")
    @classmethod
    def _bands(cls, tiers: tuple[Tier, ...] | None) -> tuple[Tier, ...] | None:
        return None if tiers is None else check_tiers(tiers)

    @model_validator(mode="after")
    def _price_or_tiers(self) -> _UnitPricing:
        if (self.price is None) == (self.tiers is None):
            raise PydanticCustomError("invalid_value", "a unit price needs exactly one of `price` or `tiers`", {})
        return self

    def unit_price_for(self, monthly_quantity: Decimal) -> Decimal:
        """Unit price of a ``volume`` tiering, or the single price (graduated tiers have no single price)."""
        if self.price is not None:
            return self.price
        assert self.tiers is not None
        for tier in self.tiers:
            if tier.to is None or monthly_quantity < tier.to:
                return tier.price
        return self.tiers[-1].price


class PerProductiveHour(_UnitPricing):
    per: Literal["productive_hour"]


class PerHandledContact(_UnitPricing):
    per: Literal["handled_contact"]


class PerMinute(_UnitPricing):
    per: Literal["minute"]
    of: Literal["handle_time", "talk_time"] = "handle_time"
    rounding: Literal["second", "started_minute"] = "second"


class FixedMonthly(Clause):
    per: Literal["fixed_monthly"]
    amount: Amount
    success_fee: SuccessFee | None = None


Pricing = Annotated[PerProductiveHour | PerHandledContact | PerMinute | FixedMonthly, Field(discriminator="per")]
