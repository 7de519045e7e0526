"""Rolling-origin benchmark of the planning forecaster against the usual baselines on real data.

Series: bank-calls-2003 (five-minute call counts of a North American bank, 2003-03-03 to
2003-10-24, see ../shared/data/README.md), at 30-minute granularity: 28 slots 07:00–21:00,
the lone 21:00 slot folded into the last. Origins: the last 8 weeks, each forecast issued at
the end of the previous week for that week's working days, from the past only.

Closures: the bank is American; the closure calendar is the US public holidays on which the
series has no data (Memorial Day, Independence Day, Labor Day) — a planner knows which
holidays its own center closes on. The other missing weekdays (2003-04-04, 04-07, 10-14)
are not explained by anything known in advance: they are treated as lost data, not closures.

Run: .venv/bin/python benchmarks/forecast/bank_calls_2003.py [--origins 8] [--windows 1]
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import datetime, time
from pathlib import Path

import holidays

from charte.forecast.evaluation import format_table, origins_of, rolling_origin, week_days
from charte.forecast.history import IntervalHistory
from charte.forecast.methods import planning_forecast, standard_methods
from charte.forecast.special_days import PlanningCalendar

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "bank-calls-2003" / "calls_5min_2003.csv"


def load(path: Path = DATA) -> IntervalHistory:
    with path.open(newline="") as handle:
        rows = [(datetime.fromisoformat(r["DateTime"]), float(r["Calls"])) for r in csv.DictReader(handle)]
    return IntervalHistory.from_points(rows, minutes=30, opening=time(7, 0), closing=time(21, 0))


def closure_calendar(history: IntervalHistory) -> PlanningCalendar:
    us = holidays.country_holidays("US", years=range(history.days[0].year, history.days[-1].year + 1))
    present = set(history.days)
    closed = {d for d in us if history.days[0] <= d <= history.days[-1] and d.weekday() < 5 and d not in present}
    return PlanningCalendar(frozenset(closed))


def interval_coverage(history: IntervalHistory, calendar: PlanningCalendar, origins: int) -> float:
    inside = total = 0
    for origin in origins_of(history, origins):
        days = week_days(origin, calendar)
        forecast = planning_forecast(history.before(origin), days, calendar)
        for i, d in enumerate(days):
            row = history.row(d)
            if row is not None:
                inside += int(((row >= forecast.lower[i]) & (row <= forecast.upper[i])).sum())
                total += row.size
    return inside / total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--origins", type=int, default=8)
    parser.add_argument("--windows", type=int, default=1, help="also score earlier 8-week windows (robustness)")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"skipped: {DATA} is absent (shared data folder not available)")
        return 0
    history = load()
    calendar = closure_calendar(history)
    print(f"{len(history.days)} days × {history.slots} slots; closures: {sorted(calendar.closures)}")
    for window in range(args.windows):
        cut = history if window == 0 else history.before(origins_of(history, 8 * window)[0])
        evaluation = rolling_origin(cut, standard_methods(), calendar, origins=args.origins)
        print(f"\nwindow ending {cut.days[-1]} — origins {evaluation.origins[0]} … {evaluation.origins[-1]}")
        print(format_table(evaluation))
        print(f"80% prediction interval coverage (charte): {interval_coverage(cut, calendar, args.origins):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
