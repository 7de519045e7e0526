"""Work-study cohorts and placements in the store, and the figures of the trade body's dashboard
(:mod:`charte.jobs.workstudy` states what each figure counts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from charte.jobs.communes import Commune, Communes
from charte.jobs.offers import WORK_STUDY
from charte.jobs.workstudy import (
    OUTSIDE_THE_BOARD,
    CohortDemand,
    Dashboard,
    PlacementMade,
    PlacementsRelease,
    PlacesOffered,
    SeekerWish,
    dashboard,
    placements_release,
    school_year_bounds,
)
from charte.observatory.declarations import DeclarationStore
from charte.observatory.disclosure import DisclosureRules
from charte.store.job_rows import JobApplicationRow, JobCandidateRow, JobCohortRow, JobOfferRow, JobPlacementRow


def add_cohort(db: Session, school: str, diploma: str, commune: Commune, city: Commune, function: str | None,
               starts_on: date, students: int) -> JobCohortRow:
    row = JobCohortRow(school=school, diploma=diploma, commune=commune.insee, city=city.insee, function=function,
                       starts_on=starts_on, students=students)
    db.add(row)
    db.flush()
    return row


def cohorts(db: Session) -> list[JobCohortRow]:
    return list(db.scalars(select(JobCohortRow).order_by(JobCohortRow.starts_on.desc(), JobCohortRow.school)))


def record_placement(db: Session, city: str, function: str, contract: str, placed_on: date,
                     cohort_id: str | None) -> JobPlacementRow:
    """A placement the trade body learnt of (a student placed outside the job board)."""
    row = JobPlacementRow(city=city, function=function, contract=contract, placed_on=placed_on,
                          cohort_id=cohort_id, recorded_by="trade_body")
    db.add(row)
    db.flush()
    return row


def work_study_dashboard(db: Session, year: str, places: Communes) -> Dashboard:
    offers = [PlacesOffered(o.id, o.city, o.function, o.places, o.start_on) for o in db.scalars(
        select(JobOfferRow).where(JobOfferRow.contract.in_(sorted(WORK_STUDY)),
                                  JobOfferRow.status.in_(("open", "filled", "closed"))))]
    demand = [CohortDemand(c.id, c.city, c.function, c.students, c.starts_on) for c in db.scalars(select(JobCohortRow))]
    made = [PlacementMade(p.city, p.function, p.placed_on, p.offer_id, p.cohort_id) for p in db.scalars(
        select(JobPlacementRow).where(JobPlacementRow.contract.in_(sorted(WORK_STUDY))))]
    placed = set(db.scalars(select(JobApplicationRow.candidate_id).where(JobApplicationRow.status == "hired")))
    seekers = []
    for row in db.scalars(select(JobCandidateRow).where(JobCandidateRow.work_study.is_(True),
                                                        JobCandidateRow.email_verified_at.is_not(None))):
        if row.id in placed:
            continue
        cities = tuple(places.city_of(c).insee for code in row.cities.split() if (c := places.get(code)))
        seekers.append(SeekerWish(cities, tuple(row.functions.split())))
    return dashboard(year, offers, demand, made, seekers)


@dataclass(frozen=True)
class DeclaredWorkStudy:
    """The work-study students members declared to the observatory (France, latest period), shown only when
    enough members contributed that none shows (the observatory's disclosure rules: at least ``min_members``
    members with some, none above ``dominance`` of the total)."""

    period: str | None
    total: int | None
    members: int
    withheld: bool


def declared_work_study(observatory: Path, rules: DisclosureRules | None = None) -> DeclaredWorkStudy:
    rules = rules or DisclosureRules()
    latest = DeclarationStore(observatory).latest()
    periods = sorted({d.period for d in latest})
    if not periods:
        return DeclaredWorkStudy(None, None, 0, False)
    period = periods[-1]
    by_member = {d.siren: sum(line.work_study for line in d.lines if line.country == "FR")
                 for d in latest if d.period == period}
    contributions = [v for v in by_member.values() if v > 0]
    total = sum(contributions)
    withheld = len(contributions) < rules.min_members or (total > 0 and max(contributions) > rules.dominance * total)
    return DeclaredWorkStudy(period, None if withheld else total, len(contributions), withheld)


def placements_of_year(db: Session, year: str) -> PlacementsRelease:
    """The work-study placements of a school year per function, by host (the member whose offer was filled),
    disclosure-controlled for the barometer (:func:`charte.jobs.workstudy.placements_release`)."""
    first, last = school_year_bounds(year)
    rows = db.execute(select(JobPlacementRow.function, JobOfferRow.siren, JobOfferRow.organisation_id)
                      .outerjoin(JobOfferRow, JobOfferRow.id == JobPlacementRow.offer_id)
                      .where(JobPlacementRow.contract.in_(sorted(WORK_STUDY)), JobPlacementRow.placed_on >= first,
                             JobPlacementRow.placed_on <= last)).all()
    return placements_release(year, [(siren or organisation or OUTSIDE_THE_BOARD, function)
                                     for function, siren, organisation in rows])
