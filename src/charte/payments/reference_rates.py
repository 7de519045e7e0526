"""Dated tables of the reference rates late interest rests on (Code de commerce L441-10 II).

- **ECB main refinancing rate** "applicable on 1 January for the first half-year and on 1 July
  for the second": the rate of the ECB's most recent main refinancing operation at that date.
- **Legal interest rate** (taux de l'intérêt légal, Code monétaire et financier L313-2), the
  rate "for all other cases" (creditors who are not private persons), fixed each half-year by
  arrêté: a contractual late-penalty rate may not be below three times this rate.

The rates are reference series (:mod:`charte.domain.reference`, series ``ecb_mro`` and
``legal_interest_professional``): shipped with their sources in
``charte/domain/reference_series/rates.csv``, extended with ``charte reference add`` (or a
``--rates`` CSV). The ECB table holds the rate of 1 July 2026; the legal rate ends with the
first half of 2026 (the arrêté for the second half could not be sourced). The older rates CSV
``table,half_year_start,rate,source`` is still read (:func:`load_rates_csv`), with ``rate`` a
percentage (``4.50%``) or a fraction (``0.045``). Asking for a half-year the book does not hold
is an error (``reference_rate_missing``) that says how to add the value, never a guess; a value
contradicting one the book holds is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Final, Literal

from charte.domain.reference import (
    ReferenceBook,
    ReferenceConflictError,
    ReferencePoint,
    ReferenceValueMissingError,
    from_older_csv,
    is_older_csv,
    parse_csv,
    shipped_book,
)

RateTable = Literal["ecb_mro", "legal_interest_professional"]
TABLES: Final[tuple[str, ...]] = ("ecb_mro", "legal_interest_professional")


class ReferenceRateError(ValueError):
    """A reference rate the tables do not hold, or an unreadable CSV row."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class ReferenceRate:
    """The rate of ``table`` for the half-year starting ``half_year_start`` (a fraction: 0.045 = 4.5%)."""

    table: str
    half_year_start: date
    rate: Decimal
    source: str


def half_year_start(day: date) -> date:
    """1 January or 1 July of the half-year holding ``day`` (L441-10 II)."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_end(day: date) -> date:
    return date(day.year, 6, 30) if day.month <= 6 else date(day.year, 12, 31)


@dataclass(frozen=True)
class RateBook:
    """The rates of the reference book (shipped series plus what the user added)."""

    book: ReferenceBook = field(default_factory=shipped_book)

    @property
    def rows(self) -> tuple[ReferenceRate, ...]:
        return tuple(ReferenceRate(p.series, p.start, p.value, p.source) for name in TABLES
                     for p in self.book.get(name).points)

    def extended(self, extra: Iterable[ReferenceRate]) -> RateBook:
        """The book with ``extra`` rates; a rate contradicting one already held is refused."""
        points = [ReferencePoint(r.table, r.half_year_start, r.rate, r.source) for r in extra]
        try:
            return RateBook(self.book.extended(points))
        except ReferenceConflictError as conflict:
            raise ReferenceRateError("reference_rate_conflict", str(conflict)) from None

    def rate(self, table: str, on: date) -> ReferenceRate:
        """The rate of ``table`` for the half-year holding ``on``; ``reference_rate_missing`` when absent."""
        try:
            point = self.book.get(table).on(on)
        except ReferenceValueMissingError as missing:
            raise ReferenceRateError("reference_rate_missing", str(missing).split("] ", 1)[-1]
                                     + " (or pass a rates CSV with --rates)") from None
        return ReferenceRate(table, point.start, point.value, point.source)


DEFAULT_RATES: Final = RateBook()


def load_rates_csv(path: Path) -> tuple[ReferenceRate, ...]:
    """Rows of a rates CSV (older ``table,half_year_start,rate,source`` or the reference format), each line checked."""
    text = path.read_text(encoding="utf-8-sig")
    if is_older_csv(text):
        text = from_older_csv(text, f"user table {path}")
    points, problems = parse_csv(text)
    bad = [f"{path}:{p.line}: {p.message}" for p in problems]
    bad += [f"{path}: `series` {p.series!r}; expected one of {', '.join(TABLES)}" for p in points
            if p.series not in TABLES]
    if bad:
        raise ReferenceRateError("rates_csv_invalid", "; ".join(bad))
    return tuple(ReferenceRate(p.series, p.start, p.value, p.source) for p in points)
