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
the shrunk weekday profile of :mod:`charte.forecast.intraday_profile`; its prediction
interval combines the daily log-scale spread, the profile spread and Poisson noise:
``var = f + f² (σ_day² + σ_level² + σ_slot²)``, normal quantiles, floored at 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from charte.forecast.daily_level import DailyLevelSettings, fit_daily_level
from charte.forecast.history import HistoryError, IntervalHistory
from charte.forecast.intraday_profile import ProfileSettings, profiles_for
from charte.forecast.special_days import PlanningCalendar

FloatArray = NDArray[np.float64]
Method = Callable[[IntervalHistory, Sequence[date], PlanningCalendar], FloatArray]


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


def mstl_autoets(history: IntervalHistory, days: Sequence[date], calendar: PlanningCalendar) -> FloatArray:
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
    mean = np.asarray(model.predict(h=slots * len(days))["mean"], dtype=float)
    return np.asarray(np.maximum(mean.reshape(len(days), slots), 0.0), dtype=float)


def planning_forecast(history: IntervalHistory, days: Sequence[date], calendar: PlanningCalendar, *,
                      daily: DailyLevelSettings | None = None, profile: ProfileSettings | None = None,
                      coverage: float = 0.8) -> Forecast:
    """The planning forecast of ``days`` from ``history`` (module docstring): closed days get 0."""
    fit = fit_daily_level(history, calendar, daily or DailyLevelSettings())
    totals = fit.predict(days)
    profiles = profiles_for(history, list(days), profile or ProfileSettings())
    point = np.array([t * profiles[d.weekday()].shares for t, d in zip(totals, days, strict=True)])
    relative = np.array([profiles[d.weekday()].relative_sd for d in days])
    sd = np.sqrt(point + point**2 * (fit.forecast_sd**2 + relative**2))
    z = NormalDist().inv_cdf(0.5 + coverage / 2.0)
    open_day = np.array([calendar.is_working(d) for d in days], dtype=float)[:, None]
    return Forecast(tuple(days), point * open_day, np.maximum(point - z * sd, 0.0) * open_day,
                    (point + z * sd) * open_day, coverage, history.minutes)


def planning_method(history: IntervalHistory, days: Sequence[date], calendar: PlanningCalendar) -> FloatArray:
    return planning_forecast(history, days, calendar).point


def standard_methods(*, with_statsforecast: bool = True) -> dict[str, Method]:
    """The planning forecaster and every baseline, by the name the harness reports."""
    methods: dict[str, Method] = {
        "charte (level×weekday×calendar, shrunk profile)": planning_method,
        "seasonal naive (same slot last week)": seasonal_naive,
        "same-slot mean, 4 weeks": same_slot_mean(4),
        "same-slot mean, 8 weeks": same_slot_mean(8),
        "same-slot median, 4 weeks": same_slot_median(4),
        "same-slot median, 8 weeks": same_slot_median(8),
        "daily mean × intraday profile": daily_mean_profile,
    }
    if with_statsforecast:
        methods["statsforecast MSTL + AutoETS"] = mstl_autoets
    return methods
