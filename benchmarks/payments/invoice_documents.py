"""Time the invoice documents and the ledger: PDF/A-3b rendering, Factur-X XML + embedding, issuing, statement.

Run: ``.venv/bin/python benchmarks/payments/invoice_documents.py``. Prints medians of 5 runs and the ratio of
the Factur-X step to the PDF rendering it wraps (the baseline measured in the same run).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from charte.demo.run import default_contract_path
from charte.io.contract_yaml import load_contract
from charte.io.einvoicing.documents import gate_document
from charte.io.facturx import check_xsd, cii_xml, facturx_pdf, xml_from_pdf
from charte.payments.invoice import invoice_from_lines
from charte.reports.invoice_pdf import invoice_pdf
from charte.settle.lines import Explanation, InvoiceLine, LineKind
from charte.store.books import open_books


def main() -> None:
    contract = load_contract(default_contract_path())
    line = InvoiceLine(1, LineKind.SERVICE, "service-inbound", "activities[service-inbound].pricing", "Heures",
                       Decimal(100), "h", Decimal("28.50"), Decimal("28.50"), Decimal(2850),
                       Explanation("service", {"billable": "100", "measure": "productive_hours", "indexation": {}}))
    with tempfile.TemporaryDirectory() as folder:
        ledger = open_books(Path(folder) / "charte.db").ledger(contract.provider.siren)
        draft = invoice_from_lines(contract, "2026-10", [line], Decimal("0.20"), date(2026, 11, 2))
        invoice = ledger.issue(draft, gate_document)
        invoice_pdf(invoice)  # warm-up (fonts)
        render, embed, back = [], [], []
        for _ in range(5):
            t0 = time.perf_counter()
            pdf = invoice_pdf(invoice)
            t1 = time.perf_counter()
            document = facturx_pdf(pdf, cii_xml(invoice))
            t2 = time.perf_counter()
            check_xsd(xml_from_pdf(document))
            back.append(time.perf_counter() - t2)
            render.append(t1 - t0)
            embed.append(t2 - t1)
        r, e = statistics.median(render), statistics.median(embed)
        print(f"PDF/A-3b render {r:.3f} s; CII XML + XSD + embed {e:.3f} s ({e / r:.2f}× the render); "
              f"read back + XSD {statistics.median(back):.4f} s")
        t0 = time.perf_counter()
        for i in range(49):  # one invoice per contract-month: 49 more contracts' October
            ledger.issue(replace(draft, contract=f"contract-{i}"), gate_document)
        issue = time.perf_counter() - t0
        t0 = time.perf_counter()
        statement = ledger.statement(date(2026, 12, 1))
        print(f"issue 49 more invoices into the SQLite ledger, each through the e-invoicing gate {issue:.2f} s "
              f"({issue / 49 * 1000:.1f} ms each); "
              f"statement of {len(statement)} invoices {time.perf_counter() - t0:.3f} s")


if __name__ == "__main__":
    main()
