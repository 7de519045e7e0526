"""The command line's language: ``--lang fr|en`` on every command that prints words for people.

Without ``--lang``, the locale decides: the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set; English
when it starts with ``en`` (``en_GB.UTF-8``), French otherwise (``fr_FR.UTF-8``, ``C.UTF-8``, nothing set) — French
is the product's default language. Messages come from the product's catalogs
(``charte/web/locale/<lang>/LC_MESSAGES/messages.po``, through :mod:`charte.domain.messages`), read without
starting the web application; numbers, amounts and dates through :mod:`charte.domain.formats`. Codes (clause
paths, problem codes, file names) stay as they are, in either language.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Annotated

import typer

from charte.domain.formats import Lang
from charte.domain.messages import gettext

LANG_HELP = ("Language of what is printed: fr or en. Default: the locale's (LC_ALL, LC_MESSAGES or LANG: en… "
             "gives English), French otherwise.")

#: The ``--lang`` option every command takes (``None``: the locale's language).
LangOption = Annotated[str | None, typer.Option("--lang", help=LANG_HELP, show_default=False)]


def cli_language(value: str | None) -> Lang:
    """``value`` when given (``fr`` or ``en``, else :class:`ValueError`), else the locale's language."""
    if value is not None:
        if value == "fr":
            return "fr"
        if value == "en":
            return "en"
        raise ValueError(f"--lang {value!r}: expected fr or en")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        setting = os.environ.get(name, "")
        if setting:
            return "en" if setting.lower().startswith("en") else "fr"
    return "fr"


def chosen_language(value: str | None) -> Lang:
    """:func:`cli_language`, or exit 2 with the reason (a command's ``--lang`` as given on its line)."""
    try:
        return cli_language(value)
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


def cli_gettext(lang: str) -> Callable[[str], str]:
    """``_`` for ``lang``: the catalog's translation of an English message, or the message itself."""
    return gettext(lang)


def problem_lines(where: str, code: str, message: str, lang: str) -> list[str]:
    """A problem as the CLI prints it: in English ``where: [code] message``; in French the catalog's sentence for
    the code (``problem:<code>``) after ``where``, then the code and its technical detail on an indented line —
    the command line's "details / references" (the web shows them in a disclosure)."""
    sentence = gettext(lang)(f"problem:{code}") if lang == "fr" else ""
    if not sentence or sentence == f"problem:{code}":
        return [f"{where}: [{code}] {message}"]
    return [f"{where} : {sentence}", f"    [{code}] {message}"]
