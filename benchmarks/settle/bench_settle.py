"""Settlement engine benchmark: one contract-month of 10 activities at 30-minute intervals, fair evaluation on.

The contract: 10 inbound voice activities priced per productive hour (price tiers on two of
them), a W-1 forecast per 30 minutes and an M-1 forecast per day, band ±10% checked per day on
the M-1 and an interval band on the W-1 (±10% or 2√f), minimum billing on staffed hours, an
80/20 service level with fair evaluation (Erlang A, measured patience) and an abandonment
commitment per activity, bonus/malus grids with caps, Syntec indexation revised once (2027-01-01). Facts: the
whole month of February 2027 (28 days × 24 half-hours open 08:00–20:00 = 672 intervals per
activity; closed half-hours are not given), Poisson volumes around the forecast (±8% noise) with
one flooded day (+35%) per activity, as a client mailing would.

Figures printed: the median time of one settle() (fair), wall and CPU (the CPU time of this
process holds on a shared machine), the same month evaluated raw (no Erlang A: the baseline
measured in the same run) and their ratio, and the wall and CPU time of 1,000 contract-months
(20 fact sets with different seeds, cycled; every call rebuilds the Facts so nothing is cached
between calls).

Run: .venv/bin/python benchmarks/settle/bench_settle.py [--months 1000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np

from charte.domain.calendar import Month
from charte.io.contract_yaml import loads_contract
from charte.settle import Facts, ForecastSeries, IndexValue, IntervalBlock, StaffingBlock, settle

ACTIVITIES = 10
MONTH = Month(2027, 2)


def contract_text(evaluation: str) -> str:
    activities, commitments, grids = [], [], []
    for i in range(ACTIVITIES):
        pricing = ('{per: productive_hour, tiers: [{from: 0, to: 2000, price: "29.00"}, {from: 2000, price: "27.50"}]}'
                   if i < 2 else '{per: productive_hour, price: "28.50"}')
        activities.append(f"""  - id: a{i}
    function: service
    channel: voice_inbound
    opening_hours: "Mo-Su 08:00-20:00"
    pricing: {pricing}
""")
        commitments.append(f"""  - {{id: sl{i}, activity: a{i}, metric: service_level, answered_within: 20s,
     short_abandon: 5s,
     target: 80%, exclusions: [client_incidents], evaluation: {evaluation}}}
  - {{id: ab{i}, activity: a{i}, metric: abandonment, target: 5%, evaluation: {evaluation}}}
""")
        grids.append(f"""    sl{i}: {{malus: {{per_point: 1%}}, bonus: {{per_point: 0.5%, above: 85%}},
           cap_malus: 5%, cap_bonus: 3%}}
    ab{i}: {{malus: {{per_point: 0.5%}}, bonus: {{per_point: 0.25%, above: 3%}}, cap_malus: 2%, cap_bonus: 1%}}
""")
    return f"""contract: bench
client: {{name: Client SA, siren: "123456782", siret: "12345678200010",
         address: {{street: "12 rue de la Lumière", postcode: "75011", city: Paris}},
         electronic_address: {{scheme: "0225", id: "123456782"}}}}
provider: {{name: Provider SAS, legal_form: SAS, share_capital: "250000", rcs_city: Amiens, siren: "987654324",
           siret: "98765432400019", address: {{street: "3 boulevard de Beauvillé", postcode: "80000", city: Amiens}},
           electronic_address: {{scheme: "0225", id: "987654324"}}, sites: [{{name: Amiens, country: FR, staff: 500}}]}}
term: {{start: 2026-01-01, end: 2028-12-31}}
payment_terms: {{days: 45}}
activities:
{"".join(activities)}forecasts:
  horizons:
    - {{name: M-1, issued_before: 1 month, granularity: day}}
    - {{name: W-1, issued_before: 7 days, granularity: 30min}}
  band: {{under: 10%, over: 10%, horizon: M-1, checked_per: day}}
  interval_band: {{horizon: W-1, under: 10%, over: 10%, poisson_z: 2}}
  minimum_billing: {{rule: staffed_hours_for_forecast, floor: 90%, horizon: M-1}}
  fair_evaluation: {{model: erlang_a, horizon: W-1}}
service_commitments:
{"".join(commitments)}bonus_malus:
  grids:
{"".join(grids)}  overall_cap: {{malus: 8%, bonus: 4%}}
indexation: {{index: syntec, formula: "0.15 + 0.85 × I/I0", base_month: 2025-08, anniversary: 01-01, lag_months: 3,
              floor: 0%, cap: 4%}}
liability: {{cap_months_of_billing: 12, penalties_cap: 10%}}
"""


def month_facts(seed: int) -> tuple[list[IntervalBlock], list[ForecastSeries], list[StaffingBlock]]:
    rng = np.random.default_rng(seed)
    days = [MONTH.first_day + timedelta(days=d) for d in range(28)]
    # February: Paris is UTC+1; open 08:00–20:00 local = 07:00–19:00 UTC, 24 half-hours
    starts = np.array([int(datetime(d.year, d.month, d.day, 7, tzinfo=UTC).timestamp()) + 1800 * k
                       for d in days for k in range(24)], dtype=np.int64)
    shape = np.tile(np.sin(np.linspace(0.2, np.pi - 0.2, 24)), len(days))
    blocks, forecasts, staffing = [], [], []
    for i in range(ACTIVITIES):
        level = rng.uniform(30, 120)
        forecast = level * shape
        actual = forecast * rng.normal(1.0, 0.08, forecast.size)
        flood = rng.integers(0, len(days))
        actual[flood * 24:(flood + 1) * 24] *= 1.35
        offered = rng.poisson(np.maximum(actual, 0.1))
        agents = np.ceil(forecast * 300 / 1800 * 1.25).astype(np.int64)
        handled = np.minimum(offered, rng.binomial(offered, 0.95))
        abandoned = offered - handled
        short = rng.binomial(abandoned, 0.3)
        answered = rng.binomial(handled, 0.85)
        blocks.append(IntervalBlock.build(f"a{i}", {
            "interval_start": starts.astype("datetime64[s]"), "interval_minutes": 30, "offered": offered,
            "handled": handled, "abandoned": abandoned, "short_abandoned": short,
            "answered_within_20s": answered, "wait_seconds_answered": handled * 12.0,
            "wait_seconds_abandoned": abandoned * 60.0, "handle_seconds": handled * 300.0,
            "staffed_seconds": agents * 1800.0, "productive_seconds": agents * 1800.0 * 0.9,
        }))
        forecasts.append(ForecastSeries.build(f"a{i}", "W-1", "30min", date(2027, 1, 25),
                                              starts.astype("datetime64[s]"), np.round(forecast, 1),
                                              np.full(forecast.size, 300.0)))
        daily = forecast.reshape(len(days), 24).sum(axis=1)
        day_starts = np.array([int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()) - 3600 for d in days])
        forecasts.append(ForecastSeries.build(f"a{i}", "M-1", "day", date(2027, 1, 1),
                                              day_starts.astype("datetime64[s]"), np.round(daily, 1),
                                              np.full(len(days), 300.0)))
        staffing.append(StaffingBlock.build(f"a{i}", 30, starts.astype("datetime64[s]"), agents))
    return blocks, forecasts, staffing


INDEX = [IndexValue("syntec", Month(2025, 8), Decimal("311.6")),
         IndexValue("syntec", Month(2026, 10), Decimal("320.4"))]


def facts_of(parts: tuple[list[IntervalBlock], list[ForecastSeries], list[StaffingBlock]]) -> Facts:
    blocks, forecasts, staffing = parts
    return Facts.of(intervals=blocks, forecasts=forecasts, staffing=staffing, index_values=INDEX)


def median_time(contract, parts, repeats: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (the CPU figure holds on a shared, loaded machine)."""
    times, cpu = [], []
    for _ in range(repeats):
        facts = facts_of(parts)
        start, start_cpu = time.perf_counter(), time.process_time()
        settle(contract, MONTH, facts)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=1000)
    args = parser.parse_args()
    fair = loads_contract(contract_text("fair"), "bench.yaml")
    raw = loads_contract(contract_text("raw"), "bench.yaml")
    parts = month_facts(0)
    result = settle(fair, MONTH, facts_of(parts))
    rows = sum(len(b) for b in parts[0])
    adjusted = sum(len(r.adjusted) for r in result.service_results)
    print(f"one contract-month: {ACTIVITIES} activities, {rows:,} interval rows, {len(result.lines)} lines, "
          f"{adjusted} out-of-band interval adjustments, total {result.total_including_vat} EUR incl. VAT")
    settle(fair, MONTH, facts_of(parts))  # warm caches of the calendar (per UTC hour)
    (t_fair, c_fair), (t_raw, c_raw) = median_time(fair, parts, 15), median_time(raw, parts, 15)
    print(f"settle(), fair evaluation: median {t_fair * 1000:.1f} ms wall, {c_fair * 1000:.1f} ms CPU (15 runs)")
    print(f"settle(), raw evaluation (baseline, same run): median {t_raw * 1000:.1f} ms wall, {c_raw * 1000:.1f} ms "
          f"CPU; fair/raw = {t_fair / t_raw:.2f}")
    sets = [month_facts(seed) for seed in range(20)]
    start, start_cpu = time.perf_counter(), time.process_time()
    for k in range(args.months):
        settle(fair, MONTH, facts_of(sets[k % len(sets)]))
    total, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    print(f"{args.months:,} contract-months (fair): {total:.1f} s wall, {cpu:.1f} s CPU "
          f"({total / args.months * 1000:.1f} ms each)")


if __name__ == "__main__":
    main()
