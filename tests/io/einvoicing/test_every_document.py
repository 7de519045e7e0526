"""Done-when of the e-invoicing issue: every document of every example contract passes the official rules.

EN 16931 (CEN schematron, CII and UBL), the Factur-X 1.09 EN 16931 profile schematron, the
French BR-FR rules (CII and UBL) and the XSDs: 0 fatal findings for CII, for the CII embedded
in the Factur-X PDF, and for UBL. The artefacts are the vendored official ones
(``charte/io/einvoicing/artefacts``), compiled once per test session.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.io.einvoicing.documents import month_documents

from charte.io.contract_yaml import load_contract
from charte.io.einvoicing import validate
from charte.io.facturx import cii_xml, facturx_pdf, xml_from_pdf
from charte.io.ubl import ubl_xml
from charte.reports.invoice_pdf import invoice_pdf

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
KINDS = ("invoice", "zero-volume month", "credit note (full)", "credit note (one line)", "credit note (amount)")


def _fatal(report):
    return [f"{f.artefact} {f.rule}: {f.text[:200]}" for f in report.fatal]


def test_the_examples_include_a_client_abroad():
    countries = {load_contract(p).client.country for p in EXAMPLES}
    assert "BE" in countries and "FR" in countries


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_document_passes_the_official_rules_in_cii_and_ubl(path: Path):
    contract = load_contract(path)
    documents = month_documents(contract)
    assert tuple(documents) == KINDS
    for name, document in documents.items():
        for syntax, xml in (("cii", cii_xml(document)), ("ubl", ubl_xml(document))):
            report = validate(xml, syntax)
            assert _fatal(report) == [], f"{path.name} {name} ({syntax})"
            assert report.warnings == (), f"{path.name} {name} ({syntax}): warnings too"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_factur_x_pdf_embeds_a_valid_cii(path: Path):
    document = month_documents(load_contract(path))["invoice"]
    xml = cii_xml(document)
    back = xml_from_pdf(facturx_pdf(invoice_pdf(document), xml, title=f"Facture {document.number}"))
    assert back == xml
    assert _fatal(validate(back, "cii")) == []


def test_the_documents_cover_every_line_kind_and_vat_regime():
    seen_kinds, categories = set(), set()
    for path in EXAMPLES:
        for document in month_documents(load_contract(path)).values():
            seen_kinds |= {i.kind for i in document.items}
            categories.add(document.vat_category)
    assert {"service", "fixed_fee", "success_fee", "minimum_billing", "malus", "bonus",
            "cap_adjustment"} <= seen_kinds
    assert {"S", "AE"} <= categories


GENEVA = (("vat_number: \"BE0712345630\"", "vat_number: \"CHE-116.281.710 MWST\""),
          ('postcode: "1000", city: "Bruxelles", country: BE', 'postcode: "1204", city: "Genève", country: CH'),
          ('scheme: "0208", id: "0712345630"', 'scheme: "0183", id: "CHE116281710"'))


def test_a_client_outside_the_eu_is_outside_the_scope_of_french_vat_and_passes_the_rules():
    from charte.io.contract_yaml import loads_contract

    text = (ROOT / "examples" / "service-client-bruxelles.yaml").read_text(encoding="utf-8")
    for old, new in GENEVA:
        text = text.replace(old, new)
    documents = month_documents(loads_contract(text, "geneve.yaml"))
    for name, document in documents.items():
        assert document.vat_category == "O" and document.total_vat == 0
        assert "art. 259-1° du CGI" in document.vat_mention
        for syntax, xml in (("cii", cii_xml(document)), ("ubl", ubl_xml(document))):
            assert _fatal(validate(xml, syntax)) == [], f"{name} ({syntax})"
            assert b"FR14987654324" in xml and b"CHE-116.281.710" not in xml   # seller's as BT-32, no buyer VAT


def test_the_brussels_client_is_reverse_charged():
    document = month_documents(load_contract(ROOT / "examples" / "service-client-bruxelles.yaml"))["invoice"]
    assert (document.vat_category, document.total_vat, document.scope) == ("AE", 0, "B2BINT")
    assert document.vat_breakdown[0].exemption_reason == "Autoliquidation"
    assert document.buyer.vat_id == "BE0712345630" and document.buyer.siren is None
    xml = cii_xml(document)
    assert b"<ram:ExemptionReasonCode>VATEX-EU-AE</ram:ExemptionReasonCode>" in xml
    assert b'<ram:ID schemeID="VA">BE0712345630</ram:ID>' in xml


def test_the_option_for_vat_on_debits_is_said_and_coded():
    from charte.io.contract_yaml import loads_contract

    text = (ROOT / "examples" / "service-client-energie.yaml").read_text(encoding="utf-8")
    text = text.replace("  invoicing: monthly\n", "  invoicing: monthly\n  vat_on_debits: true\n", 1)
    document = month_documents(loads_contract(text, "debits.yaml"))["invoice"]
    assert document.vat_mention == "Option pour le paiement de la TVA d'après les débits (art. 269-2-c du CGI)"
    xml = cii_xml(document)
    assert b"<ram:DueDateTypeCode>5</ram:DueDateTypeCode>" in xml and _fatal(validate(xml, "cii")) == []
    default = cii_xml(month_documents(load_contract(ROOT / "examples" / "service-client-energie.yaml"))["invoice"])
    assert b"<ram:DueDateTypeCode>72</ram:DueDateTypeCode>" in default
