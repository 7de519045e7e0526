"""Factur-X export: the invoice as EN 16931 CII XML, embedded in a PDF/A-3 (SP2C axis 6, e-invoicing reform).

The XML is the UN/CEFACT Cross Industry Invoice at the **EN 16931** level of Factur-X 1.09
(guideline ``urn:cen.eu:en16931:2017``), one block per part of the document, in the order the
schema requires, with what the French reform adds (AFNOR XP Z12-012 v1.4): the billing mode
(BT-23, ``S1`` for services), SIREN (``0002``) and SIRET (``0009``) of both parties, their
electronic addresses (BT-34/BT-49), the mandatory notes (PMD late penalties, PMT recovery
indemnity, AAB discount; BAR the B2B/B2BINT treatment) and, on a credit note, the corrected
invoice's number and date (BT-25/BT-26). Amounts, quantities and prices are the invoice's own
figures (never recomputed): each line's billed quantity × net price is its amount
(:mod:`charte.payments.invoice_lines`).

VAT: category S at the settlement's rate with the VAT point date code saying whether VAT is
due on receipt (72) or on debits (5, CGI art. 269 2 c); AE (reverse charge, rate 0) for a
client in another EU country; O (not subject to French VAT) for a client outside the EU, where
EN 16931 forbids VAT identifiers (BR-O-02) so the seller's French VAT number is carried as its
tax registration (BT-32). The document is checked by the official rules before it is numbered
(:mod:`charte.io.einvoicing`); :func:`check_xsd` is the XSD part alone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import facturx
from lxml import etree  # type: ignore[import-untyped]

from charte.domain.calendar import Month
from charte.domain.money import round_cents
from charte.io.einvoicing import gate
from charte.payments.invoice import Invoice, InvoiceItem, PartyMention

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"
TYPE_CODES = {"invoice": "380", "credit_note": "381"}
SCHEME_SIREN = "0002"
SCHEME_SIRET = "0009"
PAYMENT_SEPA_TRANSFER = "58"


class FacturXError(ValueError):
    """An XML or PDF that fails the Factur-X checks."""


def _el(parent: etree._Element, ns: str, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", attrib)
    if text is not None:
        node.text = text
    return node


def _amount(value: Decimal) -> str:
    return format(round_cents(value), "f")


def _decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def _date(parent: etree._Element, tag: str, day: date, ns: str = UDT) -> None:
    _el(_el(parent, RAM, tag), ns, "DateTimeString", day.strftime("%Y%m%d"), format="102")


def _percent(rate: Decimal) -> str:
    return format((rate * 100).normalize(), "f")


def _month(period: str) -> Month | None:
    try:
        return Month.parse(period)
    except ValueError:
        return None


def notes(invoice: Invoice) -> list[tuple[str, str]]:
    """(UNTDID 4451 subject code, text) of the document's notes (BG-1), as both syntaxes write them."""
    wording = invoice.payment.wording_fr()
    out = [("BAR", invoice.scope),
           ("AAI", f"Catégorie de l'opération : prestation de {invoice.operation_category}. {invoice.vat_mention}.")]
    registration = invoice.seller.registration()
    if registration:
        out.append(("ABL", registration))
    if invoice.kind == "credit_note":
        out += [("ACD", invoice.reason or ""),
                ("PMD", "Pénalités de retard : sans objet (avoir)"),
                ("PMT", "Indemnité forfaitaire pour frais de recouvrement : sans objet (avoir)"),
                ("AAB", "Escompte : néant")]
    else:
        out += [("PMD", wording["penalties"]), ("PMT", wording["indemnity"]), ("AAB", wording["discount"])]
    return out


def _party(parent: etree._Element, tag: str, party: PartyMention, *, vat_allowed: bool, seller: bool) -> None:
    node = _el(parent, RAM, tag)
    if party.siret:
        _el(node, RAM, "GlobalID", party.siret, schemeID=SCHEME_SIRET)
    _el(node, RAM, "Name", party.name)
    if seller and party.registration():
        _el(node, RAM, "Description", party.registration())
    if party.siren:
        _el(_el(node, RAM, "SpecifiedLegalOrganization"), RAM, "ID", party.siren, schemeID=SCHEME_SIREN)
    address = _el(node, RAM, "PostalTradeAddress")
    if party.address is not None:
        _el(address, RAM, "PostcodeCode", party.address.postcode)
        _el(address, RAM, "LineOne", party.address.street)
        if party.address.street2:
            _el(address, RAM, "LineTwo", party.address.street2)
        _el(address, RAM, "CityName", party.address.city)
    _el(address, RAM, "CountryID", party.country)
    if party.electronic_address is not None:
        scheme, identifier = party.electronic_address
        _el(_el(node, RAM, "URIUniversalCommunication"), RAM, "URIID", identifier, schemeID=scheme)
    if party.vat_id:
        scheme = "VA" if vat_allowed else "FC"
        if vat_allowed or seller:
            _el(_el(node, RAM, "SpecifiedTaxRegistration"), RAM, "ID", party.vat_id, schemeID=scheme)


def _line(parent: etree._Element, item: InvoiceItem) -> None:
    node = _el(parent, RAM, "IncludedSupplyChainTradeLineItem")
    doc = _el(node, RAM, "AssociatedDocumentLineDocument")
    _el(doc, RAM, "LineID", str(item.number))
    _el(_el(doc, RAM, "IncludedNote"), RAM, "Content", item.explanation_fr)
    product = _el(node, RAM, "SpecifiedTradeProduct")
    _el(product, RAM, "SellerAssignedID", item.clause)
    _el(product, RAM, "Name", item.designation or item.label)
    agreement = _el(node, RAM, "SpecifiedLineTradeAgreement")
    _el(_el(agreement, RAM, "NetPriceProductTradePrice"), RAM, "ChargeAmount", _decimal(item.net_price))
    _el(_el(node, RAM, "SpecifiedLineTradeDelivery"), RAM, "BilledQuantity", _decimal(item.billed_quantity),
        unitCode=item.unit_code)
    settlement = _el(node, RAM, "SpecifiedLineTradeSettlement")
    tax = _el(settlement, RAM, "ApplicableTradeTax")
    _el(tax, RAM, "TypeCode", "VAT")
    _el(tax, RAM, "CategoryCode", item.vat_category)
    if item.vat_category != "O":
        _el(tax, RAM, "RateApplicablePercent", _percent(item.vat_rate))
    summation = _el(settlement, RAM, "SpecifiedTradeSettlementLineMonetarySummation")
    _el(summation, RAM, "LineTotalAmount", _amount(item.amount))


def cii_xml(invoice: Invoice) -> bytes:
    """The EN 16931 CII XML of an invoice or credit note (numbered, or about to be: see the ledger)."""
    if invoice.number is None:
        raise FacturXError("a draft has no number; issue it through the ledger before exporting it")
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _el(root, RSM, "ExchangedDocumentContext")
    _el(_el(context, RAM, "BusinessProcessSpecifiedDocumentContextParameter"), RAM, "ID", invoice.billing_mode)
    _el(_el(context, RAM, "GuidelineSpecifiedDocumentContextParameter"), RAM, "ID", GUIDELINE_EN16931)
    header = _el(root, RSM, "ExchangedDocument")
    _el(header, RAM, "ID", invoice.number)
    _el(header, RAM, "TypeCode", TYPE_CODES[invoice.kind])
    _date(header, "IssueDateTime", invoice.issue_date)
    for code, text in notes(invoice):
        note = _el(header, RAM, "IncludedNote")
        _el(note, RAM, "Content", text)
        _el(note, RAM, "SubjectCode", code)
    transaction = _el(root, RSM, "SupplyChainTradeTransaction")
    for item in invoice.items:
        _line(transaction, item)
    agreement = _el(transaction, RAM, "ApplicableHeaderTradeAgreement")
    vat_allowed = invoice.vat_category != "O"
    _party(agreement, "SellerTradeParty", invoice.seller, vat_allowed=vat_allowed, seller=True)
    _party(agreement, "BuyerTradeParty", invoice.buyer, vat_allowed=vat_allowed, seller=False)
    if invoice.purchase_order:
        _el(_el(agreement, RAM, "BuyerOrderReferencedDocument"), RAM, "IssuerAssignedID", invoice.purchase_order)
    _el(_el(agreement, RAM, "ContractReferencedDocument"), RAM, "IssuerAssignedID", invoice.contract)
    delivery = _el(transaction, RAM, "ApplicableHeaderTradeDelivery")
    month = _month(invoice.period)
    if month is not None:  # BT-72: the services were performed by the end of the invoiced month
        _date(_el(delivery, RAM, "ActualDeliverySupplyChainEvent"), "OccurrenceDateTime", month.last_day)
    _settlement(transaction, invoice)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _payment_means(settlement: etree._Element, invoice: Invoice) -> None:
    if invoice.kind == "credit_note" or not invoice.seller.iban:
        return
    means = _el(settlement, RAM, "SpecifiedTradeSettlementPaymentMeans")
    _el(means, RAM, "TypeCode", PAYMENT_SEPA_TRANSFER)
    _el(means, RAM, "Information", "Virement SEPA")
    _el(_el(means, RAM, "PayeePartyCreditorFinancialAccount"), RAM, "IBANID", invoice.seller.iban)
    if invoice.seller.bic:
        _el(_el(means, RAM, "PayeeSpecifiedCreditorFinancialInstitution"), RAM, "BICID", invoice.seller.bic)


def _settlement(transaction: etree._Element, invoice: Invoice) -> None:
    settlement = _el(transaction, RAM, "ApplicableHeaderTradeSettlement")
    _el(settlement, RAM, "InvoiceCurrencyCode", invoice.currency)
    _payment_means(settlement, invoice)
    for vat in invoice.vat_breakdown:
        tax = _el(settlement, RAM, "ApplicableTradeTax")
        _el(tax, RAM, "CalculatedAmount", _amount(vat.vat))
        _el(tax, RAM, "TypeCode", "VAT")
        if vat.exemption_reason:
            _el(tax, RAM, "ExemptionReason", vat.exemption_reason)
        _el(tax, RAM, "BasisAmount", _amount(vat.base))
        _el(tax, RAM, "CategoryCode", vat.category)
        if vat.exemption_code:
            _el(tax, RAM, "ExemptionReasonCode", vat.exemption_code)
        if vat.category == "S":
            _el(tax, RAM, "DueDateTypeCode", "5" if invoice.vat_on_debits else "72")
        if vat.category != "O":
            _el(tax, RAM, "RateApplicablePercent", _percent(vat.rate))
    month = _month(invoice.period)
    if month is not None:
        period = _el(settlement, RAM, "BillingSpecifiedPeriod")
        _date(period, "StartDateTime", month.first_day)
        _date(period, "EndDateTime", month.last_day)
    terms = _el(settlement, RAM, "SpecifiedTradePaymentTerms")
    description = (f"Avoir à imputer sur la facture {invoice.corrects}" if invoice.kind == "credit_note"
                   else invoice.payment.wording_fr()["terms"])
    _el(terms, RAM, "Description", description)
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
        if invoice.corrects_date is not None:
            _date(referenced, "FormattedIssueDateTime", invoice.corrects_date, ns=QDT)


def check_xsd(xml: bytes) -> None:
    """Validate against the Factur-X 1.09 EN 16931 XSD (offline); :class:`FacturXError` says what failed."""
    report = gate.validate_xsd(xml, "cii")
    if report:
        raise FacturXError("Factur-X XML fails the EN 16931 XSD: " + "; ".join(f"{f.location}: {f.text}"
                                                                               for f in report))


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
