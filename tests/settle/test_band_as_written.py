"""The tolerance band applied at the horizon and period the contract names; interval relief only when stated.

Scenario: 30.00 per productive hour, 100 h in the month (3,000.00); service level 80% in 20 s evaluated
fairly; malus 1% per point capped at 5%. Two half-hours on 2 November, W-1 forecast 100 calls each.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.settle.scenarios import HEAD, NOVEMBER, SL_GRID, at, contract, facts, row, w1

from charte.io.contract_yaml import check_contract_text
from charte.settle import ForecastSeries, LineKind, settle
from charte.settle.engine import lines_of


def _bands(band: str, interval_band: str = "") -> str:
    return f"""\
forecasts:
  horizons:
    - {{name: M-1, issued_before: 1 month, granularity: month}}
    - {{name: W-1, issued_before: 7 days, granularity: 30min}}
  band: {band}
{interval_band}"""


def _m1(volume: float) -> ForecastSeries:
    return ForecastSeries.build("inbound", "M-1", "month", date(2026, 10, 1), [at("2026-10-31T23:00")], [volume], [180])


def _month(second_offered: int, second_answered: int, m1: float):
    # 09:00: 70 calls, 60 answered within 20 s; 09:30: the second interval; 50 productive hours each.
    rows = [row("2026-11-02T09:00", 70, 60, productive_hours=50),
            row("2026-11-02T09:30", second_offered, second_answered, productive_hours=50)]
    return facts(rows, forecasts=[_m1(m1), w1([("2026-11-02T09:00", 100), ("2026-11-02T09:30", 100)])])


def test_a_month_in_its_monthly_band_has_no_interval_out_of_band():
    # Band: M-1 per month ±10%. Month: forecast 200, offered 70 + 130 = 200: in band. The half-hours left ±10% of
    # their W-1 forecast (70 and 130 against 100), but the contract checks the month: no interval is out of band,
    # fair = raw = (60 + 52) / 200 = 56%: 24 points under 80% × 1% = 24%, capped at 5% of 3,000.00 = −150.00.
    # (Checking every half-hour against ±10% would have credited the 130-call half-hour.)
    c = contract(_bands("{under: 10%, over: 10%, horizon: M-1, checked_per: month}"), SL_GRID.format(
        evaluation="fair"))
    result = settle(c, NOVEMBER, _month(130, 52, 200))
    (sl,) = result.service_results
    assert (sl.raw, sl.fair, sl.out_of_band_intervals, sl.adjusted_count) == (Decimal("0.56"), Decimal("0.56"), 0, 0)
    assert sl.band["band_checked_per"] == "month" and sl.band["band_periods"] == 1
    (malus,) = lines_of(result, LineKind.MALUS)
    assert malus.amount == Decimal("-150.00")


def test_a_month_out_of_its_band_puts_every_interval_out():
    # Same month, M-1 forecast 150: 200 > 150 × 1.10 = 165 → the month is over the band, so both half-hours are
    # out of band (over) and evaluated fairly.
    c = contract(_bands("{under: 10%, over: 10%, horizon: M-1, checked_per: month}"), SL_GRID.format(
        evaluation="band_neutralised"))
    result = settle(c, NOVEMBER, _month(130, 52, 150))
    (sl,) = result.service_results
    assert sl.out_of_band_intervals == 2 and sl.band["band_periods_over"] == 1
    assert sl.band_neutralised is None  # every measured interval was set aside


@pytest.mark.parametrize(("z", "out"), [
    # Interval band ±10% or z × √f: f = 100 → 10% is 10 calls, 3 × √100 = 30, 2 × √100 = 20.
    # 09:30 had 125 calls: inside 100 + 30 (z = 3), outside 100 + 20 (z = 2). 09:00 had 70: on the lower edge
    # 100 − 30 = 70 for z = 3 (in), under 100 − 20 = 80 for z = 2 (out). The month (195 for 195) is in its band.
    ("3", 0),
    ("2", 2),
])
def test_interval_relief_only_when_stated_and_noise_aware(z, out):
    c = contract(_bands("{under: 10%, over: 10%, horizon: M-1, checked_per: month}",
                        f"  interval_band: {{horizon: W-1, under: 10%, over: 10%, poisson_z: {z}}}\n"),
                 SL_GRID.format(evaluation="fair"))
    result = settle(c, NOVEMBER, _month(125, 50, 195))
    (sl,) = result.service_results
    assert sl.out_of_band_intervals == out
    assert sl.band["interval_band_formula"] == f"f − max(10% × f, {z} × √f) ≤ a ≤ f + max(10% × f, {z} × √f)"


def test_a_band_checked_per_day_relieves_only_the_days_out_of_it():
    # Band M-1 per day ±10%: 2 November forecast 100, offered 150 (over); 3 November forecast 100, offered 100 (in).
    bands = """\
forecasts:
  horizons:
    - {name: M-1, issued_before: 1 month, granularity: day}
    - {name: W-1, issued_before: 7 days, granularity: 30min}
  band: {under: 10%, over: 10%, horizon: M-1, checked_per: day}
"""
    from datetime import datetime

    from charte.domain.calendar import PARIS

    days = [datetime(2026, 11, 2, tzinfo=PARIS), datetime(2026, 11, 3, tzinfo=PARIS)]
    m1 = ForecastSeries.build("inbound", "M-1", "day", date(2026, 10, 1), days, [100, 100], [180, 180])
    rows = [row("2026-11-02T09:00", 150, 60, productive_hours=50), row("2026-11-03T09:00", 100, 85,
                                                                        productive_hours=50)]
    f = facts(rows, forecasts=[m1, w1([("2026-11-02T09:00", 100), ("2026-11-03T09:00", 100)])])
    result = settle(contract(bands, SL_GRID.format(evaluation="band_neutralised")), NOVEMBER, f)
    (sl,) = result.service_results
    # set aside: 2 November; judged on 3 November alone: 85/100 = 85%
    assert (sl.out_of_band_intervals, sl.band_neutralised) == (1, Decimal("0.85"))


@pytest.mark.parametrize(("band", "code"), [
    ("{under: 10%, over: 10%, horizon: M-1, checked_per: interval}", "band_finer_than_forecast"),
    ("{under: 10%, over: 10%, horizon: M-1, checked_per: week}", "week_period_not_settleable"),
])
def test_a_band_the_forecast_cannot_be_checked_per_is_refused_at_validation(band, code):
    _, problems = check_contract_text(HEAD + _bands(band), "c.yaml")
    assert code in [p.code for p in problems if p.is_error]
