"""Axis 1 of the SP2C charter (2019): each forecast horizon compared with what arrived.

For one activity and one horizon (budget, M−3, M−1, W−1…), actual offered contacts are summed
to the horizon's own periods (month, day or interval, local time) and compared with the
forecast (``a`` actual, ``f`` forecast, per period):

* **WAPE** = Σ|f − a| ÷ Σa; **bias** = Σ(f − a) ÷ Σa (positive: the client forecast too much);
* **MAPE** = mean of |f − a| ÷ a over periods with a > 0;
* **in band**: share of periods with f × (1 − under) ≤ a ≤ f × (1 + over), and the periods
  that left the band, over (more contacts than the band allows) or under.

:func:`align` gives a per-interval forecast on the intervals of the interval report, for fair
evaluation: a forecast at the report's interval is taken as is, finer ones are summed; a
coarser one is never spread by a guessed profile (``None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from charte.domain.contract import VolumeBand
from charte.settle.band import band_position
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


def align(block: IntervalBlock, series: ForecastSeries) -> AlignedForecast | None:
    """The forecast of each interval of ``block`` (rule in the module docstring); ``None`` when coarser."""
    if not series.granularity.endswith("min") or int(series.granularity[:-3]) > block.minutes:
        return None
    step = block.minutes * 60
    keys = series.period_start - series.period_start % step
    uniq = np.unique(block.start)
    known = np.isin(keys, uniq)
    position = np.searchsorted(uniq, keys[known])
    volume = np.bincount(position, weights=series.volume[known], minlength=uniq.size).astype(np.float64)
    work = np.bincount(position, weights=series.volume[known] * series.aht_seconds[known],
                       minlength=uniq.size).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        aht = np.where(volume > 0, work / volume, 0.0)
    at = np.searchsorted(uniq, block.start)
    return AlignedForecast(series.horizon, series.granularity, volume[at], aht[at], False)


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
