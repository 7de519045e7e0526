"""Shared fixtures: real data (../shared/data) and databases — SQLite always, PostgreSQL when
CHARTE_TEST_POSTGRES_URL is set (.ci/run starts a throw-away cluster and sets it)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from charte.store import make_engine, migrate
from charte.store.database import normalise_url

# ../shared/data beside the repository, or where CHARTE_SHARED_DATA says (a git worktree elsewhere)
SHARED_DATA = Path(os.environ.get("CHARTE_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))
POSTGRES_URL = os.environ.get("CHARTE_TEST_POSTGRES_URL", "")


def shared_data(*parts: str) -> Path:
    """A file of ../shared/data, or a skip saying why the test cannot run here."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available at {path} (../shared/data is outside the repository)")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database: a SQLite file, then (when available) a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    if not POSTGRES_URL:
        pytest.skip("CHARTE_TEST_POSTGRES_URL is not set (.ci/run sets it when PostgreSQL 15 is installed)")
    name = f"charte_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = normalise_url(POSTGRES_URL).rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()
