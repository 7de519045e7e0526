"""The job board through its pages: who sees what (tenancy), every form's problems at their fields, the
first-offer approval, applications and CVs seen only by the member applied to, hiring and the work-study
dashboard, reports, rate limits, GDPR export and erasure."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.web.conftest import csrf_of
from tests.web.jobs_world import (
    PASSWORD,
    PDF,
    JobsWorld,
    apply_to,
    approve,
    candidate,
    later,
    make_jobs_world,
    post_offer,
)

from charte.store import transaction
from charte.store.job_rows import JobApplicationRow, JobCandidateRow, JobOfferRow, JobPlacementRow
from charte.web.jobs_glue import LIMITS


@pytest.fixture(scope="module")
def jobs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JobsWorld]:
    world = make_jobs_world(tmp_path_factory.mktemp("jobs"))
    yield world
    for client in world.clients.values():
        client.close()


@pytest.fixture(scope="module")
def offer_id(jobs: JobsWorld) -> str:
    """The provider's first offer (a work-study offer in Lyon), approved by the trade body."""
    status, offer = post_offer(jobs.member("provider"))
    assert status == 303, offer[:500]
    approve(jobs, offer)
    return offer


def count(jobs: JobsWorld, row: type, **where: object) -> int:
    with transaction(jobs.app.state.sessions) as session:
        query = select(func.count()).select_from(row)
        for key, value in where.items():
            query = query.where(getattr(row, key) == value)
        return int(session.scalar(query) or 0)


def test_the_first_offer_waits_for_the_trade_body_then_is_public(jobs: JobsWorld) -> None:
    provider, public = jobs.member("other_provider"), TestClient(jobs.app)
    status, offer = post_offer(provider, function="support", job_id="technicien-hotline", city="Toulouse",
                               contract="cdi", duration_months="", diploma="", school="", pay_min="1900",
                               pay_max="2100")
    assert status == 303
    page = provider.get(f"/emplois/gestion/offres/{offer}").text
    assert "attend la validation" in page
    assert public.get(f"/emplois/offres/{offer}").status_code == 404
    assert offer not in public.get("/emplois?ville=Toulouse").text
    assert any("emplois/moderation" in body for _, _, body in jobs.outbox.mails)  # the trade body was told
    approve(jobs, offer)
    assert offer in public.get("/emplois?ville=Toulouse&fonction=support").text
    status, second = post_offer(provider, function="support", job_id="technicien-hotline", city="Toulouse",
                                contract="cdi", duration_months="", pay_min="1900", pay_max="2100")
    assert status == 303
    assert public.get(f"/emplois/offres/{second}").status_code == 200  # later offers open at once


def test_the_public_search_and_the_shareable_offer_page(jobs: JobsWorld, offer_id: str) -> None:
    public = TestClient(jobs.app)
    assert offer_id in public.get("/emplois").text
    assert offer_id in public.get("/emplois?ville=Villeurbanne&rayon=10&fonction=service&contrat=work_study").text
    assert offer_id not in public.get("/emplois?ville=Paris&rayon=50").text
    assert offer_id not in public.get("/emplois?ville=Lyon&fonction=commercial").text
    assert offer_id not in public.get("/emplois?ville=Lyon&contrat=cdi").text
    ambiguous = public.get("/emplois?ville=Saint-Denis").text
    assert 'data-testid="city-problem"' in ambiguous and "Saint-Denis (93)" in ambiguous
    page = public.get(f"/emplois/offres/{offer_id}")
    assert page.status_code == 200 and "set-cookie" not in {k.lower() for k in page.headers if "candidate" in k}
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S).group(1))
    assert ld["@type"] == "JobPosting" and ld["hiringOrganization"]["identifier"]["value"] == "987654324"
    assert ld["url"].endswith(f"/emplois/offres/{offer_id}")
    assert "/registre/987654324" in page.text  # the member's register entry
    assert 'data-testid="sign-in-to-apply"' in page.text  # applying needs an account


def test_an_offer_with_problems_shows_each_at_its_field_and_stores_nothing(jobs: JobsWorld) -> None:
    before = count(jobs, JobOfferRow)
    status, page = post_offer(jobs.member("provider"), contract="cdi", pay_min="1500", pay_max="1400",
                              city="Saint-Denis", languages=[], expires_on="2027-01-01", diploma="", school="")
    assert status == 422 and count(jobs, JobOfferRow) == before
    problems = dict(re.findall(r'data-testid="problem-(\w+)">([^<]+)<', page))
    assert set(problems) == {"pay_min", "pay_max", "city", "languages", "expires_on"}
    # French page: the SMIC floor for 35 h on 16 March 2026 from the law table, at its field
    assert "inférieur au SMIC" in problems["pay_min"] and "16 mars 2026" in problems["pay_min"]
    assert "Saint-Denis (93)" in problems["city"]


def test_only_members_post_and_only_managers_write(jobs: JobsWorld) -> None:
    assert jobs.member("client").get("/emplois/gestion").status_code == 404
    assert jobs.member("trade_body").get("/emplois/gestion/nouvelle").status_code == 404
    reader = jobs.member("provider_reader")
    assert reader.get("/emplois/gestion").status_code == 200
    assert reader.get("/emplois/gestion/nouvelle").status_code == 403
    assert TestClient(jobs.app).get("/emplois/gestion", follow_redirects=False).status_code == 303


def test_registration_needs_consent_and_a_verified_address(jobs: JobsWorld) -> None:
    client = TestClient(jobs.app, raise_server_exceptions=False, client=("10.9.0.1", 1))
    token = csrf_of(client.get("/emplois/inscription").text)
    refused = client.post("/emplois/inscription", data={"csrf_token": token, "email": "pas-une-adresse",
                                                        "password": "court"})
    assert refused.status_code == 422
    assert set(re.findall(r'data-testid="problem-(\w+)"', refused.text)) == {"email", "password", "consent"}
    client.post("/emplois/inscription", data={"csrf_token": token, "email": "lea@example.org",
                                              "password": PASSWORD, "consent": "on"})
    sign_in = client.post("/emplois/connexion", data={"csrf_token": token, "email": "lea@example.org",
                                                      "password": PASSWORD})
    assert sign_in.status_code == 401  # not verified yet
    again = client.post("/emplois/inscription", data={"csrf_token": token, "email": "lea@example.org",
                                                      "password": "autre-mot-de-passe", "consent": "on"})
    assert again.status_code == 200 and 'data-testid="check-mail"' in again.text  # the same answer
    assert jobs.outbox.mails[-1][1] in ("Votre compte de l’espace emploi", "Your job board account")
    with transaction(jobs.app.state.sessions) as session:
        row = session.scalar(select(JobCandidateRow).where(JobCandidateRow.email == "lea@example.org"))
        assert row is not None and row.consent_version and row.email_verified_at is None


def test_account_creation_is_rate_limited_per_address(jobs: JobsWorld) -> None:
    client = TestClient(jobs.app, raise_server_exceptions=False, client=("10.9.0.2", 1))
    token = csrf_of(client.get("/emplois/inscription").text)
    codes = [client.post("/emplois/inscription", data={"csrf_token": token, "email": f"flood{i}@example.org",
                                                       "password": PASSWORD, "consent": "on"}).status_code
             for i in range(6)]
    assert codes == [200] * 5 + [429]


def test_apply_then_only_that_member_reads_the_application_and_its_cv(jobs: JobsWorld, offer_id: str) -> None:
    ines = candidate(jobs, "ines@example.org")
    space = ines.get("/emplois/espace").text
    assert offer_id in space  # ranked for her: service, 5 km from Villeurbanne, work-study
    response = apply_to(ines, offer_id)
    assert response.status_code == 200 and 'data-testid="message"' in response.text
    assert apply_to(ines, offer_id).status_code == 422  # once
    provider = jobs.member("provider")
    page = provider.get(f"/emplois/gestion/offres/{offer_id}").text
    application = re.search(r'id="candidature-(\w+)"', page).group(1)
    assert "ines@example.org" in page
    cv = provider.get(f"/emplois/gestion/candidatures/{application}/cv")
    assert cv.status_code == 200 and cv.content == PDF
    assert cv.headers["content-disposition"].startswith("attachment")
    assert cv.headers["content-type"] == "application/pdf"
    other = jobs.member("other_provider")
    assert other.get(f"/emplois/gestion/offres/{offer_id}").status_code == 404
    assert other.get(f"/emplois/gestion/candidatures/{application}/cv").status_code == 404
    assert jobs.member("trade_body").get(f"/emplois/gestion/candidatures/{application}/cv").status_code == 404
    assert TestClient(jobs.app).get(f"/emplois/gestion/candidatures/{application}/cv",
                                    follow_redirects=False).status_code == 303
    assert ines.get(f"/emplois/gestion/candidatures/{application}/cv", follow_redirects=False).status_code == 303
    assert any(to == jobs.world.logins["provider"] and subject.startswith("Nouvelle candidature")
               for to, subject, _ in jobs.outbox.mails)  # the member who posted was told


def test_a_cv_must_be_a_pdf_of_at_most_2_mb(jobs: JobsWorld, offer_id: str) -> None:
    hugo = candidate(jobs, "hugo@example.org")
    before = count(jobs, JobApplicationRow, offer_id=offer_id)
    refused = apply_to(hugo, offer_id, cv=b"MZ\x90\x00 this is a program")
    assert refused.status_code == 422 and 'data-testid="problem-cv"' in refused.text
    assert "n’est pas un PDF" in refused.text
    big = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024) + b"\n%%EOF\n"
    assert apply_to(hugo, offer_id, cv=big).status_code == 422
    assert count(jobs, JobApplicationRow, offer_id=offer_id) == before


def test_applications_are_rate_limited_per_candidate(jobs: JobsWorld) -> None:
    jobs.app.state.jobs_limits = {**LIMITS, "apply": (1, 86400.0)}
    try:
        provider = jobs.member("provider")
        offers = [post_offer(provider, city="Villeurbanne", pay_min="1100", pay_max="1200")[1] for _ in range(2)]
        nora = candidate(jobs, "nora@example.org")
        assert apply_to(nora, offers[0], cv=None).status_code == 200
        assert apply_to(nora, offers[1], cv=None).status_code == 429
    finally:
        del jobs.app.state.jobs_limits


def test_hiring_counts_the_placement_and_fills_the_offer(jobs: JobsWorld, offer_id: str) -> None:
    provider = jobs.member("provider")
    page = provider.get(f"/emplois/gestion/offres/{offer_id}").text
    application = re.search(r'id="candidature-(\w+)"', page).group(1)
    response = provider.post(f"/emplois/gestion/candidatures/{application}",
                             data={"csrf_token": csrf_of(page), "status": "hired"}, follow_redirects=False)
    assert response.status_code == 303
    assert count(jobs, JobPlacementRow, offer_id=offer_id) == 1
    assert TestClient(jobs.app).get(f"/emplois/offres/{offer_id}").status_code == 404  # 1 place: filled
    trade = jobs.member("trade_body")
    dashboard = trade.get("/emplois/alternance?annee=2025-2026").text
    assert re.search(r'data-testid="placements-Lyon-service">(\d+)<', dashboard).group(1) == "1"
    assert "<svg" in dashboard and "<title" in dashboard and 'data-testid="work-study-table"' in dashboard
    # the barometer publishes the year's placements by function under disclosure control: one host company
    # (fewer than 3) withholds its cell, and the total, which would give it back, too
    barometer = jobs.member("client").get("/observatory").text
    assert 'data-testid="work-study-service">(s)<' in barometer
    assert 'data-testid="work-study-total">(s)<' in barometer or 'data-testid="work-study-total">(c)<' in barometer
    assert jobs.member("provider").get("/emplois/alternance").status_code == 404
    csv_text = trade.get("/emplois/alternance.csv?annee=2025-2026").text
    assert "Lyon,service,1,0,0,1,0" in csv_text.replace("\r", "")


def test_flagged_wording_waits_and_reports_reach_the_moderator(jobs: JobsWorld, offer_id: str) -> None:
    provider = jobs.member("provider")
    status, flagged = post_offer(provider, description="Nous recherchons un jeune conseiller sans accent.")
    assert status == 303
    assert TestClient(jobs.app).get(f"/emplois/offres/{flagged}").status_code == 404
    moderation = jobs.member("trade_body").get("/emplois/moderation").text
    assert flagged in moderation and "sans accent" in moderation
    status, plain = post_offer(provider, city="Villeurbanne")
    assert status == 303
    lea = candidate(jobs, "leo@example.org")
    page = lea.get(f"/emplois/offres/{plain}").text
    lea.post(f"/emplois/offres/{plain}/signaler", data={"csrf_token": csrf_of(page), "reason": "illegal_pay",
                                                        "comment": "Le salaire réel est plus bas."})
    trade = jobs.member("trade_body")
    moderation = trade.get("/emplois/moderation").text
    report = re.search(r'/emplois/moderation/signalements/(\w+)', moderation).group(1)
    trade.post(f"/emplois/moderation/signalements/{report}", data={"csrf_token": csrf_of(moderation),
                                                                   "action": "uphold"})
    assert TestClient(jobs.app).get(f"/emplois/offres/{plain}").status_code == 404  # hidden


def test_an_expired_offer_is_no_longer_public(jobs: JobsWorld) -> None:
    status, offer = post_offer(jobs.member("provider"), expires_on="2026-03-05", city="Villeurbanne")
    assert status == 303
    public = TestClient(jobs.app)
    assert public.get(f"/emplois/offres/{offer}").status_code == 200
    later(jobs, 4)
    try:
        assert public.get(f"/emplois/offres/{offer}").status_code == 404
        assert offer not in public.get("/emplois").text
    finally:
        later(jobs, -4)


def test_export_then_delete_leaves_nothing_of_the_candidate(jobs: JobsWorld, tmp_path: Path) -> None:
    status, offer = post_offer(jobs.member("provider"), city="Villeurbanne", places="2")
    assert status == 303
    manon = candidate(jobs, "manon@example.org", {"first_name": "Manon"})
    assert apply_to(manon, offer, cv=PDF + b"% manon\n").status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(manon.get("/emplois/compte/export").content))
    data = json.loads(archive.read("donnees.json"))
    assert data["account"]["email"] == "manon@example.org" and data["consent"]["purpose"]
    assert data["profile"]["first_name"] == "Manon" and len(data["applications"]) == 1
    cv_name = data["applications"][0]["cv"]
    assert archive.read(cv_name) == PDF + b"% manon\n"
    cv_file = jobs.world.data_dir / "jobs" / "cv" / Path(cv_name).name
    assert cv_file.exists()
    page = manon.get("/emplois/espace").text
    wrong = manon.post("/emplois/compte/supprimer", data={"csrf_token": csrf_of(page), "password": "faux"})
    assert wrong.status_code == 403 and cv_file.exists()
    done = manon.post("/emplois/compte/supprimer", data={"csrf_token": csrf_of(page), "password": PASSWORD})
    assert done.status_code == 200
    assert count(jobs, JobCandidateRow, email="manon@example.org") == 0
    assert count(jobs, JobApplicationRow, offer_id=offer) == 0
    assert not cv_file.exists()
    assert "Manon" not in jobs.member("provider").get(f"/emplois/gestion/offres/{offer}").text
    assert manon.get("/emplois/espace", follow_redirects=False).status_code == 303  # signed out



def test_members_see_ranked_candidates_who_agreed_without_their_address_and_invite_them(jobs: JobsWorld) -> None:
    status, offer = post_offer(jobs.member("provider"), city="Villeurbanne")
    assert status == 303
    if "attend la validation" in jobs.member("provider").get(f"/emplois/gestion/offres/{offer}").text:
        approve(jobs, offer)
    candidate(jobs, "searchable@example.org", {"first_name": "Yanis", "searchable": "on"})
    candidate(jobs, "hidden@example.org", {"first_name": "Zoé", "searchable": ""})
    provider = jobs.member("provider")
    page = provider.get(f"/emplois/gestion/offres/{offer}").text
    ranked = page.split('data-testid="ranked-candidates"', 1)[1]
    assert "Yanis" in ranked and "Zoé" not in ranked
    assert "searchable@example.org" not in page and "hidden@example.org" not in page
    row = next(r for r in ranked.split("<tr>") if "Yanis" in r)
    invite = re.search(rf'/emplois/gestion/offres/{offer}/inviter/(\w+)', row).group(0)
    assert provider.post(invite, data={"csrf_token": csrf_of(page)}).status_code == 200
    assert jobs.outbox.link_to("searchable@example.org", f"/emplois/offres/{offer}")
    assert jobs.member("other_provider").post(invite, data={"csrf_token": csrf_of(page)}).status_code in (403, 404)


def test_candidates_sign_ins_are_throttled_by_the_shared_counters(jobs: JobsWorld) -> None:
    """charte.store.throttle: 5 failures of one address on one account are free, the 6th delays the pair by 1 s
    (doubling after), during which even the right password is refused without being checked. The clock is frozen,
    so the delay holds; one second later the right password opens the session."""
    lea = candidate(jobs, "lea.throttle@example.org")
    lea.post("/emplois/deconnexion", data={"csrf_token": csrf_of(lea.get("/emplois/connexion").text)})

    def sign_in(password: str) -> int:
        token = csrf_of(lea.get("/emplois/connexion").text)
        return lea.post("/emplois/connexion", data={"csrf_token": token, "email": "lea.throttle@example.org",
                                                    "password": password}, follow_redirects=False).status_code

    assert [sign_in("wrong password") for _ in range(6)] == [401] * 6
    refused = sign_in(PASSWORD)
    assert refused == 429
    jobs.clock.moment += timedelta(seconds=1)
    assert sign_in(PASSWORD) == 303


def test_a_backup_carries_the_job_board_and_its_cvs(tmp_path: Path) -> None:
    """charte admin backup/restore: the job board's rows and stored CVs come back; candidates' sessions do not
    (everybody signs in again, as for the members' sessions). A world of its own: the module's clock has moved."""
    from charte.store import make_engine
    from charte.store.backup import backup, restore
    from charte.store.job_rows import JobCandidateSessionRow

    jobs = make_jobs_world(tmp_path / "source")
    status, offer = post_offer(jobs.member("provider"))
    assert status == 303, offer[:300]
    approve(jobs, offer)
    sara = candidate(jobs, "sara.backup@example.org")
    assert apply_to(sara, offer).status_code == 200
    archive = tmp_path / "backup.tar.gz"
    summary = backup(jobs.app.state.engine, jobs.world.data_dir, archive, "test")
    assert summary.rows["job_offer"] == count(jobs, JobOfferRow) > 0
    assert summary.rows["job_application"] == count(jobs, JobApplicationRow) > 0
    assert "job_candidate_session" not in summary.rows
    restored = tmp_path / "restored"
    target = make_engine(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    restore(target, restored, archive)
    with target.connect() as connection:
        for row in (JobOfferRow, JobCandidateRow, JobApplicationRow, JobPlacementRow):
            assert connection.execute(select(func.count()).select_from(row)).scalar() == count(jobs, row)
        assert connection.execute(select(func.count()).select_from(JobCandidateSessionRow)).scalar() == 0
    cvs = sorted(p.relative_to(jobs.world.data_dir) for p in (jobs.world.data_dir / "jobs" / "cv").rglob("*.pdf"))
    assert cvs and all((restored / p).read_bytes() == (jobs.world.data_dir / p).read_bytes() for p in cvs)


def test_a_candidates_session_ends_after_two_idle_hours_and_twelve_in_all(jobs: JobsWorld) -> None:
    """The members' timeouts (CHARTE_SESSION_IDLE_SECONDS 2 h, CHARTE_SESSION_MAX_SECONDS 12 h) apply to candidates:
    a request moves the end by 2 h, never beyond 12 h after sign-in."""
    yanis = candidate(jobs, "yanis.session@example.org")  # signed in by the confirmation link, at t0
    for _ in range(6):  # a request every 1 h 50 min: t0 + 11 h at the last one
        jobs.clock.moment += timedelta(hours=1, minutes=50)
        assert yanis.get("/emplois/espace", follow_redirects=False).status_code == 200
    jobs.clock.moment += timedelta(hours=1, minutes=1)  # t0 + 12 h 01: the absolute end
    assert yanis.get("/emplois/espace", follow_redirects=False).status_code == 303
    token = csrf_of(yanis.get("/emplois/connexion").text)
    assert yanis.post("/emplois/connexion", data={"csrf_token": token, "email": "yanis.session@example.org",
                                                  "password": PASSWORD}, follow_redirects=False).status_code == 303
    jobs.clock.moment += timedelta(hours=2)  # two idle hours
    assert yanis.get("/emplois/espace", follow_redirects=False).status_code == 303


def test_every_mail_speaks_its_reader_s_language(jobs: JobsWorld) -> None:
    """Issue 21: the mails this module's French readers caused (confirmations, applications, reviews, invitations to
    apply) hold no English word; a registration made in English is confirmed in English, with no French word. The
    offers' and people's own words, addresses and links are left out, as on the pages."""
    from tests.language_words import ENGLISH, FRENCH, foreign_words

    codes = re.compile(r"\S*[/@_\[\]]\S*")
    titles = {subject.partition(": ")[2] for _, subject, _ in jobs.outbox.mails} - {""}

    def read(subject: str, body: str) -> str:
        text = f"{subject}\n{body}"
        for written in sorted(titles, key=len, reverse=True):
            text = text.replace(written, " ")
        return codes.sub(" ", text)

    french = list(jobs.outbox.mails)
    assert len(french) >= 5
    for to, subject, body in french:
        assert foreign_words(read(subject, body), ENGLISH) == [], (to, subject)
    client = TestClient(jobs.app, raise_server_exceptions=False, client=("10.9.9.9", 1))
    client.get("/language/en")
    token = csrf_of(client.get("/emplois/inscription").text)
    client.post("/emplois/inscription", data={"csrf_token": token, "email": "sam@example.org", "password": PASSWORD,
                                              "consent": "on"})
    to, subject, body = jobs.outbox.mails[-1]
    assert to == "sam@example.org" and subject == "Confirm your e-mail address"
    assert foreign_words(read(subject, body), FRENCH) == [], body
