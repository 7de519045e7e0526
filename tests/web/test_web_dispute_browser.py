"""In a real browser (Playwright driving Debian's Chromium), the whole dispute path of issue 16: the client contests a
line, the provider proposes a what-if, the mediator recommends it, both accept, the partial credit note is issued
(its Factur-X XML passes the EN 16931 XSD), the invoice's status history shows each step, and the SMTP server (in the
test process) received each notification. Screenshots go to ``artifacts/web/`` (git-ignored).

Skipped, with the reason, where ``/usr/bin/chromium`` or the Playwright package is missing.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from facturx import get_xml_from_pdf
from tests.web.smtp_server import Inbox, smtp_server

from charte.demo.run import DemoResult, default_contract_path
from charte.disputes import Totals
from charte.io.einvoicing.gate import validate
from charte.io.facturx import check_xsd
from charte.web import WebSettings, create_app
from charte.web.demo_tenants import DemoTenants, seed_demo
from charte.web.i18n import language

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

playwright_sync = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium "
                                                              "(.ci/run installs it with apt-get)")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory,
           demo: DemoResult) -> Iterator[tuple[DemoTenants, str, Inbox, Path, Totals]]:
    """The application on a loopback port with the demo month settled, and an SMTP server; the socket listens
    before the server thread starts, so the browser's first request waits in the backlog (no sleeping)."""
    import uvicorn

    assert demo.dispute is not None
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with smtp_server() as inbox:
        data_dir = tmp_path_factory.mktemp("dispute-browser")
        app = create_app(WebSettings(data_dir=data_dir, secret_key="browser", smtp_url=inbox.url, public_url=base))
        tenants = seed_demo(app.state.sessions, data_dir, contract_text=default_contract_path().read_text("utf-8"),
                            demo_dir=demo.out_dir, period="2026-10")
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        yield tenants, base, inbox, demo.out_dir / demo.dispute.revision_file, demo.dispute.whatif.totals
        server.should_exit = True
        thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _page(browser, base: str, email: str, password: str):  # type: ignore[no-untyped-def]
    page = browser.new_context(locale="fr-FR").new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/contracts")
    return page


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_contest_whatif_mediation_agreement_credit_note(served, browser) -> None:  # type: ignore[no-untyped-def]
    tenants, base, inbox, revision, totals = served   # the figures `charte demo`'s dispute computed
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    c = tenants.contract_id
    month = f"{base}/contracts/{c}/settlements/2026-10"

    provider = _page(browser, base, tenants.logins["provider"], tenants.password)
    provider.goto(month)
    provider.click("text=Émettre la facture")
    provider.wait_for_selector("[data-testid=invoice-number]")

    # The client contests line 1, attaching its late W-1 revision as a new version of the evidence.
    client = _page(browser, base, tenants.logins["client"], tenants.password)
    client.goto(month)
    client.click("[data-testid=contest-line-1]")
    client.wait_for_selector("#contest-form")
    assert client.is_checked("input[name=scope][value=line]")
    client.select_option("select[name=reason]", "forecast_used")
    claim = -totals.correction_including_vat
    client.fill("input[name=disputed_amount]", str(claim).replace(".", ","))
    client.fill("textarea[name=text]", "Le mailing du 13 octobre était annoncé par la prévision S−1 du 9 octobre.")
    client.set_input_files("#contest-form input[name=files]", str(revision))
    client.select_option("#contest-form select[name=evidence]", "forecasts")
    _shot(client, "10-client-contests-a-line.png")
    client.click("#contest-form button[type=submit]")
    client.wait_for_selector("[data-testid=thread]")
    dispute = client.url
    assert client.inner_text("[data-testid=invoice-status]") == "En litige"

    # The provider recomputes with that forecast version: the difference, its table and its waterfall.
    provider.goto(dispute)
    provider.select_option("[data-testid=forecast-version]", "service-inbound:W-1:2026-10-09")
    provider.click("#whatif-form button[type=submit]")
    provider.wait_for_selector("[data-testid=whatif]")
    assert provider.inner_text("[data-testid=difference-ht]") == language("fr").money(totals.difference)
    assert provider.locator("[data-testid=waterfall] svg title").first.text_content().startswith("Du montant facturé")
    whatif = re.search(r"whatif-([0-9a-f]{32})", provider.content()).group(1)
    _shot(provider, "11-provider-what-if.png")
    provider.select_option("#mediator-form select[name=mediator]", label="Médiation des entreprises")
    provider.click("#mediator-form button[type=submit]")
    provider.wait_for_selector("[data-testid=thread] li[data-kind=invite_mediator]")

    # The mediator sees the dispute, the what-if and the replay, and recommends the what-if.
    mediator = _page(browser, base, tenants.logins["mediator"], tenants.password)
    mediator.goto(dispute)
    assert "redonne le décompte de la facture ligne à ligne" in mediator.inner_text("[data-testid=replay]")
    mediator.select_option("#recommendation-form select[name=whatif]", whatif)
    mediator.fill("#recommendation-form textarea[name=text]", "Je recommande la simulation sur la prévision révisée.")
    mediator.click("#recommendation-form button[type=submit]")
    mediator.wait_for_selector("[data-testid=thread] li[data-kind=recommendation]")
    _shot(mediator, "12-mediator-recommends.png")

    # Both accept: the partial credit note is issued at once.
    client.goto(dispute)
    client.click(f"[data-testid=accept-{whatif}]")
    client.wait_for_selector("[data-testid=thread] li[data-kind=accept]")
    provider.goto(dispute)
    provider.click(f"[data-testid=accept-{whatif}]")
    provider.wait_for_selector("[data-testid=document]")
    assert provider.inner_text("[data-testid=document]").startswith("F000002")
    assert provider.inner_text("[data-testid=dispute-status]") == "résolu"
    history = provider.inner_text("[data-testid=status-history]")
    assert history.index("Déposée") < history.index("En litige") < history.index("Approuvée partiellement")
    assert provider.inner_text("[data-testid=invoice-status]") == "Approuvée partiellement"
    _shot(provider, "13-credit-note-issued.png")
    with provider.expect_download() as download:
        provider.click("[data-testid=document] a[href$='.pdf']")
    pdf = download.value.path().read_bytes()
    name, xml = get_xml_from_pdf(pdf, check_xsd=False)
    assert name == "factur-x.xml"
    check_xsd(xml)
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml and f"<ram:GrandTotalAmount>{claim}".encode() in xml
    assert validate(xml, "cii").ok   # the e-invoicing gate's rules (EN 16931, BR-FR), run again on what was served
    download.value.save_as(str(ARTIFACTS / download.value.suggested_filename))

    # Each step reached the others by e-mail, with a link to the dispute.
    steps = {address: [m["Subject"].split(" : ", 1)[1] for m in inbox.to(address)]
             for address in ("client@demo.charte", "provider@demo.charte", "mediator@demo.charte")}
    assert steps["provider@demo.charte"] == ["contestation", "recommandation du médiateur", "accord"]
    assert steps["client@demo.charte"] == ["simulation proposée", "médiateur invité", "recommandation du médiateur",
                                           "accord", "document correctif émis"]
    assert steps["mediator@demo.charte"] == ["médiateur invité", "accord", "accord", "document correctif émis"]
    assert all(dispute in m.get_content() for m in inbox.messages)
