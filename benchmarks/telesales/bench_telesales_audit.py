"""Benchmark: the telephone-selling audit on synthetic outbound attempts made by DuckDB itself.

Target (issue 11): 50 million attempts audited in under 2 minutes on the project's machine
(2 cores, 24 GiB). The attempts span a year; ~6 calls per consumer, 1 in 10 to overseas
consumers, a few percent of refusals, calls spread over each consumer's calling hours with
some outside them, and 9 dial modes out of 10 manual or preview. Generation is timed apart.

    .venv/bin/python benchmarks/telesales/bench_telesales_audit.py --rows 50000000
    .venv/bin/python benchmarks/telesales/bench_telesales_audit.py --rows 5000000 --threads 1

Measured 2026-11-24 (2 cores shared with three other sessions, load average ~3, `--memory 10GB`):
50,000,000 attempts (2.37 GB Parquet) audited in 94.4 s, 0.53 M attempts/s, 17× a scan of the
same file; peak RSS 7.6 GB; 11.4 M violation rows written. 10,000,000 attempts: 20.9 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from charte.telesales.audit import AuditSettings, audit_files
from charte.telesales.bloctel import BloctelList

GENERATE = """
COPY (
  WITH r AS (
    SELECT i, hash(i) AS h1, hash(i * 7919 + 1) AS h2, hash(i * 104729 + 3) AS h3 FROM range({rows}) t(i)
  ), c AS (
    SELECT i, h1 % {consumers} AS consumer, h2 % 365 AS d0, (h3 % 10000) / 10000.0 AS u, h3 % 97 AS k FROM r
  ), t AS (  -- weekdays only (2026-01-01 is a Thursday); local calling hours, 1% anywhere in the day
    SELECT *, CASE d0 % 7 WHEN 2 THEN d0 + 2 WHEN 3 THEN d0 + 1 ELSE d0 END AS day,
           CASE consumer % 10 WHEN 1 THEN 4 WHEN 2 THEN -4 ELSE (CASE WHEN d0 BETWEEN 88 AND 297 THEN 2 ELSE 1 END)
           END AS offset_h,
           CASE WHEN u < 0.4 THEN 10 * 3600 + u / 0.4 * 3 * 3600
                WHEN u < 0.99 THEN 14 * 3600 + (u - 0.4) / 0.59 * 6 * 3600
                ELSE (u - 0.99) * 100 * 86400 END AS local_s
    FROM c
  )
  SELECT 'a' || i AS contact_id, 'telesales' AS activity, 'voice_outbound' AS channel,
         TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_days(CAST(day AS INTEGER))
           + to_microseconds(CAST((local_s - offset_h * 3600) * 1e6 AS BIGINT)) AS arrived_at,
         CASE WHEN k < 60 THEN 'no_answer' ELSE 'connected' END AS outcome,
         CASE WHEN k < 50 THEN 'manual' WHEN k < 88 THEN 'preview' WHEN k < 95 THEN 'progressive'
              ELSE 'predictive' END AS dial_mode,
         md5(CAST(consumer AS VARCHAR)) AS consumer_hash,
         md5('n' || consumer) AS number_hash,
         k = 3 AS refused,
         CASE WHEN k % 10 = 0 THEN NULL ELSE 'consent-' || consumer END AS consent_ref,
         CASE WHEN consumer % 10 = 1 THEN '974' WHEN consumer % 10 = 2 THEN '971' WHEN consumer % 10 = 3 THEN '57'
              ELSE '75' END AS consumer_department,
         'campaign-' || (consumer % 20) AS campaign,
         'team-' || (i % 40) AS team,
         'brand-' || (consumer % 3) AS professional,
         k = 5 AS contract_in_progress
  FROM t
) TO '{path}' (FORMAT PARQUET, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory", default="16GB", help="DuckDB memory_limit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="charte-telesales-bench-") as tmp:
        path = Path(tmp) / "attempts.parquet"
        con = duckdb.connect()
        con.execute(f"SET threads = {args.threads}; SET memory_limit = '{args.memory}'")
        t0 = time.perf_counter()
        con.execute(GENERATE.format(rows=args.rows, consumers=max(args.rows // 6, 1), path=path))
        generated = time.perf_counter() - t0
        # twelve monthly Bloctel lists of 1 consumer in 50 (dated the 1st, so the 31st is one day late)
        lists = tuple(BloctelList(date(2026, m, 1), frozenset(r[0] for r in con.execute(
            f"SELECT md5('n' || i) FROM range({m}, {max(args.rows // 6, 1)}, 50) t(i)").fetchall()), "synthetic", "")
            for m in range(1, 13))
        # baseline in the same run: one full scan of the same file (the floor of any audit)
        t0 = time.perf_counter()
        con.execute(f"SELECT count(*), count(DISTINCT consumer_hash) FROM read_parquet('{path}')").fetchall()
        scan = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = audit_files([path], AuditSettings(bloctel_lists=lists), con=con)
        audited = time.perf_counter() - t0
        print(f"rows={args.rows:,} threads={args.threads} file={path.stat().st_size / 2**20:.0f} MiB")
        print(f"generate: {generated:.1f} s   baseline scan+distinct: {scan:.1f} s   audit: {audited:.1f} s "
              f"({args.rows / audited / 1e6:.2f} M attempts/s, {audited / scan:.1f}× the baseline scan)")
        for f in result.findings:
            print(f"  {f.rule.value:26} {f.verdict.value:12} checked={f.attempts_checked:>12,} "
                  f"violations={f.violations:>12,}")
        print(f"  automated dialing share: {result.automated_share:.1%}")


if __name__ == "__main__":
    main()
