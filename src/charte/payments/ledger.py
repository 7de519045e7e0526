"""The provider's invoice ledger: the rules, checked against what a ledger holds (a port).

A ledger is kept in a database (:mod:`charte.store.ledger`, SQLite or PostgreSQL) as one chain
of entries per provider (:mod:`charte.domain.hash_chain`): ``issued`` (an invoice or a credit
note, whole), ``payment``, ``status`` (a lifecycle status a party stated:
:mod:`charte.payments.lifecycle`; Déposée and Encaissée derive from the other two). This module
holds the rules, as pure checks over the few facts of the ledger each operation needs
(:class:`IssueContext`, :class:`PaymentContext`), and where an invoice stands (:func:`status`).

Rules for issuing a document:

- nothing is numbered before the official e-invoicing rules accept it: the ledger runs the
  caller's gate (:func:`charte.io.einvoicing.documents.gate_document`) on the numbered draft,
  inside its lock, and records nothing (the number stays free) when it refuses;
- numbers form **one gap-free sequence per provider and series** (``F000001``, ``F000002``…;
  credit notes share the invoices' series unless given their own): Code général des impôts
  art. 242 nonies A, "numéro unique basé sur une séquence chronologique et continue"; dates
  follow numbers within a series;
- the issue date is **never in the future** (a mistyped year would block the sequence) and an
  invoice is never dated **before the end of the month it invoices** (the service is complete
  when the month is: Code de commerce L441-9);
- **one invoice per contract and month**: a second one is refused, naming the first, while the
  first is not cancelled by credit notes in full; re-invoicing a month goes through a credit note;
  the same settlement is never invoiced twice;
- issued documents never change; a correction is a **credit note** naming the invoice and its
  date (EN 16931 BT-25, BT-26), in full or in part (some lines, or an amount), never crediting
  more than the invoice.

Payments must name an issued invoice, be positive and in whole cents, not precede the invoice,
not be dated in the future, not exceed what is still owed, and be possible in the invoice's
lifecycle (nothing is paid on a refused or rejected invoice). A status a party states must be
able to follow the history (:func:`charte.payments.lifecycle.check_history`). A refused operation
records nothing (:class:`LedgerError`). Interest owed uses :mod:`charte.payments.late_interest`; the
€40 indemnity (D441-5) is owed once per invoice that was, or still is, unpaid after its due date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from charte.domain.calendar import CalendarError, Month
from charte.domain.hash_chain import ChainBreak
from charte.domain.money import D, round_cents
from charte.payments.invoice import DocumentGate, Invoice
from charte.payments.late_interest import InterestPeriod, Settled, interest_owed, interest_periods
from charte.payments.lifecycle import LifecycleError, Status, StatusEvent, check_history, derived_and_recorded
from charte.payments.reference_rates import DEFAULT_RATES, RateBook

DEFAULT_SERIES = "F"
SEQUENCE_DIGITS = 6

#: A check run on the numbered document before it is recorded (the official e-invoicing rules); it raises to refuse.
Gate = DocumentGate


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


def document_number(series: str, sequence: int) -> str:
    """``F`` + 6 digits: ``F000001``."""
    return f"{series}{sequence:0{SEQUENCE_DIGITS}d}"


def check_series(series: str) -> str:
    if not (1 <= len(series) <= 10 and series.isascii() and series.replace("-", "").isalnum()):
        raise LedgerError("invalid_series", f"series {series!r}: expected 1 to 10 letters, digits or dashes")
    return series


# ---------------------------------------------------------------- issuing

@dataclass(frozen=True)
class IssueContext:
    """What the ledger holds that the rules for issuing one draft need."""

    siren: str
    today: date
    series: str
    next_sequence: int
    last_in_series: Invoice | None
    month_documents: tuple[Invoice, ...] = ()       # same contract and month: invoices and credit notes
    same_settlement: tuple[Invoice, ...] = ()       # invoices issued from the same settlement
    corrected: Invoice | None = None                # a credit note's invoice
    credits_of_corrected: tuple[Invoice, ...] = ()  # credit notes already issued on it


def credited_total(invoice: Invoice, documents: Sequence[Invoice]) -> Decimal:
    """Σ of the credit notes (incl. VAT) among ``documents`` that correct ``invoice``."""
    return sum((d.total_including_vat for d in documents if d.kind == "credit_note" and d.corrects == invoice.number),
               Decimal(0))


def live_invoices(documents: Sequence[Invoice]) -> list[Invoice]:
    """Invoices among ``documents`` not cancelled in full by credit notes among them."""
    return [d for d in documents if d.kind == "invoice" and credited_total(d, documents) < d.total_including_vat]


def check_issue(draft: Invoice, context: IssueContext) -> str:
    """The number ``draft`` gets, or :class:`LedgerError` with the first rule it breaks (module docstring)."""
    if draft.number is not None:
        raise LedgerError("invoice_already_issued", f"{draft.number} is already issued; it cannot change")
    if draft.specimen:
        raise LedgerError("specimen_not_numbered", f"the document of {draft.period} is a specimen (its settlement "
                                                   "rests on illustrative values); a specimen is never numbered")
    if draft.seller.siren != context.siren:
        raise LedgerError("wrong_provider", f"the document's seller SIREN is {draft.seller.siren}; "
                                            f"this ledger is {context.siren}'s")
    if draft.issue_date > context.today:
        raise LedgerError("issue_date_in_future",
                          f"issue date {draft.issue_date.isoformat()} is {(draft.issue_date - context.today).days} "
                          f"days after today ({context.today.isoformat()}); a document is dated the day it is issued")
    last = context.last_in_series
    if last is not None and draft.issue_date < last.issue_date:
        raise LedgerError("issue_date_out_of_order",
                          f"issue date {draft.issue_date.isoformat()} is before the last document {last.number} "
                          f"of {last.issue_date.isoformat()}; numbers must follow dates")
    if draft.kind == "credit_note":
        _check_credit(draft, context)
    else:
        _check_invoice(draft, context)
    return document_number(context.series, context.next_sequence)


def _check_invoice(draft: Invoice, context: IssueContext) -> None:
    try:
        month = Month.parse(draft.period)
    except CalendarError:
        raise LedgerError("invalid_period", f"period {draft.period!r}: expected a month YYYY-MM") from None
    if draft.issue_date < month.last_day:
        raise LedgerError("issue_before_period_end",
                          f"issue date {draft.issue_date.isoformat()} is before the end of the invoiced month "
                          f"{month} ({month.last_day.isoformat()}); expected {month.last_day.isoformat()} or later")
    same = [d for d in live_invoices(context.same_settlement) if draft.settlement_sha256]
    if same:
        raise LedgerError("settlement_already_invoiced",
                          f"this settlement ({(draft.settlement_sha256 or '')[:12]}…) is already invoiced as "
                          f"{same[0].number} of {same[0].issue_date.isoformat()}")
    live = live_invoices(context.month_documents)
    if live:
        raise LedgerError("invoice_already_issued",
                          f"{draft.period} of contract {draft.contract} is already invoiced as {live[0].number} of "
                          f"{live[0].issue_date.isoformat()}; correct it with a credit note (in part, or in full "
                          "before invoicing the month again)")


def _check_credit(note: Invoice, context: IssueContext) -> None:
    target = context.corrected
    if target is None or target.kind != "invoice":
        raise LedgerError("unknown_invoice", f"credit note corrects {note.corrects!r}, not an invoice of this ledger")
    if note.corrects_date is not None and note.corrects_date != target.issue_date:
        raise LedgerError("credit_note_wrong_invoice_date",
                          f"credit note names {target.number} of {note.corrects_date.isoformat()}; "
                          f"{target.number} is dated {target.issue_date.isoformat()}")
    if note.issue_date < target.issue_date:
        raise LedgerError("credit_note_before_invoice",
                          f"credit note dated {note.issue_date.isoformat()} is before invoice {target.number} "
                          f"of {target.issue_date.isoformat()}")
    if note.total_including_vat <= 0:
        raise LedgerError("credit_note_not_positive",
                          f"the credit note totals {note.total_including_vat} EUR; expected an amount above 0")
    credited = sum((d.total_including_vat for d in context.credits_of_corrected), Decimal(0))
    if credited + note.total_including_vat > target.total_including_vat:
        raise LedgerError("credit_exceeds_invoice",
                          f"credit notes on {target.number} would total {credited + note.total_including_vat} EUR; "
                          f"the invoice is {target.total_including_vat} EUR ({credited} EUR already credited)")


# ---------------------------------------------------------------- payments

@dataclass(frozen=True)
class PaymentContext:
    today: date
    invoice: Invoice | None
    known_numbers: tuple[str, ...]
    documents: tuple[Invoice, ...]   # the invoice and its credit notes
    payments: tuple[Payment, ...]    # the payments already recorded on it
    recorded: tuple[StatusEvent, ...] = ()  # the statuses parties stated on it


def check_payment(number: str, on: date, amount: Decimal | str, context: PaymentContext,
                  reference: str = "") -> Payment:
    """The payment to record, or :class:`LedgerError` with the first rule it breaks (module docstring)."""
    try:
        value = D(amount)
    except ValueError as exc:
        raise LedgerError("payment_amount_invalid", f"payment amount {amount!r}: {exc}") from None
    doc = context.invoice
    if doc is None:
        known = ", ".join(context.known_numbers) or "none issued yet"
        raise LedgerError("unknown_invoice", f"no invoice {number!r} in the ledger (issued: {known})")
    if doc.kind != "invoice":
        raise LedgerError("payment_on_credit_note", f"{number} is a credit note; record payments on invoices")
    if value <= 0:
        raise LedgerError("payment_not_positive", f"payment of {value} EUR on {number}; expected an amount above 0 "
                                                  "(a refund or correction is a credit note)")
    if value != round_cents(value):
        raise LedgerError("payment_amount_invalid", f"payment of {value} EUR has fractions of a cent")
    if on < doc.issue_date:
        raise LedgerError("payment_before_invoice",
                          f"payment dated {on.isoformat()} is {(doc.issue_date - on).days} days before invoice "
                          f"{number} of {doc.issue_date.isoformat()}; check the date")
    if on > context.today:
        raise LedgerError("payment_in_future", f"payment dated {on.isoformat()} is after today "
                                               f"({context.today.isoformat()}); record a payment once received")
    owed = (doc.total_including_vat - credited_total(doc, context.documents)
            - sum((p.amount for p in context.payments), Decimal(0)))
    if value > owed:
        raise LedgerError("payment_exceeds_balance",
                          f"payment of {value} EUR on {number} exceeds the {owed} EUR still owed by {value - owed} EUR")
    history = lifecycle(doc, context.payments, context.recorded)
    _lifecycle_allows([*history, *derived_and_recorded(number, doc.kind, doc.issue_date, _rate(doc), [(on, value)],
                                                       [])[1:]])
    return Payment(number, on, value, reference)


# ---------------------------------------------------------------- lifecycle statuses (e-invoicing)

def _rate(doc: Invoice) -> Decimal:
    return doc.vat_breakdown[0].rate if doc.vat_breakdown else Decimal(0)


def lifecycle(doc: Invoice, payments: Sequence[Payment], recorded: Sequence[StatusEvent]) -> tuple[StatusEvent, ...]:
    """``doc``'s status history (:func:`charte.payments.lifecycle.derived_and_recorded`)."""
    assert doc.number is not None
    paid = [(p.on, p.amount) for p in payments if p.invoice == doc.number]
    return derived_and_recorded(doc.number, doc.kind, doc.issue_date, _rate(doc), paid,
                                [e for e in recorded if e.invoice == doc.number])


def check_status(event: StatusEvent, doc: Invoice | None, payments: Sequence[Payment],
                 recorded: Sequence[StatusEvent]) -> StatusEvent:
    """``event`` when a party may record it now; :class:`LedgerError` otherwise."""
    if event.status in (Status.DEPOSEE, Status.ENCAISSEE):
        raise LedgerError("status_derived", f"{event.status.code} {event.status.name_fr} follows from issuing "
                                            "the invoice or recording a payment; it is not recorded by hand")
    if event.at.tzinfo is None:
        raise LedgerError("status_time_without_zone", f"status time {event.at.isoformat()} has no time zone")
    if doc is None:
        raise LedgerError("unknown_invoice", f"no document {event.invoice!r} in the ledger")
    _lifecycle_allows([*lifecycle(doc, payments, recorded), event])
    return event


def _lifecycle_allows(events: list[StatusEvent]) -> None:
    try:
        check_history(events)
    except LifecycleError as error:
        raise LedgerError(error.code, error.message) from None


# ---------------------------------------------------------------- where an invoice stands

def status(doc: Invoice, documents: Sequence[Invoice], payments: Sequence[Payment], as_of: date,
           rates: RateBook = DEFAULT_RATES) -> InvoiceStatus:
    """Where ``doc`` stands on ``as_of`` given the ledger's ``documents`` and ``payments``."""
    assert doc.number is not None
    credits = [Settled(d.issue_date, d.total_including_vat) for d in documents
               if d.kind == "credit_note" and d.corrects == doc.number and d.issue_date <= as_of]
    paid = [Settled(p.on, p.amount) for p in payments if p.invoice == doc.number and p.on <= as_of]
    credited = sum((c.amount for c in credits), Decimal(0))
    paid_total = sum((p.amount for p in paid), Decimal(0))
    outstanding = doc.total_including_vat - credited - paid_total
    due = doc.payment.due_date
    periods = tuple(interest_periods(doc.total_including_vat, due, credits + paid, as_of, doc.payment.late_penalty,
                                     rates))
    days_late = (periods[-1].end - due).days if periods else 0
    if outstanding > 0 and as_of > due:
        days_late = (as_of - due).days
    return InvoiceStatus(
        doc.number, doc.issue_date, due, doc.total_including_vat, credited, paid_total, outstanding, days_late,
        interest_owed(periods), doc.payment.recovery_indemnity if days_late > 0 else Decimal(0), periods, as_of,
    )


def statement(documents: Sequence[Invoice], payments: Sequence[Payment], as_of: date,
              rates: RateBook = DEFAULT_RATES) -> list[InvoiceStatus]:
    """Each issued invoice (not credit notes) as it stands on ``as_of``."""
    return [status(d, documents, payments, as_of, rates) for d in documents
            if d.kind == "invoice" and d.issue_date <= as_of]


# ---------------------------------------------------------------- what a chain entry says

def issued_entry(document: Invoice, recorded_at: str) -> dict[str, Any]:
    return {"event": "issued", "document": document.as_dict(), "recorded_at": recorded_at}


def payment_entry(payment: Payment, recorded_at: str) -> dict[str, Any]:
    return {"event": "payment", "invoice": payment.invoice, "on": payment.on.isoformat(),
            "amount": format(payment.amount, "f"), "reference": payment.reference, "recorded_at": recorded_at}


def status_entry(event: StatusEvent, recorded_at: str) -> dict[str, Any]:
    return {"event": "status", "invoice": event.invoice, "status": event.status.code, "at": event.at.isoformat(),
            "reason_code": event.reason_code, "reason": event.reason, "recorded_at": recorded_at}


def payment_of(entry: dict[str, Any]) -> Payment:
    return Payment(entry["invoice"], date.fromisoformat(entry["on"]), D(entry["amount"]), entry.get("reference", ""))


def status_of(entry: dict[str, Any]) -> StatusEvent:
    return StatusEvent(entry["invoice"], Status.parse(entry["status"]), datetime.fromisoformat(entry["at"]),
                       entry.get("reason_code"), entry.get("reason", ""))


class LedgerBook(Protocol):
    """What a ledger offers (the SQL implementation is :class:`charte.store.ledger.SqlLedger`)."""

    siren: str

    def documents(self) -> list[Invoice]: ...
    def document(self, number: str) -> Invoice: ...
    def payments(self) -> list[Payment]: ...
    def issue(self, draft: Invoice, gate: Gate, *, today: date | None = None) -> Invoice: ...
    def record_payment(self, number: str, on: date, amount: Decimal | str, reference: str = "", *,
                       today: date | None = None) -> Payment: ...
    def record_status(self, event: StatusEvent) -> StatusEvent: ...
    def recorded_statuses(self) -> list[StatusEvent]: ...
    def lifecycle(self, doc: Invoice, payments: list[Payment] | None = None,
                  recorded: list[StatusEvent] | None = None) -> tuple[StatusEvent, ...]: ...
    def statement(self, as_of: date, rates: RateBook = DEFAULT_RATES) -> list[InvoiceStatus]: ...
    def verify(self) -> list[ChainBreak]: ...


__all__ = [
    "DEFAULT_SERIES", "Gate", "InvoiceStatus", "IssueContext", "LedgerBook", "LedgerError", "Payment",
    "PaymentContext", "check_issue", "check_payment", "check_series", "check_status", "credited_total",
    "document_number", "issued_entry", "lifecycle", "live_invoices", "payment_entry", "payment_of", "statement",
    "status", "status_entry", "status_of",
]
