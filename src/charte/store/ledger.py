"""The invoice ledger in the database: one hash-chained book of entries per provider (SQLite or PostgreSQL).

The rules are :mod:`charte.payments.ledger`'s; this module keeps the entries and applies the
rules under the database's write lock (:func:`~charte.store.database.write_transaction`), so
concurrent issuers — several CLI processes, web workers — get gap-free numbers and never two
invoices for one contract-month. The database backs the rules with constraints: one row per
(book, series, sequence) and per (book, contract, month, generation) of invoices; entries can
be neither updated nor deleted (triggers, migration ``0005_i14``). Every read recomputes the
chain and refuses a ledger whose entries were changed (``ledger_tampered``); a witness folder
(:class:`~charte.store.chain.Witness`) keeps a copy of each entry so that a deleted or replaced
database cannot silently restart the numbering.

``book`` names the sequence owner: the provider's SIREN on the command line, the provider
organisation in the web application; ``siren`` is checked against each document's seller.

A ledger opened on a ``session`` (the web application's request) reads and writes in that
session's transaction: an entry is committed together with what the request records beside it
(a dispute's step and the status it sets, an audit line) or not at all; the head row is locked
in that transaction exactly as in :func:`~charte.store.database.write_transaction` (SQLite: the
first write takes the database's write lock; PostgreSQL: ``SELECT … FOR UPDATE``), and the
witness copies are written once the session commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Date, Engine, ForeignKeyConstraint, Index, String, Text, event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from charte.domain.calendar import PARIS
from charte.domain.hash_chain import GENESIS, ChainBreak, ChainedEntry, verify_chain
from charte.io.faults import fault_point
from charte.payments.invoice import Invoice
from charte.payments.ledger import (
    DEFAULT_SERIES,
    Gate,
    InvoiceStatus,
    IssueContext,
    LedgerError,
    Payment,
    PaymentContext,
    check_issue,
    check_payment,
    check_series,
    check_status,
    issued_entry,
    lifecycle,
    payment_entry,
    payment_of,
    statement,
    status,
    status_entry,
    status_of,
)
from charte.payments.lifecycle import StatusEvent
from charte.payments.reference_rates import DEFAULT_RATES, RateBook
from charte.store.chain import ChainBehindWitness, Witness, lock_head, move_head, read_head
from charte.store.database import read_snapshot, write_transaction
from charte.store.models import Base, now


class LedgerEntryRow(Base):
    """One entry of a provider's ledger; the columns beside the payload index it and carry the constraints."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        Index("uq_ledger_entry_sequence", "book", "series", "sequence", unique=True),
        Index("uq_ledger_entry_month_invoice", "book", "contract", "period", "month_generation", unique=True),
        Index("ix_ledger_entry_number", "book", "number"),
        ForeignKeyConstraint(["chain"], ["chain_head.chain"]),
    )

    book: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    chain: Mapped[str] = mapped_column(String(300))
    event: Mapped[str] = mapped_column(String(20))                # issued | payment | status
    number: Mapped[str] = mapped_column(String(40))               # the document (issued) or the invoice concerned
    series: Mapped[str | None] = mapped_column(String(10), default=None)
    sequence: Mapped[int | None] = mapped_column(default=None)
    kind: Mapped[str | None] = mapped_column(String(20), default=None)          # invoice | credit_note
    contract: Mapped[str | None] = mapped_column(String(200), default=None)
    period: Mapped[str | None] = mapped_column(String(7), default=None)
    month_generation: Mapped[int | None] = mapped_column(default=None)  # invoices: 0, 1 after a full credit…
    settlement_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    issue_date: Mapped[date | None] = mapped_column(Date, default=None)
    payload: Mapped[str] = mapped_column(Text)                    # canonical JSON (charte.domain.hash_chain)
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=now)


def paris_today() -> date:
    return datetime.now(PARIS).date()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


#: The columns read to decide which entries an operation needs (everything but the payload).
_INDEX = ("position", "event", "number", "series", "sequence", "kind", "contract", "period", "settlement_sha256",
          "previous_hash", "entry_hash")


@dataclass
class _Book:
    """A book as read inside one transaction: every entry (payload included) when the whole ledger is read, or
    only the entries an operation relies on; every entry read has been checked against its hash."""

    entries: list[ChainedEntry]
    index: list[Any] = field(default_factory=list)

    def parsed(self, event: str) -> list[dict[str, Any]]:
        return [dict(e.payload) for e in self.entries if e.payload["event"] == event]

    @property
    def documents(self) -> list[Invoice]:
        return [Invoice.from_dict(p["document"]) for p in self.parsed("issued")]

    @property
    def payments(self) -> list[Payment]:
        return [payment_of(p) for p in self.parsed("payment")]

    @property
    def statuses(self) -> list[StatusEvent]:
        return [status_of(p) for p in self.parsed("status")]


class SqlLedger:
    """A provider's ledger in the database (see the module docstring); ``witness``: the folder of entry copies.

    Reading the whole ledger (documents, statement, payments) recomputes every entry's hash; an operation that
    writes checks the links of the whole chain and its head, and recomputes the hash of each entry its rules
    rely on (the month's documents, the invoice a credit note or a payment names…), so that it stays quick on a
    ledger of years; ``charte ledger verify`` (:meth:`verify`) checks everything, witness copies included.
    """

    def __init__(self, engine: Engine, book: str, siren: str, witness: Path | None = None,
                 today: Callable[[], date] | None = None, session: Session | None = None) -> None:
        """``today``: the ledger's calendar (Paris today; a test or a simulation passes its own); ``session``: read
        and write in that session's transaction (module docstring), committed by its owner."""
        if not book or len(book) > 64:
            raise LedgerError("invalid_book", f"ledger name {book!r}: expected 1 to 64 characters")
        self.engine, self.book, self.siren = engine, book, siren
        self.today = today or paris_today
        self.chain = f"ledger:{book}"
        self.witness = Witness(witness, self.chain) if witness is not None else None
        self.session = session
        self._witness_pending = False

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """The session's connection (it sees what the session wrote), else a snapshot of the database."""
        if self.session is not None:
            yield self.session.connection()
            return
        with read_snapshot(self.engine) as connection:
            yield connection

    # ------------------------------------------------------------ reading

    def _rows(self, connection: Connection, *columns: str, positions: list[int] | None = None) -> list[Any]:
        table = LedgerEntryRow.__table__
        chosen = [table.c[name] for name in columns] if columns else [table]
        query = select(*chosen).where(table.c.book == self.book)
        if positions is not None:
            query = query.where(table.c.position.in_(positions))
        return list(connection.execute(query.order_by(table.c.position)).all())

    def _read(self, connection: Connection) -> _Book:
        """The whole ledger, every entry's hash recomputed (refused as ``ledger_tampered`` otherwise)."""
        rows = self._rows(connection)
        entries = [ChainedEntry(r.position, r.previous_hash, r.entry_hash, r.payload) for r in rows]
        self._refuse(verify_chain(entries, read_head(connection, self.chain)) + _columns_agree(rows, entries))
        return _Book(entries, rows)

    def _read_for(self, connection: Connection, head: tuple[int, str], wanted: Callable[[Any], bool],
                  index: list[Any] | None = None) -> _Book:
        """The chain's links and head checked on the index; the entries ``wanted`` picks read and hash-checked."""
        index = index if index is not None else self._rows(connection, *_INDEX)
        self._refuse(_links(index, head))
        positions = [r.position for r in index if wanted(r)]
        rows = self._rows(connection, positions=positions) if positions else []
        entries = [ChainedEntry(r.position, r.previous_hash, r.entry_hash, r.payload) for r in rows]
        self._refuse([b for e in entries for b in verify_chain([e], None)
                      if b.code == "entry_altered"] + _columns_agree(rows, entries))
        return _Book(entries, index)

    def _refuse(self, breaks: list[ChainBreak]) -> None:
        if breaks:
            raise LedgerError("ledger_tampered", f"the ledger {self.book} does not vouch for itself: "
                              + "; ".join(f"[{b.code}] {b.message}" for b in breaks[:5])
                              + " — run `charte ledger verify` for every break")

    def _snapshot(self) -> _Book:
        with self._reading() as connection:
            return self._read(connection)

    def documents(self) -> list[Invoice]:
        """Issued invoices and credit notes, in the order they were issued."""
        return self._snapshot().documents

    def document(self, number: str) -> Invoice:
        with self._reading() as connection:
            book = self._read_for(connection, read_head(connection, self.chain),
                                  lambda r: r.event == "issued" and r.number == number)
        found = book.documents
        if not found:
            known = ", ".join(r.number for r in book.index if r.event == "issued") or "none issued yet"
            raise LedgerError("unknown_invoice", f"no invoice {number!r} in the ledger {self.book} (issued: {known})")
        return found[0]

    def payments(self) -> list[Payment]:
        return self._snapshot().payments

    def recorded_statuses(self) -> list[StatusEvent]:
        """Lifecycle statuses stated by a party (the others derive from issues and payments)."""
        return self._snapshot().statuses

    def lifecycle(self, doc: Invoice, payments: list[Payment] | None = None,
                  recorded: list[StatusEvent] | None = None) -> tuple[StatusEvent, ...]:
        """``doc``'s status history (:func:`charte.payments.lifecycle.derived_and_recorded`)."""
        if payments is None or recorded is None:
            with self._reading() as connection:
                book = self._read_for(connection, read_head(connection, self.chain),
                                      lambda r: r.event in ("payment", "status") and r.number == doc.number)
            payments = book.payments if payments is None else payments
            recorded = book.statuses if recorded is None else recorded
        return lifecycle(doc, payments, recorded)

    def status(self, doc: Invoice, as_of: date, rates: RateBook = DEFAULT_RATES) -> InvoiceStatus:
        """Where ``doc`` stands on ``as_of`` (:func:`charte.payments.ledger.status`): credited, paid, owed, late."""
        book = self._snapshot()
        return status(doc, book.documents, book.payments, as_of, rates)

    def statement(self, as_of: date, rates: RateBook = DEFAULT_RATES) -> list[InvoiceStatus]:
        book = self._snapshot()
        return statement(book.documents, book.payments, as_of, rates)

    # ------------------------------------------------------------ writing

    @contextmanager
    def _appending(self) -> Iterator[tuple[Connection, int, str, list[ChainedEntry]]]:
        """The write lock and the chain's head; the entries appended in the block are copied to the witness
        folder after the commit."""
        appended: list[ChainedEntry] = []
        if self.session is not None:
            with self._appending_in_session() as held:
                yield held
            return
        try:
            with write_transaction(self.engine) as connection:
                position, head = lock_head(connection, self.chain)
                if self.witness is not None:
                    self.witness.check_not_ahead(position)
                yield connection, position, head, appended
                fault_point("ledger.before_commit")
        except ChainBehindWitness as error:
            raise LedgerError("ledger_behind_witness", str(error)) from None
        except IntegrityError as error:
            raise LedgerError("ledger_conflict", f"another writer recorded the same entry first; nothing was "
                                                 f"written ({type(error.orig).__name__})") from None
        fault_point("ledger.after_commit")
        if self.witness is not None and appended:
            if self.witness.missing_since(appended[0].position - 1) < appended[0].position:
                self.sync_witness()  # copies lagging since an earlier crash
            else:
                self.witness.record(appended)

    @contextmanager
    def _appending_in_session(self) -> Iterator[tuple[Connection, int, str, list[ChainedEntry]]]:
        """As :meth:`_appending`, in the session's transaction; the witness copies follow the session's commit."""
        assert self.session is not None
        appended: list[ChainedEntry] = []
        connection = self.session.connection()
        try:
            position, head = lock_head(connection, self.chain)
            if self.witness is not None:
                self.witness.check_not_ahead(position)
            yield connection, position, head, appended
        except ChainBehindWitness as error:
            raise LedgerError("ledger_behind_witness", str(error)) from None
        except IntegrityError as error:
            raise LedgerError("ledger_conflict", f"another writer recorded the same entry first; nothing was "
                                                 f"written ({type(error.orig).__name__})") from None
        if self.witness is not None and appended and not self._witness_pending:
            self._witness_pending = True
            event.listen(self.session, "after_commit", self._copy_after_commit, once=True)

    def _copy_after_commit(self, _session: Session) -> None:
        """The witness copies of what the session committed (read afresh: a rolled back entry is never copied)."""
        self._witness_pending = False
        detached = SqlLedger(self.engine, self.book, self.siren, None, self.today)
        detached.witness = self.witness
        with suppress(LedgerError, OSError):  # committed already: the next write copies what is missing
            detached.sync_witness()

    def sync_witness(self) -> None:
        """Write the witness copies of committed entries not copied yet (after a crash between commit and copy)."""
        if self.witness is None:
            return
        book = self._snapshot()
        first = self.witness.missing_since(len(book.entries))
        self.witness.record(book.entries[first - 1:])

    def _append(self, connection: Connection, position: int, head: str, payload: dict[str, Any],
                appended: list[ChainedEntry], **columns: Any) -> ChainedEntry:
        entry = ChainedEntry.of(position + 1, head, payload)
        connection.execute(insert(LedgerEntryRow).values(
            book=self.book, position=entry.position, chain=self.chain, payload=entry.text, previous_hash=head,
            entry_hash=entry.hash, recorded_at=now(), **columns))
        move_head(connection, self.chain, entry.position, entry.hash)
        appended.append(entry)
        return entry

    def issue(self, draft: Invoice, gate: Gate, *, today: date | None = None, series: str = DEFAULT_SERIES) -> Invoice:
        """Number ``draft`` (next number of ``series``) and record it; ``gate`` — the official e-invoicing rules,
        :func:`charte.io.einvoicing.documents.gate_document` — checks the numbered document first.

        Nothing is recorded, and the number stays free, when a rule refuses it (:class:`LedgerError`) or
        ``gate`` raises.
        """
        check_series(series)
        with self._appending() as (connection, position, head, appended):
            index = self._rows(connection, *_INDEX)
            in_series = [r for r in index if r.event == "issued" and r.series == series]
            last = in_series[-1].position if in_series else None
            book = self._read_for(connection, (position, head), lambda r: r.event == "issued" and (
                r.position == last or (r.contract, r.period) == (draft.contract, draft.period)
                or (draft.settlement_sha256 is not None and r.settlement_sha256 == draft.settlement_sha256)
                or (draft.corrects is not None and r.number == draft.corrects)), index)
            context = _issue_context(book.documents, draft, self.siren, today or self.today(), series,
                                     len(in_series) + 1, last)
            issued = draft.numbered(check_issue(draft, context))
            gate(issued)
            generation = (sum(1 for d in context.month_documents if d.kind == "invoice")
                          if issued.kind == "invoice" else None)
            self._append(connection, position, head, issued_entry(issued, _stamp(now())), appended, event="issued",
                         number=issued.number, series=series, sequence=context.next_sequence, kind=issued.kind,
                         contract=issued.contract, period=issued.period, month_generation=generation,
                         settlement_sha256=issued.settlement_sha256, issue_date=issued.issue_date)
        return issued

    def record_payment(self, number: str, on: date, amount: Decimal | str, reference: str = "", *,
                       today: date | None = None) -> Payment:
        """Record a payment against invoice ``number``; refused (nothing recorded) when it breaks a rule."""
        with self._appending() as (connection, position, head, appended):
            book = self._read_for(connection, (position, head), lambda r: r.number == number or (
                r.event == "issued" and r.kind == "credit_note"))
            documents = book.documents
            invoice = next((d for d in documents if d.number == number), None)
            context = PaymentContext(
                today or self.today(), invoice,
                tuple(r.number for r in book.index if r.event == "issued"),
                tuple(d for d in documents if number in (d.number, d.corrects)),
                tuple(p for p in book.payments if p.invoice == number),
                tuple(s for s in book.statuses if s.invoice == number))
            payment = check_payment(number, on, amount, context, reference[:200])
            self._append(connection, position, head, payment_entry(payment, _stamp(now())), appended,
                         event="payment", number=number)
        return payment

    def record_status(self, event: StatusEvent) -> StatusEvent:
        """Record a lifecycle status a party states; refused (nothing recorded) when it cannot follow the history
        (:func:`charte.payments.ledger.check_status`)."""
        with self._appending() as (connection, position, head, appended):
            book = self._read_for(connection, (position, head), lambda r: r.number == event.invoice)
            doc = next((d for d in book.documents if d.number == event.invoice), None)
            check_status(event, doc, book.payments, book.statuses)
            self._append(connection, position, head, status_entry(event, _stamp(now())), appended, event="status",
                         number=event.invoice)
        return event

    # ------------------------------------------------------------ checking

    def verify(self) -> list[ChainBreak]:
        """Every break: entries altered, deleted or reordered, head moved, columns edited, witness differing."""
        with self._reading() as connection:
            rows = self._rows(connection)
            head = read_head(connection, self.chain)
        entries = [ChainedEntry(r.position, r.previous_hash, r.entry_hash, r.payload) for r in rows]
        breaks = verify_chain(entries, head) + _columns_agree(rows, entries) + _sequences_continuous(rows)
        if self.witness is not None:
            breaks += self.witness.compare(entries)
        return breaks


def _links(index: list[Any], head: tuple[int, str]) -> list[ChainBreak]:
    """Positions 1, 2, … without a gap, each entry pointing at the one before it, the last one being the head."""
    breaks: list[ChainBreak] = []
    previous, expected = GENESIS, 1
    for row in index:
        if row.position != expected or row.previous_hash != previous:
            breaks.append(ChainBreak("link_broken", row.position, f"entry {row.position} does not follow entry "
                                     f"{expected - 1} (entries deleted, reordered or inserted)"))
        previous, expected = row.entry_hash, row.position + 1
    if head != (expected - 1, previous):
        breaks.append(ChainBreak("head_mismatch", head[0], f"the head says {head[0]} entries; the chain has "
                                 f"{expected - 1} (entries deleted at the end, or added outside the ledger)"))
    return breaks


def _issue_context(documents: list[Invoice], draft: Invoice, siren: str, today: date, series: str,
                   next_sequence: int, last_position: int | None) -> IssueContext:
    """What the rules need, from the documents read for this draft (the series' last one among them)."""
    corrected = next((d for d in documents if draft.corrects and d.number == draft.corrects), None)
    last_in_series = _last_of_series(documents, series) if last_position is not None else None
    return IssueContext(
        siren=siren, today=today, series=series, next_sequence=next_sequence,
        last_in_series=last_in_series,
        month_documents=tuple(d for d in documents if d.contract == draft.contract and d.period == draft.period),
        same_settlement=tuple(d for d in documents if draft.settlement_sha256
                              and d.settlement_sha256 == draft.settlement_sha256 and d.kind == "invoice"),
        corrected=corrected,
        credits_of_corrected=tuple(d for d in documents if corrected is not None and d.kind == "credit_note"
                                   and d.corrects == corrected.number),
    )


def _last_of_series(documents: list[Invoice], series: str) -> Invoice | None:
    in_series = [d for d in documents if (d.number or "")[: len(series)] == series
                 and (d.number or "")[len(series):].isdigit()]
    return max(in_series, key=lambda d: int((d.number or "")[len(series):]), default=None)


def _columns_agree(rows: Any, entries: list[ChainedEntry]) -> list[ChainBreak]:
    """The indexed columns must say what the (hashed) payload says."""
    breaks = []
    for row, entry in zip(rows, entries, strict=True):
        payload = entry.payload
        if payload.get("event") != row.event:
            breaks.append(ChainBreak("columns_edited", row.position, f"entry {row.position} is a {row.event} in its "
                                     f"columns but a {payload.get('event')} in its content"))
        elif row.event == "issued":
            doc = payload["document"]
            said = (doc.get("number"), doc.get("kind"), doc.get("contract"), doc.get("period"))
            if said != (row.number, row.kind, row.contract, row.period):
                breaks.append(ChainBreak("columns_edited", row.position, f"entry {row.position}'s columns say "
                                         f"{row.number} {row.kind} {row.contract} {row.period}; its content says "
                                         + " ".join(str(s) for s in said)))
    return breaks


def _sequences_continuous(rows: Any) -> list[ChainBreak]:
    breaks = []
    seen: dict[str, int] = {}
    for row in rows:
        if row.event != "issued" or row.series is None:
            continue
        expected = seen.get(row.series, 0) + 1
        if row.sequence != expected:
            breaks.append(ChainBreak("numbering_gap", row.position, f"{row.number} follows number {expected - 1} of "
                                     f"series {row.series}; expected number {expected}"))
        seen[row.series] = int(row.sequence or 0)
    return breaks


__all__ = ["LedgerEntryRow", "SqlLedger", "paris_today"]
