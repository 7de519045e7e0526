"""Queue simulator benchmark: a month of ~150,000 callers on a half-hourly staffing schedule.

Arrivals follow a day curve (08:00–20:00, Monday–Saturday), AHT exponential with mean 240 s,
patience exponential with mean 120 s; the schedule is the Erlang A staffing of each
half hour (80/20). Prints the time taken and the simulated month's service level and
abandonment beside the Erlang A figures of the same schedule.

Run: .venv/bin/python benchmarks/workforce/bench_queue_simulation.py
"""

from __future__ import annotations

import time

import numpy as np

from charte.workforce import erlang_a_metrics, required_agents, simulate_queue


def main() -> None:
    rng = np.random.default_rng(7)
    half_hours = np.arange(30 * 48)
    hour = (half_hours % 48) / 2
    open_ = (hour >= 8) & (hour < 20) & ((half_hours // 48) % 7 != 6)
    day_curve = np.sqrt(np.clip(np.sin(np.pi * (hour - 8) / 12), 0.0, None))
    expected = np.where(open_, 360 * day_curve + 40, 0.0)
    counts = rng.poisson(expected)
    arrivals = np.sort(np.concatenate([
        start * 1800.0 + rng.uniform(0, 1800.0, k) for start, k in zip(half_hours, counts, strict=True) if k
    ]))
    service = rng.exponential(240.0, arrivals.size)
    patience = rng.exponential(120.0, arrivals.size)
    agents = required_agents(expected, 1800, 240, sl_target=0.8, sl_seconds=20, patience_seconds=120)
    start = time.perf_counter()
    out = simulate_queue(arrivals, service, patience, half_hours * 1800.0, agents)
    seconds = time.perf_counter() - start
    theory = erlang_a_metrics(expected * 240 / 1800, agents, 240, 120, 20)
    weight = expected / expected.sum()
    print(f"{arrivals.size:,} callers over 30 days simulated in {seconds:.2f} s "
          f"({arrivals.size / seconds:,.0f} callers/s)")
    print(f"service level 80/20: simulated {(out.answered & (out.wait <= 20)).mean():.4f}, "
          f"Erlang A per interval (weighted) {float((theory.service_level * weight).sum()):.4f}")
    print(f"abandonment: simulated {(~out.answered).mean():.4f}, "
          f"Erlang A (weighted) {float((theory.abandonment * weight).sum()):.4f}")


if __name__ == "__main__":
    main()
