"""``charte telesales audit FILE... [--mapping M] [--contract C] [--bloctel LIST] [--salt S]``.

Also ``charte telesales hash-list`` (keep a Bloctel list as hashes) and ``hash-numbers`` (hash the
phone numbers of a dialer export before it is imported).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charte.cli.app import app

if TYPE_CHECKING:
    from charte.telesales.audit import AuditSettings
    from charte.telesales.bloctel import BloctelList

telesales_app = typer.Typer(help="Outbound campaigns audited against the telephone-selling rules.",
                            no_args_is_help=True)
app.add_typer(telesales_app, name="telesales")

SALT_HELP = "secret salt of the number hashes (default $CHARTE_NUMBER_SALT); never printed or stored"


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date; expected YYYY-MM-DD", param_hint=option) from None


def _imported(files: list[Path], mapping: str, activity: str | None, folder: Path) -> list[Path]:
    """Files converted by the importers (``charte.io``) into a throw-away facts store; its canonical Parquet files."""
    from charte.io.facts_store import FactsStore
    from charte.io.importing import import_file
    from charte.io.mapping import load_mapping

    chosen = load_mapping(mapping)
    store = FactsStore(folder)
    for file in files:
        result = import_file(file, chosen, store, organisation="telesales-audit", activity=activity)
        if result.report is not None and result.report.rows_rejected:
            typer.echo(f"{file}: {result.report.rows_rejected:,} of {result.report.rows_read:,} rows rejected by the "
                       "import and not audited (see `charte import` for the reasons)", err=True)
    return store.files("contact_record")


def _contract_settings(path: Path, lists: tuple[BloctelList, ...]) -> AuditSettings:
    from charte.io.contract_yaml import load_contract
    from charte.telesales.audit import settings_for_policy

    loaded = load_contract(path)
    policy = loaded.charter_2010.outbound_dialing if loaded.charter_2010 else None
    if policy is None:
        raise _fail(f"{path}: [no_outbound_dialing] the contract has no `charter_2010.outbound_dialing` clause; "
                    "expected one for an outbound campaign")
    return settings_for_policy(policy, loaded.law_overrides, lists)


@telesales_app.command("audit")
def audit_command(
    files: Annotated[list[Path], typer.Argument(help="outbound attempt records (canonical Parquet/CSV, or any "
                                                     "export with --mapping)")],
    mapping: Annotated[str | None, typer.Option("--mapping", "-m", help="mapping YAML file or shipped name")] = None,
    activity: Annotated[str | None, typer.Option(help="activity id, when the file does not carry it")] = None,
    contract: Annotated[Path | None, typer.Option(help="contract YAML: its outbound dialing policy and law "
                                                       "overrides apply (a stricter attempt limit)")] = None,
    bloctel: Annotated[list[Path] | None, typer.Option(help="Bloctel list (numbers in clear, hashed at once, or a "
                                                            "hashed .parquet); repeat for monthly lists")] = None,
    bloctel_date: Annotated[str | None, typer.Option(help="date of the (single) Bloctel list, YYYY-MM-DD; "
                                                          "default: from its file name")] = None,
    salt: Annotated[str | None, typer.Option(help=SALT_HELP, show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="report folder: findings.json, "
                                                                       "violations.parquet, totals.csv")] = None,
    csv: Annotated[bool, typer.Option("--csv", help="violations as CSV instead of Parquet")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the findings as JSON")] = False,
) -> None:
    """Check every outbound attempt against the rules in force on its date; exit 1 if any rule is violated."""
    from charte.io.contract_yaml import ContractInvalid
    from charte.telesales.audit import AuditInputError, AuditSettings, Verdict, audit_files
    from charte.telesales.bloctel import load_bloctel_list
    from charte.telesales.report import findings_payload, render_text, write_report

    secret = salt or os.environ.get("CHARTE_NUMBER_SALT", "")
    lists_given = bloctel or []
    if bloctel_date and len(lists_given) != 1:
        raise _fail("--bloctel-date applies to exactly one --bloctel list; date monthly lists by their file names")
    try:
        lists = tuple(load_bloctel_list(p, secret, _date(bloctel_date, "--bloctel-date")) for p in lists_given)
        settings = _contract_settings(contract, lists) if contract else AuditSettings(bloctel_lists=lists)
        with tempfile.TemporaryDirectory(prefix="charte-telesales-") as tmp:
            paths = _imported(files, mapping, activity, Path(tmp)) if mapping else list(files)
            if not paths:
                raise _fail("no attempt was imported; nothing to audit")
            result = audit_files(paths, settings)
            written = write_report(result, output, settings, "csv" if csv else "parquet") if output else []
            text = json.dumps(findings_payload(result, settings), indent=2, ensure_ascii=False) if as_json \
                else render_text(result)
    except (AuditInputError, ContractInvalid, ValueError, OSError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(text)
    for path in written:
        typer.echo(f"wrote {path}", err=True)
    if any(f.verdict is Verdict.VIOLATION for f in result.findings):
        raise typer.Exit(1)


@telesales_app.command("hash-list")
def hash_list_command(
    source: Annotated[Path, typer.Argument(help="Bloctel list with numbers in clear")],
    output: Annotated[Path, typer.Option("--output", "-o", help="hashed list to write (.parquet)")],
    list_date: Annotated[str | None, typer.Option("--date", help="the list's date, YYYY-MM-DD")] = None,
    salt: Annotated[str | None, typer.Option(help=SALT_HELP, show_default=False)] = None,
) -> None:
    """Hash a Bloctel list once and keep only the hashes (then the clear list can be deleted)."""
    from charte.telesales.bloctel import load_bloctel_list, save_hashed_list

    try:
        hashed = load_bloctel_list(source, salt or os.environ.get("CHARTE_NUMBER_SALT", ""), _date(list_date, "--date"))
        save_hashed_list(hashed, output)
    except (ValueError, OSError) as exc:
        raise _fail(str(exc)) from None
    skipped = f"; {len(hashed.rejected_lines)} lines were not numbers" if hashed.rejected_lines else ""
    typer.echo(f"{output}: {len(hashed.hashes):,} hashed numbers, list of {hashed.list_date}{skipped}")


@telesales_app.command("hash-numbers")
def hash_numbers_command(
    source: Annotated[Path, typer.Argument(help="dialer export (CSV) with phone numbers in clear")],
    output: Annotated[Path, typer.Option("--output", "-o", help="the same CSV with `number_hash` instead")],
    column: Annotated[str, typer.Option(help="column holding the phone number")],
    salt: Annotated[str | None, typer.Option(help=SALT_HELP, show_default=False)] = None,
    encoding: Annotated[str, typer.Option(help="encoding of the export (utf-8, cp1252…)")] = "utf-8",
) -> None:
    """Hash the phone numbers of an export before it is imported or audited; adds `consumer_department`."""
    from charte.telesales.bloctel import hash_numbers_file

    try:
        done = hash_numbers_file(source, output, column, salt or os.environ.get("CHARTE_NUMBER_SALT", ""),
                                 encoding=encoding)
    except (ValueError, OSError) as exc:
        raise _fail(str(exc)) from None
    bad = f"; lines without a readable number: {', '.join(map(str, done.bad_numbers[:20]))}" if done.bad_numbers else ""
    typer.echo(f"{output}: {done.rows:,} rows, numbers hashed{bad}")
