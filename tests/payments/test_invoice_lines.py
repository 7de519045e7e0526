"""Readable lines: French designations and units, quantity × unit price = amount on the PDF as in the XML."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.io.einvoicing.documents import month_documents
from tests.payments.payments_fixtures import draft

from charte.domain.money import round_cents
from charte.io.contract_yaml import load_contract
from charte.io.invoice_xlsx import HEADERS, write_invoice_xlsx
from charte.payments.invoice_lines import document_line
from charte.reports.invoice_pdf import invoice_html

ROOT = Path(__file__).resolve().parents[2]
D = Decimal


def test_hours_print_as_heure_with_their_rec20_code():
    line = document_line("service", "Accueil", D(100), "h", D("28.50"), D("2850.00"), {}, "Accueil clients")
    assert (line.designation, line.unit_label, line.unit_code, line.quantity, line.net_price) == (
        "Accueil clients", "heure", "HUR", D(100), D("28.50"))


def test_contacts_and_success_fees_read_in_french():
    contact = document_line("service", "email", D(1000), "contact", D("3.10"), D("3100.00"), {}, None, "email")
    assert (contact.designation, contact.unit_label, contact.unit_code) == (
        "Traitement des e-mails", "contact traité", "C62")
    sale = document_line("success_fee", "sale", D(12), "sale", D(35), D(420), {"event": "sale"})
    assert (sale.designation, sale.unit_label) == ("Prime de succès — vente conclue", "vente conclue")


def test_a_malus_is_percentage_points_of_its_base_with_a_positive_price():
    # 2 points × 1 % of 2,850.00: quantity −2 (%), price 28.50 (1 % of the base), amount −57.00
    figures = {"metric": "service_level", "commitment": "sl-80-20", "base": "2850"}
    line = document_line("malus", "Malus — sl-80-20", D("0.02"), "share of base", D(-2850), D("-57.00"), figures)
    assert (line.designation, line.unit_label, line.unit_code, line.quantity, line.net_price) == (
        "Malus — niveau de service", "% de la base", "P1", D(-2), D("28.5"))


def test_a_line_without_an_exact_pair_is_one_lump_sum():
    # rate 0.0123456 → 1.23456 points: 5 decimals, beyond the reform's 4 for a quantity
    figures = {"metric": "asa", "base": "1000"}
    line = document_line("bonus", "Bonus", D("0.0123456"), "share of base", D(1000), D("12.35"), figures)
    assert (line.quantity, line.net_price, line.unit_label, line.unit_code) == (D(1), D("12.35"), "forfait", "C62")
    cap = document_line("cap_adjustment", "Cap — overall_malus", D(1), "adjustment", D("-40.00"), D("-40.00"),
                        {"cap": "overall_malus"})
    assert (cap.designation, cap.quantity, cap.net_price) == ("Plafonnement global des malus", D(-1), D("40.00"))


def test_a_price_is_rounded_to_six_decimals_only_when_the_amount_stays_exact():
    # top-up of 3 contacts worth 100.00: 33.333333 × 3 = 99.999999 → 100.00 at the cent
    line = document_line("minimum_billing", "Minimum", D(3), "contact", D(100) / 3, D("100.00"), {}, "Accueil")
    assert (line.quantity, line.net_price, line.designation) == (D(3), D("33.333333"), "Minimum de facturation — "
                                                                                      "Accueil")


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_printed_line_multiplies_to_its_amount(path):
    for document in month_documents(load_contract(path)).values():
        for item in document.items:
            assert item.net_price >= 0
            assert round_cents(item.billed_quantity * item.net_price) == item.amount, (document.number, item)
            assert "[" not in item.designation and "_" not in item.designation   # no clause path, no code


def test_the_pdf_puts_the_clause_in_a_reference_column_and_no_late_mention_on_a_credit_note():
    documents = month_documents(load_contract(ROOT / "examples" / "service-client-energie.yaml"))
    html = invoice_html(documents["invoice"])
    assert '<td class="ref">activities[service-inbound].pricing</td>' in html
    assert "<td>Accueil téléphonique clients particuliers<div" in html and ">heure<" in html
    assert "EV-ACH-2026-0457" in html and "RCS Amiens 987 654 324" in html and "SIRET 12345678200010" in html
    credit = invoice_html(documents["credit note (one line)"])
    assert "pénalités de retard" not in credit and "indemnité forfaitaire" not in credit
    assert "Avoir sur la facture n° <strong>F000001</strong> du 02/11/2026" in credit


def test_the_xlsx_is_in_french_with_the_printed_figures(tmp_path):
    invoice = draft().numbered("F000001")
    book = load_workbook(write_invoice_xlsx(invoice, tmp_path / "f.xlsx"))
    rows = list(book["Lignes"].iter_rows(values_only=True))
    assert rows[0] == HEADERS and rows[0][1] == "Désignation"
    assert rows[1][1:5] == ("Accueil téléphonique clients particuliers", 100, "heure", 28.5)
    assert rows[1][-1] == "activities[service-inbound].pricing"
    totals = dict(book["Totaux"].iter_rows(values_only=True))
    assert totals["Numéro"] == "F000001" and "Pénalités de retard" in totals
