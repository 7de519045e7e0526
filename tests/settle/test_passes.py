"""Single passes with hand-computed values: tiers, forecast accuracy, success fees, minimum on forecast volume."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.settle.scenarios import NOVEMBER, at, complete_rows, contract, facts, row, w1
from tests.workforce.workforce_reference import erlang_c_reference

from charte.settle import Facts, ForecastSeries, LineKind, Successes, interval_block, settle

TIERED = """\
  - id: mail
    function: service
    channel: email
    opening_hours: "Mo-Fr 09:00-18:00"
    pricing:
      per: handled_contact
      tiering: {tiering}
      tiers:
        - {{from: 0, to: 1000, price: "3.10"}}
        - {{from: 1000, price: "2.80"}}
"""


@pytest.mark.parametrize(("tiering", "lines"), [
    # graduated: 1,000 × 3.10 = 3,100.00 and 500 × 2.80 = 1,400.00
    ("graduated", [(Decimal(1000), Decimal("3100.00")), (Decimal(500), Decimal("1400.00"))]),
    # volume: the total falls in the second band, every contact at 2.80: 1,500 × 2.80 = 4,200.00
    ("volume", [(Decimal(1500), Decimal("4200.00"))]),
])
def test_tiers_split_the_quantity(tiering, lines):
    c = contract(TIERED.format(tiering=tiering))
    inbound = row("2026-11-02T09:00", 10, 10, productive_hours=1)
    mail = row("2026-11-02T09:00", 1500, 0)
    mail_rows = complete_rows([mail], "Mo-Fr 09:00-18:00")
    result = settle(c, NOVEMBER, Facts.of(intervals=[interval_block("inbound", complete_rows([inbound])),
                                                     interval_block("mail", mail_rows)]))
    got = [(line.quantity, line.amount) for line in result.lines if line.activity == "mail"]
    assert got == lines
    assert result.total_excluding_vat == Decimal("30.00") + sum(a for _, a in lines)


def test_forecast_accuracy_by_interval():
    # offered 100 and 50 against 110 and 40: WAPE = (10 + 10) / 150 = 0.133333; bias = (150 − 150)/150 = 0;
    # MAPE = (10/100 + 10/50) / 2 = 0.15; ±10% band: 100 ∈ [99, 121] in, 50 > 44 over. The month's other 24
    # opening days (Mo–Sa; November 2026 has 25) report one interval of 0 calls forecast 0: in band.
    # Share in band = 25/26 = 0.961538.
    c = contract("""\
forecasts:
  horizons: [{name: W-1, issued_before: 7 days, granularity: 30min}]
  band: {under: 10%, over: 10%}
""")
    rows = [row("2026-11-02T09:00", 100, 80), row("2026-11-02T09:30", 50, 40)]
    result = settle(c, NOVEMBER, facts(rows, forecasts=[w1([("2026-11-02T09:00", 110), ("2026-11-02T09:30", 40)])]))
    (acc,) = result.forecast_accuracy
    assert (acc.wape, acc.bias, acc.mape) == (Decimal("0.133333"), Decimal("0.000000"), Decimal("0.150000"))
    assert (acc.share_in_band, acc.periods_over, acc.periods_under) == (Decimal("0.961538"), 1, 0)


def _variant(pricing: dict, function: str = "service", **clauses) -> object:
    """The scenario contract with another pricing (and function) for `inbound`, plus clauses."""
    document = contract().document()
    activity = {**document["activities"][0], "pricing": pricing, "function": function}
    return type(contract()).model_validate({**document, "activities": [activity], **clauses})


def test_success_fee_per_sale():
    # 12 sales × 15.00 = 180.00 beside 10 h × 30.00 = 300.00
    c = _variant({"per": "productive_hour", "price": "30.00", "success_fee": {"event": "sale", "amount": "15.00"}},
                 "commercial")
    result = settle(c, NOVEMBER, facts([row("2026-11-02T09:00", 10, 10, productive_hours=10)],
                                       successes=[Successes("inbound", 12, Decimal("900"))]))
    fee = next(line for line in result.lines if line.kind == LineKind.SUCCESS_FEE)
    assert (fee.quantity, fee.amount) == (Decimal(12), Decimal("180.00"))
    assert result.total_excluding_vat == Decimal("480.00")


def test_minimum_on_forecast_volume_per_contact():
    # Priced 2.00 per handled contact; M-1 month forecast 1,000; 700 offered, 650 handled (under 900).
    # lower_band_edge: minimum = 1,000 × (1 − 10%) = 900 contacts; top-up 900 − 650 = 250 × 2.00 = 500.00.
    # Total 650 × 2.00 + 500.00 = 1,800.00.
    c = _variant({"per": "handled_contact", "price": "2.00"}, forecasts={
        "horizons": [{"name": "M-1", "issued_before": "1 month", "granularity": "month"}],
        "band": {"under": "10%", "over": "10%"},
        "minimum_billing": {"rule": "forecast_volume", "variant": "lower_band_edge"}})
    forecast = ForecastSeries.build("inbound", "M-1", "month", date(2026, 10, 1), [at("2026-10-31T23:00")], [1000],
                                    [180])
    result = settle(c, NOVEMBER, facts([row("2026-11-02T09:00", 700, 600, handled=650)], forecasts=[forecast]))
    top_up = next(line for line in result.lines if line.kind == LineKind.MINIMUM_BILLING)
    assert (top_up.quantity, top_up.amount) == (Decimal(250), Decimal("500.00"))
    assert result.total_excluding_vat == Decimal("1800.00")


def test_minimum_on_forecast_workload():
    # W-1 forecast 100 calls in one half-hour, AHT 180 s: 10 Erlangs; the workload the forecast called for is the
    # smallest n meeting 80% in 20 s (Erlang C, 50-digit reference) × 0.5 h. 50 calls came (under the band):
    # minimum = 90% × n × 0.5 h; billed 1 h of productive time; top-up (0.45 n − 1) h × 30.00.
    n = next(k for k, (_, sl) in zip(range(1, 40), erlang_c_reference(10.0, list(range(1, 40)), 180, 20), strict=True)
             if sl >= 0.8)
    c = contract("""\
forecasts:
  horizons: [{name: W-1, issued_before: 7 days, granularity: 30min}]
  band: {under: 10%, over: 10%}
  minimum_billing: {rule: forecast_workload, floor: 90%}
service_commitments:
  - {id: sl, activity: inbound, metric: service_level, answered_within: 20s, target: 80%}
""")
    rows = [row("2026-11-02T09:00", 50, 45, productive_hours=1)]
    result = settle(c, NOVEMBER, facts(rows, forecasts=[w1([("2026-11-02T09:00", 100)])]))
    top_up = next(line for line in result.lines if line.kind == LineKind.MINIMUM_BILLING)
    expected = Decimal("0.45") * n - 1
    assert top_up.quantity == expected and top_up.amount == (expected * 30).quantize(Decimal("0.01"))
