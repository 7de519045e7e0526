"""The members' pages: post an offer (validated at its fields; a member's first offer and flagged wording
wait for the trade body), follow one's offers, read the applications to them — only one's own — with the
CV as a download, hire (which counts the placement and fills the offer) or not, close an offer, and see the
candidates who agreed to be found, ranked for an offer, without their name or e-mail.

Only a provider organisation that is a current member in the observatory's registry posts; its managers
write, its readers read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from charte.jobs.cv import cv_path
from charte.jobs.matching import seekers_for
from charte.jobs.offers import WORK_STUDY, parse_offer
from charte.jobs.wording import Flag
from charte.store.accounts import audit
from charte.store.job_candidates import searchable_seekers
from charte.store.job_offers import (
    APPLICATION_STATUSES,
    applications_to,
    decide,
    facts_of,
    member_of,
    offers_of,
    own_application,
    own_offer,
    post_offer,
)
from charte.store.job_rows import JobCandidateRow
from charte.web.deps import CsrfChecked, CurrentUser, LanguageDep, SessionDep, SettingsDep, Viewer
from charte.web.jobs_glue import jobs, now, places, public_base, render, send_mail, today
from charte.web.jobs_views import APPLICATION_LABELS, MATCH_REASONS, STATUS_LABELS, choices, offer_view, problems_at

router = APIRouter(include_in_schema=False)


def _member(viewer: Viewer, settings: SettingsDep, day: object, write: bool = False) -> str:
    """The member's company name; 404 for anyone but a member organisation, 403 for a reader who would write."""
    member = member_of(viewer.organisation, settings.data_dir / "observatory", day)  # type: ignore[arg-type]
    if member is None:
        raise HTTPException(404, "only members of the trade body post offers")
    if write and not viewer.is_manager:
        raise HTTPException(403, "your role in the organisation is read-only")
    return member.company


@router.get("/emplois/gestion")
def my_offers(request: Request, viewer: CurrentUser, db: SessionDep, lang: LanguageDep,
              settings: SettingsDep) -> HTMLResponse:
    day = today(request)
    company = _member(viewer, settings, day)
    rows = offers_of(db, viewer.organisation.id)
    counts = {r.id: len(applications_to(db, viewer.organisation.id, r.id)) for r in rows}
    return render(request, lang, "jobs_manage.html", viewer, company=company, counts=counts,
                  offers=[offer_view(r, lang, places(), jobs(), day) for r in rows], statuses=STATUS_LABELS)


@router.get("/emplois/gestion/nouvelle")
def new_offer_form(request: Request, viewer: CurrentUser, lang: LanguageDep, settings: SettingsDep) -> HTMLResponse:
    day = today(request)
    company = _member(viewer, settings, day, write=True)
    return render(request, lang, "jobs_offer_form.html", viewer, company=company, form={"languages": ["fr"],
                  "shifts": ["weekdays"], "weekly_hours": "35", "pay_period": "month", "places": "1",
                  "work_mode": "on_site"}, errors={}, choices=choices(lang, jobs()), today=day)


@router.post("/emplois/gestion/nouvelle", dependencies=[CsrfChecked])
async def post_offer_page(request: Request, viewer: CurrentUser, db: SessionDep, lang: LanguageDep,
                          settings: SettingsDep) -> Response:
    day = today(request)
    company = _member(viewer, settings, day, write=True)
    form = await request.form()
    fields = {k: form.getlist(k) if k in ("shifts", "languages") else str(form.get(k, "")) for k in form}
    offer, problems = parse_offer(fields, day, places(), jobs())  # type: ignore[arg-type]
    if offer is None:
        shown = {**fields, "shifts": form.getlist("shifts"), "languages": form.getlist("languages")}
        return render(request, lang, "jobs_offer_form.html", viewer, status_code=422, company=company, form=shown,
                      errors=problems_at(problems, lang), choices=choices(lang, jobs()), today=day)
    row, found = post_offer(db, viewer.organisation, company, offer, places(), viewer.user_id, now(request))
    audit(db, "job_offer_posted", user_id=viewer.user_id, organisation_id=viewer.organisation.id, target=row.id,
          detail=row.status)
    db.commit()
    _tell_trade_body(request, db, row.id, row.title, found)
    return RedirectResponse(f"/emplois/gestion/offres/{row.id}", 303)


def _tell_trade_body(request: Request, db: SessionDep, offer_id: str, title: str, found: list[Flag]) -> None:
    """An e-mail to the trade body's managers when an offer waits for them."""
    from sqlalchemy import select

    from charte.store.job_rows import JobOfferRow
    from charte.store.models import MembershipRow, OrganisationRow, UserRow
    from charte.web.i18n import language

    row = db.get(JobOfferRow, offer_id)
    if row is None or row.status != "pending":
        return
    _ = language("fr").gettext
    managers = db.scalars(select(UserRow).join(MembershipRow).join(OrganisationRow).where(
        OrganisationRow.kind == "trade_body", MembershipRow.role == "manager"))
    for user in managers:
        send_mail(request, user.email, _("An offer waits for review: {title}").format(title=title),
                  _("An offer waits for your review on the job board.") +
                  (" " + _("Flagged wording:") + " " + ", ".join(f.phrase for f in found) if found else "") +
                  f"\n\n{public_base(request)}/emplois/moderation\n")


@router.get("/emplois/gestion/offres/{offer_id}")
def manage_offer(request: Request, offer_id: str, viewer: CurrentUser, db: SessionDep, lang: LanguageDep,
                 settings: SettingsDep) -> HTMLResponse:
    day = today(request)
    company = _member(viewer, settings, day)
    row = own_offer(db, viewer.organisation.id, offer_id[:32])
    if row is None:
        raise HTTPException(404, "no such offer")
    applications = [(a, db.get(JobCandidateRow, a.candidate_id)) for a in applications_to(db,
                                                                                         viewer.organisation.id,
                                                                                         row.id)]
    applied = {a.candidate_id for a, _ in applications}
    pool = [(c, f) for c, f in searchable_seekers(db, places()) if c.id not in applied]
    by_id = {c.id: c for c, _ in pool}
    ranked = [(by_id[m.seeker_id], m) for m in seekers_for(facts_of(row, places()), [f for _, f in pool])][:30]
    import json

    return render(request, lang, "jobs_manage_offer.html", viewer, company=company,
                  offer=offer_view(row, lang, places(), jobs(), day), flags=json.loads(row.flags_json),
                  applications=applications, ranked=ranked, reasons=MATCH_REASONS, statuses=STATUS_LABELS,
                  application_labels=APPLICATION_LABELS, application_statuses=APPLICATION_STATUSES,
                  work_study=row.contract in WORK_STUDY)


@router.post("/emplois/gestion/offres/{offer_id}/retirer", dependencies=[CsrfChecked])
def withdraw_offer(request: Request, offer_id: str, viewer: CurrentUser, db: SessionDep,
                   settings: SettingsDep) -> Response:
    _member(viewer, settings, today(request), write=True)
    row = own_offer(db, viewer.organisation.id, offer_id[:32])
    if row is None:
        raise HTTPException(404, "no such offer")
    if row.status in ("open", "pending", "filled"):
        row.status, row.closed_at = "closed", now(request)
        audit(db, "job_offer_withdrawn", user_id=viewer.user_id, organisation_id=viewer.organisation.id,
              target=row.id)
        db.commit()
    return RedirectResponse(f"/emplois/gestion/offres/{row.id}", 303)


@router.post("/emplois/gestion/candidatures/{application_id}", dependencies=[CsrfChecked])
def decide_application(request: Request, application_id: str, viewer: CurrentUser, db: SessionDep,
                       settings: SettingsDep, status: Annotated[str, Form(max_length=20)] = "") -> Response:
    _member(viewer, settings, today(request), write=True)
    application = own_application(db, viewer.organisation.id, application_id[:32])
    if application is None:
        raise HTTPException(404, "no such application")
    if status not in APPLICATION_STATUSES:
        raise HTTPException(422, "choose a status from the list")
    candidate = db.get(JobCandidateRow, application.candidate_id)
    offer = decide(db, application, status, today(request), now(request),
                   candidate.cohort_id if candidate is not None else None)
    audit(db, "job_application_decided", user_id=viewer.user_id, organisation_id=viewer.organisation.id,
          target=application.id, detail=status)
    db.commit()
    if candidate is not None and status in ("hired", "rejected"):
        from charte.web.i18n import language

        _ = language(candidate.language).gettext
        send_mail(request, candidate.email, _("Your application: {title}").format(title=offer.title),
                  (_("{company} retained your application.") if status == "hired" else
                   _("{company} did not retain your application.")).format(company=offer.company) +
                  f"\n\n{public_base(request)}/emplois/espace\n")
    return RedirectResponse(f"/emplois/gestion/offres/{offer.id}#candidature-{application.id}", 303)


@router.get("/emplois/gestion/candidatures/{application_id}/cv")
def download_cv(request: Request, application_id: str, viewer: CurrentUser, db: SessionDep,
                settings: SettingsDep) -> FileResponse:
    """The CV of an application to one of the organisation's offers (404 for anyone else), as a download."""
    _member(viewer, settings, today(request))
    application = own_application(db, viewer.organisation.id, application_id[:32])
    path = cv_path(settings.data_dir / "jobs" / "cv", application.cv_sha256 or "") if application else None
    if application is None or path is None:
        raise HTTPException(404, "no such CV")
    audit(db, "job_cv_downloaded", user_id=viewer.user_id, organisation_id=viewer.organisation.id,
          target=application.id)
    db.commit()
    return FileResponse(path, media_type="application/pdf", filename=f"cv-{application.id[:8]}.pdf",
                        headers={"Cache-Control": "no-store"}, content_disposition_type="attachment")


@router.post("/emplois/gestion/offres/{offer_id}/inviter/{candidate_id}", dependencies=[CsrfChecked])
def invite_candidate(request: Request, offer_id: str, candidate_id: str, viewer: CurrentUser, db: SessionDep,
                     lang: LanguageDep, settings: SettingsDep) -> Response:
    """Invite a candidate who agreed to be found to apply: the platform e-mails them; the member never sees
    their address."""
    _member(viewer, settings, today(request), write=True)
    row = own_offer(db, viewer.organisation.id, offer_id[:32])
    candidate = db.get(JobCandidateRow, candidate_id[:32])
    if row is None or candidate is None or not candidate.searchable or row.status != "open":
        raise HTTPException(404, "no such offer or candidate")
    from charte.web.i18n import language

    _ = language(candidate.language).gettext
    send_mail(request, candidate.email, _("An offer for you: {title}").format(title=row.title),
              _("{company} invites you to apply to this offer:").format(company=row.company) +
              f"\n\n{public_base(request)}/emplois/offres/{row.id}\n")
    audit(db, "job_candidate_invited", user_id=viewer.user_id, organisation_id=viewer.organisation.id,
          target=row.id)
    db.commit()
    return render(request, lang, "jobs_message.html", viewer, title=lang.gettext("Invitation sent"),
                  message=lang.gettext("The candidate was invited by e-mail to apply."),
                  back=f"/emplois/gestion/offres/{row.id}")
