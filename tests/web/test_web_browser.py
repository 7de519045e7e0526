"""In a real browser (Playwright driving Debian's Chromium): the provider uploads the demo month,
settles it and opens the invoice explanation; the client sees the same figures; another client sees
nothing. Screenshots of the main pages go to ``artifacts/web/`` (git-ignored).

Skipped, with the reason, where ``/usr/bin/chromium`` or the Playwright package is missing
(``.ci/run`` installs Debian's chromium; never ``playwright install``).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from facturx import get_xml_from_pdf
from tests.web.conftest import World, build_world

from charte.demo.run import run_demo
from charte.domain.calendar import PARIS
from charte.web.demo_tenants import CLIENT_FILES, PROVIDER_FILES

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

playwright_sync = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium "
                                                              "(.ci/run installs it with apt-get)")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, str, Path]]:
    """The application on a loopback port; the socket listens before the server thread starts, so the
    browser's first request simply waits in the backlog (no sleeping)."""
    import uvicorn

    world = build_world(tmp_path_factory.mktemp("browser"), database_url="")
    demo = run_demo(tmp_path_factory.mktemp("browser-demo"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(world.app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield world, f"http://127.0.0.1:{sock.getsockname()[1]}", demo.out_dir
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _sign_in(page, base: str, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/contracts")


def test_provider_settles_client_sees_the_same_other_client_sees_nothing(served, browser) -> None:  # type: ignore[no-untyped-def]
    world, base, demo_dir = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    provider = browser.new_context(locale="fr-FR").new_page()
    _sign_in(provider, base, world.logins["provider"], world.password)
    provider.screenshot(path=str(ARTIFACTS / "01-provider-contracts.png"), full_page=True)
    provider.click(f"a[href='/contracts/{world.contract_a}']")
    provider.fill("#facts-form input[name=period]", "2026-10")
    provider.set_input_files("input[name=files]", [str(demo_dir / name) for name in PROVIDER_FILES])
    provider.click("#facts-form button[type=submit]")
    provider.wait_for_selector("#facts-result [data-testid=received]")
    assert "interval_report.parquet" in provider.inner_text("#facts-result")
    provider.screenshot(path=str(ARTIFACTS / "02-provider-facts-uploaded.png"), full_page=True)

    client = browser.new_context(locale="fr-FR").new_page()
    _sign_in(client, base, world.logins["client"], world.password)
    client.goto(f"{base}/contracts/{world.contract_a}")
    client.fill("#facts-form input[name=period]", "2026-10")
    client.set_input_files("input[name=files]", [str(demo_dir / name) for name in CLIENT_FILES])
    world.app.state.register_clock = lambda: datetime(2026, 8, 31, 9, tzinfo=PARIS)  # sent before the deadlines
    client.click("#facts-form button[type=submit]")
    client.wait_for_selector("#facts-result [data-testid=received]")
    world.app.state.register_clock = None
    assert "forecasts.parquet" in client.inner_text("#facts-result")
    client.screenshot(path=str(ARTIFACTS / "02b-client-forecasts-submitted.png"), full_page=True)

    provider.reload()
    provider.fill("form[action$='/settle'] input[name=period]", "2026-10")
    provider.click("text=Arrêter le mois")
    provider.wait_for_url(f"{base}/contracts/{world.contract_a}/settlements/2026-10")
    total = provider.inner_text("[data-testid=total-ht]")
    inputs = provider.inner_text("[data-testid=inputs-sha256]")
    assert total.endswith("€") and "," in total
    assert provider.locator("svg").count() >= 2
    provider.screenshot(path=str(ARTIFACTS / "03-provider-explanation.png"), full_page=True)
    provider.click("text=Émettre la facture")
    provider.wait_for_selector("[data-testid=invoice-number]")
    provider.screenshot(path=str(ARTIFACTS / "03b-provider-invoice-issued.png"), full_page=True)
    with provider.expect_download() as download:
        provider.click("a[href$='.pdf']")
    facturx = download.value.path().read_bytes()
    assert facturx.startswith(b"%PDF")
    assert get_xml_from_pdf(facturx, check_xsd=False)[0] == "factur-x.xml"
    download.value.save_as(str(ARTIFACTS / download.value.suggested_filename))

    client.goto(f"{base}/contracts/{world.contract_a}/settlements/2026-10")
    assert client.inner_text("[data-testid=total-ht]") == total
    assert client.inner_text("[data-testid=inputs-sha256]") == inputs
    client.screenshot(path=str(ARTIFACTS / "04-client-explanation.png"), full_page=True)

    other = browser.new_context(locale="fr-FR").new_page()
    _sign_in(other, base, world.logins["other_client"], world.password)
    assert world.contract_a not in other.content()
    other.screenshot(path=str(ARTIFACTS / "05-other-client-contracts.png"), full_page=True)
    response = other.goto(f"{base}/contracts/{world.contract_a}/settlements/2026-10")
    assert response is not None and response.status == 404
    assert total not in other.content()
    other.screenshot(path=str(ARTIFACTS / "06-other-client-404.png"), full_page=True)
