"""Workforce benchmark: Erlang C and exact Erlang A staffing for a year of 15-minute intervals.

The year: 35,040 intervals (seeded), 10–2,000 calls each, AHT 180–400 s, 80 % answered
within 20 s; Erlang A adds a mean patience of 60–300 s. charte is timed in this process
(best of several runs); each PyPI peer runs in its own environment
(``benchmarks/.envs/workforce-peers``, git-ignored, created on first run with a Python ≥ 3.12
and pinned peer versions) over the same intervals in the same order, stopped after ``--cap``
seconds; its rate is intervals done ÷ time taken, measured in the same run as ours.

Accuracy: service level against a 50-digit mpmath reference (Erlang B recurrence) from 0.1
to 20,000 Erlangs at n−1, n, n+1 of our staffing, and the staffing itself (n meets the
target, n−1 does not, by the reference). Erlang A: the closed form in mpmath (incomplete
gamma functions, 40 digits) on a grid up to 2,000 Erlangs. Peers are compared with ours.

Run:  .venv/bin/python benchmarks/workforce/bench_staffing.py            (about 3 minutes)
      .venv/bin/python benchmarks/workforce/bench_staffing.py --cap 5 --no-erlang-a-peers
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import mpmath as mp
import numpy as np

from charte.workforce import erlang_a_metrics, erlang_c_metrics, required_agents

HERE = Path(__file__).resolve().parent
ENV = HERE.parent / ".envs" / "workforce-peers"
PEER_PINS = ["pyworkforce==0.5.4", "call-center-tools==1.0.0", "callcenterdim==0.0.3", "pyqueueing==0.1.1",
             "mod-turbotab==0.1.0", "erlanglib==1.2.0"]
PEERS_C = ["pyworkforce", "call-center-tools", "callcenterdim", "pyqueueing", "mod-turbotab", "erlanglib"]
PEERS_A = ["pyworkforce", "pyqueueing", "mod-turbotab"]
PERIOD, SHARE, WITHIN = 900.0, 0.8, 20.0


def year(seed: int = 2019) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = 365 * 96
    calls = rng.integers(10, 2001, n).astype(np.float64)
    aht = np.round(rng.uniform(180.0, 400.0, n), 1)
    patience = np.round(rng.uniform(60.0, 300.0, n), 1)
    return calls, aht, patience


def best_rate(run, repeats: int) -> tuple[float, np.ndarray]:  # type: ignore[no-untyped-def]
    best, result = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result  # type: ignore[return-value]


def peer_python() -> Path | None:
    """The peers' interpreter, creating the environment on first use (Python ≥ 3.12 needed)."""
    python = ENV / "bin" / "python"
    if python.exists():
        return python
    candidates = [os.environ.get("PEERS_PYTHON", ""), shutil.which("python3.12") or "",
                  shutil.which("python3.13") or "", str(Path.home() / ".pyenv/versions/3.12.1/bin/python")]
    base = next((c for c in candidates if c and Path(c).exists()), None)
    if base is None:
        print("no Python ≥ 3.12 found for the peers (set PEERS_PYTHON); peers skipped", file=sys.stderr)
        return None
    subprocess.run([base, "-m", "venv", str(ENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER_PINS], check=True)
    return python


def run_peer(python: Path, peer: str, model: str, cap: float, calls, aht, patience) -> dict:  # type: ignore[no-untyped-def]
    job = {"peer": peer, "model": model, "cap": cap, "period": PERIOD, "sl": SHARE, "within": WITHIN,
           "calls": calls.tolist(), "aht": aht.tolist(), "patience": patience.tolist()}
    try:
        done = subprocess.run([str(python), str(HERE / "peer_runner.py")], input=json.dumps(job), text=True,
                              capture_output=True, timeout=cap + 120, check=True)
    except subprocess.TimeoutExpired:
        return {"done": 0, "seconds": cap, "agents": [], "errors": 0, "first_error": "no answer within the cap"}
    except subprocess.CalledProcessError as error:
        return {"done": 0, "seconds": cap, "agents": [], "errors": 1, "first_error": error.stderr[-200:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def erlang_c_accuracy() -> tuple[float, int, int]:
    """(max |SL error|, staffing mismatches, points) against 50-digit mpmath, 0.1 to 20,000 Erlangs."""
    loads = np.unique(np.round(np.geomspace(0.1, 20000.0, 28), 4))
    worst, mismatches = 0.0, 0
    for load in loads:
        for aht, within in ((180.0, 20.0), (400.0, 60.0)):
            n = int(required_agents(load * PERIOD / aht, PERIOD, aht, sl_target=SHARE, sl_seconds=within))
            ns = [k for k in (n - 1, n, n + 1) if k >= 0]
            ours = erlang_c_metrics(load, np.array(ns), aht, within).service_level
            with mp.workdps(50):
                a, b, ref = mp.mpf(float(load)), mp.mpf(1), {}
                for k in range(1, max(ns) + 1):
                    b = a * b / (k + a * b)
                    if k in ns:
                        c = k * b / (k - a + a * b) if k > a else mp.mpf(1)
                        ref[k] = 1 - c * mp.exp(-(k - a) * within / aht) if k > a else mp.mpf(0)
                if 0 in ns:
                    ref[0] = mp.mpf(0)
            for k, value in zip(ns, ours, strict=True):
                worst = max(worst, abs(float(value) - float(ref[k])))
            meets = ref[n] >= SHARE
            below = n == 0 or ref[n - 1] < SHARE
            mismatches += int(not (meets and below))
    return worst, mismatches, 2 * len(loads)


def erlang_a_reference(load: float, n: int, aht: float, patience: float, within: float) -> float:
    """Erlang A service level by the closed form in 40-digit mpmath (independent of scipy)."""
    with mp.workdps(40):
        a = mp.mpf(load)
        k, y = mp.mpf(n) * patience / aht, a * patience / aht
        b = mp.mpf(1)
        for j in range(1, n + 1):
            b = a * b / (j + a * b)

        def g(s, x):  # type: ignore[no-untyped-def]
            return mp.hyp1f1(1, s + 1, x) / s

        s_sum = k * g(k, y)
        pi = b / (1 + (s_sum - 1) * b)
        yt = y * mp.exp(-mp.mpf(within) / patience)
        after = k * (g(k + 1, y) - (yt / y) ** (k + 1) * mp.exp(y - yt) * g(k + 1, yt))
        return float(1 - pi * s_sum + pi * after)


def erlang_a_accuracy() -> tuple[float, int, int]:
    worst, mismatches, points = 0.0, 0, 0
    for load in np.geomspace(0.1, 2000.0, 12):
        for aht, patience in ((180.0, 60.0), (300.0, 300.0)):
            n = int(required_agents(load * PERIOD / aht, PERIOD, aht, sl_target=SHARE, sl_seconds=WITHIN,
                                    patience_seconds=patience))
            ns = [k for k in (n - 1, n) if k >= 1]
            ours = erlang_a_metrics(load, np.array(ns), aht, patience, WITHIN).service_level
            refs = [erlang_a_reference(float(load), k, aht, patience, WITHIN) for k in ns]
            worst = max([worst, *(abs(float(o) - r) for o, r in zip(ours, refs, strict=True))])
            mismatches += int(not (refs[-1] >= SHARE and (len(ns) == 1 or refs[0] < SHARE)))
            points += 1
    return worst, mismatches, points


def compare(agents: list[int], ours: np.ndarray) -> str:
    got = np.array(agents)
    valid = got >= 0
    diff = got[valid] - ours[: got.size][valid]
    crashed = int((~valid).sum())
    text = f"{int((diff != 0).sum())} differ"
    if diff.size and diff.max() > 0:
        text += f", over-staffs up to {int(diff.max())}"
    if diff.size and diff.min() < 0:
        text += f", under-staffs up to {int(-diff.min())}"
    if crashed:
        text += f", crashed on {crashed}"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cap", type=float, default=15.0, help="seconds each peer may run (default 15)")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--no-erlang-a-peers", action="store_true")
    args = parser.parse_args()
    calls, aht, patience = year()
    size = calls.size
    t_c, ours_c = best_rate(lambda: required_agents(calls, PERIOD, aht, sl_target=SHARE, sl_seconds=WITHIN), 7)
    t_a, ours_a = best_rate(lambda: required_agents(calls, PERIOD, aht, sl_target=SHARE, sl_seconds=WITHIN,
                                                    patience_seconds=patience), 3)
    rows = [("charte (Erlang C)", size / t_c, "—", "reference"),
            ("charte (Erlang A, exact)", size / t_a, "—", "reference")]
    python = None if args.no_peers else peer_python()
    fastest_c = 0.0
    if python is not None:
        for model, peers, ours in (("C", PEERS_C, ours_c), ("A", [] if args.no_erlang_a_peers else PEERS_A, ours_a)):
            for peer in peers:
                print(f"running {peer} (Erlang {model}), cap {args.cap:g} s …", file=sys.stderr)
                result = run_peer(python, peer, model, args.cap, calls, aht, patience)
                rate = result["done"] / result["seconds"] if result["seconds"] > 0 and result["done"] else 0.0
                own = size / (t_c if model == "C" else t_a)
                if model == "C":
                    fastest_c = max(fastest_c, rate)
                note = compare(result["agents"], ours) + f" (of {result['done']:,})"
                if result["first_error"]:
                    note += f"; first error: {result['first_error'][:60]}"
                rows.append((f"{peer} (Erlang {model})", rate, f"{own / rate:,.0f}×" if rate else "—", note))
    print(f"\nWorkforce staffing, {size:,} intervals of 15 min (10–2,000 calls, AHT 180–400 s, 80/20; "
          f"Erlang A: patience 60–300 s); peers capped at {args.cap:g} s each\n")
    print("| implementation | intervals/s | charte is faster by | agreement with charte |")
    print("| --- | ---: | ---: | --- |")
    for name, rate, ratio, note in rows:
        print(f"| {name} | {rate:,.0f} | {ratio} | {note} |")
    if fastest_c:
        print(f"\nErlang C: charte {size / t_c:,.0f} intervals/s = {size / t_c / fastest_c:,.0f}× the fastest peer.")
    worst_c, bad_c, points_c = erlang_c_accuracy()
    print(f"Erlang C accuracy vs mpmath (50 digits), 0.1–20,000 Erlangs: max |service-level error| {worst_c:.1e} "
          f"over {3 * points_c} evaluations; staffing mismatches {bad_c} of {points_c}.")
    worst_a, bad_a, points_a = erlang_a_accuracy()
    print(f"Erlang A accuracy vs mpmath closed form (40 digits), 0.1–2,000 Erlangs: max |service-level error| "
          f"{worst_a:.1e}; staffing mismatches {bad_a} of {points_a}.")


if __name__ == "__main__":
    main()
