"""Axis 6 of the SP2C charter (2019) and Code de commerce L441-10: payment terms.

The due date is ``days`` after the invoice date, or ``days`` end of month
(``basis: end_of_month``: the days run, then the end of that month); legal maxima come from
:mod:`charte.domain.law` (60 days from invoice, 45 days end of month, 45 days for periodic
invoices). Late-payment penalties run from the day after the due date without reminder, at
the ECB main refinancing rate plus ``points`` (10 by default, L441-10 II) or at a fixed
contractual rate (not below 3 × the legal interest rate). The recovery indemnity is €40 per
late invoice (D441-5).

VAT on services is due when the price is received, unless the provider opted to pay it on
debits (CGI art. 269 2 c): the option is then a mandatory mention of every invoice
(CGI ann. II art. 242 nonies A 13°, "option pour le paiement de la taxe d'après les débits")
and the e-invoice's VAT point date code says so (BT-8). ``vat_on_debits`` states the option.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from charte.domain.contract.clause import Clause
from charte.domain.contract.quantities import Amount, ExactNumber, Percent


class LatePenalty(Clause):
    """Late-payment penalty rate: ECB rate + points, or a fixed annual rate."""

    rule: Literal["ecb_plus_points", "fixed_rate"] = "ecb_plus_points"
    points: ExactNumber | None = Field(default=None, description="points over the ECB rate; law table when absent")
    rate: Percent | None = Field(default=None, description="fixed annual rate, rule fixed_rate")


class PaymentTerms(Clause):
    """Axis 6: when invoices are due and what lateness costs."""

    days: int = Field(ge=0)
    basis: Literal["invoice_date", "end_of_month"] = "invoice_date"
    invoicing: Literal["monthly", "per_service"] = Field(
        default="monthly", description="monthly invoices are periodic invoices (CGI art. 289 I 3)"
    )
    late_penalty: LatePenalty = LatePenalty()
    recovery_indemnity: Amount | None = Field(default=None, description="EUR per late invoice; law table when absent")
    early_payment_discount: Percent | None = None
    vat_on_debits: bool = Field(default=False, description="the provider opted to pay VAT on debits "
                                                           "(CGI art. 269 2 c); otherwise VAT is due on receipt")

    @property
    def legal_max_key(self) -> str:
        """The law-table key whose maximum applies to these terms."""
        if self.basis == "end_of_month":
            return "payment.max_days_end_of_month"
        if self.invoicing == "monthly":
            return "payment.max_days_periodic_invoice"
        return "payment.max_days_from_invoice"
