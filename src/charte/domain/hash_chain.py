"""Append-only records chained by hash: any edit, insertion or deletion shows.

Each entry of a chain (the invoice ledger of a provider, the evidence register of a contract)
records the hash of the entry before it, and its own hash is
``SHA-256(previous hash + "\\n" + canonical JSON of its payload)``. Changing one entry changes
its hash, so the next entry no longer points at it; deleting one breaks the numbering of
positions (1, 2, 3…) or the link; only the head (the last hash) can vouch for the tail, which
is why the ledger keeps it beside the chain and in a witness folder.

Canonical JSON: keys sorted, no insignificant spaces, UTF-8 (``ensure_ascii=False``). The first
entry's previous hash is :data:`GENESIS` (64 zeros).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

GENESIS = "0" * 64


def canonical_json(payload: Mapping[str, Any]) -> str:
    """The one text a payload hashes as (sorted keys, compact separators, UTF-8)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(previous: str, payload: Mapping[str, Any]) -> str:
    """``SHA-256(previous + "\\n" + canonical JSON of payload)``, in hex."""
    return text_hash(previous, canonical_json(payload))


def text_hash(previous: str, text: str) -> str:
    """:func:`entry_hash` of a payload already written as its canonical JSON ``text`` (as entries are stored)."""
    return hashlib.sha256(f"{previous}\n{text}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainedEntry:
    """One stored entry: its position (1, 2, …), the hash it points back to, its own hash and its payload as stored
    (canonical JSON ``text``; :attr:`payload` reads it)."""

    position: int
    previous: str
    hash: str
    text: str

    @cached_property
    def payload(self) -> Mapping[str, Any]:
        value: Mapping[str, Any] = json.loads(self.text)
        return value

    @classmethod
    def of(cls, position: int, previous: str, payload: Mapping[str, Any]) -> ChainedEntry:
        """The entry ``payload`` makes after ``previous``."""
        text = canonical_json(payload)
        return cls(position, previous, text_hash(previous, text), text)


@dataclass(frozen=True)
class ChainBreak:
    """Where a chain stops vouching for itself: ``code`` (stable), the position and what was expected vs found."""

    code: str
    position: int
    message: str


def verify_chain(entries: Iterable[ChainedEntry], head: tuple[int, str] | None = None) -> list[ChainBreak]:
    """Every break in ``entries`` (in position order), and against ``head`` (last position, last hash) if given.

    An empty list means each entry's hash recomputes from its payload and the entry before it,
    positions run 1, 2, 3… without a gap, and the last entry is the head.
    """
    breaks: list[ChainBreak] = []
    previous, expected = GENESIS, 1
    for entry in entries:
        if entry.position != expected:
            breaks.append(ChainBreak("entry_missing", expected, f"expected entry {expected}; found entry "
                                                                f"{entry.position} (entries deleted or reordered)"))
        if entry.previous != previous:
            breaks.append(ChainBreak("link_broken", entry.position,
                                     f"entry {entry.position} points back to {entry.previous[:12]}…; the entry before "
                                     f"it hashes to {previous[:12]}…"))
        recomputed = text_hash(entry.previous, entry.text)
        if recomputed != entry.hash:
            breaks.append(ChainBreak("entry_altered", entry.position,
                                     f"entry {entry.position} hashes to {recomputed[:12]}… but records "
                                     f"{entry.hash[:12]}…: its content was changed after it was written"))
        previous, expected = entry.hash, entry.position + 1
    if head is not None and head != (expected - 1, previous):
        position, last = head
        breaks.append(ChainBreak("head_mismatch", position,
                                 f"the head says {position} entries ending {last[:12]}…; the chain has "
                                 f"{expected - 1} ending {previous[:12]}… (entries deleted at the end, or added "
                                 "outside the ledger)"))
    return breaks


__all__ = ["GENESIS", "ChainBreak", "ChainedEntry", "canonical_json", "entry_hash", "text_hash", "verify_chain"]
