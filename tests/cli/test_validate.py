"""``charte validate`` and ``charte schema``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from charte.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "service-client-energie.yaml"
runner = CliRunner()


def test_validate_clean_examples_exit_zero() -> None:
    result = runner.invoke(app, ["validate", "--lang", "en", *map(str, sorted((ROOT / "examples").glob("*.yaml"))),
                                 "--on", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_validate_reports_every_problem_and_exits_one(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("days: 45", "days: 90").replace('price: "34.20"', "price: 34.20"), encoding="utf-8")
    result = runner.invoke(app, ["validate", "--lang", "en", str(bad), "--on", "2026-01-01"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(bad))]
    assert any("[payment_term_exceeds_legal_max]" in line for line in lines)
    assert any("[amount_not_exact]" in line for line in lines)


def test_warnings_alone_exit_zero(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "--lang", "en", str(EXAMPLE), "--on", "2027-07-01"])
    assert result.exit_code == 0
    assert "[certification_expired]" in result.output and "(warning)" in result.output


def test_validate_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace("days: 45", "days: 90"), encoding="utf-8")
    result = runner.invoke(app, ["validate", "--lang", "en", str(bad), "--json", "--on", "2026-01-01"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and payload["errors"] == 1
    (problem,) = payload["problems"]
    assert problem["code"] == "payment_term_exceeds_legal_max" and problem["severity"] == "error"
    assert problem["file"] == str(bad) and isinstance(problem["line"], int)


def test_schema_prints_and_writes(tmp_path: Path) -> None:
    printed = runner.invoke(app, ["schema"])
    assert printed.exit_code == 0
    assert json.loads(printed.stdout)["title"] == "Contract"
    target = tmp_path / "contract.schema.json"
    written = runner.invoke(app, ["schema", "-o", str(target)])
    assert written.exit_code == 0
    assert target.read_text(encoding="utf-8") == printed.stdout
