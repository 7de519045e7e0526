"""Erlang B for whole numbers of agents by its recurrence (issue 17: ``charte staff`` under half a second, which
SciPy's import alone used to take): the same values as the 50-digit sum and as the incomplete-gamma path, and
``charte staff`` on an everyday queue imports no SciPy."""

from __future__ import annotations

import json
import subprocess
import sys

import mpmath as mp
import numpy as np
import pytest

from charte.workforce import erlang
from charte.workforce.erlang import RECURRENCE_AGENTS, erlang_b, log_erlang_b_unchecked


def b_by_sum(load: float, agents: int) -> float:
    """B(n, a) = (aⁿ/n!) / Σₖ₌₀ⁿ aᵏ/k!, summed with 60 digits."""
    with mp.workdps(60):
        a = mp.mpf(load)
        terms = [mp.mpf(1)]
        for k in range(1, agents + 1):
            terms.append(terms[-1] * a / k)
        return float(terms[-1] / mp.fsum(terms))


@pytest.mark.parametrize(("load", "agents"), [(0.01, 1), (0.5, 3), (18.67, 19), (18.67, 27), (87.3, 120),
                                              (500.0, 480), (500.0, 560), (1500.0, RECURRENCE_AGENTS),
                                              (3.0, 200)])
def test_the_recurrence_matches_the_sum_with_sixty_digits(load: float, agents: int) -> None:
    expected = b_by_sum(load, agents)
    got = float(erlang_b(load, agents))
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_a_probability_too_small_for_a_float_keeps_its_logarithm() -> None:
    # a = 0.1, n = 300: B = 0.1³⁰⁰/300! / (Σ …) — below 1e-300 by far; its log is still finite and exact
    with mp.workdps(60):
        a = mp.mpf("0.1")
        log_b = float(300 * mp.log(a) - mp.loggamma(301) - mp.log(mp.fsum(a**k / mp.factorial(k) for k in range(301))))
    got = float(log_erlang_b_unchecked(np.array([300.0]), np.array([0.1]))[0])
    assert got == pytest.approx(log_b, rel=1e-13)


def test_the_recurrence_and_the_incomplete_gamma_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """The recurrence serves a few queues, the incomplete gamma a month of intervals: both give the same B."""
    loads = np.array([0.3, 5.0, 18.67, 87.3, 400.0, 1200.0])
    agents = np.array([2.0, 9.0, 25.0, 101.0, 430.0, 1260.0])
    monkeypatch.setattr(erlang, "RECURRENCE_STEPS", 10**9)
    by_recurrence = log_erlang_b_unchecked(agents, loads)
    monkeypatch.setattr(erlang, "RECURRENCE_AGENTS", 0)
    by_gamma = log_erlang_b_unchecked(agents, loads)
    assert np.exp(by_recurrence) == pytest.approx(np.exp(by_gamma), rel=1e-12)


def test_charte_staff_on_an_everyday_queue_imports_no_scipy() -> None:
    script = ("import sys\nfrom charte.cli import main\ntry:\n    main(['staff', '--calls', '120', '--per', '30min', "
              "'--aht', '280s', '--target', '80/20'])\nexcept SystemExit:\n    pass\n"
              "import json\nprint(json.dumps(sorted(m for m in sys.modules if m.startswith('scipy'))))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
