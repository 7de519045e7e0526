"""The invoice or credit note as HTML and PDF/A-3b (WeasyPrint), each line with its explanation in words.

The page prints the document's own figures and mentions (:class:`charte.payments.invoice.Invoice`);
it computes nothing. :func:`invoice_pdf` gives the PDF/A-3b that :func:`charte.io.facturx.facturx_pdf`
turns into a Factur-X by embedding the CII XML.
"""

from __future__ import annotations

from decimal import Decimal

from jinja2 import Environment, PackageLoader, select_autoescape

from charte.payments.invoice import Invoice

_ENV = Environment(loader=PackageLoader("charte.reports", "templates"), autoescape=select_autoescape(["html"]))


def _fr(value: Decimal, places: int = 2) -> str:
    text = f"{value:,.{places}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def _eur(value: Decimal) -> str:
    return _fr(value) + "\u00a0€"


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}".replace(".", ",") + "\u00a0%"


def invoice_html(invoice: Invoice) -> str:
    heading = "Avoir" if invoice.kind == "credit_note" else "Facture"
    items = [{
        "number": i.number, "label": i.label, "clause": i.clause, "explanation_fr": i.explanation_fr,
        "quantity": _fr(i.quantity), "unit": i.unit, "unit_price": _fr(i.unit_price, 4), "vat_rate": _pct(i.vat_rate),
        "amount": _eur(i.amount),
    } for i in invoice.items]
    vat_regime = ("TVA acquittée d'après les débits." if invoice.vat_on_debits
                  else "TVA exigible à l'encaissement (prestation de services).")
    return _ENV.get_template("invoice.html").render(
        inv=invoice, title=f"{heading} {invoice.number}", heading=heading,
        issue_date=invoice.issue_date.strftime("%d/%m/%Y"),
        parties=[("Prestataire (vendeur)", invoice.seller), ("Client (acheteur)", invoice.buyer)],
        items=items, totals={"ht": _eur(invoice.total_excluding_vat), "ttc": _eur(invoice.total_including_vat)},
        vat=[{"rate": _pct(v.rate), "base": _eur(v.base), "vat": _eur(v.vat)} for v in invoice.vat_breakdown],
        wording=invoice.payment.wording_fr(), vat_regime=vat_regime,
    )


def invoice_pdf(invoice: Invoice) -> bytes:
    """The document as PDF/A-3b bytes."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=invoice_html(invoice)).write_pdf(pdf_variant="pdf/a-3b")
    return pdf
