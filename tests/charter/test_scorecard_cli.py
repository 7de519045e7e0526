"""``charte scorecard`` on an example contract, with a settled month and payments from files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from charte.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_scorecard_command_writes_json_and_html(tmp_path: Path) -> None:
    payments = tmp_path / "payments.csv"
    payments.write_text("invoice,due,paid\nF1,2026-03-15,2026-04-20\nF2,2026-04-15,\n", encoding="utf-8")
    result = CliRunner().invoke(app, [
        "scorecard", "--contract", str(EXAMPLES / "contrat-desequilibre.yaml"), "--today", "2026-06-15",
        "--payments", str(payments), "--aht", "support-inbound=420",
        "--json", str(tmp_path / "s.json"), "--html", str(tmp_path / "s.html")])
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    axes = {a["axis"]: a for a in document["axes"]}
    assert axes["6"]["verdict"] == "fail"          # 36 days late, and one invoice unpaid 61 days
    late = next(f for f in axes["6"]["findings"] if f["item"] == "days_late")
    assert late["figures"]["days_late"] == {"F1": 36, "F2": 61}
    assert "Prix socialement responsable" in (tmp_path / "s.html").read_text(encoding="utf-8")


def test_bad_payment_rows_are_reported_with_their_line(tmp_path: Path) -> None:
    payments = tmp_path / "payments.csv"
    payments.write_text("invoice,due,paid\nF1,15/03/2026,\n", encoding="utf-8")
    history = tmp_path / "history"
    history.mkdir()
    result = CliRunner().invoke(app, ["scorecard", "--contract", str(EXAMPLES / "service-client-energie.yaml"),
                                      "--history", str(history), "--payments", str(payments)])
    assert result.exit_code == 2
    assert "payments.csv:2: [invalid_payment_row]" in result.output.replace("\n", "")
    shutil.rmtree(history)
