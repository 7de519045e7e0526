"""What stays payable while part of an invoice is disputed, and the late interest on it (Code de commerce L441-10).

A dispute does not move the due date: the **undisputed part** is payable on the invoice's due
date and, unpaid after it, bears late-payment penalties from the next day without reminder
(L441-10 II) and the €40 recovery indemnity (D441-5). The disputed part waits for the outcome:

* while the dispute is open, interest on the disputed part is shown as **contingent** — owed
  from the due date if the dispute ends in the provider's favour, not owed otherwise;
* a credit note that settles a dispute corrects an amount that was never due: it is taken off
  from the due date, so no interest ever runs on it;
* the part of a claim the correction did not grant (a dispute withdrawn, closed without
  agreement, or settled for less than claimed) was owed all along: with the dispute ended it is
  no longer disputed, and its interest counts from the due date.

Payments go to the undisputed part first. Rounded once, to the cent, like every interest figure
(:func:`charte.payments.late_interest.interest_owed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from charte.domain.money import round_cents
from charte.payments.invoice import Invoice
from charte.payments.late_interest import InterestPeriod, Settled, interest_owed, interest_periods
from charte.payments.ledger import Payment
from charte.payments.reference_rates import DEFAULT_RATES, RateBook

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DisputedStatement:
    """An invoice's standing on ``as_of``, the disputed part set apart."""

    number: str
    due_date: date
    total: Decimal
    credited: Decimal
    paid: Decimal
    disputed: Decimal
    undisputed_outstanding: Decimal
    outstanding: Decimal
    days_late: int
    interest_undisputed: Decimal
    interest_contingent: Decimal
    indemnity: Decimal
    periods: tuple[InterestPeriod, ...]
    as_of: date


def disputed_statement(invoice: Invoice, credit_notes: Sequence[Invoice], payments: Sequence[Payment],
                       open_disputed: Decimal, dispute_credit_notes: Sequence[str], as_of: date,
                       rates: RateBook = DEFAULT_RATES) -> DisputedStatement:
    """Where ``invoice`` stands on ``as_of`` with ``open_disputed`` (incl. VAT) under open disputes (module docstring).

    ``dispute_credit_notes``: numbers of the credit notes that settled a dispute on this invoice.
    """
    assert invoice.number is not None
    due = invoice.payment.due_date
    mine = [c for c in credit_notes if c.corrects == invoice.number and c.issue_date <= as_of]
    settling = sum((c.total_including_vat for c in mine if c.number in dispute_credit_notes), ZERO)
    other = [Settled(c.issue_date, c.total_including_vat) for c in mine if c.number not in dispute_credit_notes]
    paid = [Settled(p.on, p.amount) for p in payments if p.invoice == invoice.number and p.on <= as_of]
    credited = settling + sum((s.amount for s in other), ZERO)
    paid_total = sum((p.amount for p in paid), ZERO)
    outstanding = invoice.total_including_vat - credited - paid_total
    disputed = round_cents(max(min(open_disputed, outstanding), ZERO))
    base = invoice.total_including_vat - settling
    penalty = invoice.payment.late_penalty
    undisputed = interest_periods(base - disputed, due, [*other, *paid], as_of, penalty, rates)
    everything = interest_periods(base, due, [*other, *paid], as_of, penalty, rates)
    interest = interest_owed(undisputed)
    contingent = interest_owed(everything) - interest
    undisputed_outstanding = outstanding - disputed
    days_late = (undisputed[-1].end - due).days if undisputed else 0
    if undisputed_outstanding > 0 and as_of > due:
        days_late = (as_of - due).days
    return DisputedStatement(
        invoice.number, due, invoice.total_including_vat, credited, paid_total, disputed, undisputed_outstanding,
        outstanding, days_late, interest, contingent,
        invoice.payment.recovery_indemnity if days_late > 0 else ZERO, tuple(undisputed), as_of)


__all__ = ["DisputedStatement", "disputed_statement"]
