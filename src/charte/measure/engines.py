"""Engine connections set up the way the measure pipeline needs them: sessions in UTC.

Ibis turns ``epoch_seconds()`` of a zoned timestamp into ``EPOCH(CAST(ts AS TIMESTAMP))`` on
DuckDB and ``UNIX_TIMESTAMP(CAST(ts AS TIMESTAMP))`` on Spark; both casts go through the
*session* time zone. Interval keys are only right when that zone is UTC, so every
connection used with :mod:`charte.measure` is opened here (or configured the same way).
"""

from __future__ import annotations

from typing import Any

import ibis

SPARK_CONFIG: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}


def duckdb_backend(**kwargs: Any) -> Any:
    """An Ibis DuckDB backend whose session time zone is UTC."""
    con = ibis.duckdb.connect(**kwargs)
    con.raw_sql("SET TimeZone = 'UTC'")
    return con


def spark_backend(session: Any) -> Any:
    """An Ibis backend on a SparkSession, after checking its session time zone is UTC."""
    zone = session.conf.get("spark.sql.session.timeZone")
    if zone not in ("UTC", "Etc/UTC", "GMT"):
        raise ValueError(f"Spark session time zone is {zone!r}; expected UTC (set spark.sql.session.timeZone=UTC)")
    return ibis.pyspark.connect(session)


def read_facts(con: Any, paths: str | list[str]) -> Any:
    """Stored facts (files of :class:`~charte.io.facts_store.FactsStore`) as an Ibis table."""
    if con.name == "duckdb":
        return con.read_parquet(paths, hive_partitioning=False)
    return con.read_parquet(paths)
