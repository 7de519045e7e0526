"""Rounding and grids as the contract states them, shown on each line; bonus/malus lines recomputable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.settle.scenarios import NOVEMBER, at, contract, facts, row

from charte.settle import ForecastSeries, LineKind, settle
from charte.settle.engine import lines_of
from charte.settle.explain import explain

GRID = """\
service_commitments:
  - {{id: sl, activity: inbound, metric: service_level, answered_within: 20s, target: 80%}}
bonus_malus:
  points: {points}
  grids:
    sl: {{malus: {{per_point: 1%}}, cap_malus: 5%}}
  overall_cap: {{malus: 8%}}
  symmetric: false
"""


@pytest.mark.parametrize(("points", "counted", "amount", "words"), [
    # SL = 7,755/10,000 = 77.55%: 2.45 points under 80%. 100 h × 30.00 = 3,000.00 billed.
    # pro rata: 2.45 × 1% = 2.45% of 3,000.00 = 73.50
    ("pro_rata", Decimal("2.45"), Decimal("-73.50"), "au prorata"),
    # whole points only: 2 × 1% = 2% = 60.00
    ("full_points", Decimal("2"), Decimal("-60.00"), "par point entier"),
    # a started point counts whole: 3 × 1% = 3% = 90.00
    ("started_points", Decimal("3"), Decimal("-90.00"), "tout point commencé dû"),
])
def test_malus_points_as_the_grid_counts_them(points, counted, amount, words):
    result = settle(contract(GRID.format(points=points)), NOVEMBER,
                    facts([row("2026-11-02T09:00", 10_000, 7_755, productive_hours=100)]))
    (malus,) = lines_of(result, LineKind.MALUS)
    assert malus.amount == amount
    figures = malus.explanation.figures
    assert (figures["gap_points"], figures["points"], figures["points_rule"]) == (Decimal("2.45"), counted, points)
    # the line reads: (percentage of the base) × (1% of the base) = amount — no "0,01 × 3 000,00"
    assert (malus.quantity, malus.unit, malus.unit_price) == (counted, "% of base", Decimal("-30.00"))
    assert malus.quantity * malus.unit_price == malus.amount_unrounded
    text = explain(malus, "fr")
    assert words in text and "écart de 2,45 points" in text
    assert text.endswith(f"calcul : −({counted}\u00a0% × 3\u202f000,00) = {amount}\u00a0€".replace(".", ","))


MINIMUM = """\
forecasts:
  horizons: [{{name: M-1, issued_before: 1 month, granularity: month}}]
  band: {{under: 10%, over: 10%, horizon: M-1}}
  minimum_billing: {{rule: forecast_volume, floor: 90%, horizon: M-1, triggered_on: {trigger}}}
"""


@pytest.mark.parametrize(("trigger", "top_up"), [
    # 950 offered ≥ 1,000 × 90% = 900: in the band, no minimum.
    ("offered", None),
    # 850 handled < 900: under the band; minimum 90% × 1,000 = 900 contacts; billed 850 handled; top-up 50 × 2.00.
    ("handled", Decimal("100.00")),
])
def test_minimum_billing_triggered_on_offered_or_handled(trigger, top_up):
    c = contract(MINIMUM.format(trigger=trigger))
    document = c.document()
    document["activities"][0]["pricing"] = {"per": "handled_contact", "price": "2.00"}
    c = type(c).model_validate(document)
    m1 = ForecastSeries.build("inbound", "M-1", "month", date(2026, 10, 1), [at("2026-10-31T23:00")], [1000], [180])
    result = settle(c, NOVEMBER, facts([row("2026-11-02T09:00", 950, 800, handled=850)], forecasts=[m1]))
    lines = lines_of(result, LineKind.MINIMUM_BILLING)
    assert (lines[0].amount if lines else None) == top_up
    if lines:
        assert "850 appels traités" in explain(lines[0], "fr")
        assert lines[0].explanation.figures["triggered_on"] == "handled"


def test_the_revised_price_rounding_is_stated_on_the_line():
    indexation = """\
indexation:
  index: syntec
  formula: "0.15 + 0.85 × I/I0"
  base_month: 2025-08
  anniversary: 01-01
  lag_months: 3
"""
    from charte.domain.calendar import Month
    from charte.settle import IndexValue

    index = [IndexValue("syntec", Month(2025, 8), Decimal(300)), IndexValue("syntec", Month(2026, 10), Decimal(309))]
    result = settle(contract(indexation, price="28.50"), Month(2027, 2),
                    facts([row("2027-02-01T09:00", 100, 90, productive_hours=100)], index_values=index))
    (line,) = result.lines
    # 28.50 × 1.0255 = 29.22675 → 29.23 (rounded before it multiplies): 360,000 s ÷ 3,600 × 29.23 = 2,923.00
    assert "revised price rounded to the cent" in explain(line, "en")
    assert explain(line, "en").endswith("calculation: 360,000 ÷ 3,600 × 29.23 = €2,923.00")
