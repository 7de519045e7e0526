from decimal import Decimal

import pytest

from charte.demo.run import default_contract_path
from charte.domain.calendar import Month
from charte.exit import BilledMonth, cap_positions
from charte.io.contract_yaml import load_contract


@pytest.fixture(scope="module")
def contract():
    return load_contract(default_contract_path())  # cap 12 months of billing; penalties 10%, counted toward cap


def history(penalty_per_month: str):
    return [BilledMonth(Month(2026, 1).plus(k), Decimal(100000), Decimal(penalty_per_month)) for k in range(12)]


def test_penalties_well_under_the_cap(contract):
    positions = {p.cap: p for p in cap_positions(contract, history("500"), Month(2026, 12))}
    # window billing 1,200,000: penalties cap 120,000; used 6,000 = 5%
    assert positions["penalties"].limit == Decimal("120000.00") and positions["penalties"].used == Decimal(6000)
    assert positions["penalties"].status == "ok"
    # liability cap: 12 × average 100,000 = 1,200,000; penalties count toward it
    assert positions["liability"].limit == Decimal("1200000.00") and positions["liability"].used == Decimal(6000)


def test_warning_before_a_cap_is_reached(contract):
    positions = {p.cap: p for p in cap_positions(contract, history("8000"), Month(2026, 12),
                                                 claims=Decimal(1000000))}
    assert positions["penalties"].status == "warning"  # 96,000 / 120,000 = 80%
    assert positions["liability"].status == "warning"  # 1,096,000 / 1,200,000 = 91.3%
    assert "80.0%" in positions["penalties"].message


def test_cap_reached_and_exceeded(contract):
    assert {p.cap: p.status for p in cap_positions(contract, history("10000"), Month(2026, 12))}["penalties"] \
        == "reached"
    assert {p.cap: p.status for p in cap_positions(contract, history("10001"), Month(2026, 12))}["penalties"] \
        == "exceeded"


def test_only_the_twelve_month_window_counts(contract):
    old = [BilledMonth(Month(2025, 1), Decimal(100000), Decimal(50000))]
    positions = {p.cap: p for p in cap_positions(contract, old + history("0"), Month(2026, 12))}
    assert positions["penalties"].used == 0
