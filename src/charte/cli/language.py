"""The command line's language: ``--lang fr|en``, by default the locale's (``LC_ALL``, ``LC_MESSAGES``, ``LANG``:
``en…`` gives English), French otherwise. Messages come from the web application's catalogs
(``charte/web/locale/<lang>/LC_MESSAGES/messages.po``), read without starting the web application."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from importlib import resources

LANGUAGES = ("fr", "en")


def cli_language(value: str | None) -> str:
    """``value`` when given (``fr`` or ``en``, else :class:`ValueError`), else the locale's language."""
    if value is not None:
        if value not in LANGUAGES:
            raise ValueError(f"--lang {value!r}: expected fr or en")
        return value
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        setting = os.environ.get(name, "")
        if setting:
            return "en" if setting.lower().startswith("en") else "fr"
    return "fr"


@cache
def _catalog(lang: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    path = resources.files("charte").joinpath("web", "locale", lang, "LC_MESSAGES", "messages.po")
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle) if m.id and m.string and not m.fuzzy}


def cli_gettext(lang: str) -> Callable[[str], str]:
    catalog = _catalog(lang)
    return lambda message: catalog.get(message, message)
