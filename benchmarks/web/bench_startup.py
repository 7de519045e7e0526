"""Start-up of the command line and of the server, against ``python -c pass`` timed in the same run.

    .venv/bin/python benchmarks/web/bench_startup.py --runs 5

Times (median and minimum of ``--runs`` alternating runs, wall clock): ``python -c pass`` (the interpreter
alone), ``charte --help``, ``charte staff --calls 120 --per 30min --aht 280s --target 80/20``, ``charte serve``
(production, an empty platform in a new storage folder: from launch until ``/login`` answers 200, the
database created and migrated on the way) and ``charte serve --demo`` (from launch until ``/login`` answers
200, in a new folder, the demo's data copied from its prepared cache).

The demo is prepared once into its cache (``CHARTE_DEMO_CACHE``, default ``~/.cache/charte``, keyed by the
code's hash), as a first start does: when this code's demo is not cached yet, that first preparation is timed
and printed on its own (minutes on a busy machine), and every later run of the benchmark finds it warm.
``--fresh-cache`` prepares it in a new folder anyway. Each sample is printed as it is taken, so an
interrupted run still says something; the load average is printed at the start and the end.

Targets of issue 17: ``--help`` and ``staff`` under 0.5 s, ``serve`` ready under 5 s. 127.0.0.1 only; every
server started is stopped, every folder made is removed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
CHARTE = str(BIN / "charte")


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def timed(command: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ready(command: list[str], env: dict[str, str], limit: float) -> float:
    """Seconds from launching ``command`` (a server on a free port) until ``/login`` answers 200 (a benchmark:
    polling is fine); the server is stopped afterwards."""
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115  (a file, not a pipe: a server's log never blocks it)
    t0 = time.perf_counter()
    child = subprocess.Popen([*command, "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        while time.perf_counter() - t0 < limit:
            if child.poll() is not None:
                log.seek(0)
                raise SystemExit(f"{' '.join(command)} ended before serving: {log.read().decode()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                    return time.perf_counter() - t0
            except httpx.HTTPError:
                time.sleep(0.02)
        raise SystemExit(f"{' '.join(command)} was not ready within {limit:g} s")
    finally:
        child.terminate()
        child.wait(timeout=30)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fresh-cache", action="store_true", help="prepare the demo in a new cache folder")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds a warm server may take to be ready")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")}
    scratch = Path(tempfile.mkdtemp(prefix="charte-bench-startup-"))
    if args.fresh_cache:
        env["CHARTE_DEMO_CACHE"] = str(scratch / "cache")
    elif "CHARTE_DEMO_CACHE" in os.environ:
        env["CHARTE_DEMO_CACHE"] = os.environ["CHARTE_DEMO_CACHE"]
    print(f"load average at the start: {load_average()}", flush=True)
    try:
        first = ready([CHARTE, "serve", "--demo", "--data-dir", str(scratch / "first")], env, limit=3600.0)
        print(f"charte serve --demo, first start (prepares and caches the demo unless already cached): {first:.1f} s",
              flush=True)
        counter = iter(range(10**6))

        def production() -> float:
            folder = scratch / f"production-{next(counter)}"
            return ready([CHARTE, "serve"], {**env, "CHARTE_STORAGE_PATH": str(folder),
                                             "CHARTE_SECRET_KEY": "bench-startup-secret-key-of-48-characters-xxxxx"},
                         args.limit)

        def demo() -> float:
            return ready([CHARTE, "serve", "--demo", "--data-dir", str(scratch / f"demo-{next(counter)}")], env,
                         args.limit)

        commands = {
            "python -c pass": lambda: timed([sys.executable, "-c", "pass"], env),
            "charte --help": lambda: timed([CHARTE, "--help"], env),
            "charte staff (one interval)": lambda: timed([CHARTE, "staff", "--calls", "120", "--per", "30min", "--aht",
                                                          "280s", "--target", "80/20"], env),
            "charte serve (ready)": production,
            "charte serve --demo (ready)": demo,
        }
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(args.runs):  # alternate, so a busy moment of the shared machine hits every command alike
            for name, measure in commands.items():
                samples[name].append(measure())
            print(f"run {run + 1}: " + ", ".join(f"{name} {values[-1]:.3f} s" for name, values in samples.items()),
                  flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    base = statistics.median(samples["python -c pass"])
    targets = {"charte --help": 0.5, "charte staff (one interval)": 0.5, "charte serve (ready)": 5.0,
               "charte serve --demo (ready)": 5.0}
    print(f"\n{'command':<30} {'median s':>9} {'min s':>7} {'× python':>9} {'target':>8}")
    for name, values in samples.items():
        median = statistics.median(values)
        target = targets.get(name)
        verdict = "" if target is None else ("met" if median < target else "NOT met")
        print(f"{name:<30} {median:>9.3f} {min(values):>7.3f} {median / base:>9.1f} "
              f"{'' if target is None else f'< {target:g} s':>8} {verdict}")
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
