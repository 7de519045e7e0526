"""Axis 4: the cost floor computed by hand from its stated parameters, and prices compared to it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from tests import party_data

from charte.charter import PriceFloorError, cost_floor, floor_parameters, scorecard
from charte.charter.price_floor import price_per_productive_hour
from charte.domain.contract import Contract


def contract(price_floor: dict[str, Any] | None, pricing: dict[str, Any] | None = None) -> Contract:
    doc: dict[str, Any] = {
        "contract": "floor-test", "client": party_data.client(name="C"),
        "provider": party_data.provider(name="P", sites=[{"name": "Amiens", "country": "FR", "staff": 10}]),
        "term": {"start": "2024-01-01", "end": "2026-12-31"},
        "activities": [{"id": "a", "function": "service", "channel": "voice_inbound",
                        "opening_hours": "Mo-Fr 08:00-20:00",
                        "pricing": pricing or {"per": "productive_hour", "price": "32.00"}}],
        "payment_terms": {"days": 30},
    }
    if price_floor is not None:
        doc["price_floor"] = price_floor
    return Contract.model_validate(doc)


STATED = {"hourly_wage": "12.00", "employer_charges": "40%", "shrinkage": "25%", "span_of_control": 10,
          "supervisor_hourly_wage": "15.00", "overheads": "10%", "margin": "5%", "occupancy": "85%"}


def test_floor_by_hand() -> None:
    # wage 12.00 (above SMIC 11.88); loaded 12 × 1.40 = 16.80; productive share 1 − 0.25 − 0.05 = 0.70;
    # agent 16.80 ÷ 0.70 = 24.00; supervision 15 × 1.40 ÷ 0.70 ÷ 10 = 3.00; floor (24 + 3) × 1.10 = 29.70;
    # responsible price 29.70 × 1.05 = 31.185.
    c = contract(STATED)
    params = floor_parameters(c, date(2025, 1, 1), {"training": Decimal("0.05")})
    floor = cost_floor(params, date(2025, 1, 1))
    assert floor.wage == Decimal("12.00")
    assert floor.loaded_hour == Decimal("16.8000")
    assert floor.agent_cost == Decimal("24.0000")
    assert floor.supervision == Decimal("3.0000")
    assert floor.cost_floor == Decimal("29.7000")
    assert floor.responsible_price == Decimal("31.1850")
    sources = {p.name: p.source for p in params}
    assert sources["training"] == "override"
    assert sources["shrinkage"] == "contract price_floor.shrinkage"
    assert "Décret n° 2024-951" in sources["smic_hourly"]


def test_smic_binds_when_the_stated_wage_is_below_it() -> None:
    c = contract({**STATED, "hourly_wage": "10.00"})
    before = cost_floor(floor_parameters(c, date(2024, 6, 1)), date(2024, 6, 1))
    after = cost_floor(floor_parameters(c, date(2024, 11, 1)), date(2024, 11, 1))
    assert before.wage == Decimal("11.65") and after.wage == Decimal("11.88")
    # classification minimum, a setting, binds when higher
    higher = cost_floor(floor_parameters(c, date(2025, 1, 1), {"classification_minimum": Decimal("12.50")}),
                        date(2025, 1, 1))
    assert higher.wage == Decimal("12.50")


def test_no_price_floor_clause_uses_smic_and_model_defaults() -> None:
    # from 2026 the employer cost is the law's (contribution rates minus the RGDU), never a flat default
    params = {p.name: p for p in floor_parameters(contract(None), date(2026, 3, 1))}
    assert params["agent_wage"].value == Decimal("12.02")
    assert params["accident_rate"].source.startswith("contract model default")
    assert "employer_charges" not in params and params["rgdu_t_min"].value == Decimal("0.02")
    with pytest.raises(PriceFloorError):  # before 2026 the law's model does not apply: a flat rate must be stated
        floor_parameters(contract(None), date(2025, 1, 1))


def test_conversion_of_per_contact_and_per_minute_prices() -> None:
    # 2.10 € per call, 85% occupancy, 300 s AHT: 2.10 × 0.85 × 3600 ÷ 300 = 21.42 € per productive hour
    assert price_per_productive_hour("handled_contact", Decimal("2.10"), occupancy=Decimal("0.85"),
                                     aht_seconds=Decimal(300)) == Decimal("21.4200")
    assert price_per_productive_hour("minute", Decimal("0.50"), occupancy=Decimal("0.80"),
                                     aht_seconds=None) == Decimal("24.0000")
    assert price_per_productive_hour("handled_contact", Decimal("2.10"), occupancy=Decimal("0.85"),
                                     aht_seconds=None) is None


@pytest.mark.parametrize(("price", "verdict"), [("32.00", "pass"), ("30.00", "warn"), ("28.00", "fail")])
def test_axis4_verdict_against_the_floor(price: str, verdict: str) -> None:
    c = contract(STATED, {"per": "productive_hour", "price": price})
    card = scorecard(c, [], today=date(2025, 1, 1), floor_overrides={"training": Decimal("0.05")})
    f = card.item("4", "price_floor[a]")
    assert f.verdict == verdict
    assert f.figures["floor"]["cost_floor"] == "29.7000"


def test_per_contact_price_needs_measured_aht() -> None:
    c = contract(STATED, {"per": "handled_contact", "price": "2.10"})
    assert scorecard(c, [], today=date(2025, 1, 1)).item("4", "price_floor[a]").verdict == "not_enough_data"
    card = scorecard(c, [], today=date(2025, 1, 1), measured_aht={"a": Decimal(300)})
    f = card.item("4", "price_floor[a]")
    assert f.verdict == "fail" and f.figures["price_per_productive_hour"] == Decimal("21.4200")


def test_impossible_parameters_are_reported_not_raised() -> None:
    c = contract(STATED)
    with pytest.raises(PriceFloorError):
        cost_floor(floor_parameters(c, date(2025, 1, 1), {"training": Decimal("0.80")}), date(2025, 1, 1))
    card = scorecard(c, [], today=date(2025, 1, 1), floor_overrides={"training": Decimal("0.80")})
    assert card.verdict("4") == "not_enough_data"
