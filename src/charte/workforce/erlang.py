"""Erlang B and Erlang C (M/M/n): blocking, probability of waiting, service level, ASA.

Notation: offered load ``a`` = calls × AHT / period (Erlangs), ``n`` agents (a real n ≥ 0 is
accepted: the continuous extension through the incomplete gamma function, Jagerman 1974).

* Erlang B: B(n, a) = (aⁿ/n!) / Σₖ₌₀ⁿ aᵏ/k! = aⁿe⁻ᵃ/Γ(n+1, a). For a few queues with whole numbers
  of agents up to :data:`RECURRENCE_AGENTS`, by the recurrence 1/B(k) = 1 + (k/a)·1/B(k−1) from B(0) = 1 (from
  Γ(s+1, a) = s·Γ(s, a) + aˢe⁻ᵃ; the textbook forward recurrence, each step a sum of positive terms,
  hence stable), carried in log space so that no term overflows or underflows; otherwise in log space
  as the Poisson term over the regularised upper incomplete gamma Q(n+1, a) (SciPy, imported only
  then); no factorial, stable from 0.01 to beyond 20,000 Erlangs
  (:mod:`charte.workforce.poisson_terms`). The recurrence keeps ``charte staff`` free of SciPy's
  import (a third of a second) for every everyday queue.
* Erlang C: P(wait > 0) = n·B / (n − a + a·B) for n > a (A. K. Erlang 1917; Cooper,
  *Introduction to Queueing Theory*, §2.5).
* Service level (answered within t over offered): SL(t) = 1 − C·e^{−(n−a)·t/AHT};
  ASA = C·AHT/(n − a); mean queue length L_q = C·a/(n − a); occupancy = a/n.

Overload (n ≤ a, no steady state): P(wait) = 1, service level 0, ASA and queue length
``inf``, occupancy 1 — a defined answer, never a negative ASA or a probability above 1.
No load (a = 0): nobody waits, service level 1, occupancy 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from charte.workforce.poisson_terms import legendre_fraction, log_poisson_term
from charte.workforce.validation import FloatArray, agent_numbers, non_negative, positive

_TINY = 1e-280


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state figures of one queue, element by element over the inputs' broadcast shape.

    ``service_level``: answered within the threshold over offered (see the Erlang A module for
    the other denominators); ``mean_wait_seconds``: mean wait of every offered caller,
    abandoners included (until they hang up); ``asa_seconds``: mean wait of answered callers
    (NaN only when no caller is answered); ``abandonment``: share of offered callers who hang
    up (0 in Erlang C); ``occupancy``: carried load over agents; ``queue_length``: mean number
    of callers waiting.
    """

    probability_of_waiting: FloatArray
    service_level: FloatArray
    mean_wait_seconds: FloatArray
    asa_seconds: FloatArray
    abandonment: FloatArray
    occupancy: FloatArray
    queue_length: FloatArray


def offered_load(calls: ArrayLike, period_seconds: ArrayLike, aht_seconds: ArrayLike) -> FloatArray:
    """Offered load in Erlangs: calls × AHT / period length."""
    c = non_negative(calls, "calls")
    p = positive(period_seconds, "period_seconds")
    h = positive(aht_seconds, "aht_seconds")
    return np.asarray(c * h / p, dtype=np.float64)


#: Whole numbers of agents up to this many go through the recurrence (one vector step per agent), when the
#: batch is small enough (:data:`RECURRENCE_STEPS`: agents × queues) for the recurrence to beat importing SciPy;
#: larger, fractional or bulk ones (a month of intervals) through the incomplete gamma.
RECURRENCE_AGENTS = 2_000
RECURRENCE_STEPS = 50_000


def log_erlang_b_unchecked(n: FloatArray, a: FloatArray) -> FloatArray:
    """log B(n, a) on flat float arrays already checked (n ≥ 0, a ≥ 0)."""
    out = np.zeros(n.shape, dtype=np.float64)
    general = (n > 0) & (a > 0)
    out[(n > 0) & (a == 0)] = -np.inf
    ng, ag = n[general], a[general]
    if (ng.size and ng.max() <= RECURRENCE_AGENTS and ng.max() * ng.size <= RECURRENCE_STEPS
            and bool((ng == np.floor(ng)).all())):
        out[general] = np.minimum(-_log_inverse_b(ng, ag), 0.0)
        return out
    from scipy import special  # only for thousands of agents or fractional ones (slow to import)

    q = special.gammaincc(ng + 1.0, ag)
    res = np.empty(ng.shape, dtype=np.float64)
    regular = q >= _TINY
    res[regular] = log_poisson_term(ng[regular], ag[regular]) - np.log(q[regular])
    tail = ~regular
    if tail.any():
        res[tail] = np.log(legendre_fraction(ng[tail] + 1.0, ag[tail]) / ag[tail])
    out[general] = np.minimum(res, 0.0)
    return out


def _log_inverse_b(n: FloatArray, a: FloatArray) -> FloatArray:
    """log(1/B(n, a)) for whole n ≥ 1 and a > 0: log r(k) = log(1 + (k/a)·r(k−1)), r(0) = 1, up to each n."""
    log_r = np.zeros(n.shape, dtype=np.float64)
    log_a = np.log(a)
    for k in range(1, int(n.max()) + 1):
        step = np.logaddexp(0.0, math.log(k) - log_a + log_r)
        log_r = np.where(n >= k, step, log_r)
    return log_r


def erlang_c_from_b(n: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """P(wait > 0) from Erlang B: n·B/(n − a + a·B) when n > a; 1 under overload; 0 without load."""
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(n > a, n * b / (n - a + a * b), 1.0)
    return np.where(a == 0, 0.0, np.clip(c, 0.0, 1.0))


def _broadcast(*arrays: FloatArray) -> tuple[tuple[int, ...], list[FloatArray]]:
    shaped = np.broadcast_arrays(*arrays)
    return shaped[0].shape, [np.ascontiguousarray(x, dtype=np.float64).ravel() for x in shaped]


def erlang_b(load: ArrayLike, agents: ArrayLike) -> FloatArray:
    """Erlang B blocking probability B(n, a) (lost-calls-cleared, M/M/n/n)."""
    shape, (a, n) = _broadcast(non_negative(load, "load"), agent_numbers(agents, "agents", integral=False))
    return np.exp(log_erlang_b_unchecked(n, a)).reshape(shape)


def erlang_c(load: ArrayLike, agents: ArrayLike) -> FloatArray:
    """Erlang C probability that a caller waits, P(wait > 0), M/M/n."""
    shape, (a, n) = _broadcast(non_negative(load, "load"), agent_numbers(agents, "agents", integral=False))
    b = np.exp(log_erlang_b_unchecked(n, a))
    return erlang_c_from_b(n, a, b).reshape(shape)


def erlang_c_metrics(
    load: ArrayLike, agents: ArrayLike, aht_seconds: ArrayLike, answer_within_seconds: ArrayLike
) -> QueueMetrics:
    """Every Erlang C figure at once (formulas in the module docstring), broadcast over inputs."""
    shape, (a, n, h, t) = _broadcast(
        non_negative(load, "load"),
        agent_numbers(agents, "agents", integral=False),
        positive(aht_seconds, "aht_seconds"),
        non_negative(answer_within_seconds, "answer_within_seconds"),
    )
    c = erlang_c_from_b(n, a, np.exp(log_erlang_b_unchecked(n, a)))
    return _metrics_from_c(a, n, h, t, c, shape)


def _metrics_from_c(
    a: FloatArray, n: FloatArray, h: FloatArray, t: FloatArray, c: FloatArray, shape: tuple[int, ...]
) -> QueueMetrics:
    stable = n > a
    idle = a == 0
    gap = np.where(stable, n - a, 1.0)
    service_level = np.where(stable, 1.0 - c * np.exp(-gap * t / h), 0.0)
    asa = np.where(stable, c * h / gap, np.inf)
    queue = np.where(stable, c * a / gap, np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        occupancy = np.where(n > 0, np.minimum(a / n, 1.0), 1.0)
    service_level = np.where(idle, 1.0, np.clip(service_level, 0.0, 1.0))
    asa = np.where(idle, 0.0, asa)
    queue = np.where(idle, 0.0, queue)
    occupancy = np.where(idle, 0.0, occupancy)
    zero = np.zeros_like(a)
    return QueueMetrics(
        probability_of_waiting=c.reshape(shape),
        service_level=service_level.reshape(shape),
        mean_wait_seconds=asa.reshape(shape),
        asa_seconds=asa.copy().reshape(shape),
        abandonment=zero.reshape(shape),
        occupancy=occupancy.reshape(shape),
        queue_length=queue.reshape(shape),
    )
