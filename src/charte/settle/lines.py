"""Invoice lines, each carrying its explanation as data.

A line states its quantity, unit, unit price before and after indexation, its amount
unrounded and rounded to the cent (rounded once, here, by :func:`charte.domain.money.round_cents`),
the contract clause it applies, and an :class:`Explanation`: a ``kind`` and the figures behind
the line (commitment, band, measured KPI, cap applied, index ratio…). Renderers
(:mod:`charte.settle.explain`, the HTML report, the JSON file) read these figures; they never
recompute them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from charte.domain.money import round_cents


class LineKind(StrEnum):
    SERVICE = "service"                    # billable quantity × unit price (one line per tier when tiered)
    FIXED_FEE = "fixed_fee"
    SUCCESS_FEE = "success_fee"
    MINIMUM_BILLING = "minimum_billing"    # axis 1 top-up
    MALUS = "malus"                        # axis 3
    BONUS = "bonus"
    CAP_ADJUSTMENT = "cap_adjustment"      # overall cap or liability cap giving back part of the maluses


def plain(value: Any) -> Any:
    """A figure as JSON-ready data: decimals as exact strings, tuples as lists, mappings sorted."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Explanation:
    """Why a line exists: a ``kind`` (the template that renders it) and the figures it rests on."""

    kind: str
    figures: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "figures": plain(self.figures)}


@dataclass(frozen=True)
class InvoiceLine:
    """One line of the settlement (see the module docstring)."""

    number: int
    kind: LineKind
    activity: str | None
    clause: str
    label: str
    quantity: Decimal
    unit: str
    base_unit_price: Decimal
    unit_price: Decimal
    amount_unrounded: Decimal
    explanation: Explanation

    @property
    def amount(self) -> Decimal:
        """The line's amount rounded to the cent (the one rounding rule)."""
        return round_cents(self.amount_unrounded)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number, "kind": str(self.kind), "activity": self.activity, "clause": self.clause,
            "label": self.label, "quantity": plain(self.quantity), "unit": self.unit,
            "base_unit_price": plain(self.base_unit_price), "unit_price": plain(self.unit_price),
            "amount_unrounded": plain(self.amount_unrounded), "amount": plain(self.amount),
            "explanation": self.explanation.as_dict(),
        }


def draft(kind: LineKind, activity: str | None, clause: str, label: str, quantity: Decimal, unit: str,
          base_unit_price: Decimal, unit_price: Decimal, amount_unrounded: Decimal,
          explanation: Explanation) -> InvoiceLine:
    """A line before it is numbered (number 0): passes return drafts; the engine numbers them in order."""
    return InvoiceLine(0, kind, activity, clause, label, quantity, unit, base_unit_price, unit_price,
                       amount_unrounded, explanation)
