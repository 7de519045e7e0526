"""Sessions, throttling counters and invitations in the database (issue 17), on SQLite and PostgreSQL:
every worker of a server reads and writes the same rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from charte.store import add_member, create_organisation, create_user, session_factory, transaction
from charte.store.invitations import accept_invitation, invite_first_manager, pending_invitation
from charte.store.sessions import SessionTimeouts, close_sessions_of, find_session, open_session
from charte.store.throttle import ThrottlePolicy, login_failed, login_succeeded, wait_before_login

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
TIMEOUTS = SessionTimeouts(idle=timedelta(hours=2), absolute=timedelta(hours=12))


def test_a_session_row_is_found_by_its_token_until_it_ends(engine: Engine) -> None:
    sessions = session_factory(engine)
    with transaction(sessions) as db:
        organisation = create_organisation(db, "Relais Contact SAS", "provider", "987654324")
        user = create_user(db, "a@relais.fr", "a long passphrase")
        add_member(db, user, organisation)
        token = open_session(db, user, organisation, TIMEOUTS, T0)
        other = open_session(db, user, organisation, TIMEOUTS, T0)
    with transaction(sessions) as db:
        assert find_session(db, token, TIMEOUTS, T0 + timedelta(hours=1)) is not None
        assert find_session(db, "s" + "x" * 43, TIMEOUTS, T0) is None
        assert close_sessions_of(db, user.id, keep_token=token) == 1
    with transaction(sessions) as db:
        assert find_session(db, other, TIMEOUTS, T0) is None
        assert find_session(db, token, TIMEOUTS, T0 + timedelta(hours=3, minutes=1)) is None  # idle 2 h 1 min


def test_throttle_counters_are_shared_rows(engine: Engine) -> None:
    sessions = session_factory(engine)
    policy = ThrottlePolicy()
    with transaction(sessions) as db:
        for n in range(6):
            login_failed(db, "victim@x.fr", f"198.51.100.{n}", T0, policy)
    with transaction(sessions) as db:  # another worker: a new session on the same database
        wait = wait_before_login(db, "victim@x.fr", "203.0.113.9", T0, policy)
        assert timedelta(0) < wait <= policy.account.max_delay
        login_succeeded(db, "victim@x.fr", "192.0.2.1", T0 - timedelta(days=1))
        assert wait_before_login(db, "victim@x.fr", "192.0.2.1", T0, policy) == timedelta(0)  # a known address
    with transaction(sessions) as db:
        for n in range(policy.address.free + 1):
            login_failed(db, f"user{n}@x.fr", "10.9.9.9", T0, policy)
        login_succeeded(db, "mine@x.fr", "10.9.9.9", T0)
        assert wait_before_login(db, "mine@x.fr", "10.9.9.9", T0, policy) > timedelta(0)


def test_an_invitation_works_once_and_expires(engine: Engine) -> None:
    sessions = session_factory(engine)
    with transaction(sessions) as db:
        organisation = create_organisation(db, "Énergie Verte SA", "client", "123456782")
        issued = invite_first_manager(db, organisation, "Achats@Energie.fr", None, T0)
        late = invite_first_manager(db, create_organisation(db, "SP2C", "trade_body"), "x@sp2c.fr", None, T0)
    with transaction(sessions) as db:
        assert pending_invitation(db, late.token, T0 + timedelta(days=8)) is None
        user, joined = accept_invitation(db, issued.token, T0 + timedelta(days=1), password="a long passphrase")
        assert user.email == "achats@energie.fr" and joined.name == "Énergie Verte SA"
        assert pending_invitation(db, issued.token, T0 + timedelta(days=1)) is None
