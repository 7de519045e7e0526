"""Axis 1 of the SP2C charter (2019): each forecast horizon compared with what arrived.

For one activity and one horizon (budget, M−3, M−1, W−1…), actual offered contacts are summed
to the horizon's own periods (month, day or interval, local time) and compared with the
forecast (``a`` actual, ``f`` forecast, per period):

* **WAPE** = Σ|f − a| ÷ Σa; **bias** = Σ(f − a) ÷ Σa (positive: the client forecast too much);
* **MAPE** = mean of |f − a| ÷ a over periods with a > 0;
* **in band**: share of periods with f × (1 − under) ≤ a ≤ f × (1 + over), and the periods
  that left the band, over (more contacts than the band allows) or under.

:func:`align` also gives the forecast of every interval of the interval report, which the
service evaluation and the minimum billing need: a forecast at interval granularity is taken
as is (finer ones summed); a coarser one (day, week, month) is spread over its intervals in
proportion to the actual arrivals, so each interval carries its period's forecast ratio.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from charte.domain.contract import VolumeBand
from charte.settle.facts import FloatArray, ForecastSeries, IntArray, IntervalBlock
from charte.settle.period import group_keys


@dataclass(frozen=True, eq=False)
class AlignedForecast:
    """A horizon's forecast on the intervals of an interval report (see :func:`align`)."""

    horizon: str
    granularity: str
    volume: FloatArray
    aht_seconds: FloatArray
    spread: bool


def _sum_by(keys: IntArray, values: FloatArray, uniq: IntArray) -> FloatArray:
    return np.bincount(np.searchsorted(uniq, keys), weights=values, minlength=uniq.size).astype(np.float64)


def align(block: IntervalBlock, series: ForecastSeries) -> AlignedForecast:
    """The forecast of each interval of ``block`` (rule in the module docstring)."""
    interval_keys = group_keys(block.start, series.granularity, block.minutes)
    forecast_keys = group_keys(series.period_start, series.granularity, block.minutes)
    uniq = np.unique(interval_keys)
    known = np.isin(forecast_keys, uniq)
    f_keys = forecast_keys[known]
    f_volume = _sum_by(f_keys, series.volume[known], uniq)
    f_work = _sum_by(f_keys, series.volume[known] * series.aht_seconds[known], uniq)
    with np.errstate(invalid="ignore", divide="ignore"):
        f_aht = np.where(f_volume > 0, f_work / f_volume, 0.0)
    position = np.searchsorted(uniq, interval_keys)
    offered = block.counts["offered"].astype(np.float64)
    per_key_offered = np.bincount(position, weights=offered, minlength=uniq.size)
    per_key_count = np.bincount(position, minlength=uniq.size).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(per_key_offered[position] > 0, offered / per_key_offered[position],
                         1.0 / per_key_count[position])
    spread = bool(np.any(per_key_count > 1))
    volume = f_volume[position] * share if spread else f_volume[position]
    return AlignedForecast(series.horizon, series.granularity, volume, f_aht[position], spread)


def band_position(actual: FloatArray, forecast: FloatArray, band: VolumeBand) -> IntArray:
    """−1 under the band, 0 inside, +1 over, per element (f × (1 − under) ≤ a ≤ f × (1 + over))."""
    low = forecast * (1 - float(band.under))
    high = forecast * (1 + float(band.over))
    return np.where(actual < low - 1e-9, -1, np.where(actual > high + 1e-9, 1, 0)).astype(np.int64)


@dataclass(frozen=True)
class Accuracy:
    """How one horizon's forecast compared with actual arrivals over the period."""

    activity: str
    horizon: str
    granularity: str
    issued_on: str
    periods: int
    forecast_volume: Decimal
    actual_volume: int
    wape: Decimal | None
    bias: Decimal | None
    mape: Decimal | None
    share_in_band: Decimal | None
    periods_over: int
    periods_under: int

    def as_dict(self) -> dict[str, object]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


def _exact(x: float) -> Decimal:
    """A float figure as a decimal with 6 places (figures are reported, never billed)."""
    return Decimal(f"{x:.6f}")


def accuracy(block: IntervalBlock, series: ForecastSeries, band: VolumeBand) -> Accuracy:
    """Accuracy of ``series`` against ``block`` at the horizon's granularity (module docstring)."""
    keys = group_keys(block.start, series.granularity, block.minutes)
    f_keys = group_keys(series.period_start, series.granularity, block.minutes)
    uniq = np.unique(np.concatenate([keys, f_keys]))
    a = _sum_by(keys, block.counts["offered"].astype(np.float64), uniq)
    f = _sum_by(f_keys, series.volume, uniq)
    total = float(a.sum())
    positive = a > 0
    position = band_position(a, f, band)
    return Accuracy(
        activity=block.activity, horizon=series.horizon, granularity=series.granularity,
        issued_on=series.issued_on.isoformat(), periods=int(uniq.size),
        forecast_volume=series.total_volume, actual_volume=int(block.counts["offered"].sum()),
        wape=_exact(float(np.abs(f - a).sum()) / total) if total else None,
        bias=_exact(float((f - a).sum()) / total) if total else None,
        mape=_exact(float(np.mean(np.abs(f - a)[positive] / a[positive]))) if positive.any() else None,
        share_in_band=_exact(float(np.mean(position == 0))) if uniq.size else None,
        periods_over=int((position > 0).sum()), periods_under=int((position < 0).sum()),
    )
