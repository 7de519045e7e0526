"""Engines the measure suite runs on: DuckDB always, the Spark test cluster (``tests/conftest.py``) behind the
``spark`` marker."""

from __future__ import annotations

from typing import Any

import pytest


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
