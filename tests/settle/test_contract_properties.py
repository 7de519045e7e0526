"""Every contract that validates settles: a Settlement whose total is the sum of its lines, or a SettlementError.

Hypothesis writes contracts (each pricing model, tiers, bands checked per month, day or interval, interval
bands, minimum billing rules, planning models, grids and their points rule, indexation, a mid-month avenant)
and facts for them (complete, partial, or late forecasts; staffing or not). Whatever it writes, settlement
never raises anything but a SettlementError listing problems.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.settle.scenarios import HEAD

from charte.domain.calendar import PARIS, Month
from charte.domain.contract import validate_document
from charte.domain.money import round_cents
from charte.settle import Facts, ForecastSeries, IndexValue, SettlementError, StaffingBlock, interval_block, settle

NOVEMBER = Month(2026, 11)
HOURS = "Mo-Fr 09:00-12:00"
DAYS = [d for d in NOVEMBER.days() if d.weekday() < 5]

PRICINGS = st.sampled_from([
    {"per": "productive_hour", "price": "30.00"},
    {"per": "handled_contact", "price": "2.10"},
    {"per": "minute", "price": "0.62"},
    {"per": "fixed_monthly", "amount": "2500.00"},
    {"per": "handled_contact", "tiering": "graduated",
     "tiers": [{"from": 0, "to": 400, "price": "3.10"}, {"from": 400, "price": "2.80"}]},
    {"per": "productive_hour", "tiering": "volume",
     "tiers": [{"from": 0, "to": 20, "price": "31.00"}, {"from": 20, "price": "29.00"}]},
])


@st.composite
def contracts(draw: Any) -> dict[str, Any]:
    pricing = draw(PRICINGS)
    parties = yaml.safe_load(HEAD)  # parties complete enough to invoice (the scenario contract's)
    doc: dict[str, Any] = {
        "contract": "prop", "client": parties["client"], "provider": parties["provider"],
        "term": {"start": "2026-01-01", "end": "2027-12-31"}, "payment_terms": {"days": 30},
        "activities": [{"id": "in", "function": "service", "channel": "voice_inbound", "opening_hours": HOURS,
                        "pricing": pricing}],
    }
    band_horizon = draw(st.sampled_from(["M-1", "W-1"]))
    checked = draw(st.sampled_from(["month", "day"] + (["interval"] if band_horizon == "W-1" else [])))
    forecasts: dict[str, Any] = {
        "horizons": [{"name": "M-1", "issued_before": "1 month", "granularity": draw(st.sampled_from(["day", "month"])),
                      "issue_period": "month"},
                     {"name": "W-1", "issued_before": "7 days", "granularity": "30min", "issue_period": "week"}],
        "band": {"under": "10%", "over": "10%", "horizon": band_horizon, "checked_per": checked},
    }
    if forecasts["horizons"][0]["granularity"] == "month" and band_horizon == "M-1" and checked == "day":
        forecasts["band"]["checked_per"] = "month"
    if draw(st.booleans()):
        forecasts["interval_band"] = {"horizon": "W-1", "under": "10%", "over": "10%",
                                      "poisson_z": draw(st.sampled_from(["2", "3"]))}
    unit = pricing["per"]
    if unit != "fixed_monthly" and draw(st.booleans()):
        rules = ["forecast_volume"] + (["staffed_hours_for_forecast", "forecast_workload"]
                                       if unit == "productive_hour" else [])
        forecasts["minimum_billing"] = {"rule": draw(st.sampled_from(rules)), "floor": "90%",
                                        "horizon": draw(st.sampled_from(["M-1", "W-1"])),
                                        "triggered_on": draw(st.sampled_from(["offered", "handled"]))}
    evaluation = draw(st.sampled_from(["raw", "band_neutralised", "fair"]))
    if evaluation == "fair":
        forecasts["fair_evaluation"] = draw(st.sampled_from([
            {"model": "erlang_c"}, {"model": "erlang_a"}, {"model": "erlang_a", "patience": "90s"},
            {"model": "declared_staffing"}]))
    doc["forecasts"] = forecasts
    abandons = draw(st.sampled_from(["counted", "excluded", "after_threshold"]))
    doc["service_commitments"] = [
        {"id": "sl", "activity": "in", "metric": "service_level", "answered_within": "20s", "abandons": abandons,
         "target": "80%", "evaluation": evaluation},
        {"id": "ar", "activity": "in", "metric": "answer_rate", "target": "90%", "evaluation": "raw"},
    ]
    doc["bonus_malus"] = {"points": draw(st.sampled_from(["pro_rata", "full_points", "started_points"])),
                          "grids": {"sl": {"malus": {"per_point": "1%"}, "bonus": {"per_point": "0.5%"},
                                           "cap_malus": "5%", "cap_bonus": "3%"},
                                    "ar": {"malus": {"per_point": "1%"}, "bonus": {"per_point": "1%"},
                                           "cap_malus": "4%", "cap_bonus": "2%"}},
                          "overall_cap": {"malus": "6%", "bonus": "3%"}}
    if draw(st.booleans()):
        doc["indexation"] = {"index": "syntec", "formula": "0.15 + 0.85 × I/I0", "base_month": "2025-08",
                             "anniversary": "11-01", "lag_months": 3,
                             "revised_price_rounding": draw(st.sampled_from(["cent", "none"]))}
    if draw(st.booleans()):
        changed = {**pricing, "price": "33.00"} if "price" in pricing else pricing
        doc["amendments"] = [{"id": "av", "effective": "2026-11-16", "summary": "price", "changes": {
            "activities": [{"id": "in", "pricing": changed}]}}]
    return doc


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS).astimezone(UTC)


@st.composite
def month_facts(draw: Any, doc: dict[str, Any]) -> Facts:
    days = DAYS if draw(st.integers(0, 9)) else DAYS[:-3]  # now and then a data gap
    rows, w1_starts, w1_volumes = [], [], []
    seed = draw(st.integers(0, 10_000))
    for i, day in enumerate(days):
        for slot in range(6):
            start = _at(day, 9 + slot // 2, 30 * (slot % 2))
            offered = (seed * (i + 3) * (slot + 7)) % 61
            handled = offered - offered // 9
            lost = offered - handled
            rows.append({"interval_start": start, "interval_minutes": 30, "offered": offered, "handled": handled,
                         "abandoned": lost, "short_abandoned": lost // 3, "answered_within_20s": handled - handled // 5,
                         "abandoned_within_20s": lost // 2, "handle_seconds": handled * 180.0,
                         "productive_seconds": 1800.0 * (1 + slot % 3), "wait_seconds_answered": handled * 12.0,
                         "wait_seconds_abandoned": lost * 40.0})
            w1_starts.append(start)
            w1_volumes.append(max(0.0, offered + draw(st.sampled_from([-12, 0, 3, 15]))))
    late = draw(st.integers(0, 6)) == 0
    issued = date(2026, 10, 30) if late else date(2026, 10, 20)
    forecasts = [ForecastSeries.build("in", "W-1", "30min", issued, w1_starts, w1_volumes, [180.0] * len(w1_starts))]
    m1 = doc["forecasts"]["horizons"][0]["granularity"]
    if m1 == "month":
        forecasts.append(ForecastSeries.build("in", "M-1", "month", date(2026, 9, 30),
                                              [datetime(2026, 11, 1, tzinfo=PARIS)], [sum(w1_volumes)], [180.0]))
    else:
        forecasts.append(ForecastSeries.build("in", "M-1", "day", date(2026, 9, 30),
                                              [datetime(d.year, d.month, d.day, tzinfo=PARIS) for d in DAYS],
                                              [draw(st.sampled_from([100.0, 150.0, 200.0]))] * len(DAYS),
                                              [180.0] * len(DAYS)))
    staffing = ([StaffingBlock.build("in", 30, w1_starts, [3 + (i % 4) for i in range(len(w1_starts))])]
                if draw(st.booleans()) else [])
    index = [IndexValue("syntec", Month(2025, 8), Decimal(300)), IndexValue("syntec", Month(2026, 8), Decimal(306))]
    return Facts.of(intervals=[interval_block("in", rows)], forecasts=forecasts, staffing=staffing,
                    index_values=index)


# A generator writing contracts that do not validate would make `assume` reject most examples: Hypothesis then
# fails the test (health check filter_too_much), so the generator itself is held to writing valid contracts.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_contract_that_validates_settles_or_lists_its_problems(data: Any) -> None:
    doc = data.draw(contracts())
    validation = validate_document(doc)
    assume(validation.ok)
    assert validation.contract is not None
    try:
        result = settle(validation.contract, NOVEMBER, data.draw(month_facts(doc)))
    except SettlementError as error:
        assert error.problems and all(p.code and p.message for p in error.problems)
        return
    assert sum((line.amount for line in result.lines), Decimal(0)) == result.total_excluding_vat
    assert result.vat == round_cents(result.total_excluding_vat * result.vat_rate)
    assert result.total_including_vat == result.total_excluding_vat + result.vat
    assert all(line.amount == round_cents(line.amount_unrounded) for line in result.lines)
