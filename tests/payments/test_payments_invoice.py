from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from tests.payments.payments_fixtures import contract, draft, malus_line, service_line

from charte.payments.invoice import Invoice, InvoiceError, invoice_from_lines, missing_mentions, vat_number


def test_totals_and_mandatory_mentions():
    invoice = draft()
    assert (invoice.total_excluding_vat, invoice.total_vat, invoice.total_including_vat) == (
        Decimal("2850.00"), Decimal("570.00"), Decimal("3420.00"))
    assert invoice.seller.siren == "987654324" and invoice.buyer.siren == "123456782"
    assert invoice.operation_category == "services"
    assert invoice.payment.due_date == date(2026, 12, 17) and invoice.payment.recovery_indemnity == Decimal(40)
    words = invoice.payment.wording_fr()
    assert "10 points" in words["penalties"] and "L441-10" in words["penalties"]
    assert "40,00" in words["indemnity"] and "D441-5" in words["indemnity"]
    assert invoice.items[0].explanation_fr and invoice.items[0].explanation_en
    assert "trois fois" not in words["penalties"]  # the legal default rate is not floored
    assert invoice.notes == ()  # the sample contract gives both parties' addresses


def test_a_document_without_its_mandatory_mentions_is_refused():
    # A valid contract cannot lack them (charte validate refuses it); a document built otherwise is checked too.
    invoice = draft()
    assert missing_mentions(invoice) == []
    stripped = replace(invoice, seller=replace(invoice.seller, address=None, electronic_address=None),
                       buyer=replace(invoice.buyer, siret=None))
    missing = missing_mentions(stripped)
    assert any("`provider.address`" in m for m in missing)
    assert any("`provider.electronic_address`" in m for m in missing)
    assert any("`client.siret`" in m for m in missing)
    assert len(missing) == 3


def test_the_buyer_purchase_order_and_billing_mode_are_carried():
    invoice = draft()
    assert invoice.purchase_order == "EV-ACH-2026-0457"   # client.purchase_order of the sample contract
    assert invoice.billing_mode == "S1"
    assert invoice.vat_mention == "TVA exigible à l'encaissement (prestation de services)"
    assert invoice.seller.registration() == "SAS au capital de 250\u202f000\u00a0€ — RCS Amiens 987 654 324"


def test_a_contractual_rate_mentions_the_floor():
    from charte.domain.contract.payment_terms import LatePenalty
    terms = contract().payment_terms.model_copy(update={"late_penalty": LatePenalty(rule="fixed_rate",
                                                                                     rate=Decimal("0.15"))})
    invoice = invoice_from_lines(contract().model_copy(update={"payment_terms": terms}), "2026-10",
                                 [service_line(1, "1", "2")], Decimal("0.20"), date(2026, 11, 2))
    words = invoice.payment.wording_fr()["penalties"]
    assert "15,00\u00a0% l'an" in words and "au moins trois fois le taux d'intérêt légal" in words


def test_vat_number_from_siren():
    # key = (12 + 3 × (SIREN mod 97)) mod 97; 987654324 = 97 × 10182003 + 33 → (12 + 99) mod 97 = 14
    assert vat_number("987654324") == "FR14987654324"


def test_vat_is_rounded_once_on_the_total():
    # lines 0.125 + 0.125 → rounded 0.13 + 0.13 = 0.26 HT; VAT 20% = 0.052 → 0.05
    lines = [service_line(1, "1", "0.125"), service_line(2, "1", "0.125")]
    invoice = invoice_from_lines(contract(), "2026-10", lines, Decimal("0.20"), date(2026, 11, 2))
    assert (invoice.total_excluding_vat, invoice.total_vat) == (Decimal("0.26"), Decimal("0.05"))


def test_an_invoice_with_a_malus_line():
    lines = [service_line(1, "100", "28.50"), malus_line(2, "-57.00")]
    invoice = invoice_from_lines(contract(), "2026-10", lines, Decimal("0.20"), date(2026, 11, 2))
    assert invoice.total_excluding_vat == Decimal("2793.00")


def test_a_month_totalling_nothing_is_not_invoiced():
    with pytest.raises(InvoiceError, match="invoice_not_positive"):
        invoice_from_lines(contract(), "2026-10", [malus_line(1, "-5.00")], Decimal("0.20"), date(2026, 11, 2))
    with pytest.raises(InvoiceError, match="invoice_total_mismatch"):
        invoice_from_lines(contract(), "2026-10", [service_line(1, "1", "2")], Decimal("0.20"), date(2026, 11, 2),
                           expected_total=Decimal("3.00"))


def test_an_invoice_dated_before_its_month_is_refused():
    with pytest.raises(InvoiceError, match="invoice_before_period"):
        draft(date(2026, 9, 30))


def test_a_document_issued_before_the_e_invoicing_fields_still_reads():
    # the journal of the first wave: addresses as one text, lines without their printed form
    old = draft().numbered("F000001").as_dict()
    old["seller"] = {"name": "Relais Contact SAS", "siren": "987654324", "address": "3 bd de Beauvillé, 80000 Amiens"}
    old["buyer"] = {"name": "Énergie Verte SA", "siren": "123456782", "address": None}
    for item in old["items"]:
        for key in ("designation", "billed_quantity", "net_price", "unit_label", "unit_code", "vat_category"):
            del item[key]
    back = Invoice.from_dict(old)
    assert back.seller.address is not None and back.seller.address.street == "3 bd de Beauvillé, 80000 Amiens"
    assert back.seller.vat_id == "FR14987654324" and back.buyer.address is None
    assert (back.items[0].billed_quantity, back.items[0].net_price, back.items[0].unit_label) == (
        Decimal(100), Decimal("28.50"), "heure")
