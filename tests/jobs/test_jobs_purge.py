"""``charte jobs purge`` on a frozen day: profiles without activity for 24 months and accounts never verified
within 7 days are deleted, with their applications and CVs; what they leave is a placement with no person."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from typer.testing import CliRunner

from charte.cli import app
from charte.jobs.communes import communes
from charte.jobs.offers import parse_offer
from charte.jobs.reference_jobs import reference_jobs
from charte.store import create_organisation, make_engine, migrate, session_factory, transaction
from charte.store.job_candidates import apply, register, verify
from charte.store.job_offers import decide, post_offer
from charte.store.job_rows import JobApplicationRow, JobCandidateRow, JobPlacementRow

PARIS = ZoneInfo("Europe/Paris")
PDF = b"%PDF-1.4\n%%EOF\n"


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)


def test_purge_deletes_inactive_and_unverified_accounts_on_the_day_given(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'charte.sqlite3'}")
    migrate(engine)
    sessions = session_factory(engine)
    form = {"function": "service", "job_id": "teleconseiller", "city": "Lyon", "work_mode": "on_site",
            "contract": "apprenticeship", "duration_months": "24", "diploma": "BTS NDRC", "school": "École",
            "weekly_hours": "35", "shifts": ["weekdays"], "languages": ["fr"], "pay_min": "1000", "pay_max": "1100",
            "pay_period": "month", "start_on": "2024-11-20", "expires_on": "2024-12-20", "places": "1",
            "description": "Accueil."}
    cv_folder = tmp_path / "jobs" / "cv"
    with transaction(sessions) as session:
        organisation = create_organisation(session, "Relais Contact SAS", "provider", "987654324")
        offer, problems = parse_offer(form, date(2024, 11, 15), communes(), reference_jobs())
        assert offer is not None, problems
        row, _ = post_offer(session, organisation, "Relais Contact SAS", offer, communes(), None,
                            paris(2024, 11, 15, 10))
        row.status = "open"
        people = {}
        # 24 months before 1 December 2026 is 1 December 2024 (Europe/Paris)
        for name, active in (("stale", paris(2024, 11, 30, 23, 30)), ("kept", paris(2024, 12, 1, 0, 30))):
            person, token = register(session, f"{name}@example.org", "un-mot-de-passe", "fr", active)
            verify(session, token, active)
            people[name] = person
        application = apply(session, people["stale"], row, "", PDF, "cv.pdf", cv_folder, date(2024, 11, 30),
                            paris(2024, 11, 30, 23, 30))
        decide(session, application, "hired", date(2024, 11, 30), paris(2024, 11, 30, 23, 31), None)
        register(session, "unverified-8-days@example.org", "un-mot-de-passe", "fr", paris(2026, 11, 23, 11))
        register(session, "unverified-5-days@example.org", "un-mot-de-passe", "fr", paris(2026, 11, 26, 11))
    assert len(list(cv_folder.iterdir())) == 1

    result = CliRunner().invoke(app, ["jobs", "purge", "--data-dir", str(tmp_path), "--today", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert "1 candidates inactive since before 2024-12-01 deleted, 1 never-verified" in result.output
    with transaction(sessions) as session:
        left = set(session.scalars(select(JobCandidateRow.email)))
        assert left == {"kept@example.org", "unverified-5-days@example.org"}
        assert list(session.scalars(select(JobApplicationRow))) == []
        [placement] = session.scalars(select(JobPlacementRow))
        assert placement.application_id is None and placement.city == "69123"
    assert list(cv_folder.iterdir()) == []

    again = CliRunner().invoke(app, ["jobs", "purge", "--data-dir", str(tmp_path), "--today", "2026-12-01"])
    assert "0 candidates inactive" in again.output
    bad = CliRunner().invoke(app, ["jobs", "purge", "--data-dir", str(tmp_path), "--today", "1 décembre"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
