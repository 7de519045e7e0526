"""The observatory's pages on the web application (in-memory SQLite, the demo cast)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient

from charte.observatory import Declaration, DeclarationLine, DeclarationStore, Member, MemberRegistry
from charte.observatory.publications import publish_employment, publish_ranking
from charte.web import WebSettings, create_app
from charte.web.demo_tenants import DEMO_PASSWORD, seed_demo

PROVIDER_SIREN = "987654324"   # Relais Contact SAS in the demo cast
HEADER = "siren,period,site,country,region,function,category,headcount,hires,work_study,training_hours\n"


def _login(client: TestClient, email: str) -> TestClient:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token.group(1)},
                           follow_redirects=False)
    assert response.status_code == 303
    return client


def _app(tmp_path: Path, extra: tuple[DeclarationLine, ...] = ()) -> TestClient:
    app = create_app(WebSettings(data_dir=tmp_path, database_url="sqlite://", secret_key="test"))
    seed_demo(app.state.sessions, tmp_path)
    folder = tmp_path / "observatory"
    sirens = [PROVIDER_SIREN, "552100554", "732829320", "542065479"]
    MemberRegistry(tuple(Member(company=f"Membre {i}", siren=s, ranking_opt_in=i != 0)
                         for i, s in enumerate(sirens))).save(folder)
    store = DeclarationStore(folder)
    for i, siren in enumerate(sirens):
        line = DeclarationLine(site="Brest", country="FR", region="Bretagne", function="service",
                               category="employee", headcount=100 + i, hires=10, work_study=0,
                               training_hours=Decimal(1000))
        store.record(Declaration(siren=siren, period="2025-S1", lines=(line, *(extra if i == 1 else ()))))
    publish_employment(folder)
    publish_ranking(folder)
    return TestClient(app)


def test_observatory_pages(tmp_path: Path) -> None:
    client = _login(_app(tmp_path), "provider@demo.charte")
    page = client.get("/observatory?by=region")
    assert page.status_code == 200
    assert 'data-testid="barometer"' in page.text and "406" in page.text      # 100+101+102+103
    assert "Baromètre de l’emploi" in page.text                               # French by default
    assert client.get("/observatory/barometer.csv").text.startswith("tableau,mesure,période,ligne")
    assert 'data-testid="share-chart"' in client.get("/observatory?by=period").text
    ranking = client.get("/observatory/ranking").text
    assert 'data-testid="own-breakdown"' in ranking                      # Relais Contact sees its own breakdown
    assert re.search(r"Membre 0</td>", ranking) is None                  # but is not in the public list (no opt-in)
    assert "Membre 1</td>" in ranking


def test_observatory_declaration_upload(tmp_path: Path) -> None:
    client = _login(_app(tmp_path), "provider@demo.charte")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/observatory/declare").text)
    assert csrf
    bad = HEADER + f"{PROVIDER_SIREN},2025-S2,Brest,FR,Bretagne,sales,employee,10,1,0,0\n"
    response = client.post("/observatory/declare", data={"csrf_token": csrf.group(1)},
                           files={"csv_file": ("d.csv", bad.encode(), "text/csv")})
    assert response.status_code == 422
    assert "d.csv:2: [unknown_function]" in response.text
    other = HEADER + "552100554,2025-S2,Brest,FR,Bretagne,service,employee,10,1,0,0\n"
    response = client.post("/observatory/declare", data={"csrf_token": csrf.group(1)},
                           files={"csv_file": ("d.csv", other.encode(), "text/csv")})
    assert "[declaration_not_yours]" in response.text
    assert len(DeclarationStore(tmp_path / "observatory").all()) == 4
    good = bad.replace("sales", "service")
    response = client.post("/observatory/declare", data={"csrf_token": csrf.group(1)},
                           files={"csv_file": ("d.csv", good.encode(), "text/csv")})
    assert response.status_code == 200 and 'data-testid="recorded"' in response.text
    assert len(DeclarationStore(tmp_path / "observatory").history(PROVIDER_SIREN)) == 2


def test_observatory_only_providers_declare(tmp_path: Path) -> None:
    client = _login(_app(tmp_path), "client@demo.charte")
    assert client.get("/observatory/declare").status_code == 403
    assert client.get("/observatory").status_code == 200


def test_observatory_withheld_cell_says_only_that_it_is_withheld(tmp_path: Path) -> None:
    """Regression (issue 18): the tooltip of a withheld cell said "1 member(s) contribute" or "one member holds
    87% of the cell" — with that a dominant member bounds the others' total within ±5 %."""
    lonely = DeclarationLine(site="Dakar", country="SN", function="support", category="manager", headcount=7,
                             hires=0, work_study=0, training_hours=Decimal(0))
    client = _login(_app(tmp_path, (lonely,)), "provider@demo.charte")
    page = client.get("/observatory?by=region").text
    assert 'class="num primary">(s)</td>' in page
    for why in ("contribute", "holds", "member(s)", "%</td>", "recovered from the totals"):
        assert why not in page.split('data-testid="barometer"')[1].split("</table>")[0]
