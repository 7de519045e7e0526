"""Interval KPIs from Parquet: charte's Ibis pipeline vs hand-written DuckDB SQL vs pandas (same run).

    .venv/bin/python benchmarks/measure/bench_interval_kpis.py --rows 50000000   # the issue's figure
    .venv/bin/python benchmarks/measure/bench_interval_kpis.py --rows 2000000    # a quick look

Synthetic month (October 2026, Europe/Paris, DST day included): arrivals shaped by an
intraday profile, 85 % answered / 12 % abandoned / 3 % IVR-only, exponential waits, lognormal
handle times. Prints seconds, rows/s and ratios, and the process's peak memory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

START = 1790805600  # 2026-10-01 00:00 Paris (UTC+2) as epoch seconds
MONTH_SECONDS = 31 * 86400 + 3600


def write_records(path: Path, rows: int, chunk: int = 5_000_000, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    hours = np.array([0.2] * 7 + [1, 3, 5, 6, 6, 5, 5, 6, 6, 5, 4, 3, 2] + [0.5] * 4)
    minute_weights = np.repeat(hours / hours.sum() / 60, 60)
    writer = None
    for done in range(0, rows, chunk):
        n = min(chunk, rows - done)
        day = rng.integers(0, 31, n)
        minute = rng.choice(1440, n, p=minute_weights)
        epoch = START + day * 86400 + minute * 60 + rng.integers(0, 60, n) + np.where(day >= 24, 3600, 0)
        u = rng.random(n)
        outcome = np.where(u < 0.85, "answered", np.where(u < 0.97, "abandoned", "ivr_only"))
        wait = rng.exponential(25, n)
        handle = np.where(outcome == "answered", rng.lognormal(5.2, 0.5, n), 0.0)
        offset = np.where(epoch >= 1792890000, 3600, 7200).astype(np.int32)  # after 2026-10-25 01:00 UTC: CET
        local_day = ((epoch + offset) // 86400).astype(np.int32)
        table = pa.table({
            "contact_id": pa.array(np.arange(done, done + n).astype(str)),
            "activity": pa.array(np.where(rng.random(n) < 0.7, "service", "support")),
            "channel": pa.array(np.full(n, "voice_inbound")),
            "arrived_at": pa.array(epoch * 1_000_000, pa.int64()).cast(pa.timestamp("us", tz="UTC")),
            "ivr_seconds": pa.array(rng.uniform(0, 40, n)),
            "wait_seconds": pa.array(wait),
            "outcome": pa.array(outcome),
            "handle_seconds": pa.array(handle),
            "first_response_at": pa.nulls(n, pa.timestamp("us", tz="UTC")),
            "utc_offset_seconds": pa.array(offset),
            "local_date": pa.array(local_day).cast(pa.date32()),
        })
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema, compression="zstd")
        writer.write_table(table, row_group_size=1_000_000)
    assert writer is not None
    writer.close()


HAND_SQL = """
WITH facts AS (
  SELECT activity, epoch(arrived_at)::BIGINT - epoch(arrived_at)::BIGINT % 1800 AS period,
    max(utc_offset_seconds) AS utc_offset_seconds, max(local_date) AS local_date,
    count(*) FILTER (WHERE outcome IN ('answered', 'abandoned')) AS offered,
    count(*) FILTER (WHERE outcome = 'answered') AS handled,
    count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,
    count(*) FILTER (WHERE outcome = 'abandoned' AND coalesce(wait_seconds, 0) < 5) AS short_abandoned,
    count(*) FILTER (WHERE outcome = 'answered' AND coalesce(wait_seconds, 0) <= 20) AS answered_within_20s,
    count(ivr_seconds) AS ivr_contacts,
    count(*) FILTER (WHERE outcome = 'ivr_only') AS ivr_only,
    count(*) FILTER (WHERE channel IN ('email', 'chat')) AS written_received,
    coalesce(sum(coalesce(wait_seconds, 0)) FILTER (WHERE outcome = 'answered'), 0) AS wait_answered_seconds,
    coalesce(sum(coalesce(wait_seconds, 0)) FILTER (WHERE outcome = 'abandoned'), 0) AS wait_abandoned_seconds,
    coalesce(sum(handle_seconds) FILTER (WHERE outcome = 'answered'), 0) AS handle_seconds,
    coalesce(sum(ivr_seconds), 0) AS ivr_seconds
  FROM read_parquet('{path}') GROUP BY ALL
)
SELECT *, answered_within_20s / nullif(offered - short_abandoned, 0) AS service_level_20s,
  handled / nullif(offered, 0) AS answer_rate, abandoned / nullif(offered, 0) AS abandon_rate,
  wait_answered_seconds / nullif(handled, 0) AS asa_seconds, handle_seconds / nullif(handled, 0) AS aht_seconds,
  ivr_seconds / nullif(ivr_contacts, 0) AS ivr_mean_seconds
FROM facts ORDER BY activity, period
"""


def best_of(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000_000)
    parser.add_argument("--pandas-rows", type=int, default=None, help="rows for pandas (default: all)")
    parser.add_argument("--repeat", type=int, default=5, help="alternating runs of ibis and SQL (median)")
    parser.add_argument("--pandas-all-columns", action="store_true",
                        help="pandas loads every column (default: only the six the aggregation uses)")
    args = parser.parse_args()
    import duckdb

    from charte.measure.engines import duckdb_backend
    from charte.measure.formulas import KpiSpec
    from charte.measure.kpis import kpis

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "records.parquet"
        t = time.perf_counter()
        write_records(path, args.rows)
        size = path.stat().st_size / 1e6
        print(f"generated {args.rows:,} records in {time.perf_counter() - t:.1f} s ({size:.0f} MB)")
        con = duckdb_backend()
        records = con.read_parquet(str(path))
        expr = kpis(records, spec=KpiSpec(thresholds=(20,)), minutes=30, by="interval")
        raw = duckdb.connect()
        # alternate the two (the machine is shared): each median is taken over the same stretch of time
        ibis_runs, sql_runs = [], []
        for _ in range(args.repeat):
            ibis_runs.append(best_of(lambda: con.to_pyarrow(expr), repeat=1))
            sql_runs.append(best_of(lambda: raw.sql(HAND_SQL.format(path=path)).to_arrow_table(), repeat=1))
        ibis_s, sql_s = statistics.median(ibis_runs), statistics.median(sql_runs)
        print("runs (s): ibis " + " ".join(f"{t:.2f}" for t in ibis_runs) + " | SQL "
              + " ".join(f"{t:.2f}" for t in sql_runs))
        n_ibis = con.to_pyarrow(expr).num_rows
        n_sql = raw.sql(HAND_SQL.format(path=path)).to_arrow_table().num_rows
        assert n_ibis == n_sql, (n_ibis, n_sql)
        peak_engines = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"ibis (charte.measure) on DuckDB: {ibis_s:.3f} s  {args.rows / ibis_s / 1e6:.1f} M rows/s")
        print(f"hand-written DuckDB SQL:         {sql_s:.3f} s  {args.rows / sql_s / 1e6:.1f} M rows/s")
        print(f"throughput ratio ibis / SQL:     {sql_s / ibis_s:.2f}  (target >= 0.8)")
        print(f"peak memory so far:              {peak_engines:.0f} MB")
        import pandas as pd

        prows = args.pandas_rows or args.rows
        t = time.perf_counter()
        # straightforward pandas: read the columns the aggregation needs, then group by
        needed = None if args.pandas_all_columns else [
            "activity", "arrived_at", "outcome", "wait_seconds", "handle_seconds", "ivr_seconds"]
        df = pq.read_table(path, columns=needed).slice(0, prows).to_pandas()
        load_s = time.perf_counter() - t

        def with_pandas() -> None:
            epoch = df["arrived_at"].astype("int64") // 1_000_000
            wait = df["wait_seconds"].fillna(0)
            answered, abandoned = df["outcome"] == "answered", df["outcome"] == "abandoned"
            frame = pd.DataFrame({
                "activity": df["activity"], "period": epoch - epoch % 1800,
                "offered": answered | abandoned, "handled": answered, "abandoned": abandoned,
                "short_abandoned": abandoned & (wait < 5), "answered_within_20s": answered & (wait <= 20),
                "wait_answered_seconds": wait.where(answered, 0),
                "handle_seconds": df["handle_seconds"].where(answered, 0),
                "ivr_seconds": df["ivr_seconds"], "ivr_contacts": df["ivr_seconds"].notna(),
            })
            frame.groupby(["activity", "period"]).sum()

        pandas_s = best_of(with_pandas, repeat=1) + load_s
        per_row = pandas_s / prows
        print(f"pandas (load + groupby, {prows:,} rows): {pandas_s:.3f} s  {prows / pandas_s / 1e6:.1f} M rows/s")
        print(f"throughput ratio ibis / pandas:  {per_row * args.rows / ibis_s:.1f}  (target >= 10)")
        print(f"peak memory with pandas:         {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
