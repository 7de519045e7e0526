"""kill -9 at the points where a submission, a settlement or an invoice could be left half done: the register and
the ledger stay consistent (their chains verify), nothing half-written is ever read, and the operation can be
done again. Each case runs the real command in a subprocess that ``CHARTE_FAULT_AT`` kills (charte.io.faults)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charte.cli import app
from charte.demo.run import default_contract_path

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = str(default_contract_path())
pytestmark = pytest.mark.slow  # real commands in subprocesses (a few seconds each to start)


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert CliRunner().invoke(app, ["demo", "--out", str(out)]).exit_code == 0
    return out


def charte(*args: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"CHARTE_FAULT_AT": fault} if fault else {})}
    return subprocess.run([sys.executable, "-c", "from charte.cli import main; main()", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def submit(db: Path, file: Path, kind: str, party: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    return charte("register", "submit", str(file), "--contract", CONTRACT, "--period", "2026-10", "--kind", kind,
                  "--as", party, "--db", str(db), fault=fault)


def verified(db: Path) -> bool:
    return CliRunner().invoke(app, ["register", "verify", "--db", str(db)]).exit_code == 0


@pytest.mark.parametrize("point", ["register.after_object", "register.before_commit", "register.after_commit"])
def test_a_submission_killed_at_any_point_leaves_the_register_consistent(point: str, demo_files: Path,
                                                                         tmp_path: Path) -> None:
    db = tmp_path / "charte.db"
    assert submit(db, demo_files / "staffing.parquet", "staffing", "provider").returncode == 0
    killed = submit(db, demo_files / "interval_report.parquet", "interval_report", "provider", fault=point)
    assert killed.returncode == -9, killed.stderr[-1000:]
    assert verified(db)  # chain intact, every registered file intact (a file kept but not recorded is harmless)
    listed = json.loads(CliRunner().invoke(app, ["register", "list", "--contract", CONTRACT, "--db", str(db),
                                                 "--json"]).stdout)
    recorded = [(r["kind"], r["version"]) for r in listed]
    assert recorded == ([("interval_report", 1), ("staffing", 1)] if point == "register.after_commit"
                        else [("staffing", 1)])
    again = submit(db, demo_files / "interval_report.parquet", "interval_report", "provider")
    assert again.returncode == 0
    assert ("already the latest version" in again.stdout) == (point == "register.after_commit")
    assert verified(db)
    witness = tmp_path / "charte-files" / "register" / "witness"
    assert len(list(witness.rglob("*.json"))) == 2  # the copies caught up


def test_a_settlement_killed_while_written_leaves_no_truncated_file(demo_files: Path, tmp_path: Path) -> None:
    out = tmp_path / "settlement.json"
    db = demo_files / "charte.db"
    args = ("settle", "--contract", CONTRACT, "--period", "2026-10", "--register", "--db", str(db), "--json", str(out))
    killed = charte(*args, fault="settlement.before_replace")
    assert killed.returncode == -9 and not out.exists()
    assert charte(*args).returncode == 0
    assert out.read_text() == (demo_files / "settlement.json").read_text()
    assert CliRunner().invoke(app, ["verify", str(out), "--db", str(db)]).exit_code == 0


def test_an_issue_killed_after_its_commit_is_recorded_once_and_its_files_can_be_written_again(
        demo_files: Path, tmp_path: Path) -> None:
    db, out = tmp_path / "charte.db", tmp_path / "out"
    args = ("invoice", "issue", "--contract", CONTRACT, "--settlement", str(demo_files / "settlement.json"), "--db",
            str(db), "--out", str(out), "--date", "2026-11-02")
    killed = charte(*args, fault="ledger.after_commit")
    assert killed.returncode == -9 and not out.exists()
    twice = charte(*args)
    assert twice.returncode == 1 and "settlement_already_invoiced" in twice.stdout and "F000001" in twice.stdout
    assert CliRunner().invoke(app, ["ledger", "verify", "--db", str(db)]).exit_code == 0
    files = charte("invoice", "files", "F000001", "--provider", "987654324", "--db", str(db), "--out", str(out))
    assert files.returncode == 0 and (out / "invoice-F000001.pdf").exists()
    pay = ("payments", "record", "--provider", "987654324", "--invoice", "F000001", "--date", "2026-11-20",
           "--amount", "1000.00", "--db", str(db))
    assert charte(*pay, fault="ledger.before_commit").returncode == -9
    statement = json.loads(charte("payments", "--provider", "987654324", "--db", str(db), "--as-of", "2026-11-30",
                                  "--json").stdout)
    assert [(s["invoice"], s["paid"]) for s in statement] == [("F000001", "0")]  # the killed payment left nothing
    assert charte(*pay).returncode == 0
    assert CliRunner().invoke(app, ["ledger", "verify", "--db", str(db)]).exit_code == 0
