"""The command line speaks one language (issue 21): ``--lang fr`` prints no English word, ``--lang en`` no French
word (the word lists of the pages' language test, :mod:`tests.language_words`), for every command that prints
words for people; without ``--lang`` the locale decides (``en…`` English, French otherwise).

What is not a word of either language is left out of the reading, as the pages' test leaves out ``<code>``: the
parties' own words (names, the contract's designations of its lines, activity ids), clause paths and file paths,
and — in French — the indented ``[code] detail`` line under a problem's sentence (the command line's "details /
references").
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from tests.language_words import ENGLISH, FRENCH, foreign_words
from typer.testing import CliRunner

from charte.cli import app
from charte.demo.run import DemoResult, default_contract_path, run_demo
from charte.domain.calendar import Month

ROOT = Path(__file__).resolve().parents[2]
CODES = re.compile(r"\S*[\[\]_.]\S*")  # clause paths (activities[x].pricing), codes (sl-80-20 stays: no word)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo"))


def _data(demo: DemoResult) -> list[str]:
    """What the parties wrote, which stays as written in either language."""
    c = demo.contract
    texts = {c.id, c.name or "", c.client.name, c.provider.name, *(a.name or "" for a in c.activities),
             *(a.id for a in c.activities)}
    if demo.settlement is not None:
        texts |= {line.label for line in demo.settlement.lines}
    return sorted((t for t in texts if t), key=len, reverse=True)


def _read(output: str, data: list[str]) -> str:
    lines = [line for line in output.splitlines() if not line.lstrip().startswith("[")]  # a problem's code line
    text = " ".join(lines)
    for written in data:
        text = text.replace(written, " ")
    return CODES.sub(" ", text)


def _speaks(output: str, lang: str, data: list[str]) -> None:
    hits = foreign_words(_read(output, data), ENGLISH if lang == "fr" else FRENCH)
    assert hits == [], f"{lang}: " + "; ".join(hits[:8])


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})
    assert result.exit_code in (0, 1), result.output
    return result.output


def _page_text(html: str) -> str:
    """The page's words as a person reads them: no style, no ``<code>`` (clause paths, hashes, ids), nothing marked
    ``translate="no"`` (citations of sources, in their own language), as the pages' test reads them."""
    import lxml.html

    root = lxml.html.document_fromstring(html)
    for element in root.xpath("//style|//script|//code|//*[@translate='no']"):
        element.drop_tree()
    return root.text_content()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_settle_speaks_one_language(demo: DemoResult, lang: str, tmp_path: Path) -> None:
    page = tmp_path / "settlement.html"
    out = _run("settle", "--contract", str(default_contract_path()), "--period", "2026-10", "--facts",
               str(demo.out_dir), "--lang", lang, "--html", str(page))
    _speaks(out, lang, _data(demo))
    html = page.read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in html
    _speaks(_page_text(html), lang, _data(demo))
    # the figures as the language writes them: 4,164 productive hours × 34.20 (the demo month's first line)
    assert ("4\u202f164,00 heures productives" in out) if lang == "fr" else ("4,164.00 productive hours" in out)
    assert ("Total TTC" in out) if lang == "fr" else ("Total including VAT" in out)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_scorecard_speaks_one_language(demo: DemoResult, lang: str, tmp_path: Path) -> None:
    page = tmp_path / "scorecard.html"
    out = _run("scorecard", "--contract", str(default_contract_path()), "--history", str(demo.out_dir), "--today",
               "2026-11-01", "--lang", lang, "--html", str(page))
    _speaks(out, lang, _data(demo))
    html = page.read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in html and "<svg" in html
    _speaks(_page_text(html), lang, _data(demo))
    # the 2010 charter's staff share, 79.0% of the contract's staff in France, as the reader writes it
    assert ("79,0\u00a0%" in out) if lang == "fr" else ("79.0%" in out)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_validate_speaks_one_language(lang: str) -> None:
    examples = sorted(str(p) for p in (ROOT / "examples").glob("*.yaml"))
    out = _run("validate", *examples, "--on", "2026-01-01", "--lang", lang)
    _speaks(out, lang, [])
    assert ("avertissement" in out) if lang == "fr" else ("warning(s)" in out)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_demo_speaks_one_language(demo: DemoResult, lang: str) -> None:
    from charte.cli.demo import _print_documents, _print_month

    buffer = io.StringIO()
    console = Console(file=buffer, width=200)
    _print_month(console, demo, Month(2026, 10), 2026, lang)  # type: ignore[arg-type]
    _print_documents(console, demo, lang)  # type: ignore[arg-type]
    _speaks(buffer.getvalue(), lang, _data(demo))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_invoice_issue_speaks_one_language(demo: DemoResult, lang: str, tmp_path: Path) -> None:
    # the demo month issued on 2 November 2026, payable at 45 days: due on 17 December 2026
    out = _run("invoice", "issue", "--contract", str(default_contract_path()), "--settlement",
               str(demo.out_dir / "settlement.json"), "--ledger", str(tmp_path / "ledger"), "--out",
               str(tmp_path / "out"), "--date", "2026-11-02", "--lang", lang)
    _speaks(out, lang, _data(demo))
    assert ("échéance le 17 décembre 2026" in out) if lang == "fr" else ("due 17 December 2026" in out)


@pytest.mark.parametrize(("setting", "lang"), [("en_GB.UTF-8", "en"), ("fr_FR.UTF-8", "fr"), ("C.UTF-8", "fr")])
def test_without_lang_the_locale_decides(setting: str, lang: str) -> None:
    out = _run("validate", str(ROOT / "examples" / "service-client-energie.yaml"), "--on", "2026-01-01",
               env={"LC_ALL": setting})
    assert ("fichier(s) de contrat vérifié(s)" in out) if lang == "fr" else ("contract file(s) checked" in out)


@pytest.mark.parametrize("command", [("settle",), ("scorecard",), ("validate",), ("demo",), ("invoice", "issue"),
                                     ("dispute", "whatif"), ("dispute", "evidence"), ("kpi",)])
def test_help_documents_the_language_option(command: tuple[str, ...]) -> None:
    out = _run(*command, "--help")
    assert "--lang" in out and "LANG" in out


def test_an_unknown_language_is_refused() -> None:
    result = CliRunner().invoke(app, ["validate", str(ROOT / "examples" / "service-client-energie.yaml"),
                                      "--lang", "de"])
    assert result.exit_code == 2 and "expected fr or en" in result.output
