"""Payments (SP2C charter axis 6): invoices and credit notes, due dates, late interest, the ledger's rules."""

from charte.payments.due_dates import TermFinding, check_terms, due_date, due_date_for
from charte.payments.invoice import (
    Invoice,
    InvoiceError,
    InvoiceItem,
    PartyMention,
    credit_note_for,
    invoice_from_settlement,
    invoice_from_settlement_json,
)
from charte.payments.late_interest import PenaltyRate, interest_owed, interest_periods, penalty_rate, simple_interest
from charte.payments.ledger import Gate, InvoiceStatus, LedgerBook, LedgerError, Payment
from charte.payments.lifecycle import Status, StatusEvent
from charte.payments.reference_rates import DEFAULT_RATES, RateBook, ReferenceRate, ReferenceRateError, load_rates_csv

__all__ = [
    "DEFAULT_RATES", "Gate", "Invoice", "InvoiceError", "InvoiceItem", "InvoiceStatus", "LedgerBook", "LedgerError",
    "PartyMention", "Payment", "PenaltyRate", "RateBook", "ReferenceRate", "ReferenceRateError", "Status",
    "StatusEvent", "TermFinding", "check_terms", "credit_note_for", "due_date", "due_date_for",
    "interest_owed", "interest_periods", "invoice_from_settlement", "invoice_from_settlement_json", "load_rates_csv",
    "penalty_rate", "simple_interest",
]
