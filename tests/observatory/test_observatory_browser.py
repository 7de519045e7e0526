"""In a real browser (Playwright driving Debian's Chromium): an anonymous visitor searches the register, opens
a member and sees its expired label as expired; the follow-up committee opens its barometer and sees the
charts drawn. Screenshots go to ``artifacts/web/`` (git-ignored).

Skipped, with the reason, where ``/usr/bin/chromium`` or the Playwright package is missing
(``.ci/run`` installs Debian's chromium; never ``playwright install``).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.web.conftest import World, build_world

from charte.charter import AXES
from charte.observatory import Member, MemberRegistry
from charte.observatory.charter_followup import ScorecardStore, SharedScorecard
from charte.observatory.members import HeldLabel, MemberSite
from charte.observatory.publications import publish_charter

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

playwright_sync = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium "
                                                              "(.ci/run installs it with apt-get)")
SIRENS = ("552100554", "732829320", "542065479", "443061841")


def _observatory(folder: Path) -> None:
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    nord = Member(company="Appels du Nord SAS", siren=SIRENS[0], member_since=date(2014, 9, 1),
                  functions=("service", "support"), charter_2019_signed_on=date(2019, 10, 29),
                  sites=(MemberSite(name="Lille", country="FR", region="Hauts-de-France"),),
                  labels=(HeldLabel(name="NF 345", issuer="AFNOR Certification", valid_from=today - timedelta(1100),
                                    until=today - timedelta(days=3)),
                          HeldLabel(name="Label Engagé RSE", issuer="AFNOR Certification",
                                    until=today + timedelta(days=400))),
                  scorecards_opt_in=True)
    others = [Member(company=f"Centre {i}", siren=s, member_since=date(2016, 1, 1), scorecards_opt_in=True)
              for i, s in enumerate(SIRENS[1:])]
    MemberRegistry((nord, *others)).save(folder)
    cards = []
    for semester in ("2025-S1", "2025-S2"):
        for k, siren in enumerate(SIRENS):
            for n in range(3):
                verdicts = dict.fromkeys(AXES, "pass")
                if (n + k) % 3 == 0:
                    verdicts["3"] = "fail"
                cards.append(SharedScorecard(siren=siren, contract=f"{siren}-{n}", semester=semester,
                                             verdicts=verdicts, failing=("3:symmetry",) if verdicts["3"] == "fail"
                                             else ()))
    ScorecardStore(folder).record(cards)
    publish_charter(folder)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, str]]:
    """The application on a loopback port; the socket listens before the server thread starts (no sleeping)."""
    import uvicorn

    world = build_world(tmp_path_factory.mktemp("register-browser"), database_url="")
    _observatory(world.data_dir / "observatory")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(world.app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield world, f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def test_visitor_checks_a_member_and_committee_reads_its_barometer(served, browser) -> None:  # type: ignore[no-untyped-def]
    world, base = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    visitor = browser.new_context(locale="fr-FR").new_page()
    visitor.goto(f"{base}/registre")
    visitor.fill("[data-testid=register-query]", "appels du nord")
    visitor.click("button[type=submit]")
    visitor.wait_for_selector("[data-testid=register-results]")
    visitor.screenshot(path=str(ARTIFACTS / "10-register-search.png"), full_page=True)
    visitor.click("text=Appels du Nord SAS")
    visitor.wait_for_url(f"{base}/registre/{SIRENS[0]}")
    assert visitor.inner_text("[data-testid=member-name]") == "Appels du Nord SAS"
    assert visitor.inner_text("tr[data-label='NF 345'] [data-testid=label-status]") == "expiré"
    assert visitor.inner_text("tr[data-label='Label Engagé RSE'] [data-testid=label-status]") == "valide"
    assert visitor.locator("img[data-testid=qr]").evaluate("img => img.naturalWidth") > 0
    visitor.screenshot(path=str(ARTIFACTS / "11-register-member.png"), full_page=True)
    visitor.goto(f"{base}/registre?q=443061842")                       # a typo in the SIREN: told so, no error
    assert visitor.locator("[data-testid=register-problem]").count() == 1

    committee = browser.new_context(locale="fr-FR").new_page()
    committee.goto(f"{base}/login")
    committee.fill("input[name=email]", world.logins["trade_body"])
    committee.fill("input[name=password]", world.password)
    committee.click("button[type=submit]")
    committee.wait_for_url(f"{base}/observatory")  # the trade body lands on its barometer
    committee.goto(f"{base}/observatory/charter")
    for chart in ("stacked", "trend"):
        box = committee.locator(f"svg[data-chart={chart}]").bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
    assert committee.locator("svg[data-chart=stacked] rect").count() >= len(AXES)
    assert committee.locator("svg[data-chart=trend] polyline").count() >= 1
    committee.screenshot(path=str(ARTIFACTS / "12-committee-charter-barometer.png"), full_page=True)
