"""The job board of the demonstration (``charte serve``): member organisations with offers, candidates with
profiles and applications, fictitious schools' cohorts, placements — all generated (:mod:`charte.jobs.demo`),
through the same validation and store functions as the pages. Candidates sign in with
:data:`charte.web.demo_tenants.DEMO_PASSWORD`."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from charte.jobs.candidates import parse_profile
from charte.jobs.communes import communes
from charte.jobs.demo import demo_candidates, demo_cohorts, demo_offers
from charte.jobs.offers import parse_offer
from charte.jobs.reference_jobs import reference_jobs
from charte.observatory.members import Member, MemberRegistry, MemberSite
from charte.store import OrganisationRow, create_organisation, hash_password, transaction
from charte.store.job_candidates import apply, register, report, save_profile, verify
from charte.store.job_offers import decide, post_offer
from charte.store.job_rows import JobCohortRow, JobOfferRow
from charte.store.job_workstudy import add_cohort
from charte.web.demo_tenants import DEMO_PASSWORD

PARIS = ZoneInfo("Europe/Paris")
MEMBER_ORGANISATIONS = 6


@dataclass
class DemoJobBoard:
    offers: int = 0
    pending: int = 0
    candidates: int = 0
    applications: int = 0
    placements: int = 0
    candidate_login: str = ""
    members: list[str] = field(default_factory=list)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), PARIS).astimezone(UTC)


def _members(session: Session, observatory: Path, provider_id: str, day: date) -> list[tuple[OrganisationRow, str]]:
    """The demo provider (added to the registry as a member when it is not one) and a few members of the
    observatory's demo population, each as a provider organisation."""
    registry = MemberRegistry.load(observatory)
    provider = session.get(OrganisationRow, provider_id)
    assert provider is not None and provider.siren
    if registry.get(provider.siren) is None:
        registry = registry.with_member(Member(
            company=provider.name, siren=provider.siren, member_since=date(2012, 1, 1), functions=(
                "service", "commercial", "support"), sites=(MemberSite(name="Amiens", country="FR",
                                                                        region="Hauts-de-France"),),
            charter_2019_signed_on=date(2019, 10, 29)))
        registry.save(observatory)
    out = [(provider, provider.name)]
    for member in registry.current(day)[:MEMBER_ORGANISATIONS]:
        if member.siren == provider.siren:
            continue
        organisation = session.scalar(select(OrganisationRow).where(OrganisationRow.siren == member.siren))
        out.append((organisation or create_organisation(session, member.company, "provider", member.siren),
                    member.company))
    return out


def seed_job_board(sessions: sessionmaker[Session], data_dir: Path, provider_id: str, today: date,
                   seed: int = 22) -> DemoJobBoard:
    rng = random.Random(seed)
    places, jobs = communes(), reference_jobs()
    board = DemoJobBoard()
    cv_folder = data_dir / "jobs" / "cv"
    with transaction(sessions) as session:
        members = _members(session, data_dir / "observatory", provider_id, today)
        board.members = [name for _, name in members]
        cohort_of: dict[str, JobCohortRow] = {}
        for c in demo_cohorts(today, seed):
            commune = places.resolve(c.city).commune
            assert commune is not None
            cohort_of[c.city] = add_cohort(session, c.school, c.diploma, commune, places.city_of(commune), None,
                                           c.starts_on, c.students)
        rows: list[tuple[JobOfferRow, int]] = []
        for i, demo in enumerate(demo_offers(jobs, today, seed=seed)):
            offer, problems = parse_offer(demo.form, demo.posted_on, places, jobs)
            assert offer is not None, problems
            organisation, company = members[i % len(members)]
            row, _ = post_offer(session, organisation, company, offer, places, None, _moment(demo.posted_on))
            if demo.approved and row.status == "pending":
                row.status, row.approved_at = "open", _moment(demo.posted_on)
            board.offers += 1
            board.pending += row.status == "pending"
            rows.append((row, demo.hires))
        people = []
        shared_hash = hash_password(DEMO_PASSWORD)
        for person in demo_candidates(today, seed=seed):
            profile, problems = parse_profile(person.form, places)
            assert profile is not None, problems
            created = _moment(today - timedelta(days=rng.randint(160, 300)))
            candidate, token = register(session, person.email, DEMO_PASSWORD, "fr", created, shared_hash)
            verify(session, token, created)
            cohort = cohort_of.get(person.school_city or "")
            save_profile(session, candidate, profile, cohort.id if cohort else None, created)
            people.append(candidate)
        board.candidates = len(people)
        board.candidate_login = people[0].email
        pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
        for row, hires in rows:
            if row.status != "open":
                continue
            applicants = rng.sample(people[1:], k=min(len(people) - 1, max(hires, rng.randint(0, 4))))
            for k, candidate in enumerate(applicants):
                application = apply(session, candidate, row, "Bonjour, votre offre m'intéresse.",
                                    pdf if rng.random() < 0.6 else None, "cv.pdf", cv_folder,
                                    min(today, row.expires_on), _moment(min(today, row.expires_on)))
                board.applications += 1
                if k < hires:
                    decide(session, application, "hired", row.start_on, _moment(row.start_on), candidate.cohort_id)
                    board.placements += 1
        open_rows = [r for r, _ in rows if r.status == "open"]
        report(session, people[5], open_rows[0], "misleading", "Le salaire annoncé au téléphone était plus bas.",
               _moment(today))
    return board
