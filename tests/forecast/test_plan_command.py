from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from charte.cli import app


def write_history(path: Path) -> None:
    """Ten weeks of Mon–Fri half-hour calls 08:00–12:00, Monday busiest."""
    rng = np.random.default_rng(3)
    lines = ["DateTime,Calls"]
    day = datetime(2026, 9, 14, 8, 0)
    for _ in range(70):
        if day.weekday() < 5:
            for slot in range(8):
                mean = 40 * (1.3 if day.weekday() == 0 else 1.0) * (1 + slot % 4)
                lines.append(f"{day + timedelta(minutes=30 * slot):%Y-%m-%d %H:%M:%S},{rng.poisson(mean)}")
        day += timedelta(days=1)
    path.write_text("\n".join(lines) + "\n")


def test_plan_writes_the_interval_day_and_shift_exports(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    write_history(history)
    result = CliRunner().invoke(app, ["plan", "--activity", "A", "--week", "2026-W48", "--history", str(history),
                                      "--out", str(tmp_path), "--opening", "08:00", "--closing", "12:00",
                                      "--zone", "Europe/Paris"])
    assert result.exit_code == 0, result.output
    intervals = (tmp_path / "plan_intervals.csv").read_text().splitlines()
    assert intervals[0].startswith("date,start,calls") and len(intervals) == 1 + 5 * 8
    assert len((tmp_path / "plan_days.csv").read_text().splitlines()) == 1 + 5
    assert "0 intervals under-covered" in result.output


def test_forecast_evaluate_prints_the_method_table(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    write_history(history)
    result = CliRunner().invoke(app, ["forecast", "evaluate", str(history), "--opening", "08:00", "--closing", "12:00",
                                      "--origins", "2", "--no-statsforecast", "--zone", "Europe/Paris"])
    assert result.exit_code == 0, result.output
    assert "| seasonal naive (same slot last week) |" in result.output


# -- issue 19: working week, holidays, midnight, calls outside hours, date + time columns ---------

def write_days(path: Path, first: datetime, days: int, *, weekdays: set[int], hours: tuple[int, int],
               before_opening: int = 0, split: bool = False) -> None:
    """Half-hour calls on ``weekdays`` between ``hours``, 20 + 10 × slot a half-hour (no noise)."""
    lines = ["date,time,calls" if split else "DateTime,Calls"]
    for k in range(days):
        day = first + timedelta(days=k)
        if day.weekday() not in weekdays:
            continue
        if before_opening:
            moment = day.replace(hour=hours[0]) - timedelta(minutes=30)
            lines.append(f"{moment:%Y-%m-%d},{moment:%H:%M}" + f",{before_opening}" if split
                         else f"{moment:%Y-%m-%d %H:%M:%S},{before_opening}")
        for slot in range((hours[1] - hours[0]) * 2):
            moment = day.replace(hour=hours[0]) + timedelta(minutes=30 * slot)
            count = 20 + 10 * (slot % 6)
            lines.append(f"{moment:%Y-%m-%d},{moment:%H:%M},{count}" if split
                         else f"{moment:%Y-%m-%d %H:%M:%S},{count}")
    path.write_text("\n".join(lines) + "\n")


def plan_days(folder: Path) -> list[str]:
    return [line.split(",")[0] for line in (folder / "plan_days.csv").read_text().splitlines()[1:]]


def test_a_sunday_to_thursday_operation_is_planned_sunday_to_thursday(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    write_days(history, datetime(2026, 9, 6), 70, weekdays={6, 0, 1, 2, 3}, hours=(8, 12))
    result = CliRunner().invoke(app, ["plan", "--activity", "A", "--week", "2026-W47", "--history", str(history),
                                      "--out", str(tmp_path), "--hours", "Su-Th 08:00-12:00", "--zone", "Asia/Dubai"])
    assert result.exit_code == 0, result.output
    # ISO week 2026-W47 runs Monday 16 to Sunday 22 November
    assert plan_days(tmp_path) == ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-22"]


def test_the_contract_opening_hours_give_the_working_week(tmp_path: Path) -> None:
    from charte.examples import __file__ as examples_init

    contract = tmp_path / "contract.yaml"
    text = (Path(examples_init).parent / "service-client-energie.yaml").read_text(encoding="utf-8")
    contract.write_text(text.replace('"Mo-Fr 08:00-20:00; Sa 09:00-18:00; PH off"', '"Su-Th 08:00-12:00; PH off"', 1),
                        encoding="utf-8")
    history = tmp_path / "history.csv"
    write_days(history, datetime(2026, 9, 6), 70, weekdays={6, 0, 1, 2, 3}, hours=(8, 12))
    result = CliRunner().invoke(app, ["plan", "--activity", "service-inbound", "--week", "2026-W47", "--history",
                                      str(history), "--out", str(tmp_path), "--contract", str(contract),
                                      "--zone", "Europe/Paris"])
    assert result.exit_code == 0, result.output
    assert plan_days(tmp_path)[-1] == "2026-11-22" and "2026-11-20" not in plan_days(tmp_path)


def test_a_public_holiday_is_closed_even_when_the_history_has_calls_on_it(tmp_path: Path) -> None:
    # 11 November 2026 (Armistice) is a Wednesday; the export has calls on it, and on 1 and 8 May.
    history = tmp_path / "history.csv"
    write_days(history, datetime(2026, 4, 6), 220, weekdays={0, 1, 2, 3, 4}, hours=(8, 12))
    result = CliRunner().invoke(app, ["plan", "--activity", "A", "--week", "2026-W46", "--history", str(history),
                                      "--out", str(tmp_path), "--opening", "08:00", "--closing", "12:00",
                                      "--zone", "Europe/Paris"])
    assert result.exit_code == 0, result.output
    assert "2026-11-11" not in plan_days(tmp_path) and len(plan_days(tmp_path)) == 5 - 1
    # the calls of the past holidays (1 May, 8 May, 14 July, 15 August is a Saturday) are reported, not used
    assert "on public holidays or closures" in result.output
    special = CliRunner().invoke(app, ["plan", "--activity", "A", "--week", "2026-W46", "--history", str(history),
                                       "--out", str(tmp_path), "--opening", "08:00", "--closing", "12:00",
                                       "--zone", "Europe/Paris", "--holidays", "special"])
    assert special.exit_code == 0, special.output
    assert "2026-11-11" in plan_days(tmp_path)


@pytest.mark.parametrize("closing", ["24:00", "00:00"])
def test_a_line_open_until_midnight(tmp_path: Path, closing: str) -> None:
    history = tmp_path / "history.csv"
    write_days(history, datetime(2026, 9, 14), 63, weekdays={0, 1, 2, 3, 4}, hours=(20, 24))
    result = CliRunner().invoke(app, ["plan", "--activity", "A", "--week", "2026-W47", "--history", str(history),
                                      "--out", str(tmp_path), "--opening", "20:00", "--closing", closing,
                                      "--zone", "Europe/Paris"])
    assert result.exit_code == 0, result.output
    starts = [line.split(",")[1] for line in (tmp_path / "plan_intervals.csv").read_text().splitlines()[1:]]
    assert starts[:8] == ["20:00", "20:30", "21:00", "21:30", "22:00", "22:30", "23:00", "23:30"]


def test_calls_before_opening_are_counted_and_reported(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    write_days(history, datetime(2026, 9, 14), 63, weekdays={0, 1, 2, 3, 4}, hours=(8, 12), before_opening=7)
    result = CliRunner().invoke(app, ["plan", "--activity", "A", "--week", "2026-W47", "--history", str(history),
                                      "--out", str(tmp_path), "--opening", "08:00", "--closing", "12:00",
                                      "--zone", "Europe/Paris"])
    assert result.exit_code == 0, result.output
    # 9 weeks × 5 days × 7 calls at 07:30, and none of them in the 08:00 slot of the forecast
    assert "315 before opening" in result.output
    first = (tmp_path / "plan_intervals.csv").read_text().splitlines()[1].split(",")
    assert first[1] == "08:00" and abs(float(first[2]) - 20.0) < 0.5


def test_a_date_column_and_a_time_column_with_the_zone_stated(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    write_days(history, datetime(2026, 9, 14), 63, weekdays={0, 1, 2, 3, 4}, hours=(8, 12), split=True)
    args = ["plan", "--activity", "A", "--week", "2026-W47", "--history", str(history), "--out", str(tmp_path),
            "--opening", "08:00", "--closing", "12:00"]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 2 and "--zone" in refused.output and "naive_timestamp" in refused.output
    result = CliRunner().invoke(app, [*args, "--zone", "Europe/Paris"])
    assert result.exit_code == 0, result.output
    assert len(plan_days(tmp_path)) == 5


@pytest.mark.parametrize(("hours", "planned"), [("Mo-Fr 08:00-12:00; PH off", False), ("Mo-Fr 08:00-12:00", True)])
def test_the_contract_says_whether_public_holidays_are_worked(tmp_path: Path, hours: str, planned: bool) -> None:
    # "PH off" closes 11 November 2026 (a Wednesday); without a PH rule holidays keep their weekday's hours
    from charte.examples import __file__ as examples_init

    contract = tmp_path / "contract.yaml"
    text = (Path(examples_init).parent / "service-client-energie.yaml").read_text(encoding="utf-8")
    contract.write_text(text.replace('"Mo-Fr 08:00-20:00; Sa 09:00-18:00; PH off"', f'"{hours}"', 1), encoding="utf-8")
    history = tmp_path / "history.csv"
    write_days(history, datetime(2026, 4, 6), 220, weekdays={0, 1, 2, 3, 4}, hours=(8, 12))
    result = CliRunner().invoke(app, ["plan", "--activity", "service-inbound", "--week", "2026-W46", "--history",
                                      str(history), "--out", str(tmp_path), "--contract", str(contract),
                                      "--zone", "Europe/Paris"])
    assert result.exit_code == 0, result.output
    assert ("2026-11-11" in plan_days(tmp_path)) is planned
