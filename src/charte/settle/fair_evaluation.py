"""Axis 2 of the SP2C charter (2019): what the staffing the forecast called for could achieve, per interval.

In an interval out of the forecast band (:mod:`charte.settle.band`), fair evaluation holds
the provider to what ``n`` agents could achieve under the **real** load. How ``n`` is found is
the contract's **planning model** (``forecasts.fair_evaluation``,
:class:`charte.domain.contract.FairEvaluation`):

* ``erlang_c`` — the smallest ``n`` meeting the activity's service-level target for the
  forecast volume and AHT, Erlang C (:func:`charte.workforce.required_agents` without
  patience); achievable under the real load with Erlang C;
* ``erlang_a`` — the same with Erlang A and a mean patience: the contract's, or measured on
  the month (Σ waits of all callers ÷ abandons, the maximum-likelihood estimate under
  exponential patience; :data:`DEFAULT_PATIENCE_SECONDS` when the month has no abandon);
* ``declared_staffing`` — ``n`` = the agents the provider declared per interval ahead of time
  (the staffing facts); achievable with Erlang A and the patience as above.

No clause: ``erlang_a`` with measured patience, stated on each result as the default. The
forecast per interval is the clause's ``horizon``, else the interval band's, else the finest
horizon per interval (:func:`charte.domain.contract.settlement_rules.staffing_horizon`).
The real load uses the actual AHT when the band's horizon commits the client to handle time,
else the forecast AHT. The staffing target is the activity's service-level commitment
(:data:`DEFAULT_STAFFING_TARGET` when it has none, stated).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from charte.domain.contract import Contract
from charte.domain.contract.settlement_rules import INTERVAL_METRICS, staffing_horizon
from charte.settle.band import BandCheck, band_check
from charte.settle.facts import Facts, IntervalBlock, Problem
from charte.settle.forecast_accuracy import align
from charte.workforce import QueueMetrics, erlang_a_metrics, required_agents

#: Mean patience used when the month's facts do not allow measuring it (stated in each result).
DEFAULT_PATIENCE_SECONDS = 180
#: Service-level target used to size "the staffing the forecast called for" when the activity has none.
DEFAULT_STAFFING_TARGET = (Decimal("0.80"), 20)


@dataclass(frozen=True)
class Planning:
    """The planning model applied, as shown on each fairly evaluated result."""

    model: str
    stated: bool                       # the contract states it (False: the default)
    patience: float | None             # seconds; None for Erlang C
    patience_source: str               # contract | measured | default | none
    horizon: str | None                # forecast the staffing is sized on (Erlang models)

    def figures(self) -> dict[str, Any]:
        return {"model": self.model, "stated_in_contract": self.stated,
                "patience_seconds": None if self.patience is None else f"{self.patience:.3f}",
                "patience_source": self.patience_source, "staffing_horizon": self.horizon}


@dataclass
class FairContext:
    """What band-based evaluation needs per activity, computed once: band positions, planning, Erlang results."""

    band: BandCheck
    planning: Planning
    forecast: np.ndarray | None        # per interval: forecast volume the staffing is sized on (Erlang models)
    forecast_aht: np.ndarray | None
    declared: np.ndarray | None        # per interval: agents declared (declared_staffing)
    rows: np.ndarray                   # out-of-band intervals with arrivals
    agents: np.ndarray | None = None
    achievable: dict[str, np.ndarray] | None = None

    @property
    def position(self) -> np.ndarray:
        return self.band.position


def _patience(contract: Contract, block: IntervalBlock, keep: np.ndarray) -> tuple[float | None, str]:
    clause = contract.forecasts.fair_evaluation if contract.forecasts else None
    if clause is not None and clause.model == "erlang_c":
        return None, "none"
    if clause is not None and clause.patience is not None:
        return float(clause.patience), "contract"
    c, s = block.counts, block.seconds
    waits = float((s["wait_seconds_answered"] + s["wait_seconds_abandoned"])[keep].sum())
    abandons = int(c["abandoned"][keep].sum())
    if abandons > 0 and waits > 0:
        return round(waits / abandons, 3), "measured"
    return float(DEFAULT_PATIENCE_SECONDS), "default"


def _declared(block: IntervalBlock, facts: Facts, rows: np.ndarray, problems: list[Problem]) -> np.ndarray | None:
    staffing = facts.staffing_of(block.activity)
    where = f"staffing ({block.activity})"
    if staffing is None:
        problems.append(Problem("missing_staffing", where,
                                "fair evaluation with model declared_staffing needs the staffing the provider declared "
                                f"for `{block.activity}`; none was given"))
        return None
    agents = np.full(len(block), np.nan)
    pos = np.searchsorted(staffing.start, block.start)
    found = (pos < staffing.start.size) & (staffing.start[np.minimum(pos, staffing.start.size - 1)] == block.start)
    agents[found] = staffing.planned_agents[pos[found]] * staffing.minutes / block.minutes
    missing = rows[np.isnan(agents[rows])]
    if missing.size:
        problems.append(Problem("staffing_gap", where,
                                f"{missing.size} interval(s) out of the band have no declared staffing (first at epoch "
                                f"{int(block.start[missing[0]])} s); expected the agents declared for each"))
        return None
    return agents


def fair_context(contract: Contract, block: IntervalBlock, facts: Facts, keep: np.ndarray,
                 problems: list[Problem], *, fair: bool) -> FairContext | None:
    """The band check and, for fair evaluation, the planning model's inputs (module docstring)."""
    if contract.forecasts is None:
        problems.append(Problem("missing_forecast_clause", "forecasts",
                                "band neutralisation and fair evaluation need the forecasts clause and its band"))
        return None
    band = band_check(contract, block, facts.forecast)
    if band is None:
        return None  # a forecast the band needs is missing: reported by the forecast selection
    clause = contract.forecasts.fair_evaluation
    model = clause.model if clause is not None else "erlang_a"
    rows = np.flatnonzero((band.position != 0) & (block.counts["offered"] > 0))
    patience, source = _patience(contract, block, keep)
    horizon = staffing_horizon(contract.forecasts)
    planning = Planning(model, clause is not None, patience, source, horizon.name if horizon else None)
    forecast = forecast_aht = declared = None
    if not fair:
        return FairContext(band, planning, forecast, forecast_aht, declared, rows)
    series = facts.forecast(block.activity, horizon.name) if horizon is not None else None
    aligned = align(block, series) if series is not None else None
    if model == "declared_staffing":
        declared = _declared(block, facts, rows, problems)
        if declared is None:
            return None
        shown = aligned.volume if aligned is not None else np.zeros(len(block))  # shown beside the agents
        return FairContext(band, planning, shown, None, declared, rows)
    if aligned is None:
        if rows.size:
            problems.append(Problem("fair_evaluation_needs_interval_forecast", f"forecasts ({block.activity})",
                                    "fair evaluation sizes the staffing the forecast called for per interval; no "
                                    f"forecast of `{block.activity}` per interval at or below its "
                                    f"{block.minutes}-minute intervals"))
            return None
        forecast, forecast_aht = np.zeros(len(block)), np.zeros(len(block))
    else:
        forecast, forecast_aht = aligned.volume, aligned.aht_seconds
    return FairContext(band, planning, forecast, forecast_aht, declared, rows)


def _inputs(contract: Contract, block: IntervalBlock, ctx: FairContext) -> dict[str, np.ndarray]:
    """Queue-model inputs for the out-of-band intervals with arrivals (``ctx.rows``), as flat arrays."""
    rows = ctx.rows
    sl = next((c for c in contract.commitments_for(block.activity) if c.metric == "service_level"), None)
    target, seconds = (sl.target, sl.threshold_seconds) if sl is not None else DEFAULT_STAFFING_TARGET
    short = (sl.short_abandon_seconds or 0) if sl is not None else 0
    period = block.minutes * 60.0
    handled = block.counts["handled"][rows].astype(np.float64)
    actual_aht = np.divide(block.seconds["handle_seconds"][rows], handled, out=np.zeros(rows.size), where=handled > 0)
    forecast = ctx.forecast[rows] if ctx.forecast is not None else np.zeros(rows.size)
    f_aht = ctx.forecast_aht[rows] if ctx.forecast_aht is not None else np.zeros(rows.size)
    f_aht = np.where(f_aht > 0, f_aht, np.where(actual_aht > 0, actual_aht, 300.0))
    assert contract.forecasts is not None
    commits_aht = contract.forecasts.reference_horizon.covers == "volume_and_handle_time"
    real_aht = np.where((actual_aht > 0) & commits_aht, actual_aht, f_aht)
    ones = np.ones(rows.size)
    patience = ctx.planning.patience if ctx.planning.patience is not None else np.inf
    declared = ctx.declared[rows] if ctx.declared is not None else np.full(rows.size, np.nan)
    return {
        "calls": forecast, "period": period * ones, "f_aht": f_aht, "real_aht": real_aht,
        "load": block.counts["offered"][rows] * real_aht / period, "target": min(float(target), 0.999) * ones,
        "seconds": float(seconds) * ones, "patience": patience * ones, "short": float(short) * ones,
        "declared": declared,
    }


def erlang_batch(items: list[tuple[IntervalBlock, FairContext]], contract: Contract) -> None:
    """Agents (sized or declared) and what they achieve under the real load, for every activity at once.

    One vectorised call to :func:`charte.workforce.required_agents` and one to
    :func:`charte.workforce.erlang_a_metrics` (Erlang C where patience is infinite) for the contract.
    """
    parts = [_inputs(contract, block, ctx) for block, ctx in items]
    if not parts:
        return
    x = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    declared = ~np.isnan(x["declared"])
    agents = np.where(declared, np.nan_to_num(x["declared"]), 0.0)
    size = (~declared & (x["calls"] > 0))
    if size.any():
        patience = x["patience"][size]
        agents[size] = required_agents(x["calls"][size], x["period"][size], x["f_aht"][size],
                                       sl_target=x["target"][size], sl_seconds=x["seconds"][size],
                                       patience_seconds=None if np.isinf(patience).all() else patience)
    metrics = erlang_a_metrics(x["load"], agents, x["real_aht"], x["patience"], x["seconds"],
                               convention="excluding_short_abandons", short_abandon_seconds=x["short"])
    achievable = {metric: _achievable(metric, metrics) for metric in INTERVAL_METRICS}
    start = 0
    for (_, ctx), part in zip(items, parts, strict=True):
        end = start + part["calls"].size
        ctx.agents = agents[start:end]
        ctx.achievable = {metric: values[start:end] for metric, values in achievable.items()}
        start = end


def _achievable(metric: str, metrics: QueueMetrics) -> np.ndarray:
    if metric == "service_level":
        return np.asarray(metrics.service_level)
    if metric == "answer_rate":
        return 1.0 - np.asarray(metrics.abandonment)
    if metric == "abandonment":
        return np.asarray(metrics.abandonment)
    return np.nan_to_num(np.asarray(metrics.asa_seconds), nan=1e9)
