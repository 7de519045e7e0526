"""Import → KPIs → telesales audit through a real Spark standalone cluster, equal to DuckDB cell by cell.

The cluster (``tests/conftest.py``: one master and one worker from the pyspark distribution, on
loopback, reached at ``spark://127.0.0.1:PORT``) runs the same commands a user types with
``--engine spark --spark-master URL``; the same commands without the options run on DuckDB in
this process. Every result is compared whole: the import's quality report (codes, counts, row
numbers, each issue's message), the rows stored and set aside, the interval KPIs and the audit's
findings and violations. The data set is generated (seeded) with rows each rule must catch, so
the equality is between two non-trivial results.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.io.test_columnar_import import DIRTY_MAPPING, DIRTY_ROWS, HEADER
from tests.telesales.test_telesales_cli import MAPPING as DIALER_MAPPING
from typer.testing import CliRunner

from charte.cli import app

pytestmark = pytest.mark.spark


def _records_csv(path: Path, rnd: random.Random) -> None:
    """Inbound contacts of October 2026 (Paris wall times, DST day included) in the ``dirty`` export's format."""
    lines = [HEADER, *DIRTY_ROWS]
    start = datetime(2026, 10, 1, 8, 0)
    for i in range(1500):
        at = start + timedelta(days=rnd.randrange(31), seconds=rnd.randrange(11 * 3600))
        if at.date().isoformat() == "2026-10-25" and at.hour == 2:
            at += timedelta(hours=1)  # the repeated hour would be refused as ambiguous: kept out of the bulk
        status = rnd.choice("TTTTTTA")
        wait = rnd.randrange(0, 90)
        talk = rnd.choice([str(rnd.randrange(30, 600)), f"{rnd.randrange(30, 600)},5", "-4"]) if status == "T" \
            else rnd.choice(["0", "0", "0", "12"])
        agent = rnd.choice(["a1", "a2", "a3", "a4", "-"]) if status == "T" else "-"
        lines.append(f"{i};S2;{at:%d/%m/%Y};{at:%H:%M:%S};0:{wait // 60:02d}:{wait % 60:02d};{talk};"
                     f"{rnd.randrange(0, 3)};{agent};{status};Q{rnd.randrange(1, 4)}")
    lines.append("7;S2;03/10/2026;9:00:00;0:00:10;60;0;a1;T;Q1")  # the id of a generated row: a duplicate
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _attempts_csv(path: Path, rnd: random.Random) -> None:
    """Outbound attempts of August 2026 in the dialer export's format: several per consumer, some refused."""
    lines = ["Appel;Date appel;Statut;Mode;Client;Refus;Consentement;Dept;Campagne;Equipe"]
    for i in range(800):
        consumer = rnd.randrange(120)
        at = datetime(2026, 8, 3, 8, 0) + timedelta(days=rnd.randrange(25), minutes=rnd.randrange(13 * 60))
        lines.append(f"A{i};{at:%d/%m/%Y %H:%M:%S};{rnd.choice(['DECROCHE', 'NRP'])};"
                     f"{rnd.choice(['MANUEL', 'MANUEL', 'PREDICTIF'])};h-{consumer};"
                     f"{'oui' if rnd.random() < 0.05 else 'non'};{'' if consumer % 4 == 0 else f'C-{consumer}'};"
                     f"{['75', '974', '971', '57'][consumer % 4]};{rnd.choice(['ete', 'rentree'])};E{i % 3}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run(args: list[str], engine: list[str], expect: int = 0) -> Any:
    result = CliRunner().invoke(app, [*args, *engine])
    assert result.exit_code == expect, result.output
    return result


def _stored(root: Path, kind: str) -> pa.Table:
    from charte.io.facts_store import FactsStore

    files = sorted((root / kind).rglob("*.parquet")) if kind == "quarantine" else FactsStore(root).files(kind)
    assert files, f"nothing stored for {kind} in {root}"
    return pa.concat_tables([pq.read_table(f) for f in files]).sort_by("source_row")


def _same_cells(left: pa.Table, right: pa.Table, what: str) -> None:
    assert left.column_names == right.column_names, what
    assert left.num_rows == right.num_rows > 0, what
    for a, b in zip(left.to_pylist(), right.to_pylist(), strict=True):
        for key in a:
            if isinstance(a[key], float):
                assert b[key] == pytest.approx(a[key], rel=1e-12), (what, key, a)
            else:
                assert a[key] == b[key], (what, key, a)


def test_import_kpis_and_audit_on_the_cluster_equal_duckdb(spark_cluster: Any, spark_backend: Any,
                                                           tmp_path: Path) -> None:
    from charte.io.facts_store import FactsStore

    rnd = random.Random(20)
    records, attempts = tmp_path / "contacts.csv", tmp_path / "appels.csv"
    _records_csv(records, rnd)
    _attempts_csv(attempts, rnd)
    mapping, dialer = tmp_path / "dirty.yaml", tmp_path / "dialer.yaml"
    mapping.write_text(DIRTY_MAPPING, encoding="utf-8")
    dialer.write_text(DIALER_MAPPING, encoding="utf-8")
    engines = {"duckdb": [], "spark": ["--engine", "spark", "--spark-master", spark_cluster.master_url]}
    reports, kpis, findings, violations = {}, {}, {}, {}
    for name, options in engines.items():
        store, attempt_store = tmp_path / f"facts-{name}", tmp_path / f"attempts-{name}"
        reports[name] = json.loads(_run(["import", str(records), "-m", str(mapping), "--store", str(store), "--json"],
                                        options).stdout)
        _run(["import", str(attempts), "-m", str(dialer), "--store", str(attempt_store), "--organisation", "ts"],
             options)
        out = tmp_path / f"kpi-{name}.parquet"
        _run(["kpi", "--activity", "service", "--period", "2026-10", "--store", str(store), "--format", "parquet",
              "-o", str(out)], options)
        kpis[name] = pq.read_table(out)
        folder = tmp_path / f"audit-{name}"
        stored = [str(p) for p in FactsStore(attempt_store).files("contact_record")]
        findings[name] = json.loads(_run(["telesales", "audit", *stored, "--json", "-o", str(folder)], options,
                                         expect=1).stdout)
        violations[name] = pq.read_table(folder / "violations.parquet")

    duck, spark = reports["duckdb"], reports["spark"]
    assert duck == spark
    # every kind of problem is in the file: rules that reject, rules that flag, the duplicate of a generated id
    assert {"negative_duration", "answered_without_agent", "abandoned_with_service", "duplicate_id",
            "unknown_code", "dst_gap"} <= set(duck["issues"])
    assert duck["rows_read"] == len(DIRTY_ROWS) - 1 + 1500 + 1  # the blank line is not a row
    for kind in ("contact_record", "quarantine"):
        _same_cells(_stored(tmp_path / "facts-duckdb", kind), _stored(tmp_path / "facts-spark", kind), kind)
    _same_cells(kpis["duckdb"], kpis["spark"], "kpis")
    assert sum(kpis["duckdb"]["offered"].to_pylist()) > 1000
    assert findings["duckdb"] == findings["spark"]
    assert sum(f["violations"] for f in findings["duckdb"]["findings"]) > 0
    _same_cells(violations["duckdb"], violations["spark"], "violations")


def test_the_row_path_on_the_cluster_gives_the_same_issues_word_for_word(spark_backend: Any, tmp_path: Path) -> None:
    from charte.io.facts_store import FactsStore
    from charte.io.importing import import_file
    from charte.io.mapping import parse_mapping

    source = tmp_path / "dirty.csv"
    source.write_text("\n".join([HEADER, *DIRTY_ROWS]) + "\n", encoding="utf-8")
    mapping = parse_mapping(DIRTY_MAPPING, "dirty")
    seen = []
    for engine in (None, spark_backend):
        result = import_file(source, mapping, FactsStore(tmp_path / f"store-{engine is None}"), columnar=False,
                             engine=engine)
        assert result.report is not None
        seen.append([(i.row, i.code, i.column, i.message, i.rejects) for i in result.report.issues])
    assert seen[0] == seen[1]
    assert ("negative_duration" in {code for _row, code, *_ in seen[0]})
