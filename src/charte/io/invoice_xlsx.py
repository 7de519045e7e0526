"""The invoice's lines as an XLSX workbook for the client's controllers, in French (one row per line).

Each row prints what the PDF prints: the line's French designation, its billed quantity, unit
and net price (quantity × price = amount, as in the e-invoice XML), its VAT rate and amount,
its explanation and, in the last column, the contract clause it applies (the internal
reference). Amounts are exact decimals from the invoice in cells with a 2-decimal format. A
second sheet holds the parties, the totals and the payment mentions (none of the late-payment
mentions on a credit note).
Every text cell goes through :func:`charte.domain.cells.inert` (issue 17): a party or activity named
``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from charte.domain.cells import inert_row
from charte.payments.invoice import Invoice, PartyMention

HEADERS = ("N°", "Désignation", "Quantité", "Unité", "Prix unitaire HT (€)", "Taux de TVA", "Montant HT (€)",
           "Explication", "Référence (clause du contrat)")
WIDTHS = (6, 44, 12, 18, 18, 11, 16, 80, 34)


def _party(party: PartyMention) -> str:
    parts = [party.name, *(party.address.lines() if party.address else ()),
             *(f"{label} {value}" for label, value in (("SIREN", party.siren), ("SIRET", party.siret),
                                                        ("TVA", party.vat_id)) if value)]
    return " — ".join(parts)


def write_invoice_xlsx(invoice: Invoice, path: Path) -> Path:
    """Write the lines and totals of ``invoice`` to ``path``."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Lignes"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i in invoice.items:
        sheet.append(inert_row([i.number, i.designation or i.label, i.billed_quantity, i.unit_label,
                                i.net_price, None if i.vat_category == "O" else i.vat_rate, i.amount,
                                i.explanation_fr, i.clause]))
    for row in sheet.iter_rows(min_row=2):
        row[2].number_format = "#,##0.####"
        row[4].number_format = "#,##0.00####"
        row[5].number_format = "0.00%"
        row[6].number_format = "#,##0.00"
        row[7].alignment = Alignment(wrap_text=True, vertical="top")
        row[8].font = Font(size=8, color="777777")
    for column, width in zip("ABCDEFGHI", WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    _summary(book.create_sheet("Totaux"), invoice)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _summary(sheet: Any, invoice: Invoice) -> None:
    wording = invoice.payment.wording_fr()
    credit = invoice.kind == "credit_note"
    rows: list[tuple[str, Any]] = [
        ("Document", "SPÉCIMEN (valeurs de référence illustratives, jamais numéroté)" if invoice.specimen
         else "Avoir" if credit else "Facture"), ("Numéro", invoice.number),
        ("Date d'émission", invoice.issue_date), ("Période facturée", invoice.period), ("Contrat", invoice.contract),
        ("Bon de commande", invoice.purchase_order or ""), ("Prestataire (vendeur)", _party(invoice.seller)),
        ("Mentions légales du vendeur", invoice.seller.registration() or ""),
        ("Client (acheteur)", _party(invoice.buyer)),
        ("Facture corrigée", f"{invoice.corrects} du {invoice.corrects_date}" if invoice.corrects else ""),
        ("Motif", invoice.reason or ""),
        ("Total HT (€)", invoice.total_excluding_vat), ("TVA (€)", invoice.total_vat),
        ("Total TTC (€)", invoice.total_including_vat), ("Régime de TVA", invoice.vat_mention),
    ]
    if not credit:
        rows += [("Échéance", invoice.payment.due_date), ("Conditions de paiement", wording["terms"]),
                 ("Pénalités de retard", wording["penalties"]), ("Indemnité de recouvrement", wording["indemnity"]),
                 ("Escompte", wording["discount"])]
    for key, value in rows:
        sheet.append(inert_row([key, value]))
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100
