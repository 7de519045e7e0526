"""CSV import with validation: rows/s and peak memory.

    .venv/bin/python benchmarks/measure/bench_csv_import.py --rows 10000000   # the issue's figure
    .venv/bin/python benchmarks/measure/bench_csv_import.py --rows 200000     # a quick look
    .venv/bin/python benchmarks/measure/bench_csv_import.py --rows 200000 --row-path   # the reference path
    # paired runs of two versions on one file (written once, then reused): the import alone, wall and CPU
    PYTHONPATH=/path/to/other/worktree/src .venv/bin/python benchmarks/measure/bench_csv_import.py \
        --rows 2000000 --csv /tmp/export-2m.csv

Writes a cp1252, ';'-separated, decimal-comma, CRLF export with separate date and time
columns and h:mm:ss waits (1 % dirty rows), imports it into a temporary facts store.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

from charte.io.facts_store import FactsStore
from charte.io.importing import import_file
from charte.io.mapping import parse_mapping

MAPPING = """
mapping: bench
timezone: Europe/Paris
constants: {channel: voice_inbound, activity: service}
fields:
  contact_id: Id
  arrived_at:
    date: {column: Jour, format: "%d/%m/%Y"}
    time: {column: Heure, format: "h:mm:ss"}
  wait_seconds: {column: Attente, format: "h:mm:ss"}
  handle_seconds: DMT
  agent_id: {column: Agent, empty: ["-"]}
  outcome: {column: Statut, codes: {T: answered, A: abandoned}}
"""


def write_csv(path: Path, rows: int) -> None:
    rnd = random.Random(3)
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write("Id;Jour;Heure;Attente;DMT;Agent;Statut\r\n")
        for i in range(rows):
            day, second = 1 + i % 28, rnd.randrange(8 * 3600, 20 * 3600)
            wait = rnd.randrange(0, 200)
            answered = rnd.random() < 0.88
            dmt = f"{rnd.uniform(30, 900):.1f}".replace(".", ",") if answered else "0"
            agent = f"agent{rnd.randrange(150)}" if answered else "-"
            if i % 100 == 0:
                dmt = "n/a"  # dirt: rejected row
            out.write(f"{i};{day:02d}/10/2026;{second // 3600}:{second % 3600 // 60:02d}:{second % 60:02d};"
                      f"0:{wait // 60:02d}:{wait % 60:02d};{dmt};{agent};{'T' if answered else 'A'}\r\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--row-path", action="store_true", help="row-by-row reference path instead of columnar")
    parser.add_argument("--csv", type=Path, default=None,
                        help="the export's path: written there once (--rows), reused as it is when it exists")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.csv or Path(tmp) / "export.csv"
        if not path.exists():
            write_csv(path, args.rows)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        usage = resource.getrusage(resource.RUSAGE_SELF)
        t = time.perf_counter()
        result = import_file(path, parse_mapping(MAPPING), FactsStore(Path(tmp) / "facts"),
                             columnar=not args.row_path)
        seconds = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
        assert result.report is not None
        print(f"{'row-by-row' if args.row_path else 'columnar'} path: "
              f"imported {result.report.rows_read:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {seconds:.1f} s "
              f"(CPU {cpu:.1f} s): {result.report.rows_read / seconds:,.0f} rows/s; "
              f"rejected {result.report.rows_rejected:,}")
        print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
              f"(before import {before:.0f} MB)")


if __name__ == "__main__":
    main()
