"""``charte observatory``: the trade body's declarations, employment barometer and ranking (palmarès)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from charte.charter import AXES
from charte.cli.app import app
from charte.observatory import (
    DeclarationStore,
    DisclosureRules,
    MemberRegistry,
    RankingWeights,
    barometer_of_folder,
    declare,
    load_evidence,
    public_ranking,
    score_members,
    write_csv,
    write_xlsx,
)
from charte.observatory.charter_followup import FINDING_TITLES, VERDICTS
from charte.observatory.charter_followup import write_csv as charter_csv
from charte.observatory.charter_followup import write_xlsx as charter_xlsx
from charte.observatory.demo_population import write_demo
from charte.observatory.publications import (
    Publication,
    PublicationError,
    charter_published,
    publish_all,
    publish_charter,
    publish_employment,
    publish_ranking,
)
from charte.observatory.register_entry import parse_member_entry

observatory_app = typer.Typer(help="The trade body's observatory: member declarations, employment barometer "
                              "(disclosure-controlled) and CSR ranking.", no_args_is_help=True)
app.add_typer(observatory_app, name="observatory")

Folder = Annotated[Path, typer.Option("--dir", help="observatory folder (members.json, declarations/, evidence.json)")]
DEFAULT_DIR = Path("observatory")


@observatory_app.command("declare")
def declare_command(
    file: Annotated[Path, typer.Argument(help="declaration CSV (siren,period,site,country,region,function,...)")],
    folder: Folder = DEFAULT_DIR,
    as_json: Annotated[bool, typer.Option("--json", help="print the problems as JSON")] = False,
) -> None:
    """Validate a member's periodic declaration and record it; every problem as `file:line: [code] message`.

    Exit status 1 and nothing recorded when the file has any problem.
    """
    declaration, problems = declare(file, folder)
    if as_json:
        typer.echo(json.dumps({"ok": not problems, "problems": [p.as_dict() for p in problems]}, indent=2,
                              ensure_ascii=False))
    else:
        for problem in problems:
            typer.echo(str(problem))
    if declaration is None:
        typer.echo(f"{file}: declaration rejected ({len(problems)} problem(s)); nothing recorded", err=True)
        raise typer.Exit(1)
    typer.echo(f"{file}: recorded the declaration of {declaration.siren} for {declaration.period} "
               f"({len(declaration.lines)} lines, {declaration.headcount} staff)", err=True)


@observatory_app.command("barometer")
def barometer_command(
    folder: Folder = DEFAULT_DIR,
    by: Annotated[Literal["function", "region", "period"], typer.Option(help="table to show")] = "function",
    measure: Annotated[Literal["headcount", "hires"], typer.Option(help="figure to show")] = "headcount",
    period: Annotated[str | None, typer.Option(help="period to show (latest by default)")] = None,
    min_members: Annotated[int, typer.Option(help="fewest members behind a published cell")] = 3,
    dominance: Annotated[float, typer.Option(help="largest share of one member in a published cell")] = 0.8,
    protection: Annotated[float, typer.Option(help="relative width an attacker's interval must keep")] = 0.2,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="export every table of the release as CSV")] = None,
    xlsx_out: Annotated[Path | None, typer.Option("--xlsx", help="export every table of the release as XLSX")] = None,
) -> None:
    """The employment barometer; withheld cells are marked (s) primary, (c) complementary."""
    declarations = DeclarationStore(folder).latest()
    if not declarations:
        typer.echo(f"{folder}: [no_declarations] no declaration recorded; run `charte observatory demo` or declare",
                   err=True)
        raise typer.Exit(1)
    rules = DisclosureRules(min_members, dominance, protection)
    barometer = barometer_of_folder(folder, declarations, rules)
    try:
        table = barometer.table(by, measure, period)
    except KeyError as exc:
        typer.echo(f"[unknown_period] {exc.args[0]}; periods: {', '.join(barometer.periods)}", err=True)
        raise typer.Exit(1) from None
    out = Table(title=f"{measure} by {by}" + (f" — {table.period}" if table.period else "")
                + f" ({barometer.members} members)")
    out.add_column(by)
    for col in table.columns:
        out.add_column(col, justify="right")
    if by != "region":
        out.add_column("share France", justify="right")
    for row in table.rows:
        cells = [table.cells[(row, col)].mark for col in table.columns]
        if by != "region":
            share = table.share_france(row)
            cells.append("(s)" if share is None else f"{share:.1%}")
        out.add_row(row, *cells)
    Console().print(out)
    counts = barometer.counts()
    typer.echo(f"cells (all tables, periods, measures): {counts['published']} published, {counts['primary']} "
               f"withheld (s: fewer than {min_members} members or one above {dominance:.0%}), "
               f"{counts['complementary']} withheld (c: protect the others from totals)", err=True)
    if csv_out:
        typer.echo(f"{csv_out}: {write_csv(barometer, csv_out)} rows", err=True)
    if xlsx_out:
        typer.echo(f"{xlsx_out}: {write_xlsx(barometer, xlsx_out)} rows", err=True)


@observatory_app.command("ranking")
def ranking_command(
    folder: Folder = DEFAULT_DIR,
    weights: Annotated[Path | None, typer.Option(help="weights YAML (shipped ranking_weights.yaml otherwise)")] = None,
    member: Annotated[str | None, typer.Option(help="SIREN: show this member's own breakdown")] = None,
    on: Annotated[str | None, typer.Option(help="day labels are checked on (YYYY-MM-DD); today by default")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print as JSON")] = False,
) -> None:
    """The public ranking (members who opted in): rank, company and score only. A member's own breakdown
    (its criteria and figures) only with --member SIREN, for that member."""
    day = date.fromisoformat(on) if on else date.today()
    try:
        loaded = RankingWeights.load(weights)
    except (ValueError, KeyError, OSError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    registry = MemberRegistry.load(folder)
    breakdowns = score_members(registry.members, DeclarationStore(folder).latest(), load_evidence(folder), day, loaded)
    if member:
        mine = [b for b in breakdowns if b.siren == member]
        if not mine:
            typer.echo(f"[unknown_member] SIREN {member} is not a member", err=True)
            raise typer.Exit(1)
        b = mine[0]
        if as_json:
            typer.echo(json.dumps(b.as_dict(), indent=2, ensure_ascii=False))
            return
        hidden = "" if b.opted_in else " (not in the public ranking)"
        table = Table(title=f"{b.company} — score {b.score}/100{hidden}")
        for col in ("criterion", "figure", "score", "weight", "points"):
            table.add_column(col)
        for c in b.criteria:
            table.add_row(c.criterion, c.figure, "no data" if c.score is None else f"{c.score:.3f}", str(c.weight),
                          f"{c.points:.2f}")
        Console().print(table)
        return
    ranking = public_ranking(breakdowns)
    if as_json:
        typer.echo(json.dumps([entry.as_dict() for entry in ranking], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"Palmarès — {len(ranking)} of {len(breakdowns)} members opted in")
    for col in ("rank", "company", "score"):
        table.add_column(col)
    for entry in ranking:
        table.add_row(str(entry.rank), entry.company, str(entry.score))
    Console().print(table)


@observatory_app.command("demo")
def demo_command(
    folder: Folder = DEFAULT_DIR,
    seed: Annotated[int, typer.Option(help="seed of the synthetic population")] = 2019,
    members: Annotated[int, typer.Option(help="number of members")] = 60,
    staff: Annotated[int, typer.Option(help="total staff of the members")] = 80_000,
    publish: Annotated[bool, typer.Option(help="publish the barometers and the ranking")] = True,
) -> None:
    """Create a synthetic population of ~60 members (80,000 staff, ~40% in France) in an empty folder, with the
    scorecards of the contracts they share, and publish the two barometers and the ranking."""
    if (folder / MemberRegistry.FILE).exists() or (folder / "declarations").exists():
        typer.echo(f"{folder}: [folder_not_empty] already holds an observatory; choose another --dir", err=True)
        raise typer.Exit(1)
    count, declarations = write_demo(folder, seed, members, staff)
    typer.echo(f"{folder}: {count} members, {declarations} declarations", err=True)
    if publish:
        for publication in publish_all(folder):
            typer.echo(_published(publication))


def _published(publication: Publication) -> str:
    flags = Counter(r.get("flag", "") for r in publication.rows)
    withheld = f", {flags['s']} withheld (s), {flags['c']} withheld (c)" if publication.kind != "ranking" else ""
    return (f"published {publication.kind} {', '.join(publication.periods)}: {len(publication.rows)} rows from "
            f"{publication.members} members{withheld}; sha256 {publication.sha256[:16]}…")


@observatory_app.command("publish")
def publish_command(
    folder: Folder = DEFAULT_DIR,
    kind: Annotated[Literal["employment", "charter", "ranking", "all"], typer.Option(
        help="what to publish: the periods of the employment barometer or the semesters of the charter follow-up "
             "barometer not yet published, or the ranking of the day")] = "all",
) -> None:
    """Freeze a publication in <dir>/publications/: only the public rows, with their SHA-256. A period is
    published once and stays as published; members who have left are not in it."""
    try:
        if kind == "all":
            done = publish_all(folder)
        else:
            done = [publish_employment(folder) if kind == "employment" else
                    publish_charter(folder) if kind == "charter" else publish_ranking(folder)]
    except PublicationError as error:
        typer.echo(f"{folder}: {error}", err=True)
        raise typer.Exit(1) from None
    for publication in done:
        typer.echo(_published(publication))


@observatory_app.command("member")
def member_command(
    file: Annotated[Path, typer.Argument(help="register entry (YAML: siren, company, member_since, sites, labels, "
                                              "functions, charter_2019_signed_on, public, opt-ins)")],
    folder: Folder = DEFAULT_DIR,
    as_json: Annotated[bool, typer.Option("--json", help="print the problems as JSON")] = False,
) -> None:
    """Record a member's register entry (joins or updates; the change is kept in the history). Every problem as
    `file:line: [code] message`; exit status 1 and nothing recorded when there is any."""
    registry = MemberRegistry.load(folder)
    member, problems = parse_member_entry(file.read_text(encoding="utf-8"), str(file), registry)
    if as_json:
        typer.echo(json.dumps({"ok": not problems, "problems": [p.as_dict() for p in problems]}, indent=2,
                              ensure_ascii=False))
    else:
        for problem in problems:
            typer.echo(str(problem))
    if member is None:
        typer.echo(f"{file}: register entry rejected ({len(problems)} problem(s)); nothing recorded", err=True)
        raise typer.Exit(1)
    joined = member.siren not in registry
    registry.with_member(member).save(folder)
    typer.echo(f"{file}: {member.company} ({member.siren}) {'joined' if joined else 'updated'}", err=True)


@observatory_app.command("leave")
def leave_command(
    siren: Annotated[str, typer.Argument(help="SIREN of the member who leaves")],
    on: Annotated[str, typer.Option(help="first day it is no longer a member (YYYY-MM-DD)")],
    folder: Folder = DEFAULT_DIR,
) -> None:
    """A member leaves: from that day it is not in the register nor in future publications; past publications
    stay as published."""
    registry = MemberRegistry.load(folder)
    member = registry.get(siren)
    try:
        day = date.fromisoformat(on)
    except ValueError:
        typer.echo(f"[invalid_date] --on {on!r}; expected YYYY-MM-DD", err=True)
        raise typer.Exit(1) from None
    if member is None or member.left_on is not None:
        typer.echo(f"[unknown_member] SIREN {siren} is not a current member", err=True)
        raise typer.Exit(1)
    if member.member_since and day <= member.member_since:
        typer.echo(f"[left_before_joining] {on} is not after joining on {member.member_since}", err=True)
        raise typer.Exit(1)
    registry.with_member(member.model_copy(update={"left_on": day})).save(folder)
    typer.echo(f"{member.company} ({siren}) leaves on {day}", err=True)


@observatory_app.command("charter")
def charter_command(
    folder: Folder = DEFAULT_DIR,
    semester: Annotated[str | None, typer.Option(help="semester to show (latest published by default)")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="export the published rows as CSV")] = None,
    xlsx_out: Annotated[Path | None, typer.Option("--xlsx", help="export the published rows as XLSX")] = None,
) -> None:
    """The charter follow-up barometer as published: per axis the share of contracts that pass, warn, fail or
    lack data; withheld figures marked (s) or (c); the most common failing points."""
    barometer = charter_published(folder)
    if not barometer.semesters:
        typer.echo(f"{folder}: [nothing_published] no follow-up barometer published; run "
                   "`charte observatory publish`", err=True)
        raise typer.Exit(1)
    chosen = semester or barometer.semesters[-1]
    if chosen not in barometer.semesters:
        typer.echo(f"[unknown_period] {chosen}; published: {', '.join(barometer.semesters)}", err=True)
        raise typer.Exit(1)
    table = Table(title=f"Charter follow-up — {chosen}")
    table.add_column("axis")
    for v in (*VERDICTS, "total"):
        table.add_column(v, justify="right")
    for axis, (_, title) in AXES.items():
        cells = []
        for v in (*VERDICTS, "total"):
            r = barometer.cell(chosen, axis, v)
            cells.append(f"({r['flag']})" if r["flag"] else f"{r['value']} ({float(r['share']):.0%})")
        table.add_row(f"{axis} {title}"[:48], *cells)
    Console().print(table)
    for f in barometer.findings:
        if f["semester"] == chosen:
            typer.echo(f"{f['axis']:>4}  {FINDING_TITLES[f['item']]}: {f['value']} contracts ({float(f['share']):.0%})")
    if csv_out:
        typer.echo(f"{csv_out}: {charter_csv(list(barometer.rows), csv_out)} rows", err=True)
    if xlsx_out:
        typer.echo(f"{xlsx_out}: {charter_xlsx(list(barometer.rows), list(barometer.findings), xlsx_out)} rows",
                   err=True)
