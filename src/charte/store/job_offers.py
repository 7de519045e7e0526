"""Members' offers in the store: posting (first offers and flagged wording wait for the trade body), the public
search, moderation, applications seen by the offer's organisation only, hiring and closing on fill.

A member is a provider organisation whose SIREN is a current member in the observatory's registry
(:class:`charte.observatory.members.MemberRegistry`): only members post offers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from charte.jobs.communes import Communes, distance_km
from charte.jobs.matching import OfferFacts
from charte.jobs.offers import WORK_STUDY, Offer
from charte.jobs.wording import Flag, flags
from charte.observatory.members import Member, MemberRegistry
from charte.store.job_rows import JobApplicationRow, JobOfferRow, JobPlacementRow
from charte.store.models import OrganisationRow

APPLICATION_STATUSES = ("received", "shortlisted", "hired", "rejected")


def member_of(organisation: OrganisationRow, observatory: Path, day: date) -> Member | None:
    """The registry entry of a provider organisation that is a member on ``day``, else ``None``."""
    if organisation.kind != "provider" or not organisation.siren:
        return None
    member = MemberRegistry.load(observatory).get(organisation.siren)
    return member if member is not None and member.is_member_on(day) else None


def has_approved_offer(db: Session, organisation_id: str) -> bool:
    count = db.scalar(select(func.count()).select_from(JobOfferRow).where(
        JobOfferRow.organisation_id == organisation_id, JobOfferRow.approved_at.is_not(None)))
    return bool(count)


def post_offer(db: Session, organisation: OrganisationRow, company: str, offer: Offer, places: Communes,
               user_id: str | None, now: datetime) -> tuple[JobOfferRow, list[Flag]]:
    """Store a validated offer. It opens at once, unless it is the member's first (the trade body approves it)
    or its wording is flagged (the moderator reads it): then it waits as ``pending``."""
    found = flags(offer.title, offer.description, offer.schedule, offer.pay_note, offer.classification)
    first = not has_approved_offer(db, organisation.id)
    row = JobOfferRow(
        organisation_id=organisation.id, posted_by=user_id, siren=organisation.siren, company=company,
        job_id=offer.job_id, title=offer.title, function=offer.function, classification=offer.classification,
        commune=offer.commune.insee, city=places.city_of(offer.commune).insee, region=offer.commune.region,
        work_mode=offer.work_mode, contract=offer.contract, duration_months=offer.duration_months,
        diploma=offer.diploma, school=offer.school, weekly_hours=str(offer.weekly_hours),
        shifts=" ".join(offer.shifts), schedule=offer.schedule, languages=" ".join(offer.languages),
        pay_min=str(offer.pay_min), pay_max=str(offer.pay_max), pay_period=offer.pay_period, pay_note=offer.pay_note,
        start_on=offer.start_on, expires_on=offer.expires_on, places=offer.places, description=offer.description,
        status="pending" if first or found else "open", flags_json=json.dumps([f.as_dict() for f in found]),
        moderation_note="first_offer" if first else "", posted_at=now, approved_at=None if first or found else now)
    db.add(row)
    db.flush()
    return row, found


def offer_of(row: JobOfferRow, places: Communes) -> Offer:
    """The domain offer of a stored row."""
    commune = places.get(row.commune)
    if commune is None:
        raise LookupError(f"offer {row.id}: commune {row.commune} is not in the shipped communes")
    return Offer(row.job_id, row.title, row.function, row.classification, commune, row.work_mode,  # type: ignore[arg-type]
                 row.contract, row.duration_months, row.diploma, row.school,  # type: ignore[arg-type]
                 Decimal(row.weekly_hours), tuple(row.shifts.split()), row.schedule, tuple(row.languages.split()),
                 Decimal(row.pay_min), Decimal(row.pay_max), row.pay_period, row.pay_note, row.start_on,
                 row.expires_on, row.places, row.description)


def facts_of(row: JobOfferRow, places: Communes) -> OfferFacts:
    commune = places.get(row.commune)
    assert commune is not None
    return OfferFacts(row.id, row.function, commune, row.work_mode, row.contract, row.start_on,
                      tuple(row.languages.split()), tuple(row.shifts.split()))


def status_on(row: JobOfferRow, day: date) -> str:
    """pending, open, expired (an open offer past its expiry), hidden, filled or closed."""
    if row.status == "open" and day > row.expires_on:
        return "expired"
    return row.status


def is_public(row: JobOfferRow, day: date) -> bool:
    return status_on(row, day) == "open"


@dataclass(frozen=True)
class OfferSearch:
    """The public search: a city and a radius, a function, a contract (``work_study`` for both kinds)."""

    city: str | None = None        # INSEE code of a commune
    radius_km: int = 0
    function: str | None = None
    contract: str | None = None


def open_offers(db: Session, day: date, search: OfferSearch, places: Communes,
                ) -> list[tuple[JobOfferRow, float | None]]:
    """The open offers matching the search, with their distance to the searched city, nearest then newest."""
    query = select(JobOfferRow).where(JobOfferRow.status == "open", JobOfferRow.expires_on >= day)
    if search.function:
        query = query.where(JobOfferRow.function == search.function)
    if search.contract == "work_study":
        query = query.where(JobOfferRow.contract.in_(sorted(WORK_STUDY)))
    elif search.contract:
        query = query.where(JobOfferRow.contract == search.contract)
    rows = list(db.scalars(query.order_by(JobOfferRow.posted_at.desc(), JobOfferRow.id)))
    centre = places.get(search.city) if search.city else None
    if centre is None:
        return [(r, None) for r in rows]
    out: list[tuple[JobOfferRow, float]] = []
    for row in rows:
        commune = places.get(row.commune)
        if commune is None:
            continue
        d = distance_km(centre, commune)
        if d <= search.radius_km or places.city_of(commune).insee == places.city_of(centre).insee:
            out.append((row, d))
    return [(row, d) for row, d in sorted(out, key=lambda x: x[1])]


def offers_of(db: Session, organisation_id: str) -> list[JobOfferRow]:
    return list(db.scalars(select(JobOfferRow).where(JobOfferRow.organisation_id == organisation_id)
                           .order_by(JobOfferRow.posted_at.desc())))


def own_offer(db: Session, organisation_id: str, offer_id: str) -> JobOfferRow | None:
    """The organisation's offer, or ``None`` (also for another organisation's offer: the page answers 404)."""
    row = db.get(JobOfferRow, offer_id)
    return row if row is not None and row.organisation_id == organisation_id else None


def applications_to(db: Session, organisation_id: str, offer_id: str | None = None) -> list[JobApplicationRow]:
    query = select(JobApplicationRow).where(JobApplicationRow.organisation_id == organisation_id)
    if offer_id is not None:
        query = query.where(JobApplicationRow.offer_id == offer_id)
    return list(db.scalars(query.order_by(JobApplicationRow.applied_at.desc())))


def own_application(db: Session, organisation_id: str, application_id: str) -> JobApplicationRow | None:
    row = db.get(JobApplicationRow, application_id)
    return row if row is not None and row.organisation_id == organisation_id else None


def hires(db: Session, offer_id: str) -> int:
    return int(db.scalar(select(func.count()).select_from(JobApplicationRow).where(
        JobApplicationRow.offer_id == offer_id, JobApplicationRow.status == "hired")) or 0)


def decide(db: Session, application: JobApplicationRow, status: str, today: date, now: datetime,
           cohort_id: str | None) -> JobOfferRow:
    """Set an application's status. Hiring records the placement (counted, without the person) and fills the
    offer when its places are all taken; un-hiring removes that placement and reopens a filled offer."""
    if status not in APPLICATION_STATUSES:
        raise ValueError(f"status {status!r}: expected one of {', '.join(APPLICATION_STATUSES)}")
    offer = db.get(JobOfferRow, application.offer_id)
    assert offer is not None
    was_hired = application.status == "hired"
    application.status, application.decided_at = status, now
    placement = db.scalar(select(JobPlacementRow).where(JobPlacementRow.application_id == application.id))
    if status == "hired" and not was_hired and placement is None:
        db.add(JobPlacementRow(offer_id=offer.id, application_id=application.id, cohort_id=cohort_id,
                               city=offer.city, function=offer.function, contract=offer.contract, placed_on=today,
                               recorded_by="member"))
    elif status != "hired" and placement is not None:
        db.delete(placement)
    db.flush()
    filled = hires(db, offer.id) >= offer.places
    if filled and offer.status == "open":
        offer.status, offer.closed_at = "filled", now
    elif not filled and offer.status == "filled":
        offer.status, offer.closed_at = "open", None
    return offer
