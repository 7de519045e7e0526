"""Languages of the pages: French by default, English available (Babel catalogues and formats).

Messages are written in English in the templates (``_("Contracts")``) and translated from
``locale/<lang>/LC_MESSAGES/messages.po`` (read with Babel at start-up, no compile step). Numbers,
amounts and dates follow the CLDR rules of the locale (French: ``1 234,56 €``, ``24 novembre 2026``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent

LANGUAGES = ("fr", "en")
LOCALES = {"fr": "fr_FR", "en": "en_GB"}
PARIS = ZoneInfo("Europe/Paris")


@cache
def _catalogue(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    path = resources.files("charte.web").joinpath("locale", lang, "LC_MESSAGES", "messages.po")
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=LOCALES[lang])
    return {str(m.id): str(m.string) for m in catalogue if m.id and m.string and not m.fuzzy}


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Language:
    """Messages and formats of one language; ``_`` translates, the rest format by the locale."""

    code: str

    @property
    def locale(self) -> str:
        return LOCALES[self.code]

    @property
    def gettext(self) -> Callable[[str], str]:
        catalogue = _catalogue(self.code)
        return lambda message: catalogue.get(message, message)

    def money(self, value: object) -> str:
        amount = _decimal(value)
        return "—" if amount is None else format_currency(amount, "EUR", locale=self.locale)

    def number(self, value: object, places: int = 2) -> str:
        amount = _decimal(value)
        if amount is None:
            return "—"
        return format_decimal(amount, format="#,##0." + "0" * places if places else "#,##0", locale=self.locale)

    def percent(self, value: object, places: int = 2) -> str:
        ratio = _decimal(value)
        sign = "\u00a0%" if self.code == "fr" else "%"
        return "—" if ratio is None else format_percent(ratio, format="#,##0." + "0" * places + sign,
                                                        locale=self.locale)

    def day(self, value: date) -> str:
        return format_date(value, "long", locale=self.locale)

    def moment(self, value: datetime) -> str:
        return format_datetime(value, "medium", tzinfo=PARIS, locale=self.locale)

    def month(self, period: str) -> str:
        year, month = (int(p) for p in period.split("-"))
        return format_date(date(year, month, 1), "MMMM y", locale=self.locale)


def language(code: str | None, default: str = "fr") -> Language:
    return Language(code if code in LANGUAGES else default)
