"""``charte demo``: validate the sample contract, generate a realistic month, summarise, report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from charte.cli.app import app
from charte.cli.language import LangOption, chosen_language, cli_gettext
from charte.cli.scorecard import scorecard_summary
from charte.cli.settle import results_table, settlement_table
from charte.demo.run import DEFAULT_MONTH, DEFAULT_SEED, DemoResult, run_demo
from charte.domain import formats
from charte.domain.calendar import CalendarError, Month
from charte.domain.messages import N_
from charte.io.contract_yaml import ContractInvalid
from charte.settle.explain import Language

ROWS = (N_("offered"), N_("forecast M-1"), N_("handled"), N_("abandoned"), N_("service level (all intervals)"),
        N_("target"), N_("ASA (s)"), N_("AHT (s)"), N_("productive hours"), N_("days out of the M-1 band"))


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the generated month and its report.")] = Path("charte-demo"),
    month: Annotated[str, typer.Option(help="Month to generate, YYYY-MM.")] = str(DEFAULT_MONTH),
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same month.")] = DEFAULT_SEED,
    contract: Annotated[
        Path | None, typer.Option(help="Contract YAML (default: the embedded sample contract).")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Run a realistic month for the sample contract and write a report to open."""
    console = Console()
    code: Language = chosen_language(lang)
    _ = cli_gettext(code)
    try:
        period = Month.parse(month)
    except CalendarError as exc:
        console.print(f"[red]--month: {exc}[/red]")
        raise typer.Exit(2) from None
    try:
        with console.status(_("Generating {month} (arrivals, staffing, queue simulation)…").format(month=period)):
            result = run_demo(out, contract_path=contract, month=period, seed=seed)
    except ContractInvalid as exc:
        for problem in exc.problems:
            console.print(problem.format(), markup=False, highlight=False)
        raise typer.Exit(1) from None
    _print_month(console, result, period, seed, code)
    _print_documents(console, result, code)


def _print_month(console: Console, result: DemoResult, period: Month, seed: int, code: Language) -> None:
    _ = cli_gettext(code)
    c = result.contract
    console.print(f"[bold]{c.id}[/bold] — {c.client.name} ← {c.provider.name} — {period} "
                  + _("(seed {seed})").format(seed=seed))
    for warning in result.warnings:
        console.print(f"[yellow]{warning}[/yellow]", markup=False)
    table = Table(title=_("Demo month {month}").format(month=period), show_lines=False)
    table.add_column("")
    rows: dict[str, list[str]] = {k: [] for k in ROWS}
    for generated in result.months:
        table.add_column(generated.activity, justify="right")
        s = generated.summary()
        days = result.days[generated.activity]
        band = c.forecasts.band if c.forecasts else None
        under, over = (float(band.under), float(band.over)) if band else (0.1, 0.1)
        sl_style = "green" if s["service_level"] >= generated.target.target else "red"
        for key, value in zip(rows, (
            formats.number(s["offered"], 0, code), formats.number(sum(d.forecast_m1 for d in days), 0, code),
            formats.number(s["handled"], 0, code), formats.number(s["abandoned"], 0, code),
            f"[{sl_style}]{formats.percent(s['service_level'], 1, code)}[/]",
            _("{target} in {seconds} s").format(target=formats.percent(generated.target.target, 0, code),
                                               seconds=generated.target.threshold_seconds),
            formats.number(s["asa_seconds"], 0, code), formats.number(s["aht_seconds"], 0, code),
            formats.number(s["productive_hours"], 1, code), str(sum(d.out_of_band(under, over) for d in days)),
        ), strict=True):
            rows[key].append(value)
    for key, values in rows.items():
        table.add_row(_(key), *values)
    console.print(table)
    if result.settlement is not None:
        console.print(settlement_table(result.settlement, code, explanations=False))
        console.print(results_table(result.settlement, code))
        if result.settlement.illustrative:
            console.print("[bold yellow]" + _("Indexation: ILLUSTRATIVE Syntec series (not the published index) — "
                                              "this settlement cannot be invoiced.") + "[/]")


def _print_documents(console: Console, result: DemoResult, code: Language) -> None:
    _ = cli_gettext(code)
    if result.submissions:
        console.print(_("Register of evidence: {count} submissions in {database}").format(
            count=result.submissions, database=result.database), markup=False)
    if result.verified is not None:
        replayed = _("identical byte for byte") if result.verified else _("DIFFERENT")
        console.print(_("Settlement replayed from the register: {outcome} (charte verify {file} --db {database})")
                      .format(outcome=replayed, file=result.out_dir / "settlement.json", database=result.database),
                      markup=False, style="green" if result.verified else "red")
    if result.invoice_files and result.settlement is not None and result.settlement.illustrative:
        console.print(_("Invoice specimen (not numbered, of no value as an invoice): {files}").format(
            files=", ".join(result.invoice_files)), markup=False)
    elif result.invoice_files:
        console.print(_("Invoice (Factur-X EN 16931 PDF/A-3, CII, UBL, XLSX; CDAR status), conforming to the "
                        "EN 16931 and BR-FR rules: {files}").format(files=", ".join(result.invoice_files)),
                      markup=False)
    for issue in result.settlement_problems:
        console.print(_("settlement: {problem}").format(problem=issue), style="red", markup=False)
    if result.scorecard is not None:
        console.print(scorecard_summary(result.scorecard, code))
    if result.dispute is not None:  # issue 16
        d = result.dispute
        note = d.credit_note
        outcome = (_("partial credit note {number} of {amount} incl. VAT").format(
            number=note.number, amount=formats.money(note.total_including_vat, code)) if note
            else _("no credit note"))
        console.print(_("Dispute: the client contests the verdict of {day} ({amount} incl. VAT); what-if "
                        "“revised W-1 forecast”, mediation, agreement: {outcome}").format(
            day=formats.day(d.mailing_day, code), amount=formats.money(d.claim.disputed_amount, code),
            outcome=outcome), markup=False, highlight=False)
    console.print(_("Files in {folder}: {files}").format(folder=f"[bold]{result.out_dir}/[/bold]",
                                                        files=", ".join(result.files)))
    console.print(_("Report: {link}").format(link=f"[bold]{result.report.resolve().as_uri()}[/bold]"))
