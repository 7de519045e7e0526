from datetime import date

import pytest

from charte.payments.due_dates import check_terms, due_date


@pytest.mark.parametrize(("invoice", "days", "basis", "expected"), [
    # 45 days end of month: the 45 days run, then the end of that month
    (date(2026, 1, 15), 45, "end_of_month", date(2026, 3, 31)),    # 15 Jan + 45 d = 1 Mar → 31 Mar
    (date(2024, 1, 15), 45, "end_of_month", date(2024, 2, 29)),    # leap year: 15 Jan + 45 d = 29 Feb
    (date(2025, 1, 14), 45, "end_of_month", date(2025, 2, 28)),    # 14 Jan + 45 d = 28 Feb (not leap)
    (date(2025, 1, 15), 45, "end_of_month", date(2025, 3, 31)),    # 15 Jan + 45 d = 1 Mar 2025
    (date(2025, 11, 20), 45, "end_of_month", date(2026, 1, 31)),   # across the year end: 4 Jan → 31 Jan
    (date(2025, 12, 31), 30, "invoice_date", date(2026, 1, 30)),
    (date(2023, 12, 31), 60, "invoice_date", date(2024, 2, 29)),   # 31 + 29 days
    (date(2026, 11, 2), 45, "invoice_date", date(2026, 12, 17)),
])
def test_due_dates_by_hand(invoice, days, basis, expected):
    assert due_date(invoice, days, basis) == expected


def test_a_term_beyond_60_days_is_flagged():
    on = date(2026, 1, 1)
    [finding] = check_terms(61, "invoice_date", "per_service", on)
    assert finding.code == "payment_term_exceeds_legal_max"
    assert "61 days" in finding.message and "60" in finding.message and "by 1 days" in finding.message
    assert check_terms(60, "invoice_date", "per_service", on) == []


def test_periodic_and_end_of_month_maxima_are_45_days():
    on = date(2026, 1, 1)
    assert check_terms(45, "invoice_date", "monthly", on) == []
    assert [f.code for f in check_terms(46, "invoice_date", "monthly", on)] == ["payment_term_exceeds_legal_max"]
    assert [f.code for f in check_terms(60, "end_of_month", "per_service", on)] == ["payment_term_exceeds_legal_max"]


def test_negative_term_is_refused():
    with pytest.raises(ValueError, match="expected 0 or more"):
        due_date(date(2026, 1, 1), -1)
