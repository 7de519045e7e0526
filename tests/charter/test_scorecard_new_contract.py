"""A new contract with no history: "not enough data" where history is needed, never an error; the examples."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from charte.charter import AXES, scorecard
from charte.io.contract_yaml import load_contract

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HISTORY_ITEMS = {("1", "forecast_accuracy"), ("1", "minimum_billing_honoured"), ("1", "forecast_value_added"),
                 ("2", "targets_met"), ("2", "fair_evaluation_effect"), ("3", "share_of_invoice"),
                 ("5", "applied_on_time"), ("6", "days_late"), ("8", "penalties_headroom"), ("2010", "ivr")}


def test_no_history_gives_not_enough_data() -> None:
    contract = load_contract(EXAMPLES / "service-client-energie.yaml")
    card = scorecard(contract, [], today=date(2026, 1, 15))
    assert card.months == ()
    for axis, item in HISTORY_ITEMS:
        assert card.item(axis, item).verdict == "not_enough_data", (axis, item)
    assert set(card.verdicts) == set(AXES)
    document = json.loads(card.to_json())
    assert [a["axis"] for a in document["axes"]] == list(AXES)
    assert all(f["reason_fr"] and f["reason_en"] and f["reference"] for a in document["axes"] for f in a["findings"])


def test_the_unbalanced_example_fails_where_the_balanced_one_passes() -> None:
    today = date(2026, 6, 15)
    balanced = scorecard(load_contract(EXAMPLES / "service-client-energie.yaml"), [], today=today)
    unbalanced = scorecard(load_contract(EXAMPLES / "contrat-desequilibre.yaml"), [], today=today,
                           measured_aht={"support-inbound": 420})
    failing = {axis for axis, verdict in unbalanced.verdicts.items() if verdict == "fail"}
    assert {"1", "3", "4", "5", "7", "8", "2010"} <= failing
    for axis in ("1", "3", "5", "7", "8", "2010"):
        assert balanced.verdict(axis) == "pass", axis
    assert unbalanced.verdict("6") == "warn"      # 45 days end of month: legal, but the longest allowed
