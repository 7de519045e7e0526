"""The invoice ledger in the database: one hash-chained book of entries per provider (SQLite or PostgreSQL).

The rules are :mod:`charte.payments.ledger`'s; this module keeps the entries and applies the
rules under the database's write lock (:func:`~charte.store.database.write_transaction`), so
concurrent issuers — several CLI processes, web workers — get gap-free numbers and never two
invoices for one contract-month. The database backs the rules with constraints: one row per
(book, series, sequence) and per (book, contract, month, generation) of invoices; entries can
be neither updated nor deleted (triggers, migration ``0002_i14``). Every read recomputes the
chain and refuses a ledger whose entries were changed (``ledger_tampered``); a witness folder
(:class:`~charte.store.chain.Witness`) keeps a copy of each entry so that a deleted or replaced
database cannot silently restart the numbering.

``book`` names the sequence owner: the provider's SIREN on the command line, the provider
organisation in the web application; ``siren`` is checked against each document's seller.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Date, Engine, ForeignKeyConstraint, Index, String, Text, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from charte.domain.calendar import PARIS
from charte.domain.hash_chain import ChainBreak, ChainedEntry, entry_hash, verify_chain
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


@dataclass(frozen=True)
class _Book:
    """The entries of a book as read (verified) inside one transaction."""

    entries: list[ChainedEntry]
    documents: list[Invoice]
    payments: list[Payment]
    statuses: list[StatusEvent]


class SqlLedger:
    """A provider's ledger in the database (see the module docstring); ``witness``: the folder of entry copies."""

    def __init__(self, engine: Engine, book: str, siren: str, witness: Path | None = None,
                 today: Callable[[], date] | None = None) -> None:
        """``today``: the ledger's calendar (Paris today; a test or a simulation passes its own)."""
        if not book or len(book) > 64:
            raise LedgerError("invalid_book", f"ledger name {book!r}: expected 1 to 64 characters")
        self.engine, self.book, self.siren = engine, book, siren
        self.today = today or paris_today
        self.chain = f"ledger:{book}"
        self.witness = Witness(witness, self.chain) if witness is not None else None

    # ------------------------------------------------------------ reading

    def _read(self, connection: Connection) -> _Book:
        rows = connection.execute(select(LedgerEntryRow.__table__).where(LedgerEntryRow.book == self.book)
                                  .order_by(LedgerEntryRow.position)).all()
        entries = [ChainedEntry(r.position, r.previous_hash, r.entry_hash, json.loads(r.payload)) for r in rows]
        breaks = verify_chain(entries, read_head(connection, self.chain))
        breaks += _columns_agree(rows, entries)
        if breaks:
            raise LedgerError("ledger_tampered", f"the ledger {self.book} does not vouch for itself: "
                              + "; ".join(f"[{b.code}] {b.message}" for b in breaks[:5])
                              + " — run `charte ledger verify` for every break")
        documents = [Invoice.from_dict(e.payload["document"]) for e in entries if e.payload["event"] == "issued"]
        payments = [payment_of(dict(e.payload)) for e in entries if e.payload["event"] == "payment"]
        statuses = [status_of(dict(e.payload)) for e in entries if e.payload["event"] == "status"]
        return _Book(entries, documents, payments, statuses)

    def _snapshot(self) -> _Book:
        with read_snapshot(self.engine) as connection:
            return self._read(connection)

    def documents(self) -> list[Invoice]:
        """Issued invoices and credit notes, in the order they were issued."""
        return self._snapshot().documents

    def document(self, number: str) -> Invoice:
        documents = self.documents()
        found = next((d for d in documents if d.number == number), None)
        if found is None:
            known = ", ".join(d.number or "" for d in documents) or "none issued yet"
            raise LedgerError("unknown_invoice", f"no invoice {number!r} in the ledger {self.book} (issued: {known})")
        return found

    def payments(self) -> list[Payment]:
        return self._snapshot().payments

    def recorded_statuses(self) -> list[StatusEvent]:
        """Lifecycle statuses stated by a party (the others derive from issues and payments)."""
        return self._snapshot().statuses

    def lifecycle(self, doc: Invoice, payments: list[Payment] | None = None,
                  recorded: list[StatusEvent] | None = None) -> tuple[StatusEvent, ...]:
        """``doc``'s status history (:func:`charte.payments.lifecycle.derived_and_recorded`)."""
        if payments is None or recorded is None:
            book = self._snapshot()
            payments = book.payments if payments is None else payments
            recorded = book.statuses if recorded is None else recorded
        return lifecycle(doc, payments, recorded)

    def statement(self, as_of: date, rates: RateBook = DEFAULT_RATES) -> list[InvoiceStatus]:
        book = self._snapshot()
        return statement(book.documents, book.payments, as_of, rates)

    def status(self, doc: Invoice, as_of: date, rates: RateBook = DEFAULT_RATES) -> InvoiceStatus:
        from charte.payments.ledger import status

        book = self._snapshot()
        return status(doc, book.documents, book.payments, as_of, rates)

    # ------------------------------------------------------------ writing

    @contextmanager
    def _appending(self) -> Iterator[tuple[Connection, _Book, int, str]]:
        """The book read under the write lock, with its head; the witness is brought up to date after the commit."""
        try:
            with write_transaction(self.engine) as connection:
                position, head = lock_head(connection, self.chain)
                if self.witness is not None:
                    self.witness.check_not_ahead(position)
                yield connection, self._read(connection), position, head
                fault_point("ledger.before_commit")
        except ChainBehindWitness as error:
            raise LedgerError("ledger_behind_witness", str(error)) from None
        except IntegrityError as error:
            raise LedgerError("ledger_conflict", f"another writer recorded the same entry first; nothing was "
                                                 f"written ({type(error.orig).__name__})") from None
        fault_point("ledger.after_commit")
        self.sync_witness()

    def sync_witness(self) -> None:
        """Write the witness copies of committed entries not copied yet (after a crash between commit and copy)."""
        if self.witness is None:
            return
        book = self._snapshot()
        first = self.witness.missing_since(len(book.entries))
        self.witness.record(book.entries[first - 1:])

    def _append(self, connection: Connection, position: int, head: str, payload: dict[str, Any],
                **columns: Any) -> ChainedEntry:
        digest = entry_hash(head, payload)
        connection.execute(insert(LedgerEntryRow).values(
            book=self.book, position=position + 1, chain=self.chain, payload=json.dumps(payload, sort_keys=True,
                                                                                          ensure_ascii=False),
            previous_hash=head, entry_hash=digest, recorded_at=now(), **columns))
        move_head(connection, self.chain, position + 1, digest)
        return ChainedEntry(position + 1, head, digest, payload)

    def issue(self, draft: Invoice, gate: Gate, *, today: date | None = None, series: str = DEFAULT_SERIES) -> Invoice:
        """Number ``draft`` (next number of ``series``) and record it; ``gate`` — the official e-invoicing rules,
        :func:`charte.io.einvoicing.documents.gate_document` — checks the numbered document first.

        Nothing is recorded, and the number stays free, when a rule refuses it (:class:`LedgerError`) or
        ``gate`` raises.
        """
        check_series(series)
        with self._appending() as (connection, book, position, head):
            context = _issue_context(book.documents, draft, self.siren, today or self.today(), series)
            issued = draft.numbered(check_issue(draft, context))
            gate(issued)
            generation = (sum(1 for d in context.month_documents if d.kind == "invoice")
                          if issued.kind == "invoice" else None)
            self._append(connection, position, head, issued_entry(issued, _stamp(now())), event="issued",
                         number=issued.number, series=series, sequence=context.next_sequence, kind=issued.kind,
                         contract=issued.contract, period=issued.period, month_generation=generation,
                         settlement_sha256=issued.settlement_sha256, issue_date=issued.issue_date)
        return issued

    def record_payment(self, number: str, on: date, amount: Decimal | str, reference: str = "", *,
                       today: date | None = None) -> Payment:
        """Record a payment against invoice ``number``; refused (nothing recorded) when it breaks a rule."""
        with self._appending() as (connection, book, position, head):
            invoice = next((d for d in book.documents if d.number == number), None)
            context = PaymentContext(
                today or self.today(), invoice, tuple(d.number or "" for d in book.documents),
                tuple(d for d in book.documents if number in (d.number, d.corrects)),
                tuple(p for p in book.payments if p.invoice == number),
                tuple(s for s in book.statuses if s.invoice == number))
            payment = check_payment(number, on, amount, context, reference[:200])
            self._append(connection, position, head, payment_entry(payment, _stamp(now())), event="payment",
                         number=number)
        return payment

    def record_status(self, event: StatusEvent) -> StatusEvent:
        """Record a lifecycle status a party states; refused (nothing recorded) when it cannot follow the history
        (:func:`charte.payments.ledger.check_status`)."""
        with self._appending() as (connection, book, position, head):
            doc = next((d for d in book.documents if d.number == event.invoice), None)
            check_status(event, doc, book.payments, book.statuses)
            self._append(connection, position, head, status_entry(event, _stamp(now())), event="status",
                         number=event.invoice)
        return event

    # ------------------------------------------------------------ checking

    def verify(self) -> list[ChainBreak]:
        """Every break: entries altered, deleted or reordered, head moved, columns edited, witness differing."""
        with read_snapshot(self.engine) as connection:
            rows = connection.execute(select(LedgerEntryRow.__table__).where(LedgerEntryRow.book == self.book)
                                      .order_by(LedgerEntryRow.position)).all()
            head = read_head(connection, self.chain)
        entries = [ChainedEntry(r.position, r.previous_hash, r.entry_hash, json.loads(r.payload)) for r in rows]
        breaks = verify_chain(entries, head) + _columns_agree(rows, entries) + _sequences_continuous(rows)
        if self.witness is not None:
            breaks += self.witness.compare(entries)
        return breaks


def _issue_context(documents: list[Invoice], draft: Invoice, siren: str, today: date, series: str) -> IssueContext:
    in_series = [d for d in documents if (d.number or "")[: len(series)] == series
                 and (d.number or "")[len(series):].isdigit()]
    corrected = next((d for d in documents if draft.corrects and d.number == draft.corrects), None)
    return IssueContext(
        siren=siren, today=today, series=series, next_sequence=len(in_series) + 1,
        last_in_series=in_series[-1] if in_series else None,
        month_documents=tuple(d for d in documents if d.contract == draft.contract and d.period == draft.period),
        same_settlement=tuple(d for d in documents if draft.settlement_sha256
                              and d.settlement_sha256 == draft.settlement_sha256 and d.kind == "invoice"),
        corrected=corrected,
        credits_of_corrected=tuple(d for d in documents if corrected is not None and d.kind == "credit_note"
                                   and d.corrects == corrected.number),
    )


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
