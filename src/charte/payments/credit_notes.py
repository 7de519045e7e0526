"""Partial credit notes: crediting some lines of an invoice, or an amount (CGI art. 242 nonies A; EN 16931).

A credit note always names the invoice it corrects and that invoice's date (BT-25, BT-26:
:attr:`Invoice.corrects`, :attr:`Invoice.corrects_issue_date`). In full it copies every line
(:func:`charte.payments.invoice.credit_note_for`); in part it copies the chosen lines as they
were invoiced (same quantities, prices and explanations), or carries one line of the amount
credited, excluding VAT, at the invoice's VAT rate. Totals follow the invoice's rule: excluding
VAT = Σ rounded line amounts; VAT rounded once. The ledger refuses a credit note that would
credit more than the invoice (:mod:`charte.payments.ledger`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from charte.domain.money import D, round_cents
from charte.payments.invoice import Invoice, InvoiceError, InvoiceItem, VatBreakdown, credit_note_for, totals


def _rate(invoice: Invoice) -> Decimal:
    rates = {v.rate for v in invoice.vat_breakdown}
    if len(rates) != 1:
        raise InvoiceError("credit_amount_several_rates",
                           f"{invoice.number} has VAT at {len(rates)} rates; credit chosen lines instead of an amount")
    return rates.pop()


def _with_items(note: Invoice, items: tuple[InvoiceItem, ...], rate: Decimal) -> Invoice:
    ht, vat, ttc = totals((i.amount for i in items), rate)
    if ttc <= 0:
        raise InvoiceError("credit_note_not_positive",
                           f"the credited lines total {ht} EUR excluding VAT; a credit note reduces what is owed, "
                           "so its total must be above 0")
    return replace(note, items=items, total_excluding_vat=ht, vat_breakdown=(VatBreakdown(rate, ht, vat),),
                   total_vat=vat, total_including_vat=ttc)


def credit_lines(invoice: Invoice, issue_date: date, reason: str, lines: Sequence[int]) -> Invoice:
    """A credit note for the invoice's lines numbered ``lines``, as they were invoiced."""
    full = credit_note_for(invoice, issue_date, reason)
    wanted = sorted(set(lines))
    known = {i.number for i in invoice.items}
    unknown = [n for n in wanted if n not in known]
    if not wanted or unknown:
        raise InvoiceError("unknown_invoice_line",
                           f"line(s) {', '.join(map(str, unknown)) or '(none)'} of {invoice.number}: expected line "
                           f"numbers among {', '.join(str(n) for n in sorted(known))}")
    items = tuple(i for i in invoice.items if i.number in wanted)
    return _with_items(full, items, _rate(invoice))


def credit_amount(invoice: Invoice, issue_date: date, reason: str, amount: Decimal | str) -> Invoice:
    """A credit note of ``amount`` euros excluding VAT on ``invoice`` (VAT at the invoice's rate)."""
    full = credit_note_for(invoice, issue_date, reason)
    value = D(amount)
    if value <= 0 or value != round_cents(value):
        raise InvoiceError("credit_amount_invalid", f"credit of {value} EUR: expected a positive amount in whole cents")
    if value > invoice.total_excluding_vat:
        raise InvoiceError("credit_exceeds_invoice",
                           f"credit of {value} EUR excluding VAT exceeds the invoice's {invoice.total_excluding_vat} "
                           "EUR excluding VAT")
    rate = _rate(invoice)
    item = InvoiceItem(
        number=1, kind="credit", clause=f"avoir sur {invoice.number}", label=f"Avoir partiel : {full.reason}",
        quantity=Decimal(1), unit="forfait", unit_price=value, amount=value, vat_rate=rate,
        explanation_fr=f"Avoir de {value} € HT sur la facture {invoice.number} du "
                       f"{invoice.issue_date.strftime('%d/%m/%Y')} : {full.reason}",
        explanation_en=f"Credit of EUR {value} excluding VAT on invoice {invoice.number} of "
                       f"{invoice.issue_date.isoformat()}: {full.reason}")
    return _with_items(full, (item,), rate)


__all__ = ["credit_amount", "credit_lines"]
