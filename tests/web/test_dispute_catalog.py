"""Every string the dispute pages and e-mails show has its French translation (French is the default language)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from charte.web.i18n import language

WEB = Path(__file__).resolve().parents[2] / "src" / "charte" / "web"
SOURCES = ["templates/disputes.html", "templates/_standing.html", "templates/dispute_new.html",
           "templates/dispute.html", "dispute_pages.py", "disputes.py"]
SAME_IN_FRENCH = {"client", "Document", "Message", "Clause"}
MESSAGE = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")


def _messages() -> list[str]:
    found = []
    for name in SOURCES:
        for match in MESSAGE.finditer((WEB / name).read_text(encoding="utf-8")):
            found.append(match.group(1) or match.group(2))
    return sorted(set(found))


@pytest.mark.parametrize("message", _messages())
def test_each_dispute_message_is_translated(message: str) -> None:
    french = language("fr").gettext(message)
    assert french != message or message in SAME_IN_FRENCH, message
    assert french.count("%(") == message.count("%("), "placeholders must survive the translation"


def test_the_catalogue_covers_the_sources() -> None:
    assert len(_messages()) > 100
