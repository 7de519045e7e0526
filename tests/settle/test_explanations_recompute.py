"""Every line's amount can be redone by hand from its explanation alone, in French and in English.

Each explanation ends with ``calculation: <expression> = <amount>`` (``calcul : … = … €``). The test reads the
printed figures only — no engine figure — evaluates the expression exactly (Decimal), rounds half up to the
cent, and finds the printed amount and the line's amount; the bonus/malus base printed is the sum of the
activity's lines before bonus/malus. Contracts: the demo month, and one contract per pricing model (productive
hour, handled contact, minute, fixed monthly, graduated and volume tiers, success fee) with an indexed price,
a minimum-billing top-up, a capped malus, and an avenant splitting the month.
"""

from __future__ import annotations

import ast
import operator
import re
from datetime import date
from decimal import Decimal

import pytest
from tests.settle.scenarios import HEAD, NOVEMBER, at, complete_rows, contract, row

from charte.domain.calendar import Month
from charte.domain.money import round_cents
from charte.io.contract_yaml import loads_contract
from charte.settle import Facts, ForecastSeries, IndexValue, LineKind, Settlement, Successes, interval_block, settle
from charte.settle.explain import explain

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _number(text: str, lang: str) -> str:
    text = text.replace("\u202f", "").replace("\u00a0", "")
    return text.replace(",", ".") if lang == "fr" else text.replace(",", "")


def _evaluate(expression: str, lang: str) -> Decimal:
    """The printed expression evaluated exactly: × ÷ + − ( ) and percentages."""
    text = expression.replace("×", "*").replace("÷", "/").replace("−", "-")
    text = re.sub(r"(\d[\d\u202f\u00a0,.]*\d|\d)\s*%", lambda m: f"({_number(m.group(1), lang)}/100)", text)
    text = re.sub(r"\d[\d\u202f\u00a0,.]*\d|\d", lambda m: _number(m.group(0), lang), text)
    text = re.sub(r"(\d+(?:\.\d+)?)", r"D('\1')", text)

    def walk(node: ast.AST) -> Decimal:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BinOp):
            return _OPS[type(node.op)](walk(node.left), walk(node.right))  # type: ignore[no-any-return]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.Call) and isinstance(node.args[0], ast.Constant):
            return Decimal(str(node.args[0].value))
        raise AssertionError(f"unexpected term in {expression!r}: {ast.dump(node)}")

    return walk(ast.parse(text, mode="eval"))


def _recompute(settlement: Settlement) -> int:
    checked = 0
    for line in settlement.lines:
        for lang, word in (("fr", "calcul : "), ("en", "calculation: ")):
            text = explain(line, lang)  # type: ignore[arg-type]
            assert word in text, text
            expression, printed = text.rsplit(word, 1)[1].rsplit(" = ", 1)
            amount = Decimal(_number(printed.replace("€", "").strip(), lang).replace("−", "-"))
            assert round_cents(_evaluate(expression, lang)) == amount == line.amount, (lang, text)
            checked += 1
        assert round_cents(line.quantity * line.unit_price) == line.amount or line.kind == LineKind.CAP_ADJUSTMENT
        if line.kind in (LineKind.MALUS, LineKind.BONUS):
            base = line.explanation.figures["base"]
            before = [x.amount for x in settlement.lines if x.activity == line.activity
                      and x.kind not in (LineKind.MALUS, LineKind.BONUS, LineKind.CAP_ADJUSTMENT)]
            assert base == sum(before, Decimal(0))
    return checked


def test_the_demo_month_recomputes(tmp_path):
    from charte.demo.run import run_demo

    assert _recompute(run_demo(tmp_path).settlement) >= 4


INDEXED = """\
indexation: {index: syntec, formula: "0.15 + 0.85 × I/I0", base_month: 2025-08, anniversary: 01-01,
             lag_months: 3}
forecasts:
  horizons: [{name: M-1, issued_before: 1 month, granularity: month}]
  band: {under: 10%, over: 10%, horizon: M-1}
  minimum_billing: {rule: forecast_volume, floor: 90%, horizon: M-1}
service_commitments:
  - {id: sl, activity: inbound, metric: service_level, answered_within: 20s, target: 80%}
bonus_malus:
  grids:
    sl: {malus: {per_point: 1.5%}, bonus: {per_point: 0.5%, above: 85%}, cap_malus: 4%, cap_bonus: 3%}
  overall_cap: {malus: 4%, bonus: 3%}
liability: {cap_months_of_billing: 12, penalties_cap: 3%}
amendments:
  - {id: avenant-9, effective: 2027-02-16, summary: new price, changes: {activities: [{id: inbound, pricing: PRICE2}]}}
"""

PRICINGS = {
    "productive_hour": ('{per: productive_hour, price: "28.50"}', '{per: productive_hour, price: "29.75"}'),
    "handled_contact": ('{per: handled_contact, price: "2.13"}', '{per: handled_contact, price: "2.27"}'),
    "minute": ('{per: minute, price: "0.62"}', '{per: minute, price: "0.66"}'),
    "fixed_monthly": ('{per: fixed_monthly, amount: "2500.00"}', '{per: fixed_monthly, amount: "2700.00"}'),
    "graduated_tiers": ('{per: handled_contact, tiers: [{from: 0, to: 3000, price: "3.10"}, '
                        '{from: 3000, price: "2.80"}]}',
                        '{per: handled_contact, tiers: [{from: 0, to: 3000, price: "3.00"}, '
                        '{from: 3000, price: "2.70"}]}'),
    "volume_tiers": ('{per: handled_contact, tiering: volume, tiers: [{from: 0, to: 3000, price: "3.10"}, '
                     '{from: 3000, price: "2.80"}]}',
                     '{per: handled_contact, tiering: volume, tiers: [{from: 0, to: 3000, price: "3.00"}, '
                     '{from: 3000, price: "2.70"}]}'),
    "success_fee": ('{per: productive_hour, price: "31.00", success_fee: {event: sale, amount: "35.00"}}',
                    '{per: productive_hour, price: "31.00", success_fee: {event: sale, amount: "35.00"}}'),
    "success_share": ('{per: productive_hour, price: "31.00", success_fee: {event: sale, share: "8%"}}',
                      '{per: productive_hour, price: "31.00", success_fee: {event: sale, share: "8%"}}'),
}


@pytest.mark.parametrize("model", sorted(PRICINGS))
def test_each_pricing_model_recomputes(model):
    first, second = PRICINGS[model]
    head = HEAD.replace('pricing: {per: productive_hour, price: "30.00"}', f"pricing: {first}")
    if "success_fee" in first:
        head = head.replace("function: service", "function: commercial")
    c = loads_contract(head + INDEXED.replace("PRICE2", second), "test.yaml")
    february = Month(2027, 2)
    # 20 weekdays-and-Saturdays of February 2027 with calls; 77% within 20 s (a malus), volume under the M-1 band.
    rows = [row(f"2027-02-{d:02d}T09:00", 157, 121, handled=151, productive_hours=Decimal("7.25"), aht=187,
                wait_seconds_answered=1234.5) for d in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 22)]
    m1 = ForecastSeries.build("inbound", "M-1", "month", date(2027, 1, 1), [at("2027-01-31T23:00")], [3700], [180])
    index = [IndexValue("syntec", Month(2025, 8), Decimal("300.0")), IndexValue("syntec", Month(2026, 10),
                                                                                 Decimal("307.7"))]
    successes = [Successes("inbound", 17, Decimal("12345.67"))]
    result = settle(c, february, Facts.of(intervals=[interval_block("inbound", complete_rows(rows))], forecasts=[m1],
                                          index_values=index, successes=successes))
    kinds = {line.kind for line in result.lines}
    assert LineKind.MALUS in kinds and result.indexation.indexed
    if model != "fixed_monthly":
        assert LineKind.MINIMUM_BILLING in kinds
    assert _recompute(result) >= 2 * len(result.lines)
    assert sum(line.amount for line in result.lines) == result.total_excluding_vat


def test_the_november_scenario_contract_recomputes_too():
    # a whole-month price without avenant or revision, for completeness
    result = settle(contract(), NOVEMBER, Facts.of(intervals=[interval_block("inbound", complete_rows(
        [row("2026-11-02T09:00", 10, 10, productive_hours=Decimal("1.2345"))]))]))
    assert _recompute(result) == 2
