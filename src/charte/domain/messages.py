"""The product's message catalogs, readable from every layer (explanations, findings, CLI, PDF, e-mails).

Messages are written in English in the code (``_("Fixed monthly fee of {amount}")``) and translated in
``charte/web/locale/<lang>/LC_MESSAGES/messages.po`` — the web application's catalogs, one set for the whole
product, read here as package data (no import of the web layer). Keyed messages (``column:…``, ``kpi:…``) have
an entry in each language. A message without a translation stays as written (English).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources

LANGUAGES = ("fr", "en")
LOCALES = {"fr": "fr_FR", "en": "en_GB"}


@cache
def catalog(lang: str) -> dict[str, str]:
    """The translated messages of ``lang`` (message id → translation); empty for an unknown language."""
    from babel.messages.pofile import read_po

    if lang not in LANGUAGES:
        return {}
    path = resources.files("charte").joinpath("web", "locale", lang, "LC_MESSAGES", "messages.po")
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle, locale=LOCALES[lang])
                if m.id and m.string and not m.fuzzy}


def gettext(lang: str) -> Callable[[str], str]:
    """``_`` for ``lang``: the message's translation, or the message itself."""
    messages = catalog(lang)
    return lambda message: messages.get(message, message)


def N_(message: str) -> str:  # noqa: N802  (gettext's name for "mark for extraction, translate later")
    return message
