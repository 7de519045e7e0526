"""The books of a working folder: one database (the evidence register and the invoice ledgers) and its files.

On the command line ``--db`` names the database: a SQLite file (``charte.db`` in the working
folder by default), a folder (its ``charte.db``), or a URL (``postgresql://…`` for a team's
server). Beside a SQLite file ``X.db`` the files live in ``X-files/`` (``--files`` to choose):
``register/objects/`` keeps every submitted file under its SHA-256, ``register/witness/`` and
``ledger/<book>/`` a copy of every chained entry (so that a deleted or replaced database is
noticed instead of restarting the numbering). The schema is migrated (Alembic) when the books
are opened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from charte.store.database import make_engine, migrate, sqlite_url
from charte.store.ledger import SqlLedger
from charte.store.register import Register

DEFAULT_DATABASE = "charte.db"


@dataclass(frozen=True)
class Books:
    """An open database and its files folder."""

    engine: Engine
    files: Path
    where: str

    def ledger(self, book: str, siren: str | None = None) -> SqlLedger:
        """The ledger ``book`` (the provider's SIREN on the command line) with its witness folder."""
        return SqlLedger(self.engine, book, siren or book, self.files / "ledger" / book)

    def register(self, clock: Callable[[], datetime] | None = None) -> Register:
        return Register(self.engine, self.files / "register", clock)

    def close(self) -> None:
        self.engine.dispose()


def locate(db: str | Path | None, files: Path | None = None) -> tuple[str, Path, str]:
    """(database URL, files folder, what to show) for ``--db`` and ``--files`` (rules in the module docstring)."""
    text = str(db) if db is not None and str(db) else DEFAULT_DATABASE
    if "://" in text:
        shown = text.split("@")[-1] if "@" in text else text
        return text, files or Path("charte-files"), shown
    path = Path(text)
    if path.is_dir() or text.endswith(("/", "\\")):
        path = path / DEFAULT_DATABASE
    path = path.resolve()
    return sqlite_url(path), files or path.with_name(f"{path.stem}-files"), str(path)


def open_books(db: str | Path | None = None, files: Path | None = None) -> Books:
    url, folder, shown = locate(db, files)
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    migrate(engine)
    return Books(engine, folder, shown)


__all__ = ["DEFAULT_DATABASE", "Books", "locate", "open_books"]
