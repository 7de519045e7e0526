"""Month-long scenarios: inputs written here, expected amounts computed by hand in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.settle.scenarios import INDEXATION, NOVEMBER, W1_BAND, at, contract, facts, row, sl_contract, w1
from tests.workforce.workforce_reference import erlang_a_reference

from charte.domain.calendar import Month
from charte.settle import ForecastSeries, Incident, IndexValue, LineKind, MeasuredKpi, StaffingBlock, settle
from charte.settle.engine import lines_of
from charte.settle.explain import explain

MINIMUM = """\
forecasts:
  horizons: [{name: M-1, issued_before: 1 month, granularity: month}]
  band: {under: 10%, over: 10%, horizon: M-1}
  minimum_billing: {rule: staffed_hours_for_forecast, floor: 90%, horizon: M-1}
"""


def _month_forecast(volume: float) -> ForecastSeries:
    # November 2026 starts at 00:00 Paris = 2026-10-31 23:00 UTC
    return ForecastSeries.build("inbound", "M-1", "month", date(2026, 10, 1), [at("2026-10-31T23:00")], [volume],
                                [180.0])


def test_floor_top_up_when_volume_falls_below_the_band():
    # M-1 forecast 1,000 calls; 800 arrived: under 1,000 × (1 − 10%) = 900, so the minimum applies.
    # The provider planned 20 agents on 10 half-hours: 20 × 10 × 0.5 = 100 staffed hours.
    # Minimum = 90% × 100 h = 90 h; productive hours billed: 10 × 7 h = 70 h; top-up 20 h.
    # Lines: 70 h × 30.00 = 2,100.00; top-up 20 h × 30.00 = 600.00. Total 2,700.00; VAT 20% 540.00; 3,240.00.
    starts = [f"2026-11-02T{8 + i // 2:02d}:{30 * (i % 2):02d}" for i in range(10)]
    rows = [row(s, 80, 70, productive_hours=7) for s in starts]
    staffing = StaffingBlock.build("inbound", 30, [at(s) for s in starts], [20] * 10)
    result = settle(contract(MINIMUM), NOVEMBER, facts(rows, forecasts=[_month_forecast(1000)], staffing=[staffing]))
    service, top_up = result.lines
    assert (service.kind, service.quantity, service.amount) == (LineKind.SERVICE, Decimal(70), Decimal("2100.00"))
    assert top_up.kind == LineKind.MINIMUM_BILLING
    assert (top_up.quantity, top_up.unit_price, top_up.amount) == (Decimal(20), Decimal("30.00"), Decimal("600.00"))
    assert top_up.clause == "forecasts.minimum_billing"
    figures = top_up.explanation.figures
    assert (figures["horizon"], figures["basis"], figures["actual_volume"]) == ("M-1", Decimal(100), 800)
    assert result.total_excluding_vat == Decimal("2700.00")
    assert (result.vat, result.total_including_vat) == (Decimal("540.00"), Decimal("3240.00"))
    assert "sous la bande" in explain(top_up, "fr") and "below the band" in explain(top_up, "en")


def test_no_top_up_inside_the_band():
    # 950 arrived for 1,000 forecast: inside the band (≥ 900), nothing is added.
    rows = [row("2026-11-02T09:00", 950, 900, productive_hours=10)]
    staffing = StaffingBlock.build("inbound", 30, [at("2026-11-02T09:00")], [400])
    result = settle(contract(MINIMUM), NOVEMBER, facts(rows, forecasts=[_month_forecast(1000)], staffing=[staffing]))
    assert [line.kind for line in result.lines] == [LineKind.SERVICE]
    assert result.minimum_billing[0].periods_under == 0



@pytest.mark.parametrize(("october_2026", "rounding", "unit_price", "amount", "bounded"), [
    # 0.15 + 0.85 × 309/300 = 0.15 + 0.8755 = 1.0255; 28.50 × 1.0255 = 29.22675, rounded to the cent 29.23 (the
    # default: the revised price is rounded before it multiplies); × 100 h = 2,923.00
    ("309.0", "cent", Decimal("29.23"), Decimal("2923.00"), None),
    # the same, the contract keeping revised prices exact: 29.22675 × 100 h = 2,922.675 → 2,922.68
    ("309.0", "none", Decimal("29.22675"), Decimal("2922.68"), None),
    # 0.15 + 0.85 × 315/300 = 1.0425, above the 4% cap: 28.50 × 1.04 = 29.64; × 100 h = 2,964.00
    ("315.0", "cent", Decimal("29.64"), Decimal("2964.00"), "cap"),
    # 0.15 + 0.85 × 294/300 = 0.983, below the 0% floor: the price stays 28.50; 2,850.00
    ("294.0", "cent", Decimal("28.50"), Decimal("2850.00"), "floor"),
])
def test_indexed_hourly_price(october_2026, rounding, unit_price, amount, bounded):
    # Term from 2026-01-01: the first anniversary is 2027-01-01; with a 3-month lag, I = October 2026.
    c = contract(INDEXATION + f"  revised_price_rounding: {rounding}\n", price="28.50")
    index = [IndexValue("syntec", Month(2025, 8), Decimal("300.0")),
             IndexValue("syntec", Month(2026, 10), Decimal(october_2026))]
    rows = [row("2027-02-01T09:00", 100, 90, productive_hours=100)]
    result = settle(c, Month(2027, 2), facts(rows, index_values=index))
    (line,) = result.lines
    assert (line.base_unit_price, line.unit_price, line.amount) == (Decimal("28.50"), unit_price, amount)
    assert result.indexation.revisions[-1].bounded == bounded
    assert result.indexation.revisions[-1].index_month == "2026-10"
    assert "(October 2026)" in explain(line, "en") and "(octobre 2026)" in explain(line, "fr")


def test_no_revision_before_the_first_anniversary():
    # November 2026 is before the first anniversary (2027-01-01): the base price applies, no index needed.
    rows = [row("2026-11-02T09:00", 100, 90, productive_hours=10)]
    (line,) = settle(contract(INDEXATION), NOVEMBER, facts(rows)).lines
    assert (line.unit_price, line.amount) == (Decimal("30.00"), Decimal("300.00"))


def _sl_facts(answered: int):
    # one interval carrying the month, as forecast: 100 productive hours → 100 × 30.00 = 3,000.00 billed
    return facts([row("2026-11-02T09:00", 100, answered, productive_hours=100)],
                 forecasts=[w1([("2026-11-02T09:00", 100)])])


def test_malus_capped_shows_the_uncapped_amount():
    # SL = 70/100 = 70%, 10 points under 80%: 10 × 1% = 10% of 3,000.00 = 300.00 uncapped;
    # the grid caps the malus at 5%: −150.00. Total 3,000.00 − 150.00 = 2,850.00.
    result = settle(sl_contract("raw"), NOVEMBER, _sl_facts(70))
    (malus,) = lines_of(result, LineKind.MALUS)
    assert malus.amount == Decimal("-150.00")
    f = malus.explanation.figures
    assert f["capped"] is True and f["amount_uncapped"] == Decimal("-300.00")
    assert f["rate_uncapped"] == Decimal("0.10") and f["rate"] == Decimal("0.05")
    assert result.total_excluding_vat == Decimal("2850.00")
    assert "plafonné à 5\u00a0%" in explain(malus, "fr") and "uncapped: -€300.00" in explain(malus, "en")


def test_penalties_cap_of_the_liability_clause_bites_after_the_grid_cap():
    # Same month; the liability clause caps penalties at 3% of billing: 3% × 3,000.00 = 90.00.
    # Grid malus −150.00, then a cap adjustment of +60.00: net −90.00; total 2,910.00.
    liability = "liability: {cap_months_of_billing: 12, penalties_cap: 3%}\n"
    result = settle(sl_contract("raw", liability), NOVEMBER, _sl_facts(70))
    (cap,) = lines_of(result, LineKind.CAP_ADJUSTMENT)
    assert cap.amount == Decimal("60.00") and cap.clause == "liability.penalties_cap"
    assert result.total_excluding_vat == Decimal("2910.00")


def test_bonus_above_its_threshold():
    # SL = 90/100 = 90%: 5 points above the 85% bonus threshold × 0.5% = 2.5% of 3,000.00 = +75.00.
    result = settle(sl_contract("raw"), NOVEMBER, _sl_facts(90))
    (bonus,) = lines_of(result, LineKind.BONUS)
    assert bonus.amount == Decimal("75.00") and not bonus.explanation.figures["capped"]
    assert result.total_excluding_vat == Decimal("3075.00")


def test_interval_neutralised_when_volume_left_the_band():
    # 09:00: forecast 100, offered 100 (in band), 85 answered within 20 s.
    # 09:30: forecast 100, offered 150 (> 110: over the band), 60 answered.
    # Raw = 145/250 = 58% (would cost the capped 5%); neutralised = 85/100 = 85%: target met, no malus,
    # and no bonus (85% is not above the 85% bonus threshold). Total = 100 h × 30.00 = 3,000.00.
    rows = [row("2026-11-02T09:00", 100, 85, productive_hours=50), row("2026-11-02T09:30", 150, 60,
                                                                        productive_hours=50)]
    forecast = w1([("2026-11-02T09:00", 100), ("2026-11-02T09:30", 100)])
    result = settle(sl_contract("band_neutralised"), NOVEMBER, facts(rows, forecasts=[forecast]))
    (sl,) = result.service_results
    assert (sl.raw, sl.band_neutralised, sl.result) == (Decimal("0.58"), Decimal("0.85"), Decimal("0.85"))
    assert sl.out_of_band_intervals == 1 and sl.met
    assert not lines_of(result, LineKind.MALUS) and result.total_excluding_vat == Decimal("3000.00")


def test_client_incident_is_set_aside():
    # 09:30 is inside a client CRM outage: excluded, so SL = 85/100 = 85% instead of (85 + 10)/200 = 47.5%.
    rows = [row("2026-11-02T09:00", 100, 85, productive_hours=50), row("2026-11-02T09:30", 100, 10,
                                                                        productive_hours=50)]
    outage = Incident("inbound", at("2026-11-02T09:40"), at("2026-11-02T10:10"), "client_outage", "client")
    forecast = w1([("2026-11-02T09:00", 100), ("2026-11-02T09:30", 100)])
    result = settle(sl_contract("raw"), NOVEMBER, facts(rows, incidents=[outage], forecasts=[forecast]))
    (sl,) = result.service_results
    assert (sl.raw, sl.excluded_intervals) == (Decimal("0.85"), 1)
    assert not lines_of(result, LineKind.MALUS)


def _reference_agents(calls: float, aht: float, patience: float) -> int:
    """Smallest n with Erlang A service level ≥ 80% within 20 s (independent 50-digit reference)."""
    load = calls * aht / 1800
    n = 1
    while erlang_a_reference(load, n, aht, patience, 20)["service_level"] < 0.8:
        n += 1
    return n


def test_fair_evaluation_clears_the_provider_when_the_client_flooded_the_queue():
    # 09:00: forecast 100, offered 100 (in band), 82 answered within 20 s.
    # 09:30: forecast 100, offered 300 (3×, out of band), 90 answered (30%).
    # AHT 180 s, no waits reported → default patience 180 s. Staffing for the forecast: the smallest n
    # reaching 80/20 at 100 × 180 / 1800 = 10 Erlangs; with n agents and 30 Erlangs the achievable SL is
    # tiny (reference below), under the 30% the provider reached: the interval counts as meeting 80%:
    # credit = 0.80 × 300 − 90 = 150. Fair = (82 + 90 + 150) / 400 = 322/400 = 80.5% ≥ 80%: no malus.
    # Raw = 172/400 = 43% would have cost the capped 5% (150.00).
    rows = [row("2026-11-02T09:00", 100, 82, productive_hours=50), row("2026-11-02T09:30", 300, 90,
                                                                        productive_hours=50)]
    forecast = w1([("2026-11-02T09:00", 100), ("2026-11-02T09:30", 100)])
    result = settle(sl_contract("fair"), NOVEMBER, facts(rows, forecasts=[forecast]))
    (sl,) = result.service_results
    assert (sl.raw, sl.fair, sl.patience_source) == (Decimal("0.43"), Decimal("0.805"), "default")
    (adjusted,) = sl.adjusted
    n = _reference_agents(100, 180, 180)
    achievable = erlang_a_reference(30, n, 180, 180, 20)["service_level"]
    assert adjusted.agents_for_forecast == n and abs(float(adjusted.achievable) - float(achievable)) < 1e-5
    assert achievable < 0.30 and adjusted.credit == Decimal("150.000")
    assert not lines_of(result, LineKind.MALUS) and result.total_excluding_vat == Decimal("3000.00")


def test_fair_evaluation_does_not_clear_a_shortfall_the_forecast_staffing_would_have_avoided():
    # 09:30: forecast 100, offered 80 (under the band): the staffing for 100 calls could reach far more than 80%
    # under 80 calls (reference below), so no credit: fair = raw = (82 + 40) / 180 = 67.7778% (to the millionth).
    # Malus: (80 − 67.7778) = 12.2222 points × 1% = 12.22%, capped at 5% of 3,000.00 = −150.00.
    rows = [row("2026-11-02T09:00", 100, 82, productive_hours=50), row("2026-11-02T09:30", 80, 40,
                                                                        productive_hours=50)]
    forecast = w1([("2026-11-02T09:00", 100), ("2026-11-02T09:30", 100)])
    result = settle(sl_contract("fair"), NOVEMBER, facts(rows, forecasts=[forecast]))
    (sl,) = result.service_results
    assert sl.fair == sl.raw == Decimal("0.677778")
    n = _reference_agents(100, 180, 180)
    assert erlang_a_reference(8, n, 180, 180, 20)["service_level"] > 0.8
    assert sl.adjusted == ()
    (malus,) = lines_of(result, LineKind.MALUS)
    assert malus.amount == Decimal("-150.00")


def test_fair_evaluation_on_the_demo_month_adjusts_the_mailing_day_only(tmp_path):
    # The demo contract checks the band per day on the M-1 forecast (±10%). The unannounced client mailing of
    # 13 October (+30%) takes that day out of the band: its intervals are judged on what the W-1 staffing could
    # achieve. Days in the band are judged as measured. The malus is what the fair result still misses:
    # (82% − fair) × 100 points × 1% of the activity's invoice.
    from charte.demo.run import run_demo

    demo = run_demo(tmp_path)
    (sl, _quality) = demo.settlement.service_results
    assert sl.band["band_checked_per"] == "day" and sl.band["band_horizon"] == "M-1"
    assert sl.raw < sl.fair < sl.target
    adjusted_days = {a.start[:10] for a in sl.adjusted}
    assert "2026-10-13" in adjusted_days
    assert sl.band["band_periods_over"] + sl.band["band_periods_under"] >= len(adjusted_days)
    (malus,) = lines_of(demo.settlement, LineKind.MALUS)
    points = (sl.target - sl.fair) * 100
    assert malus.explanation.figures["points"] == points
    (service,) = lines_of(demo.settlement, LineKind.SERVICE)
    assert malus.amount == -(points * Decimal("0.01") * service.amount).quantize(Decimal("0.01"))


QUALITY = """\
  - id: quality
    activity: inbound
    metric: quality_score
    target: 85%
  - id: answer
    activity: inbound
    metric: answer_rate
    target: 95%
"""


def _three_grids(overall: str) -> object:
    grids = SL_GRID_QUALITY.format(overall=overall)
    return contract(W1_BAND, "service_commitments:\n" + SL_ITEM + QUALITY, grids)


SL_ITEM = """\
  - id: sl
    activity: inbound
    metric: service_level
    answered_within: 20s
    target: 80%
"""
SL_GRID_QUALITY = """\
bonus_malus:
  grids:
    sl: {{malus: {{per_point: 1%}}, cap_malus: 5%}}
    answer: {{malus: {{per_point: 1%}}, cap_malus: 5%}}
    quality: {{malus: {{per_point: 1%}}, cap_malus: 5%}}
  overall_cap: {{malus: {overall}}}
  symmetric: false
"""


def test_no_double_penalty_and_the_overall_cap():
    # SL 70% (10 points under 80%: 10% → capped 5% = −150.00); answer rate 92/100 = 92% (3 points under 95%:
    # 3% = −90.00) measures the same failure: only the larger malus of the two (sl) applies.
    # Quality 80% (5 points under 85% → 5% = −150.00) is another failure and applies.
    # Maluses −300.00; the overall cap of 8% × 3,000.00 = 240.00 gives back 60.00. Total 3,000 − 240 = 2,760.00.
    rows = [row("2026-11-02T09:00", 100, 70, handled=92, productive_hours=100)]
    quality = MeasuredKpi("inbound", "quality", Decimal("0.80"), sample=40, agents=10)  # 4 evaluations per agent
    result = settle(_three_grids("8%"), NOVEMBER, facts(rows, forecasts=[w1([("2026-11-02T09:00", 100)])],
                                                        kpis=[quality]))
    maluses = lines_of(result, LineKind.MALUS)
    assert [(m.clause, m.amount) for m in maluses] == [
        ("bonus_malus.grids[quality]", Decimal("-150.00")), ("bonus_malus.grids[sl]", Decimal("-150.00"))]
    assert any("answer" in n and "no double penalty" in n for n in result.notes)
    (cap,) = lines_of(result, LineKind.CAP_ADJUSTMENT)
    assert cap.amount == Decimal("60.00") and cap.explanation.figures["uncapped"] == Decimal("300.00")
    assert result.total_excluding_vat == Decimal("2760.00")
