"""Shared fixtures: real data (../shared/data) and databases — SQLite always, PostgreSQL when
CHARTE_TEST_POSTGRES_URL is set (.ci/run starts a throw-away cluster and sets it)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from charte.store import make_engine, migrate
from charte.store.database import normalise_url

# ../shared/data beside the repository, or where CHARTE_SHARED_DATA says (a git worktree elsewhere)
SHARED_DATA = Path(os.environ.get("CHARTE_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))
POSTGRES_URL = os.environ.get("CHARTE_TEST_POSTGRES_URL", "")


def shared_data(*parts: str) -> Path:
    """A file of ../shared/data, or a skip saying why the test cannot run here."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available at {path} (../shared/data is outside the repository)")
    return path


# -- Spark: one standalone cluster on loopback for every test marked `spark` (issue 20) -------------------

@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A Spark master and one worker started from the pyspark distribution; stopped at the end, even on failure."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (dev extra)")
    from tests.spark_cluster import SparkCluster, java_available

    if not java_available():
        pytest.skip("Spark needs a Java runtime (java on PATH or JAVA_HOME); none found")
    cluster = SparkCluster(tmp_path_factory.mktemp("spark-cluster"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def spark_backend(spark_cluster: Any) -> Iterator[Any]:
    """An Ibis backend on a driver connected to the cluster at spark://127.0.0.1:PORT (small memory, 2 partitions)."""
    import sys

    from charte.measure.engines import spark_backend, spark_session

    session = spark_session(spark_cluster.master_url, {
        "spark.executor.memory": "512m", "spark.driver.memory": "768m", "spark.cores.max": "1",
        "spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2", "spark.pyspark.python": sys.executable,
        "spark.executor.instances": "1"}, app_name="charte-tests")
    session.sparkContext.setLogLevel("ERROR")
    yield spark_backend(session)
    session.stop()
@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database: a SQLite file, then (when available) a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    if not POSTGRES_URL:
        pytest.skip("CHARTE_TEST_POSTGRES_URL is not set (.ci/run sets it when PostgreSQL 15 is installed)")
    name = f"charte_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = normalise_url(POSTGRES_URL).rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()
