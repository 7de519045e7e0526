"""The observatory's pages: the employment barometer and the charter follow-up barometer as published
(disclosure-controlled; :mod:`charte.observatory.publications`), the public ranking with the member's own
breakdown, the periodic declaration upload and the member's sharing choices. Thin routes over
:mod:`charte.observatory`; the observatory's files live in ``<data_dir>/observatory``."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from charte.charter import AXES, scorecard
from charte.domain.cells import inert_row
from charte.domain.law import resolve
from charte.io.contract_yaml import ContractInvalid, loads_contract
from charte.jobs.workstudy import school_year
from charte.observatory import (
    DeclarationProblem,
    DeclarationStore,
    DisclosureRules,
    MemberRegistry,
    load_evidence,
    parse_declaration_csv,
    score_members,
)
from charte.observatory.barometer import FIELDS, MEASURES
from charte.observatory.charter_followup import (
    FINDING_TITLES,
    VERDICTS,
    CharterBarometer,
    ScorecardStore,
    SharedScorecard,
    member_position,
    semester_of,
    share_scorecards,
    shared_from,
)
from charte.observatory.charter_followup import write_xlsx as charter_xlsx
from charte.observatory.members import REGION_CODES
from charte.observatory.publications import (
    PublishedTable,
    charter_published,
    employment_rows,
    load_publications,
    published_table,
)
from charte.observatory.ranking import Breakdown
from charte.reports.charter_followup_report import pdf_of, stacked_shares, trend_lines
from charte.reports.charts import hbars, line_with_target
from charte.reports.region_map import region_map
from charte.store import visible_contracts
from charte.store.job_workstudy import placements_of_year
from charte.web.deps import CsrfChecked, CurrentUser, LanguageDep, SessionDep, SettingsDep, Viewer, now
from charte.web.heavy import download, heavy, off_loop
from charte.web.i18n import Language
from charte.web.rendering import render
from charte.web.workflows import settlements_of

router = APIRouter(include_in_schema=False)
PARIS = ZoneInfo("Europe/Paris")


def observatory_folder(data_dir: Path) -> Path:
    return data_dir / "observatory"


def _today() -> date:
    return datetime.now(PARIS).date()


@router.get("/observatory")
def barometer_page(request: Request, viewer: CurrentUser, settings: SettingsDep, lang: LanguageDep, db: SessionDep,
                   by: Literal["function", "region", "period"] = "function",
                   measure: Literal["headcount", "hires"] = "headcount", period: str | None = None) -> HTMLResponse:
    rows = employment_rows(observatory_folder(settings.data_dir))
    # issue 22: the job board's work-study placements of the school year, disclosure-controlled by host company
    work_study = placements_of_year(db, school_year(now(request).astimezone(PARIS).date()))
    if not rows:
        return render(request, lang, "observatory.html", viewer, table=None, work_study=work_study,
                      rules=DisclosureRules())
    periods = sorted({r["period"] for r in rows})
    if period is not None and period not in periods:
        raise HTTPException(404, "no such period")
    table = published_table(rows, by, measure, period or periods[-1])
    if table is None:
        raise HTTPException(404, "no such table")
    chart = ""
    if by != "period":
        column = "total" if "total" in table.columns else table.columns[-1]
        cells = [(lang.gettext(r), table.cells[(r, column)]) for r in table.rows if (r, column) in table.cells]
        chart = hbars([(label, None if cell.value is None else float(cell.value), cell.mark) for label, cell in cells],
                      lang.gettext("%s by %s (%s)") % (lang.gettext(measure), lang.gettext(by), lang.gettext(column)),
                      lang=lang.code, words={"value": lang.gettext("published value"),
                                             "withheld": lang.gettext("withheld (statistical secret)")})
    region_chart = ""
    if by == "region":
        region_chart = _region_map(table, measure, lang)
    if by == "period":
        # 2010 charter: jobs located in France; 50% for providers in the press of the time (law table).
        target = resolve("practice.staff_in_france_provider", date.today()).value
        values = [None if (share := table.shares.get(p)) is None else float(share) for p in periods]
        chart = line_with_target(periods, values, float(target), lang.gettext("share of jobs in France"),
                                 lang=lang.code, words={"value": lang.gettext("share of jobs in France"),
                                                        "target": lang.gettext("2010 charter"),
                                                        "miss": lang.gettext("under the 2010 charter's 50 %")})
    return render(request, lang, "observatory.html", viewer, table=table, periods=periods, by=by, measure=measure,
                  measures=MEASURES, chart=chart, region_chart=region_chart, rules=DisclosureRules(),
                  work_study=work_study,
                  publications=load_publications(observatory_folder(settings.data_dir), "employment"))


def _region_map(table: PublishedTable, measure: str, lang: Language) -> str:
    """The map of France of the table's ``total`` column (the regions in France; sites abroad stay in the table)."""
    cells = {REGION_CODES[r]: (None if cell.value is None else float(cell.value), cell.mark)
             for r in table.rows if r in REGION_CODES and (cell := table.cells.get((r, "total"))) is not None}
    return region_map(cells, lang.gettext("Map of France: %s by region (%s)") % (
        lang.gettext(measure), lang.gettext("total")), lang=lang.code,
        words={"withheld": lang.gettext("statistical secret"), "absent": lang.gettext("no site declared")})


@router.get("/observatory/barometer.{fmt}")
def barometer_export(request: Request, viewer: CurrentUser, settings: SettingsDep, lang: LanguageDep,
                     fmt: Literal["csv", "xlsx"]) -> Response:
    rows = employment_rows(observatory_folder(settings.data_dir))
    if not rows:
        raise HTTPException(404, "no barometer published")
    return _export(request, rows, FIELDS, fmt, "barometre-emploi", lang)


def _export(request: Request, rows: list[dict[str, str]], fields: tuple[str, ...], fmt: str, name: str,
            lang: Language, findings: list[dict[str, str]] | None = None) -> Response:
    """CSV or XLSX of published rows; the header row in the reader's language; text a spreadsheet would run
    made inert (:mod:`charte.domain.cells`). Built for this request in its own folder and sent from memory (ten
    simultaneous downloads once shared one file and got each other's half-written bytes)."""
    headers = {f: lang.gettext(f"column:{f}") for f in fields}
    with heavy(request), tempfile.TemporaryDirectory(prefix="charte-export-") as folder:
        path = Path(folder) / f"{name}.{fmt}"
        if fmt == "csv":
            import csv

            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(inert_row(headers[f] for f in fields))
                writer.writerows(inert_row(r.get(f, "") for f in fields) for r in rows)
        elif findings is not None:
            charter_xlsx(rows, findings, path, {**headers, **{k: lang.gettext(f"column:{k}") for k in ("item",)}})
        else:
            from openpyxl import Workbook

            book = Workbook()
            sheet = book.active
            sheet.append(inert_row(headers[f] for f in fields))
            for r in rows:
                sheet.append(inert_row(int(r[f]) if f in ("value", "change") and r.get(f, "").lstrip("-").isdigit()
                                       else r.get(f, "") for f in fields))
            book.save(path)
        content = path.read_bytes()
    media = "text/csv; charset=utf-8" if fmt == "csv" \
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return download(content, f"{name}.{fmt}", media)


@router.get("/observatory/ranking")
def ranking_page(request: Request, viewer: CurrentUser, settings: SettingsDep, lang: LanguageDep) -> HTMLResponse:
    folder = observatory_folder(settings.data_dir)
    published = load_publications(folder, "ranking")
    latest = published[-1] if published else None
    mine = None
    siren = viewer.organisation.siren
    registry = MemberRegistry.load(folder)
    if siren and (member := registry.get(siren)) and member.is_member_on(_today()):
        mine = score_members([member], DeclarationStore(folder).latest(), load_evidence(folder), _today())[0]
    ranking = latest.rows if latest else []
    return render(request, lang, "observatory_ranking.html", viewer, ranking=ranking, published=latest, mine=mine,
                  ranking_chart=_ranking_chart(ranking, lang),
                  own_chart=_own_chart(mine, lang) if mine else "",
                  contributions=mine.contributions() if mine else {})


def _short(name: str, size: int = 30) -> str:
    return name if len(name) <= size else name[: size - 1] + "…"


def _ranking_chart(ranking: Sequence[Mapping[str, Any]], lang: Language) -> str:
    """The public ranking as bars: rank, company and score out of 100 — the published fields and nothing else."""
    return hbars([(f"{entry['rank']}. {_short(str(entry['company']))}", float(entry["score"]), str(entry["score"]))
                  for entry in ranking], lang.gettext("CSR ranking: score out of 100 of each member who opted in"),
                 lang=lang.code, words={"value": lang.gettext("score out of 100")}, decimals=1, scale_max=100)


def _own_chart(mine: Breakdown, lang: Language) -> str:
    """The member's own score, criterion by criterion: the points out of 100 each brings (they add up to the
    score); a criterion without data is hatched and said so."""
    contributions = mine.contributions()
    return hbars([(lang.gettext(c.criterion), None if (v := contributions[c.criterion]) is None else float(v),
                   lang.gettext("no data")) for c in mine.criteria],
                 lang.gettext("Your score of %s out of 100, criterion by criterion") % lang.number(mine.score, 1),
                 lang=lang.code, words={"value": lang.gettext("points out of 100"),
                                        "withheld": lang.gettext("no data")}, decimals=1)


# ---------------------------------------------------------------- charter follow-up barometer

def _charter(settings: SettingsDep) -> CharterBarometer:
    return charter_published(observatory_folder(settings.data_dir))


def _verdict_names(lang: Language) -> dict[str, str]:
    return {"pass": lang.gettext("pass"), "warn": lang.gettext("warn"), "fail": lang.gettext("fail"),
            "not_enough_data": lang.gettext("not enough data"), "total": lang.gettext("contracts")}


def _axis_names(lang: Language) -> dict[str, str]:
    return {axis: (fr if lang.code == "fr" else en) for axis, (fr, en) in AXES.items()}


def charter_context(barometer: CharterBarometer, semester: str, lang: Language) -> dict[str, Any]:
    names, axes = _verdict_names(lang), _axis_names(lang)
    shares = {(axis, v): barometer.share(semester, axis, v) for axis in AXES for v in VERDICTS}
    stacked = stacked_shares([(a, f"{a} — {axes[a]}" if a != "2010" else axes[a]) for a in AXES], shares, names,
                             lang.gettext("Share of contracts per verdict and axis"))
    trend = trend_lines(barometer.semesters,
                        {(f"{a} — {axes[a]}" if a != "2010" else axes[a]):
                         [barometer.share(s, a, "pass") for s in barometer.semesters] for a in AXES},
                        lang.gettext("Share of contracts passing each axis, per semester"))
    return {"barometer": barometer, "semester": semester, "axes": axes, "verdicts": VERDICTS, "names": names,
            "stacked": stacked, "trend": trend, "titles": FINDING_TITLES,
            "findings": [f for f in barometer.findings if f["semester"] == semester],
            "contracts": barometer.cell(semester, "1", "total"), "rules": DisclosureRules()}


@router.get("/observatory/charter")
def charter_page(request: Request, viewer: CurrentUser, settings: SettingsDep, lang: LanguageDep,
                 semester: str | None = None) -> HTMLResponse:
    barometer = _charter(settings)
    if not barometer.semesters:
        return render(request, lang, "observatory_charter.html", viewer, barometer=None)
    if semester is not None and semester not in barometer.semesters:
        raise HTTPException(404, "no such semester")
    chosen = semester or barometer.semesters[-1]
    context = charter_context(barometer, chosen, lang)
    own = None
    siren = viewer.organisation.siren
    if viewer.organisation.kind == "provider" and siren:
        position = member_position(ScorecardStore(observatory_folder(settings.data_dir)).latest(), siren, chosen)
        if any(sum(v.values()) for v in position.values()):
            own = position
    return render(request, lang, "observatory_charter.html", viewer, own=own, **context)


@router.get("/observatory/charter.{fmt}")
def charter_export(request: Request, viewer: CurrentUser, settings: SettingsDep, lang: LanguageDep,
                   fmt: Literal["csv", "xlsx", "pdf"], semester: str | None = None) -> Response:
    barometer = _charter(settings)
    if not barometer.semesters:
        raise HTTPException(404, "no follow-up barometer published")
    if fmt == "pdf":
        chosen = semester if semester in barometer.semesters else barometer.semesters[-1]
        html = request.app.state.templates.get_template("observatory_charter_report.html").render(
            _=lang.gettext, lang=lang, generated=_today(), **charter_context(barometer, chosen, lang))
        with heavy(request):
            content = pdf_of(html)
        return download(content, f"suivi-charte-{chosen}.pdf", "application/pdf")
    fields = ("semester", "axis", "verdict", "value", "share", "flag", "change")
    return _export(request, list(barometer.rows), fields, fmt, "suivi-charte", lang, list(barometer.findings))


# ---------------------------------------------------------------- the member's choices and declarations

def _member_of(viewer: Viewer, folder: Path) -> tuple[MemberRegistry, str]:
    siren = viewer.organisation.siren
    registry = MemberRegistry.load(folder)
    member = registry.get(siren) if siren else None
    if viewer.organisation.kind != "provider" or member is None or not member.is_member_on(_today()):
        raise HTTPException(403, "only a member of the trade body chooses what it shares")
    return registry, member.siren


@router.get("/observatory/sharing")
def sharing_form(request: Request, viewer: CurrentUser, settings: SettingsDep, lang: LanguageDep) -> HTMLResponse:
    registry, siren = _member_of(viewer, observatory_folder(settings.data_dir))
    return render(request, lang, "observatory_sharing.html", viewer, member=registry.get(siren), problems=[],
                  shared=None)


@router.post("/observatory/sharing", dependencies=[CsrfChecked])
def sharing_update(request: Request, viewer: CurrentUser, session: SessionDep, settings: SettingsDep,
                   lang: LanguageDep, ranking: Annotated[str, Form()] = "", scorecards: Annotated[str, Form()] = "",
                   ) -> HTMLResponse:
    """Record the member's opt-ins; with the scorecards opt-in, share its contracts' scorecards of today."""
    folder = observatory_folder(settings.data_dir)
    registry, siren = _member_of(viewer, folder)
    if not viewer.is_manager:
        raise HTTPException(403, "your role in the organisation is read-only")
    problems = [DeclarationProblem("form", 1, "invalid_choice", f"`{name}` is {value!r}; expected on or empty")
                for name, value in (("ranking", ranking), ("scorecards", scorecards)) if value not in ("", "on")]
    member = registry.get(siren)
    assert member is not None
    if problems:
        return render(request, lang, "observatory_sharing.html", viewer, member=member, problems=problems,
                      shared=None, status_code=422)
    updated = member.model_copy(update={"ranking_opt_in": ranking == "on", "scorecards_opt_in": scorecards == "on"})
    registry.with_member(updated).save(folder)
    shared = None
    if updated.scorecards_opt_in:
        cards, problems = _scorecards_of(session, viewer, siren)
        if not problems:
            shared, problems = share_scorecards(folder, cards)
    return render(request, lang, "observatory_sharing.html", viewer, member=updated, problems=problems,
                  shared=shared, status_code=200 if not problems else 422)


def _scorecards_of(session: SessionDep, viewer: Viewer, siren: str,
                   ) -> tuple[list[SharedScorecard], list[DeclarationProblem]]:
    today = _today()
    cards: list[SharedScorecard] = []
    problems: list[DeclarationProblem] = []
    for row in visible_contracts(session, viewer.organisation):
        try:
            terms = loads_contract(row.yaml_text, f"{row.contract_id}.yaml")
            history = [json.loads(s.settlement_json) for s in reversed(settlements_of(session, row))]
            card = scorecard(terms, history, today=today)
        except (ContractInvalid, KeyError, ValueError, TypeError) as error:
            problems.append(DeclarationProblem(row.contract_id, 0, "scorecard_unavailable",
                                               f"{type(error).__name__}: {error}"))
            continue
        cards.append(shared_from(card, siren, row.contract_id, semester_of(today)))
    return cards, problems


def _may_declare(viewer: Viewer) -> None:
    if viewer.organisation.kind != "provider" or not viewer.organisation.siren:
        raise HTTPException(403, "only a provider with a SIREN declares to the observatory")
    if not viewer.is_manager:
        raise HTTPException(403, "your role in the organisation is read-only")


@router.get("/observatory/declare")
def declare_form(request: Request, viewer: CurrentUser, lang: LanguageDep) -> HTMLResponse:
    _may_declare(viewer)
    return render(request, lang, "observatory_declare.html", viewer, problems=[], recorded=None)


@router.post("/observatory/declare", dependencies=[CsrfChecked])
async def declare_upload(request: Request, viewer: CurrentUser, settings: SettingsDep, lang: LanguageDep,
                         csv_file: Annotated[UploadFile | None, File()] = None) -> HTMLResponse:
    _may_declare(viewer)
    folder = observatory_folder(settings.data_dir)
    name = (csv_file.filename if csv_file else None) or "declaration.csv"
    raw = await csv_file.read(5_000_001) if csv_file else b""
    problems: list[DeclarationProblem] = []
    declaration = None
    if len(raw) > 5_000_000:
        problems = [DeclarationProblem(name, 0, "file_too_large", "the file is over 5 MB; expected one member's "
                                                                  "declaration")]
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            problems = [DeclarationProblem(name, 0, "not_utf8", "the file is not UTF-8 text; save it as CSV UTF-8")]
        else:
            registry = await off_loop(MemberRegistry.load, folder)
            declaration, problems = await off_loop(parse_declaration_csv, text, name,
                                                   registry if len(registry) else None)
    if declaration is not None and declaration.siren != viewer.organisation.siren:
        problems = [DeclarationProblem(name, 2, "declaration_not_yours",
                                       f"SIREN {declaration.siren} is not your organisation's "
                                       f"({viewer.organisation.siren}); declare for your own company")]
        declaration = None
    recorded = DeclarationStore(folder).record(declaration) if declaration is not None else None
    return render(request, lang, "observatory_declare.html", viewer, problems=problems, recorded=recorded,
                  status_code=200 if recorded else 422)

