"""Forecast value added: was the client's committed forecast better than a plain statistical one?

Axis 1 of the SP2C 2019 charter ("activity forecasts and minimum billing") makes the client
commit to forecasts by horizon (e.g. M-1 by day, W-1 by 30 minutes). Whether a forecast
was *good* cannot be read from its error alone — some months are harder than others. The
forecasting profession's answer is **forecast value added** (Gilliland, *The Business
Forecasting Deal*, 2010): score the committed forecast and a statistical baseline on
exactly the same periods and horizon, and report the difference.

    FVA = WAPE(baseline) − WAPE(committed)        (> 0: the client's forecast added value)
    relative FVA = 1 − WAPE(committed) / WAPE(baseline)

The baseline is what the provider's own planning forecaster (or any method of
:mod:`charte.forecast.methods`) issued at the same horizon. Only the periods where the
actual, the commitment and the baseline all exist are scored (missing = NaN), so neither
side is judged on periods the other did not forecast; the number left out is reported.

This module scores; the settlement engine and the charter scorecard decide what follows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from charte.forecast.evaluation import bias, share_off, wape

FloatArray = NDArray[np.float64]
Verdict = Literal["client_better", "baseline_better", "equal"]


class ValueAddedError(ValueError):
    """Inputs that cannot be compared (the message names the horizon and the problem)."""


@dataclass(frozen=True, slots=True)
class Accuracy:
    wape: float
    bias: float
    share_off_10pct: float


@dataclass(frozen=True, slots=True)
class ForecastValueAdded:
    horizon: str
    periods_scored: int
    periods_left_out: int
    committed: Accuracy
    baseline: Accuracy
    value_added: float
    relative_value_added: float
    verdict: Verdict

    def explanation(self) -> str:
        direction = {"client_better": "better than", "baseline_better": "worse than", "equal": "as good as"}
        return (f"{self.horizon}: the committed forecast (WAPE {self.committed.wape:.1%}) was "
                f"{direction[self.verdict]} the statistical baseline (WAPE {self.baseline.wape:.1%}) "
                f"by {abs(self.value_added) * 100:.1f} points over {self.periods_scored} periods")


def _accuracy(actual: FloatArray, forecast: FloatArray) -> Accuracy:
    return Accuracy(wape(actual, forecast), bias(actual, forecast), share_off(actual, forecast))


def forecast_value_added(actual: FloatArray, committed: FloatArray, baseline: FloatArray, *, horizon: str,
                         tolerance: float = 0.0) -> ForecastValueAdded:
    """Score ``committed`` against ``baseline`` on the periods of ``actual`` (same shape; NaN = missing).

    ``tolerance`` (WAPE points) is the margin within which both are called ``equal``.
    """
    y, c, b = (np.asarray(a, dtype=float) for a in (actual, committed, baseline))
    if not (y.shape == c.shape == b.shape):
        raise ValueAddedError(f"[fva_shape_mismatch] {horizon}: actual {y.shape}, committed {c.shape}, "
                              f"baseline {b.shape}; expected the same periods")
    both = np.isfinite(y) & np.isfinite(c) & np.isfinite(b)
    if not both.any() or y[both].sum() <= 0:
        raise ValueAddedError(f"[fva_no_common_period] {horizon}: no period with an actual volume above 0, "
                              "a commitment and a baseline")
    mine, theirs = _accuracy(y[both], c[both]), _accuracy(y[both], b[both])
    gain = theirs.wape - mine.wape
    verdict: Verdict = "equal" if abs(gain) <= tolerance else ("client_better" if gain > 0 else "baseline_better")
    relative = 1.0 - mine.wape / theirs.wape if theirs.wape > 0 else 0.0
    return ForecastValueAdded(horizon, int(both.sum()), int(both.size - both.sum()), mine, theirs, gain,
                              relative, verdict)


def value_added_by_horizon(actual: FloatArray, committed: Mapping[str, FloatArray],
                           baseline: Mapping[str, FloatArray], *, tolerance: float = 0.0) -> list[ForecastValueAdded]:
    """One :class:`ForecastValueAdded` per horizon the client committed to (same baseline horizon)."""
    missing = sorted(set(committed) - set(baseline))
    if missing:
        raise ValueAddedError(f"[fva_missing_baseline] no baseline for horizon(s) {', '.join(missing)}")
    return [forecast_value_added(actual, committed[h], baseline[h], horizon=h, tolerance=tolerance) for h in committed]
