"""Many contract-months settled at once, in parallel processes.

Settlement is not distributed row by row: each contract-month is one pure call of
:func:`~charte.settle.engine.settle` on a few thousand interval rows (tens of milliseconds),
whose result must be byte-identical wherever it runs. What scales is the number of
contract-months — a provider settles each of its contracts every month, a trade body may replay
hundreds — so they are spread over worker processes, one contract-month per task, each settled
exactly as alone (the same function, the same inputs; nothing shared between tasks). A month
that cannot be settled comes back with its problems, never as a partial result, and never stops
the others.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from charte.domain.calendar import Month
from charte.domain.contract import Contract
from charte.settle.engine import Settlement, settle
from charte.settle.facts import Facts, Problem, SettlementError


@dataclass(frozen=True)
class MonthJob:
    """One contract-month to settle."""

    contract: Contract
    period: Month
    facts: Facts


@dataclass(frozen=True)
class MonthOutcome:
    """The settlement of one job, or the problems that prevented it (then ``settlement`` is None)."""

    contract: str
    period: Month
    settlement: Settlement | None
    problems: tuple[Problem, ...] = ()


def settle_one(job: MonthJob) -> MonthOutcome:
    """:func:`settle` of one job, its refusal kept as a value (an exception would stop the batch)."""
    try:
        return MonthOutcome(job.contract.id, job.period, settle(job.contract, job.period, job.facts))
    except SettlementError as exc:
        return MonthOutcome(job.contract.id, job.period, None, exc.problems)


def settle_all(jobs: Sequence[MonthJob], processes: int | None = None) -> list[MonthOutcome]:
    """Every job settled, in the order given, by ``processes`` worker processes (default: one per CPU).

    With one process the jobs run here, one after the other. Workers are started by a fork
    server (a clean process, not a copy of this one's threads) and take jobs in small chunks.
    """
    processes = processes or os.cpu_count() or 1
    if processes < 1:
        raise ValueError(f"processes is {processes}; expected 1 or more")
    if processes == 1 or len(jobs) <= 1:
        return [settle_one(job) for job in jobs]
    chunk = max(1, len(jobs) // (processes * 8))
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        return list(pool.map(settle_one, jobs, chunksize=chunk))
