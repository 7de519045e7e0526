"""The gate itself: it finds what a platform would reject, says it in words, and refuses to number it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from tests.payments.payments_fixtures import draft

from charte.io.einvoicing import DocumentRefusedError, validate
from charte.io.einvoicing.documents import gate_document
from charte.io.einvoicing.gate import RuleFinding
from charte.io.facturx import cii_xml
from charte.io.ubl import ubl_xml


@pytest.fixture(scope="module")
def invoice():
    return draft().numbered("F000001")


def test_a_clean_invoice_has_no_finding_at_all(invoice):
    assert validate(cii_xml(invoice), "cii").findings == ()
    assert validate(ubl_xml(invoice), "ubl").findings == ()


def test_the_three_findings_of_the_first_wave_invoice_are_caught_in_both_syntaxes(invoice):
    # The issue's symptom: no billing mode (BT-23) and no electronic addresses (BT-34, BT-49).
    cii = (cii_xml(invoice).replace(b"<ram:ID>S1</ram:ID>", b"")
           .replace(b'<ram:URIID schemeID="0225">987654324</ram:URIID>', b"")
           .replace(b'<ram:URIID schemeID="0225">123456782</ram:URIID>', b""))
    rules = {f.rule for f in validate(cii, "cii").fatal}
    assert {"BR-FR-08_BT-23", "BR-FR-12_BT-49", "BR-FR-13_BT-34"} <= rules
    ubl = (ubl_xml(invoice).replace(b"<cbc:ProfileID>S1</cbc:ProfileID>", b"")
           .replace(b'<cbc:EndpointID schemeID="0225">123456782</cbc:EndpointID>', b""))
    rules = {f.rule for f in validate(ubl, "ubl").fatal}
    assert any(r.startswith("BR-FR-08") for r in rules) and any(r.startswith("BR-FR-12") for r in rules)


def test_en16931_rules_are_run_too(invoice):
    # BR-CO-15: total with VAT = total without VAT + VAT (EN 16931, not French)
    xml = cii_xml(invoice).replace(b"<ram:GrandTotalAmount>3420.00", b"<ram:GrandTotalAmount>3421.00")
    assert "BR-CO-15" in {f.rule for f in validate(xml, "cii").fatal}


def test_a_schema_error_is_fatal(invoice):
    xml = cii_xml(invoice).replace(b"<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>", b"")
    report = validate(xml, "cii")
    assert [f.rule for f in report.fatal if f.rule == "XSD"]
    assert validate(b"<not-xml", "ubl").fatal[0].rule == "XML"


def test_a_finding_names_the_rule_the_business_term_and_the_fix_in_both_languages():
    finding = RuleFinding("BR-FR-12_BT-49", "fatal", "BR-FR (CII)", "/", "BR-FR-12/BT-49 : Le BT-49 est obligatoire.")
    assert finding.business_terms == ("BT-49",)
    fr, en = finding.message("fr"), finding.message("en")
    assert fr.startswith("[BR-FR-12_BT-49]") and "`client.electronic_address`" in fr and "acheteur" in fr
    assert en.startswith("[BR-FR-12_BT-49]") and "`client.electronic_address`" in en and "buyer" in en
    raw = RuleFinding("BR-FR-17_BT-123", "fatal", "BR-FR (CII)", "/", "Le code de qualification est invalide.")
    assert raw.message("en") == "[BR-FR-17_BT-123] (BT-123) Le code de qualification est invalide."
    assert not RuleFinding("X", "warning", "a", "/", "t").is_fatal and RuleFinding("X", "error", "a", "/", "t").is_fatal


def test_a_refused_document_is_never_numbered(tmp_path, invoice):
    from tests.payments.payments_fixtures import memory_ledger
    ledger = memory_ledger("987654324")
    bad = replace(draft(), buyer=replace(draft().buyer, electronic_address=None))
    with pytest.raises(DocumentRefusedError) as refused:
        ledger.issue(bad, gate_document)
    text = str(refused.value)
    assert "BR-FR-12_BT-49" in text and "nothing was numbered" in text
    assert "`client.electronic_address`" in text and "EN: " in text
    assert ledger.documents() == []
    assert ledger.issue(draft(date(2026, 11, 3)), gate_document).number == "F000001"  # the number stayed free
