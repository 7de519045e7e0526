"""Daily volume: recent level × weekday factor × calendar effects, fitted robustly on the log scale.

The model, for the total of day ``d`` in week ``w``::

    log y_d = a_w + g_weekday(d) + sum_k b_k x_k(d) + e_d

* ``a_w`` — one level per calendar week (fixed effects), so slow drifts and level shifts
  never bias the weekday factors or the calendar effects;
* ``g`` — weekday factors (sum to zero over the worked weekdays), with observations
  discounted by age (half-life ``weekday_half_life_weeks``) so the weekly shape can evolve;
* ``b_k`` — calendar effects (:mod:`charte.forecast.special_days`): carry-over after a
  closure, month turn, declared events. Each is shrunk towards its prior (0, or the declared
  uplift) by a ridge penalty ``sigma² / tau²`` — the posterior mean under a normal prior of
  standard deviation ``tau`` (``effect_prior_sd``): rare effects seen once or twice are
  believed in proportion to the evidence;
* ``e`` — fitted by iteratively reweighted least squares with Huber weights
  (k = 2 robust standard deviations, scale by the median absolute deviation), so an outage
  or an unannounced campaign day does not pull the fit.

The forecast level is the exponentially weighted mean of the recent week levels
(half-life ``level_half_life_weeks``, weighted by the days each week holds): the local level
of simple exponential smoothing, applied to weeks already cleaned of weekday and calendar
effects. The spread of a forecast day total adds the day noise and the robust spread of the
week-to-week level changes (a local-level model's one-step error).

**Level shifts.** Smoothing alone follows a lasting shift slowly (with a 2-week half-life, a
+25 % step is still −14 % two weeks later). So the latest weeks are tested for a change of
regime: for each candidate start among the last ``shift_lookback_weeks`` weeks, the mean level
since then is compared with the smoothed level before it; when the gap exceeds
``shift_threshold_sd`` standard deviations of that difference (week-to-week spread, a robust
estimate from the level changes) and is material (at least ``shift_min_change``, 12 %: smaller
drifts are followed well enough by the smoothing, and a short history's spread can be
deceptively small), the level restarts from the weeks of the new regime only —
the intervention approach of Box & Tiao (1975) reduced to its simplest detector. The week of
the shift itself cannot be foreseen (the forecast is issued before it); the weeks after it are.

Defaults are generic choices stated here, not values searched on one series.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from charte.forecast.history import HistoryError, IntervalHistory
from charte.forecast.special_days import PlanningCalendar

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class DailyLevelSettings:
    level_half_life_weeks: float = 2.0
    weekday_half_life_weeks: float = 26.0
    effect_prior_sd: float = 0.10
    max_weeks: int = 26
    huber_k: float = 2.0
    iterations: int = 6
    shift_lookback_weeks: int = 4
    shift_threshold_sd: float = 3.0
    shift_min_change: float = 0.12


@dataclass(frozen=True, slots=True)
class DailyLevelFit:
    """A fitted daily model; :meth:`predict` gives day totals and their log-scale spread."""

    level: float
    weekday: FloatArray
    effects: FloatArray
    feature_names: tuple[str, ...]
    residual_sd: float
    level_sd: float
    calendar: PlanningCalendar

    @property
    def forecast_sd(self) -> float:
        """Log-scale spread of a day total: day noise plus one week of level drift."""
        return float(np.hypot(self.residual_sd, self.level_sd))

    def predict(self, days: Sequence[date]) -> FloatArray:
        logs = [self.level + self.weekday[d.weekday()] + self.calendar.features(d) @ self.effects for d in days]
        return np.asarray(np.exp(np.array(logs, dtype=float)), dtype=float)


def _design(days: Sequence[date], calendar: PlanningCalendar) -> tuple[FloatArray, list[date], int]:
    weeks = sorted({d - timedelta(days=d.weekday()) for d in days})
    index = {w: i for i, w in enumerate(weeks)}
    features = np.array([calendar.features(d) for d in days])
    X = np.zeros((len(days), len(weeks) + 7 + features.shape[1]))
    for i, d in enumerate(days):
        X[i, index[d - timedelta(days=d.weekday())]] = 1.0
        X[i, len(weeks) + d.weekday()] = 1.0
    X[:, len(weeks) + 7:] = features
    return X, weeks, len(weeks)


def _constraints(n_weeks: int, seen: NDArray[np.bool_], penalty: float,
                 priors: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Rows appended to the least-squares system: weekday factors of seen weekdays sum to
    zero (unseen ones pinned at zero), effects pulled to their priors with ``penalty``."""
    n_effects = len(priors)
    width = n_weeks + 7 + n_effects
    rows = [np.r_[np.zeros(n_weeks), 10.0 * seen, np.zeros(n_effects)]]
    targets = [0.0]
    for k in map(int, np.flatnonzero(~seen)):
        row = np.zeros(width)
        row[n_weeks + k] = 10.0
        rows.append(row)
        targets.append(0.0)
    for k in range(n_effects):
        row = np.zeros(width)
        row[n_weeks + 7 + k] = np.sqrt(penalty)
        rows.append(row)
        targets.append(np.sqrt(penalty) * priors[k])
    return np.array(rows), np.array(targets)


def _robust_fit(X: FloatArray, y: FloatArray, age_weight: FloatArray, *, n_weeks: int, seen: NDArray[np.bool_],
                priors: FloatArray, settings: DailyLevelSettings) -> tuple[FloatArray, float]:
    scale = 0.05
    huber = np.ones(len(y))
    beta = np.zeros(X.shape[1])
    for _ in range(settings.iterations):
        root = np.sqrt(age_weight * huber)
        C, c = _constraints(n_weeks, seen, scale**2 / settings.effect_prior_sd**2, priors)
        A = np.vstack([X * root[:, None], C])
        b = np.r_[y * root, c]
        beta = np.linalg.lstsq(A, b, rcond=None)[0]
        residual = y - X @ beta
        scale = max(1.4826 * float(np.median(np.abs(residual))), 1e-6)
        u = np.abs(residual) / (settings.huber_k * scale)
        huber = np.where(u <= 1.0, 1.0, 1.0 / np.maximum(u, 1e-12))
    return beta, scale


def fit_daily_level(history: IntervalHistory, calendar: PlanningCalendar,
                    settings: DailyLevelSettings = DailyLevelSettings()) -> DailyLevelFit:
    """Fit the daily model on the last ``max_weeks`` weeks of ``history`` (days with contacts)."""
    totals = history.counts.sum(axis=1)
    usable = [(d, t) for d, t in zip(history.days, totals, strict=True) if t > 0]
    if not usable:
        raise HistoryError("[history_empty] no day with contacts before the forecast origin")
    horizon_start = usable[-1][0] - timedelta(weeks=settings.max_weeks)
    usable = [(d, t) for d, t in usable if d > horizon_start]
    days = [d for d, _ in usable]
    y = np.log(np.array([t for _, t in usable]))
    X, weeks, n_weeks = _design(days, calendar)
    age = np.array([(days[-1] - d).days / 7.0 for d in days])
    seen = np.array([any(d.weekday() == k for d in days) for k in range(7)])
    beta, scale = _robust_fit(X, y, 0.5 ** (age / settings.weekday_half_life_weeks), n_weeks=n_weeks, seen=seen,
                              priors=calendar.feature_priors(), settings=settings)
    week_days = np.array([sum(1 for d in days if d - timedelta(days=d.weekday()) == w) for w in weeks], dtype=float)
    week_age = np.array([(weeks[-1] - w).days / 7.0 for w in weeks])
    levels = beta[:n_weeks]
    steps = np.diff(levels)
    level_sd = 1.4826 * float(np.median(np.abs(steps - np.median(steps)))) if len(steps) >= 3 else scale
    start = regime_start(levels, week_days, week_age, level_sd, settings)
    weight = week_days[start:] * 0.5 ** (week_age[start:] / settings.level_half_life_weeks)
    level = float((levels[start:] * weight).sum() / weight.sum())
    # the residual spread is in-sample: a week level, the weekday factors and the effects were fitted on
    # the same days, so it is scaled by n / (n − parameters) (the usual unbiased residual variance)
    parameters = n_weeks + int(seen.sum()) - 1 + len(calendar.feature_names())
    residual_sd = scale * float(np.sqrt(len(y) / max(len(y) - parameters, 1)))
    return DailyLevelFit(level, beta[n_weeks:n_weeks + 7], beta[n_weeks + 7:], calendar.feature_names(),
                         residual_sd, level_sd, calendar)


def regime_start(levels: FloatArray, week_days: FloatArray, week_age: FloatArray, step_sd: float,
                 settings: DailyLevelSettings) -> int:
    """Index of the first week of the current level regime (0 when no shift is detected).

    Week levels wander with a week-to-week spread ``step_sd / √2`` (the spread of one week
    around the local level). For a candidate start ``c`` the gap between the mean of weeks
    ``c…`` (m weeks) and the smoothed level before ``c`` (effective n weeks) has a standard
    deviation ``σ·√(1/m + 1/n)``; the strongest candidate beyond ``shift_threshold_sd`` wins.
    """
    n = len(levels)
    sigma = max(step_sd / np.sqrt(2.0), 1e-6)
    best, start = settings.shift_threshold_sd, 0
    for c in range(max(2, n - settings.shift_lookback_weeks), n):
        w = week_days[:c] * 0.5 ** ((week_age[:c] - week_age[c - 1]) / settings.level_half_life_weeks)
        before = float((levels[:c] * w).sum() / w.sum())
        effective = float(w.sum() ** 2 / (w**2).sum())
        after = float((levels[c:] * week_days[c:]).sum() / week_days[c:].sum())
        z = abs(after - before) / (sigma * np.sqrt(1.0 / (n - c) + 1.0 / max(effective, 1.0)))
        if z > best and abs(np.expm1(after - before)) >= settings.shift_min_change:
            best, start = z, c
    return start
