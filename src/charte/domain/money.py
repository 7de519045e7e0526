"""Money: exact euros.

Every amount in charte is a :class:`decimal.Decimal` built through :func:`D`, never a
float. Amounts are kept exact while they are computed and rounded **once**, to the cent,
where an invoice line is built (:meth:`Money.rounded`), with the one rule of this module,
:data:`ROUNDING` (half away from zero, the "arrondi commercial" of French invoicing).
The unrounded amount stays beside the rounded one so that an explanation can show both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from charte.domain import formats

CENT: Final = Decimal("0.01")
#: The one rounding rule for amounts, applied only by :meth:`Money.rounded`.
ROUNDING: Final = ROUND_HALF_UP
CURRENCY: Final = "EUR"


class MoneyError(ValueError):
    """An amount that cannot be read as an exact decimal."""


def D(value: str | int | Decimal) -> Decimal:  # noqa: N802  (the conventional short name)
    """Read an exact decimal; floats are refused (they are not exact).

    A French decimal comma is accepted ("28,50"), as are spaces and non-breaking spaces
    used as thousands separators ("1 234,50").
    """
    if isinstance(value, bool | float):
        raise MoneyError(f"{value!r} is a {type(value).__name__}; amounts must be exact (str, int or Decimal)")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise MoneyError(f"{value!r} is not a decimal number") from None
    else:
        raise MoneyError(f"{value!r} is a {type(value).__name__}; expected str, int or Decimal")
    if not result.is_finite():
        raise MoneyError(f"{value!r} is not a finite number")
    return result


def round_cents(amount: Decimal) -> Decimal:
    """Round an exact amount to the cent with :data:`ROUNDING`."""
    return amount.quantize(CENT, rounding=ROUNDING)


@dataclass(frozen=True, order=True, slots=True)
class Money:
    """An amount in euros, exact until it is rounded.

    Arithmetic with another :class:`Money` adds or subtracts; multiplication and division
    take a :class:`~decimal.Decimal` (a quantity, a rate). Nothing here rounds implicitly.
    """

    amount: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            object.__setattr__(self, "amount", D(self.amount))
        if not self.amount.is_finite():
            raise MoneyError(f"{self.amount} is not a finite amount")

    @classmethod
    def of(cls, value: str | int | Decimal) -> Money:
        return cls(D(value))

    @classmethod
    def zero(cls) -> Money:
        return cls(Decimal(0))

    @classmethod
    def from_cents(cls, cents: int) -> Money:
        return cls(Decimal(cents) * CENT)

    def rounded(self) -> Money:
        """This amount rounded to the cent by the one rule (:data:`ROUNDING`)."""
        return Money(round_cents(self.amount))

    @property
    def cents(self) -> int:
        """Whole cents of the rounded amount."""
        return int(round_cents(self.amount) / CENT)

    @property
    def is_rounded(self) -> bool:
        return self.amount == round_cents(self.amount)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.amount + other.amount)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.amount - other.amount)

    def __neg__(self) -> Money:
        return Money(-self.amount)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            return NotImplemented
        return Money(self.amount * factor)

    __rmul__ = __mul__

    def __truediv__(self, divisor: Decimal | int) -> Money:
        if isinstance(divisor, bool) or not isinstance(divisor, Decimal | int):
            return NotImplemented
        return Money(self.amount / divisor)

    def __str__(self) -> str:
        return f"{round_cents(self.amount):.2f} {CURRENCY}"

    def format_fr(self) -> str:
        """French layout: narrow no-break space for thousands, comma for decimals: ``1 234,50 €``."""
        return formats.money(round_cents(self.amount), "fr")


def total(amounts: Iterable[Money]) -> Money:
    """Sum of amounts (exact; an empty sum is zero)."""
    result = Money.zero()
    for amount in amounts:
        result = result + amount
    return result
