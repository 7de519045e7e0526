"""The planning model of fair evaluation, as the contract states it, shown on the result and on the line.

Month (hand-written): 100 productive hours at 30.00 = 3,000.00. W-1 forecast 100 calls in each of two half-hours,
band ±10% per interval. 09:00: 100 calls (in band), 82 answered within 20 s. 09:30: 300 calls (out of band,
3× the forecast), 90 answered (30%). AHT 180 s. Raw SL = 172/400 = 43% → malus 37 points × 1%, capped at 5% = −150.00.
When the staffing the planning model gives could reach less than 30% under 300 calls, the 09:30 interval counts
as meeting 80%: credit = 0.80 × 300 − 90 = 150; fair = (82 + 90 + 150) / 400 = 322/400 = 80.5%: no malus.
Reference agent counts and service levels come from the independent 50-digit formulas of the workforce tests.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.settle.scenarios import NOVEMBER, SL_GRID, at, contract, facts, row, w1
from tests.workforce.workforce_reference import erlang_a_reference, erlang_c_reference

from charte.settle import LineKind, StaffingBlock, settle
from charte.settle.engine import lines_of
from charte.settle.explain import explain


def _bands(model: str) -> str:
    return f"""\
forecasts:
  horizons: [{{name: W-1, issued_before: 7 days, granularity: 30min}}]
  band: {{under: 10%, over: 10%, horizon: W-1, checked_per: interval}}
  fair_evaluation: {model}
"""


def _facts(**kw):
    rows = [row("2026-11-02T09:00", 100, 82, productive_hours=50, **kw),
            row("2026-11-02T09:30", 300, 90, productive_hours=50, **kw)]
    return rows, [w1([("2026-11-02T09:00", 100), ("2026-11-02T09:30", 100)])]


def _erlang_c_agents(load: float) -> int:
    return next(n for n, (_, sl) in zip(range(1, 80), erlang_c_reference(load, list(range(1, 80)), 180, 20),
                                        strict=True) if sl >= 0.8)


def _erlang_a_agents(load: float, patience: float) -> int:
    n = 1
    while erlang_a_reference(load, n, 180, patience, 20)["service_level"] < 0.8:
        n += 1
    return n


def test_erlang_c():
    # n = smallest Erlang C staffing for 10 Erlangs at 80/20; under 30 Erlangs, n < 30 agents: the queue is
    # unstable, Erlang C gives 0% → full credit, fair 80.5%.
    rows, forecasts = _facts()
    result = settle(contract(_bands("{model: erlang_c}"), SL_GRID.format(evaluation="fair")), NOVEMBER,
                    facts(rows, forecasts=forecasts))
    (sl,) = result.service_results
    (adjusted,) = sl.adjusted
    assert adjusted.agents_for_forecast == _erlang_c_agents(10.0) and adjusted.achievable == Decimal(0)
    assert sl.fair == Decimal("0.805") and sl.planning["model"] == "erlang_c"
    assert sl.planning["patience_seconds"] is None and sl.planning["stated_in_contract"] is True


def test_erlang_a_with_the_contracts_patience():
    # Patience 60 s as written (the month's waits are not used).
    rows, forecasts = _facts(wait_seconds_abandoned=10_000)
    result = settle(contract(_bands("{model: erlang_a, patience: 60s}"), SL_GRID.format(evaluation="fair")),
                    NOVEMBER, facts(rows, forecasts=forecasts))
    (sl,) = result.service_results
    (adjusted,) = sl.adjusted
    n = _erlang_a_agents(10.0, 60)
    assert adjusted.agents_for_forecast == n
    assert abs(float(adjusted.achievable) - float(erlang_a_reference(30.0, n, 180, 60, 20)["service_level"])) < 1e-5
    assert (sl.planning["patience_source"], sl.planning["patience_seconds"]) == ("contract", "60.000")


def test_erlang_a_with_the_measured_patience():
    # 10 abandons at 09:00 and 09:30 (handled = offered − 5 each) with 1,500 s of waits in all: patience =
    # (0 answered waits + 1,500 s) ÷ 10 abandons = 150 s. Staffing for the forecast with Erlang A at 150 s.
    rows = [row("2026-11-02T09:00", 100, 82, handled=95, productive_hours=50, wait_seconds_abandoned=750),
            row("2026-11-02T09:30", 300, 90, handled=295, productive_hours=50, wait_seconds_abandoned=750)]
    forecasts = [w1([("2026-11-02T09:00", 100), ("2026-11-02T09:30", 100)])]
    result = settle(contract(_bands("{model: erlang_a}"), SL_GRID.format(evaluation="fair")), NOVEMBER,
                    facts(rows, forecasts=forecasts))
    (sl,) = result.service_results
    (adjusted,) = sl.adjusted
    assert (sl.planning["patience_source"], sl.planning["patience_seconds"]) == ("measured", "150.000")
    assert adjusted.agents_for_forecast == _erlang_a_agents(10.0, 150)


@pytest.mark.parametrize(("declared", "malus"), [
    # 12 agents declared for 09:30: under 30 Erlangs they could answer almost no one within 20 s (reference below):
    # full credit, fair 80.5%, no malus.
    (12, None),
    # 40 agents declared: under 30 Erlangs they could reach more than 80% (reference below): no credit;
    # fair = raw = 43%: 37 points × 1% capped at 5% of 3,000.00 = −150.00.
    (40, Decimal("-150.00")),
])
def test_declared_staffing(declared, malus):
    rows, forecasts = _facts()
    staffing = StaffingBlock.build("inbound", 30, [at("2026-11-02T09:00"), at("2026-11-02T09:30")], [12, declared])
    result = settle(contract(_bands("{model: declared_staffing}"), SL_GRID.format(evaluation="fair")), NOVEMBER,
                    facts(rows, forecasts=forecasts, staffing=[staffing]))
    (sl,) = result.service_results
    reference = erlang_a_reference(30.0, declared, 180, 180, 20)["service_level"]  # default patience 180 s
    assert (reference < 0.3) == (malus is None)
    assert sl.planning["model"] == "declared_staffing"
    got = lines_of(result, LineKind.MALUS)
    assert (got[0].amount if got else None) == malus
    if malus is None:
        assert sl.adjusted[0].agents_for_forecast == declared and sl.fair == Decimal("0.805")


def test_the_model_is_shown_on_the_line_and_the_default_is_named_as_such():
    # Without a fair_evaluation clause: Erlang A, patience measured or default — and the line says it is the default.
    rows = [row("2026-11-02T09:00", 100, 60, productive_hours=50), row("2026-11-02T09:30", 80, 40,
                                                                        productive_hours=50)]
    band = """\
forecasts:
  horizons: [{name: W-1, issued_before: 7 days, granularity: 30min}]
  band: {under: 10%, over: 10%, horizon: W-1, checked_per: interval}
"""
    result = settle(contract(band, SL_GRID.format(evaluation="fair")), NOVEMBER,
                    facts(rows, forecasts=[w1([("2026-11-02T09:00", 100), ("2026-11-02T09:30", 100)])]))
    (malus,) = lines_of(result, LineKind.MALUS)
    assert "Erlang A, default patience 180.0 s" in explain(malus, "en")
    assert "default model, not in the contract" in explain(malus, "en")
    assert "modèle par défaut" in explain(malus, "fr")
