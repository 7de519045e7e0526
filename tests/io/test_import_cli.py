"""`charte import` and `charte kpi` end to end on a small inline file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from charte.cli import app

MAPPING = """
mapping: cli
timezone: Europe/Paris
constants: {channel: voice_inbound}
fields:
  contact_id: id
  arrived_at: at
  wait_seconds: wait
  handle_seconds: handle
  outcome: {column: status, codes: {A: answered, X: abandoned, P: "!phantom_record"}}
"""


def test_import_then_kpi(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "calls.csv").write_text(
        "id,at,wait,handle,status\n1,2026-10-05 09:00:00,10,100,A\n2,2026-10-05 09:05:00,30,300,A\n"
        "3,2026-10-05 09:06:00,2,0,X\n4,2026-10-05 09:07:00,1,0,P\n", encoding="utf-8")
    runner = CliRunner()
    store = str(tmp_path / "facts")
    first = runner.invoke(app, ["import", str(tmp_path / "calls.csv"), "--mapping", str(tmp_path / "m.yaml"),
                                "--activity", "svc", "--store", store, "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["issues"] == {"phantom_record": {"rejects": True, "count": 1, "rows": [5]}}
    again = runner.invoke(app, ["import", str(tmp_path / "calls.csv"), "--mapping", str(tmp_path / "m.yaml"),
                                "--activity", "svc", "--store", store])
    assert "nothing added" in again.stdout
    kpi = runner.invoke(app, ["kpi", "--activity", "svc", "--period", "2026-10", "--by", "day", "--store", store,
                              "--format", "json"])
    assert kpi.exit_code == 0, kpi.output
    (day,) = json.loads(kpi.stdout)
    assert (day["offered"], day["handled"], day["answered_within_20s"]) == (3, 2, 1)
    assert day["service_level_20s"] == 1 / 2  # 1 within 20 s ÷ (3 offered − 1 short abandon)
    missing = runner.invoke(app, ["import", str(tmp_path / "nope.csv"), "--mapping", str(tmp_path / "m.yaml"),
                                  "--store", store, "--activity", "svc"])
    assert missing.exit_code == 2 and "[file_not_found]" in missing.output


def test_an_engine_failing_mid_import_stores_nothing(tmp_path: Path, monkeypatch: Any) -> None:
    """The engine raises while checking the second block (as a Spark job does when its cluster is lost): exit 1,
    the reason printed, the store as it was — so the same file imports in full once the engine is back."""
    import duckdb

    from charte.io import importing
    from charte.io.quality_rules import RuleRun

    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    rows = "".join(f"{i},2026-10-05 09:{i % 60:02d}:00,10,100,A\n" for i in range(1, 13))
    (tmp_path / "calls.csv").write_text("id,at,wait,handle,status\n" + rows, encoding="utf-8")
    monkeypatch.setattr(importing, "CHUNK_ROWS", 5)
    monkeypatch.setattr(importing.csv_columnar, "supports", lambda mapping: False)  # the row path: blocks of 5
    real, calls = RuleRun.on_block, []

    def failing(self: RuleRun, block: Any) -> Any:
        calls.append(block.num_rows)
        if len(calls) == 2:
            raise duckdb.IOException("Lost connection to the executor")
        return real(self, block)

    monkeypatch.setattr(RuleRun, "on_block", failing)
    store = tmp_path / "facts"
    args = ["import", str(tmp_path / "calls.csv"), "--mapping", str(tmp_path / "m.yaml"), "--activity", "svc",
            "--store", str(store)]
    failed = CliRunner().invoke(app, args)
    assert failed.exit_code == 1, failed.output
    said = " ".join(failed.output.split())  # the console wraps long lines
    assert "calls.csv: the duckdb engine failed, nothing stored: Lost connection to the executor" in said
    assert calls == [5, 5]
    # nothing stored: no import, no quarantine (the import's lease lock file, issue 14, holds no data)
    assert not [p for p in store.rglob("*") if p.is_file() and not {".staging", ".leases"} & set(p.parts)]
    monkeypatch.setattr(RuleRun, "on_block", real)
    again = CliRunner().invoke(app, [*args, "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["rows_accepted"] == 12
