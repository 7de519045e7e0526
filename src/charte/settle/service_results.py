"""Axis 2 of the SP2C charter (2019): each service commitment measured with its formula, evaluated fairly.

Interval metrics are ratios of sums over the intervals of the month, numerator ÷ denominator:

* service level: answered within T ÷ (offered − short abandons) (``abandons: excluded``: ÷ handled);
* answer rate: handled ÷ (offered − short abandons);
* abandonment (at most): (abandoned − short abandons) ÷ (offered − short abandons);
* ASA (at most, seconds): Σ wait of answered ÷ handled.

Intervals touched by an excluded incident (a client-side incident when the commitment
excludes ``client_incidents``; ``force_majeure``; the kinds the bonus/malus clause excludes),
and with ``outside_opening_hours`` the intervals not wholly inside the activity's opening
hours, are set aside first. Then, by the commitment's ``evaluation``:

* ``raw`` — the ratio over the remaining intervals;
* ``band_neutralised`` — intervals out of the band are set aside too. An interval is out of
  the band when the ``checked_per`` period holding it (the month, its day, or the interval)
  left the contract's band on the band's horizon, or — only when the contract states an
  ``interval_band`` — when it left that band on its own interval forecast
  (:mod:`charte.settle.band`);
* ``fair`` — in each interval out of the band, the provider is held to what the staffing the
  forecast called for could achieve under the real load: ``n`` agents by the contract's
  planning model (Erlang C, Erlang A with the contract's or the measured patience, or the
  staffing the provider declared: :mod:`charte.settle.fair_evaluation`), ``achievable`` = the
  metric of the queue model with ``n`` agents under the real offered volume. When
  ``achievable`` is worse than the target, the provider is credited the gap:
  ``credit = (target − achievable) × denominator``, at most what lifts the interval to the
  target: reaching ``achievable`` counts as meeting the target, falling short of it still
  counts against the provider, and the client's forecast miss never earns a bonus.
  Out-of-band intervals where the target was achievable are judged as measured.

Results are kept to the millionth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

import numpy as np

from charte.domain.contract import Contract, Evaluation, Exclusion
from charte.domain.contract.settlement_rules import INTERVAL_METRICS
from charte.settle.facts import Facts, Incident, IntervalBlock, Problem
from charte.settle.fair_evaluation import FairContext, erlang_batch, fair_context
from charte.settle.period import inside_opening_hours

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
    agents_for_forecast: int | Decimal
    achievable: Decimal
    measured: Decimal | None
    credit: Decimal             # contacts (seconds for ASA) credited to the provider

    def as_dict(self) -> dict[str, Any]:
        return {k: (format(v, "f") if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True, eq=False)
class AdjustedTable:
    """The adjusted intervals of one commitment, columnar (rows are built only when shown)."""

    start: np.ndarray
    offered: np.ndarray
    forecast: np.ndarray
    position: np.ndarray
    agents: np.ndarray
    achievable: np.ndarray
    measured: np.ndarray
    credit: np.ndarray

    def __len__(self) -> int:
        return int(self.start.size)

    def rows(self) -> tuple[AdjustedInterval, ...]:
        starts = np.datetime_as_string(self.start.astype("datetime64[s]"), unit="m")
        return tuple(
            AdjustedInterval(f"{starts[i]}Z", int(self.offered[i]), Decimal(f"{self.forecast[i]:.2f}"),
                             "over" if self.position[i] > 0 else "under", _agents(float(self.agents[i])),
                             Decimal(f"{self.achievable[i]:.6f}"), Decimal(f"{self.measured[i]:.6f}"),
                             Decimal(f"{self.credit[i]:.3f}"))
            for i in range(len(self)))


def _agents(value: float) -> int | Decimal:
    """Agents as a whole number when sized by Erlang, to the thousandth when declared fractional."""
    return int(value) if value == int(value) else Decimal(f"{value:.3f}")


def _empty_table() -> AdjustedTable:
    empty = np.zeros(0)
    return AdjustedTable(empty, empty, empty, empty, empty, empty, empty, empty)


@dataclass(frozen=True)
class ServiceResult:
    """One commitment's month: measured, target, the intervals set aside or adjusted and why."""

    commitment: str
    activity: str
    metric: str
    formula: str                            # the formula evaluated (formula book), in English …
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
    outside_hours_intervals: int = 0        # set aside: exclusion outside_opening_hours
    out_of_band_intervals: int = 0
    adjusted_table: AdjustedTable = field(default_factory=_empty_table, repr=False)
    horizon: str | None = None
    band: dict[str, Any] = field(default_factory=dict)
    planning: dict[str, Any] = field(default_factory=dict)
    patience_seconds: Decimal | None = None
    patience_source: str | None = None
    notes: tuple[str, ...] = field(default=())
    formula_fr: str = ""                    # … and in French

    @cached_property
    def adjusted(self) -> tuple[AdjustedInterval, ...]:
        """The intervals fair evaluation credited, one row each (start UTC, forecast, achievable, credit…)."""
        return self.adjusted_table.rows()

    @property
    def adjusted_count(self) -> int:
        return len(self.adjusted_table)

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
            if key in ("adjusted_table", "adjusted"):
                continue
            if isinstance(value, Decimal):
                out[key] = format(value, "f")
            elif isinstance(value, tuple):
                out[key] = list(value)
            else:
                out[key] = value
        out["adjusted"] = [a.as_dict() for a in self.adjusted]
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
    """Numerator and denominator per interval, evaluated from the commitment's formula in the formula book."""
    formula = commitment.kpi
    missing = sorted(f for f in formula.facts if not block.has(f))
    if missing:
        problems.append(Problem("missing_column", f"interval report ({block.activity})",
                                f"{', '.join(f'`{m}`' for m in missing)} missing; commitment `{commitment.id}` is "
                                f"measured as {formula.text('en')}"))
        return None
    num, den = formula.apply(lambda fact: block.column(fact).astype(np.float64))
    return num, den


def _ratio(num: np.ndarray, den: np.ndarray, keep: np.ndarray) -> Decimal | None:
    d = float(den[keep].sum())
    if d <= 0:
        return None
    return _q(Decimal(f"{float(num[keep].sum()):.6f}") / Decimal(f"{d:.6f}"))


def interval_result(contract: Contract, commitment: Any, block: IntervalBlock, facts: Facts,
                    cache: dict[str, FairContext | None], problems: list[Problem]) -> ServiceResult | None:
    """One interval-measured commitment over the month (rules in the module docstring)."""
    parts = _ratio_parts(commitment, block, problems)
    if parts is None:
        return None
    num, den = parts
    incidents = _excluded_incidents(contract, commitment, facts)
    excluded = _incident_mask(block, incidents)
    closed = np.zeros(len(block), dtype=bool)
    if Exclusion.OUTSIDE_OPENING_HOURS in commitment.exclusions:
        closed = ~inside_opening_hours(contract, contract.activity(block.activity), block.start, block.minutes)
    keep = ~(excluded | closed)
    evaluation = Evaluation(commitment.evaluation)
    if Exclusion.OUT_OF_BAND_PERIODS in commitment.exclusions and evaluation == Evaluation.RAW:
        evaluation = Evaluation.BAND_NEUTRALISED
    base = {
        "commitment": commitment.id, "activity": block.activity, "metric": commitment.metric,
        "formula": commitment.formula_text("en"), "formula_fr": commitment.formula_text("fr"),
        "target": Decimal(commitment.target), "direction": commitment.direction, "evaluation": str(evaluation),
        "status": "measured", "raw": _ratio(num, den, keep), "intervals": int((den > 0).sum()),
        "excluded": tuple(f"{i.kind} ({i.side}) {i.start:%Y-%m-%d %H:%M}–{i.end:%H:%M} UTC" for i in incidents),
        "excluded_intervals": int((excluded & (den > 0)).sum()),
        "outside_hours_intervals": int((closed & ~excluded & (den > 0)).sum()),
        "notes": (f"window {commitment.window}: evaluated over the month",) if commitment.window != "month" else (),
    }
    if evaluation == Evaluation.RAW:
        return ServiceResult(**base)
    if block.activity not in cache:
        cache[block.activity] = fair_context(contract, block, facts, keep, problems,
                                             fair=evaluation == Evaluation.FAIR)
    ctx = cache[block.activity]
    if ctx is None:
        return None
    out = keep & (ctx.position != 0) & (den > 0)
    base.update(horizon=ctx.band.horizon, out_of_band_intervals=int(out.sum()), band=ctx.band.figures(),
                band_neutralised=_ratio(num, den, keep & (ctx.position == 0)))
    if evaluation == Evaluation.BAND_NEUTRALISED:
        return ServiceResult(**base)
    if ctx.achievable is None:
        erlang_batch([(block, ctx)], contract)
    assert ctx.achievable is not None and ctx.agents is not None
    achievable = ctx.achievable[commitment.metric]
    rows_all = ctx.rows
    target = float(commitment.target)
    k = np.searchsorted(rows_all, np.flatnonzero(out))
    r = np.flatnonzero(out)
    ach = achievable[k]
    gap = (target - ach) if commitment.direction == "at_least" else (ach - target)
    room = (target * den[r] - num[r]) if commitment.direction == "at_least" else (num[r] - target * den[r])
    credit = np.minimum(gap * den[r], np.maximum(room, 0.0))
    credited = gap > 0
    credit = np.where(credited, credit, 0.0)
    credit_total = float(credit.sum())
    sign = 1.0 if commitment.direction == "at_least" else -1.0
    fair_num_total = float(num[keep].sum()) + sign * credit_total
    d = float(den[keep].sum())
    fair = _q(Decimal(f"{fair_num_total:.6f}") / Decimal(f"{d:.6f}")) if d > 0 else None
    c = credited
    assert ctx.forecast is not None
    table = AdjustedTable(block.start[r][c], block.counts["offered"][r][c], ctx.forecast[r][c],
                          ctx.position[r][c], ctx.agents[k][c], ach[c], (num[r] / den[r])[c], credit[c])
    base.update(fair=fair, adjusted_table=table, planning=ctx.planning.figures(),
                patience_seconds=(Decimal(f"{ctx.planning.patience:.3f}") if ctx.planning.patience is not None
                                  else None), patience_source=ctx.planning.patience_source)
    return ServiceResult(**base)


def kpi_result(commitment: Any, facts: Facts, problems: list[Problem]) -> ServiceResult:
    """A commitment measured outside interval reports: its value comes from the facts' KPIs, evaluated raw.

    A quality score rests on the monitoring the contract states: at least ``evaluations_per_agent``
    evaluations per monitored agent; a smaller sample is not a measure (no bonus or malus, noted).
    """
    kpi = facts.kpi(commitment.activity, commitment.id)
    target = Decimal(commitment.target)
    head = (commitment.id, commitment.activity, commitment.metric, commitment.formula, target,
            commitment.direction, "raw")
    fr = commitment.formula_text("fr")
    if kpi is None:
        return ServiceResult(*head, "not_measured", notes=("no measured value in the facts: no bonus or malus",),
                             formula_fr=fr)
    if commitment.metric == "quality_score":
        if kpi.sample is None or kpi.agents is None:
            problems.append(Problem("missing_quality_sample", f"kpis ({commitment.activity}, {commitment.id})",
                                    f"the quality score needs its sample: `sample` (evaluations) and `agents` "
                                    f"(agents monitored); the contract requires {commitment.evaluations_per_agent} "
                                    "evaluations per agent"))
            return ServiceResult(*head, "not_measured", formula_fr=fr)
        required = commitment.evaluations_per_agent * kpi.agents
        if kpi.sample < required:
            return ServiceResult(*head, "not_measured", formula_fr=fr, notes=(
                f"{kpi.sample} evaluations for {kpi.agents} agents, under the {required} the contract requires "
                f"({commitment.evaluations_per_agent} per agent): not a measure, no bonus or malus",))
    return ServiceResult(*head, "measured", raw=_q(kpi.value), formula_fr=fr)


def service_results(contract: Contract, facts: Facts, problems: list[Problem]) -> list[ServiceResult]:
    """Every service commitment's month, in the contract's order."""
    cache: dict[str, FairContext | None] = {}
    batch = []
    for commitment in contract.service_commitments:
        block = facts.intervals_of(commitment.activity)
        if (commitment.metric in INTERVAL_METRICS and commitment.evaluation == Evaluation.FAIR and block is not None
                and block.activity not in cache):
            keep = ~_incident_mask(block, _excluded_incidents(contract, commitment, facts))
            cache[block.activity] = ctx = fair_context(contract, block, facts, keep, problems, fair=True)
            if ctx is not None:
                batch.append((block, ctx))
    if not problems:
        erlang_batch(batch, contract)
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
            results.append(kpi_result(commitment, facts, problems))
    return results
