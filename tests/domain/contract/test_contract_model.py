"""The contract model: parties, pricing bands, indexation formula, amendments and versions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from tests import party_data

from charte.domain.contract import Contract, PerHandledContact, apply_patch, validate_document
from charte.domain.contract.indexation import Indexation
from charte.domain.contract.parties import luhn_ok
from charte.domain.contract.service_commitments import ServiceLevel


def _document() -> dict[str, Any]:
    return {
        "contract": "c1",
        "client": party_data.client(name="Client"),
        "provider": party_data.provider(name="Provider", sites=[{"name": "Amiens", "country": "FR", "staff": 10}]),
        "term": {"start": date(2026, 1, 1), "end": date(2027, 12, 31)},
        "activities": [{"id": "in", "function": "service", "channel": "voice_inbound",
                        "opening_hours": "Mo-Fr 08:00-20:00", "pricing": {"per": "productive_hour", "price": "28.50"}}],
        "service_commitments": [{"id": "sl", "activity": "in", "metric": "service_level", "answered_within": "20s",
                                 "target": "80%"}],
        "payment_terms": {"days": 45},
        "amendments": [
            {"id": "a1", "effective": date(2026, 7, 1), "summary": "price and target",
             "changes": {"activities": [{"id": "in", "pricing": {"price": "29.10"}}],
                         "service_commitments": [{"id": "sl", "target": "85%"},
                                                 {"id": "asa", "activity": "in", "metric": "asa", "target": "30s"}]}},
            {"id": "a2", "effective": date(2027, 1, 1), "summary": "drop ASA, longer term",
             "changes": {"service_commitments": [{"id": "asa", "remove": True}], "term": {"end": date(2028, 6, 30)}}},
        ],
    }


def test_siren_luhn_golden_values() -> None:
    # Published example SIRENs (INSEE documentation) and one-digit typos of them.
    assert luhn_ok("732829320") and luhn_ok("123456782")
    assert not luhn_ok("732829321") and not luhn_ok("123456789")


def test_contract_public_api() -> None:
    contract = validate_document(_document()).contract
    assert contract is not None
    assert contract.id == "c1" and contract.name == "c1"
    assert contract.term.start == date(2026, 1, 1)
    assert contract.activity("in").hours.is_open_on(date(2026, 1, 5))
    sl = contract.commitment("sl")
    assert isinstance(sl, ServiceLevel) and sl.threshold_seconds == 20 and sl.short_abandon_seconds is None
    assert sl.formula == "answered within 20 s ÷ offered"
    with pytest.raises(KeyError):
        contract.activity("nope")


def test_as_of_applies_amendments_in_force() -> None:
    contract = validate_document(_document()).contract
    assert contract is not None
    assert contract.as_of(date(2026, 6, 30)) is contract
    july = contract.as_of(date(2026, 7, 1))
    assert july.activity("in").pricing.price == Decimal("29.10")
    assert july.commitment("sl").target == Decimal("0.85")
    assert [c.id for c in july.service_commitments] == ["sl", "asa"]
    assert july.applied_amendments == ("a1",)
    later = contract.as_of(date(2027, 3, 1))
    assert [c.id for c in later.service_commitments] == ["sl"]
    assert later.term.end == date(2028, 6, 30)
    assert later.applied_amendments == ("a1", "a2")
    assert contract.activity("in").pricing.price == Decimal("28.50")  # the signed contract is unchanged


def test_patch_merges_mappings_by_key_and_lists_by_id() -> None:
    base = {"a": {"x": 1, "y": [1, 2]}, "items": [{"id": "p", "v": 1}, {"id": "q", "v": 2}]}
    patched = apply_patch(base, {"a": {"y": [3]}, "items": [{"id": "q", "v": 5}, {"id": "r", "v": 0},
                                                            {"id": "p", "remove": True}]})
    assert patched == {"a": {"x": 1, "y": [3]}, "items": [{"id": "q", "v": 5}, {"id": "r", "v": 0}]}
    assert base["items"][1] == {"id": "q", "v": 2}  # pure


def test_models_are_frozen_and_refuse_unknown_keys() -> None:
    contract = validate_document(_document()).contract
    assert contract is not None
    with pytest.raises(ValidationError):
        contract.id = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        ServiceLevel.model_validate({"id": "s", "activity": "a", "metric": "service_level", "answered_within": "20s",
                                     "target": "80%", "colour": "blue"})


def test_building_an_inconsistent_contract_in_code_is_refused() -> None:
    document = _document()
    document["service_commitments"][0]["activity"] = "missing"
    assert validate_document(document).contract is None
    with pytest.raises(ValidationError, match="unknown_activity"):
        Contract.model_validate(document)


def test_graduated_and_volume_tiers() -> None:
    pricing = PerHandledContact.model_validate({"per": "handled_contact", "tiering": "volume", "tiers": [
        {"from": 1000, "price": "3.50"}, {"from": 0, "to": 1000, "price": "4.00"}]})
    assert pricing.tiers is not None and [t.from_ for t in pricing.tiers] == [0, 1000]  # kept in order
    assert pricing.unit_price_for(Decimal(999)) == Decimal("4.00")
    assert pricing.unit_price_for(Decimal(1000)) == Decimal("3.50")


@pytest.mark.parametrize(("text", "fixed", "indexed"), [
    ("0.15 + 0.85 × I/I0", "0.15", "0.85"), ("P = P0 × (0.30 + 0.70 × S/S0)", "0.30", "0.70"),
    ("0.15 + 0.85 * I/I0", "0.15", "0.85"), ("I/I0", "0", "1"),
])
def test_revision_formula(text: str, fixed: str, indexed: str) -> None:
    clause = Indexation.model_validate({"index": "syntec", "formula": text, "base_month": "2025-08",
                                        "anniversary": "01-01"})
    assert (clause.formula.fixed, clause.formula.indexed) == (Decimal(fixed), Decimal(indexed))
    # P0 × (a + b × I/I0) with I = 1.1 × I0: hand-computed coefficient a + 1.1 b
    assert clause.formula.ratio(Decimal("110"), Decimal("100")) == Decimal(fixed) + Decimal("1.1") * Decimal(indexed)


@given(st.integers(min_value=0, max_value=100))
def test_formula_weights_must_sum_to_one(a: int) -> None:
    b = 100 - a
    good = f"{Decimal(a) / 100} + {Decimal(b) / 100} × I/I0"
    Indexation.model_validate({"index": "syntec", "formula": good, "base_month": "2025-08", "anniversary": "01-01"})
    bad = f"{Decimal(a) / 100} + {Decimal(b + 1) / 100} × I/I0"
    with pytest.raises(ValidationError, match="indexation_weights_not_one"):
        Indexation.model_validate({"index": "syntec", "formula": bad, "base_month": "2025-08", "anniversary": "01-01"})
