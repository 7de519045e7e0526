"""``charte register``: submit facts to the register of evidence, list their versions, check the register;
``charte verify``: replay a settlement from the register, as a mediator does.

The register lives in the same database as the ledger (``--db``, ``charte.db`` in the working
folder by default; :mod:`charte.store.books`).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from getpass import getuser
from pathlib import Path
from socket import gethostname
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from charte.cli.app import app
from charte.cli.payments import DbOpt, FilesOpt
from charte.domain.calendar import CalendarError, Month
from charte.io.contract_yaml import ContractInvalid, load_contract
from charte.io.evidence import FACT_KINDS, EvidenceRejected
from charte.store.books import open_books
from charte.store.register import standings
from charte.store.replay import replay

register_app = typer.Typer(help="The register of evidence: each party's facts per contract and month, timestamped, "
                                "kept under their hash, never overwritten.", no_args_is_help=True)
app.add_typer(register_app, name="register")

KINDS_HELP = "; ".join(f"{k.name} ({k.owner}: {', '.join('.' + f for f in k.formats)})" for k in FACT_KINDS.values())


def _month(text: str, console: Console) -> Month:
    try:
        return Month.parse(text)
    except CalendarError as exc:
        console.print(f"--period: {exc}", markup=False)
        raise typer.Exit(2) from None


@register_app.command("submit")
def submit_command(
    file: Annotated[Path, typer.Argument(help="The file of facts (canonical columns: see the README).")],
    contract: Annotated[Path, typer.Option(help="Contract YAML the facts are for.")],
    period: Annotated[str, typer.Option(help="Month the facts are for, YYYY-MM.")],
    kind: Annotated[str, typer.Option(help=f"Kind of fact: {KINDS_HELP}.")],
    party: Annotated[str, typer.Option("--as", help="Who submits: client or provider.")],
    by: Annotated[str | None, typer.Option(help="Person or system submitting (default: user@host).")] = None,
    declared_at: Annotated[str | None, typer.Option(
        help="Submission instant declared by the submitter (ISO 8601 with its zone), for files loaded afterwards; "
             "recorded as declared, not witnessed by the register's clock.")] = None,
    db: DbOpt = None,
    files: FilesOpt = None,
) -> None:
    """Submit a file: checked, kept under its SHA-256, recorded as the next version with the register's time.

    Refused (exit 1, nothing kept) when the party does not own this kind of fact or the file is not what
    its kind expects (every problem listed).
    """
    console = Console(soft_wrap=True)
    month = _month(period, console)
    at = None
    if declared_at:
        try:
            at = datetime.fromisoformat(declared_at.replace("Z", "+00:00"))
        except ValueError:
            console.print(f"--declared-at: {declared_at!r} is not an ISO 8601 instant", markup=False)
            raise typer.Exit(2) from None
    try:
        terms = load_contract(contract)
    except ContractInvalid as exc:
        for problem in exc.problems:
            console.print(problem.format(), markup=False)
        raise typer.Exit(1) from None
    if not file.is_file():
        console.print(f"{file}: no such file", markup=False)
        raise typer.Exit(2)
    books = open_books(db, files)
    try:
        submission, added = books.register().submit_file(
            file, contract=terms, contract_key=terms.id, period=month, kind=kind, party=party,
            submitted_by=by or f"{getuser()}@{gethostname()}", declared_at=at)
    except EvidenceRejected as exc:
        console.print(f"{file}: refused; nothing was kept", markup=False, style="red")
        for rejected in exc.problems:
            console.print(rejected.format(), markup=False, highlight=False)
        raise typer.Exit(1) from None
    what = "recorded" if added else "already the latest version; nothing added"
    console.print(f"{file.name}: {kind} v{submission.version} for {terms.id} {month} — {what}; sha256 "
                  f"{submission.sha256}, submitted {submission.submitted_at} ({submission.time_source}) by "
                  f"{submission.party} {submission.submitted_by} (register {books.where})", markup=False)


@register_app.command("list")
def list_command(
    contract: Annotated[Path, typer.Option(help="Contract YAML (or the contract's id).")],
    period: Annotated[str | None, typer.Option(help="Month YYYY-MM (default: every month).")] = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind of fact.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOpt = None,
    files: FilesOpt = None,
) -> None:
    """Every version submitted, newest first: late and superseded versions included, each with its standing."""
    console = Console(soft_wrap=True)
    terms = None
    if contract.is_file():
        try:
            terms = load_contract(contract)
        except ContractInvalid as exc:
            for problem in exc.problems:
                console.print(problem.format(), markup=False)
            raise typer.Exit(1) from None
    key = terms.id if terms is not None else str(contract)
    if period is not None:
        _month(period, console)
    register = open_books(db, files).register()
    rows = standings(terms, register.versions(key, period, kind), register)
    if as_json:
        sys.stdout.write(json.dumps([{**r.submission.payload(), "standing": r.standing, "detail": r.detail,
                                      "deadline": r.deadline} for r in rows], indent=1, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"Register of {key}" + (f" — {period}" if period else ""))
    for name in ("month", "kind", "v", "file", "sha256", "submitted (Paris)", "by", "standing"):
        table.add_column(name)
    for r in rows:
        s = r.submission
        source = "" if s.time_source == "clock" else f" ({s.time_source})"
        table.add_row(s.period, s.kind, str(s.version), s.file_name, s.sha256[:12] + "…", r.local_time + source,
                      f"{s.party}: {s.submitted_by}", f"{r.standing}: {r.detail}")
    console.print(table)


@register_app.command("verify")
def register_verify_command(
    contract: Annotated[list[str] | None, typer.Option(help="Contract id (repeatable; default: all).")] = None,
    db: DbOpt = None,
    files: FilesOpt = None,
) -> None:
    """Recompute each contract's chain of submissions and the hash of every kept file: exit 0 when intact, 1
    listing each break."""
    from sqlalchemy import select

    from charte.store.register import EvidenceRow

    console = Console(soft_wrap=True)
    books = open_books(db, files)
    register = books.register()
    keys = list(contract or [])
    if not keys:
        with books.engine.connect() as connection:
            keys = sorted(connection.execute(select(EvidenceRow.contract_key).distinct()).scalars())
    broken = 0
    for key in keys:
        breaks = register.verify(key)
        for b in breaks:
            console.print(f"register {key}: entry {b.position}: [{b.code}] {b.message}", markup=False, style="red")
        broken += len(breaks)
        if not breaks:
            console.print(f"register {key}: {len(register.versions(key))} submissions, chain and files intact",
                          markup=False)
    if broken:
        raise typer.Exit(1)


@app.command("verify")
def verify_command(
    settlement: Annotated[Path, typer.Argument(help="A settlement JSON made from the register "
                                                    "(charte settle --register --json …, or charte demo's).")],
    db: DbOpt = None,
    files: FilesOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
) -> None:
    """Replay a settlement: fetch the evidence it names from the register, recompute, compare byte for byte.

    Exit 0 when the recomputed settlement is byte-identical; 1 with the differing lines (a unified diff,
    software versions included) or with what the register does not confirm.
    """
    console = Console(soft_wrap=True)
    try:
        text = settlement.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        console.print(f"{settlement}: {exc}", markup=False)
        raise typer.Exit(2) from None
    books = open_books(db, files)
    outcome = replay(books.register(), text, name=settlement.name)
    if as_json:
        sys.stdout.write(json.dumps(outcome.as_dict(), indent=1, ensure_ascii=False) + "\n")
    else:
        for problem in outcome.problems:
            console.print(problem.format(), markup=False, style="red", highlight=False)
        for line in outcome.differences:
            style = "red" if line.startswith("-") else "green" if line.startswith("+") else None
            console.print(line, markup=False, style=style, highlight=False)
        if outcome.identical:
            console.print(f"{settlement}: recomputed from the register ({books.where}): byte-identical", markup=False)
        elif not outcome.problems:
            console.print(f"{settlement}: the recomputed settlement differs ({len(outcome.differences)} diff lines)",
                          markup=False, style="red")
    if not outcome.identical:
        raise typer.Exit(1)
