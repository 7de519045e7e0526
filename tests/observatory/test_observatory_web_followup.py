"""The committee's follow-up barometer, the member's sharing choices and who may open which observatory or
register route (the application's other routes are in ``tests/web/test_web_authorization.py``)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.web.conftest import World, build_world, csrf_of, login

from charte.charter import AXES
from charte.observatory import Member, MemberRegistry
from charte.observatory.charter_followup import ScorecardStore, SharedScorecard
from charte.observatory.publications import publish_charter
from charte.web import observatory_views, register_views

RELAIS = "987654324"                         # the demo provider, a member here
OTHERS = ("552100554", "732829320", "542065479")


def _card(siren: str, n: int, semester: str, fail_axis: str | None = None) -> SharedScorecard:
    verdicts = dict.fromkeys(AXES, "pass")
    if fail_axis:
        verdicts[fail_axis] = "fail"
    failing = ("1:minimum_billing_clause",) if fail_axis == "1" else ()
    return SharedScorecard(siren=siren, contract=f"{siren}-{n}", semester=semester, verdicts=verdicts,
                           failing=failing)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    built = build_world(tmp_path_factory.mktemp("followup"))
    folder = built.data_dir / "observatory"
    members = [Member(company="Relais Contact SAS", siren=RELAIS, scorecards_opt_in=True,
                      member_since=date(2012, 1, 1))]
    members += [Member(company=f"Membre {i}", siren=s, scorecards_opt_in=True, member_since=date(2015, 1, 1))
                for i, s in enumerate(OTHERS)]
    MemberRegistry(tuple(members)).save(folder)
    cards = [_card(s, k, sem, "1" if k == 0 else None) for sem in ("2025-S1", "2025-S2")
             for s in (RELAIS, *OTHERS) for k in range(2)]
    ScorecardStore(folder).record(cards)
    publish_charter(folder)
    return built


@pytest.fixture(scope="module")
def clients(world: World) -> Iterator[dict[str, TestClient]]:
    out = {role: login(TestClient(world.app, raise_server_exceptions=False), world.logins[role])
           for role in ("provider", "client", "trade_body", "mediator", "provider_reader")}
    yield out
    for client in out.values():
        client.close()


def test_committee_sees_the_followup_barometer_with_its_charts(clients: dict[str, TestClient]) -> None:
    page = clients["trade_body"].get("/observatory/charter")
    assert page.status_code == 200
    assert 'data-chart="stacked"' in page.text and 'data-chart="trend"' in page.text
    # 8 contracts in 2025-S2, each member's first failing axis 1: 4 of 8 = 50,0 % (French by default).
    table = page.text.split('data-testid="charter-barometer"')[1].split("</table>")[0]
    assert "50,0" in table and "Pas de minimum de facturation" in page.text
    assert 'data-testid="own-position"' not in page.text                     # the trade body has no contracts
    own = clients["provider"].get("/observatory/charter?semester=2025-S1").text
    assert 'data-testid="own-position"' in own and "1 / 2" in own
    assert clients["provider"].get("/observatory/charter?semester=2031-S1").status_code == 404


def test_committee_exports_csv_xlsx_and_pdf(clients: dict[str, TestClient]) -> None:
    client = clients["trade_body"]
    csv_text = client.get("/observatory/charter.csv").text
    assert csv_text.splitlines()[0] == "semestre,axe,verdict,valeur,part,secret,évolution"
    book = load_workbook(io.BytesIO(client.get("/observatory/charter.xlsx").content))
    assert book.sheetnames == ["axes", "findings"]
    pdf = client.get("/observatory/charter.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_member_chooses_what_it_shares(world: World, clients: dict[str, TestClient]) -> None:
    provider = clients["provider"]
    form = provider.get("/observatory/sharing")
    assert form.status_code == 200
    token = csrf_of(form.text)
    bad = provider.post("/observatory/sharing", data={"csrf_token": token, "ranking": "maybe"})
    assert bad.status_code == 422 and "[invalid_choice]" in bad.text
    shared = provider.post("/observatory/sharing", data={"csrf_token": token, "ranking": "on", "scorecards": "on"})
    assert shared.status_code == 200 and 'data-testid="shared"' in shared.text
    registry = MemberRegistry.load(world.data_dir / "observatory")
    relais = registry.get(RELAIS)
    assert relais is not None and relais.ranking_opt_in and relais.scorecards_opt_in
    mine = [c for c in ScorecardStore(world.data_dir / "observatory").latest()
            if c.contract == "energie-service-client-2026"]
    assert len(mine) == 1 and set(mine[0].verdicts) == set(AXES)
    reader = clients["provider_reader"]
    assert reader.post("/observatory/sharing", data={"csrf_token": csrf_of(reader.get("/contracts").text),
                                                     "scorecards": "on"}).status_code == 403


OBSERVATORY_PAGES = ("/observatory", "/observatory/ranking", "/observatory/charter", "/observatory/declare",
                     "/observatory/sharing", "/observatory/barometer.csv", "/observatory/charter.csv")
PUBLIC = ("/registre", f"/registre/{RELAIS}", "/api/public/members?q=relais", f"/api/public/members/{RELAIS}")


def test_every_observatory_and_register_route_is_classified() -> None:
    served = {(m, r.path) for router in (observatory_views.router, register_views.router, register_views.api_router)
              for r in router.routes for m in getattr(r, "methods", ()) if m != "HEAD"}
    assert served == {("GET", "/observatory"), ("GET", "/observatory/barometer.{fmt}"),
                      ("GET", "/observatory/ranking"), ("GET", "/observatory/charter"),
                      ("GET", "/observatory/charter.{fmt}"), ("GET", "/observatory/sharing"),
                      ("POST", "/observatory/sharing"), ("GET", "/observatory/declare"),
                      ("POST", "/observatory/declare"), ("GET", "/registre"), ("GET", "/registre/{siren}"),
                      ("GET", "/registre/{siren}/qr.svg"), ("GET", "/api/public/members"),
                      ("GET", "/api/public/members/{siren}")}


@pytest.mark.parametrize("path", OBSERVATORY_PAGES)
def test_observatory_needs_a_login(world: World, path: str) -> None:
    response = TestClient(world.app).get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"


@pytest.mark.parametrize("path", PUBLIC)
def test_register_needs_no_login(world: World, path: str) -> None:
    assert TestClient(world.app).get(path).status_code == 200


@pytest.mark.parametrize(("role", "path", "status"), [
    ("client", "/observatory/sharing", 403), ("trade_body", "/observatory/sharing", 403),
    ("mediator", "/observatory/sharing", 403), ("client", "/observatory/declare", 403),
    ("trade_body", "/observatory/declare", 403), ("provider", "/observatory/declare", 200),
    ("client", "/observatory/charter", 200), ("mediator", "/observatory/ranking", 200)])
def test_observatory_roles(clients: dict[str, TestClient], role: str, path: str, status: int) -> None:
    assert clients[role].get(path).status_code == status


def test_register_shows_the_demo_provider(world: World) -> None:
    page = TestClient(world.app).get(f"/registre/{RELAIS}").text
    assert re.search(r'data-testid="member-name">Relais Contact SAS<', page)
