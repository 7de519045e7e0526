"""Axis 2 of the SP2C charter (2019): each service commitment measured with its formula, evaluated fairly.

Interval metrics are ratios of sums over the intervals of the month, numerator ÷ denominator:

* service level: answered within T ÷ (offered − short abandons) (``abandons: excluded``: ÷ handled);
* answer rate: handled ÷ (offered − short abandons);
* abandonment (at most): (abandoned − short abandons) ÷ (offered − short abandons);
* ASA (at most, seconds): Σ wait of answered ÷ handled.

Intervals touched by an excluded incident (a client-side incident when the commitment
excludes ``client_incidents``; ``force_majeure``; the kinds the bonus/malus clause excludes)
are set aside first. Then, by the commitment's ``evaluation``:

* ``raw`` — the ratio over the remaining intervals;
* ``band_neutralised`` — intervals whose offered volume left the band around their forecast
  (f × (1 − under) ≤ offered ≤ f × (1 + over)) are set aside too;
* ``fair`` — in each interval out of the band, the provider is held to what the staffing the
  forecast called for could achieve under the real load: ``n`` = required agents for the
  forecast volume and AHT at the activity's service-level target (Erlang A,
  :func:`charte.workforce.required_agents`), ``achievable`` = the metric of Erlang A with ``n``
  agents, the real offered volume and patience (:func:`charte.workforce.erlang_a_metrics`).
  When ``achievable`` is worse than the target, the provider is credited the gap:
  ``credit = (target − achievable) × denominator``, at most what lifts the interval to the
  target: reaching ``achievable`` counts as meeting the target, falling short of it still
  counts against the provider, and the client's forecast miss never earns a bonus.
  Out-of-band intervals where the target was achievable are judged as measured.

Forecast per interval: the finest horizon with a forecast (a day forecast is spread over its
intervals in proportion to arrivals, :func:`charte.settle.forecast_accuracy.align`); the
band's ``checked_per`` governs the minimum billing, the service evaluation is per interval.
The real load uses the actual AHT when the horizon commits the client to handle time, else
the forecast AHT. Patience: Σ waits of all callers ÷ abandons over the month (the maximum-
likelihood estimate under exponential patience), else :data:`DEFAULT_PATIENCE_SECONDS`.
Results are kept to the millionth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from charte.domain.contract import Contract, Evaluation, Exclusion
from charte.settle.facts import Facts, Incident, IntervalBlock, Problem, instant
from charte.settle.forecast_accuracy import AlignedForecast, align, band_position
from charte.settle.period import GRANULARITY_ORDER
from charte.workforce import QueueMetrics, erlang_a_metrics, required_agents

#: Mean patience used when the month's facts do not allow measuring it (stated in each result).
DEFAULT_PATIENCE_SECONDS = 180
#: Service-level target used to size "the staffing the forecast called for" when the activity has none.
DEFAULT_STAFFING_TARGET = (Decimal("0.80"), 20)
INTERVAL_METRICS = ("service_level", "answer_rate", "abandonment", "asa")
MILLIONTH = Decimal("0.000001")


def _q(x: Decimal) -> Decimal:
    return x.quantize(MILLIONTH)


@dataclass(frozen=True)
class AdjustedInterval:
    """An interval out of the band and what fair evaluation made of it."""

    start: str
    offered: int
    forecast: Decimal
    band: str                   # "over" or "under"
    agents_for_forecast: int
    achievable: Decimal
    measured: Decimal | None
    credit: Decimal             # contacts (seconds for ASA) credited to the provider

    def as_dict(self) -> dict[str, Any]:
        return {k: (format(v, "f") if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class ServiceResult:
    """One commitment's month: measured, target, the intervals set aside or adjusted and why."""

    commitment: str
    activity: str
    metric: str
    formula: str
    target: Decimal
    direction: str
    evaluation: str
    status: str                             # "measured" or "not_measured"
    raw: Decimal | None = None
    band_neutralised: Decimal | None = None
    fair: Decimal | None = None
    intervals: int = 0
    excluded: tuple[str, ...] = ()           # incident descriptions set aside
    excluded_intervals: int = 0
    out_of_band_intervals: int = 0
    adjusted: tuple[AdjustedInterval, ...] = ()
    horizon: str | None = None
    patience_seconds: Decimal | None = None
    patience_source: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def result(self) -> Decimal | None:
        """The value the commitment is judged on: per its evaluation mode."""
        chosen = {"raw": self.raw, "band_neutralised": self.band_neutralised, "fair": self.fair}[self.evaluation]
        return chosen if chosen is not None else self.raw

    @property
    def met(self) -> bool | None:
        if self.result is None:
            return None
        return self.result >= self.target if self.direction == "at_least" else self.result <= self.target

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if isinstance(value, Decimal):
                out[key] = format(value, "f")
            elif key == "adjusted":
                out[key] = [a.as_dict() for a in value]
            elif isinstance(value, tuple):
                out[key] = list(value)
            else:
                out[key] = value
        out["result"] = None if self.result is None else format(self.result, "f")
        out["met"] = self.met
        return out


def _incident_mask(block: IntervalBlock, incidents: list[Incident]) -> np.ndarray:
    mask = np.zeros(len(block), dtype=bool)
    end = block.start + block.minutes * 60
    for incident in incidents:
        mask |= (block.start < int(incident.end.timestamp())) & (end > int(incident.start.timestamp()))
    return mask


def _excluded_incidents(contract: Contract, commitment: Any, facts: Facts) -> list[Incident]:
    kinds = set(contract.bonus_malus.excluded_incidents) if contract.bonus_malus else set()
    if Exclusion.FORCE_MAJEURE in commitment.exclusions:
        kinds.add("force_majeure")
    client = Exclusion.CLIENT_INCIDENTS in commitment.exclusions
    return [i for i in facts.incidents
            if i.activity == commitment.activity and (i.kind in kinds or (client and i.side == "client"))]


def _ratio_parts(commitment: Any, block: IntervalBlock,
                 problems: list[Problem]) -> tuple[np.ndarray, np.ndarray] | None:
    c = block.counts
    short = c["short_abandoned"] if commitment.short_abandon_seconds else np.zeros(len(block), np.int64)
    offered = (c["offered"] - short).astype(np.float64)
    if commitment.metric == "service_level":
        column = block.answered_within.get(commitment.threshold_seconds)
        if column is None:
            problems.append(Problem("missing_column", f"interval report ({block.activity})",
                                    f"`answered_within_{commitment.threshold_seconds}s` is missing; commitment "
                                    f"`{commitment.id}` counts contacts answered within "
                                    f"{commitment.threshold_seconds} s"))
            return None
        den = c["handled"].astype(np.float64) if commitment.abandons == "excluded" else offered
        return column.astype(np.float64), den
    if commitment.metric == "answer_rate":
        return c["handled"].astype(np.float64), offered
    if commitment.metric == "abandonment":
        return (c["abandoned"] - short).astype(np.float64), offered
    return block.seconds["wait_seconds_answered"], c["handled"].astype(np.float64)


def _ratio(num: np.ndarray, den: np.ndarray, keep: np.ndarray) -> Decimal | None:
    d = float(den[keep].sum())
    if d <= 0:
        return None
    return _q(Decimal(f"{float(num[keep].sum()):.6f}") / Decimal(f"{d:.6f}"))


@dataclass
class FairContext:
    """What fair evaluation needs per activity, computed once: forecast per interval, band, Erlang A."""

    aligned: AlignedForecast
    position: np.ndarray
    patience: float
    patience_source: str
    agents: np.ndarray | None = None
    metrics: QueueMetrics | None = None


def interval_forecast(contract: Contract, block: IntervalBlock, facts: Facts) -> AlignedForecast | None:
    """The finest horizon's forecast for the block's intervals (``None`` when no horizon has one)."""
    assert contract.forecasts is not None
    horizons = sorted(contract.forecasts.horizons, key=lambda h: GRANULARITY_ORDER.index(h.granularity))
    for horizon in horizons:
        series = facts.forecast(block.activity, horizon.name)
        if series is not None and series.volume_milli.size:
            return align(block, series)
    return None


def fair_context(contract: Contract, block: IntervalBlock, facts: Facts, keep: np.ndarray,
                 problems: list[Problem]) -> FairContext | None:
    if contract.forecasts is None:
        problems.append(Problem("missing_forecast_clause", "forecasts",
                                "band neutralisation and fair evaluation need the forecasts clause and its band"))
        return None
    aligned = interval_forecast(contract, block, facts)
    if aligned is None:
        problems.append(Problem("missing_forecast", f"forecasts ({block.activity})",
                                f"no forecast of any horizon ({', '.join(h.name for h in contract.forecasts.horizons)})"
                                f" for `{block.activity}` in the period; the band cannot be checked"))
        return None
    position = band_position(block.counts["offered"].astype(np.float64), aligned.volume, contract.forecasts.band)
    c, s = block.counts, block.seconds
    waits = float((s["wait_seconds_answered"] + s["wait_seconds_abandoned"])[keep].sum())
    abandons = int(c["abandoned"][keep].sum())
    if abandons > 0 and waits > 0:
        patience, source = waits / abandons, "measured"
    else:
        patience, source = float(DEFAULT_PATIENCE_SECONDS), "default"
    return FairContext(aligned, position, round(patience, 3), source)


def _erlang(contract: Contract, block: IntervalBlock, ctx: FairContext, rows: np.ndarray) -> None:
    """Agents for the forecast and Erlang A under the real load, for the out-of-band intervals ``rows``."""
    sl = next((c for c in contract.commitments_for(block.activity) if c.metric == "service_level"), None)
    target, seconds = (sl.target, sl.threshold_seconds) if sl is not None else DEFAULT_STAFFING_TARGET
    period = block.minutes * 60.0
    handled = block.counts["handled"][rows].astype(np.float64)
    actual_aht = np.divide(block.seconds["handle_seconds"][rows], handled, out=np.zeros(rows.size), where=handled > 0)
    f_aht = ctx.aligned.aht_seconds[rows]
    f_aht = np.where(f_aht > 0, f_aht, np.where(actual_aht > 0, actual_aht, 300.0))
    assert contract.forecasts is not None
    commits_aht = contract.forecasts.reference_horizon.covers == "volume_and_handle_time"
    real_aht = np.where((actual_aht > 0) & commits_aht, actual_aht, f_aht)
    agents = np.zeros(rows.size, np.int64)
    busy = ctx.aligned.volume[rows] > 0
    if busy.any():
        agents[busy] = required_agents(ctx.aligned.volume[rows][busy], period, f_aht[busy],
                                       sl_target=min(float(target), 0.999), sl_seconds=float(seconds),
                                       patience_seconds=ctx.patience)
    short = sl.short_abandon_seconds if sl is not None else None
    load = block.counts["offered"][rows] * real_aht / period
    ctx.agents = agents
    ctx.metrics = erlang_a_metrics(
        load, agents, real_aht, ctx.patience, float(seconds),
        convention="excluding_short_abandons" if short else "offered", short_abandon_seconds=short)


def _achievable(metric: str, metrics: QueueMetrics) -> np.ndarray:
    if metric == "service_level":
        return np.asarray(metrics.service_level)
    if metric == "answer_rate":
        return 1.0 - np.asarray(metrics.abandonment)
    if metric == "abandonment":
        return np.asarray(metrics.abandonment)
    return np.nan_to_num(np.asarray(metrics.asa_seconds), nan=1e9)


def interval_result(contract: Contract, commitment: Any, block: IntervalBlock, facts: Facts,
                    cache: dict[str, FairContext | None], problems: list[Problem]) -> ServiceResult | None:
    """One interval-measured commitment over the month (rules in the module docstring)."""
    parts = _ratio_parts(commitment, block, problems)
    if parts is None:
        return None
    num, den = parts
    incidents = _excluded_incidents(contract, commitment, facts)
    excluded = _incident_mask(block, incidents)
    keep = ~excluded
    evaluation = Evaluation(commitment.evaluation)
    if Exclusion.OUT_OF_BAND_PERIODS in commitment.exclusions and evaluation == Evaluation.RAW:
        evaluation = Evaluation.BAND_NEUTRALISED
    base = {
        "commitment": commitment.id, "activity": block.activity, "metric": commitment.metric,
        "formula": commitment.formula,
        "target": Decimal(commitment.target), "direction": commitment.direction, "evaluation": str(evaluation),
        "status": "measured", "raw": _ratio(num, den, keep), "intervals": int((den > 0).sum()),
        "excluded": tuple(f"{i.kind} ({i.side}) {i.start:%Y-%m-%d %H:%M}–{i.end:%H:%M} UTC" for i in incidents),
        "excluded_intervals": int((excluded & (den > 0)).sum()),
        "notes": (f"window {commitment.window}: evaluated over the month",) if commitment.window != "month" else (),
    }
    if evaluation == Evaluation.RAW:
        return ServiceResult(**base)
    if block.activity not in cache:
        cache[block.activity] = fair_context(contract, block, facts, keep, problems)
    ctx = cache[block.activity]
    if ctx is None:
        return None
    out = keep & (ctx.position != 0) & (den > 0)
    base.update(horizon=ctx.aligned.horizon, out_of_band_intervals=int(out.sum()),
                band_neutralised=_ratio(num, den, keep & (ctx.position == 0)))
    if evaluation == Evaluation.BAND_NEUTRALISED:
        return ServiceResult(**base)
    rows_all = np.flatnonzero((ctx.position != 0) & (den > 0))
    if ctx.metrics is None:
        _erlang(contract, block, ctx, rows_all)
    assert ctx.metrics is not None and ctx.agents is not None
    achievable = _achievable(commitment.metric, ctx.metrics)
    target = float(commitment.target)
    rows_index = {int(r): k for k, r in enumerate(rows_all)}
    credit_total = 0.0
    adjusted = []
    for r in np.flatnonzero(out):
        k = rows_index[int(r)]
        gap = (target - achievable[k]) if commitment.direction == "at_least" else (achievable[k] - target)
        if gap <= 0:
            continue
        room = target * den[r] - num[r] if commitment.direction == "at_least" else num[r] - target * den[r]
        credit = float(min(gap * den[r], max(room, 0.0)))
        credit_total += credit
        adjusted.append(AdjustedInterval(
            start=f"{instant(block.start[r]):%Y-%m-%dT%H:%MZ}", offered=int(block.counts["offered"][r]),
            forecast=Decimal(f"{ctx.aligned.volume[r]:.2f}"), band="over" if ctx.position[r] > 0 else "under",
            agents_for_forecast=int(ctx.agents[k]), achievable=Decimal(f"{achievable[k]:.6f}"),
            measured=Decimal(f"{num[r] / den[r]:.6f}"), credit=Decimal(f"{credit:.3f}")))
    sign = 1.0 if commitment.direction == "at_least" else -1.0
    fair_num_total = float(num[keep].sum()) + sign * credit_total
    d = float(den[keep].sum())
    fair = _q(Decimal(f"{fair_num_total:.6f}") / Decimal(f"{d:.6f}")) if d > 0 else None
    base.update(fair=fair, adjusted=tuple(adjusted), patience_seconds=Decimal(f"{ctx.patience:.3f}"),
                patience_source=ctx.patience_source)
    return ServiceResult(**base)


def kpi_result(commitment: Any, facts: Facts) -> ServiceResult:
    """A commitment measured outside interval reports: its value comes from the facts' KPIs, evaluated raw."""
    kpi = facts.kpi(commitment.activity, commitment.id)
    target = Decimal(commitment.target)
    notes = () if commitment.evaluation == Evaluation.RAW else (
        f"{commitment.evaluation} evaluation needs interval facts; {commitment.metric} is evaluated raw",)
    if kpi is None:
        return ServiceResult(commitment.id, commitment.activity, commitment.metric, commitment.formula, target,
                             commitment.direction, "raw", "not_measured",
                             notes=(*notes, "no measured value in the facts: no bonus or malus"))
    return ServiceResult(commitment.id, commitment.activity, commitment.metric, commitment.formula, target,
                         commitment.direction, "raw", "measured", raw=_q(kpi.value), notes=notes)


def service_results(contract: Contract, facts: Facts, problems: list[Problem]) -> list[ServiceResult]:
    """Every service commitment's month, in the contract's order."""
    cache: dict[str, FairContext | None] = {}
    results = []
    for commitment in contract.service_commitments:
        if commitment.metric in INTERVAL_METRICS:
            block = facts.intervals_of(commitment.activity)
            if block is None:
                problems.append(Problem("missing_intervals", f"service_commitments[{commitment.id}]",
                                        f"no interval report for `{commitment.activity}`; expected its intervals "
                                        f"to measure {commitment.metric}"))
                continue
            result = interval_result(contract, commitment, block, facts, cache, problems)
            if result is not None:
                results.append(result)
        else:
            results.append(kpi_result(commitment, facts))
    return results
