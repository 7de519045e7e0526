"""Log-space building blocks shared by Erlang B, C and A: no factorial, no overflow.

* ``log_poisson_term(n, a)`` = log(aⁿ e⁻ᵃ / Γ(n+1)) for real n ≥ 0, by Loader's saddle-point
  form (C. Loader, *Fast and accurate computation of binomial probabilities*, 2000):
  −½·log(2πn) − stirlerr(n) − bd0(n, a). Computing n·log a − a − lnΓ(n+1) directly loses
  ~1e-11 relative at 20,000 Erlangs (two numbers near 2·10⁵ cancel); this form keeps ~1e-15.
* ``legendre_fraction(s, x)``: Γ(s, x) = e⁻ˣ·xˢ/frac, for Erlang B where the regularised
  upper incomplete gamma Q(n+1, a) underflows (a far above n);
* ``log_scaled_lower_gamma(s, x)`` = log G(s, x) with G(s, x) = Σⱼ xʲ/(s(s+1)…(s+j)) =
  γ(s, x)·x⁻ˢ·eˣ, the Kummer series ₁F₁(1; s+1; x)/s that Erlang A is written in:
  ``scipy.special.gammainc`` where it is accurate, Gauss–Laguerre quadrature elsewhere.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from charte.workforce.validation import FloatArray

_HALF_LOG_2PI: Final = 0.5 * math.log(2.0 * math.pi)
_TINY: Final = 1e-280
_STIRLING_SMALL: Final = 15.0


def _stirlerr(n: FloatArray) -> FloatArray:
    """log Γ(n+1) − (n+½)·log n + n − ½·log 2π, the Stirling remainder (small, for n > 0)."""
    from scipy import special  # imported when used: ``charte staff`` never needs it for everyday queues

    out = np.empty_like(n)
    small = n <= _STIRLING_SMALL
    ns = n[small]
    out[small] = special.gammaln(ns + 1.0) - (ns + 0.5) * np.log(ns) + ns - _HALF_LOG_2PI
    nl = n[~small]
    n2 = nl * nl
    series = 1.0 / 1680.0 - 1.0 / (1188.0 * n2)
    out[~small] = (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - series / n2) / n2) / n2) / nl
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
    for j in range(1, 11):  # |v| < 0.1: v²⁰ < 1e-20, the rest is below rounding
        ej = ej * v2
        total = total + ej / (2 * j + 1)
    out[near] = total
    xf, mf = x[~near], m[~near]
    with np.errstate(over="ignore", divide="ignore"):  # a subnormal load: the term is +inf, B is 0
        out[~near] = xf * np.log(xf / mf) + mf - xf
    return out


def log_poisson_term(n: FloatArray, a: FloatArray) -> FloatArray:
    """log(aⁿ·e⁻ᵃ/Γ(n+1)) for real n ≥ 0 and a > 0 (the Poisson probability of n, extended)."""
    from scipy import special

    n, a = np.broadcast_arrays(np.asarray(n, dtype=np.float64), np.asarray(a, dtype=np.float64))
    out = np.empty(n.shape, dtype=np.float64)
    low = n < 1.0
    nl, al = n[low], a[low]
    out[low] = special.xlogy(nl, al) - al - special.gammaln(nl + 1.0)
    nh, ah = n[~low], a[~low]
    out[~low] = -_HALF_LOG_2PI - 0.5 * np.log(nh) - _stirlerr(nh) - _bd0(nh, ah)
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

    G = P(s, x) / (s · poisson_term(s, x)) with P = ``scipy.special.gammainc``, except below
    the mode (x < s − 2√x) when P underflows or s ≥ 10⁵: there ``gammainc`` loses accuracy
    (1e-6 relative at s = 10⁶, 5σ into the tail; measured against the series) and
    G = ∫₀^∞ exp(x(1 − e⁻ᵛ) − s·v) dv is integrated by 64-node Gauss–Laguerre after
    v = w/(s − x), where the remaining factor exp(x(1 − e⁻ᵛ − v)) is smooth (~1e-14).
    """
    from scipy import special

    s, x = np.broadcast_arrays(np.asarray(s, dtype=np.float64), np.asarray(x, dtype=np.float64))
    out = np.empty(s.shape, dtype=np.float64)
    zero = x == 0
    out[zero] = -np.log(s[zero])
    p = special.gammainc(s, x)
    below = (x < s - 2.0 * np.sqrt(x)) & ~zero
    quadrature = below & ((p < _TINY) | (s >= _LARGE_SHAPE))
    regular = ~quadrature & ~zero
    out[regular] = np.log(p[regular]) - np.log(s[regular]) - log_poisson_term(s[regular], x[regular])
    if quadrature.any():
        out[quadrature] = _laguerre_log_g(s[quadrature], x[quadrature])
    return out


_LARGE_SHAPE: Final = 1e5
_NODES, _WEIGHTS = np.polynomial.laguerre.laggauss(64)


def _laguerre_log_g(s: FloatArray, x: FloatArray) -> FloatArray:
    gap = (s - x)[:, None]
    v = _NODES[None, :] / gap
    smooth = np.exp(x[:, None] * (-np.expm1(-v) - v))
    return np.asarray(np.log(smooth @ _WEIGHTS) - np.log(gap[:, 0]), dtype=np.float64)
