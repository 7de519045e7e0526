"""``charte register submit|list|verify``, ``charte settle --register`` and ``charte verify`` on the demo's files,
in a fresh working folder (the default ``charte.db`` there)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charte.cli import app
from charte.demo.run import default_contract_path

CONTRACT = str(default_contract_path())


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert CliRunner().invoke(app, ["demo", "--out", str(out)]).exit_code == 0
    return out


def submit(db: Path, file: Path, kind: str, party: str, *extra: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["register", "submit", str(file), "--contract", CONTRACT, "--period", "2026-10",
                                    "--kind", kind, "--as", party, "--db", str(db), "--by", "test", *extra])


def test_submit_settle_from_the_register_and_verify(demo_files: Path, tmp_path: Path) -> None:
    db = tmp_path / "charte.db"
    renamed = tmp_path / "interval_report.parquet"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("data.csv", "a,b\n1,2\n")
    renamed.write_bytes(archive.getvalue())
    refused = submit(db, renamed, "interval_report", "provider")
    assert refused.exit_code == 1 and "[not_parquet]" in refused.output and "ZIP archive" in refused.output
    assert "nothing was kept" in refused.output
    wrong_party = submit(db, demo_files / "forecasts.parquet", "forecasts", "provider")
    assert wrong_party.exit_code == 1 and "[not_your_fact]" in wrong_party.output
    for name, kind, party in (("interval_report.parquet", "interval_report", "provider"),
                              ("staffing.parquet", "staffing", "provider"),
                              ("incidents.csv", "incidents", "client")):
        done = submit(db, demo_files / name, kind, party)
        assert done.exit_code == 0 and f"{kind} v1" in done.output, done.output
    forecasts = submit(db, demo_files / "forecasts.parquet", "forecasts", "client",
                       "--declared-at", "2026-08-31T09:00:00+02:00")
    assert forecasts.exit_code == 0 and "(declared)" in forecasts.output
    again = submit(db, demo_files / "staffing.parquet", "staffing", "provider")
    assert "already the latest version; nothing added" in again.output
    listed = CliRunner().invoke(app, ["register", "list", "--contract", CONTRACT, "--db", str(db), "--json"])
    rows = json.loads(listed.output)
    assert [r["kind"] for r in rows] == ["forecasts", "incidents", "staffing", "interval_report"]
    assert rows[0]["time_source"] == "declared" and rows[-1]["time_source"] == "clock"
    out = tmp_path / "settlement.json"
    settled = CliRunner().invoke(app, ["settle", "--contract", CONTRACT, "--period", "2026-10", "--register",
                                       "--db", str(db), "--json", str(out)])
    assert settled.exit_code == 0, settled.output
    document = json.loads(out.read_text())
    assert len(document["evidence"]["inputs"]) == 4
    demo_totals = json.loads((demo_files / "settlement.json").read_text())["totals"]
    assert document["totals"] == demo_totals  # the same facts, read through the register
    verified = CliRunner().invoke(app, ["verify", str(out), "--db", str(db)])
    assert verified.exit_code == 0 and "byte-identical" in verified.output
    out.write_text(out.read_text().replace('"period": "2026-10"', '"period": "2026-10" ', 1))
    differs = CliRunner().invoke(app, ["verify", str(out), "--db", str(db)])
    assert differs.exit_code == 1 and '-  "period": "2026-10" ,' in differs.output
    assert '+  "period": "2026-10",' in differs.output
    checked = CliRunner().invoke(app, ["register", "verify", "--db", str(db)])
    assert checked.exit_code == 0 and "4 submissions, chain and files intact" in checked.output
