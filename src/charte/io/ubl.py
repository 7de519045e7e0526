"""UBL 2.1: the second syntax of the e-invoicing reform (Invoice and CreditNote, EN 16931 binding).

The reform accepts Factur-X, CII and UBL. This writes the same document as
:func:`charte.io.facturx.cii_xml` in OASIS UBL 2.1 with CEN's EN 16931 syntax binding and the
French additions of AFNOR XP Z12-012 v1.4: the billing mode (BT-23) in ``cbc:ProfileID``, the
SIRET (``0009``) as party identification and the SIREN (``0002``) as legal registration, the
electronic addresses as ``cbc:EndpointID`` (BT-34/BT-49), the notes with their subject code
written ``#CODE#text`` (BR-FR-05: PMD, PMT, AAB), and, on a credit note, the corrected
invoice's number and date in ``cac:BillingReference`` (BT-25/BT-26). Figures are the invoice's
own; the official rules (EN 16931 UBL and BR-FR UBL) gate it like the CII
(:mod:`charte.io.einvoicing`).
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree  # type: ignore[import-untyped]

from charte.domain.calendar import Month
from charte.domain.money import round_cents
from charte.io.facturx import GUIDELINE_EN16931, PAYMENT_SEPA_TRANSFER, SCHEME_SIREN, SCHEME_SIRET, notes
from charte.payments.invoice import Invoice, InvoiceItem, PartyMention

INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
TYPE_CODES = {"invoice": "380", "credit_note": "381"}


class UblError(ValueError):
    """A document that cannot be written in UBL."""


def _cbc(parent: etree._Element, tag: str, text: str, **attrib: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{CBC}}}{tag}", attrib)
    node.text = text
    return node


def _cac(parent: etree._Element, tag: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CAC}}}{tag}")


def _amount(parent: etree._Element, tag: str, value: Decimal, currency: str) -> None:
    _cbc(parent, tag, format(round_cents(value), "f"), currencyID=currency)


def _decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def _percent(rate: Decimal) -> str:
    return format((rate * 100).normalize(), "f")


def _month(period: str) -> Month | None:
    try:
        return Month.parse(period)
    except ValueError:
        return None


def _party(parent: etree._Element, tag: str, party: PartyMention, *, vat_allowed: bool, seller: bool) -> None:
    node = _cac(_cac(parent, tag), "Party")
    if party.electronic_address is not None:
        scheme, identifier = party.electronic_address
        _cbc(node, "EndpointID", identifier, schemeID=scheme)
    if party.siret:
        _cbc(_cac(node, "PartyIdentification"), "ID", party.siret, schemeID=SCHEME_SIRET)
    address = _cac(node, "PostalAddress")
    if party.address is not None:
        _cbc(address, "StreetName", party.address.street)
        if party.address.street2:
            _cbc(address, "AdditionalStreetName", party.address.street2)
        _cbc(address, "CityName", party.address.city)
        _cbc(address, "PostalZone", party.address.postcode)
    _cbc(_cac(address, "Country"), "IdentificationCode", party.country)
    if party.vat_id and (vat_allowed or seller):
        tax = _cac(node, "PartyTaxScheme")
        _cbc(tax, "CompanyID", party.vat_id)
        _cbc(_cac(tax, "TaxScheme"), "ID", "VAT" if vat_allowed else "FC")
    legal = _cac(node, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", party.name)
    if party.siren:
        _cbc(legal, "CompanyID", party.siren, schemeID=SCHEME_SIREN)
    if seller and party.registration():
        _cbc(legal, "CompanyLegalForm", str(party.registration()))


def _tax_category(parent: etree._Element, tag: str, category: str, rate: Decimal,
                  exemption: tuple[str | None, str | None] = (None, None)) -> None:
    node = _cac(parent, tag)
    _cbc(node, "ID", category)
    if category != "O":
        _cbc(node, "Percent", _percent(rate))
    code, reason = exemption
    if code:
        _cbc(node, "TaxExemptionReasonCode", code)
    if reason:
        _cbc(node, "TaxExemptionReason", reason)
    _cbc(_cac(node, "TaxScheme"), "ID", "VAT")


def _line(parent: etree._Element, item: InvoiceItem, credit: bool, currency: str) -> None:
    node = _cac(parent, "CreditNoteLine" if credit else "InvoiceLine")
    _cbc(node, "ID", str(item.number))
    _cbc(node, "Note", item.explanation_fr)
    _cbc(node, "CreditedQuantity" if credit else "InvoicedQuantity", _decimal(item.billed_quantity),
         unitCode=item.unit_code)
    _amount(node, "LineExtensionAmount", item.amount, currency)
    product = _cac(node, "Item")
    _cbc(product, "Name", item.designation or item.label)
    _cbc(_cac(product, "SellersItemIdentification"), "ID", item.clause)
    _tax_category(product, "ClassifiedTaxCategory", item.vat_category, item.vat_rate)
    _cbc(_cac(node, "Price"), "PriceAmount", _decimal(item.net_price), currencyID=currency)


def _header(root: etree._Element, invoice: Invoice, credit: bool) -> None:
    _cbc(root, "CustomizationID", GUIDELINE_EN16931)
    _cbc(root, "ProfileID", invoice.billing_mode)
    _cbc(root, "ID", str(invoice.number))
    _cbc(root, "IssueDate", invoice.issue_date.isoformat())
    if not credit:
        _cbc(root, "DueDate", invoice.payment.due_date.isoformat())
    _cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", TYPE_CODES[invoice.kind])
    for code, text in notes(invoice):
        _cbc(root, "Note", f"#{code}#{text}")
    _cbc(root, "DocumentCurrencyCode", invoice.currency)
    month = _month(invoice.period)
    if month is not None:
        period = _cac(root, "InvoicePeriod")
        _cbc(period, "StartDate", month.first_day.isoformat())
        _cbc(period, "EndDate", month.last_day.isoformat())
    if invoice.purchase_order:
        _cbc(_cac(root, "OrderReference"), "ID", invoice.purchase_order)
    if invoice.corrects:
        reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(reference, "ID", invoice.corrects)
        if invoice.corrects_date is not None:
            _cbc(reference, "IssueDate", invoice.corrects_date.isoformat())
    _cbc(_cac(root, "ContractDocumentReference"), "ID", invoice.contract)


def _payment(root: etree._Element, invoice: Invoice, credit: bool) -> None:
    if not credit and invoice.seller.iban:
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", PAYMENT_SEPA_TRANSFER, name="Virement SEPA")
        account = _cac(means, "PayeeFinancialAccount")
        _cbc(account, "ID", invoice.seller.iban)
        if invoice.seller.bic:
            _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", invoice.seller.bic)
    terms = _cac(root, "PaymentTerms")
    _cbc(terms, "Note", f"Avoir à imputer sur la facture {invoice.corrects}" if credit
         else f"{invoice.payment.wording_fr()['terms']} — échéance le {invoice.payment.wording_fr()['due_date']}")


def _totals(root: etree._Element, invoice: Invoice) -> None:
    currency = invoice.currency
    tax_total = _cac(root, "TaxTotal")
    _amount(tax_total, "TaxAmount", invoice.total_vat, currency)
    for vat in invoice.vat_breakdown:
        subtotal = _cac(tax_total, "TaxSubtotal")
        _amount(subtotal, "TaxableAmount", vat.base, currency)
        _amount(subtotal, "TaxAmount", vat.vat, currency)
        _tax_category(subtotal, "TaxCategory", vat.category, vat.rate, (vat.exemption_code, vat.exemption_reason))
    sums = _cac(root, "LegalMonetaryTotal")
    _amount(sums, "LineExtensionAmount", invoice.total_excluding_vat, currency)
    _amount(sums, "TaxExclusiveAmount", invoice.total_excluding_vat, currency)
    _amount(sums, "TaxInclusiveAmount", invoice.total_including_vat, currency)
    _amount(sums, "PayableAmount", invoice.total_including_vat, currency)


def ubl_xml(invoice: Invoice) -> bytes:
    """The UBL 2.1 Invoice (or CreditNote) of a numbered document."""
    if invoice.number is None:
        raise UblError("a draft has no number; issue it through the ledger before exporting it")
    credit = invoice.kind == "credit_note"
    namespace = CREDIT_NOTE if credit else INVOICE
    root = etree.Element(f"{{{namespace}}}{'CreditNote' if credit else 'Invoice'}",
                         nsmap={None: namespace, "cac": CAC, "cbc": CBC})
    _header(root, invoice, credit)
    vat_allowed = invoice.vat_category != "O"
    _party(root, "AccountingSupplierParty", invoice.seller, vat_allowed=vat_allowed, seller=True)
    _party(root, "AccountingCustomerParty", invoice.buyer, vat_allowed=vat_allowed, seller=False)
    month = _month(invoice.period)
    if month is not None:
        _cbc(_cac(root, "Delivery"), "ActualDeliveryDate", month.last_day.isoformat())
    _payment(root, invoice, credit)
    _totals(root, invoice)
    for item in invoice.items:
        _line(root, item, credit, invoice.currency)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
