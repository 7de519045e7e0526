"""Issue 20: many contract-months settled in worker processes give exactly what each gives alone."""

from __future__ import annotations

from decimal import Decimal

from tests.settle.scenarios import NOVEMBER, facts, row, sl_contract, w1

from charte.settle import settle
from charte.settle.batch import MonthJob, settle_all


def _job(volume: int, answered: int, hours: int) -> MonthJob:
    rows = [row("2026-11-02T09:00", volume, answered, productive_hours=Decimal(hours)),
            row("2026-11-02T09:30", volume, answered, productive_hours=Decimal(hours))]
    forecast = w1([("2026-11-02T09:00", volume), ("2026-11-02T09:30", volume)])
    return MonthJob(sl_contract("raw"), NOVEMBER, facts(rows, forecasts=[forecast]))


def test_a_process_pool_settles_each_month_exactly_as_alone() -> None:
    jobs = [_job(100 + 10 * k, 70 + 5 * k, 4 + k) for k in range(6)]
    # a month without facts for its activity cannot be settled: its problems come back, the others go on
    broken = MonthJob(jobs[0].contract, NOVEMBER, facts([row("2026-11-02T09:00", 10, 8)], activity="other"))
    jobs.insert(3, broken)
    pooled = settle_all(jobs, processes=2)
    assert [o.period for o in pooled] == [j.period for j in jobs]
    assert pooled[3].settlement is None and pooled[3].problems
    for job, outcome in zip(jobs, pooled, strict=True):
        if outcome.settlement is None:
            continue
        alone = settle(job.contract, job.period, job.facts)  # the reference: the same call, in this process
        assert outcome.settlement.inputs_sha256 == alone.inputs_sha256
        assert outcome.settlement.lines == alone.lines
        assert outcome.settlement.total_including_vat == alone.total_including_vat
    # different productive hours give different invoices: the pool did not hand one result to every job
    totals = {o.settlement.total_excluding_vat for o in pooled if o.settlement is not None}
    assert len(totals) == 6
