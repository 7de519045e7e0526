"""The invoice's lines as an XLSX workbook for the client's controllers (one row per line, explanations included).

Every text cell goes through :func:`charte.domain.cells.inert` (a party or activity named
``=HYPERLINK(...)`` stays text). Amounts are written as exact decimals from the invoice (cells hold
numbers with a 2-decimal format; the explanation column says how each was reached). A second sheet holds the totals
and payment mentions.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from charte.domain.cells import inert_row
from charte.payments.invoice import Invoice

HEADERS = ("line", "kind", "clause", "label", "quantity", "unit", "unit_price_eur", "vat_rate", "amount_eur",
           "explanation_fr", "explanation_en")


def write_invoice_xlsx(invoice: Invoice, path: Path) -> Path:
    """Write the lines and totals of ``invoice`` to ``path``."""
    book = Workbook()
    sheet = book.active
    sheet.title = "lines"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i in invoice.items:
        sheet.append(inert_row([i.number, i.kind, i.clause, i.label, i.quantity, i.unit, i.unit_price, i.vat_rate,
                                i.amount, i.explanation_fr, i.explanation_en]))
    for row in sheet.iter_rows(min_row=2):
        row[4].number_format = "#,##0.00"
        row[6].number_format = "#,##0.0000"
        row[7].number_format = "0.00%"
        row[8].number_format = "#,##0.00"
        for cell in row[9:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFGHIJK", (6, 14, 28, 36, 12, 10, 14, 9, 14, 70, 70), strict=True):
        sheet.column_dimensions[column].width = width
    summary = book.create_sheet("totals")
    wording = invoice.payment.wording_fr()
    for key, value in (
        ("document", "credit note" if invoice.kind == "credit_note" else "invoice"), ("number", invoice.number),
        ("issue_date", invoice.issue_date), ("period", invoice.period), ("contract", invoice.contract),
        ("seller", f"{invoice.seller.name} (SIREN {invoice.seller.siren})"),
        ("buyer", f"{invoice.buyer.name} (SIREN {invoice.buyer.siren})"), ("corrects", invoice.corrects or ""),
        ("total_excluding_vat_eur", invoice.total_excluding_vat), ("vat_eur", invoice.total_vat),
        ("total_including_vat_eur", invoice.total_including_vat), ("due_date", invoice.payment.due_date),
        ("payment_terms", wording["terms"]), ("late_penalties", wording["penalties"]),
        ("recovery_indemnity", wording["indemnity"]),
    ):
        summary.append(inert_row([key, value]))
    summary.column_dimensions["A"].width = 26
    summary.column_dimensions["B"].width = 90
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
