"""The engines the record pipelines run on: DuckDB in this process (the default) or a Spark cluster.

The import's quality rules, the interval KPIs and the telephone-selling rules are Ibis
expressions written once; this module opens the engine they run on and holds the few leaf
functions whose name differs between engines (microseconds since the epoch, integer
division by a power of ten is exact in both), so that nothing above it names an engine.

* ``duckdb`` — an in-process DuckDB database; files are local paths (or ``s3://``/``gs://``
  URLs when DuckDB's ``httpfs`` extension can be loaded).
* ``spark`` — a ``SparkSession`` on the master given by URL (``spark://host:7077``, ``yarn``,
  ``k8s://…``, ``local[N]``), or the session ``spark-submit`` created. Paths are whatever the
  cluster's Hadoop file systems understand (``hdfs://``, ``s3a://``, ``abfss://``, a folder
  every executor sees). Only SQL runs on the executors: they need Java 17, not Python.

Every session runs in UTC. Ibis turns ``epoch_seconds()`` of a zoned timestamp into
``EPOCH(CAST(ts AS TIMESTAMP))`` on DuckDB and ``UNIX_TIMESTAMP(CAST(ts AS TIMESTAMP))`` on
Spark; both casts go through the *session* time zone, so interval keys and local days are only
right when that zone is UTC.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa

SPARK_CONFIG: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}
#: What every Spark session charte opens gets, whatever its master.
SPARK_ALWAYS: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    # Arrow moves results to the driver; naive Parquet timestamps stay naive (TIMESTAMP_NTZ)
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
}
#: Masters reached on this machine: the driver binds to loopback (STACK-NOTES: SPARK_LOCAL_IP=127.0.0.1).
_LOOPBACK = re.compile(r"^(local(\[[0-9*]+(,[0-9]+)?\])?|spark://(127\.0\.0\.1|localhost)(:[0-9]+)?)$")
_MASTER = re.compile(r"^(local(\[[0-9*]+(,[0-9]+)?\])?|spark://[^\s/]+(:[0-9]+)?(,[^\s/]+(:[0-9]+)?)*|yarn|"
                     r"k8s://\S+|mesos://\S+)$")
#: charte's own Spark setting (``--spark-conf spark.charte.jobTimeout=10min``): how long one step (an import's block
#: of rows: sending them to the cluster and running its jobs) may take before charte cancels its jobs and fails the
#: command. Spark itself waits without end for an executor when every worker is lost; unset, charte waits as Spark does.
JOB_TIMEOUT = "spark.charte.jobTimeout"
_DURATION = re.compile(r"^([0-9]+)(s|min|h)?$")
_DURATION_UNIT = {None: 1, "s": 1, "min": 60, "h": 3600}
#: URL schemes of object storage and distributed file systems (a path with one is not a local folder).
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


class EngineError(ValueError):
    """An engine that cannot be used as asked; the message says what to give instead."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(f"[{code}] {message}")


class EngineTimeoutError(RuntimeError):
    """Spark jobs that ran longer than ``spark.charte.jobTimeout`` and were cancelled."""

    code = "spark_job_timeout"


def job_timeout_seconds(text: str) -> int:
    """``90s``, ``10min``, ``2h`` (or a number of seconds) in seconds; :class:`EngineError` otherwise."""
    found = _DURATION.match(text.strip())
    if found is None or int(found[1]) == 0:
        raise EngineError("bad_job_timeout", f"{JOB_TIMEOUT}={text!r}; expected a duration above zero such as 90s, "
                                             "10min or 2h")
    return int(found[1]) * _DURATION_UNIT[found[2]]


class Engine(StrEnum):
    """Where the record pipelines run."""

    DUCKDB = "duckdb"
    SPARK = "spark"


@dataclass(frozen=True)
class EngineChoice:
    """The engine of one command (``--engine``, ``--spark-master``; extra Spark settings)."""

    engine: Engine = Engine.DUCKDB
    spark_master: str | None = None
    spark_conf: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.engine is Engine.DUCKDB and (self.spark_master or self.spark_conf):
            raise EngineError("spark_option_without_spark", "--spark-master is for --engine spark; the default "
                              "engine is DuckDB in this process")
        if JOB_TIMEOUT in self.spark_conf:
            job_timeout_seconds(self.spark_conf[JOB_TIMEOUT])
        if self.spark_master is not None and not _MASTER.match(self.spark_master):
            raise EngineError("bad_spark_master", f"--spark-master {self.spark_master!r}; expected spark://HOST:PORT, "
                              "yarn, k8s://https://HOST:PORT or local[N]")


def is_url(path: str | Path) -> bool:
    """True for ``s3a://bucket/x`` and the like; False for a local path (``file://`` is a URL too)."""
    return bool(_URL.match(str(path)))


def engine_name(con: Any) -> str:
    """``duckdb`` or ``pyspark`` (Ibis's backend names)."""
    return str(con.name)


# -- opening an engine ------------------------------------------------------------------------------


def duckdb_backend(**kwargs: Any) -> Any:
    """An Ibis DuckDB backend whose session time zone is UTC."""
    con = ibis.duckdb.connect(**kwargs)
    con.raw_sql("SET TimeZone = 'UTC'")
    return con


def as_backend(con: Any) -> Any:
    """An Ibis backend for ``con``: a bare ``duckdb`` connection is wrapped (and set to UTC), a
    ``SparkSession`` is checked and wrapped, an Ibis backend is returned as it is."""
    if con is None:
        return duckdb_backend()
    if hasattr(con, "name") and hasattr(con, "to_pyarrow"):
        return con
    module = type(con).__module__
    if module.startswith("duckdb"):
        backend = ibis.duckdb.from_connection(con)
        backend.raw_sql("SET TimeZone = 'UTC'")
        return backend
    if module.startswith("pyspark"):
        return spark_backend(con)
    raise TypeError(f"not an engine connection: {type(con).__name__}")


def spark_backend(session: Any) -> Any:
    """An Ibis backend on a SparkSession, after checking its session time zone is UTC."""
    zone = session.conf.get("spark.sql.session.timeZone")
    if zone not in ("UTC", "Etc/UTC", "GMT"):
        raise ValueError(f"Spark session time zone is {zone!r}; expected UTC (set spark.sql.session.timeZone=UTC)")
    return ibis.pyspark.connect(session)


def spark_session(master: str | None, conf: Mapping[str, str] | None = None, app_name: str = "charte") -> Any:
    """A SparkSession on ``master``, in UTC; the one ``spark-submit`` made when ``master`` is None.

    A master on this machine (``local[N]``, ``spark://127.0.0.1:…``) gets the driver bound to
    loopback; a remote master reaches the driver at the address Spark finds (or
    ``spark.driver.host`` given in ``conf`` or ``spark-defaults.conf``).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineError("spark_not_installed", "--engine spark needs pyspark 4.0 (pip install "
                          "'ibis-framework[pyspark]' pyspark==4.0.5) and Java 17") from None
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
        raise EngineError("no_spark_master", "--engine spark needs --spark-master URL (spark://HOST:7077, yarn, "
                          "k8s://…, local[N]), or the command run through spark-submit")
    settings = dict(SPARK_ALWAYS)
    if master is not None and _LOOPBACK.match(master):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        settings |= SPARK_CONFIG
    settings |= dict(conf or {})
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    for key in ("spark.sql.session.timeZone", "spark.sql.execution.arrow.pyspark.enabled"):
        session.conf.set(key, settings[key])  # a session spark-submit made keeps its own settings otherwise
    return session


def connect(choice: EngineChoice | None = None) -> Any:
    """The Ibis backend of ``choice`` (DuckDB in this process by default)."""
    choice = choice or EngineChoice()
    if choice.engine is Engine.DUCKDB:
        return duckdb_backend()
    return spark_backend(spark_session(choice.spark_master, choice.spark_conf))


def spark_to_pyarrow(con: Any, expr: ir.Expr, what: str) -> pa.Table:
    """``expr``'s result from Spark (``what``: the step, for messages). With ``spark.charte.jobTimeout`` set, the
    step runs in a job group of its own, whose jobs are cancelled when the step outlasts it (counted from the call,
    so the rows' sending counts): :class:`EngineTimeoutError`."""
    session = con._session
    limit = session.conf.get(JOB_TIMEOUT, None)
    if not limit:
        return con.to_pyarrow(expr)
    import uuid

    from pyspark import InheritableThread

    group = f"charte-{uuid.uuid4().hex[:12]}"
    done: dict[str, Any] = {}

    def run() -> None:  # Spark's job groups are per thread: this one's jobs, and only they, can be cancelled
        session.sparkContext.setJobGroup(group, what, interruptOnCancel=True)
        try:
            done["table"] = con.to_pyarrow(expr)
        except BaseException as exc:  # re-raised in the caller's thread
            done["error"] = exc

    thread = InheritableThread(target=run, daemon=True)
    thread.start()
    thread.join(job_timeout_seconds(limit))
    if thread.is_alive():
        # a job submitted after the deadline (the rows were still being sent) is cancelled too; a thread waiting
        # outside any job is left behind after a few seconds (a daemon, gone when the command exits)
        tracker = session.sparkContext.statusTracker()
        for _ in range(20):
            if set(tracker.getJobIdsForGroup(group)) & set(tracker.getActiveJobsIds()):
                session.sparkContext.cancelJobGroup(group)
            thread.join(0.5)
            if not thread.is_alive():
                break
        raise EngineTimeoutError(f"[spark_job_timeout] {what} did not finish within {JOB_TIMEOUT}={limit}; its jobs "
                                 "were cancelled (is any worker left? the master's page lists them)")
    if "error" in done:
        raise done["error"]
    return done["table"]


def execute(con: Any, expr: ir.Expr) -> pa.Table:
    """Run ``expr`` on ``con``; the result as an Arrow table."""
    out = con.to_pyarrow(expr)
    return out if isinstance(out, pa.Table) else pa.table({"value": [out.as_py() if hasattr(out, "as_py") else out]})


# -- reading files ----------------------------------------------------------------------------------


def _listing(paths: str | Path | Sequence[str | Path]) -> list[str]:
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    if not items:
        raise ValueError("no file given")
    return [str(p) for p in items]


def read_parquet(con: Any, paths: str | Path | Sequence[str | Path], *, union_by_name: bool = False) -> ir.Table:
    """Parquet files (or globs, or URLs) as one Ibis table; with ``union_by_name`` files may differ in columns."""
    listing = _listing(paths)
    if engine_name(con) == "duckdb":
        kwargs = {"union_by_name": True} if union_by_name else {}
        return con.read_parquet(listing, hive_partitioning=False, **kwargs)
    reader = con._session.read
    if union_by_name:
        reader = reader.option("mergeSchema", "true")
    return _spark_view(con, reader.parquet(*listing), "read_parquet")


def read_facts(con: Any, paths: str | list[str]) -> Any:
    """Stored facts (files of :class:`~charte.io.facts_store.FactsStore`) as an Ibis table.

    Partition columns are stored inside the files, so the folder names are not read as columns.
    """
    return read_parquet(con, paths)


def read_parquet_located(con: Any, paths: str | Path | Sequence[str | Path]) -> ir.Table:
    """:func:`read_parquet` (by name) plus ``_src_file`` and ``_src_row`` (the row in its file, from 1)."""
    listing = _listing(paths)
    if engine_name(con) == "duckdb":
        t = con.read_parquet(listing, hive_partitioning=False, union_by_name=True, filename=True,
                             file_row_number=True)
        return t.rename(_src_file="filename").mutate(_src_row=ibis._.file_row_number + 1).drop("file_row_number")
    from pyspark.sql import functions as spark_functions

    df = con._session.read.option("mergeSchema", "true").parquet(*listing)
    df = df.select("*", spark_functions.col("_metadata.file_path").alias("_src_file"),
                   (spark_functions.col("_metadata.row_index") + 1).alias("_src_row"))
    return _spark_view(con, df, "read_parquet_located")


def read_csv_text(con: Any, paths: str | Path | Sequence[str | Path]) -> ir.Table:
    """CSV files with a header, every column as text, with ``_src_file`` and ``_src_row`` (the CSV line:
    the header is line 1). Files may differ in columns (missing ones are null)."""
    parts = []
    for path in _listing(paths):
        if engine_name(con) == "duckdb":
            t = con.read_csv(path, header=True, all_varchar=True)
            parts.append(t.mutate(_src_file=ibis.literal(path), _src_row=(ibis.row_number() + 2).cast("int64")))
        else:
            parts.append(_spark_csv_located(con, path))
    names: list[str] = []
    for part in parts:
        names += [n for n in part.columns if n not in names and not n.startswith("_src_")]
    names += ["_src_file", "_src_row"]
    aligned = [p.select(*[p[n] if n in p.columns else ibis.null("string").name(n) for n in names]) for p in parts]
    return aligned[0] if len(aligned) == 1 else ibis.union(*aligned)


def _spark_csv_located(con: Any, path: str) -> ir.Table:
    from pyspark.sql import Window
    from pyspark.sql import functions as spark_functions

    df = con._session.read.option("header", "true").option("mode", "PERMISSIVE").csv(path)
    # the scan's ids grow with the file's byte order; numbering them in order gives each row its line
    ordered = df.withColumn("_mono", spark_functions.monotonically_increasing_id())
    line = spark_functions.row_number().over(Window.orderBy("_mono")) + 1
    numbered = ordered.withColumn("_src_row", line).drop("_mono")
    return _spark_view(con, numbered.withColumn("_src_file", spark_functions.lit(path)), "read_csv")


def _spark_view(con: Any, df: Any, prefix: str) -> ir.Table:
    from ibis import util

    name = util.gen_name(prefix)
    df.createOrReplaceTempView(name)
    return con.table(name)


def source_name(file: Any) -> str:
    """A file name as the user wrote it: Spark's ``file:/x%20y.parquet`` back to ``/x y.parquet``."""
    text = str(file)
    if text.startswith("file:"):
        return unquote(re.sub(r"^file:(//)?", "", text))
    return text


# -- leaf functions whose name differs between engines ---------------------------------------------


@ibis.udf.scalar.builtin(name="epoch_us")  # type: ignore[untyped-decorator]
def _duckdb_epoch_us(ts: dt.Timestamp(timezone="UTC")) -> dt.int64:  # type: ignore[valid-type]
    """DuckDB's ``epoch_us(timestamptz)``."""


@ibis.udf.scalar.builtin(name="unix_micros")  # type: ignore[untyped-decorator]
def _spark_unix_micros(ts: dt.Timestamp(timezone="UTC")) -> dt.int64:  # type: ignore[valid-type]
    """Spark's ``unix_micros(timestamp)``."""


@ibis.udf.scalar.builtin(name="make_timestamp")  # type: ignore[untyped-decorator]
def _duckdb_make_timestamp(us: dt.int64) -> dt.Timestamp():  # type: ignore[valid-type]
    """DuckDB's ``make_timestamp(microseconds)``: a naive timestamp."""


@ibis.udf.scalar.builtin(name="timestamp_micros")  # type: ignore[untyped-decorator]
def _spark_timestamp_micros(us: dt.int64) -> dt.Timestamp(timezone="UTC"):  # type: ignore[valid-type]
    """Spark's ``timestamp_micros(microseconds)``."""


def epoch_us(con: Any, ts: ir.TimestampValue) -> ir.IntegerValue:
    """Microseconds since the Unix epoch of a timestamp (a naive one is read as UTC), exact, as int64."""
    instant = ts.cast(dt.Timestamp(timezone="UTC"))
    if engine_name(con) == "duckdb":
        return _duckdb_epoch_us(instant)
    return _spark_unix_micros(instant)


def naive_from_us(con: Any, us: ir.IntegerValue) -> ir.TimestampValue:
    """A naive timestamp (wall clock) from microseconds since the epoch read as UTC."""
    if engine_name(con) == "duckdb":
        return _duckdb_make_timestamp(us)
    return _spark_timestamp_micros(us).cast(dt.Timestamp())


def instant_from_us(con: Any, us: ir.IntegerValue) -> ir.TimestampValue:
    """A UTC instant from microseconds since the epoch."""
    if engine_name(con) == "duckdb":
        return _duckdb_make_timestamp(us).cast(dt.Timestamp(timezone="UTC"))
    return _spark_timestamp_micros(us)


@ibis.udf.scalar.builtin(name="divide")  # type: ignore[untyped-decorator]
def _duckdb_divide(value: dt.int64, divisor: dt.int64) -> dt.int64:
    """DuckDB's integer division (the ``//`` operator)."""


def int_div(con: Any, value: ir.IntegerValue, divisor: int) -> ir.IntegerValue:
    """``value // divisor`` for values ≥ 0, exact on every engine (on Spark the quotient of an exact
    multiple, below 2**53, is exact in floating point)."""
    if engine_name(con) == "duckdb":
        return _duckdb_divide(value, ibis.literal(divisor, "int64"))
    return ((value - value % divisor) / divisor).cast("int64")


# -- what a column holds ------------------------------------------------------------------------------


def column_kinds(con: Any, table: ir.Table) -> dict[str, str]:
    """Per column: ``instant`` (a zoned timestamp), ``naive`` (a timestamp without zone), ``date``,
    ``boolean``, ``text`` or ``other``.

    On Spark the DataFrame's own schema is read: Ibis shows Spark's ``TIMESTAMP`` (an instant)
    and ``TIMESTAMP_NTZ`` (a wall time) alike.
    """
    if engine_name(con) == "pyspark":
        from pyspark.sql import types as spark_types

        schema = con._session.sql(con.compile(table)).schema
        kinds = {}
        for f in schema.fields:
            t = f.dataType
            kinds[f.name] = ("naive" if isinstance(t, spark_types.TimestampNTZType) else
                             "instant" if isinstance(t, spark_types.TimestampType) else
                             "date" if isinstance(t, spark_types.DateType) else
                             "boolean" if isinstance(t, spark_types.BooleanType) else
                             "text" if isinstance(t, spark_types.StringType) else "other")
        return kinds
    out = {}
    for name, dtype in table.schema().items():
        out[name] = ("instant" if dtype.is_timestamp() and dtype.timezone else
                     "naive" if dtype.is_timestamp() else
                     "date" if dtype.is_date() else
                     "boolean" if dtype.is_boolean() else
                     "text" if dtype.is_string() else "other")
    return out


def arrow_kinds(schema: pa.Schema) -> dict[str, str]:
    """:func:`column_kinds` of an Arrow schema."""
    out = {}
    for f in schema:
        t = f.type
        out[f.name] = ("instant" if pa.types.is_timestamp(t) and t.tz else
                       "naive" if pa.types.is_timestamp(t) else
                       "date" if pa.types.is_date(t) else
                       "boolean" if pa.types.is_boolean(t) else
                       "text" if pa.types.is_string(t) or pa.types.is_large_string(t) else "other")
    return out


def materialise(con: Any, expr: ir.Table, prefix: str = "charte") -> ir.Table:
    """``expr`` computed once and kept for the session (a temporary table on DuckDB, a cached DataFrame on
    Spark), so later queries read it instead of computing it again."""
    from ibis import util

    name = util.gen_name(prefix)
    if engine_name(con) == "duckdb":
        return con.create_table(name, expr, temp=True)
    con._run_pre_execute_hooks(expr)  # registers the in-memory tables the expression reads
    df = con._session.sql(con.compile(expr)).cache()
    df.createOrReplaceTempView(name)
    # Ibis reads Spark's TIMESTAMP back as a naive timestamp: the expression's own types are kept
    return con.table(name).cast(expr.schema())


def engine_errors() -> tuple[type[BaseException], ...]:
    """The exceptions an engine raises on a query it cannot run (a file it cannot read, a lost cluster)."""
    import duckdb

    errors: list[type[BaseException]] = [duckdb.Error, EngineTimeoutError]
    try:
        from py4j.protocol import Py4JError  # type: ignore[import-untyped]
        from pyspark.errors import PySparkException

        errors += [PySparkException, Py4JError]
    except ImportError:
        pass
    return tuple(errors)
