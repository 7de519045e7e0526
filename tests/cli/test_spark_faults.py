"""A Spark import whose executor or driver is killed mid-job leaves the facts store as it was (issue 20, bad input).

The import's commit protocol (:mod:`charte.io.facts_store`: files staged, moved, the manifest written
last, under the import's lease) is what keeps the store whole; these tests kill real processes of a
real cluster while ``charte import --engine spark`` runs, and look at the store afterwards:

* the **executor** (the JVM the worker launched for the import's application) is killed with SIGKILL
  while a task of the import runs on it. Spark may recover — the worker launches a new executor,
  the lost tasks are run again — and then the store must hold exactly what the same import gives
  on DuckDB; or the job fails, and then the command must say so clearly and the store must be
  exactly as before (the same files with the same bytes, no lease held);
* the **driver** (the ``charte import`` process itself) is killed with SIGKILL mid-job: nothing of
  the import is visible to readers, opening the store clears its debris, leaving the same files
  with the same bytes as before, its lease is free, and running the import again succeeds;
* the **worker** (and its executor) is killed mid-job, leaving the application no executor: Spark
  would wait for one without end; ``spark.charte.jobTimeout`` makes charte cancel the job and fail
  the command clearly, the store exactly as before. This test runs last: the cluster has no worker after it.

The cluster is this module's own (a master and a worker from the pyspark distribution on loopback,
as ``tests/spark_cluster.py`` starts them for the session): the tests kill its processes, which the
session's cluster must survive. Every wait is bounded (the import runs as a subprocess with a
timeout; Spark's ``spark.network.timeout``, ``spark.task.maxFailures`` and the master's
``spark.deploy.maxExecutorRetries`` are set small), so a hung cluster fails the test instead of
stalling CI.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.io.test_columnar_import import DIRTY_MAPPING, DIRTY_ROWS, HEADER

pytestmark = [pytest.mark.spark,
              pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds Spark's processes in /proc")]

IMPORT_TIMEOUT_S = 420  # JVM start-ups on a loaded 2-core machine; a hung import fails the test, never stalls CI
ROWS = 20_000
SPARK_CONF = {
    "spark.executor.memory": "512m", "spark.cores.max": "1", "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2", "spark.network.timeout": "40s", "spark.network.timeoutInterval": "10s",
    "spark.executor.heartbeatInterval": "5s",
    "spark.task.maxFailures": "3", "spark.pyspark.python": sys.executable,
}


@pytest.fixture(scope="module")
def own_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A master and a worker for this module only (its processes get killed); stopped even on failure."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (dev extra)")
    from tests.spark_cluster import SparkCluster, java_available

    if not java_available():
        pytest.skip("Spark needs a Java runtime (java on PATH or JAVA_HOME); none found")
    cluster = SparkCluster(tmp_path_factory.mktemp("spark-faults"), master_opts="-Dspark.deploy.maxExecutorRetries=3")
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def _contacts_csv(path: Path, rows: int, seed: int, dirty: bool = True) -> None:
    """Inbound contacts of October 2026 in the ``dirty`` export's format (``dirty``: with rows each rule catches,
    their contact ids S1-1 to S1-20); the site is ``S<seed>``."""
    rnd = random.Random(seed)
    lines = [HEADER, *(DIRTY_ROWS if dirty else [])]
    start = datetime(2026, 10, 1, 8, 0)
    for i in range(rows):
        at = start + timedelta(days=rnd.randrange(31), seconds=rnd.randrange(11 * 3600))
        if at.date().isoformat() == "2026-10-25" and at.hour == 2:
            at += timedelta(hours=1)  # the repeated hour is refused as ambiguous: kept out of the bulk
        status = rnd.choice("TTTTTTA")
        wait = rnd.randrange(0, 90)
        talk = rnd.choice([str(rnd.randrange(30, 600)), "-4"]) if status == "T" else rnd.choice(["0", "0", "12"])
        agent = rnd.choice(["a1", "a2", "a3", "-"]) if status == "T" else "-"
        lines.append(f"{1000 + i};S{seed};{at:%d/%m/%Y};{at:%H:%M:%S};0:{wait // 60:02d}:{wait % 60:02d};{talk};"
                     f"{rnd.randrange(0, 3)};{agent};{status};Q{rnd.randrange(1, 4)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _snapshot(root: Path) -> dict[str, str]:
    """Every file under the store's root and the SHA-256 of its bytes — leases aside: a lease is an empty lock
    file that stays once created; whether it is *held* is checked apart."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.parent.name != ".leases"}


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _apps(cluster: Any) -> set[str]:
    """The applications the worker has run executors for (one folder each in its work dir)."""
    return {p.name for p in (cluster.folder / "work").glob("app-*")}


def _executors(cluster: Any, app: str) -> list[int]:
    """Pids of ``app``'s executor JVMs (children of the worker running CoarseGrainedExecutorBackend for it)."""
    assert cluster.worker is not None
    return [pid for pid in _children(cluster.worker.pid)
            if "CoarseGrainedExecutorBackend" in (line := _cmdline(pid)) and f"--app-id {app}" in line]


def _task_running(cluster: Any, app: str) -> bool:
    """Whether an executor of ``app`` says in its log that it started a task (the worker keeps their stderr)."""
    return any("Running task" in log.read_text(errors="replace")
               for log in (cluster.folder / "work" / app).glob("*/stderr"))


def _import(cluster: Any, source: Path, mapping: Path, store: Path, log: Path,
            conf: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """``charte import … --engine spark`` as its own process (its own group: the driver and its JVM); its
    output goes to ``log`` (the report, JSON) and ``log`` + ``.err`` (messages, Spark's log)."""
    command = [sys.executable, "-m", "charte", "import", str(source), "-m", str(mapping), "--store", str(store),
               "--json", "--engine", "spark", "--spark-master", cluster.master_url]
    for key, value in {**SPARK_CONF, **(conf or {})}.items():
        command += ["--spark-conf", f"{key}={value}"]
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable}
    return subprocess.Popen(command, stdout=log.open("wb"), stderr=log.with_suffix(".err").open("wb"), env=env,
                            start_new_session=True)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


def _when_a_task_runs(cluster: Any, process: subprocess.Popen[bytes], known: set[str]) -> tuple[str, list[int]]:
    """Wait (bounded) until a task of the import's application (not one of ``known``) runs on an executor; the
    application's id and its executors' pids."""
    deadline = time.monotonic() + IMPORT_TIMEOUT_S
    while True:
        for app in _apps(cluster) - known:
            executors = _executors(cluster, app)
            if executors and _task_running(cluster, app):
                return app, executors
        if process.poll() is not None:
            pytest.fail("the import ended before any task ran on the cluster: nothing was killed mid-job")
        if time.monotonic() > deadline:
            _kill_group(process)
            pytest.fail(f"no task started on the cluster within {IMPORT_TIMEOUT_S} s")
        time.sleep(0.05)


def _finish(process: subprocess.Popen[bytes], log: Path) -> tuple[str, str]:
    """Wait (bounded) for the import to end; what it printed on stdout and on stderr."""
    try:
        process.wait(timeout=IMPORT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        pytest.fail(f"the import did not end within {IMPORT_TIMEOUT_S} s:\n"
                    + log.with_suffix(".err").read_text(errors="replace")[-3000:])
    return log.read_text(errors="replace"), log.with_suffix(".err").read_text(errors="replace")


def _new_rows(store: Path, imports_before: list[str]) -> pa.Table:
    """The rows of the one import committed since ``imports_before``."""
    from charte.io.facts_store import FactsStore

    facts = FactsStore(store)
    new = [i for i in facts.imports() if i not in imports_before]
    assert len(new) == 1 and set(imports_before) <= set(facts.imports()), (imports_before, facts.imports())
    files = [store / f for f in facts.manifest(new[0]).files if not f.startswith("quarantine/")]
    return pa.concat_tables([pq.read_table(f) for f in files]).sort_by("source_row").drop_columns(["import_id"])


def _duckdb_result(source: Path, mapping: Path, root: Path) -> tuple[pa.Table, dict[str, Any]]:
    """What the same import stores on DuckDB (in this process): the rows and the quality report."""
    from charte.io.facts_store import FactsStore
    from charte.io.importing import import_file
    from charte.io.mapping import load_mapping

    result = import_file(source, load_mapping(str(mapping)), FactsStore(root))
    assert result.report is not None
    return _rows(root), result.report.to_dict()


def _rows(root: Path) -> pa.Table:
    from charte.io.facts_store import FactsStore

    files = FactsStore(root).files("contact_record")
    return pa.concat_tables([pq.read_table(f) for f in files]).sort_by("source_row").drop_columns(["import_id"])


def _october_csv(tmp_path: Path, seed: int) -> tuple[Path, Path]:
    """The dirty mapping and the October file to import (``ROWS`` rows generated with ``seed``)."""
    mapping, source = tmp_path / "dirty.yaml", tmp_path / "octobre.csv"
    mapping.write_text(DIRTY_MAPPING, encoding="utf-8")
    _contacts_csv(source, ROWS, seed=seed)
    return mapping, source


def _store_with_an_earlier_import(tmp_path: Path, mapping: Path) -> tuple[Path, dict[str, str], list[str]]:
    """A store holding one committed import (another file), its snapshot and its imports."""
    from charte.io.facts_store import FactsStore
    from charte.io.importing import import_file
    from charte.io.mapping import load_mapping

    earlier = tmp_path / "septembre.csv"
    _contacts_csv(earlier, 500, seed=9, dirty=False)
    store = tmp_path / "store"
    import_file(earlier, load_mapping(str(mapping)), FactsStore(store))
    return store, _snapshot(store), FactsStore(store).imports()


def _lease_held(store: Path) -> bool:
    from charte.io.facts_store import FactsStore

    return any(FactsStore(store).is_running(lock.stem) for lock in (store / ".leases").glob("*.lock"))


def test_an_executor_killed_mid_job_is_replaced_or_the_import_fails_and_stores_nothing(own_cluster: Any,
                                                                                        tmp_path: Path) -> None:
    mapping, source = _october_csv(tmp_path, seed=2)
    expected_rows, expected_report = _duckdb_result(source, mapping, tmp_path / "duckdb")
    store, before, imports_before = _store_with_an_earlier_import(tmp_path, mapping)

    log, known = tmp_path / "import.log", _apps(own_cluster)
    process = _import(own_cluster, source, mapping, store, log)
    try:
        app, executors = _when_a_task_runs(own_cluster, process, known)
        for pid in executors:
            os.kill(pid, signal.SIGKILL)  # the executor JVM dies as on a machine lost: no shutdown hook runs
        output, said = _finish(process, log)
    finally:
        if process.poll() is None:
            _kill_group(process)

    from charte.io.facts_store import FactsStore

    after = _snapshot(store)  # as the command left it (opening a FactsStore would clear debris)
    assert not _lease_held(store)
    if process.returncode == 0:
        # recovered: a new executor ran the lost work, and the store holds exactly DuckDB's result besides
        # the earlier import, which did not move
        relaunched = {p.parent.name for p in (own_cluster.folder / "work" / app).glob("*/stderr")}
        assert len(relaunched) >= 2, f"the import ended without a new executor: {relaunched}"
        assert json.loads(output) == expected_report
        assert expected_report["rows_rejected"] > 0 and expected_report["rows_read"] == len(DIRTY_ROWS) - 1 + ROWS
        assert {k: v for k, v in after.items() if k in before} == before
        assert _new_rows(store, imports_before).equals(expected_rows)
        new = next(i for i in FactsStore(store).imports() if i not in imports_before)
        assert set(after) - set(before) == {*FactsStore(store).manifest(new).files, f"imports/{new}.json"}
    else:
        # failed: the command says so, and the store is exactly as it was
        assert process.returncode == 1, said[-3000:]
        assert "the spark engine failed, nothing stored" in " ".join(said.split()), said[-3000:]
        assert after == before
        assert FactsStore(store).imports() == imports_before


def test_the_driver_killed_mid_job_leaves_the_store_as_it_was_and_the_import_runs_again(own_cluster: Any,
                                                                                       tmp_path: Path) -> None:
    from charte.io.facts_store import FactsStore, committed_files

    mapping, source = _october_csv(tmp_path, seed=3)
    store, before, imports_before = _store_with_an_earlier_import(tmp_path, mapping)
    files_before = committed_files(store, "contact_record")

    log, known = tmp_path / "import.log", _apps(own_cluster)
    process = _import(own_cluster, source, mapping, store, log)
    try:
        _when_a_task_runs(own_cluster, process, known)
        os.kill(process.pid, signal.SIGKILL)  # `charte import` itself, mid-job: no finally, no exit handler runs
        process.wait(timeout=60)
    finally:
        _kill_group(process)  # its Spark JVM, had it outlived it
    assert process.returncode == -signal.SIGKILL

    # the import was under way (its rows staged), yet readers see only what was committed; its lease died with it
    assert any((store / ".staging").iterdir()), "nothing staged: the driver was not killed mid-import"
    assert committed_files(store, "contact_record") == files_before
    assert not _lease_held(store)
    # opening the store clears the killed import's debris: the same files with the same bytes as before
    assert FactsStore(store).imports() == imports_before
    assert _snapshot(store) == before

    # the same import, run again (here on DuckDB), is not blocked by the killed one's lease or debris and stores
    # what it stores in an empty store
    from charte.io.importing import import_file
    from charte.io.mapping import load_mapping

    expected_rows, expected_report = _duckdb_result(source, mapping, tmp_path / "duckdb")
    again = import_file(source, load_mapping(str(mapping)), FactsStore(store))
    assert again.status == "imported" and again.report is not None
    assert again.report.to_dict() == expected_report
    assert _new_rows(store, imports_before).equals(expected_rows)
    assert {k: v for k, v in _snapshot(store).items() if k in before} == before


def test_every_worker_lost_mid_job_the_import_times_out_clearly_and_stores_nothing(own_cluster: Any,
                                                                                  tmp_path: Path) -> None:
    from charte.io.facts_store import FactsStore

    mapping, source = _october_csv(tmp_path, seed=4)
    store, before, imports_before = _store_with_an_earlier_import(tmp_path, mapping)

    log, known = tmp_path / "import.log", _apps(own_cluster)
    process = _import(own_cluster, source, mapping, store, log, {"spark.charte.jobTimeout": "30s"})
    try:
        _when_a_task_runs(own_cluster, process, known)
        own_cluster.kill_worker()  # the worker and its executor: the application has none left, nor any to come
        output, said = _finish(process, log)
    finally:
        if process.poll() is None:
            _kill_group(process)
    assert process.returncode == 1, said[-3000:]
    said = " ".join(said.split())
    assert "the spark engine failed, nothing stored: [spark_job_timeout] the quality rules on rows" in said, said
    assert "did not finish within spark.charte.jobTimeout=30s" in said
    assert "Traceback" not in said and not output.strip()
    assert _snapshot(store) == before  # as the command left it, before any FactsStore clears debris
    assert not _lease_held(store)
    assert FactsStore(store).imports() == imports_before
