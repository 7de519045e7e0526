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
from charte.cli.language import LangOption, chosen_language, cli_gettext
from charte.domain import formats
from charte.domain.calendar import CalendarError, Month
from charte.domain.messages import N_
from charte.io.contract_yaml import ContractInvalid, load_contract
from charte.io.settlement_files import formats_help, settlement_facts, write_settlement_json
from charte.reports.settlement_report import render_settlement_report
from charte.settle import Settlement, SettlementError, settle
from charte.settle.explain import Language, explain


def _money(value: Decimal, lang: str) -> str:
    return formats.number(value, 2, lang)


def _exact(value: Decimal, lang: str) -> str:
    """Significant decimals (2 to 6), so quantity × unit price is the amount."""
    return formats.number(value, min(6, max(2, -value.normalize().as_tuple().exponent)), lang)  # type: ignore[operator]


#: The line's unit code, in words (``% of base``: the bonus/malus percentage of the invoice base).
UNITS = {"h": N_("h"), "contact": N_("contacts"), "min": N_("min"), "% of base": N_("% of base"),
         "adjustment": N_("adjustment"), "month": N_("month"), "day": N_("days"), "EUR": N_("EUR")}


def settlement_table(settlement: Settlement, lang: Language = "fr", *, explanations: bool = True) -> Table:
    """The invoice lines and totals as a Rich table (explanations under each line), in ``lang``."""
    _ = cli_gettext(lang)
    table = Table(title=_("Settlement {contract} — {period}").format(contract=settlement.contract,
                                                                      period=settlement.period),
                  show_lines=explanations)
    for name, justify in (("#", "right"), (_("line"), "left"), (_("quantity"), "right"), (_("unit"), "left"),
                          (_("unit price"), "right"), (_("amount (€)"), "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for line in settlement.lines:
        label = f"{escape(line.label)}\n[dim]{escape(line.clause)}[/dim]"
        if explanations:
            label += f"\n[italic]{escape(explain(line, lang))}[/italic]"
        style = "red" if line.amount < 0 else ""
        amount = _money(line.amount, lang)
        table.add_row(str(line.number), label, _exact(line.quantity, lang), _word(UNITS, line.unit, lang),
                      _exact(line.unit_price, lang), f"[{style}]{amount}[/]" if style else amount)
    ht, ttc = _money(settlement.total_excluding_vat, lang), _money(settlement.total_including_vat, lang)
    table.add_row("", "[bold]" + _("Total excluding VAT") + "[/bold]", "", "", "", f"[bold]{ht}[/]")
    table.add_row("", _("VAT {rate}").format(rate=formats.percent(settlement.vat_rate, 1, lang)), "", "", "",
                  _money(settlement.vat, lang))
    table.add_row("", "[bold]" + _("Total including VAT") + "[/bold]", "", "", "", f"[bold]{ttc}[/]")
    return table


def _word(words: dict[str, str], code: str, lang: str) -> str:
    """A code's words in ``lang`` (the code itself when it has none)."""
    return cli_gettext(lang)(words[code]) if code in words else code


#: How a commitment was judged (the settlement's ``evaluation``).
EVALUATIONS = {"raw": N_("as measured"), "band_neutralised": N_("out-of-band intervals set aside"),
               "fair": N_("fair evaluation")}


def results_table(settlement: Settlement, lang: Language = "fr") -> Table:
    """The service commitments' results (axis 2), in ``lang``."""
    _ = cli_gettext(lang)
    table = Table(title=_("Service commitments (axis 2)"))
    for name in (_("commitment"), _("target"), _("as measured"), _("out of band set aside"), _("fair evaluation"),
                 _("judged on"), _("met")):
        table.add_column(name, justify="right")
    for r in settlement.service_results:
        def show(v: object, asa: bool = r.metric == "asa") -> str:
            if v is None:
                return "—"
            return f"{formats.number(Decimal(str(v)), 1, lang)} s" if asa else formats.percent(Decimal(str(v)), 2,
                                                                                               lang)
        met = "—" if r.met is None else ("[green]" + _("yes") + "[/]" if r.met else "[red]" + _("no") + "[/]")
        table.add_row(r.commitment, show(r.target), show(r.raw), show(r.band_neutralised), show(r.fair),
                      _word(EVALUATIONS, r.evaluation, lang) if r.status == "measured" else _("not measured"), met)
    return table


def _note(note: str, lang: Language) -> str:
    """A settlement note in ``lang``: the web's phrasebook reads the engine's English sentences back."""
    from charte.web.i18n import language
    from charte.web.phrases import phrase

    return phrase(note, language(lang))


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
    lang: LangOption = None,
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
    code: Language = chosen_language(lang)
    _ = cli_gettext(code)
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
        console.print("[red]" + _("No settlement for {month}: {count} problem(s)").format(
            month=month, count=len(exc.problems)) + "[/red]")
        for p in exc.problems:
            console.print(p.format(), markup=False, highlight=False)
        raise typer.Exit(1) from None
    for used in result.reference_data:
        console.print(_("reference data: {series} version {version}, values up to {last}").format(
            series=used.series, version=used.version[:12], last=used.last_known)
                      + (" — [bold yellow]" + _("ILLUSTRATIVE values: this settlement can never be invoiced") + "[/]"
                         if used.illustrative else ""), highlight=False)
    console.print(settlement_table(result, code))
    console.print(results_table(result, code))
    for note in result.notes:
        console.print("[yellow]" + _("note:") + f"[/yellow] {escape(_note(note, code))}", highlight=False)
    console.print(_("inputs SHA-256: {sha256}").format(sha256=result.inputs_sha256))
    if json_out is not None:
        write_settlement_json(result, json_out)
        console.print(f"JSON: {json_out}")
    if html_out is not None:
        render_settlement_report(result, html_out, contract_name=loaded.name, client=loaded.client.name,
                                 provider=loaded.provider.name, lang=code,
                                 notes=[_note(note, code) for note in result.notes])
        console.print(f"HTML: {html_out.resolve().as_uri()}")
