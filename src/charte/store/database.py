"""The database: an engine from a URL (SQLite embedded by default, PostgreSQL via ``CHARTE_DATABASE_URL``),
the Alembic migrations run programmatically at start-up, and sessions.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).with_name("migrations")
#: Seconds a SQLite writer waits for another writer's lock before giving up ("database is locked").
SQLITE_BUSY_SECONDS = 60
_MEMORY_LOCKS: dict[int, threading.Lock] = {}


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3 here (the driver charte pins)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True)
class PoolSize:
    """How many database connections one process keeps (``kept``), may open beyond them (``overflow``), and how
    long a request waits for one when all are busy (``wait_seconds``; the web application then answers 503
    with ``Retry-After``, never 500). :meth:`for_threads` sizes it for a thread pool."""

    kept: int = 40
    overflow: int = 48
    wait_seconds: float = 60.0

    @classmethod
    def for_threads(cls, threads: int, wait_seconds: float = 60.0, spare: int = 8) -> PoolSize:
        """A thread of the web server's pool holds at most two connections at once (its request's session, and
        the register's or the ledger's own read or write transaction): ``threads`` kept and ``threads`` more on
        demand, so no thread ever waits for another's connection; the few requests that hold a connection on
        the event loop (uploads) get the ``spare`` ones."""
        return cls(max(1, threads), max(1, threads) + spare, wait_seconds)


def make_engine(url: str, pool: PoolSize | None = None) -> Engine:
    """An engine for ``url``; in-memory SQLite shares one connection (StaticPool) so every session sees it;
    a SQLite file or PostgreSQL keeps a pool sized by ``pool`` (:class:`PoolSize`)."""
    url = normalise_url(url)
    pool = pool or PoolSize.for_threads(40)
    sizing = {"pool_size": pool.kept, "max_overflow": pool.overflow, "pool_timeout": pool.wait_seconds}
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS},
                               **({"poolclass": StaticPool} if memory else sizing))

        @event.listens_for(engine, "connect")
        def _foreign_keys(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **sizing)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (Alembic ``upgrade``), on the engine's own connection.

    Several processes opening a new database at once migrate it one after the other (a lock file
    beside a SQLite file; an advisory lock on PostgreSQL): the first creates the tables, the
    others find them.
    """
    with _migration_lock(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(20260014)")
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name != "sqlite" or is_memory_sqlite(engine):
        yield
        return
    import fcntl

    database = Path(str(engine.url.database))
    path = database.with_name(f".{database.name}.migrating")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


_WROTE = "charte.wrote"


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions of ``engine`` that keep their objects after a commit and note whether their transaction wrote
    (:func:`release_connection` needs to know)."""
    factory = sessionmaker(engine, expire_on_commit=False)

    @event.listens_for(factory, "after_flush")
    def _wrote(session: Session, _context: object) -> None:
        session.info[_WROTE] = True

    @event.listens_for(factory, "after_transaction_end")
    def _ended(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            session.info.pop(_WROTE, None)

    return factory


def release_connection(session: Session) -> bool:
    """Give the session's connection back to the pool when its transaction only read (ended by a commit that
    writes nothing: the objects read stay usable), so a thread about to wait — for a heavy-work slot — holds no
    connection; ``False`` and nothing done when the transaction has changes, flushed or not, the caller has not
    committed yet."""
    if not session.in_transaction():
        return True
    if session.new or session.dirty or session.deleted or session.info.get(_WROTE):
        return False
    session.commit()
    return True


def is_memory_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction holding the database's write lock from its first statement, committed at the end of the block.

    SQLite (a file): ``BEGIN IMMEDIATE`` — one writer at a time across processes, the others wait
    up to :data:`SQLITE_BUSY_SECONDS`; in-memory SQLite (one process): a process lock; PostgreSQL: an
    ordinary transaction whose writers lock their chain's head row (``SELECT … FOR UPDATE``,
    :mod:`charte.store.chain`). Read-check-write sequences inside the block see no other writer.
    """
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            yield connection
        return
    if is_memory_sqlite(engine):
        lock = _MEMORY_LOCKS.setdefault(id(engine), threading.Lock())
        with lock, engine.begin() as connection:
            yield connection
        return
    with engine.connect() as pooled:
        connection = pooled.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.exec_driver_sql("ROLLBACK")
            raise
        connection.exec_driver_sql("COMMIT")


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see the database as of one instant (no writer's commit in between).

    PostgreSQL: a ``REPEATABLE READ`` transaction; SQLite (a file, WAL): one deferred transaction;
    in-memory SQLite: its single connection.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as pooled:
            connection = pooled.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                yield connection
        return
    if is_memory_sqlite(engine):
        with engine.connect() as connection:
            yield connection
        return
    with engine.connect() as pooled:
        connection = pooled.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.exec_driver_sql("COMMIT")


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session committed at the end of the block, rolled back on an exception."""
    with factory() as session, session.begin():
        yield session
