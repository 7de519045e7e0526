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

from charte.workforce.abandonment import erlang_a_metrics, erlang_a_service_level_unchecked
from charte.workforce.erlang import QueueMetrics, _broadcast, log_erlang_b_unchecked, offered_load
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
    ``max_occupancy``: carried load over agents, a cap protecting agents (SP2C axis 4);
    ``max_wait_probability``: share of offered callers who wait at all, P(wait) (Erlang C's
    "probability of delay", a target some contracts state instead of a service level).
    """

    service_levels: tuple[tuple[float, float], ...] = ()
    max_asa_seconds: float | None = None
    max_abandonment: float | None = None
    max_occupancy: float | None = None
    max_wait_probability: float | None = None

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
        if self.max_wait_probability is not None:
            fraction(self.max_wait_probability, "max_wait_probability", allow_zero=False)
        if not (self.service_levels or self.max_asa_seconds is not None or self.max_abandonment is not None
                or self.max_occupancy is not None or self.max_wait_probability is not None):
            raise WorkforceInputError("no_target", "targets", "must name at least one target")

    def checks(self) -> tuple[TargetCheck, ...]:
        """Every target as a named check, in the order they were stated."""
        out = [TargetCheck(f"service_level_{seconds:g}s", "service_level", share, seconds, at_least=True)
               for share, seconds in self.service_levels]
        caps = (("asa", "mean_wait_seconds", self.max_asa_seconds),
                ("abandonment", "abandonment", self.max_abandonment), ("occupancy", "occupancy", self.max_occupancy),
                ("wait_probability", "probability_of_waiting", self.max_wait_probability))
        out.extend(TargetCheck(name, figure, bound, 0.0, at_least=False) for name, figure, bound in caps
                   if bound is not None)
        return tuple(out)


@dataclass(frozen=True)
class TargetCheck:
    """One target: the queue figure it bounds, the bound, and its direction.

    ``name`` is stable (``service_level_20s``, ``asa``, ``abandonment``, ``occupancy``,
    ``wait_probability``); ``seconds`` is the service-level threshold (0 for the caps).
    """

    name: str
    figure: str
    bound: float
    seconds: float
    at_least: bool

    def achieved(self, a: FloatArray, n: FloatArray, h: FloatArray, p: FloatArray) -> FloatArray:
        """The figure this target bounds, for ``n`` agents."""
        t = np.full(np.shape(a), self.seconds, dtype=np.float64)
        return np.asarray(getattr(erlang_a_metrics(a, n, h, p, t), self.figure), dtype=np.float64)

    def met(self, value: FloatArray) -> NDArray[np.bool_]:
        return np.asarray(value >= self.bound if self.at_least else value <= self.bound, dtype=np.bool_)


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
    idx = np.flatnonzero(np.isfinite(p) & (a > 0) & (target > 0))
    if idx.size:

        def level(n: FloatArray, where: NDArray[np.intp]) -> FloatArray:
            return _logit(erlang_a_service_level_unchecked(a[where], n, h[where], p[where], t[where]))

        result[idx] = _interpolation_search(level, _logit(target), idx, result[idx].astype(np.float64))
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


def _logit(share: FloatArray) -> FloatArray:
    """log(p/(1−p)): the service-level curve is S-shaped in n, nearly straight in logit."""
    clipped = np.clip(share, 1e-300, 1.0 - 1e-16)
    return np.asarray(np.log(clipped) - np.log1p(-clipped), dtype=np.float64)


def _interpolation_search(
    level: Callable[[FloatArray, NDArray[np.intp]], FloatArray], target: FloatArray, idx: NDArray[np.intp],
    start: FloatArray,
) -> IntArray:
    """Smallest whole n with ``level(n) ≥ target`` for a level increasing in n.

    From ``start`` (climbing by doubling steps while it fails), step down by secant
    extrapolation along the meeting side (first probe: one agent less) until a probe fails;
    then shrink the bracket (lo fails, hi meets) by regula falsi on the integers with the
    Illinois safeguard (an end kept twice has its gap halved). The service-level curve is
    smooth and concave near usual targets, so a few evaluations settle an interval.
    """
    goal = target[idx]
    hi = start.copy()
    f_hi = level(hi, idx) - goal
    lo = np.full(idx.size, -1.0)  # -1: no failing point known yet
    f_lo = np.zeros(idx.size)
    step = np.maximum(hi, 1.0)
    while (f_hi < 0).any():
        up = np.flatnonzero(f_hi < 0)
        lo[up], f_lo[up] = hi[up], f_hi[up]
        hi[up] = hi[up] + step[up]
        step[up] *= 2.0
        f_hi[up] = level(hi[up], idx[up]) - goal[up]
    slope = np.zeros(idx.size)  # level gained per agent near hi, 0 while unknown
    kept = np.zeros(idx.size, dtype=np.int8)  # +1: hi kept last round, -1: lo kept
    while True:
        open_ = np.flatnonzero((hi - lo > 1.0) & (hi > 0))
        if open_.size == 0:
            return hi.astype(np.int64)
        low, high, fl, fh, sl = lo[open_], hi[open_], f_lo[open_], f_hi[open_], slope[open_]
        fl_w = np.where(kept[open_] == -1, fl / 2.0, fl)
        fh_w = np.where(kept[open_] == 1, fh / 2.0, fh)
        with np.errstate(divide="ignore", invalid="ignore"):
            inside = low + (high - low) * (-fl_w) / (fh_w - fl_w)
            outside = np.where(sl > 0, high - fh / sl, high - 1.0)
        probe = np.where(low < 0, np.floor(outside), np.ceil(inside))
        probe = np.where(np.isnan(probe), high - 1.0, probe)
        probe = np.clip(probe, np.maximum(low + 1.0, 0.0), high - 1.0)
        value = level(probe, idx[open_]) - goal[open_]
        good = value >= 0
        gi, bi = open_[good], open_[~good]
        slope[gi] = (f_hi[gi] - value[good]) / (hi[gi] - probe[good])
        hi[gi], f_hi[gi] = probe[good], value[good]
        lo[bi], f_lo[bi] = probe[~good], value[~good]
        kept[open_] = np.where(good, -1, 1)


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


@dataclass(frozen=True)
class StaffingResult:
    """Agents per interval meeting every target, and the figures those agents give."""

    agents: FloatArray
    metrics: QueueMetrics


def staff_for_targets(
    calls: ArrayLike,
    period_seconds: ArrayLike,
    aht_seconds: ArrayLike,
    targets: StaffingTargets,
    *,
    patience_seconds: ArrayLike | None = None,
    fractional: bool = False,
) -> StaffingResult:
    """Fewest agents meeting all ``targets`` together, per interval (Erlang C or Erlang A).

    Each target is monotone in n, so the combined rule is too: gallop from the most
    demanding service-level answer, then bisect. Without abandonment (Erlang C) at least
    ⌊a⌋+1 agents are needed for any target (below, the queue grows without bound).
    ``fractional=True`` refines to the smallest real n (to 1e-9 agent), for summing
    queues before rounding; the figures are then those of the fractional staffing.
    """
    levels = targets.service_levels or ((0.0, 0.0),)
    shape, (a, h, t, _, p) = _staffing_inputs(calls, period_seconds, aht_seconds, patience_seconds,
                                                   levels[0][0], levels[0][1])
    period_flat = np.broadcast_to(np.asarray(period_seconds, dtype=np.float64), shape).ravel()
    calls_flat = a * period_flat / h
    start = np.zeros(a.size, dtype=np.int64)
    for target_share, seconds in levels:
        required = required_agents(calls_flat, period_flat, h, sl_target=target_share, sl_seconds=seconds,
                                   patience_seconds=p)
        start = np.maximum(start, required)
    floor = np.where(np.isinf(p) & (a > 0), np.floor(a) + 1.0, 0.0)

    def meets_all(n: FloatArray, where: NDArray[np.intp]) -> NDArray[np.bool_]:
        m = _figures(a[where], n, h[where], p[where], t[where])
        ok = n >= floor[where]
        for target_share, seconds in levels:
            level = m.service_level if seconds == levels[0][1] else _figures(
                a[where], n, h[where], p[where], np.full(where.size, seconds)).service_level
            ok &= level >= target_share
        if targets.max_asa_seconds is not None:
            ok &= m.mean_wait_seconds <= targets.max_asa_seconds
        if targets.max_abandonment is not None:
            ok &= m.abandonment <= targets.max_abandonment
        if targets.max_occupancy is not None:
            ok &= m.occupancy <= targets.max_occupancy
        if targets.max_wait_probability is not None:
            ok &= m.probability_of_waiting <= targets.max_wait_probability
        return np.asarray(ok | (a[where] == 0), dtype=np.bool_)

    idx = np.flatnonzero(a > 0)
    agents = np.zeros(a.size)
    if idx.size:
        whole = _search(meets_all, idx, start[idx].astype(np.float64), floor[idx]).astype(np.float64)
        agents[idx] = _refine_fraction(meets_all, idx, whole) if fractional else whole
    return StaffingResult(agents=agents.reshape(shape), metrics=_reshape(_figures(a, agents, h, p, t), shape))


@dataclass(frozen=True)
class TargetLevels:
    """Per target (:meth:`StaffingTargets.checks` order): the level the agents achieve, whether it
    is met, and whether it *sets* the staffing (one agent less — 1e-9 agent for fractional staffing —
    would miss it). ``stability`` marks intervals where Erlang C's stability floor (more agents
    than Erlangs) set the staffing rather than a target."""

    checks: tuple[TargetCheck, ...]
    achieved: tuple[FloatArray, ...]
    met: tuple[NDArray[np.bool_], ...]
    binding: tuple[NDArray[np.bool_], ...]
    stability: NDArray[np.bool_]


def target_levels(
    calls: ArrayLike,
    period_seconds: ArrayLike,
    aht_seconds: ArrayLike,
    targets: StaffingTargets,
    agents: ArrayLike,
    *,
    patience_seconds: ArrayLike | None = None,
    fractional: bool = False,
) -> TargetLevels:
    """What ``agents`` achieve against each target, and which target set the staffing."""
    a = offered_load(calls, period_seconds, aht_seconds)
    h = positive(aht_seconds, "aht_seconds")
    p = np.inf if patience_seconds is None else positive(patience_seconds, "patience_seconds", allow_inf=True)
    n = non_negative(agents, "agents")
    shape, (a, h, p, n) = _broadcast(a, h, np.asarray(p, dtype=np.float64), n)
    step = 1e-9 if fractional else 1.0
    fewer = np.maximum(n - step, 0.0)
    loaded = (a > 0) & (n > 0)
    checks = targets.checks()
    achieved, met, binding = [], [], []
    for check in checks:
        value = check.achieved(a, n, h, p)
        below = check.met(check.achieved(a, fewer, h, p))
        achieved.append(value.reshape(shape))
        met.append((check.met(value) | (a == 0)).reshape(shape))
        binding.append((loaded & ~below).reshape(shape))
    stability = np.isinf(p) & loaded & (fewer <= a)
    return TargetLevels(checks, tuple(achieved), tuple(met), tuple(binding), stability.reshape(shape))


def _figures(a: FloatArray, n: FloatArray, h: FloatArray, p: FloatArray, t: FloatArray) -> QueueMetrics:
    return erlang_a_metrics(a, n, h, p, t)


def _reshape(m: QueueMetrics, shape: tuple[int, ...]) -> QueueMetrics:
    return QueueMetrics(**{name: np.asarray(getattr(m, name)).reshape(shape) for name in m.__dataclass_fields__})


def _refine_fraction(meets: Meets, idx: NDArray[np.intp], whole: FloatArray) -> FloatArray:
    """Bisect (N−1, N] on real agents: 30 halvings of one agent leave < 1e-9."""
    lo = np.maximum(whole - 1.0, 0.0)
    hi = whole.copy()
    for _ in range(30):
        mid = (lo + hi) / 2.0
        ok = meets(mid, idx)
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    return hi


def scheduled_fte(agents: ArrayLike, shrinkage: ArrayLike) -> IntArray:
    """Agents to schedule so that ``agents`` are productive: ⌈agents / (1 − shrinkage)⌉.

    Shrinkage is the share of paid time not on the phone (breaks, training, absence;
    SP2C axis 4 prices it). A 1e-9 allowance keeps 14 / 0.7 at 20, not 21 (binary rounding).
    """
    n = non_negative(agents, "agents")
    share = fraction(shrinkage, "shrinkage", allow_one=False)
    return np.asarray(np.ceil(n / (1.0 - share) - 1e-9), dtype=np.int64)


def chat_required_agents(
    conversations: ArrayLike,
    period_seconds: ArrayLike,
    handle_seconds: ArrayLike,
    concurrency: int,
    *,
    sl_target: ArrayLike,
    sl_seconds: ArrayLike,
    patience_seconds: ArrayLike | None = None,
) -> IntArray:
    """Chat/messaging agents when each handles ``concurrency`` conversations at once.

    A stated approximation: each agent is taken as ``concurrency`` independent servers,
    ``handle_seconds`` being a conversation's duration *as handled concurrently* (measured,
    longer than when handled alone). Required servers come from Erlang C/A, agents are
    ⌈servers / concurrency⌉. It ignores that one agent's slots free together or not at all,
    so it is optimistic when conversations are long and few; validate with the simulator.
    """
    if isinstance(concurrency, bool) or not isinstance(concurrency, int | np.integer) or concurrency < 1:
        raise WorkforceInputError(
            "bad_concurrency", "concurrency", f"must be a whole number ≥ 1; found {concurrency!r}"
        )
    servers = required_agents(conversations, period_seconds, handle_seconds, sl_target=sl_target,
                              sl_seconds=sl_seconds, patience_seconds=patience_seconds)
    return np.asarray(-(-servers // int(concurrency)), dtype=np.int64)
