"""Start-up of the command line and of the demo server, against ``python -c pass`` timed in the same run.

    .venv/bin/python benchmarks/web/bench_startup.py --runs 7

Times (median of ``--runs`` alternating runs, wall clock): ``python -c pass`` (the interpreter alone),
``charte --help``, ``charte staff --calls 120 --per 30min --aht 280s --target 80/20``, and ``charte
serve --demo`` from launch until ``/login`` answers (the demo's data prepared once beforehand into a
cache folder of this run, as a first start does; the first, cold preparation is timed and printed
separately). Targets of issue 17: ``--help`` and ``staff`` under 0.5 s, ``serve --demo`` ready under
5 s. 127.0.0.1 only; every server started is stopped.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def timed(command: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_ready(env: dict[str, str], limit: float = 600.0) -> float:
    """Seconds from launching ``charte serve --demo`` until ``/login`` answers 200 (a benchmark: polling is fine)."""
    port = free_port()
    t0 = time.perf_counter()
    child = subprocess.Popen([str(BIN / "charte"), "serve", "--demo", "--port", str(port)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - t0 < limit:
            if child.poll() is not None:
                raise SystemExit("charte serve --demo ended before serving")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                    return time.perf_counter() - t0
            except httpx.HTTPError:
                time.sleep(0.05)
        raise SystemExit("charte serve --demo was not ready in time")
    finally:
        child.terminate()
        child.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")}
    env["CHARTE_DEMO_CACHE"] = tempfile.mkdtemp(prefix="charte-bench-cache-")
    cold = serve_ready(env)
    print(f"charte serve --demo, first start (prepares and caches the demo): {cold:.1f} s")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "charte --help": [str(BIN / "charte"), "--help"],
        "charte staff (one interval)": [str(BIN / "charte"), "staff", "--calls", "120", "--per", "30min", "--aht",
                                        "280s", "--target", "80/20"],
    }
    samples: dict[str, list[float]] = {name: [] for name in [*commands, "charte serve --demo (ready)"]}
    for _ in range(args.runs):  # alternate, so a busy moment of the shared machine hits every command alike
        for name, command in commands.items():
            samples[name].append(timed(command, env))
        samples["charte serve --demo (ready)"].append(serve_ready(env))
    base = statistics.median(samples["python -c pass"])
    targets = {"charte --help": 0.5, "charte staff (one interval)": 0.5, "charte serve --demo (ready)": 5.0}
    print(f"\n{'command':<30} {'median s':>9} {'min s':>7} {'× python':>9} {'target':>8}")
    for name, values in samples.items():
        median = statistics.median(values)
        target = targets.get(name)
        verdict = "" if target is None else ("met" if median < target else "NOT met")
        print(f"{name:<30} {median:>9.3f} {min(values):>7.3f} {median / base:>9.1f} "
              f"{'' if target is None else f'< {target:g} s':>8} {verdict}")


if __name__ == "__main__":
    main()
