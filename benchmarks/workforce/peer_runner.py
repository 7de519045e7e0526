"""Run one PyPI peer's staffing over a list of intervals, in the peers' own environment.

Invoked by ``bench_staffing.py`` with the interpreter of ``benchmarks/.envs/workforce-peers``
(never imports charte). Reads a JSON job on standard input:
{"peer": name, "model": "C" | "A", "cap": seconds, "period": s, "sl": share, "within": s,
 "calls": [...], "aht": [...], "patience": [...]}; works through the intervals in order until
done or until ``cap`` seconds have passed, and prints a JSON line:
{"done": k, "seconds": t, "agents": [...] (-1 where the peer raised), "errors": n, "first_error": text}.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable

Job = dict


def _pyworkforce(job: Job) -> Callable[[float, float, float], int]:
    from pyworkforce.queuing import ErlangA, ErlangC

    minutes = job["period"] / 60

    def staff(calls: float, aht: float, patience: float) -> int:
        if job["model"] == "A":
            model = ErlangA(transactions=calls, aht=aht / 60, asa=job["within"] / 60, interval=minutes,
                            patience=patience / 60)
        else:
            model = ErlangC(transactions=calls, aht=aht / 60, asa=job["within"] / 60, interval=minutes)
        return int(model.required_positions(service_level=job["sl"])["raw_positions"])

    return staff


def _call_center_tools(job: Job) -> Callable[[float, float, float], int]:
    from call_center_tools.staffing import calc_staffing

    per_hour = 3600 / job["period"]

    def staff(calls: float, aht: float, patience: float) -> int:
        result = calc_staffing(calls_per_hour=calls * per_hour, aht=aht, max_occupancy=1.0,
                               target_answer_time=job["within"], target_service_level=job["sl"])
        return int(result.agents)

    return staff


def _callcenterdim(job: Job) -> Callable[[float, float, float], int]:
    from callcenterdim.Dimensionamento import AgentsReq

    def staff(calls: float, aht: float, patience: float) -> int:
        return int(AgentsReq(calls, job["period"] / 60, aht, job["sl"], job["within"]))

    return staff


def _pyqueueing(job: Job) -> Callable[[float, float, float], int]:
    from pyqueueing.planner import CallCenterPlanner

    def staff(calls: float, aht: float, patience: float) -> int:
        planner = CallCenterPlanner(arrival_rate=calls / job["period"], service_rate=1 / aht,
                                    patience_rate=1 / patience if job["model"] == "A" else None)
        found = planner.required_agents(target_service_level=(job["within"], job["sl"]), max_servers=10_000)
        return int(found["erlang_a" if job["model"] == "A" else "erlang_c"])

    return staff


def _mod_turbotab(job: Job) -> Callable[[float, float, float], int]:
    from mod_turbotab.agents.capacity import agents_required

    def staff(calls: float, aht: float, patience: float) -> int:
        return int(agents_required(job["sl"], job["within"], calls, aht, interval=job["period"],
                                   patience=patience if job["model"] == "A" else None))

    return staff


def _erlanglib(job: Job) -> Callable[[float, float, float], int]:
    from erlanglib.core import erlang_c, service_level

    def staff(calls: float, aht: float, patience: float) -> int:
        load = calls * aht / job["period"]
        n = math.floor(load) + 1
        while service_level(n, load, erlang_c(n, load), job["within"], aht) < job["sl"]:
            n += 1
        return n

    return staff


PEERS = {
    "pyworkforce": _pyworkforce,
    "call-center-tools": _call_center_tools,
    "callcenterdim": _callcenterdim,
    "pyqueueing": _pyqueueing,
    "mod-turbotab": _mod_turbotab,
    "erlanglib": _erlanglib,
}


def main() -> None:
    job = json.loads(sys.stdin.read())
    staff = PEERS[job["peer"]](job)
    agents: list[int] = []
    errors, first_error = 0, ""
    start = time.perf_counter()
    for calls, aht, patience in zip(job["calls"], job["aht"], job["patience"], strict=True):
        try:
            agents.append(staff(calls, aht, patience))
        except Exception as error:  # a peer crashing on an interval is a finding, not a stop
            errors += 1
            first_error = first_error or f"{type(error).__name__}: {error}"[:200]
            agents.append(-1)
        if time.perf_counter() - start > job["cap"]:
            break
    seconds = time.perf_counter() - start
    print(json.dumps({"done": len(agents), "seconds": seconds, "agents": agents, "errors": errors,
                      "first_error": first_error}))


if __name__ == "__main__":
    main()
