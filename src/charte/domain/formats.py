"""Numbers, amounts, percentages and dates as a reader of the language writes them (CLDR rules, through Babel).

French: ``4 164,00`` (narrow no-break space between thousands, decimal comma), ``1 234,56 €``, ``79,0 %``,
``1 janvier 2027``; English: ``4,164.00``, ``€1,234.56``, ``79.0%``, ``1 January 2027``. Every page, PDF,
spreadsheet, explanation and CLI table formats through here, so one language never shows the other's
punctuation. Formatting never rounds an amount: :mod:`charte.domain.money` has rounded it already; the value is
shown with exactly the places asked.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final, Literal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

Lang = Literal["fr", "en"]
LOCALES: Final[dict[str, str]] = {"fr": "fr_FR", "en": "en_GB"}


def _pattern(places: int) -> str:
    return "#,##0." + "0" * places if places else "#,##0"


def number(value: Decimal | float | int | str, places: int = 2, lang: str = "fr") -> str:
    """``value`` with ``places`` decimals and the locale's separators."""
    return format_decimal(Decimal(str(value)), format=_pattern(places), locale=LOCALES[lang],
                          decimal_quantization=True)


def money(value: Decimal | str, lang: str = "fr", currency: str = "EUR", *, exact: bool = False) -> str:
    """An amount in euros with cents (``1 234,56 €`` / ``€1,234.56``); ``exact``: a price's places beyond the cents
    kept as they are (``29,123456 €``), never rounded."""
    return format_currency(Decimal(str(value)), currency, locale=LOCALES[lang], decimal_quantization=not exact)


def percent(ratio: Decimal | float | str, places: int = 1, lang: str = "fr") -> str:
    """A ratio as a percentage (``0.79`` → ``79,0 %``)."""
    sign = "\u00a0%" if lang == "fr" else "%"
    return format_percent(Decimal(str(ratio)), format=_pattern(places) + sign, locale=LOCALES[lang])


def day(value: date, lang: str = "fr") -> str:
    """A date in words (``1 janvier 2027`` / ``1 January 2027``)."""
    return format_date(value, "d MMMM y", locale=LOCALES[lang])


def month(year: int, month_number: int, lang: str = "fr") -> str:
    """A month in words (``octobre 2026`` / ``October 2026``)."""
    return format_date(date(year, month_number, 1), "LLLL y", locale=LOCALES[lang])


def short_day(value: date, lang: str = "fr") -> str:
    """A day of a month for a chart's axis (``31/01`` / ``31/01``)."""
    return format_date(value, "dd/MM", locale=LOCALES[lang])
