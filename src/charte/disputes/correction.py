"""The correcting document an agreed what-if produces: a partial credit note, or a supplementary invoice.

An issued invoice never changes (CGI art. 242 nonies A; charte: "issued invoices are
immutable, corrections are credit notes"). When both parties agree on a what-if:

* the what-if lowers the month (``difference < 0``): a **partial credit note** (EN 16931
  type 381) naming the invoice it corrects (its number and date, BT-25/BT-26, as the French rule
  BR-FR-CO-05 requires), with one item
  per line whose amount changes: the amount given back is ``issued − proposed`` (a bonus
  removed, a malus added, a quantity lowered…), each item saying what changed and why, with
  its clause;
* the what-if raises the month (``difference > 0``): a **supplementary invoice** naming the
  invoice it completes, with the items ``proposed − issued``, payable on the contract's terms
  from its own date;
* no difference: no document.

Totals follow the invoices' rule: excluding VAT = Σ items (each rounded to the cent where the
line was built), VAT = rate × that total rounded once — so the document's total equals the
what-if's :attr:`~charte.disputes.whatif.Totals.correction_including_vat` in absolute value.
The document records the what-if's settlement hash (``settlement_sha256``), so it can be replayed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from charte.disputes.whatif import LineDifference, WhatIf
from charte.domain import formats
from charte.domain.contract import Contract
from charte.domain.messages import gettext
from charte.payments.invoice import (
    Invoice,
    InvoiceError,
    InvoiceItem,
    missing_mentions,
    payment_conditions,
    totals,
)
from charte.settle.explain import explain


def _words(diff: LineDifference, lang: str) -> str:
    """What changed on the line (its designation, the amount invoiced and recomputed — the clause stays in the
    document's reference column), then the what-if line's own explanation."""
    _ = gettext(lang)
    head = _("“{label}”: {before} invoiced, {after} once recomputed").format(
        label=diff.label, before=formats.money(diff.issued_amount, lang), after=formats.money(diff.proposed_amount,
                                                                                               lang))
    shown = diff.proposed if diff.proposed is not None else diff.issued
    assert shown is not None
    return f"{head}. {explain(shown, 'fr' if lang == 'fr' else 'en')}"


def _items(result: WhatIf, sign: int, invoice: Invoice) -> tuple[InvoiceItem, ...]:
    """One item per line whose amount changes: one unit ("forfait", UN/ECE C62) at the signed difference."""
    first = invoice.items[0]
    items: list[InvoiceItem] = []
    for diff in result.lines:
        if diff.difference == 0:
            continue
        amount = sign * diff.difference
        items.append(InvoiceItem(len(items) + 1, diff.kind, diff.clause, diff.label, Decimal(1), "correction", amount,
                                 amount, first.vat_rate, _words(diff, "fr"), _words(diff, "en"),
                                 f"{diff.label} — correction de la facture {invoice.number}", Decimal(1), amount,
                                 "forfait", "C62", first.vat_category))
    return tuple(items)


def correcting_document(contract: Contract, invoice: Invoice, result: WhatIf, issue_date: date,
                        reason: str) -> Invoice | None:
    """The draft (unnumbered) credit note or supplementary invoice for an agreed what-if (module docstring)."""
    if invoice.number is None or invoice.kind != "invoice":
        raise InvoiceError("correction_of_draft", "only an issued invoice can be corrected")
    if not result.settled or result.totals is None:
        raise InvoiceError("whatif_not_settled", "the what-if could not be settled; nothing to correct with")
    if issue_date < invoice.issue_date:
        raise InvoiceError("correction_before_invoice", f"the correction dated {issue_date.isoformat()} is before "
                                                        f"invoice {invoice.number} of {invoice.issue_date.isoformat()}")
    if not reason.strip():
        raise InvoiceError("correction_without_reason", "a correcting document states what it corrects")
    difference = result.totals.difference
    if difference == 0:
        return None
    rate = result.totals.vat_rate
    credit = difference < 0
    items = _items(result, -1 if credit else 1, invoice)
    ht, vat, ttc = totals((i.amount for i in items), rate)
    original = f"facture d'origine {invoice.number} du {invoice.issue_date.strftime('%d/%m/%Y')}"
    # the document is French, as the invoice it corrects (one language per document); its lines' explanations
    # keep both languages for the pages (explanation_fr, explanation_en)
    notes = (f"{'Avoir partiel' if credit else 'Facture complémentaire'} — {original}",)
    payment = (replace(invoice.payment, due_date=issue_date) if credit else
               payment_conditions(contract.as_of(issue_date).payment_terms, issue_date,
                                  invoice.payment.recovery_indemnity))
    settled_on = result.proposed.inputs_sha256 if result.proposed is not None else None
    document = replace(invoice, kind="credit_note" if credit else "invoice", number=None, issue_date=issue_date,
                       items=items, total_excluding_vat=ht, vat_breakdown=(replace(invoice.vat_breakdown[0], base=ht,
                                                                                  vat=vat),),
                       total_vat=vat, total_including_vat=ttc, payment=payment, corrects=invoice.number,
                       corrects_date=invoice.issue_date, reason=reason.strip(), settlement_sha256=settled_on,
                       notes=notes)
    missing = missing_mentions(document)
    if missing:
        raise InvoiceError("mandatory_mention_missing", "the correcting document lacks mandatory mentions: "
                           + "; ".join(missing))
    return document


__all__ = ["correcting_document"]
