"""Erlang A (M/M/n+M, Palm 1943): callers hang up after an exponential patience.

Rates: arrivals λ, service μ = 1/AHT, patience θ = 1/mean patience; load a = λ/μ; write
K = nμ/θ and y = λ/θ. The birth–death chain gives, with E = Erlang B(n, a) and
S = Σⱼ yʲ/((K+1)…(K+j)) = K·G(K, y) (G of :mod:`charte.workforce.poisson_terms`):

* π = probability all n agents are busy and nobody waits = E / (1 + (S − 1)·E);
* P(wait > 0) = π·S;
* P(abandon) = π·(S·(1 − K/y) + K/y) (θ·L_q/λ, Little's law), L_q = y·P(abandon),
  mean wait of all offered callers = P(abandon)/θ;
* a caller finding j others waiting is answered within t with probability
  K/(K+j+1)·I_x(j+1, K+1), x = 1 − e^{−θt} (I the regularised incomplete beta). Summed over
  the stationary queue this is closed form: answered within t after waiting =
  π·K·[G(K+1, y) − e^{−(K+1)θt}·e^{y(1−e^{−θt})}·G(K+1, y·e^{−θt})].

Service level conventions (the ``convention`` argument): ``"offered"`` (default) = answered
within t ÷ offered; ``"answered"`` = answered within t ÷ answered; ``"excluding_short_abandons"``
= answered within t ÷ (offered − callers who hung up within ``short_abandon_seconds``).
References: Mandelbaum & Zeltyn, *The M/M/n+G queue: summary of performance measures* (2005);
Garnett, Mandelbaum & Reiman (2002). An infinite patience gives Erlang C exactly; 0 agents
give: every caller waits and hangs up (service level 0, ASA NaN: nobody is answered).
A load below 1e-300 Erlangs (a subnormal float) is taken as no load.
The ASA of answered callers uses a central difference in K (relative error ~1e-9).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from charte.workforce.erlang import (
    QueueMetrics,
    _broadcast,
    _metrics_from_c,
    erlang_c_from_b,
    log_erlang_b_unchecked,
)
from charte.workforce.poisson_terms import log_scaled_lower_gamma
from charte.workforce.validation import FloatArray, WorkforceInputError, agent_numbers, non_negative, positive

Convention = Literal["offered", "answered", "excluding_short_abandons"]
NEGLIGIBLE_LOAD = 1e-300  # Erlangs; below it (subnormal floats) the load is taken as none
CONVENTIONS: tuple[str, ...] = ("offered", "answered", "excluding_short_abandons")


@dataclass(frozen=True)
class _Chain:
    """The stationary chain of the general case (n > 0, a > 0, finite patience), flat arrays."""

    a: FloatArray
    n: FloatArray
    k: FloatArray
    y: FloatArray
    patience: FloatArray
    log_pi: FloatArray
    log_s: FloatArray
    log_rest: FloatArray

    @classmethod
    def build(cls, a: FloatArray, n: FloatArray, h: FloatArray, patience: FloatArray) -> _Chain:
        k = n * patience / h
        y = a * patience / h
        log_e = log_erlang_b_unchecked(n, a)
        log_s = np.maximum(np.log(k) + log_scaled_lower_gamma(k, y), 0.0)  # S ≥ 1
        with np.errstate(divide="ignore"):
            log_rest = -log_e + np.log(-np.expm1(log_e))  # log(1/E − 1), E may underflow
        log_pi = -np.logaddexp(log_rest, log_s)
        return cls(a, n, k, y, patience, log_pi, log_s, log_rest)

    def waiting(self) -> FloatArray:
        return np.minimum(np.exp(self.log_pi + self.log_s), 1.0)

    def abandoning(self) -> FloatArray:
        ratio = self.k / self.y
        value = self.waiting() * (1.0 - ratio) + np.exp(self.log_pi) * ratio
        return np.clip(value, 0.0, 1.0)

    def not_waiting(self) -> FloatArray:
        """1 − P(wait > 0) = π·(1/E − 1), without the cancellation of 1 − π·S.

        When E underflows (a vanishing load), 1/E − 1 is infinite and π is 0: then 1 − π·S.
        """
        with np.errstate(invalid="ignore"):
            value = np.exp(self.log_pi + self.log_rest)
        return np.minimum(np.where(np.isinf(self.log_rest), 1.0 - self.waiting(), value), 1.0)

    def answered_within(self, t: FloatArray) -> FloatArray:
        """Share of offered callers answered within t seconds (waiting 0 included)."""
        return np.clip(self.not_waiting() + self.answered_after_waiting(t), 0.0, 1.0)

    def answered_after_waiting(self, t: FloatArray) -> FloatArray:
        """Share of offered callers who waited, then were answered within t seconds.

        G(K+1, y) comes from G(K, y) by the recurrence G(K+1, y) = (K·G(K, y) − 1)/y = (S − 1)/y
        (one incomplete gamma fewer); its rounding is relative to S, so the absolute error of
        the result stays below ε·P(wait)·n/a.
        """
        theta_t = t / self.patience
        with np.errstate(divide="ignore"):
            log_g1 = self.log_s + np.log(-np.expm1(-self.log_s)) - np.log(self.y)  # log((S − 1)/y), S may overflow
        log_g1t = log_scaled_lower_gamma(self.k + 1.0, self.y * np.exp(-theta_t))
        log_r = log_g1t - log_g1 - (self.k + 1.0) * theta_t - self.y * np.expm1(-theta_t)
        share = np.exp(self.log_pi + np.log(self.k) + log_g1) * -np.expm1(np.minimum(log_r, 0.0))
        return np.where(self.log_s > 0, share, 0.0)

    def abandoned_within(self, s: FloatArray) -> FloatArray:
        """Share of offered callers who hang up within s seconds of arriving."""
        theta_s = s / self.patience
        log_tail = (
            self.log_pi + np.log(self.k) - theta_s * self.k - self.y * np.expm1(-theta_s)
            + log_scaled_lower_gamma(self.k, self.y * np.exp(-theta_s))
        )
        # P(hang up ≤ s) = P(wait > 0) − P(answered within s after waiting) − e^{−θs}·P(virtual wait > s)
        value = self.waiting() - self.answered_after_waiting(s) - np.exp(log_tail - theta_s)
        return np.clip(value, 0.0, 1.0)

    def asa_answered(self) -> FloatArray:
        """Mean wait of answered callers: −(π·K/θ)·∂G(K+1, y)/∂K ÷ P(answered)."""
        step = 1e-5 * (1.0 + self.k)
        up = log_scaled_lower_gamma(self.k + 1.0 + step, self.y)
        down = log_scaled_lower_gamma(self.k + 1.0 - step, self.y)
        centre = log_scaled_lower_gamma(self.k + 1.0, self.y)
        slope = (up - down) / (2.0 * step)
        weighted = -np.exp(self.log_pi + np.log(self.k) + centre) * slope * self.patience
        answered = 1.0 - self.abandoning()
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(answered > 0, np.maximum(weighted, 0.0) / answered, np.nan)


def _check_convention(convention: str, short_abandon_seconds: ArrayLike | None) -> None:
    if convention not in CONVENTIONS:
        raise WorkforceInputError(
            "unknown_convention", "convention", f"must be one of {', '.join(CONVENTIONS)}; found {convention!r}"
        )
    if convention == "excluding_short_abandons" and short_abandon_seconds is None:
        raise WorkforceInputError(
            "missing_value", "short_abandon_seconds", "is needed with convention 'excluding_short_abandons'"
        )


def erlang_a_metrics(
    load: ArrayLike,
    agents: ArrayLike,
    aht_seconds: ArrayLike,
    patience_seconds: ArrayLike,
    answer_within_seconds: ArrayLike,
    *,
    convention: Convention = "offered",
    short_abandon_seconds: ArrayLike | None = None,
) -> QueueMetrics:
    """Every Erlang A figure at once (formulas in the module docstring), broadcast over inputs.

    ``patience_seconds`` is the mean patience; ``inf`` gives Erlang C for that element.
    """
    _check_convention(convention, short_abandon_seconds)
    short = non_negative(0.0 if short_abandon_seconds is None else short_abandon_seconds, "short_abandon_seconds")
    shape, (a, n, h, p, t, s) = _broadcast(
        non_negative(load, "load"),
        agent_numbers(agents, "agents", integral=False),
        positive(aht_seconds, "aht_seconds"),
        positive(patience_seconds, "patience_seconds", allow_inf=True),
        non_negative(answer_within_seconds, "answer_within_seconds"),
        short,
    )
    size = a.size
    out = {name: np.empty(size) for name in QueueMetrics.__dataclass_fields__}
    patient = np.isinf(p)
    if patient.any():
        ap, np_, hp = a[patient], n[patient], h[patient]
        c = erlang_c_from_b(np_, ap, np.exp(log_erlang_b_unchecked(np_, ap)))
        metrics = _metrics_from_c(ap, np_, hp, t[patient], c, (int(patient.sum()),))
        for name, column in out.items():
            column[patient] = getattr(metrics, name)
    idle = (a < NEGLIGIBLE_LOAD) & ~patient
    for name, value in (("probability_of_waiting", 0.0), ("service_level", 1.0), ("mean_wait_seconds", 0.0),
                        ("asa_seconds", 0.0), ("abandonment", 0.0), ("occupancy", 0.0), ("queue_length", 0.0)):
        out[name][idle] = value
    closed = (n == 0) & (a >= NEGLIGIBLE_LOAD) & ~patient
    for name, value in (("probability_of_waiting", 1.0), ("service_level", 0.0), ("asa_seconds", np.nan),
                        ("abandonment", 1.0), ("occupancy", 1.0)):
        out[name][closed] = value
    out["mean_wait_seconds"][closed] = p[closed]
    out["queue_length"][closed] = a[closed] * p[closed] / h[closed]
    general = ~patient & ~idle & ~closed
    if general.any():
        _fill_general(out, general, a, n, h, p, t, s, convention)
    return QueueMetrics(**{name: value.reshape(shape) for name, value in out.items()})


def _fill_general(
    out: dict[str, FloatArray],
    mask: np.ndarray,
    a: FloatArray, n: FloatArray, h: FloatArray, p: FloatArray, t: FloatArray, s: FloatArray,
    convention: str,
) -> None:
    chain = _Chain.build(a[mask], n[mask], h[mask], p[mask])
    abandon = chain.abandoning()
    within = chain.answered_within(t[mask])
    if convention == "answered":
        within = within / (1.0 - abandon)
    elif convention == "excluding_short_abandons":
        within = within / (1.0 - chain.abandoned_within(s[mask]))
    out["probability_of_waiting"][mask] = chain.waiting()
    out["service_level"][mask] = np.clip(within, 0.0, 1.0)
    out["abandonment"][mask] = abandon
    out["mean_wait_seconds"][mask] = abandon * chain.patience
    out["asa_seconds"][mask] = chain.asa_answered()
    out["occupancy"][mask] = np.minimum(chain.a * (1.0 - abandon) / chain.n, 1.0)
    out["queue_length"][mask] = abandon * chain.y


def erlang_a_service_level_unchecked(
    a: FloatArray, n: FloatArray, h: FloatArray, p: FloatArray, t: FloatArray
) -> FloatArray:
    """Service level (answered within t ÷ offered) on checked flat arrays, finite patience."""
    out = np.ones(a.shape, dtype=np.float64)
    out[(n == 0) & (a >= NEGLIGIBLE_LOAD)] = 0.0
    general = (n > 0) & (a >= NEGLIGIBLE_LOAD)
    if general.any():
        chain = _Chain.build(a[general], n[general], h[general], p[general])
        out[general] = chain.answered_within(t[general])
    return out


def erlang_a_abandonment_unchecked(a: FloatArray, n: FloatArray, h: FloatArray, p: FloatArray) -> FloatArray:
    """P(abandon) on checked flat arrays, finite patience."""
    out = np.zeros(a.shape, dtype=np.float64)
    out[(n == 0) & (a >= NEGLIGIBLE_LOAD)] = 1.0
    general = (n > 0) & (a >= NEGLIGIBLE_LOAD)
    if general.any():
        out[general] = _Chain.build(a[general], n[general], h[general], p[general]).abandoning()
    return out
