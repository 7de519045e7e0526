"""Rolling-origin benchmark of the planning forecaster against the usual baselines on real data.

Series: bank-calls-2003 (five-minute call counts of a North American bank, 2003-03-03 to
2003-10-24, see ../shared/data/README.md), at 30-minute granularity: 28 slots 07:00–21:00,
Monday–Friday. The lone 21:00 five-minute bin of each day is after closing: counted and
reported, not used. Origins: the last 8 weeks, each forecast issued at the end of the previous
week for that week's working days, from the past only.

Calendar: the default one of the data's country, as `charte forecast evaluate --country US`
builds it — the US public holidays of the `holidays` package are closed (Memorial Day,
Independence Day, Labor Day, and Columbus Day 2003-10-13, on which the bank did take calls:
that day is closed, neither used nor scored). `--hand-calendar` instead closes only the holidays
the series lacks (the first wave's setting). The other missing weekdays (2003-04-04, 04-07,
10-14) are lost data, not closures.

Every method is scored on the same origins: WAPE, bias, the share of held-out half-hours inside
its 80 % prediction interval (charte's own; statsforecast's; for the simple baselines, the
empirical interval of their own errors over the 8 weeks before each origin), MASE, daily WAPE.
`--windows 3` also scores the two earlier 8-week windows and the coverage over all 24 origins.

Run: .venv/bin/python benchmarks/forecast/bank_calls_2003.py [--origins 8] [--windows 1]
(the data folder is ../shared/data beside the repository, or $CHARTE_SHARED_DATA)
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from datetime import datetime
from pathlib import Path

import holidays

from charte.forecast.evaluation import format_table, origins_of, rolling_origin, week_days
from charte.forecast.history import IntervalHistory
from charte.forecast.methods import planning_forecast, standard_methods
from charte.forecast.special_days import PlanningCalendar
from charte.forecast.working_week import WorkingWeek

SHARED = Path(os.environ.get("CHARTE_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
DATA = SHARED / "bank-calls-2003" / "calls_5min_2003.csv"


def load(path: Path = DATA) -> IntervalHistory:
    with path.open(newline="") as handle:
        rows = [(datetime.fromisoformat(r["DateTime"]), float(r["Calls"])) for r in csv.DictReader(handle)]
    week = WorkingWeek.uniform(7 * 60, 21 * 60, range(5))
    return IntervalHistory.from_points(rows, minutes=30, week=week)


def country_calendar(history: IntervalHistory) -> PlanningCalendar:
    """The default calendar of the data's country: US public holidays closed."""
    years = range(history.days[0].year, history.days[-1].year + 1)
    return PlanningCalendar.of_country("US", years, week=WorkingWeek.uniform(7 * 60, 21 * 60, range(5)))


def closure_calendar(history: IntervalHistory) -> PlanningCalendar:
    """Only the US holidays the series lacks are closed (the first wave's hand-picked calendar)."""
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
    parser.add_argument("--hand-calendar", action="store_true", help="close only the holidays the series lacks")
    parser.add_argument("--no-statsforecast", action="store_true", help="leave out the MSTL + AutoETS baseline")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"skipped: {DATA} is absent (shared data folder not available)")
        return 0
    history = load()
    calendar = closure_calendar(history) if args.hand_calendar else country_calendar(history)
    closed = sorted(d for d in calendar.closures if history.days[0] <= d <= history.days[-1])
    print(f"{len(history.days)} days × {history.slots} slots; closed: {', '.join(map(str, closed))}; "
          f"not used: {history.outside.describe()}")
    held: dict[str, list[float]] = {}
    for window in range(args.windows):
        cut = history if window == 0 else history.before(origins_of(history, 8 * window)[0])
        evaluation = rolling_origin(cut, standard_methods(with_statsforecast=not args.no_statsforecast), calendar,
                                    origins=args.origins)
        print(f"\nwindow ending {cut.days[-1]} — origins {evaluation.origins[0]} … {evaluation.origins[-1]}")
        print(format_table(evaluation))
        for name, scores in evaluation.scores.items():
            held.setdefault(name, []).append(scores.coverage)
    if args.windows > 1:
        print(f"\n80% interval coverage over all {args.windows * args.origins} origins (mean of the windows):")
        for name, values in held.items():
            print(f"  {name}: {sum(values) / len(values):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
