"""A finding per axis in both directions, from contracts and settled months written here."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

from tests import party_data

from charte.charter import IvrObservation, PaymentRecord, scorecard
from charte.domain.contract import Contract

GOOD: dict[str, Any] = {
    "contract": "good", "client": party_data.client(name="C"),
    "provider": {**party_data.provider(name="P"), "sites": [
        {"name": "Amiens", "country": "FR", "staff": 100, "contract_staff": 80},
        {"name": "Porto", "country": "PT", "staff": 50, "contract_staff": 20}]},
    "relationship_since": "2020-06-01",
    "term": {"start": "2025-01-01", "end": "2027-12-31"},
    "activities": [{"id": "in", "function": "service", "channel": "voice_inbound",
                    "opening_hours": "Mo-Fr 08:00-20:00", "pricing": {"per": "productive_hour", "price": "40.00"}}],
    "forecasts": {"horizons": [{"name": "W-1", "issued_before": "7 days", "granularity": "30min"},
                               {"name": "M-1", "issued_before": "1 month", "granularity": "month"}],
                  "band": {"under": "10%", "over": "10%"},
                  "minimum_billing": {"rule": "forecast_volume", "floor": "90%"},
                  "fair_evaluation": {"model": "erlang_a"}},
    "service_commitments": [
        {"id": "sl", "activity": "in", "metric": "service_level", "answered_within": "20s", "target": "80%",
         "evaluation": "fair"},
        {"id": "ab", "activity": "in", "metric": "abandonment", "target": "5%", "evaluation": "fair"}],
    "bonus_malus": {"grids": {"sl": {"malus": {"per_point": "1%"}, "bonus": {"per_point": "0.5%"},
                                     "cap_malus": "5%", "cap_bonus": "3%"}},
                    "overall_cap": {"malus": "8%", "bonus": "4%"}},
    "price_floor": {"hourly_wage": "12.40"},
    "indexation": {"index": "syntec", "formula": "0.15 + 0.85 × I/I0", "base_month": "2024-08",
                   "anniversary": "01-01", "lag_months": 3},
    "payment_terms": {"days": 30},
    "exit": {"notice": "6 months", "ramp_down": {"profile": "linear"}},
    "liability": {"cap_months_of_billing": 12, "penalties_cap": "10%"},
    "charter_2010": {"certifications": [{"name": "NF 345", "until": "2027-06-30"}],
                     "ivr": {"max_seconds_before_agent": "60s", "max_menu_levels": 2}},
}
TODAY = date(2026, 1, 20)


def build(**changes: Any) -> Contract:
    doc = copy.deepcopy(GOOD)
    for key, value in changes.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    return Contract.model_validate(doc)


def month(period: str, *, forecast: int = 10_000, actual: int = 10_000, base: str = "40000.00", malus: str = "0",
          cap: str = "0", met: bool = True, raw: str = "0.82", result: str = "0.82", revised_on: str | None = None,
          minimum_under: int = 0) -> dict[str, Any]:
    lines: list[dict[str, Any]] = [{"kind": "service", "activity": "in", "amount": base, "base_unit_price": "40.00",
                                    "unit_price": "40.00", "explanation": {"figures": {"per": "productive_hour"}}}]
    if malus != "0":
        lines.append({"kind": "malus", "activity": "in", "amount": f"-{malus}", "base_unit_price": "0",
                      "unit_price": "0", "explanation": {"kind": "malus"}})
    if cap != "0":
        lines.append({"kind": "cap_adjustment", "activity": None, "amount": cap, "base_unit_price": cap,
                      "unit_price": cap, "explanation": {"kind": "cap_overall_malus"}})
    total = Decimal(base) - Decimal(malus) + Decimal(cap)
    return {
        "period": period, "totals": {"excluding_vat": str(total)}, "lines": lines,
        "service_results": [{"commitment": "sl", "activity": "in", "metric": "service_level", "evaluation": "fair",
                             "direction": "at_least", "target": "0.80", "raw": raw, "result": result, "met": met,
                             "out_of_band_intervals": 3}],
        "forecast_accuracy": [{"activity": "in", "horizon": "M-1", "forecast_volume": str(forecast),
                               "actual_volume": actual, "wape": str(abs(forecast - actual) / actual),
                               "share_in_band": "1"}],
        "minimum_billing": [{"horizon": "M-1", "periods_under": minimum_under, "minimum": "0", "billed": "0",
                             "top_up": "0"}],
        "indexation": {"revised_on": revised_on},
    }


def months(n: int, **kw: Any) -> list[dict[str, Any]]:
    return [month(f"2025-{m:02d}", **kw) for m in range(1, n + 1)]


def test_axis1_forecasts() -> None:
    good = scorecard(build(), months(6, revised_on=None), today=TODAY)
    assert good.verdict("1") in ("pass", "warn")
    assert good.item("1", "forecast_accuracy").verdict == "pass"
    assert good.item("1", "minimum_billing_clause").verdict == "pass"
    forecasts = copy.deepcopy(GOOD["forecasts"])
    del forecasts["minimum_billing"]
    history = [month(f"2025-{m:02d}", forecast=10_000, actual=7_000) for m in range(1, 7)]
    bad = scorecard(build(forecasts=forecasts), history, today=TODAY)
    assert bad.verdict("1") == "fail"
    assert bad.item("1", "minimum_billing_clause").verdict == "fail"
    assert bad.item("1", "forecast_accuracy").verdict == "fail"
    assert bad.item("1", "minimum_billing_honoured").verdict == "fail"
    assert bad.item("1", "forecast_accuracy").figures["share_outside"] == 1


def test_axis1_value_added_both_ways() -> None:
    actual = [10_000, 12_000, 9_000, 11_000, 10_500]
    sharp = [month(f"2025-{i + 1:02d}", forecast=a, actual=a) for i, a in enumerate(actual)]
    flat = [month(f"2025-{i + 1:02d}", forecast=20_000, actual=a) for i, a in enumerate(actual)]
    assert scorecard(build(), sharp, today=TODAY).item("1", "forecast_value_added").verdict == "pass"
    assert scorecard(build(), flat, today=TODAY).item("1", "forecast_value_added").verdict == "warn"


def test_axis2_service() -> None:
    good = scorecard(build(), months(3), today=TODAY)
    assert good.verdict("2") == "pass"
    changed = good.item("2", "fair_evaluation_effect")
    assert changed.figures["changed"] == []
    history = [month(f"2025-{m:02d}", met=False, raw="0.70", result="0.70") for m in range(1, 4)]
    commitments = [{**c, "evaluation": "raw"} for c in GOOD["service_commitments"]]
    bad = scorecard(build(service_commitments=commitments), history, today=TODAY)
    assert bad.item("2", "targets_met").verdict == "fail"
    assert bad.item("2", "formulas_stated").verdict == "warn"
    fair = scorecard(build(), [month("2025-01", raw="0.75", result="0.81", met=True)], today=TODAY)
    assert fair.item("2", "fair_evaluation_effect").figures["changed"] == ["2025-01 sl"]


def test_axis3_bonus_malus() -> None:
    good = scorecard(build(), months(3, malus="400"), today=TODAY)
    assert good.verdict("3") == "pass"
    assert good.item("3", "share_of_invoice").figures["share_by_month"]["2025-01"] == Decimal("0.01")
    grids = {"sl": {"malus": {"per_point": "2%"}}, "ab": {"malus": {"per_point": "2%"}}}
    clause = {"grids": grids, "overall_cap": {"malus": "25%"}, "symmetric": False, "no_double_penalty": False}
    bad = scorecard(build(bonus_malus=clause), months(2, malus="12000", cap="2000"), today=TODAY)
    assert bad.item("3", "symmetry").verdict == "fail"
    assert bad.item("3", "caps").verdict == "fail"
    assert bad.item("3", "double_penalty").verdict == "fail"
    share = bad.item("3", "share_of_invoice")
    assert share.verdict == "warn" and share.figures["share_by_month"]["2025-01"] == Decimal("0.25")


def test_axis4_uses_the_indexed_price_of_the_last_month() -> None:
    doc = month("2025-02")
    doc["lines"][0]["unit_price"] = "20.00"
    card = scorecard(build(), [month("2025-01"), doc], today=TODAY)
    f = card.item("4", "price_floor[in]")
    assert f.verdict == "fail" and f.figures["price"] == Decimal("20.00")
    assert scorecard(build(), [month("2025-01")], today=TODAY).item("4", "price_floor[in]").verdict == "pass"


def test_axis5_indexation() -> None:
    on_time = [month("2026-01", revised_on="2026-01-01")]
    good = scorecard(build(), on_time, today=TODAY)
    assert good.verdict("5") == "pass"
    late = scorecard(build(), [month("2026-01", revised_on=None)], today=TODAY)
    assert late.item("5", "applied_on_time").verdict == "fail"
    assert scorecard(build(indexation=None), [], today=TODAY).verdict("5") == "fail"
    odd = {**GOOD["indexation"], "index": "house_index", "formula": "0.60 + 0.40 × I/I0"}
    assert scorecard(build(indexation=odd), [], today=TODAY).item("5", "indexation_clause").verdict == "warn"


def test_axis6_payment() -> None:
    paid = [PaymentRecord("F1", date(2025, 2, 28), date(2025, 2, 27)),
            PaymentRecord("F2", date(2025, 3, 31), date(2025, 3, 31))]
    good = scorecard(build(), [], today=TODAY, payments=paid)
    assert good.verdict("6") == "pass"
    late = [PaymentRecord("F1", date(2025, 2, 28), date(2025, 4, 4)), PaymentRecord("F2", date(2025, 11, 30))]
    bad = scorecard(build(payment_terms={"days": 45, "basis": "end_of_month"}), [], today=TODAY, payments=late)
    f = bad.item("6", "days_late")
    assert f.verdict == "fail"
    assert f.figures["days_late"] == {"F1": 35, "F2": 51}
    assert bad.item("6", "payment_terms_legal").verdict == "warn"


def test_axis7_exit() -> None:
    good = scorecard(build(), [], today=TODAY)        # 6 months for 5.6 years at 1 month a year
    assert good.verdict("7") == "pass"
    bad = scorecard(build(exit={"notice": "2 months", "ramp_down": {"profile": "none"}}), [], today=TODAY)
    assert bad.item("7", "notice").verdict == "fail"
    assert bad.item("7", "ramp_down").verdict == "fail"
    assert bad.item("7", "notice").figures["owed_months"] == Decimal("5.6")
    long = build(relationship_since="2000-01-01", exit={"notice": "18 months"})
    assert scorecard(long, [], today=TODAY).item("7", "notice").verdict == "pass"   # safe harbour


def test_axis8_liability() -> None:
    good = scorecard(build(), months(12, malus="400"), today=TODAY)
    assert good.verdict("8") == "pass"
    headroom = good.item("8", "penalties_headroom").figures["share_of_cap_used"]
    assert headroom["penalties_cap"] == Decimal("0.1")          # 400 of 4,000 a month
    assert scorecard(build(liability=None), [], today=TODAY).item("8", "liability_cap").verdict == "fail"
    near = scorecard(build(), months(12, malus="3600"), today=TODAY)
    assert near.item("8", "penalties_headroom").verdict == "warn"


def test_charter_2010() -> None:
    ivr = IvrObservation(Decimal(35), Decimal("0.98"), 1000)
    good = scorecard(build(), [], today=TODAY, ivr=ivr, dial_modes={"preview": 500})
    assert good.verdict("2010") == "pass"
    assert good.item("2010", "staff_in_france").figures["share"] == Decimal("0.8000")
    charter = {"certifications": [{"name": "NF 345", "until": "2025-06-30"}], "staff_in_france": "20%",
               "ivr": {"max_seconds_before_agent": "60s"},
               "outbound_dialing": {"mode": "predictive"}}
    bad = scorecard(build(charter_2010=charter), [], today=TODAY, ivr=IvrObservation(Decimal(95), Decimal("0.8"), 10),
                    dial_modes={"predictive": 400, "preview": 100})
    assert bad.item("2010", "certifications").verdict == "fail"
    assert bad.item("2010", "staff_in_france").verdict == "warn"
    assert bad.item("2010", "ivr").verdict == "warn"
    assert bad.item("2010", "outbound_dialer").verdict == "fail"
    assert scorecard(build(), [], today=TODAY, dial_modes={"predictive": 3}).item(
        "2010", "outbound_dialer").verdict == "fail"
