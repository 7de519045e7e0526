"""Log-space building blocks shared by Erlang B, C and A: no factorial, no overflow.

* ``log_poisson_term(n, a)`` = log(aⁿ e⁻ᵃ / Γ(n+1)) for real n ≥ 0, by Loader's saddle-point
  form (C. Loader, *Fast and accurate computation of binomial probabilities*, 2000):
  −½·log(2πn) − stirlerr(n) − bd0(n, a). Computing n·log a − a − lnΓ(n+1) directly loses
  ~1e-11 relative at 20,000 Erlangs (two numbers near 2·10⁵ cancel); this form keeps ~1e-15.
* ``log_upper_regularised(s, x)`` = log Q(s, x) and ``log_scaled_lower_gamma(s, x)`` =
  log G(s, x) with G(s, x) = Σⱼ xʲ/(s(s+1)…(s+j)) = γ(s, x)·x⁻ˢ·eˣ, the Kummer series
  ₁F₁(1; s+1; x)/s that Erlang A is written in. Both use ``scipy.special.gammainc[c]`` and
  fall back, where those underflow, to a continued fraction (Q) or the series itself (G).
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
from scipy import special

from charte.workforce.validation import FloatArray

_HALF_LOG_2PI: Final = 0.5 * math.log(2.0 * math.pi)
_TINY: Final = 1e-280
_STIRLING_SMALL: Final = 15.0


def _stirlerr(n: FloatArray) -> FloatArray:
    """log Γ(n+1) − (n+½)·log n + n − ½·log 2π, the Stirling remainder (small, for n > 0)."""
    out = np.empty_like(n)
    small = n <= _STIRLING_SMALL
    ns = n[small]
    out[small] = special.gammaln(ns + 1.0) - (ns + 0.5) * np.log(ns) + ns - _HALF_LOG_2PI
    nl = n[~small]
    n2 = nl * nl
    out[~small] = (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - (1.0 / 1680.0 - 1.0 / (1188.0 * n2)) / n2) / n2) / n2) / nl
    return out


def _bd0(x: FloatArray, m: FloatArray) -> FloatArray:
    """x·log(x/m) + m − x without cancellation (Loader's deviance term), x > 0, m > 0."""
    out = np.empty_like(x)
    d = x - m
    near = np.abs(d) < 0.1 * (x + m)
    xn, dn = x[near], d[near]
    v = dn / (x[near] + m[near])
    total = dn * v
    ej = 2.0 * xn * v
    v2 = v * v
    for j in range(1, 40):
        ej = ej * v2
        total = total + ej / (2 * j + 1)
    out[near] = total
    xf, mf = x[~near], m[~near]
    out[~near] = xf * np.log(xf / mf) + mf - xf
    return out


def log_poisson_term(n: FloatArray, a: FloatArray) -> FloatArray:
    """log(aⁿ·e⁻ᵃ/Γ(n+1)) for real n ≥ 0 and a > 0 (the Poisson probability of n, extended)."""
    n, a = np.broadcast_arrays(np.asarray(n, dtype=np.float64), np.asarray(a, dtype=np.float64))
    out = np.empty(n.shape, dtype=np.float64)
    low = n < 1.0
    nl, al = n[low], a[low]
    out[low] = special.xlogy(nl, al) - al - special.gammaln(nl + 1.0)
    nh, ah = n[~low], a[~low]
    out[~low] = -_HALF_LOG_2PI - 0.5 * np.log(nh) - _stirlerr(nh) - _bd0(nh, ah)
    return out


def log_upper_regularised(s: FloatArray, x: FloatArray) -> FloatArray:
    """log Q(s, x), Q the regularised upper incomplete gamma, s > 0, x > 0.

    Where Q < 1e-280 (x far above s) the Legendre continued fraction
    Γ(s, x) = e⁻ˣ·xˢ / (x+1−s − 1·(1−s)/(x+3−s − 2·(2−s)/(x+5−s − …))) is used instead,
    evaluated backwards at a depth that converges there (checked against mpmath in tests).
    """
    s, x = np.broadcast_arrays(np.asarray(s, dtype=np.float64), np.asarray(x, dtype=np.float64))
    q = special.gammaincc(s, x)
    with np.errstate(divide="ignore"):
        out = np.log(q)
    tail = q < _TINY
    if tail.any():
        st, xt = s[tail], x[tail]
        # Γ(s, x) = e⁻ˣ·xˢ/frac, so log Q = log_poisson_term(s, x) + log s − log x − log(frac/x)
        out[tail] = log_poisson_term(st, xt) + np.log(st) - np.log(xt) - np.log(legendre_fraction(st, xt) / xt)
    return out


def legendre_fraction(s: FloatArray, x: FloatArray) -> FloatArray:
    """frac = x+1−s − 1·(1−s)/(x+3−s − 2·(2−s)/(x+5−s − …)), so that Γ(s, x) = e⁻ˣ·xˢ/frac.

    Evaluated backwards at depth 200; used only where x is far above s (Q < 1e-280), where it
    converges within a few dozen levels (Legendre's continued fraction, DLMF 8.9.2).
    """
    frac = x + 2.0 * 200 + 1.0 - s
    for i in range(200, 0, -1):
        frac = (x + 2.0 * (i - 1) + 1.0 - s) - i * (i - s) / frac
    return frac


def log_scaled_lower_gamma(s: FloatArray, x: FloatArray) -> FloatArray:
    """log G(s, x), G(s, x) = Σⱼ≥₀ xʲ·Γ(s)/Γ(s+j+1) = γ(s, x)·x⁻ˢ·eˣ, for s > 0, x ≥ 0.

    G = P(s, x) / (s · poisson_term(s, x)); where P underflows (x far below s) the series is
    summed directly (its ratio x/(s+j) is then well below 1).
    """
    s, x = np.broadcast_arrays(np.asarray(s, dtype=np.float64), np.asarray(x, dtype=np.float64))
    out = np.empty(s.shape, dtype=np.float64)
    zero = x == 0
    out[zero] = -np.log(s[zero])
    p = special.gammainc(s, x)
    series = (p < _TINY) & ~zero
    regular = ~series & ~zero
    out[regular] = np.log(p[regular]) - np.log(s[regular]) - log_poisson_term(s[regular], x[regular])
    if series.any():
        out[series] = _series_log_g(s[series], x[series])
    return out


def _series_log_g(s: FloatArray, x: FloatArray) -> FloatArray:
    term = 1.0 / s
    total = term.copy()
    active = np.ones(s.shape, dtype=bool)
    j = 0
    while active.any():
        j += 1
        term = np.where(active, term * x / (s + j), 0.0)
        total = total + term
        active = term > total * 1e-17
    return np.log(total)
