from datetime import date

import pytest
from lxml import etree
from tests.payments.payments_fixtures import draft, memory_ledger

from charte.io.einvoicing.documents import gate_document
from charte.io.facturx import FacturXError, check_xsd, cii_xml, facturx_pdf, xml_from_pdf
from charte.payments.invoice import credit_note_for
from charte.reports.invoice_pdf import invoice_pdf

RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"


@pytest.fixture
def issued(tmp_path):
    ledger = memory_ledger("987654324")
    invoice = ledger.issue(draft(), gate_document)
    return ledger, invoice


def test_cii_xml_passes_the_en16931_xsd_and_carries_the_figures(issued):
    _, invoice = issued
    xml = cii_xml(invoice)
    check_xsd(xml)
    root = etree.fromstring(xml)
    assert root.findtext(f".//{RAM}TypeCode") == "380"
    assert root.findtext(f".//{RAM}GrandTotalAmount") == "3420.00"
    assert root.findtext(f".//{RAM}TaxTotalAmount") == "570.00"
    sirens = [e.text for e in root.iter(f"{RAM}ID") if e.get("schemeID") == "0002"]
    assert sirens == ["987654324", "123456782"]
    assert root.findtext(f".//{RAM}DueDateDateTime/*") == "20261217"


def test_a_credit_note_is_type_381_and_names_the_invoice(issued):
    ledger, invoice = issued
    note = ledger.issue(credit_note_for(invoice, date(2026, 11, 20), "erreur de période"), gate_document)
    xml = cii_xml(note)
    check_xsd(xml)
    root = etree.fromstring(xml)
    assert root.findtext(f".//{RAM}TypeCode") == "381"
    assert root.findtext(f".//{RAM}InvoiceReferencedDocument/{RAM}IssuerAssignedID") == "F000001"


def test_xml_that_breaks_the_schema_is_refused(issued):
    xml = cii_xml(issued[1]).replace(b"<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>", b"")
    with pytest.raises(FacturXError, match="XSD"):
        check_xsd(xml)


def test_factur_x_pdf_embeds_the_xml_and_reads_it_back(issued):
    _, invoice = issued
    xml = cii_xml(invoice)
    pdf = facturx_pdf(invoice_pdf(invoice), xml, title="Facture F000001")
    assert pdf.startswith(b"%PDF-")
    back = xml_from_pdf(pdf)
    assert back == xml
    check_xsd(back)


def test_a_plain_pdf_has_no_xml(issued):
    with pytest.raises(FacturXError, match="no Factur-X"):
        xml_from_pdf(invoice_pdf(issued[1]))
