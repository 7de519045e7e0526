"""The job board's rows on SQLite and on PostgreSQL: cascades when a candidate is erased (the placement stays,
without the person), the public search, hiring until the offer is filled, the 24-month boundary in Europe/Paris
whatever the database does with time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select

from charte.jobs.communes import communes
from charte.jobs.offers import parse_offer
from charte.jobs.reference_jobs import reference_jobs
from charte.store import create_organisation, session_factory, transaction
from charte.store.job_candidates import apply, erase, purge, register, verify
from charte.store.job_offers import OfferSearch, decide, open_offers, post_offer
from charte.store.job_rows import JobApplicationRow, JobCandidateRow, JobOfferRow, JobPlacementRow

PARIS = ZoneInfo("Europe/Paris")
FORM = {"function": "service", "job_id": "teleconseiller", "city": "Lyon", "work_mode": "on_site",
        "contract": "apprenticeship", "duration_months": "24", "diploma": "BTS NDRC", "school": "École",
        "weekly_hours": "35", "shifts": ["weekdays"], "languages": ["fr"], "pay_min": "1000", "pay_max": "1100",
        "pay_period": "month", "start_on": "2025-09-01", "expires_on": "2025-09-30", "places": "2",
        "description": "Accueil."}


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)


def test_hiring_erasure_and_search_on_both_databases(engine: Engine, tmp_path: Path) -> None:
    sessions = session_factory(engine)
    cvs = tmp_path / "cv"
    with transaction(sessions) as session:
        member = create_organisation(session, "Relais Contact SAS", "provider", "987654324")
        offer, problems = parse_offer(FORM, date(2025, 8, 20), communes(), reference_jobs())
        assert offer is not None, problems
        row, _ = post_offer(session, member, "Relais Contact SAS", offer, communes(), None, paris(2025, 8, 20, 10))
        assert row.status == "pending" and row.city == "69123"  # the member's first offer waits
        row.status = "open"
        people = []
        for name in ("a", "b"):
            person, token = register(session, f"{name}@example.org", "un-mot-de-passe", "fr", paris(2025, 8, 21, 9))
            verify(session, token, paris(2025, 8, 21, 9))
            people.append(person)
        applications = [apply(session, p, row, "", b"%PDF-1.4\n%%EOF\n", "cv.pdf", cvs, date(2025, 8, 22),
                              paris(2025, 8, 22, 9)) for p in people]
        assert len(list(cvs.iterdir())) == 1  # the same file, stored once by its hash
        decide(session, applications[0], "hired", date(2025, 9, 1), paris(2025, 9, 1, 9), None)
        assert row.status == "open"
        decide(session, applications[1], "hired", date(2025, 9, 1), paris(2025, 9, 1, 9), None)
        assert row.status == "filled"
        decide(session, applications[1], "rejected", date(2025, 9, 2), paris(2025, 9, 2, 9), None)
        assert row.status == "open"  # a place is free again
        found = open_offers(session, date(2025, 8, 25), OfferSearch("69266", 10, "service", "work_study"),
                            communes())
        assert [r.id for r, _ in found] == [row.id]
        assert open_offers(session, date(2025, 8, 25), OfferSearch("75056", 50), communes()) == []
    with transaction(sessions) as session:
        person = session.scalar(select(JobCandidateRow).where(JobCandidateRow.email == "a@example.org"))
        assert person is not None
        assert erase(session, person, cvs) == 0  # b's application still uses the file
    with transaction(sessions) as session:
        assert session.scalar(select(func.count()).select_from(JobApplicationRow)) == 1
        [placement] = session.scalars(select(JobPlacementRow))
        assert placement.application_id is None and placement.offer_id is not None
        assert session.get(JobOfferRow, placement.offer_id) is not None


def test_the_24_month_boundary_is_a_paris_day_on_both_databases(engine: Engine, tmp_path: Path) -> None:
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        for name, active in (("stale", paris(2024, 11, 30, 23, 59)), ("kept", paris(2024, 12, 1, 0, 1))):
            _, token = register(session, f"{name}@example.org", "un-mot-de-passe", "fr", active)
            verify(session, token, active)
    with transaction(sessions) as session:
        done = purge(session, paris(2026, 12, 1, 12), date(2026, 12, 1), tmp_path)
        assert (done.inactive, done.unverified) == (1, 0)
        assert list(session.scalars(select(JobCandidateRow.email))) == ["kept@example.org"]
