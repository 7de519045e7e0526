"""Dated tables of the reference rates late interest rests on (Code de commerce L441-10 II).

- **ECB main refinancing rate** "applicable on 1 January for the first half-year and on 1 July
  for the second": the rate of the ECB's most recent main refinancing operation at that date.
- **Legal interest rate** (taux de l'intérêt légal, Code monétaire et financier L313-2), the
  rate "for all other cases" (creditors who are not private persons), fixed each half-year by
  arrêté: a contractual late-penalty rate may not be below three times this rate.

Only values the authors are sure of are shipped; the tables **end** at :data:`ECB_TABLE_ENDS`
and :data:`LEGAL_TABLE_ENDS`. For a later half-year, add rows from the published source in a CSV
(:func:`load_rates_csv`): ``table,half_year_start,rate,source`` with ``table`` one of ``ecb_mro``
or ``legal_interest_professional``, ``half_year_start`` a 1 January or a 1 July (YYYY-MM-DD)
and ``rate`` a percentage (``4.50%``) or a fraction (``0.045``). Asking for a half-year the
tables do not hold is an error (``reference_rate_missing``), never a guess.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Final, Literal

from charte.domain.money import D, MoneyError

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


_ECB = "ECB, key interest rates, main refinancing operations (rate in force on that day)"
_LEGAL = "Arrêté fixing the legal interest rate (CMF L313-2), 'other cases' (professional creditors)"

#: ECB main refinancing operations rate on 1 January / 1 July.
ECB_MRO: Final[tuple[ReferenceRate, ...]] = (
    ReferenceRate("ecb_mro", date(2023, 1, 1), Decimal("0.0250"), _ECB + " — 2.50% since 21 Dec 2022"),
    ReferenceRate("ecb_mro", date(2023, 7, 1), Decimal("0.0400"), _ECB + " — 4.00% since 21 Jun 2023"),
    ReferenceRate("ecb_mro", date(2024, 1, 1), Decimal("0.0450"), _ECB + " — 4.50% since 20 Sep 2023"),
    ReferenceRate("ecb_mro", date(2024, 7, 1), Decimal("0.0425"), _ECB + " — 4.25% since 12 Jun 2024"),
    ReferenceRate("ecb_mro", date(2025, 1, 1), Decimal("0.0315"), _ECB + " — 3.15% since 18 Dec 2024"),
    ReferenceRate("ecb_mro", date(2025, 7, 1), Decimal("0.0215"), _ECB + " — 2.15% since 11 Jun 2025"),
    ReferenceRate("ecb_mro", date(2026, 1, 1), Decimal("0.0215"),
                  _ECB + " — 2.15%, left unchanged by the Governing Council on 18 Dec 2025"),
)
#: Legal interest rate, professional creditors, per half-year.
LEGAL_INTEREST_PROFESSIONAL: Final[tuple[ReferenceRate, ...]] = (
    ReferenceRate("legal_interest_professional", date(2024, 1, 1), Decimal("0.0507"), _LEGAL + ", 1st half 2024"),
    ReferenceRate("legal_interest_professional", date(2024, 7, 1), Decimal("0.0492"), _LEGAL + ", 2nd half 2024"),
    ReferenceRate("legal_interest_professional", date(2025, 1, 1), Decimal("0.0371"), _LEGAL + ", 1st half 2025"),
    ReferenceRate("legal_interest_professional", date(2025, 7, 1), Decimal("0.0276"),
                  _LEGAL + ", 2nd half 2025 (arrêté du 19 juin 2025, JO du 24 juin 2025)"),
    ReferenceRate("legal_interest_professional", date(2026, 1, 1), Decimal("0.0262"),
                  _LEGAL + ", 1st half 2026 (arrêté du 15 décembre 2025, JO du 26 décembre 2025)"),
)
ECB_TABLE_ENDS: Final = date(2026, 6, 30)
LEGAL_TABLE_ENDS: Final = date(2026, 6, 30)


def half_year_start(day: date) -> date:
    """1 January or 1 July of the half-year holding ``day`` (L441-10 II)."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_end(day: date) -> date:
    return date(day.year, 6, 30) if day.month <= 6 else date(day.year, 12, 31)


@dataclass(frozen=True)
class RateBook:
    """The shipped tables plus the rows a user added (a user row replaces a shipped one for its half-year)."""

    rows: tuple[ReferenceRate, ...] = ECB_MRO + LEGAL_INTEREST_PROFESSIONAL

    def extended(self, extra: Iterable[ReferenceRate]) -> RateBook:
        added = tuple(extra)
        keys = {(r.table, r.half_year_start) for r in added}
        return RateBook(tuple(r for r in self.rows if (r.table, r.half_year_start) not in keys) + added)

    def rate(self, table: str, on: date) -> ReferenceRate:
        """The rate of ``table`` for the half-year holding ``on``; ``reference_rate_missing`` when absent."""
        start = half_year_start(on)
        for row in self.rows:
            if row.table == table and row.half_year_start == start:
                return row
        held = sorted(r.half_year_start for r in self.rows if r.table == table)
        span = f"{held[0].isoformat()} to {half_year_end(held[-1]).isoformat()}" if held else "nothing"
        raise ReferenceRateError(
            "reference_rate_missing",
            f"no {table} rate for the half-year starting {start.isoformat()} (needed for {on.isoformat()}); "
            f"the table holds {span}. Add the published value to a rates CSV "
            f"(table,half_year_start,rate,source) and pass it with --rates",
        )


DEFAULT_RATES: Final = RateBook()


def load_rates_csv(path: Path) -> tuple[ReferenceRate, ...]:
    """Rows of a rates CSV (see the module docstring); every bad row is reported with its line."""
    rows: list[ReferenceRate] = []
    problems: list[str] = []
    with path.open(newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.lstrip().startswith("#")]
    for number, record in enumerate(csv.DictReader(lines), start=2):
        where = f"{path}:{number}"
        table = (record.get("table") or "").strip()
        if table not in TABLES:
            problems.append(f"{where}: `table` is {table!r}; expected one of {', '.join(TABLES)}")
            continue
        try:
            start = date.fromisoformat((record.get("half_year_start") or "").strip())
        except ValueError:
            problems.append(f"{where}: `half_year_start` is {record.get('half_year_start')!r}; expected YYYY-MM-DD")
            continue
        if (start.month, start.day) not in ((1, 1), (7, 1)):
            problems.append(f"{where}: `half_year_start` is {start.isoformat()}; expected a 1 January or a 1 July")
            continue
        text = (record.get("rate") or "").strip()
        try:
            rate = D(text.rstrip("%").strip()) / (100 if text.endswith("%") else 1)
        except MoneyError:
            problems.append(f"{where}: `rate` is {text!r}; expected e.g. 4.50% or 0.045")
            continue
        if not Decimal(0) <= rate < 1:
            problems.append(f"{where}: `rate` is {text!r}; expected between 0% and 100%")
            continue
        rows.append(ReferenceRate(table, start, rate, (record.get("source") or "").strip() or f"user table {path}"))
    if problems:
        raise ReferenceRateError("rates_csv_invalid", "; ".join(problems))
    return tuple(rows)
