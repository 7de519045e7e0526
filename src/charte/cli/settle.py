"""``charte settle``: settle a month of a contract from its facts; print, write JSON and HTML."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from charte.cli.app import app
from charte.domain.calendar import CalendarError, Month
from charte.io.contract_yaml import ContractInvalid, load_contract
from charte.io.settlement_files import formats_help, settlement_facts, write_settlement_json
from charte.reports.settlement_report import render_settlement_report
from charte.settle import Settlement, SettlementError, settle
from charte.settle.explain import Language, explain


def _money(value: object) -> str:
    return f"{value:,.2f}"


def _exact(value: Decimal) -> str:
    """Significant decimals (2 to 6), so quantity × unit price is the amount."""
    return f"{value:,.{min(6, max(2, -value.normalize().as_tuple().exponent))}f}"  # type: ignore[operator]


def settlement_table(settlement: Settlement, lang: Language = "en", *, explanations: bool = True) -> Table:
    """The invoice lines and totals as a Rich table (explanations under each line)."""
    table = Table(title=f"Settlement {settlement.contract} — {settlement.period}", show_lines=explanations)
    for name, justify in (("#", "right"), ("line", "left"), ("quantity", "right"), ("unit", "left"),
                          ("unit price", "right"), ("amount EUR", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for line in settlement.lines:
        label = f"{escape(line.label)}\n[dim]{escape(line.clause)}[/dim]"
        if explanations:
            label += f"\n[italic]{escape(explain(line, lang))}[/italic]"
        style = "red" if line.amount < 0 else ""
        table.add_row(str(line.number), label, _exact(line.quantity), line.unit, _exact(line.unit_price),
                      f"[{style}]{_money(line.amount)}[/]" if style else _money(line.amount))
    ht, ttc = _money(settlement.total_excluding_vat), _money(settlement.total_including_vat)
    table.add_row("", "[bold]Total excluding VAT[/bold]", "", "", "", f"[bold]{ht}[/]")
    table.add_row("", f"VAT {(settlement.vat_rate * 100).normalize():f}%", "", "", "", _money(settlement.vat))
    table.add_row("", "[bold]Total including VAT[/bold]", "", "", "", f"[bold]{ttc}[/]")
    return table


def results_table(settlement: Settlement) -> Table:
    table = Table(title="Service commitments (axis 2)")
    for name in ("commitment", "target", "raw", "band-neutralised", "fair", "judged on", "met"):
        table.add_column(name, justify="left" if name == "commitment" else "right")
    for r in settlement.service_results:
        def show(v: object, asa: bool = r.metric == "asa") -> str:
            return "—" if v is None else (f"{v:.1f} s" if asa else f"{float(v) * 100:.2f}%")  # type: ignore[arg-type]
        met = "—" if r.met is None else ("[green]yes[/]" if r.met else "[red]no[/]")
        table.add_row(r.commitment, show(r.target), show(r.raw), show(r.band_neutralised), show(r.fair),
                      r.evaluation if r.status == "measured" else "not measured", met)
    return table


@app.command("settle", epilog=formats_help())
def settle_command(
    contract: Annotated[Path, typer.Option(help="Contract YAML.")],
    period: Annotated[str, typer.Option(help="Month to settle, YYYY-MM.")],
    facts: Annotated[Path | None, typer.Option(
        help="Folder of facts (interval_report, forecasts, staffing, incidents, kpis, successes; formats below). "
             "With --store, the folder holds the other facts and no interval_report.")] = None,
    store: Annotated[Path | None, typer.Option(
        help="Store written by `charte import`: the month's intervals come from its interval reports, or from its "
             "contact records through the KPI formulas (answered-within thresholds and short-abandon limit of "
             "the contract's commitments).")] = None,
    organisation: Annotated[str | None, typer.Option(help="With --store: the organisation whose imports to read "
                                                          "(default: all).")] = None,
    minutes: Annotated[int, typer.Option(help="With --store and contact records: interval length, 15, 30 or "
                                              "60 minutes.")] = 30,
    index: Annotated[list[Path] | None, typer.Option(
        help="CSV of index values to use for this run (series,period,value,source,… or series,month,value); "
             "repeat for several. Added to the reference data (shipped series + the --reference folder).")] = None,
    reference: Annotated[Path | None, typer.Option(
        help="Folder of reference values added with `charte reference add` (default $CHARTE_REFERENCE or "
             "./charte-reference).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the settlement JSON here.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write the settlement HTML page here.")] = None,
    lang: Annotated[str, typer.Option(help="Language of the explanations: fr or en.")] = "en",
    register: Annotated[bool, typer.Option(help="Settle from the register of evidence (--db) instead of a folder; "
                                                "the settlement's evidence block then lets anyone replay it "
                                                "(charte verify).")] = False,
    db: Annotated[str | None, typer.Option("--db", envvar="CHARTE_DB", help="Register database (with --register; "
                                                                             "default charte.db).")] = None,
) -> None:
    """Settle a month: invoice lines, each explained; totals; the hash of the inputs.

    From the register (--register), the settlement also names the evidence it rests on (files, reference
    series, software versions) so that `charte verify` can replay it. Index values come from the reference
    data, never from the illustrative series of the demo;
    past a series' last known value the settlement refuses and says which value to add.
    """
    console = Console()
    try:
        month = Month.parse(period)
    except CalendarError as exc:
        console.print(f"--period: {exc}", markup=False)
        raise typer.Exit(2) from None
    if lang not in ("fr", "en"):
        console.print("--lang: expected fr or en", markup=False)
        raise typer.Exit(2)
    if register and (facts is not None or store is not None):
        console.print("give --register alone, or --facts FOLDER and/or --store DIR", markup=False)
        raise typer.Exit(2)
    if facts is None and store is None and not register:
        console.print("give --facts FOLDER, --store DIR, or both (or --register)", markup=False)
        raise typer.Exit(2)
    if minutes not in (15, 30, 60):
        console.print(f"--minutes {minutes}: expected 15, 30 or 60", markup=False)
        raise typer.Exit(2)
    try:
        loaded = load_contract(contract)
        if register:
            from charte.store.books import open_books
            from charte.store.replay import settle_from_register

            result = settle_from_register(open_books(db).register(), contract.read_text(encoding="utf-8"),
                                          loaded.id, month, index=index or (), reference=reference)
        else:
            result = settle(loaded, month, settlement_facts(facts, loaded, month, reference=reference,
                                                            index_files=index or (), store=store,
                                                            organisation=organisation, minutes=minutes))
    except ContractInvalid as exc:
        for problem in exc.problems:
            console.print(problem.format(), markup=False, highlight=False)
        raise typer.Exit(1) from None
    except SettlementError as exc:
        console.print(f"[red]No settlement for {month}: {len(exc.problems)} problem(s)[/red]")
        for p in exc.problems:
            console.print(p.format(), markup=False, highlight=False)
        raise typer.Exit(1) from None
    for used in result.reference_data:
        console.print(f"reference data: {used.series} version {used.version[:12]}, values up to {used.last_known}"
                      + (" — [bold yellow]ILLUSTRATIVE values: this settlement can never be invoiced[/]"
                         if used.illustrative else ""), highlight=False)
    console.print(settlement_table(result, lang))  # type: ignore[arg-type]
    console.print(results_table(result))
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {note}", highlight=False)
    console.print(f"inputs sha256 {result.inputs_sha256}")
    if json_out is not None:
        write_settlement_json(result, json_out)
        console.print(f"JSON: {json_out}")
    if html_out is not None:
        render_settlement_report(result, html_out, contract_name=loaded.name, client=loaded.client.name,
                                 provider=loaded.provider.name)
        console.print(f"HTML: {html_out.resolve().as_uri()}")
