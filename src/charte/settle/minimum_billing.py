"""Axis 1 of the SP2C charter (2019): the minimum billed when volume falls below the band.

Over each period of the clause (``month``, ``week`` or ``day``, local time), actual offered
contacts ``A`` are compared with the forecast ``F`` of the clause's horizon (its ``horizon``,
else the band's). When ``A < F × (1 − under)`` the client left the band by falling short, and
the billed quantity of that period is raised to the minimum:

* basis, by ``rule``: ``forecast_volume`` — forecast contacts (in the pricing unit: contacts,
  or forecast contacts × forecast AHT in hours or minutes); ``forecast_workload`` — agent
  hours the forecast called for at the activity's service-level target (Erlang C per
  interval, :func:`charte.workforce.required_agents`); ``staffed_hours_for_forecast`` — agent
  hours the provider planned for the forecast (its staffing plan);
* minimum = basis × ``floor`` (variant ``floor_of_forecast``; the law table's
  ``practice.minimum_billing_floor`` when absent) or basis × (1 − under) (``lower_band_edge``);
* top-up = Σ over periods below the band of max(0, minimum − billed quantity).

The top-up is its own line, priced as the difference between the amount of (billed + top-up)
and the amount billed, so a tiered price is respected.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from charte.domain.contract import Activity, Contract, FixedMonthly
from charte.settle.billable import UNITS, quantity_per_interval
from charte.settle.facts import Facts, IntervalBlock, Problem
from charte.settle.forecast_accuracy import align
from charte.settle.indexation import PriceRevision
from charte.settle.lines import Explanation, InvoiceLine, LineKind, draft
from charte.settle.period import group_keys
from charte.settle.tiers import amount
from charte.workforce import required_agents


def _decimal(x: float, places: int = 3) -> Decimal:
    return Decimal(f"{x:.{places}f}")


@dataclass(frozen=True)
class MinimumCheck:
    """The periods checked and the top-up quantity (zero when every period stayed above the band)."""

    horizon: str
    rule: str
    variant: str
    floor: Decimal
    period: str
    periods: int
    periods_under: int
    forecast_volume: Decimal
    actual_volume: int
    basis: Decimal
    minimum: Decimal
    billed: Decimal
    top_up: Decimal


def _basis_per_interval(contract: Contract, activity: Activity, block: IntervalBlock, facts: Facts, horizon: str,
                        problems: list[Problem]) -> np.ndarray | None:
    clause = contract.forecasts.minimum_billing if contract.forecasts else None
    assert clause is not None
    where = "forecasts.minimum_billing"
    per = activity.pricing.per
    series = facts.forecast(activity.id, horizon)
    if clause.rule == "staffed_hours_for_forecast":
        staffing = facts.staffing_of(activity.id)
        if staffing is None:
            problems.append(Problem("missing_staffing", where,
                                    f"rule staffed_hours_for_forecast needs the provider's staffing plan for "
                                    f"`{activity.id}`; none was given"))
            return None
        if per != "productive_hour":
            problems.append(Problem("minimum_rule_incompatible", where,
                                    f"rule staffed_hours_for_forecast bills hours; `{activity.id}` is priced "
                                    f"per {per}"))
            return None
        hours = np.zeros(len(block))
        pos = np.searchsorted(block.start, staffing.start)
        ok = (pos < len(block)) & (block.start[np.minimum(pos, len(block) - 1)] == staffing.start)
        np.add.at(hours, pos[ok], staffing.planned_agents[ok] * staffing.minutes / 60.0)
        return hours
    if series is None:
        return None  # reported by the engine's forecast check
    aligned = align(block, series)
    if clause.rule == "forecast_volume":
        factor = {"handled_contact": None, "productive_hour": 3600.0, "minute": 60.0}[per]
        return aligned.volume if factor is None else aligned.volume * aligned.aht_seconds / factor
    if per != "productive_hour":
        problems.append(Problem("minimum_rule_incompatible", where,
                                f"rule forecast_workload bills hours; `{activity.id}` is priced per {per}"))
        return None
    sl = next((c for c in contract.commitments_for(activity.id) if c.metric == "service_level"), None)
    if sl is None:
        problems.append(Problem("missing_service_target", where,
                                f"rule forecast_workload needs a service-level commitment on `{activity.id}`"))
        return None
    busy = aligned.volume > 0
    agents = np.zeros(len(block))
    if busy.any():
        agents[busy] = required_agents(aligned.volume[busy], block.minutes * 60.0, aligned.aht_seconds[busy],
                                       sl_target=float(sl.target), sl_seconds=float(sl.threshold_seconds))
    return agents * block.minutes / 60.0


def minimum_billing(contract: Contract, activity: Activity, block: IntervalBlock, facts: Facts,
                    billed: Decimal, problems: list[Problem]) -> MinimumCheck | None:
    """The minimum-billing check of one activity (rule in the module docstring); ``None`` when not applicable."""
    forecasts = contract.forecasts
    if forecasts is None or forecasts.minimum_billing is None or isinstance(activity.pricing, FixedMonthly):
        return None
    clause = forecasts.minimum_billing
    horizon = clause.horizon or forecasts.band.horizon or forecasts.reference_horizon.name
    series = facts.forecast(activity.id, horizon)
    basis = _basis_per_interval(contract, activity, block, facts, horizon, problems)
    if series is None or basis is None:
        return None
    floor = clause.floor if clause.floor is not None else contract.law_value(
        "practice.minimum_billing_floor", contract.term.start)
    share = floor if clause.variant == "floor_of_forecast" else 1 - forecasts.band.under
    keys = group_keys(block.start, clause.period, block.minutes)
    uniq, position = np.unique(keys, return_inverse=True)
    actual = np.bincount(position, weights=block.counts["offered"].astype(np.float64), minlength=uniq.size)
    forecast = np.bincount(position, weights=align(block, series).volume, minlength=uniq.size)
    basis_g = np.bincount(position, weights=basis, minlength=uniq.size)
    billed_g = np.bincount(position, weights=quantity_per_interval(activity, block), minlength=uniq.size)
    under = actual < forecast * (1 - float(forecasts.band.under)) - 1e-9
    top_up = Decimal(0)
    minimum_total = Decimal(0)
    for g in np.flatnonzero(under):
        minimum_g = _decimal(float(basis_g[g])) * share
        minimum_total += minimum_g
        top_up += max(Decimal(0), minimum_g - _decimal(float(billed_g[g])))
    if len(uniq) == 1 and under.any():
        top_up = max(Decimal(0), _decimal(float(basis_g[0])) * share - billed)  # the month: exact billed quantity
    return MinimumCheck(horizon, clause.rule, clause.variant, share, clause.period, int(uniq.size),
                        int(under.sum()), series.total_volume, int(block.counts["offered"].sum()),
                        _decimal(float(basis.sum())), minimum_total, billed, top_up)


def top_up_line(activity: Activity, check: MinimumCheck, revision: PriceRevision) -> InvoiceLine | None:
    """The top-up line (``None`` when nothing is owed)."""
    if check.top_up <= 0:
        return None
    pricing = activity.pricing
    assert not isinstance(pricing, FixedMonthly)
    value = amount(pricing, check.billed + check.top_up, revision.coefficient) - amount(
        pricing, check.billed, revision.coefficient)
    base = value / revision.coefficient / check.top_up
    figures = dict(check.__dict__.items())
    figures["indexation"] = revision.figures()
    return draft(LineKind.MINIMUM_BILLING, activity.id, "forecasts.minimum_billing",
                 f"Minimum billing — {activity.name or activity.id}", check.top_up, UNITS[pricing.per], base,
                 value / check.top_up, value, Explanation("minimum_billing", figures))
