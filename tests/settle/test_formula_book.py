"""One formula book: the formula shown is the formula computed, by settlement (NumPy) and by the measures (Ibis)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pyarrow as pa
import pytest
from tests.settle.scenarios import NOVEMBER, contract, facts, row

from charte.domain import kpi_formulas
from charte.settle import LineKind, SettlementError, settle
from charte.settle.engine import lines_of
from charte.settle.explain import explain

AFTER_THRESHOLD = """\
service_commitments:
  - {id: sl, activity: inbound, metric: service_level, answered_within: 20s, abandons: after_threshold, target: 80%}
bonus_malus:
  grids:
    sl: {malus: {per_point: 1%}, cap_malus: 5%}
  overall_cap: {malus: 8%}
  symmetric: false
"""


def _interval(**extra):
    # 100 offered: 90 handled (72 within 20 s), 10 abandoned of whom 6 within 20 s; 100 productive hours.
    return row("2026-11-02T09:00", 100, 72, handled=90, productive_hours=100, **extra)


def test_abandons_after_the_threshold_are_the_only_ones_counted():
    # Contract: answered within 20 s ÷ (handled + abandoned after 20 s) = 72 ÷ (90 + 10 − 6) = 72/94 = 76.5957%
    # (to the millionth 0.765957). Dividing by offered would give 72%. Malus: (80 − 76.5957) = 3.4043 points × 1%
    # = 3.4043% of 3,000.00 = 102.129 → −102.13.
    result = settle(contract(AFTER_THRESHOLD), NOVEMBER, facts([_interval(abandoned_within_20s=6)]))
    (sl,) = result.service_results
    assert sl.raw == Decimal("0.765957")
    assert sl.formula == "answered within 20 s ÷ (handled + abandoned − abandoned within 20 s)"
    assert sl.formula_fr == "décrochés en 20 s ou moins ÷ (traités + abandonnés − abandonnés en moins de 20 s)"
    (malus,) = lines_of(result, LineKind.MALUS)
    assert malus.amount == Decimal("-102.13")
    assert sl.formula_fr in explain(malus, "fr") and sl.formula in explain(malus, "en")


def test_a_report_that_cannot_measure_the_formula_is_refused_naming_it():
    with pytest.raises(SettlementError) as error:
        settle(contract(AFTER_THRESHOLD), NOVEMBER, facts([_interval()]))
    assert error.value.codes == ("missing_column",)
    assert "`abandoned_within_20s`" in str(error.value) and "handled + abandoned" in str(error.value)


@pytest.mark.parametrize(("abandons", "short"), [("counted", None), ("counted", 5), ("excluded", None),
                                                 ("after_threshold", None)])
def test_settlement_and_the_measures_evaluate_the_same_formula(abandons, short, tmp_path):
    # The same interval report measured by `charte kpi` (Ibis on DuckDB) and by the settlement (NumPy) gives the
    # same service level, for each way the contract counts abandons.
    from charte.measure.engines import duckdb_backend
    from charte.measure.formulas import KpiSpec, ServiceLevelFormula
    from charte.measure.kpis import kpis

    rows = [{"offered": 100, "handled": 90, "abandoned": 10, "short_abandoned": 3, "answered_within_20s": 72,
             "abandoned_within_20s": 6, "minute": 0},
            {"offered": 50, "handled": 41, "abandoned": 9, "short_abandoned": 4, "answered_within_20s": 30,
             "abandoned_within_20s": 7, "minute": 30}]
    when = datetime(2026, 11, 2, 8, tzinfo=UTC)
    table = pa.Table.from_pylist([{**{k: v for k, v in r.items() if k != "minute"}, "activity": "inbound",
                                   "interval_start": when.replace(minute=r["minute"]), "interval_minutes": 30,
                                   "utc_offset_seconds": 3600, "local_date": date(2026, 11, 2)} for r in rows])
    spec = KpiSpec(thresholds=(20,), short_abandon_seconds=float(short or 5), service_level={
        ("counted", None): ServiceLevelFormula.OFFERED,
        ("counted", 5): ServiceLevelFormula.OFFERED_MINUS_SHORT_ABANDONS,
        ("excluded", None): ServiceLevelFormula.HANDLED,
        ("after_threshold", None): ServiceLevelFormula.AFTER_THRESHOLD}[(abandons, short)])
    import pyarrow.parquet as pq

    pq.write_table(table, tmp_path / "r.parquet")
    backend = duckdb_backend()
    reports = backend.read_parquet(str(tmp_path / "r.parquet"))
    measured = backend.to_pyarrow(kpis(reports=reports, spec=spec, by="month")).to_pylist()
    formula = kpi_formulas.service_level(20, short, abandons)
    assert spec.service_level_formula(20) == formula
    text = f"short_abandon: {short}s, " if short else ""
    c = contract(f"""\
service_commitments:
  - {{id: sl, activity: inbound, metric: service_level, answered_within: 20s, {text}abandons: {abandons},
      target: 80%}}
""")
    settled = settle(c, NOVEMBER, facts([row("2026-11-02T08:00", **_args(rows[0])),
                                         row("2026-11-02T08:30", **_args(rows[1]))]))
    (sl,) = settled.service_results
    assert sl.formula == formula.text("en")
    assert float(sl.raw) == pytest.approx(measured[0]["service_level_20s"], abs=1e-6)


def _args(r: dict) -> dict:
    return {"offered": r["offered"], "answered": r["answered_within_20s"], "handled": r["handled"],
            "short_abandoned": r["short_abandoned"], "abandoned_within_20s": r["abandoned_within_20s"]}
