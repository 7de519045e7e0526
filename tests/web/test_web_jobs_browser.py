"""The job board in a real browser (Playwright driving Debian's Chromium): a member posts a work-study offer in
Lyon, the trade body publishes it, a candidate registers, finds it by city and function and applies with a PDF
CV, the member sees the application and hires, the trade body's work-study dashboard counts the placement,
the candidate deletes their account and their data is gone. Screenshots go to ``artifacts/web/`` (git-ignored).

Skipped, with the reason, where ``/usr/bin/chromium`` or the Playwright package is missing (``.ci/run``
installs Debian's chromium; never ``playwright install``).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.web.jobs_world import PASSWORD, PDF, JobsWorld, make_jobs_world

from charte.store import transaction
from charte.store.job_rows import JobApplicationRow, JobCandidateRow

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

playwright_sync = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium "
                                                              "(.ci/run installs it with apt-get)")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[JobsWorld, str]]:
    """The application on a loopback port; the socket listens before the server thread starts (no sleeping)."""
    import uvicorn

    jobs = make_jobs_world(tmp_path_factory.mktemp("jobs-browser"), database_url="")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(jobs.app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield jobs, f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _sign_in(page, base: str, email: str, password: str,  # type: ignore[no-untyped-def]
             lands: str = "/contracts") -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{lands}")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(ARTIFACTS / f"jobs-{name}.png"), full_page=True)


def test_work_study_in_lyon_from_offer_to_placement_then_erasure(served, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    jobs, base = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # 1. a member posts a work-study offer in Lyon
    member = browser.new_context(locale="fr-FR").new_page()
    _sign_in(member, base, jobs.world.logins["provider"], jobs.world.password)
    member.goto(f"{base}/emplois/gestion")
    member.click("[data-testid=new-offer]")
    member.select_option("select[name=function]", "service")
    member.select_option("select[name=job_id]", "conseiller-clientele-distance")
    member.fill("input[name=city]", "Lyon")
    member.select_option("select[name=contract]", "apprenticeship")
    member.fill("input[name=duration_months]", "24")
    member.fill("input[name=diploma]", "Titre professionnel Conseiller relation client à distance")
    member.fill("input[name=school]", "École de la relation client")
    member.fill("input[name=pay_min]", "1100")
    member.fill("input[name=pay_max]", "1300")
    member.fill("input[name=start_on]", "2026-03-16")
    member.fill("input[name=expires_on]", "2026-04-30")
    member.fill("textarea[name=description]", "Accueillir par téléphone les clients d'un fournisseur d'énergie.")
    _shot(member, "01-member-offer-form")
    member.click("[data-testid=offer-form] button[type=submit]")
    member.wait_for_selector("[data-testid=offer-status]")
    offer_id = member.url.rsplit("/", 1)[-1]
    assert "attente" in member.inner_text("[data-testid=offer-status]")  # the member's first offer waits

    # the trade body publishes it
    trade = browser.new_context(locale="fr-FR").new_page()
    _sign_in(trade, base, jobs.world.logins["trade_body"], jobs.world.password,
             lands="/observatory")  # the trade body lands on its barometer (issue 21)
    trade.goto(f"{base}/emplois/moderation")
    trade.click("[data-testid=approve]")
    trade.wait_for_url(f"{base}/emplois/moderation")

    # 2. a candidate registers (the confirmation link arrives by e-mail) and fills a profile
    person = browser.new_context(locale="fr-FR").new_page()
    person.goto(f"{base}/emplois/inscription")
    person.fill("input[name=email]", "ines.candidate@example.org")
    person.fill("input[name=password]", PASSWORD)
    person.check("[data-testid=consent]")
    person.click("[data-testid=register-form] button[type=submit]")
    person.wait_for_selector("[data-testid=check-mail]")
    person.goto(base + jobs.outbox.link_to("ines.candidate@example.org", "/emplois/verifier/"))
    person.wait_for_url(f"{base}/emplois/profil")
    person.fill("input[name=first_name]", "Inès")
    person.check("input[name=functions][value=service]")
    person.fill("input[name=city_1]", "Villeurbanne")
    person.fill("input[name=radius_km]", "20")
    person.fill("input[name=available_from]", "2026-03-09")
    person.check("input[name=contracts][value=apprenticeship]")
    person.check("input[name=shifts][value=weekdays]")
    person.check("input[name=work_study]")
    person.click("[data-testid=profile-form] button[type=submit]")
    person.wait_for_url(f"{base}/emplois/espace")

    # finds it by city and function, and applies with a PDF CV
    person.goto(f"{base}/emplois")
    person.fill("input[name=ville]", "Lyon")
    person.select_option("select[name=fonction]", "service")
    person.click("[data-testid=search] button[type=submit]")
    person.wait_for_selector(f"[data-testid=offers] a[href='/emplois/offres/{offer_id}']")
    _shot(person, "02-search-lyon-service")
    person.click(f"[data-testid=offers] a[href='/emplois/offres/{offer_id}']")
    assert "Alternance" in person.inner_text("[data-testid=offer-contract]")
    cv = tmp_path / "cv-ines.pdf"
    cv.write_bytes(PDF)
    person.fill("textarea[name=message]", "Bonjour, je prépare le titre professionnel à Lyon.")
    person.set_input_files("input[name=cv]", str(cv))
    _shot(person, "03-offer-page-apply")
    person.click("[data-testid=apply-form] button[type=submit]")
    person.wait_for_selector("[data-testid=message]")

    # 3. the member sees the application and hires
    member.goto(f"{base}/emplois/gestion/offres/{offer_id}")
    assert "ines.candidate@example.org" in member.inner_text("[data-testid=applications]")
    member.select_option("[data-testid=application-status]", "hired")
    member.click("[data-testid=decide]")
    member.wait_for_selector("[data-testid=offer-status]")
    assert "pourvue" in member.inner_text("[data-testid=offer-status]")
    _shot(member, "04-member-application-hired")

    # 4. the trade body's dashboard counts the placement
    trade.goto(f"{base}/emplois/alternance")
    assert trade.inner_text("[data-testid='placements-Lyon-service']") == "1"
    assert trade.locator("svg[data-testid=chart-service] title").count() >= 1
    _shot(trade, "05-work-study-dashboard")

    # 5. the candidate deletes their account: their data is gone
    person.goto(f"{base}/emplois/espace")
    person.fill("[data-testid=delete-account] input[name=password]", PASSWORD)
    person.click("[data-testid=delete-account] button[type=submit]")
    person.wait_for_selector("[data-testid=message]")
    with transaction(jobs.app.state.sessions) as session:
        assert session.scalar(select(func.count()).select_from(JobCandidateRow).where(
            JobCandidateRow.email == "ines.candidate@example.org")) == 0
        assert session.scalar(select(func.count()).select_from(JobApplicationRow)) == 0
    assert list((jobs.world.data_dir / "jobs" / "cv").iterdir()) == []
    member.goto(f"{base}/emplois/gestion/offres/{offer_id}")
    assert "ines.candidate@example.org" not in member.content()
    trade.goto(f"{base}/emplois/alternance")
    assert trade.inner_text("[data-testid='placements-Lyon-service']") == "1"  # a number, without the person
