"""Discrete-event simulation of one FCFS queue served by a staffed team, with impatient callers.

Model (the M/G/n(t)+G queue, all randomness in the inputs):

* callers arrive at ``arrivals`` (seconds from an origin), each needing ``service`` seconds
  and willing to wait ``patience`` seconds (``inf``: never hangs up);
* from ``change_times[i]`` on, ``agent_counts[i]`` agents are on duty (0: closed);
* one first-come-first-served queue: a caller is answered at the first moment when the
  number of busy agents is below the scheduled count and every earlier caller still waiting
  has been answered or has left;
* a caller whose wait would exceed its patience abandons at ``arrival + patience``
  (a caller answered exactly at that instant counts as answered);
* when the scheduled count drops, busy agents finish their call (no preemption) and take no
  new caller until the number of busy agents is below the new count.

Because the queue is FCFS and agents are identical, callers can be settled one at a time in
arrival order: a caller's answer time depends only on the calls already answered before it,
so a single pass with a heap of call end times is exact (O(N log n) for N callers).
A caller with infinite patience who can never be answered (the schedule closes for good)
is reported unanswered with an infinite wait.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from charte.workforce.validation import FloatArray, IntArray, WorkforceInputError, as_float_array


@dataclass(frozen=True)
class QueueOutcome:
    """What happened to each caller, in the order of the inputs.

    ``wait``: seconds from arrival to answer, or to abandonment (``inf`` if never either);
    ``answered``: True when an agent took the call; ``answer_time``: seconds from the origin,
    NaN when abandoned; ``agent``: index of the agent who answered (0-based), -1 when abandoned.
    """

    wait: FloatArray
    answered: NDArray[np.bool_]
    answer_time: FloatArray
    agent: IntArray


def _check_callers(arrivals: ArrayLike, service: ArrayLike, patience: ArrayLike) -> tuple[FloatArray, ...]:
    arr = as_float_array(arrivals, "arrivals")
    srv = as_float_array(service, "service")
    pat = as_float_array(patience, "patience")
    for name, values in (("arrivals", arr), ("service", srv), ("patience", pat)):
        if values.ndim != 1:
            raise WorkforceInputError("not_one_dimensional", name, f"must be a 1-D array; found shape {values.shape}")
    if not (arr.shape == srv.shape == pat.shape):
        raise WorkforceInputError(
            "length_mismatch", "service",
            f"arrivals, service and patience must have one value per caller; found {arr.size}, {srv.size}, {pat.size}",
        )
    if not np.isfinite(arr).all():
        raise WorkforceInputError("infinite_value", "arrivals", "must be finite")
    if arr.size > 1 and (np.diff(arr) < 0).any():
        at = int(np.flatnonzero(np.diff(arr) < 0)[0]) + 1
        raise WorkforceInputError(
            "not_sorted", "arrivals", f"must be sorted ascending; position {at} goes back in time"
        )
    if ((srv <= 0) | ~np.isfinite(srv)).any():
        at = int(np.flatnonzero((srv <= 0) | ~np.isfinite(srv))[0])
        raise WorkforceInputError(
            "not_positive", "service", f"must be finite and more than 0; found {float(srv[at])!r} at position {at}"
        )
    if (pat < 0).any():
        at = int(np.flatnonzero(pat < 0)[0])
        raise WorkforceInputError(
            "negative_value", "patience", f"must be 0 or more; found {float(pat[at])!r} at position {at}"
        )
    return arr, srv, pat


def _check_schedule(
    change_times: ArrayLike, agent_counts: ArrayLike, first_arrival: float
) -> tuple[FloatArray, IntArray]:
    times = as_float_array(change_times, "change_times")
    counts_raw = as_float_array(agent_counts, "agent_counts")
    if times.ndim != 1 or times.size == 0 or times.shape != counts_raw.shape:
        raise WorkforceInputError(
            "length_mismatch", "agent_counts",
            f"needs one count per change time (at least one); found {counts_raw.size} counts for {times.size} times",
        )
    if not np.isfinite(times).all() or (times.size > 1 and (np.diff(times) < 0).any()):
        raise WorkforceInputError("not_sorted", "change_times", "must be finite and sorted ascending")
    if times[0] > first_arrival:
        raise WorkforceInputError(
            "schedule_starts_late", "change_times",
            f"must start at or before the first arrival {first_arrival!r}; found {times[0]!r}",
        )
    if (counts_raw < 0).any() or (counts_raw != np.floor(counts_raw)).any() or not np.isfinite(counts_raw).all():
        raise WorkforceInputError("not_whole_agents", "agent_counts", "must be whole numbers of agents, 0 or more")
    return times, counts_raw.astype(np.int64)


def simulate_queue(
    arrivals: ArrayLike,
    service: ArrayLike,
    patience: ArrayLike,
    change_times: ArrayLike,
    agent_counts: ArrayLike,
    *,
    seed_free: bool = True,
) -> QueueOutcome:
    """Run the FCFS queue of the module docstring and return each caller's fate.

    Deterministic: the same inputs give the same outcome (``seed_free`` states it: no random
    number is drawn here; draw arrivals, service and patience outside, from a seeded generator).
    Agents are numbered 0..max(agent_counts)-1; a caller takes the lowest-numbered free agent.
    """
    if not seed_free:
        raise WorkforceInputError("not_supported", "seed_free", "must be True: the simulator draws no random numbers")
    arr, srv, pat = _check_callers(arrivals, service, patience)
    size = arr.size
    if size == 0:
        empty = np.empty(0, dtype=np.float64)
        return QueueOutcome(empty, np.empty(0, dtype=np.bool_), empty.copy(), np.empty(0, dtype=np.int64))
    times, counts = _check_schedule(change_times, agent_counts, float(arr[0]))
    answer, agent = _settle_callers(arr.tolist(), srv.tolist(), pat.tolist(), times.tolist(), counts.tolist())
    answer_time = np.asarray(answer, dtype=np.float64)
    answered = ~np.isnan(answer_time)
    deadline = arr + pat
    wait = np.where(answered, answer_time - arr, deadline - arr)
    return QueueOutcome(
        wait=wait, answered=answered, answer_time=answer_time, agent=np.asarray(agent, dtype=np.int64)
    )


def _settle_callers(
    arrivals: list[float], service: list[float], patience: list[float], times: list[float], counts: list[int]
) -> tuple[list[float], list[int]]:
    """The single pass: ``clock`` never goes back, calls in progress sit in a heap of end times."""
    inf = math.inf
    nan = math.nan
    heappush, heappop = heapq.heappush, heapq.heappop
    in_service: list[tuple[float, int]] = []  # (end time, agent)
    free_agents: list[int] = list(range(max(counts) if counts else 0))
    last_change = len(times) - 1
    slot = 0  # index of the schedule step in force at ``clock``
    clock = -inf
    answer_time: list[float] = [nan] * len(arrivals)
    agent_of: list[int] = [-1] * len(arrivals)
    for i, arrival in enumerate(arrivals):
        deadline = arrival + patience[i]
        t = arrival if arrival > clock else clock
        while True:
            while slot < last_change and times[slot + 1] <= t:
                slot += 1
            while in_service and in_service[0][0] <= t:
                heappush(free_agents, heappop(in_service)[1])
            clock = t
            if len(in_service) < counts[slot]:
                if t <= deadline:
                    who = heappop(free_agents)
                    heappush(in_service, (t + service[i], who))
                    answer_time[i] = t
                    agent_of[i] = who
                break
            next_end = in_service[0][0] if in_service else inf
            next_change = times[slot + 1] if slot < last_change else inf
            t = next_end if next_end < next_change else next_change
            if t > deadline or t == inf:
                break
    return answer_time, agent_of
