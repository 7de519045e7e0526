"""The demo's organisations and users, for ``charte serve`` and the tests.

The provider Relais Contact SAS and the client Énergie Verte SA are the two parties of the sample
contract; another client (Assurances Horizon SA) must see nothing of it; the trade body and a
mediator complete the cast, with a platform administrator. Every demo user's password is
:data:`DEMO_PASSWORD` — a demo, never a deployment: only ``charte serve --demo`` seeds it, and seeding
again (a restart on the same database) finds the cast instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from charte.domain.calendar import Month
from charte.io.contract_yaml import loads_contract
from charte.store import (
    ContractRow,
    OrganisationRow,
    UserRow,
    add_member,
    contract_access,
    create_organisation,
    create_user,
    issue_token,
    transaction,
)
from charte.store.books import open_books
from charte.web.demo_dispute import seed_dispute
from charte.web.workflows import decide_contract, register_of, settle_month, store_contract

DEMO_PASSWORD = "demo-charte-2026"

CAST: tuple[tuple[str, str, str, str | None], ...] = (
    # key, organisation, kind, siren
    ("provider", "Relais Contact SAS", "provider", "987654324"),
    ("client", "Énergie Verte SA", "client", "123456782"),
    ("other_client", "Assurances Horizon SA", "client", "443219878"),
    ("trade_body", "SP2C", "trade_body", None),  # its kind, shown beside its name, says the rest
    ("mediator", "Médiation des entreprises", "mediator", None),
    ("admin", "Exploitation charte", "admin", None),
)
#: The demo's files of facts, by the party that submits them.
PROVIDER_FILES = ("interval_report.parquet", "staffing.parquet")
CLIENT_FILES = ("forecasts.parquet", "incidents.csv")
FACT_FILES = PROVIDER_FILES + CLIENT_FILES


@dataclass
class DemoTenants:
    organisations: dict[str, str] = field(default_factory=dict)  # key -> organisation id
    logins: dict[str, str] = field(default_factory=dict)  # key -> e-mail
    contract_id: str | None = None
    provider_token: str | None = None
    password: str = DEMO_PASSWORD


def seed_demo(sessions: sessionmaker[Session], data_dir: Path, *, contract_text: str | None = None,
              demo_dir: Path | None = None, period: str | None = None, dispute: bool = False) -> DemoTenants:
    """Create the cast; with ``contract_text``, store the contract between provider and client; with
    ``demo_dir`` (a ``charte demo`` folder), submit its register's facts to the application's register as the
    demo did (same files, same declared times, same parties); with ``period``, settle that month; with
    ``dispute`` too, issue its invoice and replay the demo's dispute (``dispute.json``) step by step."""
    tenants = DemoTenants()
    with transaction(sessions) as session:
        if _existing(session, tenants):
            return tenants
        for key, name, kind, siren in CAST:
            organisation = create_organisation(session, name, kind, siren)
            email = f"{key.replace('_', '.')}@demo.charte"
            user = create_user(session, email, DEMO_PASSWORD)
            add_member(session, user, organisation, "manager")
            tenants.organisations[key] = organisation.id
            tenants.logins[key] = email
    _with_contract(sessions, data_dir, tenants, contract_text, demo_dir, period)
    if dispute and demo_dir is not None and period is not None and (demo_dir / "dispute.json").exists():
        assert tenants.contract_id is not None
        seed_dispute(sessions, data_dir, tenants.organisations, tenants.logins, tenants.contract_id, demo_dir, period)
    return tenants


def _existing(session: Session, tenants: DemoTenants) -> bool:
    """Fill ``tenants`` from a database the demo was already seeded into (a restart); False when it was not."""
    for key, *_ in CAST:
        user = session.scalar(select(UserRow).where(UserRow.email == f"{key.replace('_', '.')}@demo.charte"))
        if user is None or not user.memberships:
            return False
        tenants.organisations[key] = user.memberships[0].organisation_id
        tenants.logins[key] = user.email
    contract = session.scalar(select(ContractRow).where(
        ContractRow.provider_organisation_id == tenants.organisations["provider"]).limit(1))
    tenants.contract_id = contract.id if contract is not None else None
    return True


def _with_contract(sessions: sessionmaker[Session], data_dir: Path, tenants: DemoTenants, contract_text: str | None,
                   demo_dir: Path | None, period: str | None) -> DemoTenants:
    with transaction(sessions) as session:
        provider = session.get(OrganisationRow, tenants.organisations["provider"])
        assert provider is not None
        tenants.provider_token = issue_token(session, provider, "demo", valid_for=None).token
        if contract_text is None:
            return tenants
        row, problems = store_contract(session, contract_text, provider)
        assert row is not None, f"the demo contract must be valid: {problems}"
        client = session.get(OrganisationRow, tenants.organisations["client"])
        assert client is not None
        proposal = contract_access(session, client, row.id)
        assert proposal is not None
        decide_contract(session, proposal, True, None, datetime.now(UTC))  # the client accepts
        tenants.contract_id = contract_row_id = row.id
    if demo_dir is not None:
        with transaction(sessions) as session:
            _submit_demo_register(session, data_dir, demo_dir, contract_text, contract_row_id, tenants)
    if demo_dir is not None and period is not None:
        with transaction(sessions) as session:
            provider = session.get(OrganisationRow, tenants.organisations["provider"])
            assert provider is not None
            access = contract_access(session, provider, contract_row_id)
            assert access is not None
            settle_month(session, access, period, data_dir, provider)
    return tenants


def _submit_demo_register(session: Session, data_dir: Path, demo_dir: Path, contract_text: str, contract_id: str,
                          tenants: DemoTenants) -> None:
    """Every version of the demo's register, submitted again to the application's register (declared times)."""
    contract = loads_contract(contract_text, "contract.yaml")
    source = open_books(demo_dir / "charte.db").register()
    target = register_of(session, data_dir)
    for submission in source.versions(contract.id):
        organisation = tenants.organisations["provider" if submission.party == "provider" else "client"]
        target.submit_file(source.objects.path(submission.sha256), file_name=submission.file_name,
                           contract=contract, contract_key=contract_id, period=Month.parse(submission.period),
                           kind=submission.kind, party=submission.party, submitted_by=submission.submitted_by,
                           organisation_id=organisation, declared_at=submission.instant)


__all__ = ["CAST", "CLIENT_FILES", "DEMO_PASSWORD", "FACT_FILES", "PROVIDER_FILES", "DemoTenants", "seed_demo"]
