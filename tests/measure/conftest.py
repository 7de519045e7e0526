"""Engines the measure suite runs on: DuckDB always, Spark local mode behind the ``spark`` marker."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark_backend() -> Iterator[Any]:
    pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (dev extra)")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs a Java runtime (java on PATH or JAVA_HOME); none found")
    from charte.measure.engines import SPARK_CONFIG, spark_backend

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = pyspark.sql.SparkSession.builder.master("local[1]").appName("charte-tests")
    for key, value in {**SPARK_CONFIG, "spark.sql.shuffle.partitions": "1", "spark.default.parallelism": "1"}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield spark_backend(session)
    session.stop()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def backend(request: pytest.FixtureRequest) -> Any:
    from charte.measure.engines import duckdb_backend

    if request.param == "duckdb":
        return duckdb_backend()
    return request.getfixturevalue("spark_backend")


@pytest.fixture
def load(backend: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Put an Arrow table on the engine as it would be in production: a Parquet file read by the engine."""
    import pyarrow.parquet as pq

    def put(table: Any) -> Any:
        path = tmp_path_factory.mktemp("engine") / "part.parquet"
        pq.write_table(table, path)
        return backend.read_parquet(str(path))

    return put
