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
