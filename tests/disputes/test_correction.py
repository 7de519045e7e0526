"""The correcting document of an agreed what-if, issued through the ledger, and what stays payable meanwhile."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.disputes.whatif_scenarios import FORECAST_100, OUTAGE, OUTAGE_ID, contract, evidence, issued, two_intervals
from tests.payments.payments_fixtures import contract as sample_contract
from tests.payments.payments_fixtures import memory_ledger, service_line

from charte.disputes import EvaluationMode, ExcludeIncident, whatif
from charte.disputes.correction import correcting_document
from charte.disputes.undisputed import disputed_statement
from charte.io.einvoicing.documents import gate_document
from charte.payments import InvoiceError, Payment
from charte.payments.invoice import invoice_from_lines, invoice_from_settlement
from charte.settle import settle


def _issued_invoice(tmp_path: Path, ev):  # type: ignore[no-untyped-def]
    c = ev.contract
    invoice = invoice_from_settlement(c, settle(c, ev.period, ev.facts()), date(2026, 12, 1))
    ledger = memory_ledger(c.provider.siren, today=date(2027, 6, 30))
    return ledger, ledger.issue(invoice, gate_document)


def test_a_what_if_that_lowers_the_month_gives_a_partial_credit_note_through_the_ledger(tmp_path: Path):
    # Issued 615.00 + VAT 123.00 = 738.00 (bonus 15.00); without the incident: malus 30.00, bonus gone (test_whatif).
    # Credit note: items bonus 15.00 and malus 30.00 given back: 45.00 + VAT 9.00 = 54.00, naming F000001.
    ev = evidence(contract("raw"), two_intervals(50), forecasts=(FORECAST_100,), incidents=(OUTAGE,))
    ledger, invoice = _issued_invoice(tmp_path, ev)
    result = whatif(issued(ev), ev, [ExcludeIncident(incident=OUTAGE_ID)])
    note = correcting_document(ev.contract, invoice, result, date(2026, 12, 20), "Litige D-1 : incident contesté")
    assert note is not None and note.kind == "credit_note" and note.corrects == "F000001"
    assert [(i.kind, i.amount) for i in note.items] == [("bonus", Decimal("15.00")), ("malus", Decimal("30.00"))]
    assert (note.total_excluding_vat, note.total_vat, note.total_including_vat) == (
        Decimal("45.00"), Decimal("9.00"), Decimal("54.00"))
    assert -note.total_including_vat == result.totals.correction_including_vat
    assert note.settlement_sha256 == result.proposed.inputs_sha256
    assert "facture d'origine F000001 du 01/12/2026" in note.notes[0]
    # the clause is the item's reference (its own column); the explanation says in words what changed
    assert note.items[1].clause == "bonus_malus.grids[sl]" and "bonus_malus" not in note.items[1].explanation_fr
    assert note.items[1].explanation_fr.startswith(
        "« Malus — sl » : 0,00\u00a0€ facturés, -30,00\u00a0€ après recalcul.")
    assert note.items[1].explanation_en.startswith("“Malus — sl”: €0.00 invoiced, -€30.00 once recomputed.")
    issued_note = ledger.issue(note, gate_document)   # EN 16931 and BR-FR rules (BT-25/26 named) pass
    assert issued_note.number == "F000002" and issued_note.corrects_date == date(2026, 12, 1)
    status = ledger.status(invoice, date(2026, 12, 21))
    assert (status.credited, status.outstanding) == (Decimal("54.00"), Decimal("684.00"))


def test_a_what_if_that_raises_the_month_gives_a_supplementary_invoice_on_the_contract_s_terms(tmp_path: Path):
    # Raw 576.00 (malus 24.00) → band-neutralised 615.00 (bonus 15.00): +39.00, VAT 7.80, 46.80 due in 45 days.
    from tests.disputes.test_whatif import ROWS_150
    ev = evidence(contract("raw"), ROWS_150, forecasts=(FORECAST_100,))
    _, invoice = _issued_invoice(tmp_path, ev)
    result = whatif(issued(ev), ev, [EvaluationMode(commitment="sl", evaluation="band_neutralised")])
    extra = correcting_document(ev.contract, invoice, result, date(2026, 12, 20), "Litige D-2")
    assert extra is not None and extra.kind == "invoice" and extra.corrects == "F000001"
    assert extra.total_including_vat == Decimal("46.80")
    assert [(i.kind, i.amount) for i in extra.items] == [("malus", Decimal("24.00")), ("bonus", Decimal("15.00"))]
    assert extra.payment.due_date == date(2027, 2, 3)  # 20 Dec 2026 + 45 days


def test_no_difference_no_document_and_a_draft_cannot_be_corrected(tmp_path: Path):
    ev = evidence(contract("raw"), two_intervals(50), forecasts=(FORECAST_100,), incidents=(OUTAGE,))
    _, invoice = _issued_invoice(tmp_path, ev)
    replay = whatif(issued(ev), ev, [])
    assert correcting_document(ev.contract, invoice, replay, date(2026, 12, 20), "rien") is None
    draft = invoice_from_settlement(ev.contract, settle(ev.contract, ev.period, ev.facts()), date(2026, 12, 1))
    with pytest.raises(InvoiceError, match="correction_of_draft"):
        correcting_document(ev.contract, draft, replay, date(2026, 12, 20), "x")
    with pytest.raises(InvoiceError, match="correction_before_invoice"):
        correcting_document(ev.contract, invoice, replay, date(2026, 11, 30), "x")


# ---------------------------------------------------------------- what stays payable (L441-10)
#
# Invoice of 2 Feb 2026: 100 h × 28.50 = 2,850.00 + VAT 570.00 = 3,420.00, due 45 days later, 19 March 2026.
# Late penalty: the law's default, ECB rate of 1 January 2026 (2.15%) + 10 points = 12.15% a year, actual/365.
# The client disputes 1,295.00 and pays the undisputed 2,125.00 on 18 April: 30 days late (20 March – 18 April).


def _invoice_and_ledger(tmp_path: Path):  # type: ignore[no-untyped-def]
    draft = invoice_from_lines(sample_contract(), "2026-01", [service_line(1, "100", "28.50")], Decimal("0.20"),
                               date(2026, 2, 2))
    ledger = memory_ledger(sample_contract().provider.siren, today=date(2027, 6, 30))
    return ledger, ledger.issue(draft, gate_document)


PAID = [Payment("F000001", date(2026, 4, 18), Decimal("2125.00"))]


def test_while_the_dispute_is_open_interest_runs_on_the_undisputed_part_only(tmp_path: Path):
    _, invoice = _invoice_and_ledger(tmp_path)
    assert invoice.payment.due_date == date(2026, 3, 19)
    s = disputed_statement(invoice, [], PAID, Decimal("1295.00"), [], date(2026, 4, 30))
    # undisputed: 2,125.00 × 12.15% × 30 / 365 = 21.2209… → 21.22
    # contingent on the disputed 1,295.00 from 20 March to 30 April (42 days): 1,295 × 12.15% × 42/365 = 18.105… → 18.11
    assert (s.disputed, s.undisputed_outstanding, s.outstanding) == (Decimal("1295.00"), Decimal("0.00"),
                                                                    Decimal("1295.00"))
    assert (s.interest_undisputed, s.interest_contingent) == (Decimal("21.22"), Decimal("18.11"))
    assert (s.days_late, s.indemnity) == (30, Decimal("40"))


def test_a_credit_note_settling_the_dispute_was_never_due(tmp_path: Path):
    ledger, invoice = _invoice_and_ledger(tmp_path)
    from dataclasses import replace
    note = ledger.issue(replace(invoice, kind="credit_note", number=None, issue_date=date(2026, 5, 5),
                                corrects="F000001", reason="litige", total_including_vat=Decimal("1295.00")),
                        lambda _: None)   # only its total matters here
    s = disputed_statement(invoice, [note], PAID, Decimal(0), [note.number], date(2026, 5, 31))
    # No interest on the credited 1,295.00; the undisputed 2,125.00 still paid 30 days late: 21.22.
    assert (s.credited, s.outstanding, s.interest_undisputed, s.interest_contingent) == (
        Decimal("1295.00"), Decimal("0.00"), Decimal("21.22"), Decimal("0.00"))


def test_a_claim_closed_without_agreement_was_owed_from_the_due_date(tmp_path: Path):
    _, invoice = _invoice_and_ledger(tmp_path)
    s = disputed_statement(invoice, [], PAID, Decimal(0), [], date(2026, 5, 31))
    # 3,420.00 for 30 days: 34.1531…; then 1,295.00 from 19 April to 31 May (43 days): 18.5362…; 52.6893… → 52.69
    assert (s.disputed, s.undisputed_outstanding, s.interest_undisputed) == (Decimal(0), Decimal("1295.00"),
                                                                            Decimal("52.69"))
    assert s.days_late == 73


@settings(max_examples=25, deadline=None)
@given(answered=st.integers(0, 100), hours=st.integers(1, 40), drop=st.booleans())
def test_the_correcting_document_totals_the_what_if_s_difference(answered: int, hours: int, drop: bool) -> None:
    # Whatever the month, the document's lines sum to the what-if's difference, its VAT is rounded once on its
    # own base, and its total including VAT is the what-if's correction (credit note or supplementary invoice).
    ev = evidence(contract("raw"), two_intervals(answered, hours_first=hours), forecasts=(FORECAST_100,),
                  incidents=(OUTAGE,))
    changes = [ExcludeIncident(incident=OUTAGE_ID)] if drop else [EvaluationMode(commitment="sl",
                                                                                 evaluation="band_neutralised")]
    result = whatif(issued(ev), ev, changes)
    assert result.totals is not None
    assert result.totals.difference == sum((d.difference for d in result.lines), Decimal(0))
    invoice = invoice_from_settlement(ev.contract, settle(ev.contract, ev.period, ev.facts()),
                                      date(2026, 12, 1)).numbered("F000001")
    document = correcting_document(ev.contract, invoice, result, date(2026, 12, 20), "propriété")
    if result.totals.difference == 0:
        assert document is None
        return
    assert document is not None
    sign = -1 if document.kind == "credit_note" else 1
    assert sign * document.total_excluding_vat == result.totals.difference
    assert document.total_excluding_vat == sum((i.amount for i in document.items), Decimal(0))
    assert sign * document.total_including_vat == result.totals.correction_including_vat
