"""Lifecycle statuses (AFNOR XP Z12-012 v1.4): derived from charte's own events, recorded when a party states them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from tests.payments.payments_fixtures import draft, memory_ledger

from charte.io.einvoicing.documents import gate_document
from charte.payments.ledger import LedgerError
from charte.payments.lifecycle import LifecycleError, Status, StatusEvent, check_history
from charte.store.ledger import SqlLedger

PARIS = ZoneInfo("Europe/Paris")


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=PARIS)


@pytest.fixture
def ledger():
    book = memory_ledger("987654324")
    book.issue(draft(), gate_document)   # F000001 of 2 November 2026, 3,420.00 EUR incl. VAT
    return book


def codes(book: SqlLedger) -> list[str]:
    return [e.status.code for e in book.lifecycle(book.document("F000001"))]


def test_the_four_mandatory_statuses_are_known():
    assert {s.name_fr for s in Status if s.mandatory} == {"Déposée", "Rejetée", "Refusée", "Encaissée"}
    assert Status.parse("210") is Status.REFUSEE is Status.parse("Refusée") is Status.parse("refusee")
    with pytest.raises(LifecycleError, match="unknown_status"):
        Status.parse("payée")


def test_issuing_deposits_and_each_payment_cashes_with_the_amount_received(ledger):
    assert codes(ledger) == ["200"]
    ledger.record_payment("F000001", date(2026, 12, 1), "1000.00")
    ledger.record_payment("F000001", date(2026, 12, 10), "2420.00")
    events = ledger.lifecycle(ledger.document("F000001"))
    assert [e.status.code for e in events] == ["200", "212", "212"]
    assert [(e.amount, e.vat_rate) for e in events[1:]] == [(Decimal("1000.00"), Decimal("0.20")),
                                                            (Decimal("2420.00"), Decimal("0.20"))]
    assert events[0].at.date() == date(2026, 11, 2) and events[0].source == "issued"


def test_a_dispute_then_an_approval_then_payment_sent(ledger):
    ledger.record_status(StatusEvent("F000001", Status.EN_LITIGE, at(5), "QTE_ERR", "heures du 21 octobre"))
    ledger.record_status(StatusEvent("F000001", Status.APPROUVEE, at(9)))
    ledger.record_status(StatusEvent("F000001", Status.PAIEMENT_TRANSMIS, at(20)))
    assert codes(ledger) == ["200", "207", "205", "211"]
    dispute = ledger.lifecycle(ledger.document("F000001"))[1]
    assert dispute.reason_words() == "quantité erronée — heures du 21 octobre"


def test_a_refused_invoice_takes_no_payment_and_no_further_status(ledger):
    ledger.record_status(StatusEvent("F000001", Status.REFUSEE, at(6), "TX_TVA_ERR"))
    with pytest.raises(LedgerError, match="status_out_of_order"):
        ledger.record_payment("F000001", date(2026, 11, 20), "100.00")
    with pytest.raises(LedgerError, match="status_out_of_order"):
        ledger.record_status(StatusEvent("F000001", Status.APPROUVEE, at(7)))
    assert codes(ledger) == ["200", "210"] and ledger.payments() == []


def test_reasons_are_required_and_must_be_the_standards_for_the_status(ledger):
    with pytest.raises(LedgerError, match="status_reason_missing"):
        ledger.record_status(StatusEvent("F000001", Status.REFUSEE, at(6)))
    with pytest.raises(LedgerError, match="status_reason_not_allowed"):
        ledger.record_status(StatusEvent("F000001", Status.REJETEE, at(6), "TX_TVA_ERR"))  # not a platform reason
    assert codes(ledger) == ["200"]


def test_derived_statuses_are_not_recorded_by_hand_and_times_need_a_zone(ledger):
    with pytest.raises(LedgerError, match="status_derived"):
        ledger.record_status(StatusEvent("F000001", Status.ENCAISSEE, at(6), amount=Decimal(1),
                                         vat_rate=Decimal("0.2")))
    with pytest.raises(LedgerError, match="status_time_without_zone"):
        ledger.record_status(StatusEvent("F000001", Status.APPROUVEE, datetime(2026, 11, 6, 10)))
    with pytest.raises(LedgerError, match="unknown_invoice"):
        ledger.record_status(StatusEvent("F000009", Status.APPROUVEE, at(6)))


def test_a_status_cannot_precede_the_deposit():
    deposit = StatusEvent("F1", Status.DEPOSEE, at(2, 0))
    with pytest.raises(LifecycleError, match="status_out_of_order"):
        check_history([deposit, StatusEvent("F1", Status.APPROUVEE, at(1))])
    with pytest.raises(LifecycleError, match="cashed_without_amount"):
        check_history([deposit, StatusEvent("F1", Status.ENCAISSEE, at(3))])
