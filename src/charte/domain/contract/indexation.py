"""Axis 5 of the SP2C charter (2019): annual price indexation.

Revision formula ``P = P0 × (a + b × I/I0)`` with ``a + b = 1``: ``a`` is the fixed part,
``b`` the indexed part, ``I0`` the index of the ``base_month``, ``I`` the index of the month
``lag_months`` before the ``anniversary`` (indices are published late: Syntec a month after
the month it measures). Usual Syntec revisions: ``0.15 + 0.85 × I/I0``,
``0.30 + 0.70 × I/I0`` or ``I/I0`` (DOMAIN.md). The change in price can be bounded by a
``floor`` (e.g. ``0%``: no decrease) and a ``cap`` (e.g. ``4%``).

**Revised prices** (``revised_price_rounding``): by default each revised unit price is rounded
to the cent, half up, before it multiplies the quantity — the price printed on the invoice is
the price billed (French invoices state the unit price excluding VAT, CGI art. 242 nonies A);
``none`` keeps it exact (per-minute prices of a few cents may prefer it).

The formula is written as a practitioner writes it — ``"0.15 + 0.85 × I/I0"`` (``*`` or ``x``
for ×, ``S/S0`` for Syntec also read) — and kept as its two weights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Final, Literal

from pydantic import Field, PlainSerializer, PlainValidator, ValidationInfo, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from charte.domain.contract.clause import Clause
from charte.domain.contract.quantities import MonthDayField, MonthField, SignedPercent, format_percent
from charte.domain.money import D

_NUMBER: Final = r"(\d+(?:[.,]\d+)?)"
_RATIO: Final = r"([A-Za-z]+)\s*/\s*([A-Za-z]+0)"
_TIMES: Final = r"\s*[×*x]\s*"
_PREFIX: Final = r"^\s*(?:P\s*=\s*P0" + _TIMES + r")?\(?\s*"
_TWO_PART: Final = re.compile(_PREFIX + _NUMBER + r"\s*\+\s*" + _NUMBER + _TIMES + _RATIO + r"\s*\)?\s*$")
_RATIO_ONLY: Final = re.compile(_PREFIX + _RATIO + r"\s*\)?\s*$")


@dataclass(frozen=True, slots=True)
class RevisionFormula:
    """``P0 × (fixed + indexed × I/I0)``."""

    fixed: Decimal
    indexed: Decimal

    def ratio(self, index: Decimal, base_index: Decimal) -> Decimal:
        """Coefficient applied to P0: ``fixed + indexed × index / base_index`` (exact, unrounded)."""
        return self.fixed + self.indexed * index / base_index

    def __str__(self) -> str:
        if self.fixed == 0:
            return "I/I0"
        return f"{self.fixed} + {self.indexed} × I/I0"


def _formula(value: Any) -> RevisionFormula:
    if isinstance(value, RevisionFormula):
        formula = value
    elif isinstance(value, str) and (match := _TWO_PART.match(value)):
        formula = RevisionFormula(D(match.group(1)), D(match.group(2)))
    elif isinstance(value, str) and _RATIO_ONLY.match(value):
        formula = RevisionFormula(Decimal(0), Decimal(1))
    else:
        raise PydanticCustomError(
            "invalid_value", "expected a revision formula such as \"0.15 + 0.85 × I/I0\" or \"I/I0\"; found {found}",
            {"found": repr(value)},
        )
    if formula.fixed + formula.indexed != 1:
        raise PydanticCustomError(
            "indexation_weights_not_one",
            "the formula's weights add up to {total} ({a} + {b}); expected a + b = 1 in P0 × (a + b × I/I0)",
            {"total": str(formula.fixed + formula.indexed), "a": str(formula.fixed), "b": str(formula.indexed)},
        )
    return formula


Formula = Annotated[
    RevisionFormula,
    PlainValidator(_formula),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["0.15 + 0.85 × I/I0", "I/I0"]}),
]


class Indexation(Clause):
    """Axis 5: index, formula, base month, anniversary, lag, floor and cap of the change."""

    index: str = Field(description="e.g. syntec, insee_services, smic")
    formula: Formula
    base_month: MonthField
    anniversary: MonthDayField
    lag_months: int = Field(default=0, ge=0, le=24)
    floor: SignedPercent | None = Field(default=None, description="lowest change allowed, e.g. '0%'")
    cap: SignedPercent | None = Field(default=None, description="highest change allowed, e.g. '4%'")
    revised_price_rounding: Literal["cent", "none"] = Field(
        default="cent",
        description="cent: each revised unit price is rounded to the cent (half up) before it multiplies the "
                    "quantity, as it is printed on the invoice; none: kept exact")

    @field_validator("cap")
    @classmethod
    def _cap_above_floor(cls, cap: Decimal | None, info: ValidationInfo) -> Decimal | None:
        floor = info.data.get("floor")
        if cap is not None and isinstance(floor, Decimal) and cap < floor:
            raise PydanticCustomError(
                "invalid_value", "the cap on the change ({cap}) is below its floor ({floor})",
                {"cap": format_percent(cap), "floor": format_percent(floor)},
            )
        return cap
