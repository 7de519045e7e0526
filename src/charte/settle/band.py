"""Axis 1 → axis 2 of the SP2C charter (2019): which intervals left the forecast band, as the contract writes it.

**The band** (``forecasts.band``): the actual offered volume ``a`` of each ``checked_per``
period (month, day, or the horizon's own interval; Paris time) is compared with the forecast
``f`` of the band's ``horizon`` summed to that period:
``f − max(under × f, z × √f) ≤ a ≤ f + max(over × f, z × √f)`` (the ``z`` term only when the
contract states ``poisson_z``). When a period is out of the band, every interval in it is out
of band (over or under), and its service is evaluated as the commitment says (set aside, or
fairly). When the period stayed in the band, no interval of it is out merely because a
half-hour's count wandered: a monthly band is a monthly band.

**Interval relief** (``forecasts.interval_band``), only when the contract states it: an
interval whose volume left *that* band around its ``horizon``'s interval forecast (noise-aware
when ``poisson_z`` is set) is out of band too.

A forecast is never spread over shorter periods (no guessed intraday profile): a band checked
per interval needs a horizon per interval, which the contract's validation enforces.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from charte.domain.contract import Contract
from charte.domain.contract.forecast_commitments import Tolerance
from charte.settle.facts import FloatArray, ForecastSeries, IntArray, IntervalBlock
from charte.settle.period import group_keys


def band_position(actual: FloatArray, forecast: FloatArray, band: Tolerance) -> IntArray:
    """−1 under the band, 0 inside, +1 over, per element (module docstring's inequality)."""
    noise = float(band.poisson_z) * np.sqrt(np.maximum(forecast, 0.0)) if band.poisson_z is not None else 0.0
    low = forecast - np.maximum(forecast * float(band.under), noise)
    high = forecast + np.maximum(forecast * float(band.over), noise)
    return np.where(actual < low - 1e-9, -1, np.where(actual > high + 1e-9, 1, 0)).astype(np.int64)


@dataclass(frozen=True, eq=False)
class BandCheck:
    """Where each interval of a block stands against the band (and the interval band), and the periods checked."""

    position: IntArray          # per interval: −1 under, 0 in, +1 over
    by_relief: np.ndarray       # per interval: out of band only by the interval band
    horizon: str
    checked_per: str
    formula: str
    periods: int
    periods_over: int
    periods_under: int
    relief_horizon: str | None = None
    relief_formula: str | None = None
    relief_intervals: int = 0

    def figures(self) -> dict[str, Any]:
        return {"band_horizon": self.horizon, "band_checked_per": self.checked_per, "band_formula": self.formula,
                "band_periods": self.periods, "band_periods_over": self.periods_over,
                "band_periods_under": self.periods_under, "interval_band_horizon": self.relief_horizon,
                "interval_band_formula": self.relief_formula, "interval_band_intervals": self.relief_intervals}


def _positions(block: IntervalBlock, series: ForecastSeries, period: str,
               tolerance: Tolerance) -> tuple[IntArray, IntArray]:
    """Position of each ``period`` (``interval``: the series' own interval) and of each interval of the block."""
    kind = series.granularity if period == "interval" else period
    keys = group_keys(block.start, kind, block.minutes)
    f_keys = group_keys(series.period_start, kind, block.minutes)
    uniq = np.unique(np.concatenate([keys, f_keys]))
    actual = np.bincount(np.searchsorted(uniq, keys), weights=block.counts["offered"].astype(np.float64),
                         minlength=uniq.size).astype(np.float64)
    forecast = np.bincount(np.searchsorted(uniq, f_keys), weights=series.volume, minlength=uniq.size).astype(np.float64)
    per_period = band_position(actual, forecast, tolerance)
    return per_period, per_period[np.searchsorted(uniq, keys)]


def band_check(contract: Contract, block: IntervalBlock, forecast_of: Any) -> BandCheck | None:
    """The band check of one activity (module docstring); ``None`` when a forecast it needs is missing
    (already reported by :mod:`charte.settle.forecast_versions`)."""
    clause = contract.forecasts
    assert clause is not None
    band = clause.band
    horizon = clause.reference_horizon.name
    series = forecast_of(block.activity, horizon)
    if series is None:
        return None
    per_period, position = _positions(block, series, band.checked_per, band)
    relief = np.zeros(len(block), dtype=bool)
    relief_horizon = relief_formula = None
    if clause.interval_band is not None:
        extra = forecast_of(block.activity, clause.interval_band.horizon)
        if extra is None:
            return None
        _, second = _positions(block, extra, "interval", clause.interval_band)
        relief = (position == 0) & (second != 0)
        position = np.where(position != 0, position, second)
        relief_horizon, relief_formula = clause.interval_band.horizon, clause.interval_band.formula
    return BandCheck(position, relief, horizon, band.checked_per, band.formula, int(per_period.size),
                     int((per_period > 0).sum()), int((per_period < 0).sum()), relief_horizon, relief_formula,
                     int(relief.sum()))
