"""Axis 4 with the law's employer cost: contribution rates minus the single degressive general reduction (RGDU).

Golden values computed by hand (a calculator, in floating point) from CSS D241-7 as set for 2026:
Tmin 0.02, Tdelta 0.3821 (50 employees or more) / 0.3781 (fewer), P 1.75, nil from 3 SMIC, the SMIC of
1 January 2026 (12.02 €) kept for the whole year (décret 2026-509).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError
from tests import party_data

from charte.charter import PriceFloorError, cost_floor, floor_parameters, scorecard
from charte.charter.price_floor import employer_cost
from charte.domain.contract import Contract

ON = date(2026, 10, 1)   # SMIC in force 12.31 € (arrêté du 22 mai 2026); the RGDU still uses 12.02 €


def contract(price_floor: dict[str, Any] | None) -> Contract:
    doc: dict[str, Any] = {
        "contract": "rgdu-test", "client": party_data.client(name="C"),
        "provider": party_data.provider(name="P", sites=[{"name": "Amiens", "country": "FR", "staff": 10}]),
        "term": {"start": "2026-01-01", "end": "2027-12-31"},
        "activities": [{"id": "a", "function": "service", "channel": "voice_inbound",
                        "opening_hours": "Mo-Fr 08:00-20:00", "pricing": {"per": "productive_hour", "price": "27.00"}}],
        "payment_terms": {"days": 30},
    }
    if price_floor is not None:
        doc["price_floor"] = price_floor
    return Contract.model_validate(doc)


def values(c: Contract, on: date = ON) -> dict[str, Decimal]:
    return {p.name: p.value for p in floor_parameters(c, on)}


def test_the_coefficient_by_hand_at_the_smic_between_and_at_three_smic() -> None:
    v = values(contract({"hourly_wage": "12.40"}))
    assert v["rgdu_smic_reference"] == Decimal("12.02") and v["smic_hourly"] == Decimal("12.31")
    # at the SMIC: ½ × (3 − 1) = 1 → Tmin + Tdelta = 0.02 + 0.3821 = 0.4021
    assert employer_cost(Decimal("12.02"), v).coefficient == Decimal("0.4021")
    # 12.40 €: 3 × 12.02 ÷ 12.40 = 2.908065; ½ × 1.908065 = 0.954032; ^1.75 = 0.920926; × 0.3821 + 0.02 = 0.3719
    assert employer_cost(Decimal("12.40"), v).coefficient == Decimal("0.3719")
    # 20.00 €: 3 × 12.02 ÷ 20 = 1.803; ½ × 0.803 = 0.4015; ^1.75 = 0.202505; × 0.3821 + 0.02 = 0.0974
    assert employer_cost(Decimal("20.00"), v).coefficient == Decimal("0.0974")
    # just under 3 SMIC (36.05 €): ½ × 0.000277 → Tmin 0.0200; at 3 SMIC (36.06 €) and above: nil
    assert employer_cost(Decimal("36.05"), v).coefficient == Decimal("0.0200")
    assert employer_cost(Decimal("36.06"), v).coefficient == Decimal(0)
    assert employer_cost(Decimal("50.00"), v).coefficient == Decimal(0)


def test_the_floor_by_hand_with_the_law_model() -> None:
    # Gross employer rate: 13 + 8.55 + 2.11 + 5.25 + 0.30 + FNAL 0.50 + 4.00 + 4.72 + 1.29 = 39.72 % (law table)
    # + AT-MP 1 % + other charges 3 % (contract model defaults) = 43.72 %.
    # Agent 12.40 €: RGDU 0.3719 → cost of an hour 12.40 × (1 + 0.4372 − 0.3719) = 12.40 × 1.0653 = 13.20972;
    # per productive hour (shrinkage 30 %): 13.20972 ÷ 0.70 = 18.871029.
    # Supervisor 1.3 × 12.40 = 16.12 €: 3 × 12.02 ÷ 16.12 = 2.236973; ½ × 1.236973 = 0.618486; ^1.75 = 0.431342;
    # × 0.3821 + 0.02 = 0.1848 → 16.12 × (1.4372 − 0.1848) = 20.188688; ÷ 0.70 ÷ 15 = 1.922732.
    # Floor (18.871029 + 1.922732) × 1.15 = 23.912825; responsible price × 1.05 = 25.108466.
    floor = cost_floor(floor_parameters(contract({"hourly_wage": "12.40"}), ON), ON)
    assert floor.agent_employer is not None and floor.agent_employer.gross_rate == Decimal("0.4372")
    assert floor.loaded_hour == Decimal("13.2097")
    assert floor.agent_cost == Decimal("18.8710")
    assert floor.supervision == Decimal("1.9227")
    assert floor.cost_floor == Decimal("23.9128")
    assert floor.responsible_price == Decimal("25.1085")
    shown = floor.as_dict()
    assert shown["employer_cost"]["agent"]["coefficient"] == "0.3719"
    assert shown["employer_cost"]["supervisor"]["coefficient"] == "0.1848"
    assert "décret n° 2025-887" in shown["parameters"]["rgdu_t_delta"]["source"]
    assert "2025-1446" in shown["parameters"]["rate_old_age_uncapped"]["source"]
    assert "2026-509" in shown["parameters"]["rgdu_smic_reference"]["source"]
    assert shown["parameters"]["accident_rate"]["source"].startswith("contract model default")


def test_a_small_provider_uses_its_own_fnal_and_tdelta() -> None:
    # fewer than 50: FNAL 0.10 %, Tdelta 0.3781 → at the SMIC 0.02 + 0.3781 = 0.3981
    v = values(contract({"hourly_wage": "12.02", "employer_headcount": 20}))
    assert v["rate_housing"] == Decimal("0.0010") and v["rgdu_t_delta"] == Decimal("0.3781")
    assert employer_cost(Decimal("12.02"), v).coefficient == Decimal("0.3981")


def test_the_flat_rate_is_an_explicit_override_only() -> None:
    flat = cost_floor(floor_parameters(contract({"hourly_wage": "12.40", "employer_charges": "42%"}), ON), ON)
    assert flat.agent_employer is not None and flat.agent_employer.model == "flat"
    assert flat.loaded_hour == Decimal("17.6080")   # 12.40 × 1.42
    assert "explicit override" in {p.name: p.source for p in flat.parameters}["employer_charges"]
    with pytest.raises(ValidationError) as refused:
        contract({"hourly_wage": "12.40", "employer_charges": "42%", "accident_rate": "2%"})
    assert "flat_rate_with_model_settings" in str(refused.value)


def test_before_2026_only_a_stated_flat_rate_gives_a_floor() -> None:
    with pytest.raises(PriceFloorError) as refused:
        floor_parameters(contract({"hourly_wage": "12.40"}), date(2025, 6, 1))
    assert "employer_charges" in str(refused.value)
    card = scorecard(contract({"hourly_wage": "12.40"}), [], today=date(2025, 6, 1))
    assert card.verdict("4") == "not_enough_data"


def test_past_the_last_known_smic_there_is_no_floor() -> None:
    with pytest.raises(PriceFloorError) as refused:
        floor_parameters(contract({"hourly_wage": "12.40"}), date(2027, 2, 1))
    assert "smic.hourly_gross" in str(refused.value) and "charte reference add" in str(refused.value)


def test_the_scorecard_shows_each_step() -> None:
    # 27.00 € per productive hour: above the floor 23.9128 and the responsible price 25.1085 → pass;
    # with the former flat 42 % the floor would have been (12.40 × 1.42 + 16.12 × 1.42 ÷ 15) ÷ 0.70 × 1.15 = 31.43 €
    # and the verdict fail.
    card = scorecard(contract({"hourly_wage": "12.40"}), [], today=ON)
    item = card.item("4", "price_floor[a]")
    assert item.verdict == "pass" and item.figures["floor"]["cost_floor"] == "23.9128"
    assert item.figures["floor"]["employer_cost"]["agent"]["model"] == "rgdu"
    flat = scorecard(contract({"hourly_wage": "12.40", "employer_charges": "42%"}), [], today=ON).item(
        "4", "price_floor[a]")
    assert flat.verdict == "fail" and flat.figures["floor"]["cost_floor"] == "31.4345"
