"""Bad input: each a clear error naming what is missing; never a partial invoice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.settle.scenarios import NOVEMBER, at, contract, facts, row, sl_contract, w1
from tests.settle.test_month_scenarios import INDEXATION

from charte.domain.calendar import Month
from charte.settle import ForecastSeries, IndexValue, MeasuredKpi, SettlementError, interval_block, settle


def test_a_period_with_no_forecast():
    # The W-1 forecast given covers October, not November: the band cannot be checked.
    october = w1([("2026-10-05T09:00", 100)])
    with pytest.raises(SettlementError) as error:
        settle(sl_contract("fair"), NOVEMBER, facts([row("2026-11-02T09:00", 100, 80, productive_hours=10)],
                                                    forecasts=[october]))
    assert error.value.codes == ("missing_forecast",)
    assert "W-1" in str(error.value) and "inbound" in str(error.value) and "2026-11" in str(error.value)


def test_a_missing_index_value():
    # The 2027-01-01 revision needs October 2026 (3 months' lag); only the base month is given.
    with pytest.raises(SettlementError) as error:
        settle(contract(INDEXATION), Month(2027, 2), facts(
            [row("2027-02-01T09:00", 100, 90, productive_hours=10)],
            index_values=[IndexValue("syntec", Month(2025, 8), Decimal(300))]))
    assert error.value.codes == ("missing_index_value",)
    assert "2026-10" in str(error.value) and "syntec" in str(error.value)


def test_kpis_for_an_activity_the_contract_does_not_have():
    rows = [row("2026-11-02T09:00", 100, 80, productive_hours=10)]
    with pytest.raises(SettlementError) as error:
        settle(sl_contract("raw"), NOVEMBER, facts(rows, forecasts=[w1([("2026-11-02T09:00", 100)])],
                                                   kpis=[MeasuredKpi("outbound-sales", "quality", Decimal("0.9"))]))
    assert error.value.codes == ("unknown_activity",)
    assert "outbound-sales" in str(error.value) and "inbound" in str(error.value)


def test_every_problem_is_reported_together():
    # Intervals of an unknown activity, no forecast, and 24 opening days without rows: all named, no settlement.
    stray = interval_block("chat", [row("2026-11-02T09:00", 10, 10)])
    mine = interval_block("inbound", [row("2026-11-02T09:00", 100, 80, productive_hours=10)])
    from charte.settle import Facts

    with pytest.raises(SettlementError) as error:
        settle(sl_contract("raw"), NOVEMBER, Facts.of(intervals=[stray, mine]))
    assert set(error.value.codes) == {"unknown_activity", "missing_forecast", "interval_data_gap"}


def test_facts_are_validated_at_the_edge():
    with pytest.raises(SettlementError) as error:
        interval_block("inbound", [row("2026-11-02T09:00", 10, 5, handled=8, abandoned=5)])
    assert error.value.codes == ("offered_below_outcomes",)
    with pytest.raises(SettlementError) as error:
        interval_block("inbound", [row("2026-11-02T09:00", 10, 5), row("2026-11-02T09:00", 10, 5)])
    assert error.value.codes == ("duplicate_interval",)
    with pytest.raises(SettlementError) as error:
        ForecastSeries.build("inbound", "W-1", "30min", date(2026, 10, 26), [at("2026-11-02T09:00")], [-5], [180])
    assert error.value.codes == ("negative_value",)


def test_a_period_outside_the_term():
    with pytest.raises(SettlementError) as error:
        settle(contract(), Month(2029, 3), facts([row("2029-03-01T09:00", 10, 10, productive_hours=1)]))
    assert error.value.codes == ("period_outside_term",)
