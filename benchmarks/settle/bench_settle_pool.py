"""1,000 contract-months settled one after the other, then by a process pool: the speed-up.

The month of ``bench_settle.py`` (10 activities at 30-minute intervals, fair evaluation, tiers,
minimum billing, bonus/malus, indexation), 20 fact sets with different seeds cycled over the
jobs. The baseline is measured in the same run: :func:`charte.settle.batch.settle_all` with one
process (the jobs settled here, in order); then with N worker processes. The pooled results
are checked equal to the sequential ones (inputs hash and totals of every month).

Run: .venv/bin/python benchmarks/settle/bench_settle_pool.py [--months 1000] [--processes 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_settle import MONTH, contract_text, facts_of, month_facts

from charte.io.contract_yaml import loads_contract
from charte.settle.batch import MonthJob, settle_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--months", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    contract = loads_contract(contract_text("fair"), "bench.yaml")
    sets = [facts_of(month_facts(seed)) for seed in range(20)]
    jobs = [MonthJob(contract, MONTH, sets[k % len(sets)]) for k in range(args.months)]
    t0 = time.perf_counter()
    alone = settle_all(jobs, processes=1)
    sequential = time.perf_counter() - t0
    t0 = time.perf_counter()
    pooled = settle_all(jobs, processes=args.processes)
    parallel = time.perf_counter() - t0
    same = all(a.settlement is not None and p.settlement is not None
               and a.settlement.inputs_sha256 == p.settlement.inputs_sha256
               and a.settlement.total_including_vat == p.settlement.total_including_vat
               for a, p in zip(alone, pooled, strict=True))
    load = os.getloadavg()[0]
    print(f"{args.months:,} contract-months, {os.cpu_count()} CPUs, load average {load:.1f}")
    print(f"one process (baseline): {sequential:.1f} s ({sequential / args.months * 1000:.1f} ms each)")
    print(f"{args.processes} worker processes: {parallel:.1f} s; speed-up {sequential / parallel:.2f}x; "
          f"results identical: {same}")


if __name__ == "__main__":
    main()
