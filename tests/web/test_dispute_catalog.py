"""Every string the dispute pages and e-mails show has its French translation (French is the default language)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from charte.web.i18n import language

SRC = Path(__file__).resolve().parents[2] / "src" / "charte"
WEB = SRC / "web"
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


# The refusals and problems the dispute pages show (the error page and the templates pass them through the catalog).
REFUSING = ["disputes/thread.py", "disputes/changes.py", "disputes/whatif.py", "web/disputes.py",
            "web/dispute_pages.py"]


def _fixed_wordings() -> list[str]:
    """Messages of a fixed wording: the last argument of ``Problem``, ``_refuse``, ``Forbidden`` or
    ``HTTPException``, and the third item of a ``(code, where, message)`` problem tuple."""
    found: set[str] = set()
    for name in REFUSING:
        for node in ast.walk(ast.parse((SRC / name).read_text(encoding="utf-8"))):
            message: ast.expr | None = None
            if isinstance(node, ast.Call) and node.args:
                called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if called in ("Problem", "_refuse", "Forbidden", "HTTPException"):
                    message = node.args[-1]
            elif (isinstance(node, ast.Tuple) and len(node.elts) == 3 and isinstance(node.elts[0], ast.Constant)
                  and re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", str(node.elts[0].value))):
                message = node.elts[2]
            if isinstance(message, ast.BinOp) and isinstance(message.left, ast.Constant) \
                    and isinstance(message.right, ast.Constant):
                found.add(str(message.left.value) + str(message.right.value))
            elif isinstance(message, ast.Constant) and isinstance(message.value, str):
                found.add(message.value)
    return sorted(found)


@pytest.mark.parametrize("message", _fixed_wordings())
def test_each_fixed_refusal_of_the_disputes_is_translated(message: str) -> None:
    assert language("fr").gettext(message) != message, message


def test_the_refusals_are_found() -> None:
    assert "only the client's manager contests an invoice" in _fixed_wordings()
