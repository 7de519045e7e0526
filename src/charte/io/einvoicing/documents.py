"""The gate every document passes before its number is taken: both syntaxes through the official rules.

An invoice or credit note is written in CII (the XML that the Factur-X PDF embeds) and in
UBL 2.1, and each goes through its XSD and schematrons (:mod:`charte.io.einvoicing.gate`).
One fatal finding in either refuses the document: the ledger then records nothing and the
number stays free (:meth:`charte.payments.ledger.Ledger.issue` calls :func:`gate_document`
on the numbered draft inside its lock).
"""

from __future__ import annotations

from charte.io.einvoicing.gate import DocumentRefusedError, GateReport, validate
from charte.payments.invoice import Invoice


def document_reports(invoice: Invoice) -> tuple[GateReport, GateReport]:
    """The CII and UBL reports of a numbered document."""
    from charte.io.facturx import cii_xml
    from charte.io.ubl import ubl_xml

    return validate(cii_xml(invoice), "cii"), validate(ubl_xml(invoice), "ubl")


def gate_document(invoice: Invoice) -> None:
    """Refuse (:class:`DocumentRefusedError`) a document with any fatal finding in CII or UBL."""
    reports = document_reports(invoice)
    if any(not r.ok for r in reports):
        kind = "credit note" if invoice.kind == "credit_note" else "invoice"
        raise DocumentRefusedError(f"{kind} of {invoice.period} for contract {invoice.contract}", reports)
