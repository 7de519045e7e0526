"""PDF/A-3 structure of the Factur-X PDF, checked as far as possible without veraPDF.

Checked: the PDF/A identification (pdfaid part 3, conformance B) in the XMP metadata; the
Factur-X extension schema declared in the XMP (pdfaExtension, namespace, prefix ``fx``, its
properties) and its values (INVOICE, factur-x.xml, EN 16931 level); the document info matching
the XMP title; an output intent GTS_PDFA1 with an embedded ICC profile; the embedded file
``factur-x.xml`` (text/xml, with its modification date) with AFRelationship ``/Data`` and listed
in the catalog's ``/AF``; every font embedded; no encryption; a trailer ID; the document
language. Not checked (veraPDF's job): the full PDF/A-3 rule set (colour spaces of every
object, transparency, annotations, the XMP's exact agreement with every Info entry, ICC
profile internals).
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from lxml import etree
from tests.io.einvoicing.documents import month_documents

from charte.io.contract_yaml import load_contract
from charte.io.facturx import cii_xml, facturx_pdf
from charte.reports.invoice_pdf import invoice_pdf

ROOT = Path(__file__).resolve().parents[3]
NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "fx": "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
      "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/", "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
      "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#", "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture(scope="module", params=["invoice", "credit note (amount)"])
def reader(request):
    document = month_documents(load_contract(ROOT / "examples" / "service-client-bruxelles.yaml"))[request.param]
    pdf = facturx_pdf(invoice_pdf(document), cii_xml(document), title=f"Document {document.number}")
    return pypdf.PdfReader(io.BytesIO(pdf))


def _xmp(reader):
    return etree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())


def test_pdfa_identification_and_factur_x_values_in_the_xmp(reader):
    xmp = _xmp(reader)
    assert xmp.findtext(".//pdfaid:part", namespaces=NS) == "3"
    assert xmp.findtext(".//pdfaid:conformance", namespaces=NS) == "B"
    assert xmp.findtext(".//fx:DocumentType", namespaces=NS) == "INVOICE"
    assert xmp.findtext(".//fx:DocumentFileName", namespaces=NS) == "factur-x.xml"
    assert xmp.findtext(".//fx:ConformanceLevel", namespaces=NS) == "EN 16931"


def test_the_factur_x_extension_schema_is_declared(reader):
    xmp = _xmp(reader)
    schema = next(li for li in xmp.iterfind(".//pdfaExtension:schemas/rdf:Bag/rdf:li", NS)
                  if li.findtext("pdfaSchema:prefix", namespaces=NS) == "fx")
    assert schema.findtext("pdfaSchema:namespaceURI", namespaces=NS) == NS["fx"]
    names = {p.findtext("pdfaProperty:name", namespaces=NS) for p in schema.iterfind(".//pdfaProperty:name/..", NS)}
    assert {"DocumentFileName", "DocumentType", "Version", "ConformanceLevel"} <= names


def test_document_info_agrees_with_the_xmp_title(reader):
    title = _xmp(reader).findtext(".//dc:title/rdf:Alt/rdf:li", namespaces=NS)
    assert title and reader.metadata.title == title


def test_an_output_intent_with_an_embedded_icc_profile(reader):
    intents = [i.get_object() for i in reader.trailer["/Root"]["/OutputIntents"]]
    assert [i["/S"] for i in intents] == ["/GTS_PDFA1"]
    profile = intents[0]["/DestOutputProfile"].get_object()
    assert profile["/N"] in (3, 4) and len(profile.get_data()) > 1000


def test_the_xml_is_embedded_as_data_and_listed_in_the_catalog(reader):
    root = reader.trailer["/Root"]
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert names[0] == "factur-x.xml"
    spec = names[1].get_object()
    assert spec["/AFRelationship"] == "/Data" and spec["/UF"] == "factur-x.xml"
    assert [a.get_object()["/UF"] for a in root["/AF"]] == ["factur-x.xml"]
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/text/xml" and "/ModDate" in stream["/Params"]
    assert etree.fromstring(stream.get_data()).tag.endswith("CrossIndustryInvoice")


def test_fonts_embedded_no_encryption_id_and_language(reader):
    for page in reader.pages:
        for reference in page["/Resources"]["/Font"].values():
            font = reference.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), font["/BaseFont"]
    assert not reader.is_encrypted and reader.trailer.get("/ID")
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"
