"""Languages of the pages: French by default, English available (Babel catalogues and formats).

Messages are written in English in the templates (``_("Contracts")``) and translated from
``locale/<lang>/LC_MESSAGES/messages.po`` (read with Babel at start-up, no compile step). Numbers,
amounts and dates follow the CLDR rules of the locale (French: ``1 234,56 €``, ``24 novembre 2026``).

Keyed messages: ``column:<field>`` (export headers) and ``kpi:<column>`` (the CLI's KPI table) have an entry in
each language, English included (``locale/en``); ``problem:<code>`` says in a French sentence what a problem means
(the problems' own messages are English). A problem is shown as that sentence, where it is, and its code and
technical detail in a "details / references" disclosure (:meth:`Language.problem`).

The messages the application uses are extracted as ``pybabel extract`` would, with the mapping of
:data:`BABEL_MAPPING` (:func:`extracted_messages`); tests/web/test_web_language.py checks that the French catalog
translates all of them and every problem code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from markupsafe import Markup, escape

LANGUAGES = ("fr", "en")
LOCALES = {"fr": "fr_FR", "en": "en_GB"}
PARIS = ZoneInfo("Europe/Paris")


#: Where the messages are, for extraction (the mapping ``pybabel extract -F`` reads, as Python data).
BABEL_MAPPING = [("web/templates/**.html", "jinja2"), ("web/**.py", "python"),
                 ("settle/explain.py", "python"), ("cli/**.py", "python"),  # issue 21: sentences, CLI
                 ("disputes/correction.py", "python"), ("reports/settlement_report.py", "python"),
                 ("reports/templates/settlement.html", "jinja2"),
                 ("reports/templates/scorecard.html", "jinja2"), ("reports/scorecard_report.py", "python"),
                 ("telesales/report.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "N_": None, "HTTPException": (2,)}  # an HTTP error's detail is shown


@cache
def _catalogue(lang: str) -> dict[str, str]:
    path = resources.files("charte.web").joinpath("locale", lang, "LC_MESSAGES", "messages.po")
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=LOCALES[lang])
    return {str(m.id): str(m.string) for m in catalogue if m.id and m.string and not m.fuzzy}


def catalog_messages(lang: str) -> dict[str, str]:
    """The translated messages of ``lang``'s catalog (message id → translation)."""
    return dict(_catalogue(lang))


def extracted_messages(package_root: Path) -> set[str]:
    """Every constant message the web application passes to ``_``/``gettext``/``N_`` (templates and code)."""
    out: set[str] = set()
    for _, _, message, _, _ in extract_from_dir(package_root, BABEL_MAPPING, keywords=KEYWORDS):
        text = message[0] if isinstance(message, tuple) else message
        if text:
            out.add(str(text))
    return out


def N_(message: str) -> str:  # noqa: N802  (gettext's name for "mark for extraction, translate later")
    return message


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

    def problem(self, code: str, message: str, where: str = "") -> Markup:
        """A problem as a person reads it: what it means (``problem:<code>``), where, and the code with its
        technical detail in a "details / references" disclosure. A code without a sentence in this language
        keeps the generic sentence and is marked ``data-untranslated`` (the language tests look for it). The
        problems' own messages are written in English: in English they are the sentence."""
        catalogue = _catalogue(self.code)
        sentence = message if self.code == "en" else catalogue.get(f"problem:{code}")  # the messages are English
        untranslated = sentence is None
        if sentence is None:
            sentence = self.gettext("This could not be accepted (see the details).")
        place = f' <span class="where" translate="no">{escape(where)}</span>' if where else ""
        refs = self.gettext("details / references")
        return Markup(
            f'<span class="problem" data-code="{escape(code)}"{" data-untranslated" if untranslated else ""}>'
            f'{escape(sentence)}{place}<details class="refs"><summary>{escape(refs)}</summary>'
            f'<code>[{escape(code)}] {escape(message)}</code></details></span>')

    def day(self, value: date) -> str:
        return format_date(value, "long", locale=self.locale)

    def moment(self, value: datetime) -> str:
        return format_datetime(value, "medium", tzinfo=PARIS, locale=self.locale)

    def period(self, text: str) -> str:
        """A ``YYYY-MM`` period as the month's name; anything else as written (it is what the person typed)."""
        try:
            return self.month(text) if len(text) == 7 and text[4] == "-" else text
        except ValueError:
            return text

    def month(self, period: str) -> str:
        year, month = (int(p) for p in period.split("-"))
        return format_date(date(year, month, 1), "MMMM y", locale=self.locale)


def language(code: str | None, default: str = "fr") -> Language:
    return Language(code if code in LANGUAGES else default)
