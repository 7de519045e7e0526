"""The candidates' pages: an account with a verified e-mail and an explicit consent, a profile, offers ranked
for them, applications with a PDF CV, export of everything held on them, and deleting the account.

Account creation is limited per client address, applications per candidate and per address
(:data:`charte.web.jobs_glue.LIMITS`); a sign-up with an e-mail already registered looks the same as a new one
(the address's owner gets a notice instead of a link), so the form tells nobody who has an account.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from charte.jobs.candidates import CONSENT_PURPOSE, INACTIVE_MONTHS, parse_profile
from charte.jobs.cv import MAX_CV_BYTES, check_cv
from charte.jobs.matching import offers_for
from charte.jobs.problems import FieldProblem
from charte.store.accounts import audit
from charte.store.job_candidates import (
    ApplyRefused,
    applications_of,
    apply,
    authenticate,
    close_session,
    erase,
    export,
    find_by_email,
    has_profile,
    open_session,
    register,
    save_profile,
    seeker_of,
    verify,
)
from charte.store.job_offers import facts_of
from charte.store.job_rows import JobCohortRow, JobOfferRow
from charte.store.job_workstudy import cohorts
from charte.web.deps import CsrfChecked, LanguageDep, SessionDep, SettingsDep, timeouts
from charte.web.jobs_glue import (
    CANDIDATE_COOKIE,
    Candidate,
    MaybeCandidate,
    clear_candidate_cookie,
    client_address,
    jobs,
    now,
    places,
    public_base,
    refuse_if_limited,
    render,
    send_mail,
    set_candidate_cookie,
    shows_links_without_mail,
    sign_in_result,
    sign_in_wait,
    today,
)
from charte.web.jobs_public import public_offer
from charte.web.jobs_views import MATCH_REASONS, choices, offer_view, problems_at

router = APIRouter(include_in_schema=False)


def cv_folder(settings: SettingsDep):  # type: ignore[no-untyped-def]
    return settings.data_dir / "jobs" / "cv"


def _safe_next(target: str) -> str:
    return target if target.startswith("/emplois") and "//" not in target and "\\" not in target else "/emplois/espace"


# ---------------------------------------------------------------- account

@router.get("/emplois/inscription")
def register_form(request: Request, lang: LanguageDep, candidate: MaybeCandidate) -> Response:
    if candidate is not None:
        return RedirectResponse("/emplois/espace", 303)
    return render(request, lang, "jobs_register.html", purpose=CONSENT_PURPOSE, errors={}, email="")


@router.post("/emplois/inscription", dependencies=[CsrfChecked])
def register_account(request: Request, db: SessionDep, lang: LanguageDep,
                     email: Annotated[str, Form(max_length=400)] = "",
                     password: Annotated[str, Form(max_length=400)] = "",
                     consent: Annotated[str, Form(max_length=10)] = "") -> Response:
    problems: list[FieldProblem] = []
    address = email.strip().lower()
    if "@" not in address or len(address) > 254 or " " in address or "." not in address.rsplit("@", 1)[-1]:
        problems.append(FieldProblem("email", "invalid_email", "{found!r} is not an e-mail address",
                                     {"found": email[:60]}))
    if len(password) < 10:
        problems.append(FieldProblem("password", "password_too_short", "at least {count} characters", {"count": 10}))
    if consent != "on":
        problems.append(FieldProblem("consent", "consent_required", "tick the box to agree to the purpose stated"))
    if problems:
        return render(request, lang, "jobs_register.html", status_code=422, purpose=CONSENT_PURPOSE,
                      errors=problems_at(problems, lang), email=email[:254])
    refuse_if_limited(request, db, "register", f"ip:{client_address(request)}")
    _ = lang.gettext
    link = None
    if find_by_email(db, address) is None:
        _row, token = register(db, address, password, lang.code, now(request))
        audit(db, "job_candidate_registered", target="")
        db.commit()
        link = f"{public_base(request)}/emplois/verifier/{token}"
        sent = send_mail(request, address, _("Confirm your e-mail address"),
                         _("Open this link to confirm your address and use the job board:") + f"\n\n{link}\n")
    else:
        sent = send_mail(request, address, _("Your job board account"),
                         _("Someone tried to create an account with this address, which already has one. Sign in, "
                           "or ignore this message.") + f"\n\n{public_base(request)}/emplois/connexion\n")
    shown = link if not sent and shows_links_without_mail(request) else None
    return render(request, lang, "jobs_check_mail.html", email=address, sent=sent, link=shown,
                  no_mail=not sent)


@router.get("/emplois/verifier/{token}")
def verify_email(request: Request, token: str, db: SessionDep, lang: LanguageDep) -> Response:
    row = verify(db, token[:100], now(request))
    if row is None:
        raise HTTPException(404, "this link is not valid (already used, or the account was deleted)")
    session_token = open_session(db, row, now(request), timeouts(request.app.state.settings))
    db.commit()
    response = RedirectResponse("/emplois/profil", 303)
    set_candidate_cookie(request, response, session_token)
    return response


@router.get("/emplois/connexion")
def sign_in_form(request: Request, lang: LanguageDep, suite: str = "/emplois/espace") -> HTMLResponse:
    return render(request, lang, "jobs_sign_in.html", next=_safe_next(suite), error=None, email="")


@router.post("/emplois/connexion", dependencies=[CsrfChecked])
def sign_in(request: Request, db: SessionDep, lang: LanguageDep, email: Annotated[str, Form(max_length=400)] = "",
            password: Annotated[str, Form(max_length=400)] = "",
            suite: Annotated[str, Form(max_length=300)] = "/emplois/espace") -> Response:
    sign_in_wait(request, db, email)
    row = authenticate(db, email, password)
    sign_in_result(request, db, email, row is not None)
    if row is None:
        return render(request, lang, "jobs_sign_in.html", status_code=401, next=_safe_next(suite), email=email[:254],
                      error=lang.gettext("Unknown e-mail, wrong password, or an address not yet confirmed."))
    token = open_session(db, row, now(request), timeouts(request.app.state.settings))
    db.commit()
    response = RedirectResponse(_safe_next(suite), 303)
    set_candidate_cookie(request, response, token)
    return response


@router.post("/emplois/deconnexion", dependencies=[CsrfChecked])
def sign_out(request: Request, db: SessionDep) -> Response:
    close_session(db, request.cookies.get(CANDIDATE_COOKIE, ""))
    db.commit()
    response = RedirectResponse("/emplois", 303)
    clear_candidate_cookie(request, response)
    return response


# ---------------------------------------------------------------- profile and space

def _profile_form(candidate: object) -> dict[str, object]:
    from charte.store.job_rows import JobCandidateRow

    assert isinstance(candidate, JobCandidateRow)
    cities = [places().get(code) for code in candidate.cities.split()]
    form: dict[str, object] = {
        "first_name": candidate.first_name, "functions": candidate.functions.split(),
        "radius_km": str(candidate.radius_km), "remote_ok": candidate.remote_ok,
        "available_from": candidate.available_from.isoformat() if candidate.available_from else "",
        "contracts": candidate.contracts.split(), "languages": candidate.languages.split() or ["fr"],
        "shifts": candidate.shifts.split() or ["weekdays"], "work_study": candidate.work_study,
        "diploma_sought": candidate.diploma_sought, "searchable": candidate.searchable,
        "cohort_id": candidate.cohort_id or ""}
    for i, c in enumerate(cities, start=1):
        form[f"city_{i}"] = c.label if c else ""
    return form


@router.get("/emplois/profil")
def profile_form(request: Request, db: SessionDep, lang: LanguageDep, candidate: Candidate) -> HTMLResponse:
    return render(request, lang, "jobs_profile.html", form=_profile_form(candidate), errors={},
                  choices=choices(lang, jobs()), cohorts=cohorts(db))


@router.post("/emplois/profil", dependencies=[CsrfChecked])
async def save_profile_page(request: Request, db: SessionDep, lang: LanguageDep, candidate: Candidate) -> Response:
    form = await request.form()
    fields = {k: form.getlist(k) if k in ("functions", "contracts", "languages", "shifts") else str(form.get(k, ""))
              for k in form}
    profile, problems = parse_profile(fields, places())  # type: ignore[arg-type]
    cohort_id = str(form.get("cohort_id", "")) or None
    if cohort_id is not None and db.get(JobCohortRow, cohort_id[:32]) is None:
        problems.append(FieldProblem("cohort_id", "unknown_choice", "choose a cohort from the list"))
    if profile is None or problems:
        shown = {**fields, **{k: form.getlist(k) for k in ("functions", "contracts", "languages", "shifts")},
                 "remote_ok": form.get("remote_ok") == "on", "work_study": form.get("work_study") == "on",
                 "searchable": form.get("searchable") == "on"}
        return render(request, lang, "jobs_profile.html", status_code=422, form=shown,
                      errors=problems_at(problems, lang), choices=choices(lang, jobs()), cohorts=cohorts(db))
    save_profile(db, candidate, profile, cohort_id, now(request))
    db.commit()
    return RedirectResponse("/emplois/espace", 303)


@router.get("/emplois/espace")
def candidate_space(request: Request, db: SessionDep, lang: LanguageDep, candidate: Candidate) -> Response:
    """The candidate's offers, ranked (function, distance, availability), and their applications."""
    day = today(request)
    seeker = seeker_of(candidate, places())
    ranked = []
    if seeker is not None:
        rows = {r.id: r for r in db.query(JobOfferRow).filter(JobOfferRow.status == "open",
                                                                 JobOfferRow.expires_on >= day)}
        for m in offers_for(seeker, [facts_of(r, places()) for r in rows.values()])[:50]:
            ranked.append((offer_view(rows[m.offer_id], lang, places(), jobs(), day, m.distance_km), m))
    applications = [(a, db.get(JobOfferRow, a.offer_id)) for a in applications_of(db, candidate.id)]
    return render(request, lang, "jobs_space.html", ranked=ranked, reasons=MATCH_REASONS,
                  applications=applications, has_profile=has_profile(candidate), months=INACTIVE_MONTHS)


# ---------------------------------------------------------------- applying

@router.post("/emplois/offres/{offer_id}/postuler", dependencies=[CsrfChecked])
async def apply_page(request: Request, offer_id: str, db: SessionDep, lang: LanguageDep, settings: SettingsDep,
                     candidate: Candidate, message: Annotated[str, Form(max_length=4000)] = "",
                     cv: Annotated[UploadFile | None, File()] = None) -> Response:
    day = today(request)
    row = public_offer(db, offer_id, day)
    if not has_profile(candidate):
        return RedirectResponse("/emplois/profil", 303)
    refuse_if_limited(request, db, "apply", f"candidate:{candidate.id}")
    refuse_if_limited(request, db, "apply_address", f"ip:{client_address(request)}")
    content = await cv.read(MAX_CV_BYTES + 1) if cv is not None and cv.filename else None
    problems = check_cv(content) if content is not None else []
    if not problems:
        try:
            application = apply(db, candidate, row, message.strip(), content,
                                (cv.filename or "cv.pdf") if cv else "", cv_folder(settings), day, now(request))
        except ApplyRefused as refused:
            problems = [FieldProblem(refused.field, refused.code, refused.template)]
    if problems:
        db.rollback()
        view = offer_view(row, lang, places(), jobs(), day)
        return render(request, lang, "jobs_offer.html", status_code=422, offer=view, url="", entry=None,
                      json_ld="", applied=False, profile_ready=True, errors=problems_at(problems, lang),
                      message=message, choices=choices(lang, jobs()))
    db.commit()
    _notify_member(request, db, row, application.id)
    return render(request, lang, "jobs_message.html", title=lang.gettext("Application sent"),
                  message=lang.gettext("Your application was sent to {company}. You will find it in your space.")
                  .format(company=row.company), back="/emplois/espace")


def _notify_member(request: Request, db: SessionDep, offer: JobOfferRow, application_id: str) -> None:
    """An e-mail to whoever posted the offer (in French: the member's working language)."""
    from charte.store.models import UserRow
    from charte.web.i18n import language

    poster = db.get(UserRow, offer.posted_by) if offer.posted_by else None
    if poster is None:
        return
    _ = language("fr").gettext
    send_mail(request, poster.email, _("New application: {title}").format(title=offer.title),
              _("A candidate applied to your offer. Read the application:") +
              f"\n\n{public_base(request)}/emplois/gestion/offres/{offer.id}#candidature-{application_id}\n")


# ---------------------------------------------------------------- GDPR: export and erasure

@router.get("/emplois/compte/export")
def export_data(request: Request, db: SessionDep, settings: SettingsDep, candidate: Candidate) -> Response:
    content = export(db, candidate, cv_folder(settings))
    return Response(content, media_type="application/zip",
                    headers={"Content-Disposition": 'attachment; filename="mes-donnees-emplois.zip"',
                             "Cache-Control": "no-store"})


@router.post("/emplois/compte/supprimer", dependencies=[CsrfChecked])
def delete_account(request: Request, db: SessionDep, lang: LanguageDep, settings: SettingsDep,
                   candidate: Candidate, password: Annotated[str, Form(max_length=400)] = "") -> Response:
    if authenticate(db, candidate.email, password) is None:
        return render(request, lang, "jobs_message.html", status_code=403, title=lang.gettext("Not deleted"),
                      message=lang.gettext("The password is wrong: nothing was deleted."), back="/emplois/espace")
    erase(db, candidate, cv_folder(settings))
    audit(db, "job_candidate_erased", target="")
    db.commit()
    response = render(request, lang, "jobs_message.html", title=lang.gettext("Account deleted"),
                      message=lang.gettext("Your account, your profile, your applications and your CVs are deleted."),
                      back="/emplois")
    clear_candidate_cookie(request, response)
    return response

