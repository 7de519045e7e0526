from datetime import date
from decimal import Decimal

import pytest

from charte.demo.run import default_contract_path
from charte.domain.calendar import Month
from charte.exit import NoticeError, assess_notice, ramp_down_plan
from charte.io.contract_yaml import load_contract


@pytest.fixture(scope="module")
def contract():
    # relationship since 2019-09-01; notice 10 months; 1 month per year; ramp-down linear over 3 months, min 50%;
    # minimum billing floor 90%
    return load_contract(default_contract_path())


def test_notice_proportional_to_the_relationship(contract):
    notice = assess_notice(contract, date(2026, 9, 1))
    # 2019-09-01 → 2026-09-01 = 2,557 days = 7.0007 years × 1 month
    assert notice.relationship_years.quantize(Decimal("0.0001")) == Decimal("7.0007")
    assert notice.owed_months.quantize(Decimal("0.01")) == Decimal("7.00")
    assert notice.ends_on == date(2027, 7, 1) and notice.is_sufficient


def test_short_notice_for_a_long_relationship_is_flagged_and_capped_at_18_months(contract):
    older = contract.model_copy(update={"relationship_since": date(2000, 1, 1)})
    notice = assess_notice(older, date(2026, 9, 1))
    assert notice.owed_months == Decimal(18)  # 26.7 years × 1 month, capped by the L442-1 II safe harbour
    assert [code for code, _ in notice.findings] == ["notice_short_for_relationship"]
    assert "8.0 months short" in notice.findings[0][1]


def test_notice_before_the_relationship_is_an_error(contract):
    with pytest.raises(NoticeError, match="notice_before_relationship"):
        assess_notice(contract, date(2019, 1, 1))


def test_linear_ramp_down_over_the_last_three_months_with_its_floor(contract):
    plan = ramp_down_plan(contract, date(2026, 9, 1), {"service-inbound": Decimal(30000)})
    assert str(plan.months[0].month) == "2026-09" and str(plan.months[-1].month) == "2027-06"
    shares = {str(m.month): m.share for m in plan.months}
    assert all(shares[str(Month(2026, 9).plus(k))] == 1 for k in range(7))  # Sep → Mar at 100%
    # Apr, May, Jun: linear 2/3, 1/3, 0 — floored at the 50% guaranteed volume
    assert shares["2027-04"] == Decimal(2) / 3 and shares["2027-05"] == Decimal("0.5") == shares["2027-06"]
    june = plan.months[-1]
    assert june.committed["service-inbound"] == Decimal(15000)
    assert june.minimum_billed["service-inbound"] == Decimal(13500)  # 90% minimum billing on 15,000
    rows = plan.rows()
    assert rows[-1] == {"month": "2027-06", "share_of_forecast": "0.5000", "minimum_billing_share": "0.4500",
                        "activity": "service-inbound", "committed_volume": "15000.00",
                        "minimum_billed_volume": "13500.00"}
