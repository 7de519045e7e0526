"""The facts store under concurrency and faults: a reader never destroys a running import; an import killed at
any point leaves nothing; what an import is covers how the file is read; imports are replaced or taken out
without losing their files; a non-zip ``.xlsx`` and a NUL in an identifier are refused with a clear reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charte.cli import app
from charte.io.facts_store import FactsStore
from charte.io.importing import import_file
from charte.io.mapping import parse_mapping
from charte.io.quality import SourceError

ROOT = Path(__file__).resolve().parents[2]
MAPPING = """
mapping: cli
timezone: Europe/Paris
constants: {channel: voice_inbound}
fields:
  contact_id: id
  arrived_at: at
  wait_seconds: wait
  handle_seconds: handle
  outcome: {column: status, codes: {A: answered, X: abandoned}}
"""
ROWS = "id,at,wait,handle,status\n" + "".join(f"c{i},2026-10-05 09:{i % 60:02d}:00,10,100,A\n" for i in range(40))


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "calls.csv").write_text(ROWS, encoding="utf-8")
    return tmp_path / "m.yaml", tmp_path / "calls.csv", tmp_path / "facts"


def _import(mapping: Path, calls: Path, store: Path, *extra: str, env: dict[str, str] | None = None,
            wait: bool = True) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", "from charte.cli import main; main()", "import", str(calls), "--mapping", str(mapping),
         "--activity", "svc", "--store", str(store), *extra],
        cwd=ROOT, env={**os.environ, **(env or {})}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    if wait:
        child.wait(timeout=300)
    return child


def _rows(store: Path) -> int:
    kpi = CliRunner().invoke(app, ["kpi", "--activity", "svc", "--period", "2026-10", "--by", "month", "--store",
                                   str(store), "--format", "json"])
    return int(json.loads(kpi.stdout)[0]["offered"]) if kpi.exit_code == 0 else 0


@pytest.mark.parametrize("point", ["import.staged", "import.before_manifest"])
def test_a_reader_opening_the_store_never_touches_a_running_import(files: tuple[Path, Path, Path],
                                                                   point: str) -> None:
    """The import stops at ``point`` (its files staged, or already moved into place without their commit
    record); ``charte kpi`` opens the store meanwhile; then the import goes on and commits every row."""
    mapping, calls, store = files
    child = _import(mapping, calls, store, env={"CHARTE_PAUSE_AT": point}, wait=False)
    assert child.stderr is not None and child.stdin is not None
    assert child.stderr.readline().strip() == f"charte: paused at {point}"
    assert _rows(store) == 0  # the reader sees nothing of the import in progress, and removes nothing of it
    staged = [p for p in (store / ".staging").rglob("*") if p.is_file()] if point == "import.staged" else \
        list((store / "contact_records").rglob("*.parquet"))
    assert staged and all(p.exists() for p in staged)
    child.stdin.write("\n")
    child.stdin.flush()
    out, err = child.communicate(timeout=300)
    assert child.returncode == 0, err
    assert "40 stored" in out and _rows(store) == 40


@pytest.mark.parametrize("point", ["import.staged", "import.before_manifest"])
def test_an_import_killed_at_any_point_leaves_nothing_and_can_run_again(files: tuple[Path, Path, Path],
                                                                        point: str) -> None:
    mapping, calls, store = files
    child = _import(mapping, calls, store, env={"CHARTE_FAULT_AT": point})
    assert child.returncode == -9
    opened = FactsStore(store)  # the process is dead: its lease is gone, its debris is cleared
    assert opened.imports() == [] and opened.files("contact_record") == []
    assert not [p for p in store.rglob("*.parquet") if "removed" not in p.parts]
    again = _import(mapping, calls, store)
    assert again.returncode == 0 and _rows(store) == 40


def test_import_identity_covers_mapping_activity_and_policy(files: tuple[Path, Path, Path]) -> None:
    _, calls, root = files
    store = FactsStore(root)
    mapping = parse_mapping(MAPPING)
    first = import_file(calls, mapping, store, activity="svc")
    assert import_file(calls, mapping, store, activity="svc").status == "already_imported"
    other_activity = import_file(calls, mapping, store, activity="ventes")
    assert other_activity.status == "imported" and other_activity.import_id != first.import_id
    from charte.io.importing import import_identity
    from charte.io.quality import Policy
    strict, _ = import_identity(calls, "default", mapping.with_constants(activity="svc"), Policy.REJECT_FILE)
    assert strict not in (first.import_id, other_activity.import_id)
    assert first.manifest.identity["constants"] == '{"activity": "svc", "channel": "voice_inbound"}'


def test_replace_and_remove_keep_the_files_and_readers_see_only_the_current_import(
        files: tuple[Path, Path, Path]) -> None:
    mapping, calls, store = files
    runner = CliRunner()
    wrong = runner.invoke(app, ["import", str(calls), "--mapping", str(mapping), "--activity", "ventes", "--store",
                                str(store), "--json"])
    assert wrong.exit_code == 0, wrong.output
    [old] = FactsStore(store).imports()
    right = runner.invoke(app, ["import", str(calls), "--mapping", str(mapping), "--activity", "svc", "--store",
                                str(store), "--replace", old])
    assert right.exit_code == 0 and f"replaces import {old}" in " ".join(right.output.split()), right.output
    assert _rows(store) == 40  # not refused as duplicates of the import it replaces
    [new] = FactsStore(store).imports()
    assert new != old and (store / "removed" / old / "manifest.json").exists()
    assert list((store / "removed" / old).rglob("*.parquet"))  # kept, not deleted
    listed = runner.invoke(app, ["import", "list", "--store", str(store), "--json"])
    assert [m["import_id"] for m in json.loads(listed.stdout)] == [new]
    removed = runner.invoke(app, ["import", "remove", new, "--store", str(store)])
    assert removed.exit_code == 0 and "taken out" in removed.output
    assert _rows(store) == 0 and FactsStore(store).imports() == []
    unknown = runner.invoke(app, ["import", "remove", "nope", "--store", str(store)])
    assert unknown.exit_code == 1 and "no import 'nope'" in unknown.output


def test_a_crash_between_the_new_commit_and_taking_the_old_import_out_is_finished_at_reopening(
        files: tuple[Path, Path, Path]) -> None:
    _, calls, root = files
    store = FactsStore(root)
    mapping = parse_mapping(MAPPING)
    old = import_file(calls, mapping, store, activity="ventes")
    new = import_file(calls, mapping, store, activity="svc", replaces=old.import_id)
    # as if the process had died after committing the new manifest, before moving the old import out
    removed = root / "removed" / old.import_id
    os.replace(removed / "manifest.json", store.manifest_path(old.import_id))
    assert FactsStore(root).imports() == [new.import_id]  # readers already ignore the replaced import
    assert not store.manifest_path(old.import_id).exists()  # and opening the store finished the move
    assert (removed / "manifest.json").exists()


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused_clearly(tmp_path: Path) -> None:
    fake = tmp_path / "calls.xlsx"
    fake.write_text(ROWS, encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        import_file(fake, parse_mapping(MAPPING), FactsStore(tmp_path / "facts"), activity="svc")
    assert raised.value.code == "not_a_workbook" and "CSV renamed .xlsx" in str(raised.value)
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(fake), "--mapping", str(tmp_path / "m.yaml"), "--activity", "svc",
                                      "--store", str(tmp_path / "facts")])
    assert result.exit_code == 2 and "[not_a_workbook]" in result.output and "BadZipFile" not in result.output


@pytest.mark.parametrize("columnar", [True, False])
def test_a_nul_byte_in_an_identifier_is_refused_on_both_paths(tmp_path: Path, columnar: bool) -> None:
    calls = tmp_path / "calls.csv"
    calls.write_text("id,at,wait,handle,status\nc\x001,2026-10-05 09:00:00,10,100,A\nc2,2026-10-05 09:01:00,10,100,A\n",
                     encoding="utf-8")
    result = import_file(calls, parse_mapping(MAPPING), FactsStore(tmp_path / "facts"), activity="svc",
                         columnar=columnar)
    assert result.report is not None and result.report.rows_with("nul_in_identifier") == [2]
    assert "`contact_id` holds a NUL byte at character 2" in result.report.lines(1)[0]
    assert result.manifest.rows_written == 1
