"""The invoice ledger's rules, on SQLite and on PostgreSQL (``SqlLedger`` applies ``charte.payments.ledger``).

Invoices are built by hand from the sample contract: 100 h × 28.50 € = 2,850.00 € excluding VAT,
VAT 20% = 570.00 €, 3,420.00 € including VAT (``payments_fixtures.draft``).
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from tests.payments.payments_fixtures import contract, draft, month_draft

from charte.io.einvoicing.documents import gate_document
from charte.payments.invoice import InvoiceError, credit_note_for
from charte.payments.ledger import LedgerError
from charte.payments.lifecycle import Status, StatusEvent
from charte.store.ledger import SqlLedger

SIREN = "987654324"  # the sample contract's provider
TODAY = date(2027, 6, 30)


def issue(ledger: SqlLedger, document, **extra):  # type: ignore[no-untyped-def]
    """Issue through the official e-invoicing gate, on the test's calendar (``TODAY``)."""
    return ledger.issue(document, gate_document, today=extra.pop("today", TODAY), **extra)


@pytest.fixture
def ledger(engine, tmp_path):
    return SqlLedger(engine, SIREN, SIREN, tmp_path / "witness")


def entries(ledger: SqlLedger) -> int:
    with ledger.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM ledger_entry")).scalar_one())


def test_numbers_are_gap_free_and_follow_dates(ledger):
    numbers = [issue(ledger, month_draft(f"2026-{m:02d}", date(2026, 11, d))).number
               for m, d in ((8, 2), (9, 2), (10, 3))]
    assert numbers == ["F000001", "F000002", "F000003"]
    with pytest.raises(LedgerError) as raised:
        issue(ledger, month_draft("2026-07", date(2026, 11, 1)))
    assert raised.value.code == "issue_date_out_of_order"
    assert entries(ledger) == 3
    assert [d.number for d in ledger.documents()] == numbers
    another = ledger.issue(month_draft("2026-07", date(2026, 11, 3)), gate_document, series="B", today=TODAY)
    assert another.number == "B000001"  # each series has its own sequence


def test_a_future_or_premature_issue_date_is_refused_and_blocks_nothing(ledger):
    # the mistyped year 2062 is refused: it never enters the sequence, so it cannot block later documents
    with pytest.raises(LedgerError) as future:
        ledger.issue(draft(date(2062, 11, 2)), gate_document, today=date(2026, 11, 2))
    assert future.value.code == "issue_date_in_future"
    # October's invoice dated 30 October: the month is not over (it ends on the 31st)
    with pytest.raises(LedgerError) as early:
        ledger.issue(draft(date(2026, 10, 30)), gate_document, today=date(2026, 11, 2))
    assert early.value.code == "issue_before_period_end" and "2026-10-31" in str(early.value)
    assert ledger.issue(draft(date(2026, 10, 31)), gate_document, today=date(2026, 11, 2)).number == "F000001"


def test_one_invoice_per_contract_month_and_per_settlement(ledger):
    first = issue(ledger, month_draft("2026-10", date(2026, 11, 2), settlement="ab" * 32))
    with pytest.raises(LedgerError) as twice:
        issue(ledger, month_draft("2026-10", date(2026, 11, 3), settlement="ab" * 32))
    assert twice.value.code == "settlement_already_invoiced" and "F000001" in str(twice.value)
    with pytest.raises(LedgerError) as resettled:  # another settlement of the same month
        issue(ledger, month_draft("2026-10", date(2026, 11, 3), settlement="cd" * 32, hours="90"))
    assert resettled.value.code == "invoice_already_issued" and "F000001 of 2026-11-02" in str(resettled.value)
    # another contract's October is another invoice
    assert issue(ledger, month_draft("2026-10", date(2026, 11, 3), contract_id="autre")).number == \
        "F000002"
    # a partial credit note does not reopen the month; a full one does
    issue(ledger, credit_note_for(first, date(2026, 11, 4), "remise", amount="100.00"))
    with pytest.raises(LedgerError, match="invoice_already_issued"):
        issue(ledger, month_draft("2026-10", date(2026, 11, 5), settlement="cd" * 32, hours="90"))
    rest = first.total_excluding_vat - Decimal("100.00")
    issue(ledger, credit_note_for(first, date(2026, 11, 5), "annulation du solde", amount=rest))
    again = issue(ledger, month_draft("2026-10", date(2026, 11, 5), settlement="cd" * 32, hours="90"))
    assert again.number == "F000005"


def test_an_issued_invoice_cannot_be_issued_again_or_renumbered(ledger):
    issued = issue(ledger, draft())
    with pytest.raises(LedgerError, match="invoice_already_issued"):
        issue(ledger, issued)
    with pytest.raises(InvoiceError, match="invoice_already_issued"):
        issued.numbered("F000099")


def test_issued_documents_read_back_identical(ledger):
    issued = issue(ledger, draft())
    assert ledger.document("F000001") == issued


def test_statement_partial_payments_days_late_interest_and_indemnity(ledger):
    # 3,420.00 € incl. VAT issued 2 Nov 2026, 45 days → due 17 Dec 2026; contract: ECB + 10 points.
    # H2 2026 is shipped (ECB 2.40% on 1 July 2026: 12.40%); H1 2027 is beyond the shipped table, so the
    # test adds it itself (2.00%: 12.00%).
    from charte.payments.reference_rates import DEFAULT_RATES, ReferenceRate
    rates = DEFAULT_RATES.extended([ReferenceRate("ecb_mro", date(2027, 1, 1), Decimal("0.02"), "test")])
    issue(ledger, draft())
    ledger.record_payment("F000001", date(2026, 12, 1), Decimal("1000.00"), today=TODAY)   # on time
    ledger.record_payment("F000001", date(2027, 1, 16), Decimal("1190.00"), today=TODAY)   # 30 days late
    [status] = ledger.statement(date(2027, 2, 15), rates)
    assert status.due_date == date(2026, 12, 17)
    assert (status.paid, status.outstanding) == (Decimal("2190.00"), Decimal("1230.00"))
    assert status.days_late == 60  # 17 Dec → 15 Feb, still open
    # 2,420 € × 12.40% × 14/365 (18–31 Dec) + 2,420 × 12% × 16/365 (1–16 Jan) + 1,230 × 12% × 30/365 (17 Jan–15 Feb)
    # = (4,201.12 + 4,646.40 + 4,428.00) / 365 = 13,275.52 / 365 = 36.3713… → 36.37
    assert status.interest == Decimal("36.37")
    assert status.indemnity == Decimal(40)


def test_a_credit_note_reverses_an_invoice_naming_it_and_its_date(ledger):
    invoice = issue(ledger, draft())
    note = issue(ledger, credit_note_for(invoice, date(2026, 11, 20), "mauvaise période facturée"))
    assert (note.number, note.kind, note.corrects, note.corrects_date) == (
        "F000002", "credit_note", "F000001", date(2026, 11, 2))  # BT-25, BT-26
    assert note.total_including_vat == invoice.total_including_vat
    [status] = ledger.statement(date(2027, 3, 1))  # credit notes are not listed as invoices
    assert status.outstanding == 0 and status.credited == Decimal("3420.00")
    assert status.days_late == 0 and status.interest == 0 and status.indemnity == 0
    with pytest.raises(LedgerError, match="credit_exceeds_invoice"):
        issue(ledger, credit_note_for(invoice, date(2026, 11, 21), "again"))


def test_partial_credit_notes_by_line_and_by_amount(ledger):
    from tests.payments.payments_fixtures import malus_line, service_line

    from charte.payments.invoice import invoice_from_lines
    # line 1: 100 h × 28.50 = 2,850.00; line 2: 50 h × 28.50 = 1,425.00; line 3: malus −85.50 → 4,189.50 HT
    lines = [service_line(1, "100", "28.50"), service_line(2, "50", "28.50"), malus_line(3, "-85.50")]
    invoice = ledger.issue(invoice_from_lines(contract(), "2026-10", lines, Decimal("0.20"), date(2026, 11, 2)),
                           gate_document, today=TODAY)
    assert invoice.total_excluding_vat == Decimal("4189.50")
    by_line = issue(ledger, credit_note_for(invoice, date(2026, 11, 10), "heures comptées deux fois", lines=[2]))
    # 1,425.00 HT, VAT 285.00, 1,710.00 TTC; line 2 as invoiced, naming F000001 of 2 Nov
    assert (by_line.total_excluding_vat, by_line.total_vat, by_line.total_including_vat) == (
        Decimal("1425.00"), Decimal("285.00"), Decimal("1710.00"))
    assert [i.number for i in by_line.items] == [2] and by_line.corrects_date == date(2026, 11, 2)
    with pytest.raises(InvoiceError, match="credit_note_not_positive"):   # the malus alone would owe more
        credit_note_for(invoice, date(2026, 11, 10), "malus", lines=[3])
    with pytest.raises(InvoiceError, match="credit_note_unknown_line"):
        credit_note_for(invoice, date(2026, 11, 10), "?", lines=[7])
    by_amount = issue(ledger, credit_note_for(invoice, date(2026, 11, 12), "geste commercial", amount="100.00"))
    assert (by_amount.total_excluding_vat, by_amount.total_including_vat) == (Decimal("100.00"), Decimal("120.00"))
    # left: 4,189.50 × 1.2 = 5,027.40 TTC − 1,710.00 − 120.00 = 3,197.40; crediting 2,700 HT (3,240 TTC) is too much
    with pytest.raises(LedgerError) as too_much:
        issue(ledger, credit_note_for(invoice, date(2026, 11, 12), "trop", amount="2700.00"))
    assert too_much.value.code == "credit_exceeds_invoice" and "1830.00 EUR already credited" in str(too_much.value)
    [status] = ledger.statement(date(2026, 11, 30))
    assert status.outstanding == Decimal("3197.40")


@pytest.mark.parametrize(("number", "on", "amount", "code"), [
    ("F000001", date(2026, 11, 1), "100.00", "payment_before_invoice"),
    ("F000001", date(2026, 11, 5), "-100.00", "payment_not_positive"),
    ("F000001", date(2026, 11, 5), "0", "payment_not_positive"),
    ("F000009", date(2026, 11, 5), "100.00", "unknown_invoice"),
    ("F000001", date(2026, 11, 5), "3420.01", "payment_exceeds_balance"),
    ("F000001", date(2026, 11, 5), "10.005", "payment_amount_invalid"),
    ("F000001", date(2026, 11, 5), "abc", "payment_amount_invalid"),
    ("F000001", date(2027, 7, 1), "100.00", "payment_in_future"),
])
def test_bad_payments_are_refused_and_nothing_is_recorded(ledger, number, on, amount, code):
    issue(ledger, draft())
    with pytest.raises(LedgerError) as raised:
        ledger.record_payment(number, on, amount, today=TODAY)
    assert raised.value.code == code
    assert entries(ledger) == 1 and ledger.payments() == []


def test_a_document_for_another_provider_is_refused(engine):
    with pytest.raises(LedgerError, match="wrong_provider"):
        SqlLedger(engine, "123456782", "123456782").issue(draft(), gate_document, today=TODAY)


def test_a_gate_refusing_the_numbered_document_records_nothing_and_keeps_the_number(ledger):
    seen = []

    def gate(document):
        seen.append(document.number)
        raise InvoiceError("einvoice_rule_broken", "BR-FR-xx: refused for the test")

    with pytest.raises(InvoiceError, match="einvoice_rule_broken"):
        ledger.issue(draft(), gate, today=TODAY)
    assert seen == ["F000001"] and entries(ledger) == 0
    assert issue(ledger, draft()).number == "F000001"


def test_lifecycle_statuses_are_chained_after_the_document_and_checked(ledger):
    from datetime import datetime

    from charte.domain.calendar import PARIS
    invoice = issue(ledger, draft())
    ledger.record_status(StatusEvent("F000001", Status.EN_LITIGE, datetime(2026, 11, 5, 10, tzinfo=PARIS),
                                     "QTE_ERR", "heures du 21 octobre"))
    assert [(s.status, s.reason_code) for s in ledger.recorded_statuses()] == [(Status.EN_LITIGE, "QTE_ERR")]
    assert [e.status.code for e in ledger.lifecycle(invoice)] == ["200", "207"]
    with pytest.raises(LedgerError, match="unknown_invoice"):
        ledger.record_status(StatusEvent("F000404", Status.APPROUVEE, datetime(2026, 11, 5, 10, tzinfo=PARIS)))
    with pytest.raises(LedgerError, match="status_derived"):
        ledger.record_status(StatusEvent("F000001", Status.ENCAISSEE, datetime(2026, 11, 5, 10, tzinfo=PARIS)))
    ledger.record_status(StatusEvent("F000001", Status.REFUSEE, datetime(2026, 11, 6, 10, tzinfo=PARIS),
                                     "DOUBLE_FACT"))
    with pytest.raises(LedgerError, match="status_out_of_order"):  # nothing is paid on a refused invoice
        ledger.record_payment("F000001", date(2026, 11, 20), "100.00", today=TODAY)
    assert ledger.verify() == [] and entries(ledger) == 3


def test_entries_refuse_update_and_delete(ledger):
    issue(ledger, draft())
    for statement in ("UPDATE ledger_entry SET number = 'F000009'", "DELETE FROM ledger_entry"):
        with pytest.raises(Exception, match="append-only"), ledger.engine.begin() as connection:
            connection.execute(text(statement))
    assert ledger.verify() == [] and entries(ledger) == 1


def _drop_triggers(ledger: SqlLedger) -> None:
    with ledger.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER ledger_entry_append_only ON ledger_entry"))
        else:
            connection.execute(text("DROP TRIGGER ledger_entry_no_update"))
            connection.execute(text("DROP TRIGGER ledger_entry_no_delete"))


def test_an_edited_total_is_detected_and_refused(ledger):
    issue(ledger, draft())
    issue(ledger, month_draft("2026-11", date(2026, 12, 1)))
    _drop_triggers(ledger)  # what someone with write access to the database could do
    with ledger.engine.begin() as connection:
        payload = connection.execute(text("SELECT payload FROM ledger_entry WHERE position = 1")).scalar_one()
        forged = payload.replace('"total_including_vat":"3420.00"', '"total_including_vat":"342.00"')
        assert forged != payload
        connection.execute(text("UPDATE ledger_entry SET payload = :p WHERE position = 1"), {"p": forged})
    assert [b.code for b in ledger.verify()] == ["entry_altered", "witness_differs"]
    with pytest.raises(LedgerError, match="ledger_tampered"):
        ledger.statement(date(2027, 1, 1))
    with pytest.raises(LedgerError, match="ledger_tampered"):  # a credit note on the edited invoice reads it
        issue(ledger, credit_note_for(draft().numbered("F000001"), date(2026, 12, 2), "erreur"))
    with pytest.raises(LedgerError, match="ledger_tampered"):
        ledger.record_payment("F000001", date(2026, 12, 2), "100.00", today=TODAY)


def test_a_deleted_entry_is_detected(ledger):
    for month, day in (("2026-09", date(2026, 10, 1)), ("2026-10", date(2026, 11, 2)), ("2026-11", date(2026, 12, 1))):
        issue(ledger, month_draft(month, day))
    _drop_triggers(ledger)
    with ledger.engine.begin() as connection:
        connection.execute(text("DELETE FROM ledger_entry WHERE position = 2"))
    codes = {b.code for b in ledger.verify()}
    assert {"entry_missing", "link_broken", "numbering_gap"} <= codes
    with ledger.engine.begin() as connection:  # delete the last one too and move the head back
        connection.execute(text("DELETE FROM ledger_entry WHERE position = 3"))
        connection.execute(text("UPDATE chain_head SET position = 1, head_hash = "
                                "(SELECT entry_hash FROM ledger_entry WHERE position = 1)"))
    assert [b.code for b in ledger.verify()] == ["entry_missing", "entry_missing"]  # the witness still has 2 and 3


def test_a_deleted_database_file_does_not_restart_the_numbering(tmp_path):
    from charte.store.books import open_books
    books = open_books(tmp_path / "charte.db")
    books.ledger(SIREN).issue(draft(), gate_document, today=TODAY)
    books.close()
    for path in tmp_path.glob("charte.db*"):  # the database file (and its WAL) deleted; the files folder stays
        path.unlink()
    again = open_books(tmp_path / "charte.db")
    with pytest.raises(LedgerError) as refused:
        again.ledger(SIREN).issue(draft(), gate_document, today=TODAY)
    assert refused.value.code == "ledger_behind_witness" and "entry 1" in str(refused.value)
    assert again.ledger(SIREN).documents() == []  # nothing was written


def test_contract_is_the_sample():
    assert contract().provider.siren == SIREN
