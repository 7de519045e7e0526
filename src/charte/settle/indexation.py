"""Axis 5 of the SP2C charter (2019): the price in force for the month, after annual revisions.

The contract states ``P = P0 × (a + b × I/I0)`` (:class:`charte.domain.contract.RevisionFormula`),
``I0`` the index of ``base_month``, ``I`` the index of the month ``lag_months`` before each
anniversary. Revisions happen on each anniversary strictly after the term's start and on or
before the first day of the settled month; the latest one sets the price.

Each revision's change is bounded by the clause's ``floor`` and ``cap``, measured against the
price in force before it: ``P_k = P_(k−1) × clamp(P0 × r_k ÷ P_(k−1), 1 + floor, 1 + cap)``
with ``r_k = a + b × I_k/I0``. So the coefficient applied to P0 is the product of the bounded
steps. No revision reaches back: a month is priced with the revisions already due on its
first day, and a settlement never credits earlier months (no retroactive discount, 2010
charter). Rounding: the coefficient is kept exact (28 significant digits); each revised unit
price is rounded to the cent before it multiplies the quantity unless the contract says
``revised_price_rounding: none`` (:meth:`PriceRevision.unit_price`); each line's amount is
rounded to the cent once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from charte.domain.calendar import Month
from charte.domain.contract import Contract
from charte.domain.money import round_cents
from charte.settle.facts import Facts, Problem


@dataclass(frozen=True)
class Revision:
    """One anniversary's revision."""

    on: date
    index_month: str
    index_value: Decimal
    formula_ratio: Decimal     # a + b × I/I0 (relative to P0)
    step: Decimal              # change applied to the previous price, after floor and cap
    bounded: str | None        # "floor" or "cap" when one of them bit


@dataclass(frozen=True)
class PriceRevision:
    """The coefficient applied to every base price of the contract for the month."""

    coefficient: Decimal
    index: str | None
    formula: str | None
    base_month: str | None
    base_value: Decimal | None
    revisions: tuple[Revision, ...]
    next_revision: date | None = None
    rounding: str = "cent"

    @property
    def indexed(self) -> bool:
        return bool(self.revisions)

    def unit_price(self, base: Decimal) -> Decimal:
        """The unit price billed for a base (contract) price: base × coefficient, rounded to the cent when the
        contract says so (``indexation.revised_price_rounding``); a price not yet revised is the contract's."""
        if not self.revisions:
            return base
        price = base * self.coefficient
        return round_cents(price) if self.rounding == "cent" else price

    def figures(self) -> dict[str, object]:
        last = self.revisions[-1] if self.revisions else None
        return {
            "coefficient": self.coefficient, "index": self.index, "formula": self.formula,
            "base_month": self.base_month, "base_value": self.base_value,
            "revised_on": last.on.isoformat() if last else None,
            "index_month": last.index_month if last else None,
            "index_value": last.index_value if last else None,
            "formula_ratio": last.formula_ratio if last else None,
            "bounded_by": last.bounded if last else None,
            "next_revision": self.next_revision.isoformat() if self.next_revision else None,
            "price_rounding": self.rounding if self.revisions else None,
        }


NO_REVISION = PriceRevision(Decimal(1), None, None, None, None, ())


def anniversaries(contract: Contract, period: Month) -> list[date]:
    """Anniversary dates strictly after the term's start, on or before the period's first day."""
    clause = contract.indexation
    assert clause is not None
    found = []
    for year in range(contract.term.start.year, period.year + 1):
        day = clause.anniversary.in_year(year)
        if contract.term.start < day <= period.first_day:
            found.append(day)
    return found


def price_revision(contract: Contract, period: Month, facts: Facts, problems: list[Problem]) -> PriceRevision:
    """The month's coefficient on base prices (rule in the module docstring); missing indices → problems."""
    clause = contract.indexation
    if clause is None:
        return NO_REVISION
    days = anniversaries(contract, period)
    base_month = clause.base_month
    base = facts.index_value(clause.index, base_month)
    formula = str(clause.formula)
    upcoming = [d for year in (period.year, period.year + 1)
                if contract.term.start < (d := clause.anniversary.in_year(year)) and d > period.first_day]
    next_revision = min(upcoming) if upcoming else None
    if not days:
        return PriceRevision(Decimal(1), clause.index, formula, str(base_month), base, (), next_revision,
                             clause.revised_price_rounding)
    if base is None:
        problems.append(Problem("missing_index_value", f"indexation ({clause.index})",
                                f"no value of index `{clause.index}` for the base month {base_month} (I0); add the "
                                "published value (`charte reference add FILE.csv`, or --index FILE.csv)"))
    revisions: list[Revision] = []
    price = Decimal(1)
    for day in days:
        month = Month.of(day).plus(-clause.lag_months)
        value = facts.index_value(clause.index, month)
        if value is None:
            problems.append(Problem("missing_index_value", f"indexation ({clause.index})",
                                    f"no value of index `{clause.index}` for {month}, needed for the revision of "
                                    f"{day} ({clause.lag_months} months' lag); add the published value "
                                    "(`charte reference add FILE.csv`, or --index FILE.csv)"))
            continue
        if base is None:
            continue
        ratio = clause.formula.ratio(value, base)
        step = ratio / price
        bounded = None
        if clause.floor is not None and step < 1 + clause.floor:
            step, bounded = 1 + clause.floor, "floor"
        if clause.cap is not None and step > 1 + clause.cap:
            step, bounded = 1 + clause.cap, "cap"
        price *= step
        revisions.append(Revision(day, str(month), value, ratio, step, bounded))
    return PriceRevision(price, clause.index, formula, str(base_month), base, tuple(revisions), next_revision,
                         clause.revised_price_rounding)
