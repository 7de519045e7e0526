"""Every option the contract schema accepts is honoured by settlement or scorecard, or refused by `charte validate`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.charter.test_scorecard_axes import TODAY, build
from tests.settle.scenarios import HEAD, NOVEMBER, contract, facts, row

from charte.charter import scorecard
from charte.domain.calendar import Month
from charte.io.contract_yaml import check_contract_text
from charte.settle import LineKind, MeasuredKpi, SettlementError, settle
from charte.settle.engine import lines_of


def _errors(text: str) -> dict[str, int]:
    _, problems = check_contract_text(HEAD + text, "c.yaml")
    return {p.code: p.line for p in problems if p.is_error}


def _line(text: str, needle: str) -> int:
    lines = (HEAD + text).splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


@pytest.mark.parametrize(("text", "code", "needle"), [
    ("service_commitments:\n  - {id: sl, activity: inbound, metric: service_level, answered_within: 20s, "
     "target: 80%,\n     window: day}\n", "window_not_supported", "window: day"),
    ("service_commitments:\n  - {id: q, activity: inbound, metric: quality_score, target: 85%,\n"
     "     exclusions: [client_incidents]}\n", "exclusion_not_applicable", "exclusions"),
    ("service_commitments:\n  - {id: sl, activity: inbound, metric: service_level, answered_within: 20s, "
     "target: 80%,\n     exclusions: [spam]}\n", "exclusion_not_applicable", "exclusions"),
])
def test_measurement_options_a_monthly_settlement_cannot_apply_are_refused_at_their_line(text, code, needle):
    assert _errors(text)[code] == _line(text, needle)


def _priced(pricing: dict):
    c = contract()
    document = c.document()
    document["activities"][0]["pricing"] = pricing
    return type(c).model_validate(document)


@pytest.mark.parametrize(("pricing", "columns", "amount"), [
    # handle time to the second: 5,430 s ÷ 60 × 0.50 = 45.25
    ({"of": "handle_time"}, {}, Decimal("45.25")),
    # talk time to the second: 4,230 s ÷ 60 × 0.50 = 35.25
    ({"of": "talk_time"}, {"talk_seconds": 4230}, Decimal("35.25")),
    # every contact's handle time rounded up to the minute, as measured from contact records: 97 × 0.50 = 48.50
    ({"rounding": "started_minute"}, {"handle_started_minutes": 97}, Decimal("48.50")),
])
def test_per_minute_prices_bill_the_time_the_contract_names(pricing, columns, amount):
    c = _priced({"per": "minute", "price": "0.50", **pricing})
    rows = [row("2026-11-02T09:00", 30, 30, aht=181, **columns)]  # 30 × 181 s = 5,430 s of handle time
    (line,) = settle(c, NOVEMBER, facts(rows)).lines
    assert line.amount == amount


def test_per_minute_on_talk_time_without_talk_seconds_is_a_clear_error():
    c = _priced({"per": "minute", "price": "0.50", "of": "talk_time"})
    with pytest.raises(SettlementError) as error:
        settle(c, NOVEMBER, facts([row("2026-11-02T09:00", 30, 30)]))
    assert error.value.codes == ("missing_column",) and "`talk_seconds`" in str(error.value)


def test_intervals_outside_opening_hours_are_set_aside_when_the_contract_says_so():
    # Opening hours Mo-Sa 08:00–20:00 (Paris). 2 November 09:00 UTC = 10:00 Paris: open, 80/100 answered.
    # 20:00 UTC = 21:00 Paris: closed, 0/20 answered (overflow routed after hours). With the exclusion: 80%; without:
    # 80/120 = 66.6667%.
    rows = [row("2026-11-02T09:00", 100, 80, productive_hours=1), row("2026-11-02T20:00", 20, 0)]
    text = """\
service_commitments:
  - {{id: sl, activity: inbound, metric: service_level, answered_within: 20s, target: 80%{extra}}}
"""
    excluded = settle(contract(text.format(extra=", exclusions: [outside_opening_hours]")), NOVEMBER, facts(rows))
    counted = settle(contract(text.format(extra="")), NOVEMBER, facts(rows))
    (sl,) = excluded.service_results
    assert sl.raw == Decimal("0.8") and sl.outside_hours_intervals == 1
    assert counted.service_results[0].raw == Decimal("0.666667")


def test_a_tacitly_renewed_term_goes_on_after_its_end():
    # Term 2026-01-01 – 2028-12-31; March 2029 is after the end: refused, unless renewed by tacit agreement.
    rows = [row("2029-03-01T09:00", 10, 10, productive_hours=1)]
    with pytest.raises(SettlementError, match="period_outside_term"):
        settle(contract(), Month(2029, 3), facts(rows))
    renewed = contract().document()
    renewed["term"]["renewal"] = "tacit_yearly"
    c = type(contract()).model_validate(renewed)
    result = settle(c, Month(2029, 3), facts(rows))
    assert result.total_excluding_vat == Decimal("30.00")
    assert any("tacit" in n and "renewal year 1" in n for n in result.notes)


QUALITY = """\
service_commitments:
  - {id: q, activity: inbound, metric: quality_score, target: 85%, evaluations_per_agent: 4}
bonus_malus:
  grids:
    q: {malus: {per_point: 1%}, cap_malus: 5%}
  overall_cap: {malus: 8%}
  symmetric: false
"""


@pytest.mark.parametrize(("sample", "malus"), [
    # 10 agents × 4 evaluations = 40 required; 40 given: 80% measured, 5 points under 85% × 1% of 30.00 = −1.50
    (40, Decimal("-1.50")),
    # 30 evaluations: under the 40 the contract requires — not a measure: no malus
    (30, None),
])
def test_a_quality_score_rests_on_the_evaluations_the_contract_requires(sample, malus):
    kpi = MeasuredKpi("inbound", "q", Decimal("0.80"), sample=sample, agents=10)
    result = settle(contract(QUALITY), NOVEMBER, facts([row("2026-11-02T09:00", 10, 10, productive_hours=1)],
                                                       kpis=[kpi]))
    got = lines_of(result, LineKind.MALUS)
    assert (got[0].amount if got else None) == malus
    if malus is None:
        assert any("under the 40" in n for n in result.notes)


def test_scorecard_reads_accuracy_metric_reversibility_carve_outs_and_policies():
    doc = {"forecasts": {**build().document()["forecasts"], "accuracy_metric": "bias"},
           "exit": {"notice": "6 months", "reversibility": False},
           "liability": {"cap_months_of_billing": 12, "carve_outs": ["wilful_misconduct"]},
           "charter_2010": {"ivr": {"agent_always_reachable": False},
                            "outbound_dialing": {"mode": "preview", "bloctel_screening": False,
                                                 "calling_hours": "Mo-Sa 09:00-21:00"}}}
    card = scorecard(build(**doc), [], today=date(2026, 9, 1))
    assert card.item("7", "reversibility").verdict == "warn"
    assert card.item("8", "carve_outs").figures["missing"] == ["gross_negligence"]
    assert card.item("2010", "ivr_policy").verdict == "fail"
    policy = card.item("2010", "dialing_policy")
    assert policy.verdict == "fail" and "Sa 09:00-21:00" in policy.figures["outside_legal_hours"]
    assert "Mo 09:00-21:00" in policy.figures["outside_legal_hours"] and "PH" in policy.figures["outside_legal_hours"]
    assert scorecard(build(), [], today=TODAY).item("8", "carve_outs").verdict == "pass"


def test_forecast_accuracy_is_scored_with_the_contracts_metric():
    # Two months, forecast 10,000: actual 8,000 (bias +25%) and 12,500 (bias −20%), weighted by actual volume:
    # (0.25 × 8,000 − 0.20 × 12,500) / 20,500 = (2,000 − 2,500) / 20,500 = −2.44%.
    from tests.charter.test_scorecard_axes import month

    history = []
    for period, actual, bias in (("2025-01", 8_000, "0.25"), ("2025-02", 12_500, "-0.2")):
        doc = month(period, forecast=10_000, actual=actual)
        doc["forecast_accuracy"][0]["bias"] = bias
        history.append(doc)
    forecasts = {**build().document()["forecasts"], "accuracy_metric": "bias"}
    item = scorecard(build(forecasts=forecasts), history, today=TODAY).item("1", "forecast_accuracy")
    assert item.figures["accuracy_metric"] == "bias"
    assert item.figures["accuracy_by_horizon"]["M-1"] == "-2.4%"  # shown to a tenth of a point
