"""Every message of the job board's pages, forms, problems and e-mails has its French translation (French is
the default language: one language per page). The messages are read from the templates (``_("…")``) and from
the code: problem templates, ``gettext`` calls and the tables of labels."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

from charte.jobs.candidates import CONSENT_PURPOSE

SRC = Path(__file__).resolve().parents[2] / "src" / "charte"
CATALOG = SRC / "web" / "locale" / "fr" / "LC_MESSAGES" / "messages.po"


def _template_messages() -> set[str]:
    found: set[str] = set()
    for path in [*sorted((SRC / "web" / "templates").glob("jobs_*.html")), SRC / "web" / "templates" / "_jobs.html",
                 SRC / "web" / "templates" / "observatory.html"]:  # its work-study placements (issue 22)
        for match in re.finditer(r'_\(\s*"((?:[^"\\]|\\.)*)"\s*\)|_\(\s*\'((?:[^\'\\]|\\.)*)\'\s*\)',
                                 path.read_text("utf-8")):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
    return found


def _string(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _code_messages() -> set[str]:
    found: set[str] = set()
    paths = [*sorted((SRC / "jobs").glob("*.py")), *sorted((SRC / "web").glob("jobs_*.py"))]
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                position = {"FieldProblem": 2, "problem": 2, "ApplyRefused": 2, "_": 0, "gettext": 0,
                            "HTTPException": 1}.get(name)  # an HTTPException's detail is shown on the error page
                if position is not None and len(node.args) > position and (text := _string(node.args[position])):
                    found.add(text)
            if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and (t.id.endswith("_LABELS") or t.id == "MATCH_REASONS")
                       for t in targets):
                    found |= {text for v in node.value.values if (text := _string(v))}
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "template"
                                                    for t in node.targets):
                parts = node.value.values if isinstance(node.value, ast.JoinedStr) else [node.value]
                found |= {text for p in parts if (text := _string(p))}
    return found | {CONSENT_PURPOSE}


def test_every_job_board_message_is_translated_into_french() -> None:
    with CATALOG.open("rb") as handle:
        catalog = {str(m.id): str(m.string) for m in read_po(handle, locale="fr_FR") if m.id and m.string}
    messages = _template_messages() | _code_messages()
    assert len(messages) > 250
    missing = sorted(m for m in messages if m not in catalog)
    assert missing == []


def test_translations_keep_their_placeholders() -> None:
    with CATALOG.open("rb") as handle:
        catalog = {str(m.id): str(m.string) for m in read_po(handle, locale="fr_FR") if m.id and m.string}
    for message in _template_messages() | _code_messages():
        names = sorted(re.findall(r"\{[a-z_]+(?:!r)?\}|%\(\w+\)s|%s", message))
        assert sorted(re.findall(r"\{[a-z_]+(?:!r)?\}|%\(\w+\)s|%s", catalog[message])) == names, message
