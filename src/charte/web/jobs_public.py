"""The job board's public pages: ``/emplois`` lists open offers without login (search by city and radius,
function, contract), each offer has a shareable page with its JSON-LD ``JobPosting``; applying and reporting
need a candidate account (:mod:`charte.web.jobs_candidates`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from charte.jobs.offers import CONTRACT_KINDS
from charte.jobs.posting import job_posting
from charte.observatory.members import MemberRegistry
from charte.observatory.register import lookup
from charte.store.job_candidates import REPORT_REASONS, has_profile, report
from charte.store.job_offers import OfferSearch, is_public, offer_of, open_offers
from charte.store.job_rows import JobApplicationRow, JobOfferRow
from charte.web.deps import CsrfChecked, LanguageDep, SessionDep, SettingsDep
from charte.web.jobs_glue import (
    MaybeCandidate,
    client_address,
    jobs,
    now,
    places,
    public_base,
    refuse_if_limited,
    render,
    today,
)
from charte.web.jobs_views import choices, offer_view

router = APIRouter(include_in_schema=False)
RADII = (0, 10, 20, 50, 100)


@router.get("/emplois")
def job_board(request: Request, db: SessionDep, lang: LanguageDep, candidate: MaybeCandidate,
              ville: Annotated[str, Query(max_length=200)] = "", rayon: int = 20,
              fonction: Annotated[str, Query(max_length=20)] = "",
              contrat: Annotated[str, Query(max_length=20)] = "") -> HTMLResponse:
    """Open offers, searched by city (and radius), function and contract."""
    problem = None
    city = None
    if ville.strip():
        found = places().resolve(ville)
        city = found.commune
        if city is None:
            problem = found
    function = fonction if fonction in ("service", "commercial", "support") else None
    contract = contrat if contrat in (*CONTRACT_KINDS, "work_study") else None
    radius = rayon if rayon in RADII else 20
    search = OfferSearch(city.insee if city else None, radius, function, contract)
    day = today(request)
    found_offers = open_offers(db, day, search, places()) if problem is None else []
    views = [offer_view(row, lang, places(), jobs(), day, distance) for row, distance in found_offers]
    return render(request, lang, "jobs_list.html", offers=views, q=ville, city=city, radius=radius,
                  radii=RADII, function=function, contract=contract, problem=problem,
                  choices=choices(lang, jobs()))


@router.get("/emplois/communes")
def commune_suggestions(request: Request) -> HTMLResponse:
    """``<option>`` elements for a city field's datalist, most populous first; htmx sends the field under its
    own name (``ville``, ``city``, ``city_1``…), so the first value given is the text typed."""
    from html import escape

    typed = next((v for v in request.query_params.values() if v.strip()), "")[:100]
    options = "".join(f'<option value="{escape(c.label)}">' for c in places().suggest(typed))
    return HTMLResponse(options)


def public_offer(db: SessionDep, offer_id: str, day: object) -> JobOfferRow:
    row = db.get(JobOfferRow, offer_id[:32])
    if row is None or not is_public(row, day):  # type: ignore[arg-type]
        raise HTTPException(404, "this offer is not open (it expired, was filled or withdrawn)")
    return row


@router.get("/emplois/offres/{offer_id}")
def offer_page(request: Request, offer_id: str, db: SessionDep, lang: LanguageDep, settings: SettingsDep,
               candidate: MaybeCandidate) -> HTMLResponse:
    day = today(request)
    row = public_offer(db, offer_id, day)
    url = f"{public_base(request)}/emplois/offres/{row.id}"
    registry = MemberRegistry.load(settings.data_dir / "observatory")
    entry = lookup(registry, row.siren, day) if row.siren else None
    register_url = f"{public_base(request)}/registre/{row.siren}" if row.siren else None
    view = offer_view(row, lang, places(), jobs(), day)
    applied = candidate is not None and db.query(JobApplicationRow).filter_by(
        offer_id=row.id, candidate_id=candidate.id).first() is not None
    return render(request, lang, "jobs_offer.html", offer=view, url=url, entry=entry,
                  json_ld=job_posting(offer_of(row, places()), url=url, posted_on=row.posted_at.date(),
                                      company=row.company, siren=row.siren, register_url=register_url,
                                      rome=view.rome),
                  applied=applied, profile_ready=candidate is not None and has_profile(candidate),
                  choices=choices(lang, jobs()))


@router.post("/emplois/offres/{offer_id}/signaler", dependencies=[CsrfChecked])
def report_offer(request: Request, offer_id: str, db: SessionDep, lang: LanguageDep, candidate: MaybeCandidate,
                 reason: Annotated[str, Form()] = "", comment: Annotated[str, Form(max_length=1000)] = "",
                 ) -> Response:
    """A signed-in candidate reports an offer to the trade body's moderator."""
    if candidate is None:
        return RedirectResponse(f"/emplois/connexion?suite=/emplois/offres/{offer_id[:32]}", 303)
    row = public_offer(db, offer_id, today(request))
    if reason not in REPORT_REASONS:
        raise HTTPException(422, "choose the reason of the report")
    refuse_if_limited(request, db, "report", f"candidate:{candidate.id}")
    refuse_if_limited(request, db, "report", f"ip:{client_address(request)}")
    report(db, candidate, row, reason, comment.strip(), now(request))
    db.commit()
    return render(request, lang, "jobs_message.html", title=lang.gettext("Report received"),
                  message=lang.gettext("Thank you. The trade body's moderator will read your report."),
                  back=f"/emplois/offres/{row.id}")
