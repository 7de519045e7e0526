"""The register of evidence: every file of facts submitted for a contract and month, versioned, timestamped, chained.

A submission names the contract (its key: the contract's id on the command line, its stored
row in the web application), the month, the kind of fact and the file. The register

1. refuses a party submitting the other party's kind of fact (:data:`charte.io.evidence.FACT_KINDS`);
2. checks the file's content and reads it as the settlement will, listing every problem
   (:func:`charte.io.evidence.check_evidence`) — a refused file leaves no trace;
3. keeps the file under its SHA-256 (:class:`~charte.io.evidence.EvidenceObjects`), never
   overwriting anything;
4. records the submission — kind, version (1, 2, … per contract, month and kind), hash, who
   submitted it (party, person or system), when (the register's clock, UTC; ``declared`` when the
   time is the submitter's word, e.g. historical files loaded afterwards or the demo's simulated
   calendar) — as the next entry of the contract's hash chain (:mod:`charte.store.chain`), under
   the database's write lock. Entries can be neither updated nor deleted (triggers).

Submitting the same bytes again for the same month and kind adds nothing. A later version of a
kind supersedes the earlier one for the settlement (the earlier stays, visible); every forecast
version stays in play, each counting only where it was submitted before the horizon's deadline
(chosen in the settlement: ``charte.settle``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, ForeignKeyConstraint, Index, String, Text, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from charte.domain.calendar import PARIS, Month
from charte.domain.contract import Contract
from charte.domain.hash_chain import ChainBreak, ChainedEntry, verify_chain
from charte.io.evidence import (
    FACT_KINDS,
    EvidenceObjects,
    EvidenceRejected,
    KeptFile,
    Staged,
    check_evidence,
    facts_table,
    issued_when_submitted,
    parse_instant,
    submitted_instant,
)
from charte.io.faults import fault_point
from charte.io.settlement_files import forecast_series
from charte.settle.facts import Facts, ForecastSeries, Problem, SettlementError
from charte.settle.forecast_versions import VersionUse, select_forecasts
from charte.store.chain import ChainBehindWitness, Witness, lock_head, move_head, read_head
from charte.store.database import read_snapshot, write_transaction
from charte.store.models import Base, now


class EvidenceRow(Base):
    """One submission to the register (immutable: see the module docstring)."""

    __tablename__ = "evidence_submission"
    __table_args__ = (
        Index("uq_evidence_submission_version", "contract_key", "period", "kind", "version", unique=True),
        ForeignKeyConstraint(["chain"], ["chain_head.chain"]),
    )

    contract_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    chain: Mapped[str] = mapped_column(String(300))
    period: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column()
    file_name: Mapped[str] = mapped_column(String(300))
    file_format: Mapped[str] = mapped_column(String(10))
    party: Mapped[str] = mapped_column(String(20))
    submitted_by: Mapped[str] = mapped_column(String(300))
    organisation_id: Mapped[str | None] = mapped_column(String(32), default=None)
    submitted_at: Mapped[str] = mapped_column(String(40))      # UTC, ISO 8601 with Z (as hashed)
    time_source: Mapped[str] = mapped_column(String(10))       # clock | declared
    summary: Mapped[str] = mapped_column(Text)                 # JSON: rows, activities, first, last, horizons
    payload: Mapped[str] = mapped_column(Text)                 # canonical JSON of the entry (hashed)
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=now)


@dataclass(frozen=True)
class Submission:
    """One version of one kind of fact, as the register recorded it."""

    contract: str
    period: str
    kind: str
    version: int
    sha256: str
    size: int
    file_name: str
    file_format: str
    party: str
    submitted_by: str
    submitted_at: str
    time_source: str
    summary: dict[str, Any] = field(default_factory=dict)
    organisation_id: str | None = None
    position: int = 0

    @property
    def instant(self) -> datetime:
        return parse_instant(self.submitted_at)

    def payload(self) -> dict[str, Any]:
        return {"contract": self.contract, "period": self.period, "kind": self.kind, "version": self.version,
                "sha256": self.sha256, "size": self.size, "file_name": self.file_name,
                "file_format": self.file_format, "party": self.party, "submitted_by": self.submitted_by,
                "organisation_id": self.organisation_id, "submitted_at": self.submitted_at,
                "time_source": self.time_source, "summary": self.summary}


def _submission(row: Any) -> Submission:
    return Submission(row.contract_key, row.period, row.kind, row.version, row.sha256, row.size, row.file_name,
                      row.file_format, row.party, row.submitted_by, row.submitted_at, row.time_source,
                      json.loads(row.summary), row.organisation_id, row.position)


class Register:
    """The register kept in ``engine`` with its files under ``root`` (``objects/``, ``witness/``)."""

    def __init__(self, engine: Engine, root: Path, clock: Callable[[], datetime] | None = None,
                 session: Session | None = None) -> None:
        """``clock``: the register's time (UTC now; the demo's simulated calendar passes its own); ``session``: read
        in that session's transaction (a web request reading the register between its own writes), writes unchanged."""
        self.engine = engine
        self.root = Path(root)
        self.objects = EvidenceObjects(self.root / "objects")
        self.clock = clock or (lambda: datetime.now(UTC))
        self.session = session

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """The session's connection when given (it sees the session's writes, and an in-memory database's single
        connection is never rolled back under it), else a snapshot of the database."""
        if self.session is not None:
            yield self.session.connection()
            return
        with read_snapshot(self.engine) as connection:
            yield connection

    def _witness(self, contract_key: str) -> Witness:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in contract_key)
        return Witness(self.root / "witness" / safe, f"register:{contract_key}")

    # ------------------------------------------------------------ submitting

    def submit_file(self, path: Path, **details: Any) -> tuple[Submission, bool]:
        """:meth:`submit` a file on disk (its name is the file's unless ``file_name`` is given)."""
        details.setdefault("file_name", path.name)
        return self.submit(self.objects.stage_file(path), **details)

    def submit(self, staged: Staged, *, contract: Contract, contract_key: str, period: Month, kind: str,
               file_name: str, party: str, submitted_by: str, organisation_id: str | None = None,
               declared_at: datetime | None = None) -> tuple[Submission, bool]:
        """Check and keep a staged file as the next version of ``kind`` for ``period``; ``(submission, added)``.

        ``added`` is false when the same bytes are already the latest version (nothing recorded).
        :class:`~charte.io.evidence.EvidenceRejected` lists every problem; nothing is kept then.
        """
        try:
            problems = _who_problems(kind, party, file_name, declared_at, self.clock())
            if problems:
                raise EvidenceRejected(problems)
            file_format, summary = check_evidence(staged.path, file_name, kind, contract, period)
        except BaseException:
            self.objects.discard(staged)
            raise
        self.objects.commit(staged)
        fault_point("register.after_object")
        chain = f"register:{contract_key}"
        witness = self._witness(contract_key)
        try:
            with write_transaction(self.engine) as connection:
                position, head = lock_head(connection, chain)
                witness.check_not_ahead(position)
                latest = connection.execute(
                    select(EvidenceRow.__table__).where(EvidenceRow.contract_key == contract_key,
                                              EvidenceRow.period == str(period), EvidenceRow.kind == kind)
                    .order_by(EvidenceRow.version.desc()).limit(1)).first()
                unchanged = _submission(latest) if latest is not None and latest.sha256 == staged.sha256 else None
                if unchanged is None:
                    version = (latest.version if latest is not None else 0) + 1
                    submission = Submission(
                        contract_key, str(period), kind, version, staged.sha256, staged.size,
                        Path(file_name).name[:300], file_format, party, submitted_by[:300],
                        submitted_instant(declared_at or self.clock()), "declared" if declared_at else "clock",
                        summary.as_dict(), organisation_id, position + 1)
                    _insert(connection, chain, head, submission)
                    fault_point("register.before_commit")
        except ChainBehindWitness as error:
            raise EvidenceRejected([Problem("register_behind_witness", contract_key, str(error))]) from None
        if unchanged is not None:
            self.sync_witness(contract_key)
            return unchanged, False
        fault_point("register.after_commit")
        self.sync_witness(contract_key)
        return submission, True

    def sync_witness(self, contract_key: str) -> None:
        entries = self._entries(contract_key)
        witness = self._witness(contract_key)
        witness.record(entries[witness.missing_since(len(entries)) - 1:])

    # ------------------------------------------------------------ reading

    def _rows(self, contract_key: str) -> list[Any]:
        with self._reading() as connection:
            return list(connection.execute(select(EvidenceRow.__table__).where(EvidenceRow.contract_key == contract_key)
                                           .order_by(EvidenceRow.position)).all())

    def _entries(self, contract_key: str) -> list[ChainedEntry]:
        return [ChainedEntry(r.position, r.previous_hash, r.entry_hash, r.payload)
                for r in self._rows(contract_key)]

    def versions(self, contract_key: str, period: str | None = None, kind: str | None = None) -> list[Submission]:
        """Every submission for the contract (and month, kind), in the order received."""
        return [_submission(r) for r in self._rows(contract_key)
                if (period is None or r.period == period) and (kind is None or r.kind == kind)]

    def periods(self, contract_key: str) -> list[str]:
        with self._reading() as connection:
            return sorted(connection.execute(select(EvidenceRow.period).where(EvidenceRow.contract_key == contract_key)
                                             .group_by(EvidenceRow.period)).scalars().all(), reverse=True)

    def in_play(self, contract_key: str, period: str) -> list[Submission]:
        """What a settlement of the month reads: the latest version of each kind it reads, and every forecast
        version."""
        chosen: dict[str, Submission] = {}
        forecasts: list[Submission] = []
        for submission in self.versions(contract_key, period):
            if not FACT_KINDS[submission.kind].settles:
                continue
            if FACT_KINDS[submission.kind].versions == "all":
                forecasts.append(submission)
            else:
                chosen[submission.kind] = submission
        return sorted(chosen.values(), key=lambda s: s.kind) + forecasts

    def find(self, contract_key: str, period: str, kind: str, version: int) -> Submission | None:
        with self._reading() as connection:
            row = connection.execute(select(EvidenceRow.__table__).where(
                EvidenceRow.contract_key == contract_key, EvidenceRow.period == period, EvidenceRow.kind == kind,
                EvidenceRow.version == version)).first()
        return _submission(row) if row is not None else None

    def kept(self, submissions: Sequence[Submission]) -> list[KeptFile]:
        """The kept files of ``submissions``, for :func:`charte.io.evidence.facts_from_files`."""
        return [KeptFile(s.kind, self.objects.path(s.sha256), s.file_format, s.instant)  # type: ignore[arg-type]
                for s in submissions]

    def count(self) -> int:
        with self._reading() as connection:
            return int(connection.execute(select(func.count()).select_from(EvidenceRow)).scalar_one())

    # ------------------------------------------------------------ checking

    def verify(self, contract_key: str) -> list[ChainBreak]:
        """Every break of the contract's chain, its witness folder and its kept files (missing or altered)."""
        with self._reading() as connection:
            rows = list(connection.execute(select(EvidenceRow.__table__).where(EvidenceRow.contract_key == contract_key)
                                           .order_by(EvidenceRow.position)).all())
            head = read_head(connection, f"register:{contract_key}")
        entries = [ChainedEntry(r.position, r.previous_hash, r.entry_hash, r.payload) for r in rows]
        breaks = verify_chain(entries, head) + self._witness(contract_key).compare(entries)
        for row in rows:
            if _submission(row).payload() != json.loads(row.payload):
                breaks.append(ChainBreak("columns_edited", row.position, f"submission {row.position}'s columns "
                                         "differ from its hashed content"))
            if not self.objects.intact(row.sha256):
                breaks.append(ChainBreak("file_missing_or_altered", row.position,
                                         f"{row.kind} v{row.version} of {row.period} ({row.file_name}): the kept file "
                                         f"{self.objects.path(row.sha256)} is missing or no longer hashes to "
                                         f"{row.sha256[:12]}…"))
        return breaks


def _insert(connection: Any, chain: str, head: str, submission: Submission) -> None:
    """Insert ``submission`` as the next entry of its contract's chain and move the head (in the write lock)."""
    entry = ChainedEntry.of(submission.position, head, submission.payload())
    connection.execute(insert(EvidenceRow).values(
        contract_key=submission.contract, position=submission.position, chain=chain, period=submission.period,
        kind=submission.kind, version=submission.version, sha256=submission.sha256, size=submission.size,
        file_name=submission.file_name, file_format=submission.file_format, party=submission.party,
        submitted_by=submission.submitted_by, organisation_id=submission.organisation_id,
        submitted_at=submission.submitted_at, time_source=submission.time_source,
        summary=json.dumps(submission.summary, sort_keys=True, ensure_ascii=False),
        payload=entry.text, previous_hash=head, entry_hash=entry.hash, recorded_at=now()))
    move_head(connection, chain, submission.position, entry.hash)


def _who_problems(kind: str, party: str, file_name: str, declared_at: datetime | None,
                  now: datetime) -> list[Problem]:
    fact = FACT_KINDS.get(kind)
    if fact is None:
        return [Problem("unknown_fact_kind", file_name, f"kind {kind!r}: expected one of {', '.join(FACT_KINDS)}")]
    if party not in ("client", "provider"):
        return [Problem("not_a_party", file_name, f"submitted as {party!r}; only the client or the provider "
                                                  "submits facts")]
    if not fact.owned_by(party):
        return [Problem("not_your_fact", file_name,
                        f"{fact.label_en} are the {fact.owner}'s to submit; the {party} cannot submit them")]
    if declared_at is not None:
        if declared_at.tzinfo is None:
            return [Problem("naive_instant", file_name, f"declared time {declared_at.isoformat()} has no zone")]
        if declared_at > now:
            return [Problem("declared_in_future", file_name,
                            f"declared time {declared_at.isoformat()} is in the future; a submission cannot be "
                            "dated after it reached the register")]
    return []




@dataclass(frozen=True)
class VersionStanding:
    """Where one version stands for its month: in play, superseded, or (forecasts) against the deadline."""

    submission: Submission
    standing: str                      # in_play | superseded | on_time | late | not_settled
    detail: str = ""
    deadline: str | None = None        # ISO date (Paris), forecasts only

    @property
    def local_time(self) -> str:
        """The submission time in Paris, as shown to people (stored in UTC)."""
        return self.submission.instant.astimezone(PARIS).strftime("%Y-%m-%d %H:%M:%S")


def standings(contract: Contract | None, submissions: Sequence[Submission],
              register: Register | None = None) -> list[VersionStanding]:
    """Each submission's standing, newest first: the latest version of a kind is in play, earlier ones are
    superseded; a forecast version's standing is the settlement's own choice (:func:`forecast_uses`: used for
    some periods, superseded by a later on-time version, late against its horizon's deadline) when the register
    and the contract are given, else it is only listed."""
    latest: dict[tuple[str, str], int] = {}
    for s in submissions:
        latest[(s.period, s.kind)] = max(latest.get((s.period, s.kind), 0), s.version)
    uses: dict[int, list[VersionUse]] = {}
    if contract is not None and register is not None:
        for period in sorted({s.period for s in submissions if s.kind == "forecasts"}):
            uses.update(forecast_uses(register, contract, Month.parse(period),
                                      [s for s in submissions if s.kind == "forecasts" and s.period == period]))
    out = []
    for s in sorted(submissions, key=lambda s: s.position, reverse=True):
        fact = FACT_KINDS.get(s.kind)
        if fact is not None and not fact.settles:
            out.append(VersionStanding(s, "not_settled", "kept as evidence; the settlement does not read it"))
        elif fact is not None and fact.versions == "all":
            out.append(_forecast_standing(s, uses.get(s.position)))
        elif s.version == latest[(s.period, s.kind)]:
            out.append(VersionStanding(s, "in_play", "latest version of the month"))
        else:
            out.append(VersionStanding(s, "superseded", f"superseded by version {latest[(s.period, s.kind)]}"))
    return out


def forecast_uses(register: Register, contract: Contract, month: Month,
                  submissions: Sequence[Submission]) -> dict[int, list[VersionUse]]:
    """What the settlement of ``month`` does with each forecast submission's versions (by register position):
    :func:`charte.settle.forecast_versions.select_forecasts` on the versions as the register dates them."""
    series_of: dict[int, list[ForecastSeries]] = {}
    try:
        for s in submissions:
            table = facts_table(register.objects.path(s.sha256), "forecasts", s.file_format)  # type: ignore[arg-type]
            problems: list[Problem] = []
            series_of[s.position] = [issued_when_submitted(x, s.instant, s.sha256)
                                     for x in forecast_series(table, problems)]
            if problems:
                return {}
        _, uses = select_forecasts(contract.as_of(month.first_day), month,
                                   Facts.of(forecasts=[x for xs in series_of.values() for x in xs]), [])
    except (SettlementError, OSError, KeyError, ValueError):
        return {}
    by_version = {(u.activity, u.horizon, u.issued, u.content_sha256): u for u in uses}
    return {position: [by_version[key] for x in xs
                       if (key := (x.activity, x.horizon, x.issued, x.content_sha256)) in by_version]
            for position, xs in series_of.items()}


def _forecast_standing(s: Submission, uses: list[VersionUse] | None) -> VersionStanding:
    if not uses:
        return VersionStanding(s, "listed", "forecast version; which periods it supplies is the settlement's choice")
    statuses = {u.status for u in uses}
    standing = next((k for k in ("used", "partly_late", "superseded", "late", "outside_period") if k in statuses),
                    "listed")
    detail = "; ".join(f"{u.activity} {u.horizon}: {u.reason}" for u in uses)
    deadlines = ", ".join(sorted({f"{u.horizon} {u.first_deadline}" for u in uses if u.first_deadline}))
    return VersionStanding(s, standing, detail, deadlines or None)


__all__ = ["EvidenceRow", "Register", "Submission", "VersionStanding", "forecast_uses", "standings"]
