"""The database: an engine from a URL (SQLite embedded by default, PostgreSQL via ``CHARTE_DATABASE_URL``),
the Alembic migrations run programmatically at start-up, and sessions.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
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


def make_engine(url: str) -> Engine:
    """An engine for ``url``; in-memory SQLite shares one connection (StaticPool) so every session sees it."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS},
                               poolclass=StaticPool if memory else None)

        @event.listens_for(engine, "connect")
        def _foreign_keys(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


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


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


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
