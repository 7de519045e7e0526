"""Under load (issue 17): pages never wait behind heavy work for a database connection, a page view writes
nothing, and a download never holds a connection while it is sent.

Measured before the fix (``benchmarks/web/load_pages.py``): requests queued for a heavy-work slot kept the
connection of the transaction they had opened, ten exports and an upload exhausted the pool (5 + 10) and 21 of
69 page requests failed with HTTP 500 after 30 s. These tests reproduce each cause with a pool of ONE
connection: whatever holds it while it waits makes the other requests fail (503 after the pool's wait), so
every assertion below fails if the cause comes back. Nothing sleeps; the only waits are hang guards.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio.to_thread
import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select
from tests.web.conftest import csrf_of, login

from charte.demo.run import default_contract_path
from charte.store import UserRow, create_organisation, create_user, migrate, transaction
from charte.store.database import PoolSize, make_engine, release_connection, session_factory
from charte.store.models import WebSessionRow
from charte.store.sessions import TOUCH_EVERY, SessionTimeouts, find_session, open_session
from charte.web import WebSettings, create_app
from charte.web.demo_tenants import seed_demo
from charte.web.deps import SessionDep
from charte.web.heavy import HeavySlots

HANG_GUARD = 120  # seconds: only ever reached when the code under test deadlocks


class WatchedSlots(HeavySlots):
    """Heavy-work slots that tell the test when a request starts waiting for one."""

    def __init__(self, slots: int, wait_seconds: float) -> None:
        super().__init__(slots, wait_seconds)
        self.waiting = threading.Semaphore(0)

    @contextmanager
    def slot(self, before_waiting: Callable[[], object] | None = None) -> Iterator[None]:
        def then_signal() -> None:
            if before_waiting is not None:
                before_waiting()
            self.waiting.release()

        with super().slot(then_signal):
            yield


@dataclass
class Tight:
    app: FastAPI
    engine: Engine
    contract: str
    cookies: dict[str, str]


@pytest.fixture
def tight(tmp_path: Path) -> Tight:
    """The application on a SQLite file with ONE pooled connection (a request waits at most 5 s for it, then
    503), one heavy-work slot and four threads."""
    url = f"sqlite:///{tmp_path / 'tight.sqlite3'}"
    engine = make_engine(url, PoolSize(kept=1, overflow=0, wait_seconds=5))
    app = create_app(WebSettings(data_dir=tmp_path, database_url=url, secret_key="test-secret" * 3, heavy_slots=1,
                                 heavy_wait_seconds=HANG_GUARD, threads=4), engine=engine)
    app.state.heavy = WatchedSlots(1, HANG_GUARD)
    tenants = seed_demo(app.state.sessions, tmp_path, contract_text=default_contract_path().read_text("utf-8"))
    client = login(TestClient(app), tenants.logins["provider"], tenants.password)
    return Tight(app, engine, tenants.contract_id or "", dict(client.cookies))


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """The application on a loopback port (the socket listens before the server thread starts: no sleeping)."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_pages_answer_while_requests_queue_for_a_busy_heavy_slot_with_one_connection(tight: Tight) -> None:
    """Three scorecard requests (each reads its contract, then waits for the only heavy-work slot, which the test
    holds) and ten contract-list pages at once: every page answers 200 — the queued requests gave their
    connection back before waiting; once the slot is free, the queued ones finish too (never 500 nor 503)."""
    slots: WatchedSlots = tight.app.state.heavy
    with served(tight.app) as base, ThreadPoolExecutor(max_workers=13) as pool:

        def get(path: str) -> int:
            with httpx.Client(base_url=base, cookies=tight.cookies, timeout=HANG_GUARD) as http:
                return http.get(path).status_code

        with slots.slot():
            queued = [pool.submit(get, f"/contracts/{tight.contract}/scorecard") for _ in range(3)]
            for _ in queued:
                assert slots.waiting.acquire(timeout=HANG_GUARD), "a scorecard request never reached the slot"
            pages = [pool.submit(get, "/contracts") for _ in range(10)]
            assert [p.result() for p in pages] == [200] * 10
        assert sorted({q.result() for q in queued}) in ([200], [422], [200, 422])


def test_a_download_is_sent_after_its_database_connection_went_back_to_the_pool(tight: Tight) -> None:
    """The request's session closes when the route returns, before the body is sent: a slow client downloading
    an export holds no connection. (A route added for the test streams how many connections are out.)"""

    @tight.app.get("/test-stream")
    def stream(session: SessionDep) -> StreamingResponse:
        session.get(UserRow, "nobody")  # opens the request's transaction, as a route reading its rows does

        def body() -> Iterator[bytes]:
            yield str(tight.engine.pool.checkedout()).encode()  # type: ignore[attr-defined]

        return StreamingResponse(body())

    assert TestClient(tight.app).get("/test-stream").text == "0"


@pytest.fixture
def statements(tmp_path: Path) -> tuple[FastAPI, list[str]]:
    app = create_app(WebSettings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}",
                                 secret_key="test-secret" * 3))
    seen: list[str] = []

    @event.listens_for(app.state.engine, "before_cursor_execute")
    def _note(_conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        seen.append(statement.lstrip().split(None, 1)[0].upper())

    return app, seen


def test_a_page_view_with_a_recently_seen_session_writes_nothing(statements: tuple[FastAPI, list[str]],
                                                                   tmp_path: Path) -> None:
    """A signed-in page is a read: no INSERT, UPDATE or DELETE (the session's last-seen time is written at most
    once a minute), so pages never queue for SQLite's single write lock."""
    app, seen = statements
    tenants = seed_demo(app.state.sessions, tmp_path, contract_text=default_contract_path().read_text("utf-8"))
    client = login(TestClient(app), tenants.logins["provider"], tenants.password)
    csrf_of(client.get("/contracts").text)
    seen.clear()
    for path in ("/contracts", f"/contracts/{tenants.contract_id}", "/contracts"):
        assert client.get(path).status_code == 200
    assert seen and not {"INSERT", "UPDATE", "DELETE"} & set(seen), sorted(set(seen))


def test_the_last_seen_time_is_written_once_a_minute_not_at_every_read(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 's.sqlite3'}")
    migrate(engine)
    sessions = session_factory(engine)
    timeouts = SessionTimeouts(timedelta(hours=2), timedelta(hours=12))
    at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    with transaction(sessions) as db:
        organisation = create_organisation(db, "Relais Contact SAS", "provider", "732829320")
        token = open_session(db, create_user(db, "a@example.fr", "a long password 2026"), organisation, timeouts,
                             at)
    writes: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _note(_conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    for seconds in (1, 30, 59):  # within TOUCH_EVERY of the sign-in: reads only
        with transaction(sessions) as db:
            assert find_session(db, token, timeouts, at + timedelta(seconds=seconds)) is not None
    assert writes == []
    later = at + TOUCH_EVERY + timedelta(seconds=1)
    with transaction(sessions) as db:
        assert find_session(db, token, timeouts, later) is not None
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("UPDATE")
    with sessions() as db:
        row = db.scalar(select(WebSessionRow))
        assert row is not None and row.last_seen_at.replace(tzinfo=UTC) == later


def test_release_connection_ends_a_reading_transaction_and_keeps_one_that_wrote(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.sqlite3'}", PoolSize(kept=1, overflow=0, wait_seconds=5))
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as db:
        db.get(UserRow, "nobody")
        assert engine.pool.checkedout() == 1  # type: ignore[attr-defined]
        assert release_connection(db) and engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        create_user(db, "b@example.fr", "a long password 2026")
        db.flush()
        assert not release_connection(db), "a transaction that wrote is the caller's to commit"
        assert db.in_transaction() and engine.pool.checkedout() == 1  # type: ignore[attr-defined]
        db.rollback()
        assert db.scalar(select(UserRow)) is None


def test_the_pool_fits_the_thread_pool(tmp_path: Path) -> None:
    """Each thread may hold two connections (its session and the register's or ledger's own): kept + overflow
    covers twice the threads, so a thread never waits for a connection another thread holds."""
    app = create_app(WebSettings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'p.sqlite3'}",
                                 secret_key="test-secret" * 3, threads=12))
    pool = app.state.engine.pool
    assert pool.size() == 12 and pool.size() + pool._max_overflow >= 2 * 12

    @app.get("/test-threads")
    async def threads() -> int:
        return int(anyio.to_thread.current_default_thread_limiter().total_tokens)

    with TestClient(app) as client:  # the lifespan sets the thread pool the connection pool was sized for
        assert client.get("/test-threads").json() == 12
