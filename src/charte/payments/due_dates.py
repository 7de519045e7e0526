"""Due dates and the legality of payment terms (SP2C charter axis 6, Code de commerce L441-10 I).

- ``basis: invoice_date`` — due ``days`` calendar days after the invoice date.
- ``basis: end_of_month`` — "N jours fin de mois": the ``days`` run from the invoice date, then
  the due date moves to the last day of the month they end in (the reading of the DGCCRF's
  guidance; the other common reading, end of month then N days, is not offered).

Legal maxima (law table :mod:`charte.domain.law`): 60 days from the invoice date; 45 days end of
month if expressly stipulated; 45 days from the invoice date for periodic (monthly) invoices
(CGI art. 289 I 3°). A term beyond its maximum is reported as ``payment_term_exceeds_legal_max``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from charte.domain import law
from charte.domain.calendar import Month
from charte.domain.contract.payment_terms import PaymentTerms

Basis = Literal["invoice_date", "end_of_month"]
Invoicing = Literal["monthly", "per_service"]


def due_date(invoice_date: date, days: int, basis: Basis = "invoice_date") -> date:
    """The day payment is due (see the module docstring for both bases)."""
    if days < 0:
        raise ValueError(f"payment term is {days} days; expected 0 or more")
    day = invoice_date + timedelta(days=days)
    if basis == "end_of_month":
        return Month.of(day).last_day
    return day


def due_date_for(terms: PaymentTerms, invoice_date: date) -> date:
    return due_date(invoice_date, terms.days, terms.basis)


@dataclass(frozen=True)
class TermFinding:
    """A problem with payment terms: stable ``code``, ``message`` a person can act on."""

    code: str
    message: str


def legal_max_key(basis: Basis, invoicing: Invoicing) -> str:
    """The law-table key of the maximum that applies (end of month, periodic invoice, or from invoice)."""
    if basis == "end_of_month":
        return "payment.max_days_end_of_month"
    if invoicing == "monthly":
        return "payment.max_days_periodic_invoice"
    return "payment.max_days_from_invoice"


def check_terms(
    days: int, basis: Basis, invoicing: Invoicing, on: date, overrides: Mapping[str, Decimal] | None = None,
) -> list[TermFinding]:
    """``payment_term_exceeds_legal_max`` when ``days`` is beyond the L441-10 maximum in force on ``on``."""
    resolved = law.resolve(legal_max_key(basis, invoicing), on, overrides)
    if days <= resolved.value:
        return []
    kind = {"payment.max_days_end_of_month": "days end of month",
            "payment.max_days_periodic_invoice": "days from a periodic (monthly) invoice"}.get(
        resolved.key, "days from the invoice date")
    return [TermFinding(
        "payment_term_exceeds_legal_max",
        f"payment at {days} days exceeds the legal maximum of {resolved.value} {kind} ({resolved.source}) "
        f"by {days - int(resolved.value)} days",
    )]
