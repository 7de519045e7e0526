"""The trade body's pages of the job board: moderation (first offers and flagged wording wait for approval;
an offer can be hidden; candidates' reports) and the work-study dashboard (cohorts, places offered, placements,
unfilled places; supply against demand per city and function, as charts with a table; the members' declared
work-study students from the observatory beside them). Only the trade body's organisation sees them."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from charte.domain.cells import inert_row
from charte.jobs.offers import WORK_STUDY, _Reader
from charte.jobs.workstudy import ANY, school_year, school_year_bounds
from charte.reports.jobs_charts import grouped_bars
from charte.store.accounts import audit
from charte.store.job_rows import JobCohortRow, JobOfferRow, JobReportRow
from charte.store.job_workstudy import add_cohort, cohorts, declared_work_study, record_placement, work_study_dashboard
from charte.web.deps import CsrfChecked, CurrentUser, LanguageDep, SessionDep, SettingsDep, Viewer
from charte.web.i18n import Language
from charte.web.jobs_glue import jobs, now, places, render, today
from charte.web.jobs_views import CRITERION_LABELS, REASON_LABELS, STATUS_LABELS, choices, offer_view, problems_at

router = APIRouter(include_in_schema=False)
FUNCTIONS_AND_ANY = ("service", "commercial", "support", ANY)


def _trade_body(viewer: Viewer, write: bool = False) -> None:
    if viewer.organisation.kind != "trade_body":
        raise HTTPException(404, "not found")
    if write and not viewer.is_manager:
        raise HTTPException(403, "your role in the organisation is read-only")


# ---------------------------------------------------------------- moderation

@router.get("/emplois/moderation")
def moderation(request: Request, viewer: CurrentUser, db: SessionDep, lang: LanguageDep) -> HTMLResponse:
    _trade_body(viewer)
    day = today(request)
    waiting = list(db.scalars(select(JobOfferRow).where(JobOfferRow.status.in_(("pending", "hidden")))
                              .order_by(JobOfferRow.posted_at)))
    reports = list(db.scalars(select(JobReportRow).where(JobReportRow.status == "open")
                              .order_by(JobReportRow.created_at)))
    reported = {r.offer_id: db.get(JobOfferRow, r.offer_id) for r in reports}
    return render(request, lang, "jobs_moderation.html", viewer,
                  waiting=[(offer_view(o, lang, places(), jobs(), day), json.loads(o.flags_json)) for o in waiting],
                  reports=reports, reported=reported, reasons=REASON_LABELS, criteria=CRITERION_LABELS,
                  statuses=STATUS_LABELS)


@router.post("/emplois/moderation/offres/{offer_id}", dependencies=[CsrfChecked])
def moderate_offer(request: Request, offer_id: str, viewer: CurrentUser, db: SessionDep,
                   action: Annotated[str, Form(max_length=10)] = "",
                   note: Annotated[str, Form(max_length=500)] = "") -> Response:
    _trade_body(viewer, write=True)
    row = db.get(JobOfferRow, offer_id[:32])
    if row is None:
        raise HTTPException(404, "no such offer")
    if action == "approve" and row.status in ("pending", "hidden"):
        row.status, row.approved_at, row.moderation_note = "open", now(request), note.strip()
    elif action == "hide" and row.status in ("pending", "open", "filled"):
        row.status, row.moderation_note = "hidden", note.strip()
    else:
        raise HTTPException(422, "this action does not apply to the offer as it stands")
    audit(db, f"job_offer_{action}", user_id=viewer.user_id, organisation_id=viewer.organisation.id, target=row.id,
          detail=note[:500])
    db.commit()
    return RedirectResponse("/emplois/moderation", 303)


@router.post("/emplois/moderation/signalements/{report_id}", dependencies=[CsrfChecked])
def handle_report(request: Request, report_id: str, viewer: CurrentUser, db: SessionDep,
                  action: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Dismiss a report, or uphold it (the offer is hidden)."""
    _trade_body(viewer, write=True)
    row = db.get(JobReportRow, report_id[:32])
    if row is None or row.status != "open" or action not in ("dismiss", "uphold"):
        raise HTTPException(404, "no such open report")
    row.status, row.handled_at = ("dismissed" if action == "dismiss" else "upheld"), now(request)
    if action == "uphold" and (offer := db.get(JobOfferRow, row.offer_id)) is not None:
        offer.status, offer.moderation_note = "hidden", f"report {row.reason}"
    audit(db, f"job_report_{action}", user_id=viewer.user_id, organisation_id=viewer.organisation.id, target=row.id)
    db.commit()
    return RedirectResponse("/emplois/moderation", 303)


# ---------------------------------------------------------------- work-study dashboard

def _year(text: str, day: date) -> str:
    try:
        school_year_bounds(text)
        return text
    except (ValueError, IndexError):
        return school_year(day)


def _dashboard_context(db: SessionDep, settings: SettingsDep, lang: Language, year: str) -> dict[str, Any]:
    board = work_study_dashboard(db, year, places())
    _ = lang.gettext
    names = {c: (places().get(c).name if places().get(c) else c) for c in board.cities()}  # type: ignore[union-attr]
    cities = sorted(board.cities(), key=lambda c: names[c])
    charts = []
    for function in FUNCTIONS_AND_ANY:
        rows = [c for c in cities if (c, function) in board.cells]
        if not rows:
            continue
        cells = [board.cells[(c, function)] for c in rows]
        label = _("any function") if function == ANY else _(function)
        charts.append(grouped_bars(
            _("Work-study {year}, {function}: supply and demand per city").format(year=year, function=label),
            [names[c] for c in rows],
            [(_("places offered"), [x.places_offered for x in cells]), (_("demand"), [x.demand for x in cells]),
             (_("placements"), [x.placements for x in cells]), (_("unfilled places"), [x.unfilled for x in cells])],
            f"chart-{function}"))
    table = [(names[c], f, board.cells[(c, f)]) for c in cities for f in FUNCTIONS_AND_ANY if (c, f) in board.cells]
    return {"board": board, "charts": charts, "table": table, "total": board.total(), "year": year,
            "declared": declared_work_study(settings.data_dir / "observatory"), "names": names}


@router.get("/emplois/alternance")
def work_study_page(request: Request, viewer: CurrentUser, db: SessionDep, lang: LanguageDep,
                    settings: SettingsDep, annee: str = "") -> HTMLResponse:
    _trade_body(viewer)
    day = today(request)
    year = _year(annee, day)
    first = int(school_year(day)[:4])
    return render(request, lang, "jobs_dashboard.html", viewer, years=[f"{y}-{y + 1}" for y in
                                                                        range(first - 3, first + 2)],
                  cohorts=cohorts(db), errors={}, form={}, choices=choices(lang, jobs()),
                  **_dashboard_context(db, settings, lang, year))


@router.get("/emplois/alternance.csv")
def work_study_csv(request: Request, viewer: CurrentUser, db: SessionDep, lang: LanguageDep,
                   settings: SettingsDep, annee: str = "") -> Response:
    _trade_body(viewer)
    year = _year(annee, today(request))
    context = _dashboard_context(db, settings, lang, year)
    _ = lang.gettext
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(inert_row([_("school year"), _("city"), _("function"), _("places offered"), _("students"),
                               _("candidates seeking"), _("placements"), _("unfilled places")]))
    for city, function, cell in context["table"]:
        writer.writerow(inert_row([year, city, _("any function") if function == ANY else _(function),
                                   cell.places_offered, cell.students, cell.candidates_seeking, cell.placements,
                                   cell.unfilled]))
    return Response(out.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="alternance-{year}.csv"'})


@router.post("/emplois/alternance/promotions", dependencies=[CsrfChecked])
async def add_cohort_page(request: Request, viewer: CurrentUser, db: SessionDep, lang: LanguageDep,
                          settings: SettingsDep) -> Response:
    """Record a school's cohort: school, diploma, city, function (or any), start date, number of students."""
    _trade_body(viewer, write=True)
    form = {k: str(v) for k, v in (await request.form()).items()}
    r = _Reader(form)
    school = r.text("school", 200, required=True)
    diploma = r.text("diploma", 200, required=True)
    found = places().resolve(form.get("city", ""))
    if found.commune is None:
        from charte.jobs.offers import city_problem

        r.problems.append(city_problem("city", form.get("city", ""), found))
    function = form.get("function", "")
    if function not in ("", "service", "commercial", "support"):
        r.problem("function", "unknown_choice", "choose a function from the list")
    starts = r.day("starts_on")
    students = r.integer("students", 1, 2000)
    if r.problems:
        day = today(request)
        first = int(school_year(day)[:4])
        return render(request, lang, "jobs_dashboard.html", viewer, status_code=422,
                      years=[f"{y}-{y + 1}" for y in range(first - 3, first + 2)], cohorts=cohorts(db),
                      errors=problems_at(r.problems, lang), form=form, choices=choices(lang, jobs()),
                      **_dashboard_context(db, settings, lang, school_year(day)))
    assert found.commune is not None and starts is not None and students is not None
    add_cohort(db, school, diploma, found.commune, places().city_of(found.commune), function or None, starts,
               students)
    audit(db, "job_cohort_added", user_id=viewer.user_id, organisation_id=viewer.organisation.id, target=school)
    db.commit()
    return RedirectResponse(f"/emplois/alternance?annee={school_year(starts)}", 303)


@router.post("/emplois/alternance/placements", dependencies=[CsrfChecked])
def add_placement(request: Request, viewer: CurrentUser, db: SessionDep,
                  cohort_id: Annotated[str, Form(max_length=32)] = "",
                  function: Annotated[str, Form(max_length=20)] = "",
                  contract: Annotated[str, Form(max_length=20)] = "apprenticeship",
                  placed_on: Annotated[str, Form(max_length=10)] = "") -> Response:
    """A placement the trade body learnt of for a cohort's student (made outside the job board)."""
    _trade_body(viewer, write=True)
    cohort = db.get(JobCohortRow, cohort_id)
    try:
        day = date.fromisoformat(placed_on)
    except ValueError:
        raise HTTPException(422, "the placement's date is expected as YYYY-MM-DD") from None
    if cohort is None or function not in ("service", "commercial", "support") or contract not in WORK_STUDY:
        raise HTTPException(422, "choose a cohort, a function and a work-study contract")
    record_placement(db, cohort.city, function, contract, day, cohort.id)
    audit(db, "job_placement_recorded", user_id=viewer.user_id, organisation_id=viewer.organisation.id,
          target=cohort.id)
    db.commit()
    return RedirectResponse(f"/emplois/alternance?annee={school_year(day)}", 303)
