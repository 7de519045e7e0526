"""The workflows through the pages and the API on the demo month: upload, settle, explain, share.

The figures are those the library computes on the same files (``charte demo`` settles its month
itself); the web must show the same totals and the same inputs hash to both parties.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from facturx import get_xml_from_pdf
from fastapi.testclient import TestClient
from tests.web.conftest import World, build_world, csrf_of, login

from charte.demo.run import DemoResult, default_contract_path
from charte.domain.calendar import PARIS
from charte.settle import Settlement
from charte.web.demo_tenants import CLIENT_FILES, PROVIDER_FILES
from charte.web.i18n import language


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("fresh"))


def _submit(client: TestClient, world: World, names: tuple[str, ...], folder: Path, period: str = "2026-10"):  # type: ignore[no-untyped-def]
    page = client.get(f"/contracts/{world.contract_a}")
    files = [("files", (name, (folder / name).read_bytes(), "application/octet-stream")) for name in names]
    return client.post(f"/contracts/{world.contract_a}/facts", data={"csrf_token": csrf_of(page.text),
                                                                     "period": period}, files=files)


def test_provider_uploads_settles_and_both_parties_see_the_same_figures(fresh: World, demo: DemoResult,
                                                                       published: Settlement) -> None:
    # the web settles from the register on the shipped reference data, as `charte settle` and the demo of
    # October 2026 do: the same figures as the demo's folder settled by `charte settle`
    assert demo.settlement is not None and not published.illustrative and not demo.settlement.illustrative
    assert demo.settlement.total_including_vat == published.total_including_vat
    provider = login(TestClient(fresh.app), fresh.logins["provider"])
    client = login(TestClient(fresh.app), fresh.logins["client"])
    # each party submits its own facts; the provider cannot submit the client's forecasts
    refused = _submit(provider, fresh, ("forecasts.parquet",), demo.out_dir)
    assert refused.status_code == 422 and "not_your_fact" in refused.text
    uploaded = _submit(provider, fresh, PROVIDER_FILES, demo.out_dir)
    assert uploaded.status_code == 200, uploaded.text[:500]
    assert "interval_report.parquet" in uploaded.text and 'data-testid="version-interval_report-1"' in uploaded.text
    # the client sent its forecasts on 31 August, before every deadline (the register's clock, set for the test)
    fresh.app.state.register_clock = lambda: datetime(2026, 8, 31, 9, tzinfo=PARIS)
    try:
        sent = _submit(client, fresh, CLIENT_FILES, demo.out_dir)
    finally:
        fresh.app.state.register_clock = None
    assert sent.status_code == 200, sent.text[:500]
    page = provider.get(f"/contracts/{fresh.contract_a}")
    settled = provider.post(f"/contracts/{fresh.contract_a}/settle",
                            data={"csrf_token": csrf_of(page.text), "period": "2026-10"}, follow_redirects=False)
    assert settled.status_code == 303
    assert settled.headers["location"] == f"/contracts/{fresh.contract_a}/settlements/2026-10"
    explanation = provider.get(settled.headers["location"]).text
    total = language("fr").money(published.total_excluding_vat)
    assert total in explanation
    shown = explanation.split('data-testid="inputs-sha256">')[1].split("<")[0]
    assert len(shown) == 64
    assert explanation.count("<svg") >= 2  # volume vs forecast with its band, service level vs target
    assert 'data-testid="evidence"' in explanation and "forecasts.parquet" in explanation
    seen = client.get(settled.headers["location"]).text
    assert total in seen and shown in seen
    other = login(TestClient(fresh.app), fresh.logins["other_client"])
    assert other.get(settled.headers["location"]).status_code == 404
    assert fresh.contract_a not in other.get("/contracts").text
    api = TestClient(fresh.app).get(f"/api/contracts/{fresh.contract_a}/settlements/2026-10",
                                    headers={"Authorization": f"Bearer {fresh.tokens['client']}"}).json()
    assert Decimal(api["total_excluding_vat"]) == published.total_excluding_vat
    assert api["settlement"]["lines"][0]["explanation_fr"]
    stored = json.loads(published.to_json())
    assert [line["amount"] for line in api["settlement"]["lines"]] == [line["amount"] for line in stored["lines"]]
    # the mediator replays the month from the register: byte-identical
    mediator = login(TestClient(fresh.app), fresh.logins["mediator"])
    replayed = mediator.get(f"{settled.headers['location']}/replay")
    assert replayed.status_code == 200 and 'data-testid="replay-identical"' in replayed.text
    assert "Identique" in replayed.text
    via_api = TestClient(fresh.app).get(f"/api/contracts/{fresh.contract_a}/settlements/2026-10/replay",
                                        headers={"Authorization": f"Bearer {fresh.tokens['mediator']}"}).json()
    assert via_api["identical"] is True and via_api["differences"] == []

    # the provider issues the invoice; both parties download the same Factur-X PDF; the other client cannot
    location = settled.headers["location"]
    token = csrf_of(provider.get(location).text)
    client_token = csrf_of(client.get(location).text)
    assert mediator.post(f"{location}/invoice", data={"csrf_token": csrf_of(replayed.text)}).status_code == 403
    assert client.post(f"{location}/invoice", data={"csrf_token": client_token}).status_code == 403
    issued = provider.post(f"{location}/invoice", data={"csrf_token": token}, follow_redirects=False)
    assert issued.status_code == 303, issued.text[:500]
    again = provider.post(f"{location}/invoice", data={"csrf_token": token})
    assert again.status_code == 422 and "settlement_already_invoiced" in again.text and "F000001" in again.text
    resettle = provider.post(f"/contracts/{fresh.contract_a}/settle", data={"csrf_token": token, "period": "2026-10"})
    assert resettle.status_code == 422 and "month_invoiced" in resettle.text and "F000001" in resettle.text
    page = client.get(location).text
    assert 'data-testid="invoice-number">F000001<' in page
    pdf = client.get(f"/contracts/{fresh.contract_a}/invoices/invoice-F000001.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.content == provider.get(f"/contracts/{fresh.contract_a}/invoices/invoice-F000001.pdf").content
    name, embedded = get_xml_from_pdf(pdf.content, check_xsd=False)
    assert name == "factur-x.xml" and str(published.total_including_vat).encode() in embedded
    xml = client.get(f"/contracts/{fresh.contract_a}/invoices/invoice-F000001.xml")
    assert str(published.total_including_vat).encode() in xml.content
    assert other.get(f"/contracts/{fresh.contract_a}/invoices/invoice-F000001.pdf").status_code == 404
    assert client.get(f"/contracts/{fresh.contract_a}/invoices/..%2F..%2Fcharte.sqlite3").status_code == 404
    # the provider records a part payment; the client sees what is still owed
    total_ttc = published.total_including_vat
    payments = f"{location}/payments"
    today = date.today().isoformat()
    refused = provider.post(payments, data={"csrf_token": token, "number": "F000001", "on": today,
                                            "amount": str(total_ttc + 1)})
    assert refused.status_code == 422 and "payment_exceeds_balance" in refused.text
    future = provider.post(payments, data={"csrf_token": token, "number": "F000001", "on": "2099-01-01",
                                           "amount": "1000.00"})
    assert future.status_code == 422 and "payment_in_future" in future.text
    assert client.post(payments, data={"csrf_token": client_token, "number": "F000001", "on": today,
                                       "amount": "1000.00"}).status_code == 403
    paid = provider.post(payments, data={"csrf_token": token, "number": "F000001", "on": date.today().isoformat(),
                                         "amount": "1000.00", "reference": "VIR-1"}, follow_redirects=False)
    assert paid.status_code == 303, paid.text[:500]
    seen_by_client = client.get(location).text
    assert f'data-testid="paid">{language("fr").money(Decimal("1000.00"))}<' in seen_by_client
    assert f'data-testid="outstanding">{language("fr").money(total_ttc - 1000)}<' in seen_by_client
    # issue 15: the lifecycle (Déposée on issue, Encaissée with the amount received) and the UBL file
    assert 'data-status="200">' in seen_by_client and "Déposée (200)" in seen_by_client
    assert 'data-status="212">' in seen_by_client and "montant encaissé" in seen_by_client
    ubl = client.get(f"/contracts/{fresh.contract_a}/invoices/invoice-F000001.ubl.xml")
    assert ubl.status_code == 200 and b"<cbc:ProfileID>S1</cbc:ProfileID>" in ubl.content
    # a partial credit note on the invoice: it names F000001 and its date; the month stays invoiced
    credited = provider.post(f"{location}/credit-notes", data={"csrf_token": token, "number": "F000001",
                                                               "reason": "geste commercial", "amount": "100,00"},
                             follow_redirects=False)
    assert credited.status_code == 303, credited.text[:500]
    page = client.get(location).text
    assert 'data-testid="invoice-number">F000002<' in page and 'data-testid="month-invoiced"' in page
    assert f'data-testid="outstanding">{language("fr").money(total_ttc - 1000 - 120)}<' in page
    assert client.get(f"/contracts/{fresh.contract_a}/invoices/credit-note-F000002.pdf").status_code == 200
    scorecard = client.get(f"/contracts/{fresh.contract_a}/scorecard")
    assert scorecard.status_code == 200 and "<svg" in scorecard.text


def test_settling_without_facts_lists_the_missing_file(tmp_path: Path) -> None:
    world = build_world(tmp_path)
    provider = login(TestClient(world.app), world.logins["provider"])
    token = csrf_of(provider.get("/contracts").text)
    response = provider.post(f"/contracts/{world.contract_a}/settle", data={"csrf_token": token, "period": "2026-10"})
    assert response.status_code == 422
    assert "no_evidence" in response.text and "interval report" in response.text


def test_a_contract_with_errors_is_shown_with_each_problem_at_its_line(world: World) -> None:
    provider = login(TestClient(world.app), world.logins["provider"])
    form = provider.get("/contracts/new")
    text = default_contract_path().read_text("utf-8").replace("siren: \"123456782\"", "siren: \"123456789\"", 1)
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "123456789" in row)
    response = provider.post("/contracts/new", data={"csrf_token": csrf_of(form.text), "yaml_text": text})
    assert response.status_code == 422
    assert f'<li id="L{line}" class="has-problem">' in response.text
    assert "has-problem" not in response.text.split(f'id="L{line}"')[0].split("<ol")[-1]


def test_a_contract_uploaded_through_the_api_is_a_proposal_until_the_client_accepts(tmp_path: Path) -> None:
    world = build_world(tmp_path)
    api = TestClient(world.app)
    provider = {"Authorization": f"Bearer {world.tokens['provider']}"}
    client = {"Authorization": f"Bearer {world.tokens['client']}"}
    created = api.post("/api/contracts", headers=provider, json={"yaml": default_contract_path().read_text("utf-8")})
    assert created.status_code == 201, created.text
    new_id = created.json()["id"]
    assert created.json()["status"] == "proposed"
    assert created.json()["client_organisation_id"] == world.orgs["client"]  # found by the YAML's SIREN
    for role, seen in (("client", True), ("other_client", False), ("mediator", False), ("trade_body", False)):
        listed = api.get("/api/contracts", headers={"Authorization": f"Bearer {world.tokens[role]}"}).json()
        assert (new_id in {c["id"] for c in listed}) is seen, role
    # nothing is shared before the client accepts: no facts, no settlement
    facts = api.post(f"/api/contracts/{new_id}/facts", headers=provider,
                     files=[("files", ("incidents.csv", b"x"))])
    assert facts.status_code == 403
    assert api.post(f"/api/contracts/{new_id}/decision", headers=provider,
                    json={"decision": "accept"}).status_code == 403  # the proposer does not accept its own
    accepted = api.post(f"/api/contracts/{new_id}/decision", headers=client, json={"decision": "accept"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def _with_siren(text: str, old: str, new: str) -> str:
    """The contract with a party's SIREN replaced, its SIRET (SIREN + NIC + Luhn key) made valid for it."""
    from charte.domain.contract.parties import luhn_ok

    siret = next(f"{new}0001{k}" for k in range(10) if luhn_ok(f"{new}0001{k}"))
    return re.sub(rf"{old}\d{{5}}", siret, text).replace(old, new)


def test_a_contract_whose_sirens_do_not_match_the_organisations_is_refused_at_the_line(tmp_path: Path) -> None:
    world = build_world(tmp_path)
    api = TestClient(world.app)
    provider = {"Authorization": f"Bearer {world.tokens['provider']}"}
    text = default_contract_path().read_text("utf-8")
    lines = text.splitlines()
    client_line = next(i for i, row in enumerate(lines, 1) if "123456782" in row)
    provider_line = next(i for i, row in enumerate(lines, 1) if "987654324" in row)
    # a client SIREN (valid key) that no organisation of the platform has
    unknown = api.post("/api/contracts", headers=provider, json={"yaml": _with_siren(text, "123456782", "552100554")})
    assert unknown.status_code == 422
    assert [(p["code"], p["line"]) for p in unknown.json()["detail"]] == [("unknown_counterparty", client_line)]
    # the other client's SIREN: the contract names Assurances Horizon, not the uploader's counterparty by choice
    other = api.post("/api/contracts", headers=provider, json={"yaml": _with_siren(text, "123456782", "443219878")})
    assert other.status_code == 201 and other.json()["client_organisation_id"] == world.orgs["other_client"]
    # a provider SIREN that is not the uploader's: refused at its line
    foreign = api.post("/api/contracts", headers=provider, json={"yaml": _with_siren(text, "987654324", "398765438")})
    assert foreign.status_code == 422
    assert ("party_siren_mismatch", provider_line) in [(p["code"], p["line"]) for p in foreign.json()["detail"]]


def test_a_party_invites_the_mediator_who_then_reads_but_cannot_write(tmp_path: Path) -> None:
    world = build_world(tmp_path)
    api = TestClient(world.app)
    # contract B has no mediator: its client invites one
    other_client = login(TestClient(world.app), world.logins["other_client"])
    mediator = login(TestClient(world.app), world.logins["mediator"])
    assert mediator.get(f"/contracts/{world.contract_b}").status_code == 404
    token = csrf_of(other_client.get("/contracts").text)
    invited = other_client.post(f"/contracts/{world.contract_b}/shares",
                                data={"csrf_token": token, "mediator": world.orgs["mediator"]}, follow_redirects=False)
    assert invited.status_code == 303
    assert mediator.get(f"/contracts/{world.contract_b}").status_code == 200
    headers = {"Authorization": f"Bearer {world.tokens['mediator']}"}
    assert api.get(f"/api/contracts/{world.contract_b}/settlements/2026-10", headers=headers).status_code == 200
    assert api.post(f"/api/contracts/{world.contract_b}/settlements", headers=headers,
                    json={"period": "2026-10"}).status_code == 403


def test_the_register_refuses_the_other_partys_facts_and_forged_files_and_keeps_every_version(
        demo: DemoResult, tmp_path: Path) -> None:
    world = build_world(tmp_path)
    api = TestClient(world.app)

    def post(role: str, *files: tuple[str, bytes], period: str = "2026-10"):  # type: ignore[no-untyped-def]
        return api.post(f"/api/contracts/{world.contract_a}/facts", data={"period": period},
                        headers={"Authorization": f"Bearer {world.tokens[role]}"},
                        files=[("files", f) for f in files])

    report_csv = (demo.out_dir / "interval_report.csv").read_bytes()
    report_parquet = (demo.out_dir / "interval_report.parquet").read_bytes()
    client = post("client", ("interval_report.csv", report_csv))
    assert client.status_code == 422 and client.json()["detail"][0]["code"] == "not_your_fact"
    zipped = post("provider", ("interval_report.parquet", b"PK\x03\x04" + report_csv))
    assert zipped.status_code == 422 and zipped.json()["detail"][0]["code"] == "not_parquet"
    assert "ZIP archive" in zipped.json()["detail"][0]["message"]
    assert post("provider", ("interval_report.csv", report_csv), period="octobre").json()["detail"][0]["code"] == \
        "invalid_period"
    first = post("provider", ("interval_report.csv", report_csv))
    assert first.status_code == 200, first.text
    second = post("provider", ("interval_report.parquet", report_parquet))
    assert [s["version"] for s in second.json()["submissions"]] == [2]
    listed = api.get(f"/api/contracts/{world.contract_a}/register?period=2026-10",
                     headers={"Authorization": f"Bearer {world.tokens['mediator']}"}).json()
    assert [(v["version"], v["standing"], v["file_name"]) for v in listed] == [
        (2, "in_play", "interval_report.parquet"), (1, "superseded", "interval_report.csv")]
    assert not (world.data_dir / "facts").exists()  # nothing replaced by name: files are kept by hash
    kept = sorted(p.name for p in (world.data_dir / "register" / "objects").rglob("*") if p.is_file())
    assert len(kept) == 2
    refused = post("provider", ("../../etc/passwd.csv", b"root"))
    assert refused.status_code == 422 and refused.json()["detail"][0]["code"] == "unexpected_file"
    assert not (world.data_dir / "etc").exists()
