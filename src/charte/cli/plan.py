"""``charte plan`` (week-ahead forecast → staffing plan → shifts) and ``charte forecast evaluate``."""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

from charte.cli.app import app
from charte.domain.cells import inert_row
from charte.forecast.evaluation import format_table, rolling_origin
from charte.forecast.history import IntervalHistory
from charte.forecast.methods import planning_forecast, standard_methods
from charte.forecast.special_days import PlanningCalendar

forecast_app = typer.Typer(help="Provider-side forecasting: evaluate methods on a history.", no_args_is_help=True)
app.add_typer(forecast_app, name="forecast")

TIME_COLUMNS = ("interval_start", "DateTime", "datetime", "timestamp")
COUNT_COLUMNS = ("offered", "Calls", "calls", "contacts")


def read_series_csv(path: Path, activity: str | None = None) -> list[tuple[datetime, float]]:
    """(local timestamp, count) points of a CSV: ``DateTime,Calls`` or an interval report
    (``activity,interval_start,offered,…``, rows of other activities skipped)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        when = next((c for c in TIME_COLUMNS if c in fields), None)
        count = next((c for c in COUNT_COLUMNS if c in fields), None)
        if when is None or count is None:
            raise typer.BadParameter(f"{path}: expected a time column ({', '.join(TIME_COLUMNS)}) and a count column "
                                     f"({', '.join(COUNT_COLUMNS)}); found {', '.join(fields)}")
        rows = [r for r in reader if activity is None or "activity" not in r or r["activity"] == activity]
    points = []
    for line, row in enumerate(rows, start=2):
        try:
            moment = datetime.fromisoformat(row[when])
            points.append((moment.replace(tzinfo=None) if moment.tzinfo else moment, float(row[count])))
        except ValueError:
            raise typer.BadParameter(f"{path}:{line}: `{when}`={row[when]!r}, `{count}`={row[count]!r}: "
                                     "expected an ISO timestamp and a number") from None
    return points


def _clock(text: str, option: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a time; expected HH:MM", param_hint=option) from None


def _calendar(history: IntervalHistory, country: str, extra_years: tuple[int, ...] = ()) -> PlanningCalendar:
    import holidays

    years = range(history.days[0].year, max(history.days[-1].year, *extra_years, 0) + 1)
    table = holidays.country_holidays(country, years=years)
    present = set(history.days)
    # a public holiday is a closure unless the history shows the center open on it
    return PlanningCalendar(frozenset(d for d in table if d not in present))


@forecast_app.command("evaluate")
def evaluate(
    series: Annotated[Path, typer.Argument(help="CSV of (timestamp, count): DateTime,Calls or an interval report")],
    minutes: Annotated[int, typer.Option(help="slot length: 15, 30 or 60")] = 30,
    opening: Annotated[str, typer.Option(help="local time of the first slot")] = "07:00",
    closing: Annotated[str, typer.Option(help="local closing time; later points fold into the last slot")] = "21:00",
    origins: Annotated[int, typer.Option(help="weekly origins, the last weeks of the series")] = 8,
    country: Annotated[str, typer.Option(help="public holidays of this country are closures")] = "FR",
    statsforecast: Annotated[bool, typer.Option(help="include the MSTL + AutoETS baseline")] = True,
) -> None:
    """Rolling-origin evaluation of the planning forecaster and the baselines (Markdown table)."""
    history = IntervalHistory.from_points(read_series_csv(series), minutes=minutes,
                                          opening=_clock(opening, "--opening"), closing=_clock(closing, "--closing"))
    evaluation = rolling_origin(history, standard_methods(with_statsforecast=statsforecast),
                                _calendar(history, country), origins=origins)
    typer.echo(f"{len(history.days)} days × {history.slots} slots; origins {evaluation.origins[0]} … "
               f"{evaluation.origins[-1]}")
    typer.echo(format_table(evaluation))


def _week(text: str) -> date:
    try:
        year, week = text.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an ISO week; expected e.g. 2026-W48", param_hint="--week") from None


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(inert_row(r) for r in rows)


@app.command()
def plan(
    activity: Annotated[str, typer.Option(help="activity id")],
    week: Annotated[str, typer.Option(help="ISO week to plan, e.g. 2026-W48")],
    history_file: Annotated[Path, typer.Option("--history", help="interval history CSV of the activity")],
    out: Annotated[Path, typer.Option(help="folder for plan_intervals.csv, plan_days.csv, shifts.csv")] = Path("."),
    minutes: Annotated[int, typer.Option(help="slot length: 15, 30 or 60")] = 30,
    opening: Annotated[str, typer.Option()] = "08:00",
    closing: Annotated[str, typer.Option()] = "20:00",
    aht: Annotated[float, typer.Option(help="average handle time, seconds")] = 300.0,
    sl: Annotated[float, typer.Option(help="service-level target, share answered within --sl-seconds")] = 0.8,
    sl_seconds: Annotated[float, typer.Option()] = 20.0,
    patience: Annotated[float | None, typer.Option(help="measured mean patience, seconds (Erlang A)")] = None,
    shrinkage: Annotated[float, typer.Option()] = 0.30,
    country: Annotated[str, typer.Option(help="public holidays of this country are closures")] = "FR",
) -> None:
    """Forecast the week, staff it (Erlang A), schedule shifts (HiGHS) and export the plan."""
    from charte.workforce.schedule import schedule_shifts
    from charte.workforce.staffing_plan import StaffingTarget, staffing_plan

    monday = _week(week)
    history = IntervalHistory.from_points(read_series_csv(history_file, activity), minutes=minutes,
                                          opening=_clock(opening, "--opening"), closing=_clock(closing, "--closing"))
    history = history.before(monday)
    if not history.days:
        raise typer.BadParameter(f"{history_file}: no history for activity {activity!r} before {monday}")
    calendar = _calendar(history, country, (monday.year,))
    days = [d for d in (monday + timedelta(days=k) for k in range(7)) if calendar.is_working(d)]
    forecast = planning_forecast(history, days, calendar)
    staffing = staffing_plan(tuple(days), forecast.point, minutes,
                             StaffingTarget(aht, sl, sl_seconds, patience_seconds=patience, shrinkage=shrinkage))
    schedule = schedule_shifts(staffing.scheduled, minutes)
    out.mkdir(parents=True, exist_ok=True)
    labels = history.slot_labels()
    _write(out / "plan_intervals.csv", ["date", "start", "calls", "calls_low", "calls_high", "required_agents",
                                        "scheduled_agents", "covered_agents"],
           [[r.day, labels[r.slot], f"{r.calls:.1f}", f"{forecast.lower[i, r.slot]:.1f}",
             f"{forecast.upper[i, r.slot]:.1f}", r.required_agents, r.scheduled_agents, schedule.coverage[i, r.slot]]
            for i, d in enumerate(days) for r in staffing.per_interval() if r.day == d])
    _write(out / "plan_days.csv", ["date", "calls", "required_agent_hours", "scheduled_agent_hours", "fte"],
           [[r.day, f"{r.calls:.0f}", f"{r.required_agent_hours:.1f}", f"{r.scheduled_agent_hours:.1f}",
             f"{r.fte:.2f}"] for r in staffing.per_day()])
    _write(out / "shifts.csv", ["date", "start", "hours", "break", "agents"],
           [[days[s.day], labels[s.start], s.length * minutes / 60,
             "" if s.break_slot is None else labels[s.break_slot], n] for s, n in schedule.shifts])
    typer.echo(f"{activity} {week}: {forecast.point.sum():.0f} contacts forecast over {len(days)} days, "
               f"{staffing.fte:.1f} FTE; shifts cost {schedule.cost:.1f} h, {schedule.gap:.2%} above the LP bound "
               f"{schedule.lp_bound:.1f} h, {len(schedule.under_covered_intervals)} intervals under-covered; "
               f"written to {out}")
