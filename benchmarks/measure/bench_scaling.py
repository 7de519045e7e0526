"""Scaling: the record pipelines on DuckDB (this process) and on Spark, from 10 million records up.

    nice -n 10 .venv/bin/python benchmarks/measure/bench_scaling.py --rows 10000000 --engines duckdb spark
    nice -n 10 .venv/bin/python benchmarks/measure/bench_scaling.py --rows 50000000 200000000 --engines duckdb

For each size, DuckDB writes two Parquet files on disk (timed apart, not counted): a month of
contact records (October 2026, Europe/Paris, DST day included; 1 % negative waits, 0.5 %
answered without agent, 0.5 % closed before arrival, 2 % abandoned with talk time, 10 % missing
handle time) and a year of outbound attempts (the telesales benchmark's generator). Then, per
engine, each step runs in a fresh child process, timed from the moment its engine is up:

* ``validation`` — the import's quality rules (:mod:`charte.io.quality_rules`, the same Ibis
  expressions ``charte import`` runs) over every record: corrected rows with their rule flags
  written to Parquet, then the flagged rows counted per check from that output. The CSV parsing
  of ``charte import`` (in the importing process, whatever the engine) is not part of it;
* ``kpis`` — the half-hour interval KPIs (:func:`charte.measure.kpis.kpis`, 20 s threshold);
* ``audit`` — the telephone-selling audit (:func:`charte.telesales.audit.audit_files`).

rows/s is records (or attempts) over the step's wall time. Peak memory is the highest resident
set of the child and everything it started (for Spark the driver's JVM, which in ``local[N]``
also runs the executors), sampled every 0.2 s. Both engines get the same machine: DuckDB its
default threads and memory limit, Spark ``--spark-master`` (``local[2]`` by default) with
``--spark-memory`` for the driver. Every result is appended to ``--out`` (JSON lines) as it
comes, and the table printed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "telesales"))

RECORDS = """
COPY (
  WITH r AS (
    SELECT i, hash(i) AS h1, hash(i * 7919 + 1) AS h2, hash(i * 104729 + 3) AS h3 FROM range({rows}) t(i)
  ), c AS (
    SELECT i, (h1 % 2678400) AS s, (h2 % 10000) / 10000.0 AS u, h3 % 1000 AS k,
           (h3 % 100000) / 100000.0 AS v FROM r
  )
  SELECT i + 2 AS source_row, 'c' || i AS contact_id,
         CASE WHEN k < 700 THEN 'service' ELSE 'support' END AS activity, 'voice_inbound' AS channel,
         TIMESTAMPTZ '2026-09-30 22:00:00+00' + to_seconds(CAST(s AS BIGINT)) AS arrived_at,
         CASE WHEN u < 0.85 THEN 'answered' WHEN u < 0.97 THEN 'abandoned' ELSE 'ivr_only' END AS outcome,
         v * 40 AS ivr_seconds,
         CASE WHEN k < 10 THEN -5.0 ELSE -25 * ln(1 - v) END AS wait_seconds,
         CASE WHEN u < 0.85 OR k BETWEEN 100 AND 119 THEN 60 + v * 400 ELSE NULL END AS talk_seconds,
         CASE WHEN u < 0.85 THEN v * 30 ELSE NULL END AS hold_seconds,
         CASE WHEN u < 0.85 THEN 10 + v * 50 ELSE NULL END AS wrap_seconds,
         CASE WHEN u < 0.85 AND k >= 900 THEN NULL WHEN u < 0.85 THEN 70 + v * 480 ELSE NULL END AS handle_seconds,
         CASE WHEN u < 0.85 AND k BETWEEN 10 AND 14 THEN NULL ELSE 'agent-' || (k % 97) END AS agent_id,
         CAST(NULL AS TIMESTAMPTZ) AS first_response_at,
         TIMESTAMPTZ '2026-09-30 22:00:00+00' + to_seconds(CAST(s AS BIGINT) + CASE WHEN k BETWEEN 20 AND 24
           THEN -30 ELSE 600 END) AS closed_at,
         CAST(CASE WHEN s >= 2084400 THEN 3600 ELSE 7200 END AS INTEGER) AS utc_offset_seconds,
         DATE '2026-10-01' + CAST(floor((s + CASE WHEN s >= 2084400 THEN -3600 ELSE 0 END) / 86400) AS INTEGER)
           AS local_date
  FROM c
) TO '{path}' (FORMAT PARQUET, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)
"""

STEPS = ("validation", "kpis", "audit")


# -- one step in a child process --------------------------------------------------------------------


def _engine(name: str, master: str, memory: str) -> Any:
    from charte.measure.engines import duckdb_backend, spark_backend, spark_session

    if name == "duckdb":
        return duckdb_backend()
    return spark_backend(spark_session(master, {"spark.driver.memory": memory,
                                                "spark.sql.shuffle.partitions": "16",
                                                "spark.local.dir": os.environ.get("CHARTE_BENCH_TMP", "/tmp")}))


def run_step(engine: str, step: str, folder: Path, master: str, memory: str) -> dict[str, Any]:
    import ibis
    import pyarrow.parquet as pq

    from charte.io.quality_rules import FLAGS, RuleRun
    from charte.measure import engines
    from charte.measure.formulas import KpiSpec
    from charte.measure.kpis import kpis
    from charte.telesales.audit import audit_files

    con = _engine(engine, master, memory)
    records = str(folder / "records.parquet")
    t0 = time.perf_counter()
    if step == "validation":
        table = engines.read_parquet(con, records)
        schema = pq.read_schema(records)
        rules = RuleRun(con, "contact_record", schema, schema.names, frozenset())
        corrected, found = rules.expression(table)
        out = folder / f"checked-{engine}"
        if engine == "duckdb":
            out.mkdir(exist_ok=True)
            con.to_parquet(corrected, out / "part-0.parquet")
        else:
            con.to_parquet_dir(corrected, str(out))
        checked = engines.read_parquet(con, str(out / "*.parquet") if engine == "duckdb" else str(out))
        flags = checked[FLAGS]
        counts = engines.execute(con, checked.aggregate(
            rows=checked.count(), flagged=(flags != 0).cast("int64").sum(),
            **{f"check_{i}": ((flags & ibis.literal(1 << i, "int64")) != 0).cast("int64").sum()
               for i in range(len(found))})).to_pylist()[0]
        rows = int(counts.pop("rows"))
        detail = {"flagged": int(counts.pop("flagged")),
                  "by_check": {f"{found[int(k[6:])].code}:{found[int(k[6:])].column}": int(v)
                               for k, v in counts.items() if v}}
    elif step == "kpis":
        table = engines.read_parquet(con, records)
        result = engines.execute(con, kpis(table, spec=KpiSpec(thresholds=(20,)), minutes=30, by="interval"))
        rows = int(engines.execute(con, table.count()).column(0)[0].as_py())
        detail = {"intervals": result.num_rows, "offered": int(sum(result["offered"].to_pylist()))}
    else:
        audit = audit_files([folder / "attempts.parquet"], con=con)
        rows = sum(f.attempts_checked for f in audit.findings if f.rule.value == "calling_hours") or 0
        detail = {f.rule.value: f.violations for f in audit.findings}
    return {"seconds": time.perf_counter() - t0, "rows": rows, "detail": detail}


# -- the parent: data, children, memory ----------------------------------------------------------------


def _tree_rss_kib(root: int) -> int:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def child(engine: str, step: str, folder: Path, master: str, memory: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", engine, step, str(folder), "--spark-master", master,
               "--spark-memory", memory]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = 0

    def watch() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_rss_kib(process.pid))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, _ = process.communicate()
    watcher.join()
    if process.returncode:
        return {"engine": engine, "step": step, "error": f"exit {process.returncode}"}
    result = json.loads(out.strip().splitlines()[-1])
    return {"engine": engine, "step": step, **result, "peak_mib": round(peak / 1024)}


def generate(folder: Path, rows: int, attempts: bool = True) -> float:
    import duckdb
    from bench_telesales_audit import GENERATE

    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{folder}/duckdb.tmp'")
    con.execute(RECORDS.format(rows=rows, path=folder / "records.parquet"))
    if attempts:
        con.execute(GENERATE.format(rows=rows, consumers=max(rows // 6, 1), path=folder / "attempts.parquet"))
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000_000, 50_000_000, 200_000_000])
    parser.add_argument("--engines", nargs="+", default=["duckdb", "spark"], choices=["duckdb", "spark"])
    parser.add_argument("--steps", nargs="+", default=list(STEPS), choices=STEPS)
    parser.add_argument("--spark-master", default="local[2]")
    parser.add_argument("--spark-memory", default="8g", help="spark.driver.memory")
    parser.add_argument("--tmp", default=None, help="where the generated files go (default: the system's)")
    parser.add_argument("--out", default="bench-scaling.jsonl")
    parser.add_argument("--child", nargs=3, metavar=("ENGINE", "STEP", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, step, folder = args.child
        print(json.dumps(run_step(engine, step, Path(folder), args.spark_master, args.spark_memory)))
        return
    results = []
    for rows in args.rows:
        with tempfile.TemporaryDirectory(prefix="charte-scaling-", dir=args.tmp) as tmp:
            folder = Path(tmp)
            os.environ["CHARTE_BENCH_TMP"] = str(folder)
            generated = generate(folder, rows, "audit" in args.steps)
            sizes = {name: f"{(folder / f'{name}.parquet').stat().st_size / 2**20:.0f} MiB"
                     for name in ("records", "attempts") if (folder / f"{name}.parquet").exists()}
            print(f"{rows:,} rows: generated in {generated:.0f} s ({sizes})", flush=True)
            for engine in args.engines:
                for step in args.steps:
                    result = {"size": rows, **child(engine, step, folder, args.spark_master, args.spark_memory)}
                    if "seconds" in result:
                        result["rows_per_s"] = round(result["rows"] / result["seconds"])
                    results.append(result)
                    with open(args.out, "a", encoding="utf-8") as handle:
                        handle.write(json.dumps(result) + "\n")
                    print(json.dumps(result), flush=True)
    print("\n| records | engine | step | seconds | rows/s | peak memory |\n|---:|---|---|---:|---:|---:|")
    for r in results:
        if "error" in r:
            print(f"| {r['size']:,} | {r['engine']} | {r['step']} | {r['error']} | | |")
        else:
            print(f"| {r['size']:,} | {r['engine']} | {r['step']} | {r['seconds']:.1f} | "
                  f"{r['rows_per_s'] / 1e6:.2f} M | {r['peak_mib']:,} MiB |")


if __name__ == "__main__":
    main()
