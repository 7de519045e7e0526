"""The minimum-billing base is the whole committed forecast of the month; a day without rows is a gap, not zero.

Contract words (below): 2.00 per handled contact; the M-1 forecast per day, due a month before
the month; minimum billing at least 90% of the forecast volume when the month's offered volume
falls under the −10% edge of the band. November 2026, opening hours Mo–Sa: 25 opening days.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from tests.settle.scenarios import NOVEMBER, _open_days, at, contract, facts, row

from charte.domain.calendar import PARIS
from charte.settle import ForecastSeries, Incident, LineKind, SettlementError, StaffingBlock, settle
from charte.settle.engine import lines_of

DAILY_M1 = """\
forecasts:
  horizons: [{name: M-1, issued_before: 1 month, granularity: day, issue_period: month}]
  band: {under: 10%, over: 10%, horizon: M-1}
  minimum_billing: {rule: forecast_volume, floor: 90%, horizon: M-1}
"""
DAYS = _open_days([row("2026-11-02T09:00", 0, 0)], "Mo-Sa 08:00-20:00")


def _contract(extra: str = DAILY_M1, pricing: dict | None = None):
    c = contract(extra)
    document = c.document()
    document["activities"][0]["pricing"] = pricing or {"per": "handled_contact", "price": "2.00"}
    return type(c).model_validate(document)


def _m1(per_day: float = 100) -> ForecastSeries:
    return ForecastSeries.build("inbound", "M-1", "day", date(2026, 10, 1),
                                [datetime(d.year, d.month, d.day, tzinfo=PARIS) for d in DAYS], [per_day] * len(DAYS),
                                [180.0] * len(DAYS))


def _rows(days, calls: int):
    """One interval at 09:00 Paris (08:00 UTC in November) per day, every call handled."""
    return [row(f"{d.isoformat()}T08:00", calls, calls) for d in days]


def _whole_day(day: date) -> tuple[datetime, datetime]:
    return datetime(day.year, day.month, day.day, tzinfo=PARIS), datetime(day.year, day.month, day.day, 23, 59,
                                                                           tzinfo=PARIS)


def test_the_minimum_rests_on_the_whole_forecast_not_only_on_days_with_rows():
    # 25 days forecast 100 each: F = 2,500. The first 15 opening days had 95 calls each (1,425 handled); the
    # last 10 are declared open with no contact (effect no_contacts: the client's risk, so they stay in).
    # 1,425 < 2,500 × 90% = 2,250 → under the band; minimum 90% × 2,500 = 2,250; top-up 2,250 − 1,425 = 825
    # contacts × 2.00 = 1,650.00; billed 1,425 × 2.00 = 2,850.00; total 4,500.00.
    # (Counting only the forecast of days with rows, F = 1,500 and 1,425 ≥ 1,350: the top-up would vanish.)
    quiet = [Incident("inbound", *_whole_day(d), "client_process_change", "client", "no calls routed",
                      effect="no_contacts") for d in DAYS[15:]]
    f = facts(_rows(DAYS[:15], 95), forecasts=[_m1()], incidents=quiet, complete=False)
    result = settle(_contract(), NOVEMBER, f)
    (top_up,) = lines_of(result, LineKind.MINIMUM_BILLING)
    assert (top_up.quantity, top_up.amount) == (Decimal(825), Decimal("1650.00"))
    assert result.minimum_billing[0].forecast_volume == Decimal(2500)
    assert result.total_excluding_vat == Decimal("4500.00")


def test_days_without_rows_and_without_a_declaration_are_a_data_gap():
    f = facts(_rows(DAYS[:15], 95), forecasts=[_m1()], complete=False)
    with pytest.raises(SettlementError) as error:
        settle(_contract(), NOVEMBER, f)
    assert error.value.codes == ("interval_data_gap",)
    assert "10 opening day(s)" in str(error.value) and DAYS[15].isoformat() in str(error.value)


def test_a_month_with_no_rows_at_all_is_never_billed_zero():
    # An interval report whose November has no row: every opening day is a gap (never 0.00 with exit 0);
    # no report at all for the activity: its quantity cannot be measured.
    from charte.settle import Facts, IntervalBlock

    columns = {name: [] for name in ("interval_start", "offered", "handled", "abandoned", "answered_within_20s")}
    empty = IntervalBlock.build("inbound", columns)
    with pytest.raises(SettlementError) as error:
        settle(_contract(), NOVEMBER, Facts.of(intervals=[empty], forecasts=[_m1()]))
    assert error.value.codes == ("interval_data_gap",)
    assert "25 opening day(s)" in str(error.value)
    with pytest.raises(SettlementError) as error:
        settle(_contract(), NOVEMBER, Facts.of(forecasts=[_m1()]))
    assert error.value.codes == ("missing_intervals",)


@pytest.mark.parametrize(("side", "top_up"), [
    # Provider strike on 10 November: that day's forecast (100) and volume leave the comparison.
    # F = 2,400; actual 24 × 80 = 1,920 < 2,160 → minimum 90% × 2,400 = 2,160; top-up 240 × 2.00 = 480.00.
    ("provider", Decimal("480.00")),
    # Telephony closed by the client: the day stays in. F = 2,500; minimum 2,250; top-up 330 × 2.00 = 660.00.
    ("client", Decimal("660.00")),
])
def test_a_closed_day_counts_against_whoever_closed_it(side, top_up):
    strike_day = date(2026, 11, 10)
    closed = Incident("inbound", *_whole_day(strike_day), "strike", side, "site closed", effect="closed")
    f = facts(_rows([d for d in DAYS if d != strike_day], 80), forecasts=[_m1()], incidents=[closed],
              complete=False)
    result = settle(_contract(), NOVEMBER, f)
    (line,) = lines_of(result, LineKind.MINIMUM_BILLING)
    assert line.amount == top_up
    assert result.minimum_billing[0].days_excluded == (("2026-11-10",) if side == "provider" else ())


def test_staffed_hours_count_every_planned_interval():
    # Minimum on the hours the provider planned: 20 agents on ten half-hours of 2 November = 100 h; the ACD exported
    # rows for the five first half-hours only (no call after 10:30). M-1 per month 1,000; 400 calls → under 900.
    # Minimum 90% × 100 h = 90 h; productive hours billed 5 × 6 = 30 h; top-up 60 h × 30.00 = 1,800.00.
    # (Only the planned intervals that have a row: 50 h → minimum 45 h → top-up 15 h = 450.00.)
    minimum = """\
forecasts:
  horizons: [{name: M-1, issued_before: 1 month, granularity: month}]
  band: {under: 10%, over: 10%, horizon: M-1}
  minimum_billing: {rule: staffed_hours_for_forecast, floor: 90%, horizon: M-1}
"""
    starts = [f"2026-11-02T{8 + i // 2:02d}:{30 * (i % 2):02d}" for i in range(10)]
    rows = [row(s, 80, 70, productive_hours=6) for s in starts[:5]]
    staffing = StaffingBlock.build("inbound", 30, [at(s) for s in starts], [20] * 10)
    m1 = ForecastSeries.build("inbound", "M-1", "month", date(2026, 10, 1), [at("2026-10-31T23:00")], [1000], [180])
    result = settle(contract(minimum), NOVEMBER, facts(rows, forecasts=[m1], staffing=[staffing]))
    (line,) = lines_of(result, LineKind.MINIMUM_BILLING)
    assert (line.quantity, line.amount) == (Decimal(60), Decimal("1800.00"))
