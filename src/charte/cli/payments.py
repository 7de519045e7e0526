"""``charte invoice``, ``charte payments``, ``charte ledger``, ``charte exit``: invoices, payments and late
interest, the ledger's own check, end of contract.

Invoices and payments are kept in the ledger database (``--db``: ``charte.db`` in the working
folder by default, a folder, or a ``postgresql://`` URL; see :mod:`charte.store.books`).
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from charte.cli.app import app
from charte.cli.language import LangOption, chosen_language, cli_gettext
from charte.domain import formats
from charte.domain.calendar import PARIS
from charte.domain.cells import inert_record
from charte.domain.money import D, MoneyError
from charte.exit import NoticeError, assess_notice, ramp_down_plan
from charte.io.cdar import write_cdar_messages
from charte.io.contract_yaml import ContractInvalid, load_contract
from charte.io.einvoicing import DocumentRefusedError
from charte.io.einvoicing.documents import gate_document
from charte.payments import (
    Invoice,
    InvoiceError,
    LedgerError,
    RateBook,
    ReferenceRateError,
    credit_note_for,
    invoice_from_settlement_json,
    load_rates_csv,
)
from charte.payments.ledger import DEFAULT_SERIES
from charte.payments.lifecycle import LifecycleError, Status, StatusEvent
from charte.reports.invoice_pdf import write_invoice_files
from charte.store.books import Books, open_books
from charte.store.ledger import paris_today

invoice_app = typer.Typer(help="Issue invoices and credit notes (Factur-X PDF, CII and UBL XML, XLSX) into a "
                                 "provider's ledger once the official e-invoicing rules accept them; their "
                                 "lifecycle statuses and CDAR messages.",
                          no_args_is_help=True)
payments_app = typer.Typer(help="Payments, days late and late interest per invoice (L441-10).",
                           invoke_without_command=True)
ledger_app = typer.Typer(help="The invoice ledger itself: check that no entry was changed or deleted.",
                         no_args_is_help=True)
exit_app = typer.Typer(help="End of contract: notice and ramp-down plan (axis 7).", no_args_is_help=True)
app.add_typer(invoice_app, name="invoice")
app.add_typer(payments_app, name="payments")
app.add_typer(ledger_app, name="ledger")
app.add_typer(exit_app, name="exit")

DB_HELP = ("ledger database: a SQLite file (default charte.db in the working folder), a folder (its charte.db) or a "
           "postgresql:// URL; $CHARTE_DB")
FILES_HELP = "folder of the ledger's witness copies (default: beside the SQLite file, <name>-files/)"
DbOpt = Annotated[str | None, typer.Option("--db", "--ledger", envvar="CHARTE_DB", help=DB_HELP)]
FilesOpt = Annotated[Path | None, typer.Option("--files", envvar="CHARTE_FILES", help=FILES_HELP)]


def _day(text: str, option: str, console: Console) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        console.print(f"{option}: {text!r} is not a date; expected YYYY-MM-DD", markup=False)
        raise typer.Exit(2) from None


def _fail(console: Console, error: Exception) -> typer.Exit:
    console.print(str(error), markup=False, style="red")
    return typer.Exit(1)


def _books(db: str | None, files: Path | None) -> Books:
    return open_books(db, files)


@invoice_app.command("issue")
def issue_command(
    out: Annotated[Path, typer.Option(help="Folder for the PDF, the CII and UBL XML and the XLSX.")],
    db: DbOpt = None,
    files: FilesOpt = None,
    contract: Annotated[Path | None, typer.Option(help="Contract YAML.")] = None,
    settlement: Annotated[Path | None, typer.Option(help="Settlement JSON (charte settle --json).")] = None,
    issue_date: Annotated[str | None, typer.Option("--date", help="Issue date YYYY-MM-DD (default: today, Paris); "
                                                                  "never in the future, never before the month's "
                                                                  "end.")] = None,
    series: Annotated[str, typer.Option(help="Numbering series (a gap-free sequence per provider and series).")] = (
        DEFAULT_SERIES),
    demo: Annotated[bool, typer.Option(help="Issue the demo month's invoice (runs charte demo into --out); a "
                                            "specimen, never numbered, when the demo's month rests on illustrative "
                                            "index values.")] = False,
    lang: LangOption = None,
) -> None:
    """Issue the invoice of a settled month: next number of the provider's sequence, then its files.

    Refused (exit 1, nothing recorded) when the month or the settlement is already invoiced (the
    existing number is named), the date is in the future or before the month's end, or the
    ledger does not vouch for itself. The invoice itself is a French document (the legal original); --lang sets
    the language of what the command prints.
    """
    console = Console(soft_wrap=True)
    code = chosen_language(lang)
    _ = cli_gettext(code)
    if demo:
        from charte.demo.run import run_demo

        result = run_demo(out)
        console.print(_("demo invoice: {files} in {folder}").format(
            files=", ".join(result.invoice_files) or _("none"), folder=out), markup=False)
        return
    if contract is None or settlement is None:
        console.print(_("give --contract and --settlement (or --demo)"), markup=False)
        raise typer.Exit(2)
    day = _day(issue_date, "--date", console) if issue_date else paris_today()
    try:
        terms = load_contract(contract)
        draft = invoice_from_settlement_json(terms, json.loads(settlement.read_text(encoding="utf-8")), day)
        books = _books(db, files)
        issued = books.ledger(terms.provider.siren).issue(draft, gate_document, series=series)
    except ContractInvalid as exc:
        for problem in exc.problems:
            console.print(problem.format(), markup=False)
        raise typer.Exit(1) from None
    except (InvoiceError, LedgerError, KeyError, ValueError) as exc:
        raise _fail(console, exc) from None
    written = _write(console, issued, out, code)
    for note in issued.notes:
        console.print(note, markup=False, style="yellow")
    console.print(_("issued {number} of {day} — {amount} incl. VAT, due {due}: {files} in {folder} (ledger "
                    "{ledger})").format(number=issued.number, day=formats.day(issued.issue_date, code),
                                        amount=formats.money(issued.total_including_vat, code),
                                        due=formats.day(issued.payment.due_date, code), files=", ".join(written),
                                        folder=out, ledger=books.where), markup=False)


def _write(console: Console, issued: Invoice, out: Path, lang: str = "en") -> tuple[str, ...]:
    try:
        return write_invoice_files(issued, out)
    except FileExistsError as exc:
        console.print(cli_gettext(lang)("recorded in the ledger, but its files were not written: {reason}; write "
                                        "them elsewhere with `charte invoice files`").format(reason=exc),
                      markup=False, style="yellow")
        return ()


@invoice_app.command("credit-note")
def credit_note_command(
    provider: Annotated[str, typer.Option(help="Provider SIREN (the ledger's).")],
    invoice: Annotated[str, typer.Option(help="Number of the invoice to correct.")],
    reason: Annotated[str, typer.Option(help="What the credit note corrects.")],
    out: Annotated[Path, typer.Option(help="Folder for the PDF, the CII and UBL XML and the XLSX.")],
    db: DbOpt = None,
    files: FilesOpt = None,
    issue_date: Annotated[str | None, typer.Option("--date", help="Issue date YYYY-MM-DD (default: today).")] = None,
    line: Annotated[list[int] | None, typer.Option(help="Credit this line of the invoice (repeatable).")] = None,
    amount: Annotated[str | None, typer.Option(help="Credit this amount, EUR excluding VAT (e.g. 250.00).")] = None,
) -> None:
    """Credit an issued invoice: in full, some of its lines (--line) or an amount (--amount), naming the invoice's
    number and date (BT-25, BT-26); checked by the official e-invoicing rules before it is numbered; never more
    than the invoice."""
    console = Console(soft_wrap=True)
    day = _day(issue_date, "--date", console) if issue_date else paris_today()
    try:
        book = _books(db, files).ledger(provider)
        original = book.document(invoice)
        note = credit_note_for(original, day, reason, lines=line or None, amount=amount)
        issued = book.issue(note, gate_document)
    except (InvoiceError, LedgerError, DocumentRefusedError, MoneyError) as exc:
        raise _fail(console, exc) from None
    written = _write(console, issued, out)
    console.print(f"issued credit note {issued.number} on {invoice} — {issued.total_including_vat} EUR incl. VAT: "
                  f"{', '.join(written)} in {out} (naming {invoice} of {original.issue_date})", markup=False)


@invoice_app.command("files")
def files_command(
    provider: Annotated[str, typer.Option(help="Provider SIREN (the ledger's).")],
    number: Annotated[str, typer.Argument(help="Number of an issued invoice or credit note.")],
    out: Annotated[Path, typer.Option(help="Folder for the PDF, the CII and UBL XML and the XLSX.")],
    db: DbOpt = None,
    files: FilesOpt = None,
) -> None:
    """Write again the files of an issued document, from the ledger (e.g. after a crash while writing them)."""
    console = Console(soft_wrap=True)
    try:
        document = _books(db, files).ledger(provider).document(number)
        written = write_invoice_files(document, out)
    except (LedgerError, FileExistsError) as exc:
        raise _fail(console, exc) from None
    console.print(f"{number}: {', '.join(written)} in {out}", markup=False)


def _at(text: str | None, console: Console) -> datetime:
    if text is None:
        return datetime.now(PARIS)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        console.print(f"--at: {text!r} is not a date-time; expected e.g. 2026-11-10T14:30+01:00", markup=False)
        raise typer.Exit(2) from None
    if moment.tzinfo is None:
        console.print(f"--at: {text!r} has no time zone; expected e.g. 2026-11-10T14:30+01:00", markup=False)
        raise typer.Exit(2)
    return moment


@invoice_app.command("status")
def status_command(
    provider: Annotated[str, typer.Option(help="Provider SIREN (the ledger's).")],
    invoice: Annotated[str, typer.Option(help="Invoice or credit note number.")],
    db: DbOpt = None,
    files: FilesOpt = None,
    status: Annotated[str | None, typer.Option(help="Record this status: code or name, e.g. 210 or refusee "
                                                    "(204 prise en charge, 205 approuvee, 206, 207 en litige, "
                                                    "208 suspendue, 210 refusee, 211 paiement transmis, "
                                                    "213 rejetee).")] = None,
    reason_code: Annotated[str | None, typer.Option(help="Reason code the standard lists for the status, e.g. "
                                                         "TX_TVA_ERR (needed by 206, 207, 208, 210, 213).")] = None,
    reason: Annotated[str, typer.Option(help="Reason in words.")] = "",
    at: Annotated[str | None, typer.Option(help="When, with its zone (default: now, Europe/Paris).")] = None,
    cdar: Annotated[Path | None, typer.Option(help="Write each status as a CDAR message (XML) in this folder, "
                                                   "checked by the official CDV rules.")] = None,
) -> None:
    """An invoice's lifecycle (Déposée, Rejetée, Refusée, Encaissée…): record a status (chained in the ledger),
    show the history, write the CDAR messages the accredited platforms exchange."""
    console = Console()
    try:
        book = _books(db, files).ledger(provider)
        document = book.document(invoice)
        if status is not None:
            book.record_status(StatusEvent(invoice, Status.parse(status), _at(at, console),
                                           reason_code.strip().upper() if reason_code else None, reason.strip()))
        events = book.lifecycle(document)
    except (LedgerError, LifecycleError) as exc:
        raise _fail(console, exc) from None
    for event in events:
        console.print(_history_line(event), markup=False, soft_wrap=True)
    if cdar is not None:
        try:
            names = write_cdar_messages(events, document, cdar)
        except DocumentRefusedError as exc:
            raise _fail(console, exc) from None
        console.print(f"{len(names)} CDAR message(s) in {cdar}, each valid (CDAR XSD, BR-FR CDV)", markup=False)


def _history_line(event: StatusEvent) -> str:
    amount = f" {event.amount:,.2f} EUR" if event.amount is not None else ""
    why = f" ({event.reason_code}: {event.reason_words()})" if event.reason_code else (
        f" ({event.reason})" if event.reason else "")
    return (f"{event.invoice} {event.at.astimezone(PARIS).strftime('%Y-%m-%d %H:%M')} {event.status.code} "
            f"{event.status.name_fr}{amount}{why}")


def _rates(path: Path | None) -> RateBook:
    """The shipped rates, the user's reference folder (``charte reference add``) and a ``--rates`` CSV."""
    from charte.io.reference_data import ReferenceDataError, load_book

    try:
        book = RateBook(load_book())
    except ReferenceDataError as error:
        raise ReferenceRateError("reference_data_invalid", str(error)) from None
    return book.extended(load_rates_csv(path)) if path else book


@payments_app.callback()
def payments_command(
    ctx: typer.Context,
    db: DbOpt = None,
    files: FilesOpt = None,
    provider: Annotated[str | None, typer.Option(help="Provider SIREN.")] = None,
    as_of: Annotated[str | None, typer.Option(help="Date YYYY-MM-DD (default: today).")] = None,
    rates: Annotated[Path | None, typer.Option(
        help="CSV adding ECB / legal interest rates for this run: table,half_year_start,rate,source (table ecb_mro "
             "or legal_interest_professional, a 1 January or 1 July, rate 2.40% or 0.024), or the reference format "
             "of `charte reference --help`. Values added with `charte reference add` are always read.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Per invoice (read from the ledger): due date, paid, outstanding, days late, interest owed, indemnity, and
    its lifecycle statuses (Déposée, Encaissée with the amount received, Refusée…)."""
    if ctx.invoked_subcommand is not None:
        return
    console = Console(soft_wrap=True)
    if provider is None:
        console.print("give --provider (the provider's SIREN)", markup=False)
        raise typer.Exit(2)
    day = _day(as_of, "--as-of", console) if as_of else paris_today()
    try:
        book = _books(db, files).ledger(provider)
        statement = book.statement(day, _rates(rates))
        histories = {d.number: [e for e in book.lifecycle(d) if e.at.date() <= day]
                     for d in book.documents() if d.kind == "invoice"}
    except (LedgerError, ReferenceRateError) as exc:
        raise _fail(console, exc) from None
    if as_json:
        sys.stdout.write(json.dumps([{
            "invoice": s.number, "issue_date": s.issue_date.isoformat(), "due_date": s.due_date.isoformat(),
            "total": str(s.total), "credited": str(s.credited), "paid": str(s.paid), "outstanding": str(s.outstanding),
            "days_late": s.days_late, "interest": str(s.interest), "indemnity": str(s.indemnity),
            "lifecycle": [{"at": e.at.isoformat(), "code": e.status.code, "status": e.status.name_fr,
                           "reason_code": e.reason_code, "reason": e.reason,
                           "amount": None if e.amount is None else str(e.amount)} for e in histories[s.number]],
        } for s in statement], indent=2) + "\n")
        return
    table = Table(title=f"Payments of {provider} as of {day.isoformat()}")
    for name in ("invoice", "issued", "due", "total", "credited", "paid", "outstanding", "days late", "interest",
                 "indemnity", "status"):
        table.add_column(name, justify="left" if name in ("invoice", "issued", "due", "status") else "right")
    for s in statement:
        last = histories[s.number][-1] if histories[s.number] else None
        table.add_row(s.number, s.issue_date.isoformat(), s.due_date.isoformat(), f"{s.total:,.2f}",
                      f"{s.credited:,.2f}", f"{s.paid:,.2f}", f"{s.outstanding:,.2f}", str(s.days_late),
                      f"{s.interest:,.2f}", f"{s.indemnity:,.2f}",
                      f"{last.status.code} {last.status.name_fr}" if last else "")
    console.print(table)
    console.print("Lifecycle (AFNOR XP Z12-012 statuses):", markup=False)
    for s in statement:
        for event in histories[s.number]:
            console.print("  " + _history_line(event), markup=False, soft_wrap=True)


@payments_app.command("record")
def record_command(
    provider: Annotated[str, typer.Option(help="Provider SIREN.")],
    invoice: Annotated[str, typer.Option(help="Invoice number.")],
    on: Annotated[str, typer.Option("--date", help="Payment date YYYY-MM-DD.")],
    amount: Annotated[str, typer.Option(help="Amount received, EUR (e.g. 1200.50).")],
    db: DbOpt = None,
    files: FilesOpt = None,
    reference: Annotated[str, typer.Option(help="Bank reference.")] = "",
) -> None:
    """Record a (partial) payment; refused payments record nothing and exit 1."""
    console = Console(soft_wrap=True)
    day = _day(on, "--date", console)
    try:
        value = D(amount)
        payment = _books(db, files).ledger(provider).record_payment(invoice, day, value, reference)
    except (LedgerError, MoneyError) as exc:
        raise _fail(console, exc) from None
    console.print(f"recorded {payment.amount} EUR on {payment.invoice} dated {payment.on}", markup=False)


@ledger_app.command("verify")
def ledger_verify_command(
    db: DbOpt = None,
    files: FilesOpt = None,
    provider: Annotated[list[str] | None, typer.Option(help="Provider SIREN (repeatable; default: every ledger "
                                                            "in the database).")] = None,
) -> None:
    """Recompute every ledger's hash chain: exit 0 when no entry was changed, deleted or added outside the ledger,
    1 listing each break (entry, what was expected, what was found)."""
    from sqlalchemy import select

    from charte.store.chain import ChainHeadRow
    from charte.store.ledger import LedgerEntryRow

    console = Console(soft_wrap=True)
    books = _books(db, files)
    names = list(provider or [])
    if not names:  # every ledger with an entry, a chain head or witness copies: deleting every entry shows
        with books.engine.connect() as connection:
            found = set(connection.execute(select(LedgerEntryRow.book).distinct()).scalars())
            found |= {c.removeprefix("ledger:") for c in connection.execute(select(ChainHeadRow.chain)).scalars()
                      if c.startswith("ledger:")}
        witnesses = books.files / "ledger"
        found |= {p.name for p in witnesses.iterdir() if p.is_dir()} if witnesses.is_dir() else set()
        names = sorted(found)
    if not names:
        console.print(f"no ledger in {books.where}", markup=False)
        return
    broken = 0
    for name in names:
        ledger = books.ledger(name)
        breaks = ledger.verify()
        with books.engine.connect() as connection:
            count = connection.execute(select(LedgerEntryRow.position).where(LedgerEntryRow.book == name)).all()
        if not breaks:
            console.print(f"ledger {name}: {len(count)} entries, chain intact", markup=False)
        for b in breaks:
            broken += 1
            console.print(f"ledger {name}: entry {b.position}: [{b.code}] {b.message}", markup=False, style="red")
    if broken:
        raise typer.Exit(1)


@exit_app.command("plan")
def exit_plan_command(
    contract: Annotated[Path, typer.Option(help="Contract YAML.")],
    notice_date: Annotated[str, typer.Option(help="Day notice is given, YYYY-MM-DD.")],
    baseline: Annotated[list[str] | None, typer.Option(help="activity=monthly volume, repeatable.")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the ramp-down table here.")] = None,
) -> None:
    """Notice owed (L442-1 II) and the month-by-month ramp-down table."""
    console = Console(soft_wrap=True)
    day = _day(notice_date, "--notice-date", console)
    volumes: dict[str, Decimal] = {}
    for item in baseline or []:
        name, _, value = item.partition("=")
        try:
            volumes[name.strip()] = D(value)
        except MoneyError:
            console.print(f"--baseline {item!r}: expected activity=volume, e.g. service-inbound=42000", markup=False)
            raise typer.Exit(2) from None
    try:
        terms = load_contract(contract)
        notice = assess_notice(terms, day)
        plan = ramp_down_plan(terms, day, volumes)
    except ContractInvalid as exc:
        for problem in exc.problems:
            console.print(problem.format(), markup=False)
        raise typer.Exit(1) from None
    except NoticeError as exc:
        raise _fail(console, exc) from None
    console.print(f"notice of {notice.contractual} given {day} ends on {notice.ends_on}; relationship "
                  f"{notice.relationship_years:.1f} years since {notice.relationship_since}; owed "
                  f"{notice.owed_months:.1f} months ({notice.per_year_source}; safe harbour "
                  f"{notice.safe_harbour_months} months)", markup=False)
    for code, message in notice.findings:
        console.print(f"[{code}] {message}", markup=False, style="yellow")
    rows = plan.rows()
    table = Table(title=f"Ramp-down ({plan.profile}, minimum volume {plan.minimum_volume:.0%}, "
                        f"minimum billing {plan.floor:.0%})")
    columns = list(rows[0]) if rows else []
    for name in columns:
        table.add_column(name)
    for row in rows:
        table.add_row(*(row.get(c, "") for c in columns))
    console.print(table)
    if csv_out is not None:
        with csv_out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(inert_record(r) for r in rows)
        console.print(f"ramp-down table written to {csv_out}", markup=False)
