"""The observatory's pages: the employment barometer (disclosure-controlled), the public ranking with the
member's own breakdown, and the periodic declaration upload. Thin routes over :mod:`charte.observatory`;
the observatory's files live in ``<data_dir>/observatory`` (``charte observatory demo --dir`` fills it)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from charte.domain.law import resolve
from charte.observatory import (
    DeclarationProblem,
    DeclarationStore,
    DisclosureRules,
    MemberRegistry,
    barometer_of_folder,
    load_evidence,
    parse_declaration_csv,
    public_ranking,
    score_members,
    write_csv,
    write_xlsx,
)
from charte.observatory.barometer import MEASURES
from charte.reports.charts import line_with_target
from charte.web.deps import CsrfChecked, CurrentUser, LanguageDep, SettingsDep, Viewer
from charte.web.heavy import download, heavy, off_loop
from charte.web.rendering import render

router = APIRouter(include_in_schema=False)


def observatory_folder(data_dir: Path) -> Path:
    return data_dir / "observatory"


@router.get("/observatory")
def barometer_page(request: Request, viewer: CurrentUser, settings: SettingsDep, lang: LanguageDep,
                   by: Literal["function", "region", "period"] = "function",
                   measure: Literal["headcount", "hires"] = "headcount", period: str | None = None) -> HTMLResponse:
    folder = observatory_folder(settings.data_dir)
    declarations = DeclarationStore(folder).latest()
    if not declarations:
        return render(request, lang, "observatory.html", viewer, table=None, folder=folder)
    with heavy(request):
        barometer = barometer_of_folder(folder, declarations, DisclosureRules())
    if period is not None and period not in barometer.periods:
        raise HTTPException(404, "no such period")
    table = barometer.table(by, measure, period)
    shares = {row: table.share_france(row) for row in table.rows} if by != "region" else {}
    chart = ""
    if by == "period":
        # 2010 charter: jobs located in France; 50% for providers in the press of the time (law table).
        target = resolve("practice.staff_in_france_provider", date.today()).value
        values = [None if (share := shares[p]) is None else float(share) for p in barometer.periods]
        chart = line_with_target(barometer.periods, values, float(target), "share of jobs in France")
    return render(request, lang, "observatory.html", viewer, table=table, barometer=barometer, shares=shares,
                  by=by, measure=measure, measures=MEASURES, counts=barometer.counts(), chart=chart)


@router.get("/observatory/barometer.{fmt}")
def barometer_export(request: Request, viewer: CurrentUser, settings: SettingsDep,
                     fmt: Literal["csv", "xlsx"]) -> Response:
    """The barometer as CSV or XLSX, built for this request in its own folder and sent from memory (ten
    simultaneous downloads once shared one file and got each other's half-written bytes)."""
    folder = observatory_folder(settings.data_dir)
    declarations = DeclarationStore(folder).latest()
    if not declarations:
        raise HTTPException(404, "no declaration recorded")
    name = f"barometre-emploi.{fmt}"
    with heavy(request), tempfile.TemporaryDirectory(prefix="charte-export-") as scratch:
        barometer = barometer_of_folder(folder, declarations, DisclosureRules())
        out = Path(scratch) / name
        (write_csv if fmt == "csv" else write_xlsx)(barometer, out)
        content = out.read_bytes()
    media = "text/csv; charset=utf-8" if fmt == "csv" \
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return download(content, name, media)


@router.get("/observatory/ranking")
def ranking_page(request: Request, viewer: CurrentUser, settings: SettingsDep, lang: LanguageDep) -> HTMLResponse:
    folder = observatory_folder(settings.data_dir)
    registry = MemberRegistry.load(folder)
    breakdowns = score_members(registry.members, DeclarationStore(folder).latest(), load_evidence(folder),
                               date.today())
    siren = viewer.organisation.siren
    mine = next((b for b in breakdowns if siren and b.siren == siren), None)
    return render(request, lang, "observatory_ranking.html", viewer, ranking=public_ranking(breakdowns),
                  members=len(breakdowns), mine=mine)


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
