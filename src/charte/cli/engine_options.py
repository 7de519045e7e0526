"""``--engine``, ``--spark-master`` and ``--spark-conf``: where ``import``, ``kpi`` and ``telesales audit`` run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from charte.measure.engines import EngineChoice

ENGINE_HELP = ("duckdb: in this process (the default) | spark: on a Spark cluster, reached by --spark-master "
               "(executors need Java 17; paths may then be URLs the cluster reads, s3a://, hdfs://, abfss://)")
MASTER_HELP = ("the Spark master for --engine spark: spark://HOST:7077, yarn, k8s://https://HOST:PORT or local[N] "
               "(not needed when the command runs through spark-submit, whose master is used)")
CONF_HELP = ("a Spark setting KEY=VALUE (repeat), e.g. spark.executor.memory=4g or spark.hadoop.fs.s3a.endpoint=…; "
             "for charte import, charte's own spark.charte.jobTimeout=10min (or 90s, 2h): a block of rows not "
             "checked within that time has its jobs cancelled and fails the import, storing nothing (Spark waits "
             "without end when every worker is lost)")

EngineOption = Annotated[str, typer.Option("--engine", help=ENGINE_HELP)]
SparkMasterOption = Annotated[str | None, typer.Option("--spark-master", help=MASTER_HELP)]
SparkConfOption = Annotated[list[str] | None, typer.Option("--spark-conf", help=CONF_HELP)]


def engine_choice(engine: str, spark_master: str | None, spark_conf: list[str] | None, *,
                  job_timeout: bool = False) -> EngineChoice:
    """The options read into an :class:`~charte.measure.engines.EngineChoice`; exit 2 with the reason otherwise.
    ``job_timeout``: the command honours ``spark.charte.jobTimeout`` (``charte import``); others refuse it."""
    from charte.measure.engines import JOB_TIMEOUT, Engine, EngineChoice, EngineError

    try:
        chosen = Engine(engine)
    except ValueError:
        raise _refuse(f"--engine {engine!r}: expected duckdb or spark") from None
    conf: dict[str, str] = {}
    for item in spark_conf or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip().startswith("spark."):
            raise _refuse(f"--spark-conf {item!r}: expected KEY=VALUE with a key starting spark.")
        conf[key.strip()] = value.strip()
    if JOB_TIMEOUT in conf and not job_timeout:
        raise _refuse(f"--spark-conf {JOB_TIMEOUT}: only charte import times its jobs out (the quality rules' jobs); "
                      "this command does not")
    try:
        return EngineChoice(chosen, spark_master, conf)
    except EngineError as exc:
        raise _refuse(str(exc)) from None


def connect(choice: EngineChoice) -> Any:
    """The engine's Ibis backend; exit 2 with the reason when it cannot be reached."""
    from charte.measure.engines import EngineError, connect, engine_errors

    try:
        return connect(choice)
    except EngineError as exc:
        raise _refuse(str(exc)) from None
    except engine_errors() as exc:  # Spark refused its settings (e.g. two timeouts that contradict) or its master
        lines = [line.strip().removeprefix(": ") for line in str(exc).splitlines() if line.strip()]
        said = next((line for line in lines if "Exception: " in line or "Error: " in line), lines[0] if lines else "")
        raise _refuse(f"[spark_session_failed] no Spark session on {choice.spark_master or 'spark-submit'}'s "
                      f"master with these settings: {said}") from None


def _refuse(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(2)
