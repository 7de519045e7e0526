"""`charte validate` refuses every clause a monthly settlement could not apply as written, at its line."""

from __future__ import annotations

import pytest
from tests.settle.scenarios import HEAD

from charte.io.contract_yaml import check_contract_text

FAIR_SL = """\
service_commitments:
  - {id: sl, activity: inbound, metric: service_level, answered_within: 20s, target: 80%, evaluation: fair}
"""


def _codes(text: str) -> dict[str, tuple[int, str]]:
    _, problems = check_contract_text(HEAD + text, "c.yaml")
    return {p.code: (p.line, p.severity) for p in problems if p.code != "axis_not_covered"}


def _line(text: str, needle: str) -> int:
    return (HEAD + text).splitlines().index(next(line for line in (HEAD + text).splitlines() if needle in line)) + 1


def test_fair_evaluation_without_a_stated_model_is_warned_and_needs_an_interval_forecast():
    text = """\
forecasts:
  horizons: [{name: M-1, issued_before: 1 month, granularity: day}]
  band: {under: 10%, over: 10%, horizon: M-1, checked_per: day}
""" + FAIR_SL
    codes = _codes(text)
    assert codes["fair_evaluation_model_not_stated"] == (_line(text, "evaluation: fair"), "warning")
    assert codes["fair_evaluation_needs_interval_forecast"][1] == "error"


@pytest.mark.parametrize(("clause", "code"), [
    ("{model: erlang_c, patience: 60s}", "invalid_value"),
    ("{model: declared_staffing, horizon: W-1}", "invalid_value"),
    ("{model: erlang_a, horizon: W-2}", "unknown_horizon"),
])
def test_a_planning_model_must_be_usable_as_written(clause, code):
    text = f"""\
forecasts:
  horizons: [{{name: W-1, issued_before: 7 days, granularity: 30min}}]
  band: {{under: 10%, over: 10%, horizon: W-1, checked_per: interval}}
  fair_evaluation: {clause}
""" + FAIR_SL
    assert _codes(text)[code] == (_line(text, "fair_evaluation:"), "error")


def test_a_stated_erlang_model_on_an_interval_horizon_validates():
    text = """\
forecasts:
  horizons: [{name: W-1, issued_before: 7 days, granularity: 30min}]
  band: {under: 10%, over: 10%, horizon: W-1, checked_per: interval}
  fair_evaluation: {model: erlang_a, patience: 120s}
""" + FAIR_SL
    assert not [code for code, (_, severity) in _codes(text).items() if severity == "error"]


@pytest.mark.parametrize(("minimum", "code"), [
    ("{rule: forecast_volume, period: day, horizon: M-1}", "minimum_period_finer_than_forecast"),
    ("{rule: forecast_volume, period: week}", "week_period_not_settleable"),
    ("{rule: forecast_workload}", "minimum_rule_incompatible"),
])
def test_a_minimum_billing_the_forecast_cannot_support_is_refused(minimum, code):
    text = f"""\
forecasts:
  horizons: [{{name: M-1, issued_before: 1 month, granularity: month}}]
  band: {{under: 10%, over: 10%, horizon: M-1}}
  minimum_billing: {minimum}
"""
    assert _codes(text)[code][1] == "error"


def test_an_interval_band_needs_an_interval_horizon():
    text = """\
forecasts:
  horizons: [{name: M-1, issued_before: 1 month, granularity: day}]
  band: {under: 10%, over: 10%, horizon: M-1}
  interval_band: {horizon: M-1, under: 10%, over: 10%, poisson_z: 3}
"""
    assert _codes(text)["interval_band_needs_interval_forecast"] == (_line(text, "interval_band:"), "error")


def test_band_based_evaluation_of_a_monthly_kpi_is_refused():
    text = """\
forecasts:
  horizons: [{name: M-1, issued_before: 1 month, granularity: month}]
  band: {under: 10%, over: 10%, horizon: M-1}
service_commitments:
  - {id: q, activity: inbound, metric: quality_score, target: 85%, evaluation: band_neutralised}
"""
    assert _codes(text)["evaluation_not_applicable"] == (_line(text, "id: q"), "error")
