from datetime import date
from decimal import Decimal

import pytest

from charte.domain.contract.payment_terms import LatePenalty
from charte.payments.late_interest import Settled, interest_owed, interest_periods, penalty_rate
from charte.payments.reference_rates import DEFAULT_RATES, ReferenceRateError, load_rates_csv

FIXED_12 = LatePenalty(rule="fixed_rate", rate=Decimal("0.12"))
ECB_10 = LatePenalty(rule="ecb_plus_points", points=Decimal(10))


def test_interest_for_30_days_late_by_hand():
    # 10,000 € due 31 Jan 2025, paid 2 Mar 2025: 30 days late at 12%: 10000 × 0.12 × 30 / 365 = 98.6301… → 98.63
    periods = interest_periods(Decimal(10000), date(2025, 1, 31), [Settled(date(2025, 3, 2), Decimal(10000))],
                               date(2025, 12, 31), FIXED_12)
    assert sum(p.days for p in periods) == 30
    assert interest_owed(periods) == Decimal("98.63")


def test_one_day_late_counts_one_day():
    periods = interest_periods(Decimal(3650), date(2025, 1, 31), [Settled(date(2025, 2, 1), Decimal(3650))],
                               date(2025, 12, 31), FIXED_12)
    assert [p.days for p in periods] == [1]
    assert interest_owed(periods) == Decimal("1.20")  # 3650 × 0.12 / 365


def test_ecb_rate_of_each_half_year_plus_ten_points():
    # 7,300 € due 20 Jun 2024, paid 10 Jul 2024: 21–30 Jun at 4.50 + 10 = 14.50%: 7300 × .145 × 10/365 = 29.00;
    # 1–10 Jul at 4.25 + 10 = 14.25%: 28.50. Total 57.50.
    periods = interest_periods(Decimal(7300), date(2024, 6, 20), [Settled(date(2024, 7, 10), Decimal(7300))],
                               date(2024, 12, 31), ECB_10)
    assert [(p.days, p.rate.rate) for p in periods] == [(10, Decimal("0.1450")), (10, Decimal("0.1425"))]
    assert interest_owed(periods) == Decimal("57.50")


def test_rate_never_below_three_times_the_legal_rate():
    # fixed 5% in H1 2025; 3 × 3.71% = 11.13%: 3650 × 0.1113 × 10 / 365 = 11.13
    low = LatePenalty(rule="fixed_rate", rate=Decimal("0.05"))
    rate = penalty_rate(low, date(2025, 3, 1))
    assert rate.floor_applied and rate.rate == Decimal("0.1113")
    periods = interest_periods(Decimal(3650), date(2025, 2, 28), [], date(2025, 3, 10), low)
    assert interest_owed(periods) == Decimal("11.13")


def test_partial_payments_reduce_the_balance_interest_runs_on():
    # 3,650 € due 31 Jan 2025 at 12%: 1,825 paid 10 Feb (10 days on 3650 = 12.00), rest 20 Feb (10 days on 1825 = 6.00)
    payments = [Settled(date(2025, 2, 10), Decimal(1825)), Settled(date(2025, 2, 20), Decimal(1825))]
    periods = interest_periods(Decimal(3650), date(2025, 1, 31), payments, date(2025, 6, 30), FIXED_12)
    assert [(p.days, p.balance) for p in periods] == [(10, Decimal(3650)), (10, Decimal(1825))]
    assert interest_owed(periods) == Decimal("18.00")


def test_paid_on_time_owes_nothing():
    payments = [Settled(date(2025, 1, 31), Decimal(1000))]
    assert interest_periods(Decimal(1000), date(2025, 1, 31), payments, date(2025, 6, 30), FIXED_12) == []


def test_the_legal_default_is_not_floored_but_other_points_are():
    # H1 2024: ECB 4.50% + 10 = 14.50% stays (legal default) though 3 × 5.07% = 15.21%;
    # a contract saying ECB + 8 points (12.50%) is raised to 15.21%.
    assert penalty_rate(ECB_10, date(2024, 3, 1)).rate == Decimal("0.1450")
    eight = penalty_rate(LatePenalty(rule="ecb_plus_points", points=Decimal(8)), date(2024, 3, 1))
    assert eight.floor_applied and eight.rate == Decimal("0.1521")


def test_a_half_year_beyond_the_table_is_an_error_until_the_user_adds_it(tmp_path):
    with pytest.raises(ReferenceRateError) as raised:
        penalty_rate(ECB_10, date(2031, 2, 1))
    assert raised.value.code == "reference_rate_missing" and "2031-01-01" in raised.value.message
    csv_file = tmp_path / "rates.csv"
    csv_file.write_text("table,half_year_start,rate,source\necb_mro,2031-01-01,2.00%,test value\n"
                        "legal_interest_professional,2031-01-01,0.03,test value\n")
    rates = DEFAULT_RATES.extended(load_rates_csv(csv_file))
    assert penalty_rate(ECB_10, date(2031, 2, 1), rates).rate == Decimal("0.12")
    nine = penalty_rate(LatePenalty(rule="ecb_plus_points", points=Decimal(9)), date(2031, 2, 1), rates)
    assert nine.rate == Decimal("0.11") and nine.floor == Decimal("0.09") and not nine.floor_applied


def test_a_bad_rates_csv_names_the_line(tmp_path):
    csv_file = tmp_path / "rates.csv"
    csv_file.write_text("table,half_year_start,rate,source\necb_mro,2031-02-01,2%,x\n")
    with pytest.raises(ReferenceRateError, match=r"rates.csv:2: .*1 January or a 1 July"):
        load_rates_csv(csv_file)
