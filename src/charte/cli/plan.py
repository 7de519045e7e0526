"""``charte plan`` (week-ahead forecast → staffing plan → shifts) and ``charte forecast evaluate``."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from charte.cli.app import app
from charte.domain.cells import inert_row
from charte.forecast.evaluation import format_table, rolling_origin
from charte.forecast.history import HistoryError, IntervalHistory
from charte.forecast.methods import planning_forecast, standard_methods
from charte.forecast.special_days import PlanningCalendar
from charte.forecast.working_week import WorkingWeek, WorkingWeekError, parse_clock, parse_days

forecast_app = typer.Typer(help="Provider-side forecasting: evaluate methods on a history.", no_args_is_help=True)
app.add_typer(forecast_app, name="forecast")

TIME_COLUMNS = ("interval_start", "DateTime", "datetime", "timestamp")
DATE_COLUMNS = ("date", "Date", "day", "jour")
CLOCK_COLUMNS = ("time", "Time", "heure", "start", "interval")
COUNT_COLUMNS = ("offered", "Calls", "calls", "contacts")

HISTORY_HELP = ("CSV of contacts per interval: a timestamp column (interval_start, DateTime, datetime, timestamp) "
                "or a date column (date, day, jour) and a time column (time, heure, start, interval), and a count "
                "column (offered, Calls, calls, contacts); an interval report's rows of other activities are "
                "skipped. Timestamps without an offset need --zone; with one they are converted to --zone.")
HOURS_HELP = ("working week and hours in the contract's syntax, e.g. 'Su-Th 08:00-20:00; Fr 08:00-12:00' "
              "(24:00 = midnight); overrides --days/--opening/--closing. Contacts outside these hours are counted "
              "and reported apart, never folded into an open slot")
HOLIDAYS_HELP = ("public holidays of --country: 'close' (closed even when the history has contacts on them; those "
                 "contacts are left out and reported) or 'special' (worked, modelled as special days whose effect "
                 "is learnt from past holidays)")


def _zone(name: str | None) -> ZoneInfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise typer.BadParameter(f"{name!r} is not a time zone; expected e.g. Europe/Paris",
                                 param_hint="--zone") from None


def read_series_csv(path: Path, activity: str | None = None, zone: ZoneInfo | None = None
                    ) -> list[tuple[datetime, float]]:
    """(local wall-clock timestamp, count) points of a CSV (see ``HISTORY_HELP``).

    A timestamp with an offset is converted to ``zone`` (the activity's); one without is taken as
    ``zone``'s wall-clock time, and refused when no zone is stated (never guessed).
    """
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise typer.BadParameter(f"{path}: {error.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        when = next((c for c in TIME_COLUMNS if c in fields), None)
        on = next((c for c in DATE_COLUMNS if c in fields), None)
        clock = next((c for c in CLOCK_COLUMNS if c in fields), None)
        count = next((c for c in COUNT_COLUMNS if c in fields), None)
        if (when is None and (on is None or clock is None)) or count is None:
            raise typer.BadParameter(f"{path}: expected a time column ({', '.join(TIME_COLUMNS)}) or a date and a time "
                                     f"column ({', '.join(DATE_COLUMNS)} / {', '.join(CLOCK_COLUMNS)}), and a count "
                                     f"column ({', '.join(COUNT_COLUMNS)}); found {', '.join(fields)}")
        rows = [r for r in reader if activity is None or "activity" not in r or r["activity"] == activity]
    points, problems = [], []
    for line, row in enumerate(rows, start=2):
        text = row[when] if when else f"{row[on or '']}T{row[clock or '']}"
        try:
            moment = datetime.fromisoformat(text.strip())
            value = float(row[count])
        except ValueError:
            column = f"`{when}`" if when else f"`{on}` and `{clock}`"
            problems.append(f"{path}:{line}: {column}={text!r}, `{count}`={row[count]!r}: expected an ISO date and "
                            "time and a number")
            continue
        if moment.tzinfo is not None:
            # converted to the activity's zone; without --zone, its own wall clock (the offset says it)
            moment = (moment if zone is None else moment.astimezone(zone)).replace(tzinfo=None)
        elif zone is None:
            problems.append(f"{path}:{line}: [naive_timestamp] {text!r} has no UTC offset; state the zone of the "
                            "file's times with --zone (e.g. --zone Europe/Paris)")
            break
        points.append((moment, value))
    if problems:
        raise typer.BadParameter("\n".join(problems[:20]) + (f"\n… and {len(problems) - 20} more"
                                                             if len(problems) > 20 else ""))
    return points


def _week(hours: str | None, days: str, opening: str, closing: str) -> WorkingWeek:
    try:
        if hours is not None:
            return WorkingWeek.from_hours(hours)
        return WorkingWeek.uniform(parse_clock(opening), parse_clock(closing, closing=True), parse_days(days))
    except WorkingWeekError as error:
        raise typer.BadParameter(str(error), param_hint="--hours/--days/--opening/--closing") from None


def _history(path: Path, activity: str | None, zone: str | None, minutes: int, week: WorkingWeek) -> IntervalHistory:
    try:
        return IntervalHistory.from_points(read_series_csv(path, activity, _zone(zone)), minutes=minutes, week=week)
    except (HistoryError, WorkingWeekError) as error:
        raise typer.BadParameter(f"{path}: {error}") from None


def _calendar(history: IntervalHistory, country: str, week: WorkingWeek, holidays: str,
              extra_years: tuple[int, ...] = ()) -> PlanningCalendar:
    years = range(history.days[0].year, max(history.days[-1].year, *extra_years, 0) + 1)
    try:
        return PlanningCalendar.of_country(country, years, week=week, holidays=holidays)
    except (ValueError, NotImplementedError, KeyError) as error:
        raise typer.BadParameter(f"{error}", param_hint="--country/--holidays") from None


def _report_outside(history: IntervalHistory, calendar: PlanningCalendar) -> None:
    closed = sum(float(history.counts[i].sum()) for i, d in enumerate(history.days) if not calendar.is_working(d))
    outside = history.outside
    parts = [outside.describe(), f"{closed:,.0f} on public holidays or closures" if closed else ""]
    text = ", ".join(p for p in parts if p)
    if text:
        typer.echo(f"not used by the forecast (outside the working week and hours): {text}", err=True)


@forecast_app.command("evaluate")
def evaluate(
    series: Annotated[Path, typer.Argument(help=HISTORY_HELP)],
    minutes: Annotated[int, typer.Option(help="slot length: 15, 30 or 60")] = 30,
    hours: Annotated[str | None, typer.Option(help=HOURS_HELP)] = None,
    days: Annotated[str, typer.Option(help="working weekdays, e.g. Mo-Fr, Su-Th, Mo,We,Fr")] = "Mo-Fr",
    opening: Annotated[str, typer.Option(help="local time of the first slot")] = "07:00",
    closing: Annotated[str, typer.Option(help="local closing time; 24:00 (or 00:00) = midnight")] = "21:00",
    zone: Annotated[str | None, typer.Option(help="time zone of the file's times (required when they have no "
                                                  "offset), e.g. Europe/Paris")] = None,
    origins: Annotated[int, typer.Option(help="weekly origins, the last weeks of the series")] = 8,
    country: Annotated[str, typer.Option(help="country of the public holidays (ISO code: FR, US…)")] = "FR",
    holidays: Annotated[str, typer.Option(help=HOLIDAYS_HELP)] = "close",
    statsforecast: Annotated[bool, typer.Option(help="include the MSTL + AutoETS baseline")] = True,
) -> None:
    """Rolling-origin evaluation of the planning forecaster and the baselines (Markdown table)."""
    week = _week(hours, days, opening, closing)
    history = _history(series, None, zone, minutes, week)
    if not history.days:
        raise typer.BadParameter(f"{series}: no contact inside the working week {week.describe()}")
    calendar = _calendar(history, country, week, holidays)
    _report_outside(history, calendar)
    evaluation = rolling_origin(history, standard_methods(with_statsforecast=statsforecast), calendar,
                                origins=origins)
    typer.echo(f"{len(history.days)} days × {history.slots} slots ({week.describe()}); origins "
               f"{evaluation.origins[0]} … {evaluation.origins[-1]}")
    typer.echo(format_table(evaluation))


def _iso_week(text: str) -> date:
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
    history_file: Annotated[Path, typer.Option("--history", help=HISTORY_HELP)],
    out: Annotated[Path, typer.Option(help="folder for plan_intervals.csv, plan_days.csv, shifts.csv")] = Path("."),
    minutes: Annotated[int, typer.Option(help="slot length: 15, 30 or 60")] = 30,
    contract: Annotated[Path | None, typer.Option(help="contract YAML: the activity's opening hours are the working "
                                                       "week (unless --hours is given)")] = None,
    hours: Annotated[str | None, typer.Option(help=HOURS_HELP)] = None,
    weekdays: Annotated[str, typer.Option("--days", help="working weekdays, e.g. Mo-Fr, Su-Th")] = "Mo-Fr",
    opening: Annotated[str, typer.Option(help="local opening time")] = "08:00",
    closing: Annotated[str, typer.Option(help="local closing time; 24:00 (or 00:00) = midnight")] = "20:00",
    zone: Annotated[str | None, typer.Option(help="time zone of the history's times (required when they have "
                                                  "no offset), e.g. Europe/Paris")] = None,
    aht: Annotated[float, typer.Option(help="average handle time, seconds")] = 300.0,
    sl: Annotated[float, typer.Option(help="service-level target, share answered within --sl-seconds")] = 0.8,
    sl_seconds: Annotated[float, typer.Option()] = 20.0,
    patience: Annotated[float | None, typer.Option(help="measured mean patience, seconds (Erlang A)")] = None,
    shrinkage: Annotated[float, typer.Option()] = 0.30,
    country: Annotated[str, typer.Option(help="country of the public holidays (ISO code: FR, US…)")] = "FR",
    holidays: Annotated[str | None, typer.Option(
        help=HOLIDAYS_HELP + "; default: as the contract's opening hours say (PH off: close; otherwise special), "
                             "'close' without --contract")] = None,
) -> None:
    """Forecast the week, staff it (Erlang A), schedule shifts (HiGHS) and export the plan.

    Only working days and hours are planned; contacts outside them are reported (stderr), not used.
    """
    from charte.workforce.schedule import schedule_shifts
    from charte.workforce.staffing_plan import StaffingTarget, staffing_plan

    monday = _iso_week(week)
    if hours or contract is None:
        working, holidays = _week(hours, weekdays, opening, closing), holidays or "close"
    else:
        working, contract_holidays = _contract_week(contract, activity)
        holidays = holidays or contract_holidays
    history = _history(history_file, activity, zone, minutes, working).before(monday)
    if not history.days:
        raise typer.BadParameter(f"{history_file}: no history for activity {activity!r} before {monday}")
    calendar = _calendar(history, country, working, holidays, (monday.year,))
    _report_outside(history, calendar)
    days_planned = [d for d in (monday + timedelta(days=k) for k in range(7)) if calendar.is_working(d)]
    if not days_planned:
        raise typer.BadParameter(f"no working day in {week} ({working.describe()}, public holidays: {holidays})")
    forecast = planning_forecast(history, days_planned, calendar)
    staffing = staffing_plan(tuple(days_planned), forecast.point, minutes,
                             StaffingTarget(aht, sl, sl_seconds, patience_seconds=patience, shrinkage=shrinkage))
    days = days_planned
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


def _contract_week(path: Path, activity: str) -> tuple[WorkingWeek, str]:
    """The activity's working week, and what its opening hours say of public holidays: ``PH off`` closes
    them; no ``PH`` rule (holidays keep their weekday's hours) or ``PH`` hours make them special days."""
    from charte.io.contract_yaml import ContractInvalid, load_contract

    try:
        hours = load_contract(path).activity(activity).hours
    except ContractInvalid as error:
        raise typer.BadParameter(str(error), param_hint="--contract") from None
    except KeyError as error:
        raise typer.BadParameter(str(error.args[0]), param_hint="--activity") from None
    try:
        return WorkingWeek.from_hours(hours), "close" if hours.holidays == () else "special"
    except WorkingWeekError as error:
        raise typer.BadParameter(f"{path}: activity {activity!r}: {error}", param_hint="--contract") from None
