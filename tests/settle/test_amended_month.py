"""An avenant taking effect during the month: prices pro rata, one line per price citing its avenant."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.settle.scenarios import FIXED_FEE, NOVEMBER, complete_rows, contract, facts, row

from charte.domain.calendar import Month
from charte.settle import Facts, LineKind, SettlementError, Successes, interval_block, settle
from charte.settle.engine import lines_of
from charte.settle.explain import explain

PRICE_FROM_16 = """\
amendments:
  - id: avenant-2
    signed: 2026-11-02
    effective: 2026-11-16
    summary: "Hourly price 32.00 from 16 November"
    changes:
      activities:
        - {id: inbound, pricing: {per: productive_hour, price: "32.00"}}
"""


def test_an_hourly_price_changed_on_the_16th_splits_the_month_by_measured_hours():
    # 10 productive hours on 2 November at the signed price 30.00 = 300.00;
    # 20 productive hours on 20 November at avenant-2's 32.00 = 640.00. Total 940.00
    # (ignoring the avenant: 30 h × 30.00 = 900.00).
    rows = [row("2026-11-02T09:00", 10, 10, productive_hours=10), row("2026-11-20T09:00", 10, 10, productive_hours=20)]
    result = settle(contract(PRICE_FROM_16), NOVEMBER, facts(rows))
    first, second = lines_of(result, LineKind.SERVICE)
    assert (first.quantity, first.unit_price, first.amount) == (Decimal(10), Decimal("30.00"), Decimal("300.00"))
    assert (second.quantity, second.unit_price, second.amount) == (Decimal(20), Decimal("32.00"), Decimal("640.00"))
    assert "avenant" not in first.clause and "avenant-2" in second.clause
    assert second.explanation.figures["segment_from"] == "2026-11-16"
    assert second.explanation.figures["prorata_basis"] == "measured_in_segment"
    assert result.total_excluding_vat == Decimal("940.00")
    assert "16/11" in second.label and "16/11–30/11" in second.label



def test_a_fixed_monthly_fee_changed_mid_month_is_split_by_calendar_days():
    # December 2026 has 31 days: 1–16 December (16 days) at 2,500.00 → 2,500.00 × 16/31 = 1,290.3226 → 1,290.32;
    # 17–31 December (15 days) at 3,100.00 → 3,100.00 × 15/31 = 1,500.00. Inbound: 1 h × 30.00 = 30.00.
    # Total 2,820.32.
    result = settle(contract(FIXED_FEE), Month(2026, 12),
                    facts([row("2026-12-01T09:00", 10, 10, productive_hours=1)]))
    first, second = lines_of(result, LineKind.FIXED_FEE)
    assert (first.quantity, first.unit, first.amount) == (Decimal(16), "day", Decimal("1290.32"))
    assert (second.quantity, second.amount) == (Decimal(15), Decimal("1500.00"))
    assert second.explanation.figures["prorata_basis"] == "calendar_days"
    assert "avenant-3" in second.clause
    assert result.total_excluding_vat == Decimal("2820.32")
    assert "16" in explain(first, "fr") and "31" in explain(first, "fr")


TIERED = """\
  - id: mail
    function: service
    channel: email
    opening_hours: "Mo-Fr 09:00-18:00"
    pricing:
      per: handled_contact
      tiers:
        - {from: 0, to: 1000, price: "3.10"}
        - {from: 1000, price: "2.80"}
amendments:
  - id: avenant-4
    effective: 2026-11-16
    summary: "Lower e-mail prices from 16 November"
    changes:
      activities:
        - id: mail
          pricing:
            per: handled_contact
            tiers:
              - {from: 0, to: 1000, price: "3.00"}
              - {from: 1000, price: "2.70"}
"""


def test_graduated_tiers_go_on_filling_across_the_avenant():
    # 800 e-mails before the 16th: 800 × 3.10 = 2,480.00. 700 after: the month is at 800, so the avenant's first band
    # takes 200 × 3.00 = 600.00 and its second band 500 × 2.70 = 1,350.00. Mail total 4,430.00; inbound 30.00.
    inbound = complete_rows([row("2026-11-02T09:00", 10, 10, productive_hours=1)])
    mail = complete_rows([row("2026-11-03T09:00", 800, 0), row("2026-11-17T09:00", 700, 0)], "Mo-Fr 09:00-18:00")
    result = settle(contract(TIERED), NOVEMBER, Facts.of(intervals=[interval_block("inbound", inbound),
                                                                    interval_block("mail", mail)]))
    got = [(line.quantity, line.unit_price, line.amount) for line in result.lines if line.activity == "mail"]
    assert got == [(Decimal(800), Decimal("3.10"), Decimal("2480.00")),
                   (Decimal(200), Decimal("3.00"), Decimal("600.00")),
                   (Decimal(500), Decimal("2.70"), Decimal("1350.00"))]
    assert result.total_excluding_vat == Decimal("4460.00")


def test_a_change_to_a_monthly_clause_applies_from_the_next_month_and_says_so():
    target = """\
service_commitments:
  - {id: sl, activity: inbound, metric: service_level, answered_within: 20s, target: 80%}
amendments:
  - id: avenant-5
    effective: 2026-11-16
    summary: "Target 85%"
    changes:
      service_commitments:
        - {id: sl, target: 85%}
"""
    result = settle(contract(target), NOVEMBER, facts([row("2026-11-02T09:00", 100, 82, productive_hours=1)]))
    (sl,) = result.service_results
    assert sl.target == Decimal("0.80")
    assert any("avenant-5" in n and "service_commitments" in n and "next month" in n for n in result.notes)


def test_a_success_fee_changed_mid_month_is_refused_not_guessed():
    c = contract()
    document = c.document()
    document["activities"][0]["function"] = "commercial"
    document["activities"][0]["pricing"] = {"per": "productive_hour", "price": "30.00",
                                            "success_fee": {"event": "sale", "amount": "15.00"}}
    document["amendments"] = [{"id": "avenant-6", "effective": "2026-11-16", "summary": "fee 20.00", "changes": {
        "activities": [{"id": "inbound", "pricing": {"success_fee": {"event": "sale", "amount": "20.00"}}}]}}]
    c = type(c).model_validate(document)
    with pytest.raises(SettlementError) as error:
        settle(c, NOVEMBER, facts([row("2026-11-02T09:00", 10, 10, productive_hours=1)],
                                  successes=[Successes("inbound", 3, Decimal(0))]))
    assert error.value.codes == ("success_fee_changes_mid_month",)


def test_validate_warns_that_a_monthly_clause_changed_mid_month_waits_for_the_next_month():
    from tests.settle.scenarios import HEAD

    from charte.io.contract_yaml import check_contract_text

    text = HEAD + """\
service_commitments:
  - {id: sl, activity: inbound, metric: service_level, answered_within: 20s, target: 80%}
amendments:
  - id: avenant-5
    effective: 2026-11-16
    summary: "Target 85%"
    changes:
      service_commitments:
        - {id: sl, target: 85%}
"""
    contract_, problems = check_contract_text(text, "c.yaml")
    assert contract_ is not None
    (warning,) = [p for p in problems if p.code == "amendment_mid_month"]
    assert warning.severity == "warning" and "next month" in warning.message
    assert warning.line == text.splitlines().index("  - id: avenant-5") + 2  # the `effective:` line (1-based)
