"""The staffing plan: forecast contacts → agents on the phones → agents to schedule → FTE.

For each interval (rows = days, columns = slots of ``minutes``):

1. **required agents** — the fewest agents reaching the service target (share answered
   within ``sl_seconds``) for the forecast calls and handle time, by Erlang A with the
   measured mean patience (Erlang C when patience is not given):
   :func:`charte.workforce.required_agents`;
2. **scheduled agents** — ``ceil(required / (1 − shrinkage))``: shrinkage is the share of
   paid time an agent is not available for calls (absence, training, coaching, breaks not
   in the shift plan — COPC / industry definition). Axis 4 of the 2019 charter prices
   productive hours with the same shrinkage;
3. **FTE** — scheduled agent-hours of a day divided by the hours of one full-time day
   (``hours_per_fte_week / working_days_per_week``; 35 h / 5 days by default, the French
   legal week, Code du travail L3121-27).

The plan exports one row per interval and one per day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from charte.workforce import required_agents

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


class StaffingPlanError(ValueError):
    """Staffing inputs a planner must correct (the message says what and where)."""


@dataclass(frozen=True, slots=True)
class StaffingTarget:
    aht_seconds: float
    sl_target: float
    sl_seconds: float
    patience_seconds: float | None = None
    shrinkage: float = 0.30
    hours_per_fte_week: float = 35.0
    working_days_per_week: int = 5

    def __post_init__(self) -> None:
        if not 0.0 <= self.shrinkage < 1.0:
            raise StaffingPlanError(f"[shrinkage_out_of_range] shrinkage is {self.shrinkage}; expected 0 ≤ s < 1")


@dataclass(frozen=True, slots=True)
class IntervalRow:
    day: date
    slot: int
    calls: float
    required_agents: int
    scheduled_agents: int


@dataclass(frozen=True, slots=True)
class DayRow:
    day: date
    calls: float
    required_agent_hours: float
    scheduled_agent_hours: float
    fte: float


@dataclass(frozen=True, slots=True)
class StaffingPlan:
    days: tuple[date, ...]
    minutes: int
    calls: FloatArray
    required: IntArray
    scheduled: IntArray
    target: StaffingTarget

    def per_interval(self) -> list[IntervalRow]:
        return [IntervalRow(d, s, float(self.calls[i, s]), int(self.required[i, s]), int(self.scheduled[i, s]))
                for i, d in enumerate(self.days) for s in range(self.calls.shape[1])]

    def per_day(self) -> list[DayRow]:
        hours = self.minutes / 60.0
        fte_day = self.target.hours_per_fte_week / self.target.working_days_per_week
        return [DayRow(d, float(self.calls[i].sum()), float(self.required[i].sum() * hours),
                       float(self.scheduled[i].sum() * hours), float(self.scheduled[i].sum() * hours / fte_day))
                for i, d in enumerate(self.days)]

    @property
    def fte(self) -> float:
        return sum(row.fte for row in self.per_day()) / self.target.working_days_per_week


def scheduled_agents(required: IntArray, shrinkage: float) -> IntArray:
    """``ceil(required / (1 − shrinkage))`` per interval (a tiny tolerance absorbs float noise)."""
    return np.ceil(np.asarray(required, dtype=float) / (1.0 - shrinkage) - 1e-9).astype(np.int64)


def staffing_plan(days: tuple[date, ...], calls: FloatArray, minutes: int, target: StaffingTarget) -> StaffingPlan:
    """The staffing plan of ``calls`` (days × slots forecast contacts) — module docstring."""
    c = np.asarray(calls, dtype=float)
    if c.ndim != 2 or c.shape[0] != len(days):
        raise StaffingPlanError(f"[calls_shape] calls shape {c.shape} does not match {len(days)} days × slots")
    if np.any(~np.isfinite(c)) or np.any(c < 0):
        raise StaffingPlanError("[negative_calls] forecast calls must be finite and 0 or more")
    needed = np.asarray(required_agents(c.ravel(), minutes * 60.0, target.aht_seconds, sl_target=target.sl_target,
                                        sl_seconds=target.sl_seconds, patience_seconds=target.patience_seconds),
                        dtype=np.int64).reshape(c.shape)
    return StaffingPlan(days, minutes, c, needed, scheduled_agents(needed, target.shrinkage), target)
