"""``charte import FILE --mapping M`` (``--replace ID``), ``charte import list``, ``charte import remove ID`` and
``charte kpi --activity A --period 2026-10 --by 30min``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

from charte.cli.app import app
from charte.cli.engine_options import EngineOption, SparkConfOption, SparkMasterOption, connect, engine_choice
from charte.domain.calendar import Month

STORE_HELP = "facts folder (Parquet datasets); default ./charte-facts or $CHARTE_FACTS"


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    PARQUET = "parquet"
    JSON = "json"


def _store_path(store: Path | None) -> Path:
    import os

    return store or Path(os.environ.get("CHARTE_FACTS", "charte-facts"))


def _mapping_help() -> str:
    from charte.io.mapping import mapping_help

    return mapping_help()


KPI_HELP = (
    "Output (CSV, Parquet, JSON or a table): per interval, the canonical interval report that `charte settle "
    "--facts` reads — activity, interval_start (UTC instant), interval_minutes, offered, handled, abandoned, "
    "short_abandoned, answered_within_<T>s, wait_seconds_answered, wait_seconds_abandoned, handle_seconds "
    "(seconds, sums over the interval), staffed_seconds and productive_seconds when the source carries them — "
    "plus interval_start_local, utc_offset_seconds, local_date, IVR and written-channel counts and the ratios "
    "service_level_<T>s, answer_rate, abandon_rate, asa_seconds, aht_seconds, occupancy, ivr_mean_seconds "
    "(which settlement skips and recomputes). By day, week or month: the same sums and ratios per period.")


class _FileByDefault(TyperGroup):
    """``charte import FILE …`` runs ``charte import file FILE …``; ``list`` and ``remove`` are commands."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # ctx: typer's own click Context
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["file", *args]
        return super().parse_args(ctx, args)


import_app = typer.Typer(cls=_FileByDefault, no_args_is_help=True, epilog=_mapping_help(), help=(
    "Import contact records or interval reports into the facts store: charte import FILE --mapping M "
    "[--replace ID]; charte import list; charte import remove ID."))
app.add_typer(import_app, name="import")


@import_app.command("file", epilog=_mapping_help())
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX or Parquet export")],
    mapping: Annotated[str, typer.Option("--mapping", "-m", help="mapping YAML file or shipped mapping name")],
    activity: Annotated[str | None, typer.Option(help="activity id, when the file does not carry it")] = None,
    organisation: Annotated[str, typer.Option(help="organisation the facts belong to")] = "default",
    policy: Annotated[str | None, typer.Option(help="quarantine | reject_file (default: the mapping's)")] = None,
    store: Annotated[Path | None, typer.Option(help=STORE_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the quality report as JSON")] = False,
    replace: Annotated[str | None, typer.Option(help="id of an import this file replaces (e.g. the same export "
                                                     "read with a corrected mapping); the old one is taken out "
                                                     "when this one commits, and kept under removed/")] = None,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
    spark_conf: SparkConfOption = None,
) -> None:
    """Import contact records or an interval report; print the data-quality report.

    The import's id covers the file's bytes, the organisation, the mapping (its text and the
    constants given here, e.g. --activity) and the policy: the same file imported the same way
    adds nothing; read another way, it is another import (use --replace to take the old one out).
    The quality rules run on --engine (DuckDB here, or a Spark cluster): same codes, counts and rows either way.
    """
    from charte.io.facts_store import FactsStore
    from charte.io.importing import ImportRejectedError, import_file
    from charte.io.mapping import MappingError, load_mapping
    from charte.io.quality import Policy, SourceError
    from charte.measure.engines import engine_errors

    console = Console(stderr=True)
    choice = engine_choice(engine, spark_master, spark_conf, job_timeout=True)
    con = connect(choice) if choice.engine.value != "duckdb" else None
    try:
        chosen = load_mapping(mapping)
        columns = (TextColumn("[bold]importing[/] {task.description}"), BarColumn(),
                   TextColumn("{task.completed:,} rows"), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(file.name, total=None)
            result = import_file(file, chosen, FactsStore(_store_path(store)), organisation=organisation,
                                 activity=activity, policy=Policy(policy) if policy else None,
                                 progress=lambda n: bar.update(task, completed=n), engine=con,
                                 replaces=replace)
    except (MappingError, SourceError, ValueError) as exc:
        console.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(2) from None
    except engine_errors() as exc:  # a lost cluster: the store was not written (its commit never ran)
        console.print(f"{file}: the {engine} engine failed, nothing stored: {str(exc).splitlines()[0]}",
                      style="red", markup=False, highlight=False)
        raise typer.Exit(1) from None
    except ImportRejectedError as exc:
        console.print(str(exc), style="red", markup=False, highlight=False)
        for line in exc.report.lines(20):
            console.print(line, markup=False, highlight=False)
        if as_json:
            typer.echo(json.dumps(exc.report.to_dict(), ensure_ascii=False, indent=1))
        raise typer.Exit(1) from None
    if result.status == "already_imported":
        typer.echo(f"{file}: already imported as {result.import_id}; nothing added")
        return
    report = result.report
    assert report is not None
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
        return
    out = Console()
    replaced = f"; replaces import {replace} (kept under removed/)" if replace else ""
    out.print(f"{file}: {report.rows_read:,} rows read, {result.manifest.rows_written:,} stored, "
              f"{report.rows_rejected:,} rejected, {report.rows_flagged:,} flagged  (import {result.import_id}, "
              f"{', '.join(f'{k}={v!r}' for k, v in result.dialect.items())}){replaced}", highlight=False)
    if report.issues:
        table = Table("reason", "severity", "rows", "first rows")
        for code, entry in report.to_dict(max_rows_per_code=5)["issues"].items():
            table.add_row(code, "rejected" if entry["rejects"] else "flagged", f"{entry['count']:,}",
                          ", ".join(str(r) for r in entry["rows"]))
        out.print(table)


@import_app.command("list")
def list_imports(
    store: Annotated[Path | None, typer.Option(help=STORE_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """The imports in the facts store: id, kind, source file, mapping, organisation, rows stored and set aside."""
    from charte.io.facts_store import FactsStore

    facts = FactsStore(_store_path(store))
    manifests = [facts.manifest(i) for i in facts.imports()]
    if as_json:
        typer.echo(json.dumps([{k: v for k, v in m.__dict__.items() if k != "report"} for m in manifests],
                              ensure_ascii=False, indent=1))
        return
    table = Table("import", "kind", "source", "mapping", "organisation", "stored", "set aside", "replaces")
    for m in manifests:
        table.add_row(m.import_id, m.kind, m.source, m.mapping, m.organisation, f"{m.rows_written:,}",
                      f"{m.rows_quarantined:,}", m.replaces or "")
    Console().print(table)


@import_app.command("remove")
def remove_import(
    import_id: Annotated[str, typer.Argument(help="id of the import (charte import list)")],
    store: Annotated[Path | None, typer.Option(help=STORE_HELP)] = None,
) -> None:
    """Take an import out of the facts store: readers stop seeing it; its files are kept under removed/."""
    from charte.io.facts_store import FactsStore

    facts = FactsStore(_store_path(store))
    try:
        manifest = facts.remove(import_id)
    except KeyError as exc:
        Console(stderr=True).print(str(exc.args[0]), style="red", markup=False, highlight=False)
        raise typer.Exit(1) from None
    typer.echo(f"import {import_id} ({manifest.source}, {manifest.rows_written:,} rows) taken out; its files are "
               f"kept under {facts.root / 'removed' / import_id}")


@app.command("kpi", epilog=KPI_HELP)
def kpi_command(
    activity: Annotated[str, typer.Option(help="activity id")],
    period: Annotated[str, typer.Option(help="month, YYYY-MM")],
    by: Annotated[str, typer.Option(help="15min | 30min | 60min | day | week | month | weekday (every Monday, "
                                         "Tuesday… of the month together) | hour (every local hour of day)")] = "30min",
    threshold: Annotated[list[int] | None, typer.Option(help="answered-within threshold in seconds (repeat)")] = None,
    short_abandon: Annotated[float, typer.Option(help="short-abandon threshold, seconds")] = 5.0,
    service_level: Annotated[str, typer.Option(
        help="offered_minus_short_abandons | offered | handled | after_threshold")] = "offered_minus_short_abandons",
    organisation: Annotated[str | None, typer.Option(
        help="organisation whose facts to read; required when the store holds the activity for several")] = None,
    store: Annotated[str | None, typer.Option(help=STORE_HELP + "; with --engine spark, a URL the cluster "
                                                "reads (s3a://bucket/facts, hdfs://…) works too")] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="table | csv | parquet | json")] = (
        OutputFormat.TABLE),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file to write (csv/parquet)")] = None,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
    spark_conf: SparkConfOption = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="fr | en: language of the table. Default: the locale's (LC_ALL, LC_MESSAGES or LANG: en… "
                       "gives English), French otherwise.")] = None,
) -> None:
    """KPIs of one activity and month, per interval or rolled up, from the stored facts.

    The table fits 100 columns (the main KPIs, dates whole, a legend of the abbreviations); ``--format csv`` or
    ``json`` gives every column."""
    import pyarrow.parquet as pq

    from charte.cli.language import cli_language
    from charte.io.facts_reader import StoreNotFoundError, organisations_of, store_files
    from charte.measure.engines import read_facts
    from charte.measure.formulas import KpiSpec, ServiceLevelFormula
    from charte.measure.kpis import kpis, labelled

    err = Console(stderr=True)
    try:
        language = cli_language(lang)
        month = Month.parse(period)
        spec = KpiSpec(thresholds=tuple(threshold or [20]), short_abandon_seconds=short_abandon,
                       service_level=ServiceLevelFormula(service_level))
    except ValueError as exc:
        err.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(2) from None
    minutes = {"15min": 15, "30min": 30, "60min": 60}.get(by)
    rollup = "interval" if minutes else by
    if rollup not in ("interval", "day", "week", "month", "weekday", "hour"):
        err.print(f"[red]--by {by!r}: expected 15min, 30min, 60min, day, week, month, weekday or hour[/]")
        raise typer.Exit(2)
    choice = engine_choice(engine, spark_master, spark_conf)
    root = store or str(_store_path(None))
    con = connect(choice)
    try:  # reading never creates nor cleans a store: a mistyped --store is an error, not a new folder
        every = {kind: store_files(con, root, kind, activity=activity)
                 for kind in ("contact_record", "interval_report")}
    except StoreNotFoundError as exc:
        err.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(2) from None
    found = organisations_of([f for files in every.values() for f in files])
    if organisation is None and len(found) > 1:
        err.print(f"[red]the store holds activity {activity!r} for several organisations ({', '.join(found)}); "
                  "give --organisation: their facts are never added together[/]", highlight=False)
        raise typer.Exit(2)
    inputs = {}
    months: set[str] = set()
    for kind, key in (("contact_record", "records"), ("interval_report", "reports")):
        files = store_files(con, root, kind, organisation=organisation, activity=activity) if organisation \
            else every[kind]
        if files:
            t = read_facts(con, files)
            months |= {str(m) for m in con.to_pyarrow(t.select("month").distinct())["month"].to_pylist()}
            selected = t.filter(t.month == str(month))
            if con.to_pyarrow(selected.count()).as_py():
                inputs[key] = selected
    if not inputs:
        where = f" of organisation {organisation!r}" if organisation else ""
        if months:
            err.print(f"[red]no facts for activity {activity!r}{where} in {month}; months with facts: "
                      f"{', '.join(sorted(months))}[/]", highlight=False)
        else:
            err.print(f"[red]no facts for activity {activity!r}{where} in {root}; import a file first[/]",
                      highlight=False)
        raise typer.Exit(1)
    from charte.io.canonical import canonical_kpis

    computed = con.to_pyarrow(kpis(**inputs, spec=spec, minutes=minutes or 30, by=rollup))  # type: ignore[arg-type]
    result = canonical_kpis(labelled(computed, rollup), minutes if rollup == "interval" else None)  # type: ignore[arg-type]
    if output_format is OutputFormat.PARQUET:
        pq.write_table(result, output or Path(f"kpi-{activity}-{month}-{by}.parquet"))
    elif output_format is OutputFormat.CSV:
        from charte.io.spreadsheet import write_csv_table

        if output:
            write_csv_table(result, output)
        else:
            import sys

            write_csv_table(result, sys.stdout.buffer)
    elif output_format is OutputFormat.JSON:
        typer.echo(json.dumps(result.to_pylist(), default=str, ensure_ascii=False))
    else:
        _print_table(result, rollup, spec.thresholds, language)


def _print_table(result: object, rollup: str, thresholds: tuple[int, ...], lang: str) -> None:
    """The main KPIs in at most 100 columns: short headings on two lines, dates never cut, figures written for the
    language (:mod:`charte.domain.formats`), then the legend of the abbreviations."""
    import pyarrow as pa
    from rich import box

    from charte.cli.language import cli_gettext

    assert isinstance(result, pa.Table)
    _ = cli_gettext(lang)
    key = "interval_start_local" if rollup == "interval" else rollup
    columns = [key, "offered", "handled", "abandoned", *(f"service_level_{t}s" for t in thresholds), "answer_rate",
               "abandon_rate", "asa_seconds", "aht_seconds", "occupancy"]
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, collapse_padding=True, show_edge=False)
    for column in columns:
        if column.startswith("service_level_"):
            heading = _("kpi:service_level") % column.removeprefix("service_level_").removesuffix("s")
        else:
            heading = _(f"kpi:{column}")
        table.add_column(heading, justify="left" if column == key else "right", no_wrap=True)
    for row in result.select(columns).to_pylist():
        table.add_row(*(_cell(k, v, lang) for k, v in row.items()))
    out = Console(width=100)
    out.print(table)
    out.print(_("kpi:legend"), highlight=False, markup=False)


def _cell(key: str, value: object, lang: str = "en") -> str:
    from charte.domain import formats

    if value is None:
        return "—"
    if isinstance(value, float):
        if key.startswith(("service_level", "answer_rate", "abandon_rate", "occupancy")):
            return formats.number(value * 100, 1, lang)  # the heading says %
        return formats.number(value, 1, lang)
    if isinstance(value, int):
        return formats.number(value, 0, lang)
    text = str(value)
    return text[:16].replace("T", " ") if key == "interval_start_local" else text  # 2026-10-05 09:00
