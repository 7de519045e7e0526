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
from charte.cli.engine_options import EngineOption, SparkConfOption, SparkMasterOption, connect, engine_choice
from charte.cli.language import LangOption, chosen_language

if TYPE_CHECKING:
    from charte.telesales.audit import AuditSettings
    from charte.telesales.bloctel import BloctelList

telesales_app = typer.Typer(help="Outbound campaigns audited against the telephone-selling rules.",
                            no_args_is_help=True)
app.add_typer(telesales_app, name="telesales")

ATTEMPTS_FORMAT = """
The attempts file: one row per dialed attempt, Parquet or CSV, canonical
columns — or any export with --mapping (shipped: vicidial-call-export,
asterisk-cdr; hash its numbers first with `charte telesales hash-numbers`).

\b
contact_id       required; the attempt's own stable key, unique
                 (empty or repeated keys are refused)
arrived_at       required; dial time, ISO 8601 with its UTC offset
                 (2026-03-10T09:30:00+01:00) or Parquet TIMESTAMPTZ;
                 a time without offset needs --zone (never read as UTC)
channel          voice_outbound (other rows are left out)
consumer_hash    salted hash of the consumer (frequency, refusals)
number_hash      salted hash of the dialed number (Bloctel)
consumer_department  01..95, 2A, 2B, 971..978, 986..988, RE, YT…:
                 the consumer's zone and holidays (empty: metropolitan)
refused          yes/no, true/false, 1/0, oui/non: refused further calls
consent_ref      prior consent to prospecting (loi 2025-594)
hours_consent_ref  express prior consent to calls outside the hours
                 and days (D. 223-9, second paragraph)
dial_mode        manual, preview, progressive, predictive or
                 automated_message (any case, spaces, dashes)
campaign, team, professional: text; contract_in_progress: yes/no

\b
Exit codes: 0 every checked rule conforms; 1 violations found;
2 bad input (file, mapping, list, or bad cells reported as
file:row: `column` …): nothing was audited.
"""

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


def _zone_name(zone: str | None) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if zone is None:
        return None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(f"--zone {zone!r} is not a time zone; expected e.g. Europe/Paris") from None
    return zone


@telesales_app.command("audit", epilog=ATTEMPTS_FORMAT)
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
    zone: Annotated[str | None, typer.Option(help="time zone of attempt times written without a UTC offset, "
                                                  "e.g. Europe/Paris (without it such times are refused)")] = None,
    local_holidays: Annotated[bool, typer.Option(
        "--local-holidays/--national-holidays",
        help="also treat the consumer's local public holidays as closed days (Alsace-Moselle: Good Friday, "
             "26 December; overseas: abolition of slavery). D. 223-9 names only Code du travail L3133-1's "
             "national list, the default")] = False,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
    spark_conf: SparkConfOption = None,
    lang: LangOption = None,
) -> None:
    """Check every outbound attempt against the rules in force on its date.

    Exit 0 when every checked rule conforms, 1 when violations are found, 2 on bad input.
    """
    import dataclasses

    from charte.io.contract_yaml import ContractInvalid
    from charte.measure.engines import engine_errors
    from charte.telesales.audit import AuditInputError, AuditSettings, Verdict, audit_files
    from charte.telesales.bloctel import load_bloctel_list
    from charte.telesales.report import findings_payload, render_text, write_report

    choice = engine_choice(engine, spark_master, spark_conf)
    if mapping and choice.engine != "duckdb":
        raise _fail("--mapping converts the export on this machine; with --engine spark convert it first "
                    "(charte import FILE --mapping M --store DIR) and audit the stored files, where the executors "
                    "read them")
    secret = salt or os.environ.get("CHARTE_NUMBER_SALT", "")
    lists_given = bloctel or []
    if bloctel_date and len(lists_given) != 1:
        raise _fail("--bloctel-date applies to exactly one --bloctel list; date monthly lists by their file names")
    try:
        lists = tuple(load_bloctel_list(p, secret, _date(bloctel_date, "--bloctel-date")) for p in lists_given)
        settings = _contract_settings(contract, lists) if contract else AuditSettings(bloctel_lists=lists)
        settings = dataclasses.replace(settings, input_zone=_zone_name(zone), local_holidays=local_holidays)
        for listed in lists:
            if listed.rejected_lines:
                lines = ", ".join(map(str, listed.rejected_lines[:20]))
                more = f" and {len(listed.rejected_lines) - 20} more" if len(listed.rejected_lines) > 20 else ""
                typer.echo(f"{listed.source}: {len(listed.rejected_lines):,} line(s) are not phone numbers and were "
                           f"not screened against: lines {lines}{more}", err=True)
        with tempfile.TemporaryDirectory(prefix="charte-telesales-") as tmp:
            paths = _imported(files, mapping, activity, Path(tmp)) if mapping else list(files)
            if not paths:
                raise _fail("no attempt was imported; nothing to audit")
            result = audit_files(paths, settings, con=connect(choice))
            written = write_report(result, output, settings, "csv" if csv else "parquet") if output else []
            text = json.dumps(findings_payload(result, settings), indent=2, ensure_ascii=False) if as_json \
                else render_text(result, lang=chosen_language(lang))
    except (AuditInputError, ContractInvalid, ValueError, OSError) as exc:
        raise _fail(str(exc)) from None
    except engine_errors() as exc:
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
    column: Annotated[list[str], typer.Option(help="column holding the dialed number; repeat for other columns "
                                                   "holding numbers in clear (hashed as <column>_hash)")],
    salt: Annotated[str | None, typer.Option(help=SALT_HELP, show_default=False)] = None,
    encoding: Annotated[str, typer.Option(help="encoding of the export (utf-8, cp1252…)")] = "utf-8",
) -> None:
    """Hash the phone numbers of an export before it is imported or audited.

    The number column becomes `number_hash`; `consumer_department` is added from the number when the
    export has none, and filled from the number where the export's own column is blank. Rows whose
    number cannot be read, or whose territory cannot be told from it (a number abroad), are listed:
    give their department by hand. Further `--column` options name other columns holding numbers in
    clear (a dialer's `phone_number`, `alt_phone`): each is hashed too, as `<column>_hash`.
    """
    from charte.telesales.bloctel import hash_numbers_file

    try:
        done = hash_numbers_file(source, output, column[0], salt or os.environ.get("CHARTE_NUMBER_SALT", ""),
                                 encoding=encoding, also=tuple(column[1:]))
    except (ValueError, OSError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"{output}: {done.rows:,} rows, numbers hashed; {done.departments_filled:,} blank department(s) "
               "filled from the number")
    if done.bad_numbers:
        typer.echo(f"{len(done.bad_numbers):,} line(s) without a readable number (no hash, no department): "
                   f"{', '.join(map(str, done.bad_numbers[:20]))}", err=True)
    if done.unplaced:
        typer.echo(f"{len(done.unplaced):,} line(s) with a blank department that the number cannot tell (a number "
                   f"abroad): {', '.join(map(str, done.unplaced[:20]))}; fill `consumer_department` by hand",
                   err=True)

