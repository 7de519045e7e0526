"""Which forecast counts: cut by the period it forecasts, issued by the horizon's deadline, latest on time wins.

Each test writes its contract and forecast versions here; amounts are computed by hand in the comments.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tests.settle.scenarios import NOVEMBER, at, complete_rows, contract, facts, row, w1

from charte.domain.calendar import PARIS, Month
from charte.settle import ForecastSeries, LineKind, SettlementError, settle
from charte.settle.engine import lines_of

#: 2.00 per handled contact; M-1 forecast per month, due a month before the month it forecasts;
#: minimum billing: at least 90% of the M-1 forecast volume when volume falls under the ±10% band.
PER_CONTACT_MINIMUM = """\
forecasts:
  horizons: [{name: M-1, issued_before: 1 month, granularity: month, issue_period: month}]
  band: {under: 10%, over: 10%, horizon: M-1}
  minimum_billing: {rule: forecast_volume, floor: 90%, horizon: M-1}
"""


def _contract():
    c = contract(PER_CONTACT_MINIMUM)
    document = c.document()
    document["activities"][0]["pricing"] = {"per": "handled_contact", "price": "2.00"}
    return type(c).model_validate(document)


def m1(month: Month, volume: float, issued: date | datetime) -> ForecastSeries:
    """An M-1 forecast of ``month`` (one row at the month's first instant, Paris), issued on ``issued``."""
    start = datetime(month.year, month.month, 1, tzinfo=PARIS)
    issued_on = issued if not isinstance(issued, datetime) else issued.astimezone(PARIS).date()
    issued_at = issued if isinstance(issued, datetime) else None
    return ForecastSeries.build("inbound", "M-1", "month", issued_on, [start], [volume], [180.0], issued_at=issued_at)


def _november(*forecasts: ForecastSeries):
    # November: 700 offered, 650 handled → 650 × 2.00 = 1,300.00 billed before any minimum.
    return facts([row("2026-11-02T09:00", 700, 600, handled=650)], forecasts=list(forecasts))


def test_a_rolling_file_bills_the_minimum_on_the_settled_month_only():
    # One forecasts file holds the M-1 for October (5,000) and for November (1,000).
    # November's forecast only: 700 < 1,000 × 90% = 900 → under the band; minimum = 90% × 1,000 = 900 contacts;
    # top-up 900 − 650 = 250 × 2.00 = 500.00. (Adding October's 5,000 would give 90% × 6,000 − 650 = 4,750.)
    result = settle(_contract(), NOVEMBER, _november(m1(Month(2026, 10), 5000, date(2026, 9, 1)),
                                                     m1(NOVEMBER, 1000, date(2026, 10, 1))))
    (top_up,) = lines_of(result, LineKind.MINIMUM_BILLING)
    assert (top_up.quantity, top_up.amount) == (Decimal(250), Decimal("500.00"))
    assert result.minimum_billing[0].forecast_volume == Decimal(1000)
    assert result.total_excluding_vat == Decimal("1800.00")


def test_a_file_with_only_the_previous_month_is_a_missing_forecast():
    # Only September's M-1 is given; settling October: nothing forecasts October.
    october = facts([row("2026-10-05T09:00", 700, 600, handled=650)], forecasts=[m1(Month(2026, 9), 1000,
                                                                                     date(2026, 8, 1))])
    with pytest.raises(SettlementError) as error:
        settle(_contract(), Month(2026, 10), october)
    assert error.value.codes == ("missing_forecast",)
    assert "M-1" in str(error.value) and "2026-10" in str(error.value)


def test_the_latest_version_issued_by_the_deadline_wins_not_the_latest_overall():
    # Deadline of November's M-1: 1 month before 1 November = 1 October (until 24:00, Paris).
    # 10 Sep: 1,200 (on time, superseded); 25 Sep: 1,000 (on time, latest on time → used);
    # 20 Oct: 2,000 (late: never counts, noted).
    # With 1,000: minimum 900 − 650 handled = 250 × 2.00 = 500.00 (with 2,000 it would be 1,150 → 2,300.00).
    early, chosen, late = (m1(NOVEMBER, 1200, date(2026, 9, 10)), m1(NOVEMBER, 1000, date(2026, 9, 25)),
                           m1(NOVEMBER, 2000, date(2026, 10, 20)))
    result = settle(_contract(), NOVEMBER, _november(late, early, chosen))
    (top_up,) = lines_of(result, LineKind.MINIMUM_BILLING)
    assert top_up.amount == Decimal("500.00")
    fate = {v.issued: (v.status, v.periods_used) for v in result.forecast_versions}
    assert fate == {"2026-09-10": ("superseded", 0), "2026-09-25": ("used", 1), "2026-10-20": ("late", 0)}
    used = next(v for v in result.forecast_versions if v.status == "used")
    assert used.content_sha256 == chosen.content_sha256 and used.first_deadline == "2026-10-01"
    assert any("2026-10-20" in n and "after its deadline" in n for n in result.notes)
    assert '"forecast_versions"' in result.to_json()


def test_only_a_late_version_is_a_missing_forecast_naming_it():
    with pytest.raises(SettlementError) as error:
        settle(_contract(), NOVEMBER, _november(m1(NOVEMBER, 1000, date(2026, 10, 2))))
    assert error.value.codes == ("missing_forecast",)
    assert "2026-10-02" in str(error.value) and "after the deadline" in str(error.value)


@pytest.mark.parametrize(("issued_at", "on_time"), [
    # 1 October 23:30 in Paris (21:30 UTC) is still the deadline day: on time.
    (datetime(2026, 10, 1, 21, 30, tzinfo=UTC), True),
    # 1 October 22:30 UTC is 2 October 00:30 in Paris: one day late.
    (datetime(2026, 10, 1, 22, 30, tzinfo=UTC), False),
])
def test_the_deadline_day_is_counted_in_paris_time(issued_at, on_time):
    f = _november(m1(NOVEMBER, 1000, issued_at))
    if on_time:
        assert settle(_contract(), NOVEMBER, f).forecast_versions[0].status == "used"
    else:
        with pytest.raises(SettlementError, match="missing_forecast"):
            settle(_contract(), NOVEMBER, f)


W1_CONTRACT = """\
forecasts:
  horizons: [{name: W-1, issued_before: 7 days, granularity: 30min, issue_period: week}]
  band: {under: 10%, over: 10%, horizon: W-1, checked_per: interval}
"""


def test_a_week_ahead_forecast_issued_after_its_deadline_is_not_accepted():
    # W-1 for the week of Monday 2 November is due 7 days before: Monday 26 October. Issued 30 October: late.
    late = ForecastSeries.build("inbound", "W-1", "30min", date(2026, 10, 30), [at("2026-11-02T09:00")], [100], [180])
    rows = complete_rows([row("2026-11-02T09:00", 100, 80, productive_hours=10)])
    with pytest.raises(SettlementError) as error:
        settle(contract(W1_CONTRACT), NOVEMBER, facts(rows, forecasts=[late], complete=False))
    assert error.value.codes == ("missing_forecast",)
    assert "2026-10-30" in str(error.value)


def test_a_forecast_that_misses_opening_days_is_incomplete():
    # The W-1 has rows for 2 November only; the other 24 opening days of November have none.
    rows = [row("2026-11-02T09:00", 100, 80, productive_hours=10)]
    with pytest.raises(SettlementError) as error:
        settle(contract(W1_CONTRACT), NOVEMBER, facts(complete_rows(rows), forecasts=[w1([("2026-11-02T09:00", 100)])],
                                                      complete=False))
    assert error.value.codes == ("incomplete_forecast",)
    assert "24 opening day(s)" in str(error.value) and "2026-11-03" in str(error.value)


def test_rows_must_be_written_as_the_horizon_says():
    # The contract's M-1 is per month; a version per day is refused, as is a month row not at the month's start.
    per_day = ForecastSeries.build("inbound", "M-1", "day", date(2026, 10, 1), [datetime(2026, 11, 2, tzinfo=PARIS)],
                                   [1000], [180])
    mid_month = ForecastSeries.build("inbound", "M-1", "month", date(2026, 10, 1),
                                     [datetime(2026, 11, 15, tzinfo=PARIS)], [1000], [180])
    with pytest.raises(SettlementError) as error:
        settle(_contract(), NOVEMBER, _november(per_day, mid_month))
    assert set(error.value.codes) == {"forecast_granularity_mismatch", "misaligned_forecast_period",
                                      "missing_forecast"}


def test_the_demo_states_which_version_it_used(tmp_path):
    from charte.demo.run import run_demo

    s = run_demo(tmp_path).settlement
    used = {(v.horizon, v.status) for v in s.forecast_versions}
    assert ("M-1", "used") in used and ("W-1", "used") in used
    assert all(v.status != "late" for v in s.forecast_versions)


def test_two_versions_issued_at_the_same_time_that_disagree_are_refused():
    a, b = m1(NOVEMBER, 1000, date(2026, 9, 25)), m1(NOVEMBER, 1100, date(2026, 9, 25))
    with pytest.raises(SettlementError) as error:
        settle(_contract(), NOVEMBER, _november(a, b))
    assert "conflicting_forecast_versions" in error.value.codes and "1000" in str(error.value)
