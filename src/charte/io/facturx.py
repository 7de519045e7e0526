"""Factur-X export: the invoice as EN 16931 CII XML, embedded in a PDF/A-3 (SP2C axis 6, e-invoicing reform).

The XML is the UN/CEFACT Cross Industry Invoice (D16B) at the **EN 16931** level of Factur-X
(guideline ``urn:cen.eu:en16931:2017``), one block per part of the document, in the order
the schema requires. Amounts are the invoice's own figures (never recomputed). A line whose
quantity × unit price does not give its amount exactly at the cent (or whose amount is
negative, a malus: EN 16931 BR-27 forbids negative prices) is carried as 1 unit (or −1) at the
line's amount, its real quantity and price staying in the line's note.

VAT for services is due on payment in France unless the provider opted for debits (CGI art.
269 2 c): VAT date code 72 (paid) or 5 (invoice date). :func:`check_xsd` validates offline
with the ``factur-x`` library's schemas (the Schematron needs a remote service and is not run).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import facturx
from lxml import etree  # type: ignore[import-untyped]

from charte.domain.calendar import Month
from charte.domain.money import round_cents
from charte.payments.invoice import Invoice, InvoiceItem, PartyMention

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"
TYPE_CODES = {"invoice": "380", "credit_note": "381"}
#: UN/ECE Recommendation 20 unit codes for the units charte writes.
UNIT_CODES = {"h": "HUR", "hour": "HUR", "hours": "HUR", "productive_hour": "HUR", "min": "MIN", "minute": "MIN",
              "month": "MON", "day": "DAY"}


class FacturXError(ValueError):
    """An XML or PDF that fails the Factur-X checks."""


def _el(parent: etree._Element, ns: str, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", attrib)
    if text is not None:
        node.text = text
    return node


def _amount(value: Decimal) -> str:
    return format(round_cents(value), "f")


def _date(parent: etree._Element, tag: str, day: date, ns: str = UDT) -> None:
    _el(_el(parent, RAM, tag), ns, "DateTimeString", day.strftime("%Y%m%d"), format="102")


def _percent(rate: Decimal) -> str:
    return format((rate * 100).normalize(), "f")


def _party(parent: etree._Element, tag: str, party: PartyMention) -> None:
    node = _el(parent, RAM, tag)
    _el(node, RAM, "Name", party.name)
    _el(_el(node, RAM, "SpecifiedLegalOrganization"), RAM, "ID", party.siren, schemeID="0002")  # 0002 = SIREN
    address = _el(node, RAM, "PostalTradeAddress")
    if party.address:
        _el(address, RAM, "LineOne", party.address)
    _el(address, RAM, "CountryID", "FR")
    _el(_el(node, RAM, "SpecifiedTaxRegistration"), RAM, "ID", party.vat_id, schemeID="VA")


def _line(parent: etree._Element, item: InvoiceItem) -> None:
    node = _el(parent, RAM, "IncludedSupplyChainTradeLineItem")
    doc = _el(node, RAM, "AssociatedDocumentLineDocument")
    _el(doc, RAM, "LineID", str(item.number))
    _el(_el(doc, RAM, "IncludedNote"), RAM, "Content", item.explanation_fr)
    product = _el(node, RAM, "SpecifiedTradeProduct")
    _el(product, RAM, "Name", item.label)
    exact = item.amount >= 0 and round_cents(item.quantity * item.unit_price) == item.amount
    if exact:
        quantity, price, unit = item.quantity, item.unit_price, UNIT_CODES.get(item.unit, "C62")
    else:
        quantity, price, unit = Decimal(1 if item.amount >= 0 else -1), abs(item.amount), "C62"
    agreement = _el(node, RAM, "SpecifiedLineTradeAgreement")
    _el(_el(agreement, RAM, "NetPriceProductTradePrice"), RAM, "ChargeAmount", format(price, "f"))
    _el(_el(node, RAM, "SpecifiedLineTradeDelivery"), RAM, "BilledQuantity", format(quantity, "f"), unitCode=unit)
    settlement = _el(node, RAM, "SpecifiedLineTradeSettlement")
    tax = _el(settlement, RAM, "ApplicableTradeTax")
    _el(tax, RAM, "TypeCode", "VAT")
    _el(tax, RAM, "CategoryCode", "S")
    _el(tax, RAM, "RateApplicablePercent", _percent(item.vat_rate))
    summation = _el(settlement, RAM, "SpecifiedTradeSettlementLineMonetarySummation")
    _el(summation, RAM, "LineTotalAmount", _amount(item.amount))


def cii_xml(invoice: Invoice) -> bytes:
    """The EN 16931 CII XML of an issued invoice or credit note."""
    if invoice.number is None:
        raise FacturXError("a draft has no number; issue it through the ledger before exporting it")
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _el(root, RSM, "ExchangedDocumentContext")
    _el(_el(context, RAM, "GuidelineSpecifiedDocumentContextParameter"), RAM, "ID", GUIDELINE_EN16931)
    header = _el(root, RSM, "ExchangedDocument")
    _el(header, RAM, "ID", invoice.number)
    _el(header, RAM, "TypeCode", TYPE_CODES[invoice.kind])
    _date(header, "IssueDateTime", invoice.issue_date)
    wording = invoice.payment.wording_fr()
    notes = [("AAI", f"Catégorie de l'opération : prestation de {invoice.operation_category}"),
             ("PMD", wording["penalties"]), ("PMT", wording["indemnity"]), ("AAB", wording["discount"])]
    if invoice.reason:
        notes.insert(0, ("ACD", invoice.reason))
    for code, text in notes:
        note = _el(header, RAM, "IncludedNote")
        _el(note, RAM, "Content", text)
        _el(note, RAM, "SubjectCode", code)
    transaction = _el(root, RSM, "SupplyChainTradeTransaction")
    for item in invoice.items:
        _line(transaction, item)
    agreement = _el(transaction, RAM, "ApplicableHeaderTradeAgreement")
    _party(agreement, "SellerTradeParty", invoice.seller)
    _party(agreement, "BuyerTradeParty", invoice.buyer)
    _el(_el(agreement, RAM, "ContractReferencedDocument"), RAM, "IssuerAssignedID", invoice.contract)
    _el(transaction, RAM, "ApplicableHeaderTradeDelivery")
    _settlement(transaction, invoice)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _settlement(transaction: etree._Element, invoice: Invoice) -> None:
    settlement = _el(transaction, RAM, "ApplicableHeaderTradeSettlement")
    _el(settlement, RAM, "InvoiceCurrencyCode", invoice.currency)
    for vat in invoice.vat_breakdown:
        tax = _el(settlement, RAM, "ApplicableTradeTax")
        _el(tax, RAM, "CalculatedAmount", _amount(vat.vat))
        _el(tax, RAM, "TypeCode", "VAT")
        _el(tax, RAM, "BasisAmount", _amount(vat.base))
        _el(tax, RAM, "CategoryCode", "S")
        _el(tax, RAM, "DueDateTypeCode", "5" if invoice.vat_on_debits else "72")
        _el(tax, RAM, "RateApplicablePercent", _percent(vat.rate))
    try:
        month = Month.parse(invoice.period)
    except ValueError:
        month = None
    if month is not None:
        period = _el(settlement, RAM, "BillingSpecifiedPeriod")
        _date(period, "StartDateTime", month.first_day)
        _date(period, "EndDateTime", month.last_day)
    terms = _el(settlement, RAM, "SpecifiedTradePaymentTerms")
    _el(terms, RAM, "Description", invoice.payment.wording_fr()["terms"])
    _date(terms, "DueDateDateTime", invoice.payment.due_date)
    sums = _el(settlement, RAM, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(sums, RAM, "LineTotalAmount", _amount(invoice.total_excluding_vat))
    _el(sums, RAM, "TaxBasisTotalAmount", _amount(invoice.total_excluding_vat))
    _el(sums, RAM, "TaxTotalAmount", _amount(invoice.total_vat), currencyID=invoice.currency)
    _el(sums, RAM, "GrandTotalAmount", _amount(invoice.total_including_vat))
    _el(sums, RAM, "DuePayableAmount", _amount(invoice.total_including_vat))
    if invoice.corrects:
        referenced = _el(settlement, RAM, "InvoiceReferencedDocument")
        _el(referenced, RAM, "IssuerAssignedID", invoice.corrects)


def check_xsd(xml: bytes) -> None:
    """Validate against the Factur-X EN 16931 XSD (offline); :class:`FacturXError` says what failed."""
    try:
        facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    except Exception as exc:  # the library raises plain Exception with the schema's message
        raise FacturXError(f"Factur-X XML fails the EN 16931 XSD: {exc}") from None


def facturx_pdf(pdf: bytes, xml: bytes, *, title: str = "", lang: str = "fr-FR") -> bytes:
    """A Factur-X PDF/A-3: ``pdf`` with ``xml`` embedded as ``factur-x.xml`` (XSD-checked first)."""
    check_xsd(xml)
    metadata = {"author": "charte", "keywords": "Factur-X, facture", "title": title, "subject": title}
    result: bytes = facturx.generate_from_binary(pdf, xml, flavor="factur-x", level="en16931", check_xsd=True,
                                                 pdf_metadata=metadata, lang=lang)
    return result


def xml_from_pdf(pdf: bytes) -> bytes:
    """The Factur-X XML embedded in ``pdf``; :class:`FacturXError` when there is none."""
    _filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    if not xml:
        raise FacturXError("the PDF carries no Factur-X XML (factur-x.xml)")
    return bytes(xml)
