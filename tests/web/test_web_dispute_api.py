"""Disputes in the JSON API (issue 16): the same rules as the pages, every resource documented in OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web.conftest import csrf_of, login
from tests.web.smtp_server import smtp_server
from typer.testing import CliRunner

from charte.cli import app as cli
from charte.demo.run import DemoResult, default_contract_path
from charte.store import OrganisationRow, issue_token, transaction
from charte.web import WebSettings, create_app
from charte.web.demo_tenants import seed_demo
from charte.web.disputes import remind_overdue


@dataclass
class Api:
    app: FastAPI
    contract: str
    tokens: dict[str, str]
    orgs: dict[str, str]

    def call(self, who: str, method: str, path: str, **kw):  # type: ignore[no-untyped-def]
        client = TestClient(self.app, raise_server_exceptions=True)
        return client.request(method, f"/api/contracts/{self.contract}{path}",
                              headers={"Authorization": f"Bearer {self.tokens[who]}"}, **kw)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, demo: DemoResult) -> Iterator[Api]:
    data_dir = tmp_path_factory.mktemp("dispute-api")
    app = create_app(WebSettings(data_dir=data_dir, database_url="sqlite://", secret_key="s"))
    tenants = seed_demo(app.state.sessions, data_dir, contract_text=default_contract_path().read_text("utf-8"),
                        demo_dir=demo.out_dir, period="2026-10")
    provider = login(TestClient(app), tenants.logins["provider"])
    token = csrf_of(provider.get("/contracts").text)
    assert provider.post(f"/contracts/{tenants.contract_id}/settlements/2026-10/invoice", data={"csrf_token": token},
                         follow_redirects=False).status_code == 303
    tokens = {}
    with transaction(app.state.sessions) as session:
        for key in ("provider", "client", "mediator", "other_client"):
            organisation = session.get(OrganisationRow, tenants.organisations[key])
            assert organisation is not None
            tokens[key] = issue_token(session, organisation, "test").token
    assert tenants.contract_id is not None
    yield Api(app, tenants.contract_id, tokens, dict(tenants.organisations))


def test_a_dispute_by_the_api_from_contest_to_withdrawal(api: Api) -> None:
    body = {"invoice": "F000001", "scope": "verdict", "commitment": "sl-80-20", "reason": "formula_or_threshold",
            "disputed_amount": "300.00", "text": "Judge it band-neutralised"}
    assert api.call("provider", "POST", "/disputes", json=body).status_code == 403
    assert api.call("other_client", "POST", "/disputes", json=body).status_code == 404
    opened = api.call("client", "POST", "/disputes", json=body)
    assert opened.status_code == 201, opened.text
    dispute = opened.json()
    assert (dispute["status"], dispute["invoice_status"], dispute["disputed_amount"]) == ("open", "207", "300.00")
    (deposited, disputed) = dispute["standing"]["status_history"]
    assert (deposited["status"], disputed["status"], disputed["reason_code"]) == ("200", "207", "CALCUL_ERR")
    assert [e["kind"] for e in dispute["entries"]] == ["contest"]
    (owed,) = dispute["pending"]
    # the contract states no answer period: charte's stated default, 15 days from the contest's Paris date
    assert owed["party"] == "provider" and owed["kind"] == "contest"
    assert date.fromisoformat(owed["due"]) - date.fromisoformat(owed["since"]) == timedelta(days=15)
    settled = api.call("client", "GET", "/settlements/2026-10").json()["settlement"]
    total = Decimal(settled["totals"]["including_vat"])
    st = dispute["standing"]
    assert (Decimal(st["disputed"]), Decimal(st["undisputed_outstanding"])) == (Decimal("300.00"), total - 300)
    path = f"/disputes/{dispute['id']}"

    # A what-if whose change is invalid is refused at its place; a valid one is computed and kept.
    bad = api.call("provider", "POST", f"{path}/whatifs", json={"changes": [{"change": "band", "under": "10"}]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["where"] == "changes[0] (band)"
    made = api.call("provider", "POST", f"{path}/whatifs", json={
        "changes": [{"change": "evaluation", "commitment": "sl-80-20", "evaluation": "band_neutralised"}]})
    assert made.status_code == 201, made.text
    whatif = made.json()
    # The grid: 1% of the service line per point under the 82% target, pro rata, each malus rounded to the cent.
    # Judged band-neutralised instead of fair, the malus follows the settlement's own band-neutralised result.
    (sl,) = [r for r in settled["service_results"] if r["commitment"] == "sl-80-20"]
    (service,) = [line for line in settled["lines"] if line["kind"] == "service"]
    base = Decimal(service["amount"])

    def malus(result: str) -> Decimal:
        return max((Decimal("0.82") - Decimal(result)) * 100 * Decimal("0.01") * base, Decimal(0)).quantize(
            Decimal("0.01"))

    expected = malus(sl["fair"]) - malus(sl["band_neutralised"])
    assert whatif["settled"] and Decimal(whatif["difference_excluding_vat"]) == expected != 0
    vat = (abs(expected) * Decimal("0.20")).quantize(Decimal("0.01"))
    assert Decimal(whatif["result"]["totals"]["correction_including_vat"]) == expected - vat
    (line,) = [d for d in whatif["result"]["lines"] if d["status"] != "unchanged"]
    assert line["clause"] == "bonus_malus.grids[sl-80-20]"
    listed = api.call("client", "GET", f"{path}/whatifs").json()
    assert [w["id"] for w in listed] == [whatif["id"]]
    assert api.call("client", "GET", f"{path}/whatifs/{whatif['id']}").json()["id"] == whatif["id"]

    # Answers: a reasonless rejection is refused; the mediator cannot answer for the parties.
    assert api.call("provider", "POST", f"{path}/answers", json={"answer": "reject", "whatif": whatif["id"]}) \
        .json()["detail"][0]["code"] == "text_needed"
    assert api.call("mediator", "GET", path).status_code == 404     # the contract is not shared with it yet
    invited = api.call("client", "POST", f"{path}/mediator", json={"mediator_organisation_id": api.orgs["mediator"]})
    assert invited.status_code == 200 and invited.json()["status"] == "in_mediation"
    assert api.call("mediator", "GET", path).status_code == 200
    assert api.call("mediator", "POST", f"{path}/answers", json={"answer": "accept", "whatif": whatif["id"]}) \
        .status_code == 403
    recommended = api.call("mediator", "POST", f"{path}/recommendation",
                           json={"text": "Le mode équitable est contractuel ; retirer.", "whatif": None})
    assert recommended.status_code == 200
    withdrawn = api.call("client", "POST", f"{path}/resolution", json={"outcome": "withdraw", "text": "Suivi"})
    assert withdrawn.status_code == 200
    final = withdrawn.json()
    # withdrawn: the client approves the invoice (205 Approuvée, issue 15's lifecycle)
    assert (final["status"], final["invoice_status"], final["document_number"]) == ("withdrawn", "205", None)
    assert [h["status"] for h in final["standing"]["status_history"]] == ["200", "207", "205"]
    assert final["standing"]["disputed"] == "0.00" and Decimal(final["standing"]["undisputed_outstanding"]) == total
    assert api.call("client", "POST", f"{path}/messages", json={"text": "encore"}).json()["detail"][0]["code"] \
        == "dispute_ended"
    # The thread's steps are sealed: each digest is the next step's previous digest.
    entries = final["entries"]
    assert [e["kind"] for e in entries] == ["contest", "whatif", "invite_mediator", "recommendation", "withdrawal"]


def test_overdue_answers_are_told_once(api: Api) -> None:
    opened = api.call("client", "POST", "/disputes", json={
        "invoice": "F000001", "scope": "line", "line": 1, "reason": "other", "disputed_amount": "100.00",
        "text": "Heures productives du samedi 24 octobre"})
    assert opened.status_code == 201
    posted = date.fromisoformat(opened.json()["entries"][0]["at"][:10])
    settings = api.app.state.settings
    # Answer period: the contract states none, so charte's 15 days: overdue from the 16th day after the contest.
    assert remind_overdue(api.app.state.sessions, settings, posted.fromordinal(posted.toordinal() + 15)) == []
    late = remind_overdue(api.app.state.sessions, settings, posted.fromordinal(posted.toordinal() + 16))
    assert {m.to for m in late} == {"client@demo.charte", "provider@demo.charte"}
    assert all("jours de retard : 1." in m.body for m in late)
    assert remind_overdue(api.app.state.sessions, settings, posted.fromordinal(posted.toordinal() + 17)) == []
    api.call("client", "POST", f"/disputes/{opened.json()['id']}/resolution", json={"outcome": "withdraw"})


def test_charte_dispute_remind_sends_each_overdue_answer_once(tmp_path: Path, demo: DemoResult,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # A server's database on disk, one dispute opened by the client's API token; the provider owes an answer
    # within charte's default 15 days.
    app = create_app(WebSettings(data_dir=tmp_path, secret_key="s"))
    tenants = seed_demo(app.state.sessions, tmp_path, contract_text=default_contract_path().read_text("utf-8"),
                        demo_dir=demo.out_dir, period="2026-10")
    provider = login(TestClient(app), tenants.logins["provider"])
    assert provider.post(f"/contracts/{tenants.contract_id}/settlements/2026-10/invoice",
                         data={"csrf_token": csrf_of(provider.get("/contracts").text)},
                         follow_redirects=False).status_code == 303
    with transaction(app.state.sessions) as session:
        client = session.get(OrganisationRow, tenants.organisations["client"])
        assert client is not None
        token = issue_token(session, client, "t").token
    opened = TestClient(app).post(f"/api/contracts/{tenants.contract_id}/disputes", headers={
        "Authorization": f"Bearer {token}"}, json={"invoice": "F000001", "scope": "invoice", "reason": "payment_term",
                                                   "disputed_amount": "40.00", "text": "Indemnité"})
    assert opened.status_code == 201, opened.text
    due = date.fromisoformat(opened.json()["pending"][0]["due"])
    app.state.engine.dispose()
    with smtp_server() as inbox:
        monkeypatch.setenv("CHARTE_SMTP_URL", inbox.url)
        runner = CliRunner()
        on_time = runner.invoke(cli, ["dispute", "remind", "--data-dir", str(tmp_path), "--today", due.isoformat()])
        assert on_time.exit_code == 0 and "0 reminder(s)" in on_time.output
        late = (due + timedelta(days=1)).isoformat()
        first = runner.invoke(cli, ["dispute", "remind", "--data-dir", str(tmp_path), "--today", late])
        assert first.exit_code == 0 and "2 reminder(s)" in first.output, first.output
        again = runner.invoke(cli, ["dispute", "remind", "--data-dir", str(tmp_path), "--today", late])
        assert "0 reminder(s)" in again.output
    assert sorted(m["To"] for m in inbox.messages) == ["client@demo.charte", "provider@demo.charte"]
    assert all(m["Subject"] == "Litige sur la facture F000001 : une réponse est en retard" for m in inbox.messages)
    assert "jours de retard : 1." in inbox.messages[0].get_content()
