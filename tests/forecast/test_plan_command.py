from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from charte.cli import app


def write_history(path: Path) -> None:
    """Ten weeks of Mon–Fri half-hour calls 08:00–12:00, Monday busiest."""
    rng = np.random.default_rng(3)
    lines = ["DateTime,Calls"]
    day = datetime(2026, 9, 14)
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
                                      "--out", str(tmp_path), "--opening", "08:00", "--closing", "12:00"])
    assert result.exit_code == 0, result.output
    intervals = (tmp_path / "plan_intervals.csv").read_text().splitlines()
    assert intervals[0].startswith("date,start,calls") and len(intervals) == 1 + 5 * 8
    assert len((tmp_path / "plan_days.csv").read_text().splitlines()) == 1 + 5
    assert "0 intervals under-covered" in result.output


def test_forecast_evaluate_prints_the_method_table(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    write_history(history)
    result = CliRunner().invoke(app, ["forecast", "evaluate", str(history), "--opening", "08:00", "--closing", "12:00",
                                      "--origins", "2", "--no-statsforecast"])
    assert result.exit_code == 0, result.output
    assert "| seasonal naive (same slot last week) |" in result.output
