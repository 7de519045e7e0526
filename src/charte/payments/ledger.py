"""The provider's invoice ledger: issued documents and payments, file-based, append-only.

One folder per provider (its SIREN) holds ``journal.jsonl``: one JSON event per line,
``issued`` (the whole invoice or credit note), ``payment`` or ``status`` (a lifecycle status a
party stated: :mod:`charte.payments.lifecycle`; Déposée and Encaissée derive from the other two).
The journal is the truth; it is only ever appended to, and every write replaces the file
atomically (temporary file, fsync, ``os.replace``) under an exclusive lock, so a crash leaves
the old or the new journal, never a torn one. A copy of each issued document is written to ``documents/<number>.json``.

Rules:
- nothing is numbered before the official e-invoicing rules accept it: :meth:`Ledger.issue` runs
  the caller's gate (:func:`charte.io.einvoicing.documents.gate_document`) on the numbered draft;
- numbers form **one gap-free sequence per provider** (``F000001``, ``F000002``…; credit
  notes share it): Code général des impôts art. 242 nonies A, "numéro unique basé sur une
  séquence chronologique et continue";
- issued documents never change; a correction is a credit note naming the invoice;
- a payment must name an issued invoice, be positive, not precede the invoice date, and not
  exceed what is still owed; a refused payment records nothing (``LedgerError``).

Interest owed uses :mod:`charte.payments.late_interest`; the €40 indemnity (D441-5) is owed
once per invoice that was, or still is, unpaid after its due date.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from charte.domain.money import D, round_cents
from charte.payments.invoice import DocumentGate, Invoice
from charte.payments.late_interest import InterestPeriod, Settled, interest_owed, interest_periods
from charte.payments.lifecycle import LifecycleError, Status, StatusEvent, check_history, derived_and_recorded
from charte.payments.reference_rates import DEFAULT_RATES, RateBook

JOURNAL = "journal.jsonl"
PREFIX = "F"


class LedgerError(ValueError):
    """A refused ledger operation: stable ``code``, a message saying what was expected and found."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Payment:
    invoice: str
    on: date
    amount: Decimal
    reference: str = ""


@dataclass(frozen=True)
class InvoiceStatus:
    """Where an invoice stands on ``as_of``."""

    number: str
    issue_date: date
    due_date: date
    total: Decimal
    credited: Decimal
    paid: Decimal
    outstanding: Decimal
    days_late: int
    interest: Decimal
    indemnity: Decimal
    periods: tuple[InterestPeriod, ...]
    as_of: date


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Ledger:
    """The ledger of one provider (see the module docstring)."""

    def __init__(self, root: Path, provider_siren: str) -> None:
        self.folder = Path(root) / provider_siren
        self.provider_siren = provider_siren

    @property
    def journal(self) -> Path:
        return self.folder / JOURNAL

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # ------------------------------------------------------------ reading

    def events(self) -> list[dict[str, Any]]:
        if not self.journal.exists():
            return []
        events = []
        for number, line in enumerate(self.journal.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    events.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise LedgerError("ledger_corrupt", f"{self.journal}:{number}: not JSON ({exc})") from None
        return events

    def documents(self) -> list[Invoice]:
        """Issued invoices and credit notes, in number order."""
        docs = [Invoice.from_dict(e["document"]) for e in self.events() if e["event"] == "issued"]
        for position, doc in enumerate(docs, start=1):
            if doc.number != _number(position):
                raise LedgerError("ledger_sequence_broken",
                                  f"{self.journal}: document {position} is numbered {doc.number}; "
                                  f"expected {_number(position)} (numbers must be continuous)")
        return docs

    def document(self, number: str) -> Invoice:
        for doc in self.documents():
            if doc.number == number:
                return doc
        known = ", ".join(d.number or "" for d in self.documents()) or "none issued yet"
        raise LedgerError("unknown_invoice", f"no invoice {number!r} in the ledger of {self.provider_siren} "
                                             f"(issued: {known})")

    def recorded_statuses(self) -> list[StatusEvent]:
        """Lifecycle statuses stated by a party (the others derive from issues and payments)."""
        return [StatusEvent(e["invoice"], Status.parse(e["status"]), datetime.fromisoformat(e["at"]),
                            e.get("reason_code"), e.get("reason", ""))
                for e in self.events() if e["event"] == "status"]

    def lifecycle(self, doc: Invoice, payments: list[Payment] | None = None,
                  recorded: list[StatusEvent] | None = None) -> tuple[StatusEvent, ...]:
        """``doc``'s status history (:func:`charte.payments.lifecycle.derived_and_recorded`)."""
        assert doc.number is not None
        paid = [(p.on, p.amount) for p in (self.payments() if payments is None else payments)
                if p.invoice == doc.number]
        statuses = [e for e in (self.recorded_statuses() if recorded is None else recorded)
                    if e.invoice == doc.number]
        rate = doc.vat_breakdown[0].rate if doc.vat_breakdown else Decimal(0)
        return derived_and_recorded(doc.number, doc.kind, doc.issue_date, rate, paid, statuses)

    def record_status(self, event: StatusEvent) -> StatusEvent:
        """Record a status a party states; refused (nothing recorded) when it cannot follow the history."""
        if event.status in (Status.DEPOSEE, Status.ENCAISSEE):
            raise LedgerError("status_derived", f"{event.status.code} {event.status.name_fr} follows from issuing "
                                                "the invoice or recording a payment; it is not recorded by hand")
        if event.at.tzinfo is None:
            raise LedgerError("status_time_without_zone", f"status time {event.at.isoformat()} has no time zone")
        with self._locked():
            doc = self.document(event.invoice)
            _lifecycle_allows([*self.lifecycle(doc), event])
            self._append({"event": "status", "invoice": event.invoice, "status": event.status.code,
                          "at": event.at.isoformat(), "reason_code": event.reason_code, "reason": event.reason})
        return event

    def payments(self) -> list[Payment]:
        return [Payment(e["invoice"], date.fromisoformat(e["on"]), D(e["amount"]), e.get("reference", ""))
                for e in self.events() if e["event"] == "payment"]

    # ------------------------------------------------------------ writing

    def _append(self, event: dict[str, Any]) -> None:
        old = self.journal.read_bytes() if self.journal.exists() else b""
        if old and not old.endswith(b"\n"):
            old += b"\n"
        line = json.dumps(event, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"
        _atomic_write(self.journal, old + line)

    def issue(self, draft: Invoice, gate: DocumentGate) -> Invoice:
        """Number ``draft`` with the next number of the sequence and record it; returns the issued document.

        ``gate`` runs on the numbered draft before anything is written (the official e-invoicing rules): when it
        raises, nothing is recorded and the number stays free."""
        if draft.number is not None:
            raise LedgerError("invoice_already_issued", f"{draft.number} is already issued; it cannot change")
        if draft.specimen:
            raise LedgerError("specimen_not_numbered", f"the document of {draft.period} is a specimen (its settlement "
                                                       "rests on illustrative values); a specimen is never numbered")
        if draft.seller.siren != self.provider_siren:
            raise LedgerError("wrong_provider", f"the document's seller SIREN is {draft.seller.siren}; "
                                                f"this ledger is {self.provider_siren}'s")
        with self._locked():
            docs = self.documents()
            if docs and draft.issue_date < docs[-1].issue_date:
                raise LedgerError("issue_date_out_of_order",
                                  f"issue date {draft.issue_date.isoformat()} is before the last document "
                                  f"{docs[-1].number} of {docs[-1].issue_date.isoformat()}; numbers must follow dates")
            if draft.kind == "credit_note":
                self._check_credit(draft, docs)
            issued = draft.numbered(_number(len(docs) + 1))
            gate(issued)
            text = json.dumps(issued.as_dict(), sort_keys=True, ensure_ascii=False, indent=1) + "\n"
            _atomic_write(self.folder / "documents" / f"{issued.number}.json", text.encode("utf-8"))
            self._append({"event": "issued", "document": issued.as_dict()})
        return issued

    def _check_credit(self, note: Invoice, docs: list[Invoice]) -> None:
        target = next((d for d in docs if d.number == note.corrects and d.kind == "invoice"), None)
        if target is None:
            raise LedgerError("unknown_invoice",
                              f"credit note corrects {note.corrects!r}, not an invoice of this ledger")
        credited = sum((d.total_including_vat for d in docs if d.corrects == target.number), Decimal(0))
        if credited + note.total_including_vat > target.total_including_vat:
            raise LedgerError("credit_exceeds_invoice",
                              f"credit notes on {target.number} would total {credited + note.total_including_vat} EUR; "
                              f"the invoice is {target.total_including_vat} EUR")

    def record_payment(self, number: str, on: date, amount: Decimal | str, reference: str = "") -> Payment:
        """Record a payment against invoice ``number``; refused (nothing recorded) when it breaks a rule."""
        try:
            value = D(amount)
        except ValueError as exc:
            raise LedgerError("payment_amount_invalid", f"payment amount {amount!r}: {exc}") from None
        with self._locked():
            doc = self.document(number)
            if doc.kind != "invoice":
                raise LedgerError("payment_on_credit_note", f"{number} is a credit note; record payments on invoices")
            if value <= 0:
                raise LedgerError("payment_not_positive",
                                  f"payment of {value} EUR on {number}; expected an amount above 0 "
                                  "(a refund or correction is a credit note)")
            if value != round_cents(value):
                raise LedgerError("payment_amount_invalid", f"payment of {value} EUR has fractions of a cent")
            if on < doc.issue_date:
                raise LedgerError("payment_before_invoice",
                                  f"payment dated {on.isoformat()} is {(doc.issue_date - on).days} days before "
                                  f"invoice {number} of {doc.issue_date.isoformat()}; check the date")
            docs = self.documents()
            owed = (doc.total_including_vat
                    - sum((d.total_including_vat for d in docs if d.corrects == number), Decimal(0))
                    - sum((p.amount for p in self.payments() if p.invoice == number), Decimal(0)))
            if value > owed:
                raise LedgerError("payment_exceeds_balance",
                                  f"payment of {value} EUR on {number} exceeds the {owed} EUR still "
                                  f"owed by {value - owed} EUR")
            payment = Payment(number, on, value, reference)
            _lifecycle_allows([*self.lifecycle(doc), *derived_and_recorded(
                number, doc.kind, doc.issue_date, doc.vat_breakdown[0].rate, [(on, value)], [])[1:]])
            self._append({"event": "payment", "invoice": number, "on": on.isoformat(), "amount": format(value, "f"),
                          "reference": reference})
        return payment

    # ------------------------------------------------------------ where things stand

    def status(
        self, doc: Invoice, as_of: date, rates: RateBook = DEFAULT_RATES,
        known: tuple[list[Invoice], list[Payment]] | None = None,
    ) -> InvoiceStatus:
        """Where ``doc`` stands on ``as_of`` (``known``: the ledger's documents and payments, already read)."""
        assert doc.number is not None
        docs, payments = known if known is not None else (self.documents(), self.payments())
        credits = [Settled(d.issue_date, d.total_including_vat) for d in docs
                   if d.corrects == doc.number and d.issue_date <= as_of]
        paid = [Settled(p.on, p.amount) for p in payments if p.invoice == doc.number and p.on <= as_of]
        credited = sum((c.amount for c in credits), Decimal(0))
        paid_total = sum((p.amount for p in paid), Decimal(0))
        outstanding = doc.total_including_vat - credited - paid_total
        due = doc.payment.due_date
        periods = tuple(interest_periods(doc.total_including_vat, due, credits + paid, as_of,
                                         doc.payment.late_penalty, rates))
        days_late = (periods[-1].end - due).days if periods else 0
        if outstanding > 0 and as_of > due:
            days_late = (as_of - due).days
        return InvoiceStatus(
            doc.number, doc.issue_date, due, doc.total_including_vat, credited, paid_total, outstanding, days_late,
            interest_owed(periods), doc.payment.recovery_indemnity if days_late > 0 else Decimal(0), periods, as_of,
        )

    def statement(self, as_of: date, rates: RateBook = DEFAULT_RATES) -> list[InvoiceStatus]:
        """Each issued invoice (not credit notes) as it stands on ``as_of``."""
        known = (self.documents(), self.payments())
        return [self.status(d, as_of, rates, known) for d in known[0] if d.kind == "invoice" and d.issue_date <= as_of]


def _lifecycle_allows(events: list[StatusEvent]) -> None:
    try:
        check_history(events)
    except LifecycleError as error:
        raise LedgerError(error.code, error.message) from None


def _number(position: int) -> str:
    return f"{PREFIX}{position:06d}"
