"""Forecast accuracy and the rolling-origin evaluation harness.

Accuracy measures (over all scored intervals; ``y`` actual, ``f`` forecast):

* **WAPE** = Σ|f − y| / Σy — the planner's error in contacts, weighted by volume;
* **bias** = Σ(f − y) / Σy — positive when the forecast is too high;
* **MASE** = mean(|f − y| / s), ``s`` the in-sample mean absolute error of the seasonal
  naive forecast (same slot, same weekday, previous week, by date) over the 8 weeks before
  the origin (Hyndman & Koehler 2006, with a weekly season); undefined (NaN) when that
  history repeats itself exactly (s = 0);
* **daily-total WAPE** = Σ_days |Σf − Σy| / Σy — what a day-level commitment is judged on;
* **share off by more than 10 %** — intervals where |f − y| > 10 % of y (or f > 0 when y = 0);
* **coverage** — share of scored intervals whose actual lies within the method's 80 % prediction
  interval (NaN for a method that gives none): an honest interval covers close to 80 %.

Rolling origin (Tashman 2000): for each of the last ``origins`` weeks of the history, the
forecast is issued at the end of the previous week for the working days of that week (5
when none is closed), from ``history.before(monday)`` only. Days the calendar says are
worked but the history lacks (lost exports) are forecast and not scored.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from charte.forecast.history import HistoryError, IntervalHistory
from charte.forecast.methods import Forecast, Method
from charte.forecast.special_days import PlanningCalendar

FloatArray = NDArray[np.float64]


def wape(actual: FloatArray, forecast: FloatArray) -> float:
    return float(np.abs(forecast - actual).sum() / actual.sum())


def bias(actual: FloatArray, forecast: FloatArray) -> float:
    return float((forecast - actual).sum() / actual.sum())


def daily_wape(actual: FloatArray, forecast: FloatArray) -> float:
    """WAPE of day totals; ``actual`` and ``forecast`` are days × slots."""
    return float(np.abs(forecast.sum(axis=1) - actual.sum(axis=1)).sum() / actual.sum())


def share_off(actual: FloatArray, forecast: FloatArray, tolerance: float = 0.10) -> float:
    off = np.abs(forecast - actual) > tolerance * actual
    return float(np.mean(np.where(actual > 0, off, forecast > 0)))


def seasonal_naive_scale(history: IntervalHistory, weeks: int = 8) -> float:
    """Mean |y(d, slot) − y(d − 7 days, slot)| over the last ``weeks`` weeks of ``history``."""
    if not history.days:
        raise HistoryError("[history_empty] no history before the origin")
    start = history.days[-1] - timedelta(weeks=weeks)
    diffs = [np.abs(history.counts[i] - prev) for i, d in enumerate(history.days)
             if d > start and (prev := history.row(d - timedelta(days=7))) is not None]
    return float(np.mean(diffs)) if diffs else float("nan")


@dataclass(frozen=True, slots=True)
class Scores:
    wape: float
    bias: float
    mase: float
    daily_wape: float
    share_off_10pct: float
    seconds_per_origin: float
    intervals: int
    coverage: float = float("nan")


@dataclass(frozen=True, slots=True)
class Evaluation:
    origins: tuple[date, ...]
    scores: dict[str, Scores]


def origins_of(history: IntervalHistory, count: int) -> list[date]:
    """Mondays of the last ``count`` weeks of ``history`` (each forecast is issued just before)."""
    last_monday = history.days[-1] - timedelta(days=history.days[-1].weekday())
    return [last_monday - timedelta(weeks=count - 1 - k) for k in range(count)]


def week_days(origin: date, calendar: PlanningCalendar) -> list[date]:
    return [origin + timedelta(days=k) for k in range(7) if calendar.is_working(origin + timedelta(days=k))]


def forecasts_at(history: IntervalHistory, origin: date, methods: Mapping[str, Method],
                 calendar: PlanningCalendar) -> dict[str, tuple[FloatArray, float]]:
    """Each method's forecast of the week starting ``origin``, made from the past only, and its seconds."""
    return {name: (result[0], result[2]) for name, result in _forecasts(history, origin, methods, calendar).items()}


def _forecasts(history: IntervalHistory, origin: date, methods: Mapping[str, Method], calendar: PlanningCalendar
               ) -> dict[str, tuple[FloatArray, FloatArray | None, float]]:
    """(point, interval stacked as [lower, upper] or None, seconds) per method."""
    past = history.before(origin)
    days = week_days(origin, calendar)
    out: dict[str, tuple[FloatArray, FloatArray | None, float]] = {}
    for name, method in methods.items():
        start = time.perf_counter()
        result = method(past, days, calendar)
        spent = time.perf_counter() - start
        if isinstance(result, Forecast):
            out[name] = (result.point, np.stack([result.lower, result.upper]), spent)
        else:
            out[name] = (np.asarray(result, dtype=float), None, spent)
    return out


def rolling_origin(history: IntervalHistory, methods: Mapping[str, Method], calendar: PlanningCalendar,
                   *, origins: int = 8) -> Evaluation:
    """Score every method on the same ``origins`` weekly origins (module docstring)."""
    starts = origins_of(history, origins)
    actual: list[FloatArray] = []
    scale: list[float] = []
    predicted: dict[str, list[FloatArray]] = {name: [] for name in methods}
    inside: dict[str, list[FloatArray] | None] = {name: [] for name in methods}
    seconds: dict[str, float] = dict.fromkeys(methods, 0.0)
    for origin in starts:
        days = week_days(origin, calendar)
        scored = [i for i, d in enumerate(days) if history.row(d) is not None]
        actual.extend(_rows(history, [days[i] for i in scored]))
        scale.extend([seasonal_naive_scale(history.before(origin))] * len(scored))
        truth = _rows(history, [days[i] for i in scored])
        for name, (forecast, band, spent) in _forecasts(history, origin, methods, calendar).items():
            predicted[name].extend(forecast[scored])
            seconds[name] += spent
            held = inside[name]
            if band is None or held is None:
                inside[name] = None
            else:
                held.extend((row >= band[0, i]) & (row <= band[1, i]) for i, row in zip(scored, truth, strict=True))
    y = np.array(actual)
    s = np.array(scale)[:, None]
    scores = {}
    for name, rows in predicted.items():
        held = inside[name]
        coverage = float(np.mean(np.array(held))) if held else float("nan")
        scores[name] = replace(_scores(y, np.array(rows), s, seconds[name] / len(starts)), coverage=coverage)
    return Evaluation(tuple(starts), scores)


def _rows(history: IntervalHistory, days: Sequence[date]) -> list[FloatArray]:
    return [row for d in days if (row := history.row(d)) is not None]


def _scores(y: FloatArray, f: FloatArray, scale: FloatArray, seconds: float) -> Scores:
    with np.errstate(divide="ignore", invalid="ignore"):
        mase = float(np.mean(np.abs(f - y) / scale))
    return Scores(wape(y, f), bias(y, f), mase, daily_wape(y, f),
                  share_off(y, f), seconds, int(y.size))


def format_table(evaluation: Evaluation) -> str:
    """A Markdown table of the scores, best WAPE first."""
    lines = ["| method | WAPE | bias | 80% interval coverage | MASE | daily WAPE | share >10% off | s/origin |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, s in sorted(evaluation.scores.items(), key=lambda item: item[1].wape):
        coverage = "—" if np.isnan(s.coverage) else f"{s.coverage:.1%}"
        lines.append(f"| {name} | {s.wape:.4f} | {s.bias:+.2%} | {coverage} | {s.mase:.3f} | {s.daily_wape:.4f} "
                     f"| {s.share_off_10pct:.1%} | {s.seconds_per_origin:.3f} |")
    return "\n".join(lines)
