"""`charte import` and `charte kpi` end to end on a small inline file."""

from __future__ import annotations

import json
from pathlib import Path

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
