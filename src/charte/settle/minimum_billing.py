"""Axis 1 of the SP2C charter (2019): the minimum billed when volume falls below the band.

Over each period of the clause (``month`` or ``day``, local time), the actual contacts ``A``
(offered, or handled when the clause says ``triggered_on: handled``) are compared with the
forecast ``F`` of the clause's horizon (its ``horizon``, else the band's). When
``A < F × (1 − under)`` the client left the band by falling short, and the billed quantity
of that period is raised to the minimum. ``F`` and the basis are the **whole committed
forecast** of each period — every forecast row of the month, whether or not the
interval report has rows for it (an opening day without rows is a data gap, refused by
:mod:`charte.settle.coverage`; a day closed on the provider's side or by force majeure is
left out of ``F``, the basis and ``A``):

* basis, by ``rule``: ``forecast_volume`` — forecast contacts (in the pricing unit: contacts,
  or forecast contacts × forecast AHT in hours or minutes); ``forecast_workload`` — agent
  hours the forecast called for at the activity's service-level target (Erlang C per
  forecast interval, :func:`charte.workforce.required_agents`; needs an interval forecast and
  hourly pricing); ``staffed_hours_for_forecast`` — agent hours the provider planned for the
  forecast (every row of its staffing plan in the period);
* minimum = basis × ``floor`` (variant ``floor_of_forecast``; the law table's
  ``practice.minimum_billing_floor`` when absent) or basis × (1 − under) (``lower_band_edge``);
* top-up = Σ over periods below the band of max(0, minimum − billed quantity).

The top-up is its own line, priced as the difference between the amount of (billed + top-up)
and the amount billed, so a tiered price is respected (graduated: the bands after the billed
quantity; volume: the month re-priced in the band of billed + top-up); the line carries those
terms (``calc_terms``: sign, measured quantity, unit price) for its explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from charte.domain.contract import Activity, Contract, FixedMonthly
from charte.settle.amended_month import Segment
from charte.settle.billable import UNITS, Quantity, quantity_per_interval
from charte.settle.facts import Facts, ForecastSeries, IntervalBlock, Problem
from charte.settle.indexation import PriceRevision
from charte.settle.lines import Explanation, InvoiceLine, LineKind, draft
from charte.settle.period import day_number, finer, group_keys, local_day_numbers
from charte.settle.tiers import split
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
    days_excluded: tuple[str, ...] = ()
    triggered_on: str = "offered"
    billed_measured: Decimal = Decimal(0)     # billed quantity as measured (seconds, contacts)
    divisor: int = 1                          # measured unit per pricing unit (3,600 s per hour…)
    top_up_measured: Decimal = Decimal(0)


def _per_key(keys: np.ndarray, values: np.ndarray, uniq: np.ndarray) -> np.ndarray:
    return np.bincount(np.searchsorted(uniq, keys), weights=values, minlength=uniq.size).astype(np.float64)


def _basis_rows(contract: Contract, activity: Activity, series: ForecastSeries, facts: Facts, minutes: int,
                problems: list[Problem]) -> tuple[np.ndarray, np.ndarray] | None:
    """The basis of the minimum (rule of the clause) per row it rests on: (row instants, quantity per row)."""
    clause = contract.forecasts.minimum_billing if contract.forecasts else None
    assert clause is not None
    where = "forecasts.minimum_billing"
    per = activity.pricing.per
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
        return staffing.start, staffing.planned_agents * staffing.minutes / 60.0
    if clause.rule == "forecast_volume":
        factor = {"handled_contact": None, "productive_hour": 3600.0, "minute": 60.0}[per]
        volume = series.volume
        return series.period_start, (volume if factor is None else volume * series.aht_seconds / factor)
    if per != "productive_hour" or not series.granularity.endswith("min"):
        problems.append(Problem("minimum_rule_incompatible", where,
                                f"rule forecast_workload bills the agent hours an interval forecast calls for; "
                                f"`{activity.id}` is priced per {per} and its {series.horizon} forecast is per "
                                f"{series.granularity}"))
        return None
    sl = next((c for c in contract.commitments_for(activity.id) if c.metric == "service_level"), None)
    if sl is None:
        problems.append(Problem("missing_service_target", where,
                                f"rule forecast_workload needs a service-level commitment on `{activity.id}`"))
        return None
    step = int(series.granularity[:-3]) * 60
    busy = series.volume > 0
    agents = np.zeros(series.volume.size)
    if busy.any():
        agents[busy] = required_agents(series.volume[busy], float(step), series.aht_seconds[busy],
                                       sl_target=float(sl.target), sl_seconds=float(sl.threshold_seconds))
    return series.period_start, agents * step / 3600.0


def minimum_billing(contract: Contract, activity: Activity, block: IntervalBlock, facts: Facts,
                    billed: Quantity, problems: list[Problem],
                    excluded_days: frozenset[date] = frozenset()) -> MinimumCheck | None:
    """The minimum-billing check of one activity (rule in the module docstring); ``None`` when not applicable.

    ``excluded_days``: days closed on the provider's side or by force majeure
    (:mod:`charte.settle.coverage`), left out of the forecast, the basis and the actual volume.
    """
    forecasts = contract.forecasts
    if forecasts is None or forecasts.minimum_billing is None or isinstance(activity.pricing, FixedMonthly):
        return None
    clause = forecasts.minimum_billing
    horizon = clause.horizon or forecasts.band.horizon or forecasts.reference_horizon.name
    series = facts.forecast(activity.id, horizon)
    if series is None:
        return None  # reported by the forecast selection (missing_forecast)
    if finer(clause.period, series.granularity):
        problems.append(Problem("minimum_period_finer_than_forecast", "forecasts.minimum_billing.period",
                                f"the minimum is compared per {clause.period} but the {horizon} forecast is per "
                                f"{series.granularity}; expected a period of {series.granularity} or longer"))
        return None
    basis_rows = _basis_rows(contract, activity, series, facts, block.minutes, problems)
    if basis_rows is None:
        return None
    skip = {day_number(d) for d in excluded_days}

    def kept(start: np.ndarray) -> np.ndarray:
        return ~np.isin(local_day_numbers(start), list(skip)) if skip else np.ones(start.size, bool)

    f_keep, b_keep, i_keep = kept(series.period_start), kept(basis_rows[0]), kept(block.start)
    f_keys = group_keys(series.period_start[f_keep], clause.period, block.minutes)
    b_keys = group_keys(basis_rows[0][b_keep], clause.period, block.minutes)
    i_keys = group_keys(block.start[i_keep], clause.period, block.minutes)
    uniq = np.unique(np.concatenate([f_keys, b_keys, i_keys]))
    forecast = _per_key(f_keys, series.volume[f_keep], uniq)
    basis_g = _per_key(b_keys, basis_rows[1][b_keep], uniq)
    measured = block.counts[clause.triggered_on][i_keep]
    actual = _per_key(i_keys, measured.astype(np.float64), uniq)
    billed_g = _per_key(i_keys, quantity_per_interval(activity, block)[i_keep], uniq)
    under = actual < forecast * (1 - float(forecasts.band.under)) - 1e-9
    floor = clause.floor if clause.floor is not None else contract.law_value(
        "practice.minimum_billing_floor", contract.term.start)
    share = floor if clause.variant == "floor_of_forecast" else 1 - forecasts.band.under
    top_up = Decimal(0)
    minimum_total = Decimal(0)
    for g in np.flatnonzero(under):
        minimum_g = _decimal(float(basis_g[g])) * share
        minimum_total += minimum_g
        top_up += max(Decimal(0), minimum_g - _decimal(float(billed_g[g])))
    top_up_measured = top_up * billed.divisor
    if clause.period == "month" and under.any() and not skip:  # the month: the exact billed quantity
        top_up_measured = max(Decimal(0), _decimal(float(basis_g[0])) * share * billed.divisor - billed.measured)
        top_up = top_up_measured / billed.divisor
    forecast_total = Decimal(int(series.volume_milli[f_keep].sum())) / 1000
    return MinimumCheck(horizon, clause.rule, clause.variant, share, clause.period, int(uniq.size),
                        int(under.sum()), forecast_total, int(measured.sum()),
                        _decimal(float(basis_g.sum())), minimum_total, billed.units, top_up,
                        tuple(sorted(d.isoformat() for d in excluded_days)), clause.triggered_on, billed.measured,
                        billed.divisor, top_up_measured)


def top_up_line(activity: Activity, check: MinimumCheck, revision: PriceRevision,
                priced_as_of: Segment | None = None) -> InvoiceLine | None:
    """The top-up line (``None`` when nothing is owed).

    In a month cut by an avenant, ``priced_as_of`` is the last segment: the top-up is priced at
    the unit price in force on the month's last day (:mod:`charte.settle.amended_month`).
    """
    if check.top_up <= 0:
        return None
    pricing = activity.pricing
    assert not isinstance(pricing, FixedMonthly)
    price = revision.unit_price
    if pricing.tiers is None and pricing.price is not None:
        terms = [(1, check.top_up_measured, price(pricing.price))]
    elif pricing.tiering == "graduated":  # the top-up fills the bands after the billed quantity
        terms = [(1, s.measured, price(s.base_price))
                 for s in split(pricing, check.top_up_measured, check.billed_measured, divisor=check.divisor)]
    else:  # volume tiers: the whole month moves to the band of (billed + top-up)
        after = split(pricing, check.billed_measured + check.top_up_measured, divisor=check.divisor)[0]
        before = split(pricing, check.billed_measured, divisor=check.divisor)[0]
        terms = [(1, after.measured, price(after.base_price)), (-1, before.measured, price(before.base_price))]
    value = sum((sign * measured * p / check.divisor for sign, measured, p in terms), Decimal(0))
    unit_price = value / check.top_up
    base = unit_price if not revision.indexed else value / revision.coefficient / check.top_up
    if pricing.tiers is None and pricing.price is not None:
        base, unit_price = pricing.price, price(pricing.price)
    figures = dict(check.__dict__.items())
    figures["indexation"] = revision.figures()
    figures["calc_terms"] = [[sign, measured, p] for sign, measured, p in terms]
    clause = "forecasts.minimum_billing"
    if priced_as_of is not None:
        figures["priced_as_of"] = priced_as_of.last.isoformat()
        figures["priced_by"] = priced_as_of.figures(0)["amendment"]
    return draft(LineKind.MINIMUM_BILLING, activity.id, clause,
                 f"Minimum billing — {activity.name or activity.id}", check.top_up, UNITS[pricing.per], base,
                 unit_price, value, Explanation("minimum_billing", figures))
