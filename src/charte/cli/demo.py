"""``charte demo``: validate the sample contract, generate a realistic month, summarise, report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from charte.cli.app import app
from charte.cli.scorecard import scorecard_summary
from charte.cli.settle import results_table, settlement_table
from charte.demo.run import DEFAULT_MONTH, DEFAULT_SEED, run_demo
from charte.domain.calendar import CalendarError, Month
from charte.io.contract_yaml import ContractInvalid


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the generated month and its report.")] = Path("charte-demo"),
    month: Annotated[str, typer.Option(help="Month to generate, YYYY-MM.")] = str(DEFAULT_MONTH),
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same month.")] = DEFAULT_SEED,
    contract: Annotated[
        Path | None, typer.Option(help="Contract YAML (default: the embedded sample contract).")
    ] = None,
) -> None:
    """Run a realistic month for the sample contract and write a report to open."""
    console = Console()
    try:
        period = Month.parse(month)
    except CalendarError as exc:
        console.print(f"[red]--month: {exc}[/red]")
        raise typer.Exit(2) from None
    try:
        with console.status(f"Generating {period} (arrivals, staffing, queue simulation)…"):
            result = run_demo(out, contract_path=contract, month=period, seed=seed)
    except ContractInvalid as exc:
        for problem in exc.problems:
            console.print(problem.format(), markup=False, highlight=False)
        raise typer.Exit(1) from None

    c = result.contract
    console.print(f"[bold]{c.id}[/bold] — {c.client.name} ← {c.provider.name} — {period} (seed {seed})")
    for warning in result.warnings:
        console.print(f"[yellow]{warning}[/yellow]", markup=False)
    table = Table(title=f"Demo month {period}", show_lines=False)
    table.add_column("")
    rows: dict[str, list[str]] = {k: [] for k in (
        "offered", "forecast M-1", "handled", "abandoned", "service level (all intervals)", "target", "ASA (s)",
        "AHT (s)", "productive hours", "days out of the M-1 band")}
    for generated in result.months:
        table.add_column(generated.activity, justify="right")
        s = generated.summary()
        days = result.days[generated.activity]
        band = c.forecasts.band if c.forecasts else None
        under, over = (float(band.under), float(band.over)) if band else (0.1, 0.1)
        sl_style = "green" if s["service_level"] >= generated.target.target else "red"
        for key, value in zip(rows, (
            f"{s['offered']:,.0f}", f"{sum(d.forecast_m1 for d in days):,.0f}", f"{s['handled']:,.0f}",
            f"{s['abandoned']:,.0f}", f"[{sl_style}]{s['service_level']:.1%}[/]",
            f"{generated.target.target:.0%} in {generated.target.threshold_seconds} s",
            f"{s['asa_seconds']:.0f}", f"{s['aht_seconds']:.0f}", f"{s['productive_hours']:,.1f}",
            str(sum(d.out_of_band(under, over) for d in days)),
        ), strict=True):
            rows[key].append(value)
    for key, values in rows.items():
        table.add_row(key, *values)
    console.print(table)
    if result.settlement is not None:
        console.print(settlement_table(result.settlement, "fr", explanations=False))
        console.print(results_table(result.settlement))
        if result.settlement.illustrative:
            console.print("[bold yellow]Indexation : série Syntec ILLUSTRATIVE (pas l'indice publié) — ce règlement "
                          "ne peut pas être facturé.[/]")
    if result.submissions:
        console.print(f"Registre des preuves : {result.submissions} dépôts dans {result.database}", markup=False)
    if result.verified is not None:
        replayed = "identique à l'octet près" if result.verified else "DIFFÉRENT"
        console.print(f"Rejeu du règlement depuis le registre : {replayed} (charte verify "
                      f"{result.out_dir / 'settlement.json'} --db {result.database})", markup=False,
                      style="green" if result.verified else "red")
    if result.invoice_files and result.settlement is not None and result.settlement.illustrative:
        console.print("Spécimen de facture (non numéroté, sans valeur de facture) : " + ", ".join(result.invoice_files),
                      markup=False)
    elif result.invoice_files:
        console.print("Facture (Factur-X EN 16931 PDF/A-3, CII, UBL, XLSX ; statut CDAR), conforme aux règles "
                      "EN 16931 et BR-FR : " + ", ".join(result.invoice_files), markup=False)
    for issue in result.settlement_problems:
        console.print(f"settlement: {issue}", style="red", markup=False)
    if result.scorecard is not None:
        console.print(scorecard_summary(result.scorecard, "fr"))
    if result.dispute is not None:  # issue 16
        d = result.dispute
        note = d.credit_note
        console.print(f"Litige : le client conteste le verdict du {d.mailing_day:%d/%m} ({d.claim.disputed_amount} EUR "
                      f"TTC) ; simulation « prévision S−1 révisée », médiation, accord : "
                      + (f"avoir partiel {note.number} de {note.total_including_vat} EUR TTC" if note else
                         "aucun avoir"), markup=False, highlight=False)
    console.print(f"Files in [bold]{result.out_dir}/[/bold]: " + ", ".join(result.files))
    console.print(f"Report: [bold]{result.report.resolve().as_uri()}[/bold]")
