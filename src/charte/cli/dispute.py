"""``charte dispute``: recompute a settled month with stated changes and print the line differences (issue 16).

``charte dispute whatif`` runs the same engine as the web application's what-ifs
(:func:`charte.disputes.whatif`) on local files: the settlement JSON the invoice was issued from,
its contract and facts folder. ``charte dispute evidence`` lists what a what-if may refer to:
the incidents' identifiers and the forecast versions held. ``charte dispute remind`` tells the
participants of the web application's disputes of every answer now overdue.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from charte.cli.app import app
from charte.cli.language import LangOption, chosen_language, cli_gettext
from charte.disputes import IssuedSettlement, MonthEvidence, WhatIf, incident_ids, parse_changes, whatif
from charte.disputes.words import describe
from charte.domain import formats
from charte.domain.calendar import PARIS, CalendarError, Month
from charte.domain.messages import N_
from charte.io.contract_yaml import ContractInvalid, load_contract
from charte.io.dispute_files import corrected_reports, forecast_versions
from charte.io.settlement_files import settlement_facts
from charte.settle import SettlementError
from charte.settle.evidence import Evidence
from charte.settle.forecast_versions import select_forecasts

DISPUTE_HELP = ("Disputes: recompute a settled month with stated changes (what-if), list the evidence a what-if may "
                "cite, tell overdue answers.")

dispute_app = typer.Typer(name="dispute", help=DISPUTE_HELP,
                          no_args_is_help=True)
app.add_typer(dispute_app, name="dispute")

EVIDENCE_HELP = "Folder of facts the settlement was made from (interval_report, forecasts, staffing, incidents…)."


def _evidence(console: Console, contract: Path, period: Month, facts: Path, index: list[Path],
              reference: Path | None, forecast_files: list[Path], report_files: list[Path],
              settled: Evidence | None = None) -> MonthEvidence:
    """The month's evidence read as `charte settle` reads it (same facts folder, reference data, index files);
    ``settled``: the settlement's evidence block, when it was made from the register (part of its input hash)."""
    try:
        loaded = load_contract(contract)
        others = [s for f in forecast_files for s in forecast_versions(f)]
        corrected = [v for f in report_files for v in corrected_reports(f)]
        read = settlement_facts(facts, loaded, period, reference=reference, index_files=index)
        return MonthEvidence.of(loaded, period, read, other_forecasts=others, corrected_reports=corrected,
                                settled=settled)
    except ContractInvalid as exc:
        for problem in exc.problems:
            console.print(problem.format(), markup=False, highlight=False)
        raise typer.Exit(1) from None
    except SettlementError as exc:
        for p in exc.problems:
            console.print(p.format(), markup=False, highlight=False)
        raise typer.Exit(1) from None


def _register_evidence(console: Console, contract: Path, period: Month, db: str, settlement_text: str,
                       forecast_files: list[Path], report_files: list[Path]) -> MonthEvidence:
    """The month's evidence as a settlement made from the register read it (:func:`charte.store.replay.
    settled_facts`): the versions and reference series its evidence block names, with that block."""
    from charte.store.books import open_books
    from charte.store.replay import settled_facts

    try:
        loaded = load_contract(contract)
        others = [s for f in forecast_files for s in forecast_versions(f)]
        corrected = [v for f in report_files for v in corrected_reports(f)]
        books = open_books(db)
        try:
            read, settled = settled_facts(books.register(), settlement_text)
        finally:
            books.close()
        return MonthEvidence.of(loaded, period, read, other_forecasts=others, corrected_reports=corrected,
                                settled=settled)
    except ContractInvalid as exc:
        for problem in exc.problems:
            console.print(problem.format(), markup=False, highlight=False)
        raise typer.Exit(1) from None
    except SettlementError as exc:
        for p in exc.problems:
            console.print(p.format(), markup=False, highlight=False)
        raise typer.Exit(1) from None


def _split(text: str, sep: str, parts: int, option: str, expected: str) -> list[str]:
    found = text.split(sep, parts - 1)
    if len(found) != parts or not all(p.strip() for p in found):
        raise typer.BadParameter(f"{text!r}; expected {expected}", param_hint=option)
    return [p.strip() for p in found]


def changes_from_options(exclude_incident: list[str], include_incident: list[str], forecast_version: list[str],
                         evaluation: list[str], band: str | None, report_activities: list[tuple[str, str]],
                         index_value: list[str]) -> list[dict[str, Any]]:
    """The options as plain changes, in a stable order (validated by :func:`charte.disputes.parse_changes`)."""
    out: list[dict[str, Any]] = [{"change": "exclude_incident", "incident": i} for i in exclude_incident]
    for text in include_incident:
        activity, kind, side, start, end = _split(text, ",", 5, "--include-incident",
                                                  "activity,kind,side,START,END with zoned ISO instants")
        out.append({"change": "include_incident", "activity": activity, "kind": kind, "side": side, "start": start,
                    "end": end})
    for text in forecast_version:
        activity, horizon, issued_on = _split(text, ":", 3, "--forecast-version", "activity:horizon:YYYY-MM-DD")
        out.append({"change": "forecast_version", "activity": activity, "horizon": horizon, "issued_on": issued_on})
    for text in evaluation:
        commitment, mode = _split(text, "=", 2, "--evaluation", "commitment=raw|band_neutralised|fair")
        out.append({"change": "evaluation", "commitment": commitment, "evaluation": mode})
    if band is not None:
        under, over = _split(band, ",", 2, "--band", "UNDER,OVER such as 10%,15%")
        out.append({"change": "band", "under": under, "over": over})
    out += [{"change": "interval_report", "activity": a, "version": v} for a, v in report_activities]
    for text in index_value:
        key, value = _split(text, "=", 2, "--index-value", "series:YYYY-MM=value")
        series, month = _split(key, ":", 2, "--index-value", "series:YYYY-MM=value")
        out.append({"change": "index_value", "series": series, "month": month, "value": value})
    return out


#: A line's standing in the what-if, in words.
STATUSES = {"added": N_("added"), "removed": N_("removed"), "changed": N_("changed"), "unchanged": N_("unchanged")}


def differences_table(result: WhatIf, lang: str) -> Table:
    """Line by line, the invoice against the what-if, with the correcting document's totals, in ``lang``."""
    _ = cli_gettext(lang)

    def eur(value: Decimal) -> str:
        return formats.number(value, 2, lang)

    table = Table(title=_("What-if: line by line against the invoice (€, excluding VAT)"))
    for name, justify in ((_("line"), "left"), (_("invoiced"), "right"), (_("proposed"), "right"),
                          (_("difference"), "right"), (_("figures that changed"), "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for d in result.lines:
        figures = "; ".join(f"{f.name}: {f.issued} → {f.proposed}" for f in d.figures)
        style = "red" if d.difference < 0 else "green" if d.difference > 0 else ""
        diff = eur(d.difference)
        status = _(STATUSES.get(d.status, d.status))
        table.add_row(f"{escape(d.label)} [dim]({escape(status)})[/dim]\n[dim]{escape(d.clause)}[/dim]",
                      eur(d.issued_amount), eur(d.proposed_amount), f"[{style}]{diff}[/]" if style else diff,
                      escape(figures))
    totals = result.totals
    assert totals is not None
    table.add_row("[bold]" + _("Total excluding VAT") + "[/bold]", eur(totals.issued_excluding_vat),
                  eur(totals.proposed_excluding_vat), f"[bold]{eur(totals.difference)}[/bold]", "")
    rate = formats.percent(totals.vat_rate, 0, lang)
    credit = totals.difference < 0
    vat = (_("VAT of the credit note ({rate})") if credit else _("VAT of the supplementary invoice ({rate})"))
    total = _("Credit note, including VAT") if credit else _("Supplementary invoice, including VAT")
    table.add_row(vat.format(rate=rate), "", "", eur(totals.correction_vat), "")
    table.add_row(f"[bold]{escape(total)}[/bold]", "", "", f"[bold]{eur(totals.correction_including_vat)}[/bold]", "")
    return table


@dispute_app.command("whatif")
def whatif_command(
    settlement: Annotated[Path, typer.Option(help="The settlement JSON the invoice was issued from "
                                                  "(charte settle --json).")],
    contract: Annotated[Path, typer.Option(help="Contract YAML.")],
    facts: Annotated[Path | None, typer.Option(help=EVIDENCE_HELP + " Not with --db.")] = None,
    db: Annotated[str | None, typer.Option(
        help="The register of evidence the settlement was made from (charte settle --register; a SQLite file, a "
             "folder or a URL, as for `charte register`): the facts are the versions its evidence block names, "
             "read back from the register, instead of --facts.")] = None,
    index: Annotated[list[Path], typer.Option(help="Index values CSV given to `charte settle --index` for the "
                                                   "settlement (repeat for several).")] = [],  # noqa: B006
    reference: Annotated[Path | None, typer.Option(help="Reference values folder given to `charte settle "
                                                        "--reference` (default $CHARTE_REFERENCE or "
                                                        "./charte-reference).")] = None,
    exclude_incident: Annotated[list[str], typer.Option(
        help="Leave this incident out of the facts (its id: activity/kind/YYYY-MM-DDTHH:MMZ, see "
             "`charte dispute evidence`); its intervals are judged as measured. Repeatable.")] = [],  # noqa: B006
    include_incident: Annotated[list[str], typer.Option(
        help="Add an incident: activity,kind,side,START,END (side client|provider|none; instants with their "
             "zone, e.g. 2026-10-21T14:00+02:00). Repeatable.")] = [],  # noqa: B006
    forecast_version: Annotated[list[str], typer.Option(
        help="Use this forecast version on the periods it covers: activity:horizon:YYYY-MM-DD (its issue "
             "date). Repeatable.")] = [],  # noqa: B006
    forecast_file: Annotated[list[Path], typer.Option(
        help="A file of other forecast versions (the forecasts format: activity, horizon, issued_on, "
             "granularity, period_start, volume, aht_seconds), held but not read by the settlement.")] = [],  # noqa: B006
    evaluation: Annotated[list[str], typer.Option(
        help="Judge a commitment in another mode: commitment=raw|band_neutralised|fair. Repeatable.")] = [],  # noqa: B006
    band: Annotated[str | None, typer.Option(help="Another tolerance band: UNDER,OVER, e.g. 10%,20%.")] = None,
    interval_report: Annotated[list[Path], typer.Option(
        help="A corrected interval report (the interval_report format) replacing the activities it holds.")] = [],  # noqa: B006
    index_value: Annotated[list[str], typer.Option(
        help="Another index value: series:YYYY-MM=value, e.g. syntec:2026-07=321.4. Repeatable.")] = [],  # noqa: B006
    changes_file: Annotated[Path | None, typer.Option(
        "--changes", help="A JSON list of changes (the API's format) added to the options'.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the what-if as JSON.")] = False,
    lang: LangOption = None,
) -> None:
    """Re-settle the invoiced month with the stated changes and print, line by line, the difference with the
    invoice (amount, the figures behind it, the clause), the verdicts and the correcting document's totals."""
    console = Console()
    code = chosen_language(lang)
    _ = cli_gettext(code)
    try:
        document = json.loads(settlement.read_text(encoding="utf-8"))
        issued = IssuedSettlement.from_document(document)
        period = Month.parse(issued.period)
    except (OSError, ValueError, KeyError, CalendarError) as exc:
        console.print(f"{settlement}: expected a settlement JSON written by `charte settle --json`; {exc}",
                      markup=False)
        raise typer.Exit(2) from None
    if db is not None:
        evidence = _register_evidence(console, contract, period, db, settlement.read_text(encoding="utf-8"),
                                      forecast_file, interval_report)
    elif facts is None:
        console.print("give --facts (the folder the settlement was made from) or --db (the register it was made "
                      "from, for a settlement with an evidence block)", markup=False)
        raise typer.Exit(2)
    else:
        settled = Evidence.from_dict(document["evidence"]) if document.get("evidence") else None
        evidence = _evidence(console, contract, period, facts, index, reference, forecast_file, interval_report,
                             settled)
    reports = [(v.block.activity, v.version) for v in evidence.corrected_reports]
    data = changes_from_options(exclude_incident, include_incident, forecast_version, evaluation, band, reports,
                                index_value)
    if changes_file is not None:
        data += json.loads(changes_file.read_text(encoding="utf-8"))
    changes, problems = parse_changes(data)
    result = whatif(issued, evidence, changes) if not problems else WhatIf((), issued.inputs_sha256,
                                                                           problems=tuple(problems))
    if json_out:
        console.print_json(result.to_json())
        raise typer.Exit(0 if result.settled else 1)
    if not result.settled:
        console.print("[red]" + escape(_("No what-if for {month}: {count} problem(s)").format(
            month=period, count=len(result.problems))) + "[/red]")
        for p in result.problems:
            console.print(p.format(), markup=False, highlight=False)
        raise typer.Exit(1)
    for change in result.changes:
        console.print(f"• {describe(change, 'fr' if code == 'fr' else 'en')}", markup=False, highlight=False)
    console.print(differences_table(result, code))
    met, missed = _("met"), _("missed")
    for v in result.verdicts:
        if v.changed:
            console.print(_("{commitment}: {before} ({before_met}) → {after} ({after_met}); out-of-band intervals "
                            "{before_out} → {after_out}").format(
                commitment=v.commitment, before=_share(v.issued.get("result"), code),
                before_met=met if v.issued.get("met") else missed, after=_share(v.proposed.get("result"), code),
                after_met=met if v.proposed.get("met") else missed,
                before_out=v.issued.get("out_of_band_intervals"), after_out=v.proposed.get("out_of_band_intervals")),
                markup=False, highlight=False)
    assert result.proposed is not None
    console.print(_("invoice inputs SHA-256 {issued}; what-if inputs SHA-256 {proposed}").format(
        issued=issued.inputs_sha256, proposed=result.proposed.inputs_sha256), highlight=False)


def _share(value: object, lang: str) -> str:
    """A measured result as written in the settlement (a ratio) as a percentage in ``lang``; else as it is."""
    try:
        return formats.percent(Decimal(str(value)), 2, lang)
    except (InvalidOperation, ValueError):
        return str(value)


@dispute_app.command("evidence")
def evidence_command(
    contract: Annotated[Path, typer.Option(help="Contract YAML.")],
    facts: Annotated[Path, typer.Option(help=EVIDENCE_HELP)],
    period: Annotated[str, typer.Option(help="The settled month, YYYY-MM.")],
    forecast_file: Annotated[list[Path], typer.Option(help="Files of other forecast versions.")] = [],  # noqa: B006
    index: Annotated[list[Path], typer.Option(help="Index values CSV, as for `charte settle`.")] = [],  # noqa: B006
    reference: Annotated[Path | None, typer.Option(help="Reference values folder, as for `charte settle`.")] = None,
    lang: LangOption = None,
) -> None:
    """List what a what-if may refer to: each incident's id and every forecast version held for the month."""
    console = Console()
    _ = cli_gettext(chosen_language(lang))
    try:
        month = Month.parse(period)
    except CalendarError as exc:
        console.print(f"--period: {exc}", markup=False)
        raise typer.Exit(2) from None
    evidence = _evidence(console, contract, month, facts, index, reference, forecast_file, [])
    held = {id(s) for s in evidence.forecasts}
    _selected, uses = select_forecasts(evidence.contract.as_of(month.first_day), month, evidence.facts(), [])
    standing = {(u.activity, u.horizon, u.issued): f"{u.status}: {u.reason}" for u in uses}
    console.print(_("incidents (--exclude-incident):"), style="bold")
    for key, incident in incident_ids(evidence.incidents).items():
        console.print(f"  {key}  {incident.side}  {incident.description}", markup=False, highlight=False)
    console.print(_("forecast versions (--forecast-version):"), style="bold")
    for version, series in sorted(evidence.forecast_versions().items()):
        state = standing.get((series.activity, series.horizon, series.issued), _("in the facts")) \
            if id(series) in held else _("submitted apart, not in the facts")
        console.print("  " + _("{version}  {granularity}, {count} periods, {state}").format(
            version=version, granularity=series.granularity, count=series.volume_milli.size, state=state),
                      markup=False, highlight=False)


@dispute_app.command("remind")
def remind_command(
    data_dir: Annotated[Path | None, typer.Option(help="The web application's storage folder (default: "
                                                       "CHARTE_STORAGE_PATH, else ./charte-data).")] = None,
    today: Annotated[str | None, typer.Option(help="The day to judge deadlines on, YYYY-MM-DD (default: today, "
                                                   "Paris).")] = None,
) -> None:
    """Tell each dispute's participants, once, of every answer now overdue (run it daily, e.g. from cron). Reads
    CHARTE_DATABASE_URL, CHARTE_SMTP_URL and CHARTE_PUBLIC_URL like `charte serve`."""
    from charte.store import make_engine, migrate, session_factory
    from charte.web import WebSettings
    from charte.web.disputes import remind_overdue, send_all
    from charte.web.mail import Mailer

    console = Console()
    try:
        day = date.fromisoformat(today) if today else datetime.now(PARIS).date()
    except ValueError:
        console.print(f"--today: {today!r}; expected YYYY-MM-DD", markup=False)
        raise typer.Exit(2) from None
    settings = WebSettings(data_dir=data_dir) if data_dir is not None else WebSettings()
    engine = make_engine(settings.effective_database_url())
    migrate(engine)
    sessions = session_factory(engine)
    mails = remind_overdue(sessions, settings, day)
    send_all(sessions, Mailer(settings.smtp_url), mails, f"overdue {day.isoformat()}")
    console.print(f"{len(mails)} reminder(s) of overdue answers on {day.isoformat()}"
                  + ("" if settings.smtp_url else " (no CHARTE_SMTP_URL: written to the log)"), highlight=False)
