"""Intraday profile: the share of a day's contacts falling in each slot, per weekday, shrunk.

Each past day gives a share vector (slot counts / day total). The weekday profile is the
age-weighted mean of the shares of that weekday over the last ``weeks`` weeks
(half-life ``half_life_weeks``); the pooled profile is the same mean over all worked days.
With only a handful of Mondays the Monday profile is noisy, with all days pooled it is
biased: the estimate used is the James–Stein compromise

    p = (1 − s) · p_weekday + s · p_pooled,   s = V / (V + max(B − V, 0))

where ``V`` is the sampling variance of the weekday mean (summed over slots, from the
spread of that weekday's daily shares) and ``B`` the squared distance between the weekday
and pooled profiles. A weekday whose shape really differs (B ≫ V) keeps its own profile;
one that differs only by noise is pulled to the pooled one (Efron & Morris 1975).

The per-slot relative spread of the shares is kept for prediction intervals, less the part a
multinomial draw of each day's total already explains (``p(1 − p)/N``): the forecast's
interval adds Poisson noise itself, and counting it twice made the band too wide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from charte.forecast.history import IntervalHistory

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ProfileSettings:
    """How much history shapes the profile: the intraday shape of a contact center changes slowly
    (Brown et al. 2005 and Weinberg et al. 2007 model it as stable within a season), while one
    slot's share of one day carries Poisson noise of 1/√count; half a year of days, with a
    quarter's half-life, lets the shape evolve with the seasons and averages the noise away."""

    weeks: int = 26
    half_life_weeks: float = 13.0


@dataclass(frozen=True, slots=True)
class IntradayProfile:
    shares: FloatArray
    relative_sd: FloatArray
    shrinkage: float


def _weighted_mean(shares: FloatArray, weight: FloatArray) -> FloatArray:
    return np.asarray((shares * weight[:, None]).sum(axis=0) / weight.sum(), dtype=float)


def intraday_profile(history: IntervalHistory, weekday: int,
                     settings: ProfileSettings = ProfileSettings()) -> IntradayProfile:
    """The shrunk profile of ``weekday`` (0 = Monday) from the recent days of ``history``."""
    totals = history.counts.sum(axis=1)
    keep = [i for i, t in enumerate(totals) if t > 0 and (history.days[-1] - history.days[i]).days < 7 * settings.weeks]
    days = [history.days[i] for i in keep]
    shares = history.counts[keep] / totals[keep, None]
    weight = 0.5 ** (np.array([(days[-1] - d).days / 7.0 for d in days]) / settings.half_life_weeks)
    pooled = _weighted_mean(shares, weight)
    mine = np.array([d.weekday() == weekday for d in days])
    if not mine.any():
        return IntradayProfile(pooled, _relative_sd(shares, weight, pooled, totals[keep]), 1.0)
    own = _weighted_mean(shares[mine], weight[mine])
    w = weight[mine]
    effective_n = w.sum() ** 2 / (w**2).sum()
    within = float((((shares[mine] - own) ** 2) * w[:, None]).sum() / w.sum() / effective_n)
    between = float(((own - pooled) ** 2).sum())
    s = within / (within + max(between - within, 0.0)) if within > 0 else 0.0
    profile = (1.0 - s) * own + s * pooled
    profile = profile / profile.sum()
    return IntradayProfile(profile, _relative_sd(shares[mine], w, profile, totals[keep][mine]), s)


def _relative_sd(shares: FloatArray, weight: FloatArray, profile: FloatArray,
                 totals: FloatArray | None = None) -> FloatArray:
    variance = (((shares - profile) ** 2) * weight[:, None]).sum(axis=0) / weight.sum()
    if totals is not None:
        sampling = ((profile * (1.0 - profile))[None, :] / totals[:, None] * weight[:, None]).sum(axis=0) / weight.sum()
        variance = np.maximum(variance - sampling, 0.0)
    return np.asarray(np.sqrt(variance) / np.maximum(profile, 1e-12), dtype=float)


def profiles_for(history: IntervalHistory, days: list[date],
                 settings: ProfileSettings = ProfileSettings()) -> dict[int, IntradayProfile]:
    return {k: intraday_profile(history, k, settings) for k in {d.weekday() for d in days}}
