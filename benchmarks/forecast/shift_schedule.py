"""Shift scheduling benchmark: a realistic week of 30-minute requirements, MILP vs LP bound.

The week is the bank-calls-2003 week of 2003-10-20 forecast by the planning forecaster,
staffed with Erlang A (AHT 240 s, 80 % in 20 s, patience 180 s, shrinkage 30 %), 07:00–21:00;
when ../shared/data is absent, a two-peak synthetic week of the same size is used.

Run: .venv/bin/python benchmarks/forecast/shift_schedule.py
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bank_calls_2003 import DATA, closure_calendar, load

from charte.forecast.methods import planning_forecast
from charte.workforce.schedule import ShiftRules, schedule_shifts
from charte.workforce.staffing_plan import StaffingTarget, staffing_plan


def requirement() -> np.ndarray:
    if not DATA.exists():
        t = np.arange(28)
        shape = np.exp(-(((t - 6) / 4) ** 2)) + 0.8 * np.exp(-(((t - 15) / 5) ** 2)) + 0.15
        return np.array([np.ceil(90 * f * shape) for f in (1.15, 1.0, 0.95, 0.97, 1.02)]).astype(np.int64)
    history = load()
    monday = date(2003, 10, 20)
    calendar = closure_calendar(history)
    days = [monday + timedelta(days=k) for k in range(5)]
    forecast = planning_forecast(history.before(monday), days, calendar)
    plan = staffing_plan(tuple(days), forecast.point, 30, StaffingTarget(240.0, 0.8, 20.0, 180.0, 0.30))
    return plan.scheduled


def main() -> int:
    required = requirement()
    print(f"requirement: {required.shape[0]} days × {required.shape[1]} slots, peak {required.max()} agents, "
          f"{required.sum() / 2:.0f} agent-hours")
    print("| shift rules | cost (h) | LP bound (h) | gap | under-covered intervals | seconds |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, rules in [("4/6/7/8 h, break above 6 h", ShiftRules()),
                         ("7/8 h only, break", ShiftRules(lengths_hours=(7.0, 8.0))),
                         ("8 h only, break", ShiftRules(lengths_hours=(8.0,)))]:
        s = schedule_shifts(required, 30, rules)
        print(f"| {label} | {s.cost:.1f} | {s.lp_bound:.1f} | {s.gap:.2%} | {len(s.under_covered_intervals)} "
              f"| {s.seconds:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
