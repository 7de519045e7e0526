"""Engines the measure suite runs on: DuckDB always, Spark local mode behind the ``spark`` marker."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark_backend() -> Iterator[Any]:
    pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (dev extra)")
    import ibis

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        pyspark.sql.SparkSession.builder.master("local[1]").appName("charte-tests")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1").config("spark.default.parallelism", "1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield ibis.pyspark.connect(session)
    session.stop()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def backend(request: pytest.FixtureRequest) -> Any:
    import ibis

    if request.param == "duckdb":
        return ibis.duckdb.connect()
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
