"""``--spark-conf spark.charte.jobTimeout``: a duration read by ``charte import``, refused when it is not one or by
the commands that do not time their jobs (checked before any engine starts: no Spark needed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charte.cli import app
from charte.measure.engines import Engine, EngineChoice, EngineError, job_timeout_seconds


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("10min", 600), ("2h", 7200), ("45", 45)])
def test_a_job_timeout_is_a_duration(text: str, seconds: int) -> None:
    assert job_timeout_seconds(text) == seconds


@pytest.mark.parametrize("text", ["0s", "soon", "1.5h", "-3s", "10m", ""])
def test_anything_else_is_refused_at_validation(text: str) -> None:
    with pytest.raises(EngineError, match="bad_job_timeout"):
        EngineChoice(Engine.SPARK, "local[1]", {"spark.charte.jobTimeout": text})


def test_the_import_refuses_a_bad_timeout_and_kpi_refuses_any(tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("a\n1\n", encoding="utf-8")
    spark = ["--engine", "spark", "--spark-master", "local[1]"]
    bad = CliRunner().invoke(app, ["import", str(source), "-m", "anonymous-bank-1999", *spark,
                                   "--spark-conf", "spark.charte.jobTimeout=soon"])
    assert bad.exit_code == 2 and "[bad_job_timeout] spark.charte.jobTimeout='soon'" in bad.output, bad.output
    kpi = CliRunner().invoke(app, ["kpi", "--activity", "service", "--period", "2026-10", "--store", str(tmp_path),
                                   *spark, "--spark-conf", "spark.charte.jobTimeout=10min"])
    assert kpi.exit_code == 2 and "only charte import times its jobs out" in " ".join(kpi.output.split()), kpi.output


@pytest.mark.spark
def test_settings_spark_refuses_are_said_without_a_traceback(tmp_path: Path) -> None:
    """Spark refuses a heartbeat check interval longer than the network timeout when its context starts."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (dev extra)")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs a Java runtime")
    source = tmp_path / "x.csv"
    source.write_text("a\n1\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "charte", "import", str(source), "-m", "anonymous-bank-1999",
                           "--store", str(tmp_path / "store"), "--engine", "spark", "--spark-master", "local[1]",
                           "--spark-conf", "spark.network.timeout=30s", "--spark-conf",
                           "spark.network.timeoutInterval=60s"], check=False, capture_output=True, text=True,
                          timeout=300,
                          env={**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"})
    assert done.returncode == 2, done.stderr[-3000:]
    assert "[spark_session_failed] no Spark session on local[1]'s master with these settings: " \
           "java.lang.IllegalArgumentException: requirement failed: spark.network.timeoutInterval" in done.stderr
    assert "Traceback" not in done.stderr  # Python's; Spark's own logger prints the JVM's stack as it refuses
    assert not (tmp_path / "store").exists()
