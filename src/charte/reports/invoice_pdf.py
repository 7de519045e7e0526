"""The invoice or credit note as HTML and PDF/A-3b (WeasyPrint), each line with its explanation in words.

The page prints the document's own figures and mentions (:class:`charte.payments.invoice.Invoice`);
it computes nothing. Each line shows its French designation, its billed quantity, unit and net
price (quantity × price = amount, as in the XML) and, in a discreet reference column, the
contract clause it applies. A credit note names the invoice it corrects (number and date) and
carries no late-payment mention. :func:`invoice_pdf` gives the PDF/A-3b that
:func:`charte.io.facturx.facturx_pdf` turns into a Factur-X by embedding the CII XML.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from charte.domain import formats
from charte.payments.invoice import Invoice, PartyMention

_ENV = Environment(loader=PackageLoader("charte.reports", "templates"), autoescape=select_autoescape(["html"]))
_ENV.filters["first_upper"] = lambda text: text[:1].upper() + text[1:]


def _fr(value: Decimal, places: int = 2) -> str:
    return formats.number(value, places)


def _eur(value: Decimal) -> str:
    return formats.money(value)


def _pct(rate: Decimal) -> str:
    places = max(0, -(rate * 100).normalize().as_tuple().exponent)  # type: ignore[operator]
    return formats.percent(rate, places)


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _quantity(value: Decimal) -> str:
    """A billed quantity with the decimals it has (at most 4, the reform's precision)."""
    return _fr(value, min(_places(value), 4))


def _price(value: Decimal) -> str:
    """A net price with at least 2 decimals and the ones it has (at most 6), so quantity × price reads exactly."""
    return _fr(value, max(2, min(_places(value), 6)))


def _party(role: str, party: PartyMention, seller: bool) -> dict[str, object]:
    identity = [f"SIREN {party.siren}" if party.siren else "",
                f"SIRET {party.siret}" if party.siret else "",
                f"TVA {party.vat_id}" if party.vat_id else ""]
    electronic = (f"Adresse de facturation électronique : {party.electronic_address[1]} "
                  f"(schéma {party.electronic_address[0]})" if party.electronic_address else "")
    return {"role": role, "name": party.name, "address": party.address.lines() if party.address else (),
            "identity": " · ".join(i for i in identity if i), "electronic": electronic,
            "registration": party.registration() if seller else None}


def invoice_html(invoice: Invoice) -> str:
    heading = "Spécimen de facture" if invoice.specimen else ("Avoir" if invoice.kind == "credit_note" else "Facture")
    items = [{
        "number": i.number, "designation": i.designation or i.label, "reference": i.clause,
        "explanation_fr": i.explanation_fr, "quantity": _quantity(i.billed_quantity), "unit": i.unit_label,
        "unit_price": _price(i.net_price), "vat_rate": "—" if i.vat_category == "O" else _pct(i.vat_rate),
        "amount": _eur(i.amount),
    } for i in invoice.items]
    seller = invoice.seller
    return _ENV.get_template("invoice.html").render(
        inv=invoice, title=heading if invoice.specimen else f"{heading} {invoice.number}", heading=heading,
        issue_date=invoice.issue_date.strftime("%d/%m/%Y"),
        corrects_date=invoice.corrects_date.strftime("%d/%m/%Y") if invoice.corrects_date else "",
        parties=[_party("Prestataire (vendeur)", seller, True), _party("Client (acheteur)", invoice.buyer, False)],
        items=items, totals={"ht": _eur(invoice.total_excluding_vat), "ttc": _eur(invoice.total_including_vat)},
        vat=[{"rate": "hors champ" if v.category == "O" else _pct(v.rate), "base": _eur(v.base), "vat": _eur(v.vat),
              "reason": v.exemption_reason or ""} for v in invoice.vat_breakdown],
        wording=invoice.payment.wording_fr(), vat_regime=invoice.vat_mention,
        bank=f"IBAN {seller.iban}" + (f" · BIC {seller.bic}" if seller.bic else "") if seller.iban else "",
    )


def invoice_pdf(invoice: Invoice) -> bytes:
    """The document as PDF/A-3b bytes."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=invoice_html(invoice)).write_pdf(pdf_variant="pdf/a-3b")
    return pdf


def write_invoice_files(invoice: Invoice, out_dir: Path, *, overwrite: bool = False) -> tuple[str, ...]:
    """Write the Factur-X PDF (PDF/A-3 with its CII XML), the CII XML alone, the UBL 2.1 XML and the XLSX of
    lines; returns the names.

    An issued document's files are never silently replaced: :class:`FileExistsError` when one is
    already there, unless ``overwrite`` (re-rendering the same document, e.g. the demo's fresh ledger).
    """
    from charte.io.facturx import cii_xml, facturx_pdf
    from charte.io.invoice_xlsx import write_invoice_xlsx
    from charte.io.ubl import ubl_xml

    if invoice.number is None or invoice.specimen:
        raise ValueError("a draft has no number; issue it through the ledger first")
    stem = ("credit-note-" if invoice.kind == "credit_note" else "invoice-") + invoice.number
    out_dir.mkdir(parents=True, exist_ok=True)
    existing = [out_dir / f"{stem}.{ext}" for ext in ("pdf", "xml", "ubl.xml", "xlsx")
                if (out_dir / f"{stem}.{ext}").exists()]
    if existing and not overwrite:
        raise FileExistsError(f"{existing[0]} already exists; the files of an issued document are never replaced "
                              "(choose another folder, or move the old files away if they are copies)")
    xml = cii_xml(invoice)
    heading = "Avoir" if invoice.kind == "credit_note" else "Facture"
    (out_dir / f"{stem}.pdf").write_bytes(facturx_pdf(invoice_pdf(invoice), xml, title=f"{heading} {invoice.number}"))
    (out_dir / f"{stem}.xml").write_bytes(xml)
    (out_dir / f"{stem}.ubl.xml").write_bytes(ubl_xml(invoice))
    write_invoice_xlsx(invoice, out_dir / f"{stem}.xlsx")
    return f"{stem}.pdf", f"{stem}.xml", f"{stem}.ubl.xml", f"{stem}.xlsx"


def write_specimen_files(invoice: Invoice, out_dir: Path) -> tuple[str, ...]:
    """A specimen (never numbered, no e-invoice XML): the PDF marked SPÉCIMEN and the XLSX of lines."""
    from charte.io.invoice_xlsx import write_invoice_xlsx

    if not invoice.specimen:
        raise ValueError("only a specimen is written without a number")
    stem = f"invoice-SPECIMEN-{invoice.period}"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{stem}.pdf").write_bytes(invoice_pdf(invoice))
    write_invoice_xlsx(invoice, out_dir / f"{stem}.xlsx")
    return f"{stem}.pdf", f"{stem}.xlsx"
