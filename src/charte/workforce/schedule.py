"""Shift scheduling: which shifts to staff so every interval is covered at least cost.

The classic set-covering model of Dantzig (1954, "A comment on Edie's traffic delays at toll
booths"), as used by workforce-management tools: given the agents required in each interval
``r_t`` (from Erlang staffing, after shrinkage) and a list of admissible shifts ``j`` (a day,
a start, a length, an unpaid break), choose integer counts ``x_j`` to

    minimise   Σ_j cost_j · x_j  +  penalty · Σ_t u_t
    subject to Σ_j a_tj · x_j + u_t ≥ r_t   for every interval t
               x_j ∈ ℕ,  u_t ≥ 0

where ``a_tj = 1`` when shift ``j`` has an agent present in interval ``t``. The slack ``u_t``
(priced far above any shift) keeps the problem feasible when the rules cannot cover a peak
(e.g. a cap on agents), and is reported as the under-covered intervals.

Solved as a mixed-integer program by HiGHS (``scipy.optimize.milp``). The LP relaxation
(same model, ``x_j ≥ 0`` real) is a lower bound on any schedule's cost; the report gives
the gap between the integer schedule and that bound.

Default shift rules (settings, not law): shifts of 4, 6, 7 or 8 hours inside the opening
window; a shift of more than 6 hours has one unpaid break of one interval, at least 2 hours
after its start and 2 hours before its end (Code du travail L3121-16: a 20-minute break once
daily work reaches 6 hours).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


class ScheduleError(ValueError):
    """Scheduling inputs that cannot be used (the message says what and where)."""


@dataclass(frozen=True, slots=True)
class ShiftRules:
    lengths_hours: tuple[float, ...] = (4.0, 6.0, 7.0, 8.0)
    break_above_hours: float = 6.0
    break_margin_hours: float = 2.0
    cost_per_paid_hour: float = 1.0
    max_agents_per_day: int | None = None


@dataclass(frozen=True, slots=True)
class Shift:
    """A shift on day ``day`` (row of the requirement), slots ``[start, start + length)``,
    absent during ``break_slot`` (absolute slot index, or ``None``)."""

    day: int
    start: int
    length: int
    break_slot: int | None

    def present(self) -> list[int]:
        return [s for s in range(self.start, self.start + self.length) if s != self.break_slot]

    @property
    def paid_slots(self) -> int:
        return self.length - (0 if self.break_slot is None else 1)


@dataclass(frozen=True, slots=True)
class Schedule:
    shifts: tuple[tuple[Shift, int], ...]
    coverage: IntArray
    under_covered: IntArray
    cost: float
    lp_bound: float
    gap: float
    seconds: float
    status: str

    @property
    def under_covered_intervals(self) -> list[tuple[int, int, int]]:
        """(day, slot, agents missing) for every interval the schedule does not cover."""
        return [(int(d), int(s), int(self.under_covered[d, s])) for d, s in np.argwhere(self.under_covered > 0)]


def shift_catalogue(days: int, slots: int, minutes: int, rules: ShiftRules = ShiftRules()) -> list[Shift]:
    """Every admissible shift of the week under ``rules``."""
    per_hour = 60 // minutes
    margin = round(rules.break_margin_hours * per_hour)
    shifts: list[Shift] = []
    for hours in rules.lengths_hours:
        length = round(hours * per_hour)
        if length > slots:
            continue
        for day in range(days):
            for start in range(slots - length + 1):
                if hours <= rules.break_above_hours:
                    shifts.append(Shift(day, start, length, None))
                    continue
                shifts.extend(Shift(day, start, length, start + k) for k in range(margin, length - margin))
    if not shifts:
        raise ScheduleError(f"[no_admissible_shift] no shift of {rules.lengths_hours} h fits a {slots}-slot day")
    return shifts


def _coverage_matrix(shifts: list[Shift], days: int, slots: int) -> FloatArray:
    A = np.zeros((days * slots, len(shifts)))
    for j, shift in enumerate(shifts):
        A[[shift.day * slots + s for s in shift.present()], j] = 1.0
    return A


def schedule_shifts(required: IntArray, minutes: int, rules: ShiftRules = ShiftRules(), *,
                    time_limit_seconds: float = 60.0, mip_rel_gap: float = 0.005) -> Schedule:
    """The least-cost shifts covering ``required`` (days × slots agents) — module docstring."""
    r = np.asarray(required, dtype=float)
    if r.ndim != 2 or np.any(r < 0):
        raise ScheduleError(f"[bad_requirement] requirement must be days × slots of agents ≥ 0, got shape {r.shape}")
    days, slots = r.shape
    shifts = shift_catalogue(days, slots, minutes, rules)
    A = _coverage_matrix(shifts, days, slots)
    hours = np.array([s.paid_slots * minutes / 60.0 for s in shifts]) * rules.cost_per_paid_hour
    penalty = 10.0 * float(hours.max()) + 1.0
    c = np.r_[hours, np.full(days * slots, penalty)]
    constraints = [LinearConstraint(np.hstack([A, np.eye(days * slots)]), lb=r.ravel(), ub=np.inf)]
    if rules.max_agents_per_day is not None:
        per_day = np.array([[1.0 if s.day == d else 0.0 for s in shifts] + [0.0] * (days * slots) for d in range(days)])
        constraints.append(LinearConstraint(per_day, lb=0, ub=rules.max_agents_per_day))
    integrality = np.r_[np.ones(len(shifts)), np.zeros(days * slots)]
    start = time.perf_counter()
    relaxed = milp(c, constraints=constraints, bounds=Bounds(0, np.inf))
    result = milp(c, constraints=constraints, integrality=integrality, bounds=Bounds(0, np.inf),
                  options={"time_limit": time_limit_seconds, "mip_rel_gap": mip_rel_gap})
    seconds = time.perf_counter() - start
    if result.x is None or relaxed.x is None:
        raise ScheduleError(f"[schedule_not_solved] HiGHS found no schedule: {result.message}")
    counts = np.round(result.x[: len(shifts)]).astype(np.int64)
    coverage = (A @ counts).reshape(days, slots).astype(np.int64)
    under = np.maximum(np.ceil(r - 1e-9).astype(np.int64) - coverage, 0)
    cost = float(hours @ counts + penalty * under.sum())
    bound = float(relaxed.fun)
    return Schedule(tuple((shifts[j], int(counts[j])) for j in np.flatnonzero(counts)), coverage, under, cost,
                    bound, (cost - bound) / bound if bound > 0 else 0.0, seconds, str(result.message))
