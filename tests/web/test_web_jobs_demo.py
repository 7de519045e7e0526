"""The demonstration's job board (``charte serve``): generated offers that pass the offers' own validation,
candidates who sign in with the demo password, cohorts and placements for the work-study dashboard."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.web.conftest import csrf_of, login

from charte.observatory.demo_population import write_demo
from charte.store import transaction
from charte.store.job_rows import JobCohortRow, JobOfferRow, JobPlacementRow
from charte.web import WebSettings, create_app
from charte.web.demo_tenants import DEMO_PASSWORD, seed_demo
from charte.web.jobs_demo import seed_job_board


def test_the_demo_board_is_realistic_and_usable(tmp_path: Path) -> None:
    app = create_app(WebSettings(data_dir=tmp_path, database_url="sqlite://", secret_key="test"))
    write_demo(tmp_path / "observatory")
    tenants = seed_demo(app.state.sessions, tmp_path)
    today = date(2026, 11, 20)
    board = seed_job_board(app.state.sessions, tmp_path, tenants.organisations["provider"], today)
    assert board.offers == 42 and board.candidates == 60 and board.placements > 0 and board.pending == 1
    assert board.members[0] == "Relais Contact SAS" and len(board.members) > 3
    with transaction(app.state.sessions) as session:
        statuses = dict(session.execute(select(JobOfferRow.status, func.count()).group_by(JobOfferRow.status)).all())
        assert statuses["open"] > 25 and statuses.get("pending") == 1
        assert session.scalar(select(func.count()).select_from(JobCohortRow)) == 4
        assert session.scalar(select(func.count()).select_from(JobPlacementRow)) == board.placements
        cities = set(session.scalars(select(JobOfferRow.city)))
    assert {"75056", "69123", "31555"} <= cities  # the pilot cities Paris, Lyon, Toulouse
    public = TestClient(app)
    assert public.get("/emplois?ville=Lyon&contrat=work_study").status_code == 200
    person = TestClient(app)
    token = csrf_of(person.get("/emplois/connexion").text)
    signed_in = person.post("/emplois/connexion", data={"csrf_token": token, "email": board.candidate_login,
                                                        "password": DEMO_PASSWORD}, follow_redirects=False)
    assert signed_in.status_code == 303
    assert 'data-testid="ranked-offers"' in person.get("/emplois/espace").text
    trade = login(TestClient(app), tenants.logins["trade_body"])
    assert "Relais Contact SAS" not in trade.get("/emplois/alternance?annee=2026-2027").text  # no member shows
