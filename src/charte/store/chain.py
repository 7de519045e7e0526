"""Chains of entries in the database, their heads, and their witness folders.

A chain (one provider's invoice ledger, one contract's evidence register) is a table of
entries with ``position``, ``previous_hash`` and ``entry_hash`` (:mod:`charte.domain.hash_chain`)
and one row of :class:`ChainHeadRow` holding its last position and hash. Appending happens in a
:func:`~charte.store.database.write_transaction`: :func:`lock_head` takes the head row (created at
position 0 the first time; ``SELECT … FOR UPDATE`` on PostgreSQL, the database lock on SQLite),
the caller checks its rules against what it reads, inserts the entry and moves the head.

A **witness folder** keeps a copy of every committed entry as ``<position>.json`` (written
after the commit, never overwritten): when the database file is deleted, restored from an old
backup or loses its last entries, the folder holds entries the database does not, and the
chain refuses to go on (:class:`ChainBehindWitness`) instead of reusing numbers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, String, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from charte.domain.hash_chain import GENESIS, ChainBreak, ChainedEntry
from charte.store.models import Base


class ChainHeadRow(Base):
    """The last position and hash of one chain (``ledger:<book>``, ``register:<contract>``)."""

    __tablename__ = "chain_head"

    chain: Mapped[str] = mapped_column(String(300), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    head_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


class ChainBehindWitness(Exception):  # noqa: N818  (names the situation)
    """The witness folder holds entries the database has not: the database was replaced or lost entries."""

    def __init__(self, chain: str, position: int, witness: Path) -> None:
        self.chain, self.position, self.witness = chain, position, witness
        super().__init__(f"{chain}: the witness folder {witness} holds entry {position + 1}, which the database does "
                         f"not (it has {position}); the database was replaced, restored from an older copy or lost "
                         "its last entries — restore it before going on (nothing was written)")


def lock_head(connection: Connection, chain: str) -> tuple[int, str]:
    """The chain's (position, hash), its head row locked until the transaction ends."""
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(insert(ChainHeadRow).values(chain=chain, position=0, head_hash=GENESIS)
                       .on_conflict_do_nothing(index_elements=["chain"]))
    query = select(ChainHeadRow.position, ChainHeadRow.head_hash).where(ChainHeadRow.chain == chain)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    position, head = connection.execute(query).one()
    return int(position), str(head)


def read_head(connection: Connection, chain: str) -> tuple[int, str]:
    row = connection.execute(select(ChainHeadRow.position, ChainHeadRow.head_hash)
                             .where(ChainHeadRow.chain == chain)).first()
    return (int(row[0]), str(row[1])) if row is not None else (0, GENESIS)


def move_head(connection: Connection, chain: str, position: int, head: str) -> None:
    connection.execute(update(ChainHeadRow).where(ChainHeadRow.chain == chain)
                       .values(position=position, head_hash=head))


@dataclass(frozen=True)
class Witness:
    """The witness folder of one chain (see the module docstring)."""

    folder: Path
    chain: str

    def path(self, position: int) -> Path:
        return self.folder / f"{position:08d}.json"

    def check_not_ahead(self, position: int) -> None:
        """Refuse when the folder holds an entry after ``position`` (the database's head)."""
        if self.path(position + 1).exists():
            raise ChainBehindWitness(self.chain, position, self.folder)

    def record(self, entries: Iterable[ChainedEntry]) -> None:
        """Write the entries not written yet (after their commit); an existing different copy is a break."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for entry in entries:
            data = _witness_bytes(entry)
            path = self.path(entry.position)
            if path.exists():
                continue
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            with tmp.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp, path)  # never replaces: a concurrent writer of the same entry wrote the same bytes
            except FileExistsError:
                pass
            finally:
                tmp.unlink(missing_ok=True)

    def missing_since(self, position: int) -> int:
        """The first position up to ``position`` whose copy is missing (walking back from the head)."""
        first = position + 1
        while first > 1 and not self.path(first - 1).exists():
            first -= 1
        return first

    def compare(self, entries: list[ChainedEntry]) -> list[ChainBreak]:
        """Differences between the folder and the database's entries (lagging copies are not breaks)."""
        breaks: list[ChainBreak] = []
        by_position = {e.position: e for e in entries}
        if not self.folder.exists():
            return breaks
        for path in sorted(self.folder.glob("*.json")):
            try:
                position = int(path.stem)
            except ValueError:
                continue
            entry = by_position.get(position)
            if entry is None:
                breaks.append(ChainBreak("entry_missing", position,
                                         f"the witness {path} holds entry {position}, which the database does not "
                                         "(deleted, or the database was replaced)"))
            elif path.read_bytes() != _witness_bytes(entry):
                breaks.append(ChainBreak("witness_differs", position,
                                         f"entry {position} differs from its witness copy {path}"))
        return breaks


def _witness_bytes(entry: ChainedEntry) -> bytes:
    document: dict[str, Any] = {"position": entry.position, "previous_hash": entry.previous, "hash": entry.hash,
                                "payload": entry.payload}
    return (json.dumps(document, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode()


__all__ = ["ChainBehindWitness", "ChainHeadRow", "Witness", "lock_head", "move_head", "read_head"]
