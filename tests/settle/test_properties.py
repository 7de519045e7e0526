"""Properties of every settlement: lines sum to the total, caps hold, same inputs → same bytes, row order irrelevant."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.settle.scenarios import NOVEMBER, at, facts, row, sl_contract, w1

from charte.domain.money import round_cents
from charte.settle import Incident, LineKind, settle

LIABILITY = "liability: {cap_months_of_billing: 12, penalties_cap: 6%}\n"


def _month(intervals: list[tuple[int, int, int, int]], evaluation: str):
    """Intervals (forecast, offered, answered within 20 s, handled) on 2 Nov 2026 from 08:00 UTC."""
    starts = [f"2026-11-02T{8 + i // 2:02d}:{30 * (i % 2):02d}" for i in range(len(intervals))]
    rows = [row(s, offered, min(answered, handled), handled=handled, productive_hours=Decimal(7) + i,
                short_abandoned=0, wait_seconds_answered=answered * 3, wait_seconds_abandoned=(offered - handled) * 40)
            for i, (s, (_, offered, answered, handled)) in enumerate(zip(starts, intervals, strict=True))]
    forecast = w1([(s, f) for s, (f, *_rest) in zip(starts, intervals, strict=True)])
    return sl_contract(evaluation, LIABILITY), rows, forecast


interval = st.integers(20, 200).flatmap(lambda f: st.tuples(
    st.just(f), st.integers(0, 3 * f), st.integers(0, 3 * f), st.integers(0, 3 * f)
)).map(lambda t: (t[0], t[1], min(t[2], t[1]), min(t[3], t[1])))


@settings(max_examples=40, deadline=None)
@given(st.lists(interval, min_size=1, max_size=8), st.sampled_from(["raw", "band_neutralised", "fair"]))
def test_lines_sum_to_the_total_and_caps_hold(intervals, evaluation):
    contract, rows, forecast = _month(intervals, evaluation)
    result = settle(contract, NOVEMBER, facts(rows, forecasts=[forecast]))
    assert sum(line.amount for line in result.lines) == result.total_excluding_vat
    assert result.vat == round_cents(result.total_excluding_vat * Decimal("0.20"))
    assert result.total_including_vat == result.total_excluding_vat + result.vat
    base = sum(line.amount for line in result.lines if line.kind == LineKind.SERVICE)
    malus = sum((line.amount for line in result.lines if line.kind in (LineKind.MALUS, LineKind.CAP_ADJUSTMENT)),
                Decimal(0))
    bonus = sum((line.amount for line in result.lines if line.kind == LineKind.BONUS), Decimal(0))
    # grid caps 5% malus / 3% bonus; overall 8% / 4%; liability 6%: net malus never beyond 5% of the base
    assert -malus <= round_cents(Decimal("0.05") * base)
    assert bonus <= round_cents(Decimal("0.03") * base)
    for line in result.lines:
        if line.kind in (LineKind.MALUS, LineKind.BONUS):
            assert line.explanation.figures["rate"] <= line.explanation.figures["cap"]


def test_the_same_inputs_give_byte_identical_output_whatever_the_row_order():
    intervals = [(100, 100, 82, 100), (100, 300, 90, 250), (100, 80, 40, 80), (60, 50, 45, 50), (80, 120, 60, 110)]
    contract, rows, forecast = _month(intervals, "fair")
    outage = Incident("inbound", at("2026-11-02T09:40"), at("2026-11-02T10:10"), "client_outage", "client")
    strike = Incident("inbound", at("2026-11-02T11:00"), at("2026-11-02T11:20"), "force_majeure", "none")
    first = settle(contract, NOVEMBER, facts(rows, forecasts=[forecast], incidents=[outage, strike])).to_json()
    again = settle(contract, NOVEMBER, facts(rows, forecasts=[forecast], incidents=[outage, strike])).to_json()
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    reordered = settle(contract, NOVEMBER, facts(shuffled, forecasts=[forecast], incidents=[strike, outage])).to_json()
    assert first == again == reordered
    assert '"inputs_sha256"' in first


def test_the_input_hash_changes_with_any_fact():
    intervals = [(100, 100, 82, 100), (100, 300, 90, 250)]
    contract, rows, forecast = _month(intervals, "fair")
    a = settle(contract, NOVEMBER, facts(rows, forecasts=[forecast]))
    rows[1] = {**rows[1], "answered_within_20s": 91}
    b = settle(contract, NOVEMBER, facts(rows, forecasts=[forecast]))
    assert a.inputs_sha256 != b.inputs_sha256
