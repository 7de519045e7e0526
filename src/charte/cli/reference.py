"""``charte reference list|show|add``: the reference series both parties see (indices, SMIC, ECB and legal rates)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from charte.cli.app import app
from charte.domain.reference import ReferenceBook

FORMAT_HELP = (
    "CSV, UTF-8, comma-separated, header series,period,value,source,published_on,until; lines starting with # "
    "are comments. period: YYYY-MM for a monthly index (syntec or any other name), YYYY-MM-DD for a dated "
    "value (smic.hourly_gross, smic.hourly_gross.mayotte: the day it applies from) or a half-year start "
    "(ecb_mro, legal_interest_professional: 1 January or 1 July). value: decimal with a point; rates as 2.40% or "
    "0.024. source: where it was published (required). published_on: YYYY-MM-DD (optional). until: last day a "
    "dated value is known to apply (required for dated series). The older index CSV series,month,value and "
    "rates CSV table,half_year_start,rate,source are also read.")
FOLDER_HELP = "Folder of added values (default $CHARTE_REFERENCE or ./charte-reference)."

reference_app = typer.Typer(
    help="Reference series (Syntec index, SMIC, ECB and legal interest rates): dated, sourced, versioned values "
         "shipped with charte, plus the published values you add. " + FORMAT_HELP,
    no_args_is_help=True)
app.add_typer(reference_app, name="reference")


def _book(folder: Path | None, console: Console) -> ReferenceBook:
    from charte.io.reference_data import ReferenceDataError, load_book

    try:
        return load_book(folder)
    except ReferenceDataError as error:
        for line in error.problems:
            console.print(line, markup=False, highlight=False)
        raise typer.Exit(1) from None


@reference_app.command("list")
def list_command(
    folder: Annotated[Path | None, typer.Option("--reference", help=FOLDER_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Every series: kind, unit, values held, last known date, version (SHA-256 of its content)."""
    console = Console()
    book = _book(folder, console)
    rows = [{"series": s.name, "kind": s.info.kind, "unit": s.info.unit, "values": len(s.points),
             "first": str(s.first) if s.first else None, "last_known": str(s.last_known) if s.last_known else None,
             "illustrative": s.illustrative, "version": s.version, "title": s.info.title}
            for s in book.series.values()]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    table = Table("series", "kind", "unit", "values", "from", "known until", "version")
    for r in rows:
        table.add_row(str(r["series"]), str(r["kind"]), str(r["unit"]), str(r["values"]), str(r["first"]),
                      str(r["last_known"]), str(r["version"])[:16])
    console.print(table)


@reference_app.command("show")
def show_command(
    series: Annotated[str, typer.Argument(help="Series name, e.g. syntec, smic.hourly_gross, ecb_mro.")],
    folder: Annotated[Path | None, typer.Option("--reference", help=FOLDER_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The values of one series, each with its period, source and publication date."""
    console = Console()
    found = _book(folder, console).get(series)
    rows = [{"period": str(p.start), "value": format(p.value, "f"), "until": str(p.until) if p.until else None,
             "published_on": str(p.published_on) if p.published_on else None, "source": p.source,
             "illustrative": p.illustrative} for p in found.points]
    if as_json:
        typer.echo(json.dumps({"series": series, "version": found.version, "values": rows}, ensure_ascii=False,
                              indent=1))
        return
    console.print(f"{found.info.title} — {found.info.unit} — version {found.version}", highlight=False)
    table = Table("period", "value", "until", "published", "source")
    for r in rows:
        table.add_row(*(str(r[k] or "") for k in ("period", "value", "until", "published_on", "source")))
    console.print(table)
    if not rows:
        console.print(f"no value of `{series}` yet: add the published values with `charte reference add FILE.csv`",
                      markup=False)


@reference_app.command("add")
def add_command(
    file: Annotated[Path, typer.Argument(help="CSV of published values. " + FORMAT_HELP)],
    folder: Annotated[Path | None, typer.Option("--reference", help=FOLDER_HELP)] = None,
) -> None:
    """Check a CSV of published values against the book and keep a copy (named by its SHA-256, never overwritten)."""
    from charte.io.reference_data import ReferenceDataError, add_file

    console = Console()
    try:
        added = add_file(file, folder)
    except ReferenceDataError as error:
        console.print(f"[red]{file}: nothing added[/red]")
        for line in error.problems:
            console.print(line, markup=False, highlight=False)
        raise typer.Exit(1) from None
    verb = "added" if added.status == "added" else "already added; nothing changed"
    console.print(f"{file}: {added.points} value(s) {verb} ({added.path})", markup=False, highlight=False)
