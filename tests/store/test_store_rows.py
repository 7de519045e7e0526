"""The store on SQLite and PostgreSQL: migrations, Argon2 passwords, hashed tokens, tenancy, money as text."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import Engine, Float, Numeric, inspect, select
from sqlalchemy.exc import IntegrityError

from charte.store import (
    AccountError,
    ApiTokenRow,
    Base,
    ContractRow,
    ContractShareRow,
    SettlementRow,
    UserRow,
    add_member,
    authenticate,
    contract_access,
    create_organisation,
    create_user,
    issue_token,
    make_engine,
    migrate,
    organisation_of_token,
    session_factory,
    transaction,
    visible_contracts,
)
from charte.store.database import downgrade


def test_migrations_create_every_table_and_go_back_down(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) & set(Base.metadata.tables) == set()
    migrate(engine)  # and back up again
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_migrating_twice_changes_nothing(engine: Engine) -> None:
    migrate(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_no_money_column_is_a_float() -> None:
    for table in Base.metadata.tables.values():
        for column in table.columns:
            assert not isinstance(column.type, Float | Numeric), f"{table.name}.{column.name} is {column.type}"


def test_passwords_are_argon2_hashes_and_verify(engine: Engine) -> None:
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        organisation = create_organisation(session, "Relais Contact SAS", "provider")
        user = create_user(session, "Alice@Relais.fr", "correct horse battery")
        add_member(session, user, organisation)
    with transaction(sessions) as session:
        stored = session.scalar(select(UserRow))
        assert stored is not None
        assert stored.email == "alice@relais.fr"
        assert stored.password_hash.startswith("$argon2id$")
        assert "correct horse" not in stored.password_hash
        assert authenticate(session, "alice@relais.fr", "correct horse battery") is not None
        assert authenticate(session, "alice@relais.fr", "wrong horse battery") is None
        assert authenticate(session, "nobody@relais.fr", "correct horse battery") is None


def test_account_errors_have_codes(engine: Engine) -> None:
    with transaction(session_factory(engine)) as session:
        with pytest.raises(AccountError) as kind:
            create_organisation(session, "X", "bank")
        assert kind.value.code == "unknown_organisation_kind"
        with pytest.raises(AccountError) as short:
            create_user(session, "a@b.fr", "short")
        assert short.value.code == "password_too_short"
        create_user(session, "a@b.fr", "long enough 2026")
        with pytest.raises(AccountError) as taken:
            create_user(session, "A@b.fr", "long enough 2026")
        assert taken.value.code == "email_taken"


def test_api_tokens_are_stored_hashed_and_scoped_to_one_organisation(engine: Engine) -> None:
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        relais = create_organisation(session, "Relais Contact SAS", "provider")
        other = create_organisation(session, "Autre Centre", "provider")
        issued = issue_token(session, relais, "nightly")
        issue_token(session, other)
    with transaction(sessions) as session:
        rows = list(session.scalars(select(ApiTokenRow)))
        assert all(issued.token not in r.token_sha256 for r in rows)
        found = organisation_of_token(session, issued.token)
        assert found is not None and found.name == "Relais Contact SAS"
        assert organisation_of_token(session, issued.token + "x") is None
        row = session.get(ApiTokenRow, issued.row.id)
        assert row is not None
        row.revoked = True
    with transaction(sessions) as session:
        assert organisation_of_token(session, issued.token) is None


def test_contract_is_seen_by_its_parties_and_an_invited_mediator_only(engine: Engine) -> None:
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        orgs = {key: create_organisation(session, key, kind) for key, kind in (
            ("provider", "provider"), ("client", "client"), ("other_client", "client"),
            ("other_provider", "provider"), ("mediator", "mediator"), ("trade_body", "trade_body"),
            ("admin", "admin"), ("other_mediator", "mediator"))}
        contract = ContractRow(contract_id="c-1", name="C", yaml_text="id: c-1",
                               provider_organisation_id=orgs["provider"].id, client_organisation_id=orgs["client"].id)
        session.add(contract)
        session.flush()
        session.add(ContractShareRow(contract_id=contract.id, mediator_organisation_id=orgs["mediator"].id,
                                     invited_by_organisation_id=orgs["client"].id))
    with transaction(sessions) as session:
        standing = {}
        for key, organisation in orgs.items():
            access = contract_access(session, organisation, contract.id)
            standing[key] = access.standing if access else None
            assert [c.id for c in visible_contracts(session, organisation)] == ([contract.id] if access else [])
        assert standing == {"provider": "provider", "client": "client", "other_client": None, "other_provider": None,
                            "mediator": "mediator", "trade_body": None, "admin": None, "other_mediator": None}
        provider = contract_access(session, orgs["provider"], contract.id)
        client = contract_access(session, orgs["client"], contract.id)
        mediator = contract_access(session, orgs["mediator"], contract.id)
        reader = contract_access(session, orgs["provider"], contract.id, role="reader")
        assert provider and client and mediator and reader
        assert (provider.may_settle, client.may_settle, mediator.may_settle, reader.may_settle) == (
            True, False, False, False)
        assert (provider.may_upload_facts, client.may_upload_facts, mediator.may_upload_facts) == (True, True, False)
        assert contract_access(session, orgs["provider"], "0" * 32) is None


def test_settlement_totals_keep_every_cent(engine: Engine) -> None:
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        provider = create_organisation(session, "P", "provider")
        client = create_organisation(session, "C", "client")
        contract = ContractRow(contract_id="c", yaml_text="", provider_organisation_id=provider.id,
                               client_organisation_id=client.id)
        session.add(contract)
        session.flush()
        session.add(SettlementRow(contract_id=contract.id, period="2026-10", settlement_json=json.dumps({}),
                                  explanations_json="[]", inputs_sha256="0" * 64,
                                  total_excluding_vat="123456789012.01", total_including_vat="148148146814.41",
                                  settled_by_organisation_id=provider.id))
    with transaction(sessions) as session:
        row = session.scalar(select(SettlementRow))
        assert row is not None
        assert Decimal(row.total_excluding_vat) == Decimal("123456789012.01")
        assert Decimal(row.total_including_vat) - Decimal(row.total_excluding_vat) == Decimal("24691357802.40")


def test_a_settlement_needs_an_existing_contract(engine: Engine) -> None:
    sessions = session_factory(engine)
    with pytest.raises(IntegrityError), transaction(sessions) as session:
        provider = create_organisation(session, "P", "provider")
        session.add(SettlementRow(contract_id="f" * 32, period="2026-10", settlement_json="{}",
                                  explanations_json="[]", inputs_sha256="0" * 64, total_excluding_vat="0",
                                  total_including_vat="0", settled_by_organisation_id=provider.id))
        session.flush()


def test_in_memory_sqlite_is_shared_between_sessions() -> None:
    engine = make_engine("sqlite://")
    migrate(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        create_organisation(session, "P", "provider")
    with transaction(sessions) as session:
        assert len(list(session.scalars(select(ContractRow)))) == 0
        assert session.scalar(select(UserRow)) is None
    assert "organisation" in inspect(engine).get_table_names()
