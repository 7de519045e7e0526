"""The invoice or credit note as HTML and PDF/A-3b (WeasyPrint), each line with its explanation in words.

The page prints the document's own figures and mentions (:class:`charte.payments.invoice.Invoice`);
it computes nothing. :func:`invoice_pdf` gives the PDF/A-3b that :func:`charte.io.facturx.facturx_pdf`
turns into a Factur-X by embedding the CII XML.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from charte.payments.invoice import Invoice

_ENV = Environment(loader=PackageLoader("charte.reports", "templates"), autoescape=select_autoescape(["html"]))
_ENV.filters["first_upper"] = lambda text: text[:1].upper() + text[1:]


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


def write_invoice_files(invoice: Invoice, out_dir: Path, *, overwrite: bool = False) -> tuple[str, ...]:
    """Write the Factur-X PDF (PDF/A-3 with its CII XML), the XML alone and the XLSX of lines; returns the names.

    An issued document's files are never silently replaced: :class:`FileExistsError` when one is
    already there, unless ``overwrite`` (re-rendering the same document, e.g. the demo's fresh ledger).
    """
    from charte.io.facturx import cii_xml, facturx_pdf
    from charte.io.invoice_xlsx import write_invoice_xlsx

    if invoice.number is None:
        raise ValueError("a draft has no number; issue it through the ledger first")
    stem = ("credit-note-" if invoice.kind == "credit_note" else "invoice-") + invoice.number
    out_dir.mkdir(parents=True, exist_ok=True)
    existing = [out_dir / f"{stem}.{ext}" for ext in ("pdf", "xml", "xlsx") if (out_dir / f"{stem}.{ext}").exists()]
    if existing and not overwrite:
        raise FileExistsError(f"{existing[0]} already exists; the files of an issued document are never replaced "
                              "(choose another folder, or move the old files away if they are copies)")
    xml = cii_xml(invoice)
    heading = "Avoir" if invoice.kind == "credit_note" else "Facture"
    (out_dir / f"{stem}.pdf").write_bytes(facturx_pdf(invoice_pdf(invoice), xml, title=f"{heading} {invoice.number}"))
    (out_dir / f"{stem}.xml").write_bytes(xml)
    write_invoice_xlsx(invoice, out_dir / f"{stem}.xlsx")
    return f"{stem}.pdf", f"{stem}.xml", f"{stem}.xlsx"
