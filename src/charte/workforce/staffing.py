"""Staffing: the fewest agents per interval that meet the service commitments together.

For each interval the offered load is a = calls × AHT / period. Every target used here is
monotone in the number of agents n (more agents never lower the service level nor raise
ASA, abandonment or occupancy), so the smallest n meeting all targets is the largest of the
smallest n meeting each, found by a vectorised search:

* Erlang C service level (no abandonment): start at ⌊a⌋+1 (below it the queue has no steady
  state) with one exact Erlang B, then climb with the stable recurrence
  B(n+1) = a·B(n)/(n+1+a·B(n)) — a handful of array operations per agent added;
* anything else (Erlang A, ASA, abandonment, occupancy caps): gallop from the Erlang C answer
  (or ⌈a⌉), then bisect. With abandonment modelled the answer may be below the load: callers
  who hang up free the agents (the caller is not served, the target says whether that is fine).

0 calls need 0 agents. A target of 0 is met by 0 agents. Fractional agents (``fractional=True``)
give the smallest real n, to 1e-9 agent, through the continuous Erlang extension.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from charte.workforce.abandonment import (
    erlang_a_abandonment_unchecked,
    erlang_a_service_level_unchecked,
)
from charte.workforce.erlang import _broadcast, erlang_c_from_b, log_erlang_b_unchecked
from charte.workforce.validation import (
    FloatArray,
    IntArray,
    WorkforceInputError,
    fraction,
    non_negative,
    positive,
)

Meets = Callable[[FloatArray, NDArray[np.intp]], NDArray[np.bool_]]


@dataclass(frozen=True)
class StaffingTargets:
    """Commitments to meet together; ``None`` leaves a target out.

    ``service_levels``: pairs (share, seconds), e.g. ((0.8, 20), (0.95, 60)) — answered within
    the seconds over offered; ``max_asa_seconds``: mean wait of every offered caller;
    ``max_abandonment``: share of offered callers who hang up (Erlang A only);
    ``max_occupancy``: carried load over agents, a cap protecting agents (SP2C axis 4).
    """

    service_levels: tuple[tuple[float, float], ...] = ()
    max_asa_seconds: float | None = None
    max_abandonment: float | None = None
    max_occupancy: float | None = None

    def __post_init__(self) -> None:
        for share, seconds in self.service_levels:
            fraction(share, "service_levels", allow_one=False)
            non_negative(seconds, "service_levels")
        if self.max_asa_seconds is not None:
            non_negative(self.max_asa_seconds, "max_asa_seconds")
        if self.max_abandonment is not None:
            fraction(self.max_abandonment, "max_abandonment", allow_zero=False)
        if self.max_occupancy is not None:
            fraction(self.max_occupancy, "max_occupancy", allow_zero=False)
        if not (self.service_levels or self.max_asa_seconds is not None or self.max_abandonment is not None
                or self.max_occupancy is not None):
            raise WorkforceInputError("no_target", "targets", "must name at least one target")


def required_agents(
    calls: ArrayLike,
    period_seconds: ArrayLike,
    aht_seconds: ArrayLike,
    *,
    sl_target: ArrayLike,
    sl_seconds: ArrayLike,
    patience_seconds: ArrayLike | None = None,
) -> IntArray:
    """Smallest whole number of agents per interval with service level ≥ ``sl_target``.

    Service level = answered within ``sl_seconds`` ÷ offered; Erlang C when
    ``patience_seconds`` is None (or ``inf`` for an element), exact Erlang A otherwise.
    ``sl_target`` is a share below 1 (0.8 for 80 %): 100 % within t is unreachable.
    """
    shape, (a, h, t, target, p) = _staffing_inputs(calls, period_seconds, aht_seconds, patience_seconds,
                                                    sl_target, sl_seconds)
    result = _erlang_c_agents(a, h, t, target)
    finite = np.isfinite(p)
    if finite.any():
        meets = _service_level_meets(a, h, p, t, target)
        idx = np.flatnonzero(finite)
        result[idx] = _search(meets, idx, result[idx].astype(np.float64), np.zeros(idx.size))
    return result.reshape(shape)


def _staffing_inputs(
    calls: ArrayLike, period_seconds: ArrayLike, aht_seconds: ArrayLike, patience_seconds: ArrayLike | None,
    sl_target: ArrayLike, sl_seconds: ArrayLike,
) -> tuple[tuple[int, ...], list[FloatArray]]:
    c = non_negative(calls, "calls")
    period = positive(period_seconds, "period_seconds")
    h = positive(aht_seconds, "aht_seconds")
    p = np.inf if patience_seconds is None else positive(patience_seconds, "patience_seconds", allow_inf=True)
    target = fraction(sl_target, "sl_target", allow_one=False)
    t = non_negative(sl_seconds, "sl_seconds")
    shape, (c, period, h, p, target, t) = _broadcast(c, period, h, np.asarray(p, dtype=np.float64), target, t)
    return shape, [c * h / period, h, t, target, p]


def _erlang_c_agents(a: FloatArray, h: FloatArray, t: FloatArray, target: FloatArray) -> IntArray:
    """Erlang C staffing by the upward Erlang B recurrence from ⌊a⌋+1 (see module docstring)."""
    result = np.zeros(a.shape, dtype=np.int64)
    idx = np.flatnonzero((a > 0) & (target > 0))
    if idx.size == 0:
        return result
    aa, hh, tt, goal = a[idx], h[idx], t[idx], target[idx]
    n = np.floor(aa) + 1.0
    b = np.exp(log_erlang_b_unchecked(n, aa))
    while idx.size:
        gap = n - aa
        c = n * b / (gap + aa * b)
        met = 1.0 - c * np.exp(-gap * tt / hh) >= goal
        if met.any():
            result[idx[met]] = n[met].astype(np.int64)
            keep = ~met
            idx, aa, hh, tt, goal, n, b = idx[keep], aa[keep], hh[keep], tt[keep], goal[keep], n[keep], b[keep]
        b = aa * b / (n + 1.0 + aa * b)
        n = n + 1.0
    return result


def _service_level_meets(a: FloatArray, h: FloatArray, p: FloatArray, t: FloatArray, target: FloatArray) -> Meets:
    def meets(n: FloatArray, idx: NDArray[np.intp]) -> NDArray[np.bool_]:
        return erlang_a_service_level_unchecked(a[idx], n, h[idx], p[idx], t[idx]) >= target[idx]

    return meets


def _search(meets: Meets, idx: NDArray[np.intp], start: FloatArray, floor: FloatArray) -> IntArray:
    """Smallest whole n ≥ ``floor`` with ``meets`` true, for a predicate monotone in n.

    Gallop from ``start`` (up while failing, then down while meeting, doubling the step),
    then bisect the bracket. Each round evaluates the predicate only where still unsettled.
    """
    start = np.maximum(start, floor)
    ok = meets(start, idx)
    lo = np.where(ok, floor, start + 1.0)  # smallest candidate still possible
    hi = np.where(ok, start, np.inf)  # a value known to meet
    step = np.ones(idx.size)
    climbing = ~ok
    while climbing.any():
        where = np.flatnonzero(climbing)
        probe = lo[where] + step[where] - 1.0
        good = meets(probe, idx[where])
        hi[where[good]] = probe[good]
        lo[where[~good]] = probe[~good] + 1.0
        step[where] *= 2.0
        climbing[where[good]] = False
    step[:] = 1.0
    descending = lo < hi
    while (lo < hi).any():
        where = np.flatnonzero(lo < hi)
        gallop = descending[where]
        probe = np.where(gallop, np.maximum(hi[where] - step[where], lo[where]), np.floor((lo[where] + hi[where]) / 2))
        good = meets(probe, idx[where])
        hi[where[good]] = probe[good]
        lo[where[~good]] = probe[~good] + 1.0
        descending[where[~good]] = False
        step[where] *= 2.0
    return hi.astype(np.int64)
