"""Accessibility and screenshots (issue 21): axe-core (``axe-playwright-python``) runs in Debian's Chromium on every
page of every role — the pages of the authorization matrix (:data:`tests.web.test_web_authorization.ROUTES`), so a
page another issue adds is checked as soon as it is classified there — and finds no serious or critical violation
of WCAG 2.1 A/AA. The main pages of each role are saved as full-page screenshots in ``artifacts/web/a11y/``
(git-ignored; the README shows three of them), each checked for its language, and the charts for their legend and
table.

Skipped, with the reason, where ``/usr/bin/chromium`` or a package is missing (``.ci/run`` installs Debian's
chromium; never ``playwright install``).
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import World, build_world
from tests.web.test_web_authorization import PAGE_ROLES, ROUTES, _fill, expected, seed_disputes, seed_job_board

from charte.settle import Settlement

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web" / "a11y"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

playwright_sync = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright",
                               reason="the axe-playwright-python package is not installed")
pytestmark = [pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="Debian's chromium is not at /usr/bin/chromium (.ci/run installs it)")]

#: The pages each role's screenshot shows (path template, file name); the README shows three of them.
SCREENSHOTS = {
    "provider": (("/contracts", "contracts"),
                 ("/contracts/{A}", "contract"),
                 ("/contracts/{A}/settlements/2026-10", "settlement"), ("/contracts/{A}/scorecard", "scorecard"),
                 ("/contracts/nope", "404")),
    "client": (("/contracts/{A}/settlements/2026-10", "settlement"),),
    "trade_body": (("/observatory?by=function", "observatory-function"), ("/observatory?by=region",
                   "observatory-region"), ("/observatory?by=period", "observatory-period"),
                   ("/observatory/ranking", "ranking")),
    "mediator": (("/contracts/{A}", "contract"),),
}


def _pages() -> list[tuple[str, str]]:
    """(role, path) of every HTML page a role may open (GET, answered 200), once per role."""
    out = []
    for route in ROUTES:
        if route.method != "GET" or route.api or route.allowed[0] != 200 or route.path.startswith("/language/"):
            continue
        if route.path.endswith((".{fmt}", ".csv", ".svg", ".ico", "/invoices/{name}", "/attachments/{sha256}", "/cv",
                                "/compte/export", "/communes")):  # files (a CV, an attachment, an archive), JSON
            continue
        for role in PAGE_ROLES:
            obj = route.objects[0] if route.objects else None
            if expected(route, role, obj) == "allow":
                out.append((role, route.path))
    return out


PAGES = _pages()


@pytest.fixture(scope="module")
def observatory_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A larger observatory than the other web tests' (25 members, 2,000 people; about 20 s), published: the
    barometer's screenshots then show published regions beside withheld ones, as the README's picture does."""
    from charte.observatory.demo_population import write_demo
    from charte.observatory.publications import publish_all

    folder = tmp_path_factory.mktemp("observatory-a11y")
    write_demo(folder, members=25, staff=2000)
    publish_all(folder)
    return folder


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, published: Settlement,
           observatory_folder: Path) -> Iterator[tuple[World, str]]:
    """The web world with the demo month settled for both contracts and a small published observatory, served on
    a loopback port (the socket listens before the server thread starts: no sleeping)."""
    import uvicorn

    from charte.observatory import Member, MemberRegistry

    world = build_world(tmp_path_factory.mktemp("a11y"), database_url="", settlement_json=published.to_json())
    shutil.copytree(observatory_folder, world.data_dir / "observatory")
    from datetime import date

    MemberRegistry.load(world.data_dir / "observatory").with_member(
        Member(company="Relais Contact SAS", siren="987654324", member_since=date(2012, 1, 1))).save(
        world.data_dir / "observatory")
    seed_job_board(world)
    world.disputes = seed_disputes(world)
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
def pages(served: tuple[World, str]) -> Iterator[dict[str, Any]]:
    """One signed-in browser page per role (French, the default language)."""
    world, base = served
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        out: dict[str, Any] = {}
        for role in PAGE_ROLES:
            page = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
            if role != "anonymous":
                page.goto(f"{base}/login")
                page.fill("input[name=email]", world.logins[role])
                page.fill("input[name=password]", world.password)
                page.click("button[type=submit]")
                page.wait_for_url(f"{base}/observatory" if role == "trade_body" else f"{base}/contracts")
            out[role] = page
        yield out
        chromium.close()


def _serious(page: Any) -> list[str]:
    results = axe_sync.Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    return [f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s), e.g. {v['nodes'][0]['target']}"
            for v in results.response["violations"] if v.get("impact") in BLOCKING]


def test_every_page_of_every_role_has_no_serious_accessibility_violation(served: tuple[World, str],
                                                                        pages: dict[str, Any]) -> None:
    world, base = served
    found: dict[str, list[str]] = {}
    for role, template in PAGES:
        route = next(r for r in ROUTES if r.path == template and r.method == "GET")
        path = _fill(route, world, role, route.objects[0] if route.objects else None, world.disputes)
        page = pages[role]
        response = page.goto(base + path)
        assert response is not None and response.status == 200, f"{path} as {role}: {response and response.status}"
        if problems := _serious(page):
            found[f"{template} as {role}"] = problems
    assert len(PAGES) > 60
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_error_page_keeps_the_header_and_is_accessible(served: tuple[World, str], pages: dict[str, Any]) -> None:
    base = served[1]
    page = pages["provider"]
    response = page.goto(f"{base}/contracts/nope")
    assert response is not None and response.status == 404
    assert page.locator("[data-testid=who]").count() == 1
    assert page.locator("html").get_attribute("lang") == "fr"
    assert _serious(page) == []


def test_screenshots_of_each_role_s_main_pages(served: tuple[World, str], pages: dict[str, Any]) -> None:
    world, base = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    taken = []
    for role, shots in SCREENSHOTS.items():
        page = pages[role]
        for template, name in shots:
            page.goto(base + template.replace("{A}", world.contract_a))
            assert page.locator("html").get_attribute("lang") == "fr"
            assert page.locator("header nav").count() == 1, f"{template} as {role}: the application's header"
            for figure in page.locator("svg.chart").all():
                assert figure.locator("title").count() >= 1 and figure.locator(".legend").count() == 1
            if name == "settlement":
                assert page.locator("details.chart-data table").count() >= 1  # the figures as a table
                assert "Total HT" in page.inner_text("[data-testid=invoice]")
            if name == "scorecard":
                assert page.locator("[data-testid=axis-card]").count() == 9  # eight SP2C axes and the 2010 charter
            if name.startswith("observatory"):
                assert page.locator("[data-testid=barometer]").count() == 1
            if "?" in template:  # a view the page list above does not open (it opens each route once, bare)
                assert _serious(page) == [], f"{template} as {role}"
            if name == "observatory-region":  # the map: 13 metropolitan regions and 5 overseas insets
                regions = page.locator("[data-testid=region-map] svg.chart path.region")
                assert regions.count() == 18
                statuses = {regions.nth(i).get_attribute("data-status") for i in range(18)}
                assert statuses == {"published", "withheld", "absent"}, statuses
            if name == "ranking":
                assert page.locator("[data-testid=ranking-chart] svg.chart").count() == 1
            path = ARTIFACTS / f"{role}-{name}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
            taken.append(path.name)
    assert len(taken) == sum(len(s) for s in SCREENSHOTS.values())


def test_a_failed_upload_is_shown_in_french_and_accessible(served: tuple[World, str], pages: dict[str, Any]) -> None:
    base = served[1]
    page = pages["provider"]
    page.goto(f"{base}/contracts/new")
    page.fill("textarea[name=yaml_text]", "id: [")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert "Le fichier n’est pas un YAML valide." in page.inner_text("main")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "provider-upload-errors.png"), full_page=True)
    assert _serious(page) == []
