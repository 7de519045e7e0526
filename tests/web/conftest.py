"""Web fixtures: an application on in-memory SQLite with the demo cast, two contracts and a client per role.

Contract A is the sample contract between the provider Relais Contact SAS and the client Énergie Verte
SA, shared with the mediator; contract B is between another provider and another client. Each has a
stored settlement for 2026-10 (minimal JSON, so the pages have something to show without settling).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from charte.demo.run import DemoResult, default_contract_path, run_demo
from charte.settle import Settlement
from charte.store import (
    ContractRow,
    ContractShareRow,
    OrganisationRow,
    SettlementRow,
    UserRow,
    add_member,
    create_organisation,
    create_user,
    issue_token,
    transaction,
)
from charte.store.invitations import invite_first_manager
from charte.store.models import now
from charte.web import WebSettings, create_app
from charte.web.demo_tenants import DEMO_PASSWORD, seed_demo

SETTLEMENT_JSON = json.dumps({
    "engine": "test", "period": "2026-10", "lines": [{
        "number": 1, "kind": "activity", "label": "Appels traités", "clause": "pricing", "unit": "appel",
        "quantity": "1000", "unit_price": "2.5000", "amount": "2500.00"}],
    "totals": {"excluding_vat": "2500.00", "vat_rate": "0.20", "vat": "500.00", "including_vat": "3000.00"},
    "service_results": [], "notes": []})
EXPLANATIONS = json.dumps([{"number": 1, "fr": "1 000 appels × 2,50 €", "en": "1,000 calls × €2.50"}])


@dataclass
class World:
    app: FastAPI
    data_dir: Path
    orgs: dict[str, str]
    logins: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)
    contract_a: str = ""
    contract_b: str = ""
    contract_c: str = ""  # proposed by the provider to the client, not yet accepted
    password: str = DEMO_PASSWORD
    user_ids: dict[str, str] = field(default_factory=dict)  # login key -> user id
    token_ids: dict[str, str] = field(default_factory=dict)  # organisation key -> id of a token to revoke
    invitation: str = ""  # a pending invitation's token (a new trade-body member)
    job_board: dict[str, str] = field(default_factory=dict)  # ids of the job board's objects (issue 22)
    disputes: dict[str, dict[str, str]] = field(default_factory=dict)  # ids of the disputes by contract (issue 16)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client: TestClient, email: str, password: str = DEMO_PASSWORD) -> TestClient:
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    return client


def build_world(tmp: Path, database_url: str = "sqlite://", settlement_json: str = SETTLEMENT_JSON,
                contract_text: str | None = None) -> World:
    app = create_app(WebSettings(data_dir=tmp, database_url=database_url, secret_key="test-secret"))
    tenants = seed_demo(app.state.sessions, tmp,
                        contract_text=contract_text or default_contract_path().read_text("utf-8"))
    world = World(app, tmp, dict(tenants.organisations),
                  dict(tenants.logins), contract_a=tenants.contract_id or "")
    with transaction(app.state.sessions) as session:
        other_provider = create_organisation(session, "Autre Centre SARL", "provider", "398765438")
        world.orgs["other_provider"] = other_provider.id
        reader = create_user(session, "reader@demo.charte", DEMO_PASSWORD, "Lecteur Relais")
        provider = session.get(OrganisationRow, world.orgs["provider"])
        assert provider is not None
        add_member(session, reader, provider, "reader")
        world.logins["provider_reader"] = "reader@demo.charte"
        client_reader = create_user(session, "client.reader@demo.charte", DEMO_PASSWORD, "Lecteur Énergie")
        client = session.get(OrganisationRow, world.orgs["client"])
        assert client is not None
        add_member(session, client_reader, client, "reader")
        world.logins["client_reader"] = "client.reader@demo.charte"
        uninvited = create_organisation(session, "Médiateur indépendant", "mediator")
        world.orgs["mediator_uninvited"] = uninvited.id
        add_member(session, create_user(session, "mediator.uninvited@demo.charte", DEMO_PASSWORD), uninvited, "manager")
        world.logins["mediator_uninvited"] = "mediator.uninvited@demo.charte"
        newcomer = create_organisation(session, "Fédération régionale", "trade_body")
        world.invitation = invite_first_manager(session, newcomer, "first@federation.fr", None, now()).token
        contract_b = ContractRow(contract_id="autre-contrat", name="Autre contrat",
                                 yaml_text=default_contract_path().read_text("utf-8"),
                                 provider_organisation_id=other_provider.id,
                                 client_organisation_id=world.orgs["other_client"])
        session.add(contract_b)
        session.flush()
        world.contract_b = contract_b.id
        contract_c = ContractRow(contract_id="proposition", name="Proposition",
                                 yaml_text=default_contract_path().read_text("utf-8"),
                                 provider_organisation_id=world.orgs["provider"],
                                 client_organisation_id=world.orgs["client"], status="proposed",
                                 proposed_by_organisation_id=world.orgs["provider"])
        session.add(contract_c)
        session.flush()
        world.contract_c = contract_c.id
        session.add(ContractShareRow(contract_id=world.contract_a, mediator_organisation_id=world.orgs["mediator"],
                                     invited_by_organisation_id=world.orgs["client"]))
        for contract_id, settler in ((world.contract_a, world.orgs["provider"]), (contract_b.id, other_provider.id)):
            session.add(SettlementRow(contract_id=contract_id, period="2026-10", settlement_json=settlement_json,
                                      explanations_json=EXPLANATIONS, inputs_sha256="ab" * 32,
                                      total_excluding_vat="2500.00", total_including_vat="3000.00",
                                      settled_by_organisation_id=settler))
        for key in ("provider", "client", "other_client", "trade_body", "mediator", "mediator_uninvited",
                    "other_provider"):
            organisation = session.get(OrganisationRow, world.orgs[key])
            assert organisation is not None
            world.tokens[key] = issue_token(session, organisation, "test", valid_for=None).token
            world.token_ids[key] = issue_token(session, organisation, "to revoke").row.id
        for key, email in world.logins.items():
            user = session.scalar(select(UserRow).where(UserRow.email == email))
            assert user is not None
            world.user_ids[key] = user.id
    return world


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    """The demo month (``charte demo``), generated and settled once for the whole web test session."""
    return run_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def published(demo: DemoResult, tmp_path_factory: pytest.TempPathFactory) -> Settlement:
    """The demo month settled as the web settles it: on the shipped reference data, never the illustrative series."""
    from charte.domain.calendar import Month
    from charte.io.contract_yaml import load_contract
    from charte.io.settlement_files import settlement_facts
    from charte.settle import settle

    month, contract = Month(2026, 10), load_contract(default_contract_path())
    return settle(contract, month, settlement_facts(demo.out_dir, contract, month,
                                                    reference=tmp_path_factory.mktemp("no-reference")))


@pytest.fixture(scope="session")
def observatory_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small observatory (3 members, so its barometers are protected in seconds), published."""
    from charte.observatory.demo_population import write_demo
    from charte.observatory.publications import publish_all

    folder = tmp_path_factory.mktemp("observatory")
    write_demo(folder, members=3, staff=600)
    publish_all(folder)
    return folder


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, published: Settlement, observatory_folder: Path) -> World:
    """The world with the demo month's settlement stored for both contracts, one invoice file each, and a small
    observatory."""
    built = build_world(tmp_path_factory.mktemp("web"), settlement_json=published.to_json())
    shutil.copytree(observatory_folder, built.data_dir / "observatory")
    for contract_id in (built.contract_a, built.contract_b):
        folder = built.data_dir / "invoices" / contract_id
        folder.mkdir(parents=True)
        (folder / "invoice-F000001.pdf").write_bytes(b"%PDF-1.7 test " + contract_id.encode())
    return built


@pytest.fixture(scope="module")
def clients(world: World) -> Iterator[dict[str, TestClient]]:
    out = {}
    for role in ("provider", "client", "other_client", "trade_body", "mediator", "admin", "provider_reader",
                 "client_reader", "mediator_uninvited"):
        out[role] = login(TestClient(world.app, raise_server_exceptions=False), world.logins[role])
    yield out
    for client in out.values():
        client.close()


def _postgres_database(request: pytest.FixtureRequest) -> Iterator[str]:
    import os
    import uuid

    from sqlalchemy import create_engine, text

    from charte.store.database import normalise_url

    base_url = os.environ.get("CHARTE_TEST_POSTGRES_URL", "")
    if not base_url:
        pytest.skip("CHARTE_TEST_POSTGRES_URL is not set (.ci/run sets it when PostgreSQL 15 is installed)")
    name = f"charte_web_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{normalise_url(base_url).rpartition('/')[0]}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A new, empty PostgreSQL database (skipped without CHARTE_TEST_POSTGRES_URL)."""
    yield from _postgres_database(request)


@pytest.fixture
def postgres_url_2(request: pytest.FixtureRequest) -> Iterator[str]:
    yield from _postgres_database(request)
