"""Forecasting methods: the planning forecaster and the usual baselines it must beat.

Every method has the same shape, ``(history, days, calendar) -> counts[len(days), slots]``,
and sees only ``history`` (what was known at the origin), so the evaluation harness can run
them side by side on the same origins.

Baselines (what planners commonly use, Ibrahim et al. 2016):

* ``seasonal_naive`` — same slot, same weekday, last week (the latest earlier open day of
  that weekday when last week's was closed);
* ``same_slot_mean_k`` / ``same_slot_median_k`` — mean / median of the same slot over the
  last ``k`` open days of the same weekday;
* ``daily_mean_profile`` — mean daily total of the last 4 same weekdays × the mean intraday
  share of the last 8;
* ``mstl_autoets`` — statsforecast's MSTL (daily and 5-day weekly seasons, positional)
  with an AutoETS trend, the classic textbook treatment (Hyndman & Athanasopoulos, FPP).

The planning forecaster (:func:`planning_forecast`) multiplies the daily model of
:mod:`charte.forecast.daily_level` (recent level × weekday × calendar effects, robust) by
the shrunk weekday profile of :mod:`charte.forecast.intraday_profile`; only working days
of the calendar (working week, not closed) feed either, and a weekday's slots outside its
hours are forecast 0. Its prediction interval combines the daily log-scale spread, the
profile spread and Poisson noise, ``var = f + f² (σ_day² + σ_level² + σ_slot²)``, as the
quantiles of the negative binomial (gamma–Poisson) count with that mean and variance: counts
are skewed to the right, so a symmetric normal band is too low at the bottom and too tight at
the top. Coverage is measured in rolling origin by ``benchmarks/forecast/bank_calls_2003.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from charte.forecast.daily_level import DailyLevelSettings, fit_daily_level
from charte.forecast.history import HistoryError, IntervalHistory
from charte.forecast.intraday_profile import ProfileSettings, profiles_for
from charte.forecast.special_days import PlanningCalendar

FloatArray = NDArray[np.float64]
Method = Callable[[IntervalHistory, Sequence[date], PlanningCalendar], "FloatArray | Forecast"]


@dataclass(frozen=True, slots=True)
class Forecast:
    """Contacts per (day, slot) with a central prediction interval of probability ``coverage``."""

    days: tuple[date, ...]
    point: FloatArray
    lower: FloatArray
    upper: FloatArray
    coverage: float
    minutes: int


def _same_weekday(history: IntervalHistory, day: date, count: int) -> FloatArray:
    """The last ``count`` days of ``history`` before ``day`` on its weekday that had contacts."""
    rows: list[FloatArray] = []
    for i in range(len(history.days) - 1, -1, -1):
        d = history.days[i]
        if d < day and d.weekday() == day.weekday() and history.counts[i].sum() > 0:
            rows.append(history.counts[i])
            if len(rows) == count:
                break
    if not rows:
        raise HistoryError(f"[history_no_weekday] no earlier {day:%A} with contacts to forecast {day}")
    return np.array(rows)


def seasonal_naive(history: IntervalHistory, days: Sequence[date], calendar: PlanningCalendar) -> FloatArray:
    return np.array([_same_weekday(history, d, 1)[0] for d in days], dtype=float)


def same_slot_mean(weeks: int) -> Method:
    def method(history: IntervalHistory, days: Sequence[date], calendar: PlanningCalendar) -> FloatArray:
        return np.array([_same_weekday(history, d, weeks).mean(axis=0) for d in days])
    return method


def same_slot_median(weeks: int) -> Method:
    def method(history: IntervalHistory, days: Sequence[date], calendar: PlanningCalendar) -> FloatArray:
        return np.array([np.median(_same_weekday(history, d, weeks), axis=0) for d in days])
    return method


def daily_mean_profile(history: IntervalHistory, days: Sequence[date], calendar: PlanningCalendar) -> FloatArray:
    out = []
    for d in days:
        recent = _same_weekday(history, d, 8)
        shares = (recent / recent.sum(axis=1, keepdims=True)).mean(axis=0)
        out.append(recent[:4].sum(axis=1).mean() * shares)
    return np.array(out)


def mstl_autoets(history: IntervalHistory, days: Sequence[date], calendar: PlanningCalendar) -> Forecast:
    """statsforecast MSTL (seasons: one day, one 5-day week) + AutoETS trend, positional.

    Needs the ``dev`` extra (statsforecast pins pandas below 3). Uses the STL speed-up
    ``seasonal_jump=2, trend_jump=50, low_pass_jump=20`` (same error, ten times faster).
    """
    from statsforecast.models import MSTL, AutoETS

    slots = history.slots
    series = history.counts[-26 * 5:].ravel()
    model = MSTL(season_length=[slots, 5 * slots], trend_forecaster=AutoETS(model="ZZN"),
                 stl_kwargs={"seasonal_jump": 2, "trend_jump": 50, "low_pass_jump": 20})
    model = model.fit(series)
    predicted = model.predict(h=slots * len(days), level=[80])

    def shaped(key: str) -> FloatArray:
        return np.asarray(np.maximum(np.asarray(predicted[key], dtype=float).reshape(len(days), slots), 0.0))

    return Forecast(tuple(days), shaped("mean"), shaped("lo-80"), shaped("hi-80"), 0.8, history.minutes)


def with_empirical_interval(method: Method, *, weeks: int = 8, coverage: float = 0.8) -> Method:
    """``method`` with an 80 % interval from its own recent errors (empirical prediction intervals,
    Williams & Goodman 1971): at each origin the method is re-run on each of the ``weeks`` weeks
    before it (each from its own past), and the 10th and 90th percentiles of actual ÷ forecast over
    those slots scale the new forecast. A baseline so gets an interval as honest as its errors."""

    def wrapped(history: IntervalHistory, days: Sequence[date], calendar: PlanningCalendar) -> Forecast:
        point = _point(method(history, days, calendar))
        ratios: list[FloatArray] = []
        if history.days:
            last_monday = history.days[-1] - timedelta(days=history.days[-1].weekday())
            for k in range(weeks):
                origin = last_monday - timedelta(weeks=k)
                past_days = [d for d in (origin + timedelta(days=j) for j in range(7))
                             if calendar.is_working(d) and history.row(d) is not None]
                past = history.before(origin)
                if not past_days or len(past.days) < 25:
                    continue
                try:
                    guess = _point(method(past, past_days, calendar))
                except HistoryError:
                    continue
                actual = np.array([history.row(d) for d in past_days])
                keep = guess > 0
                ratios.append(actual[keep] / guess[keep])
        if not ratios:
            return Forecast(tuple(days), point, point, point, coverage, history.minutes)
        pooled = np.concatenate(ratios)
        tail = (1.0 - coverage) / 2.0
        low, high = np.quantile(pooled, [tail, 1.0 - tail])
        return Forecast(tuple(days), point, point * low, point * high, coverage, history.minutes)

    return wrapped


def _point(result: FloatArray | Forecast) -> FloatArray:
    return result.point if isinstance(result, Forecast) else np.asarray(result, dtype=float)


def working_history(history: IntervalHistory, calendar: PlanningCalendar) -> IntervalHistory:
    """The history on the calendar's working days only: days not worked (weekends of a Monday–Friday
    week, public holidays, closures) never feed the daily level nor the intraday profile."""
    closed = frozenset(d for d in history.days if not calendar.is_working(d))
    return history.without(closed) if closed else history


def planning_forecast(history: IntervalHistory, days: Sequence[date], calendar: PlanningCalendar, *,
                      daily: DailyLevelSettings | None = None, profile: ProfileSettings | None = None,
                      coverage: float = 0.8) -> Forecast:
    """The planning forecast of ``days`` from ``history`` (module docstring): closed days and slots get 0."""
    history = working_history(history, calendar)
    fit = fit_daily_level(history, calendar, daily or DailyLevelSettings())
    totals = fit.predict(days)
    profiles = profiles_for(history, list(days), profile or ProfileSettings())
    masks = {k: calendar.open_mask(k, history.minutes, history.slots) for k in profiles}
    shares = {k: _masked(p.shares, masks[k]) for k, p in profiles.items()}
    point = np.array([t * shares[d.weekday()] for t, d in zip(totals, days, strict=True)])
    relative = np.array([profiles[d.weekday()].relative_sd for d in days])
    dispersion = fit.forecast_sd**2 + relative**2  # squared coefficient of variation beyond Poisson
    lower, upper = _count_interval(point, dispersion, coverage)
    open_day = np.array([calendar.is_working(d) for d in days], dtype=float)[:, None]
    return Forecast(tuple(days), point * open_day, lower * open_day, upper * open_day, coverage, history.minutes)


def _masked(shares: FloatArray, mask: NDArray[np.bool_]) -> FloatArray:
    kept = np.where(mask, shares, 0.0)
    total = kept.sum()
    return np.asarray(kept / total if total > 0 else kept, dtype=float)


def _count_interval(mean: FloatArray, dispersion: FloatArray, coverage: float) -> tuple[FloatArray, FloatArray]:
    """Central interval of a gamma–Poisson count: mean ``m``, variance ``m + m²·d`` (negative binomial
    with size ``1/d``), its bounds whole contacts (the distribution's quantiles); 0 when ``m`` is 0."""
    from scipy.stats import nbinom  # seconds to import: only when an interval is drawn (issue 17, start-up)

    d = np.maximum(dispersion, 1e-9)
    size = 1.0 / d
    p = size / (size + np.maximum(mean, 1e-12))
    tail = (1.0 - coverage) / 2.0
    lower = nbinom.ppf(tail, size, p)
    upper = nbinom.ppf(1.0 - tail, size, p)
    zero = mean <= 0
    return (np.where(zero, 0.0, lower).astype(float), np.where(zero, 0.0, upper).astype(float))


def planning_method(history: IntervalHistory, days: Sequence[date], calendar: PlanningCalendar) -> FloatArray:
    return planning_forecast(history, days, calendar).point


def planning_forecast_method(history: IntervalHistory, days: Sequence[date], calendar: PlanningCalendar) -> Forecast:
    return planning_forecast(history, days, calendar)


def standard_methods(*, with_statsforecast: bool = True) -> dict[str, Method]:
    """The planning forecaster and every baseline, by the name the harness reports."""
    baselines: dict[str, Method] = {
        "seasonal naive (same slot last week)": seasonal_naive,
        "same-slot mean, 4 weeks": same_slot_mean(4),
        "same-slot mean, 8 weeks": same_slot_mean(8),
        "same-slot median, 4 weeks": same_slot_median(4),
        "same-slot median, 8 weeks": same_slot_median(8),
        "daily mean × intraday profile": daily_mean_profile,
    }
    methods: dict[str, Method] = {"charte (level×weekday×calendar, shrunk profile)": planning_forecast_method}
    methods.update({name: with_empirical_interval(method) for name, method in baselines.items()})
    if with_statsforecast:
        methods["statsforecast MSTL + AutoETS"] = mstl_autoets
    return methods
