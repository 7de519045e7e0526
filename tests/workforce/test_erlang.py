"""Erlang B/C/A figures: published vectors, a 50-digit mpmath reference, properties, bad input."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.workforce.workforce_reference import erlang_a_reference, erlang_c_reference

from charte.workforce import WorkforceInputError, erlang_a_metrics, erlang_b, erlang_c, erlang_c_metrics

# Published vectors (issue 3, written by others): 100 calls per 30 min, AHT 180 s = 10 Erlangs, 20 s.


def test_published_erlang_c_vectors() -> None:
    m = erlang_c_metrics(10.0, np.array([11, 13, 14, 15]), 180.0, 20.0)
    assert m.probability_of_waiting[0] == pytest.approx(0.6821182, abs=5e-8)
    assert m.probability_of_waiting[2] == pytest.approx(0.1741319, abs=5e-8)
    assert m.service_level[1:].tolist() == pytest.approx([0.7955948, 0.88835, 0.9414528], abs=5e-8)
    assert m.asa_seconds[2] == pytest.approx(7.835937, abs=5e-7)
    assert m.occupancy[2] == pytest.approx(0.7142857, abs=5e-8)


def test_published_erlang_a_vector() -> None:
    m = erlang_a_metrics(10.0, 14, 180.0, 300.0, 20.0)
    assert float(m.probability_of_waiting) == pytest.approx(0.14526, abs=5e-6)
    assert float(m.abandonment) == pytest.approx(0.013984, abs=5e-7)
    assert float(m.service_level) == pytest.approx(0.916792, abs=5e-7)
    # the published "ASA" (0.069919 min) is the mean wait of every offered caller, abandoners included
    assert float(m.mean_wait_seconds) / 60 == pytest.approx(0.069919, abs=5e-7)


def test_erlang_b_small_hand_values() -> None:
    # B(1, a) = a/(1+a); B(2, 1) = (1/2)/(1 + 1 + 1/2) = 0.2
    assert erlang_b([0.5, 1.0], [1, 2]).tolist() == pytest.approx([1 / 3, 0.2], rel=1e-15)
    assert erlang_b(5.0, 0).tolist() == 1.0
    assert erlang_b(0.0, 3).tolist() == 0.0


GRID_C = [(0.1, 20.0), (1.0, 20.0), (10.0, 20.0), (87.3, 15.0), (500.0, 20.0), (2500.0, 10.0), (20000.0, 20.0)]


@pytest.mark.parametrize(("load", "within"), GRID_C)
def test_erlang_c_matches_mpmath_from_tenth_to_twenty_thousand_erlangs(load: float, within: float) -> None:
    base = math.floor(load) + 1
    agents = np.arange(base, base + int(4 * math.sqrt(load)) + 3)
    ours = erlang_c_metrics(load, agents, 240.0, within)
    for i, (c_ref, sl_ref) in enumerate(erlang_c_reference(load, agents.tolist(), 240.0, within)):
        assert abs(ours.probability_of_waiting[i] - float(c_ref)) <= 1e-12
        assert abs(ours.service_level[i] - float(sl_ref)) <= 1e-12


def test_erlang_b_stays_exact_deep_in_overload() -> None:
    # 20,000 Erlangs on 2,000 or 15,000 agents: the incomplete gamma underflows, the
    # continued fraction takes over; compare with the 50-digit recurrence.
    for n in (30, 2000, 15000):
        with mp.workdps(50):
            b = mp.mpf(1)
            for k in range(1, n + 1):
                b = 20000 * b / (k + 20000 * b)
        assert abs(float(erlang_b(20000.0, n)) - float(b)) <= 1e-13


GRID_A = [(10.0, 14, 300.0, 20.0), (2.0, 2, 60.0, 30.0), (30.0, 28, 120.0, 20.0), (5.0, 9, 30.0, 10.0),
          (0.5, 1, 600.0, 60.0)]


@pytest.mark.parametrize(("load", "agents", "patience", "within"), GRID_A)
def test_erlang_a_matches_state_by_state_mpmath_sum(load: float, agents: int, patience: float, within: float) -> None:
    ours = erlang_a_metrics(load, agents, 180.0, patience, within)
    ref = erlang_a_reference(load, agents, 180.0, patience, within)
    for name in ("probability_of_waiting", "service_level", "abandonment"):
        assert abs(float(getattr(ours, name)) - float(ref[name])) <= 1e-12, name
    # ASA of answered callers goes through a numerical derivative: ~1e-9 relative
    assert float(ours.asa_seconds) == pytest.approx(float(ref["asa_seconds"]), rel=1e-8)


def test_overload_gives_defined_answers() -> None:
    c = erlang_c_metrics(20.0, [0, 10, 20], 180.0, 20.0)
    assert c.service_level.tolist() == [0.0, 0.0, 0.0]
    assert c.probability_of_waiting.tolist() == [1.0, 1.0, 1.0]
    assert np.isinf(c.asa_seconds).all() and (c.occupancy == 1.0).all()
    a = erlang_a_metrics(200.0, [0, 50, 150], 180.0, 120.0, 20.0)
    assert ((a.service_level >= 0) & (a.service_level <= 1)).all()
    assert ((a.abandonment >= 0) & (a.abandonment <= 1)).all()
    assert (a.asa_seconds[1:] >= 0).all() and math.isnan(a.asa_seconds[0])
    assert a.abandonment[0] == 1.0 and a.mean_wait_seconds[0] == 120.0
    # with 50 agents for 200 Erlangs, at most 50/200 of callers can be served
    assert a.abandonment[1] == pytest.approx(0.75, abs=0.01)


def test_no_load_means_no_wait() -> None:
    for m in (erlang_c_metrics(0.0, 3, 180.0, 20.0), erlang_a_metrics(0.0, 3, 180.0, 60.0, 20.0)):
        assert float(m.service_level) == 1.0 and float(m.asa_seconds) == 0.0 and float(m.occupancy) == 0.0


def test_erlang_a_with_infinite_patience_is_erlang_c() -> None:
    a = erlang_a_metrics(10.0, [12, 14], 180.0, np.inf, 20.0)
    c = erlang_c_metrics(10.0, [12, 14], 180.0, 20.0)
    assert a.service_level.tolist() == c.service_level.tolist()


def test_service_level_conventions_order_as_expected() -> None:
    kw = {"short_abandon_seconds": 5.0}
    offered = erlang_a_metrics(30.0, 28, 180.0, 120.0, 20.0)
    answered = erlang_a_metrics(30.0, 28, 180.0, 120.0, 20.0, convention="answered")
    short = erlang_a_metrics(30.0, 28, 180.0, 120.0, 20.0, convention="excluding_short_abandons", **kw)
    assert float(offered.service_level) < float(short.service_level) < float(answered.service_level)
    assert float(answered.service_level) == pytest.approx(
        float(offered.service_level) / (1 - float(offered.abandonment)), rel=1e-14
    )


@settings(max_examples=60, deadline=None)
@given(
    load=st.floats(0.05, 3000.0),
    aht=st.floats(10.0, 900.0),
    within=st.floats(0.0, 120.0),
    patience=st.floats(5.0, 3600.0),
)
def test_more_agents_never_lower_service(load: float, aht: float, within: float, patience: float) -> None:
    agents = np.arange(max(0, math.floor(load) - 20), math.floor(load) + 60)
    c = erlang_c_metrics(load, agents, aht, within).service_level
    a = erlang_a_metrics(load, agents, aht, patience, within).service_level
    # deep in overload both are ~0 and carry ~1e-13 of rounding: monotone to 1e-12
    assert (np.diff(c) >= -1e-12).all()
    assert (np.diff(a) >= -1e-12).all()
    assert ((a >= 0) & (a <= 1)).all()


@settings(max_examples=40, deadline=None)
@given(load=st.floats(0.1, 500.0), extra=st.integers(1, 30), patience=st.floats(5.0, 3600.0))
def test_littles_law_holds(load: float, extra: int, patience: float) -> None:
    n = math.floor(load) + extra
    a = erlang_a_metrics(load, n, 200.0, patience, 20.0)
    calls_per_second = load / 200.0
    assert float(a.queue_length) == pytest.approx(calls_per_second * float(a.mean_wait_seconds), rel=1e-12)
    # served callers keep agents busy: carried load = n × occupancy = a × (1 − abandonment)
    assert n * float(a.occupancy) == pytest.approx(load * (1 - float(a.abandonment)), rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(load=st.floats(0.1, 1000.0), extra=st.integers(2, 40))
def test_erlang_a_tends_to_erlang_c_as_patience_grows(load: float, extra: int) -> None:
    n = math.floor(load) + extra
    c = float(erlang_c_metrics(load, n, 180.0, 20.0).service_level)
    gaps = [abs(float(erlang_a_metrics(load, n, 180.0, p, 20.0).service_level) - c) for p in (1e3, 1e5, 1e7, 1e8)]
    assert gaps[3] <= gaps[2] + 1e-12 <= gaps[1] + 2e-12 <= gaps[0] + 3e-12
    # the gap shrinks like 1/patience once n − a > 1 (closer to saturation it takes longer to set in)
    assert gaps[3] <= 0.3 * gaps[2] + 1e-11


@pytest.mark.parametrize(
    ("call", "argument", "code"),
    [
        (lambda: erlang_c_metrics(-1.0, 3, 180.0, 20.0), "load", "negative_value"),
        (lambda: erlang_c_metrics(1.0, 3, 0.0, 20.0), "aht_seconds", "zero_value"),
        (lambda: erlang_c_metrics(float("nan"), 3, 180.0, 20.0), "load", "not_a_number"),
        (lambda: erlang_c(1.0, [3, -1]), "agents", "negative_value"),
        (lambda: erlang_a_metrics(1.0, 3, 180.0, 0.0, 20.0), "patience_seconds", "zero_value"),
        (lambda: erlang_a_metrics(1.0, 3, 180.0, 60.0, 20.0, convention="x"), "convention", "unknown_convention"),
    ],
)
def test_bad_input_names_the_argument(call, argument: str, code: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkforceInputError) as caught:
        call()
    assert (caught.value.argument, caught.value.code) == (argument, code)
