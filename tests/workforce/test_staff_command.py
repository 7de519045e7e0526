"""``charte staff``: one interval, a CSV of intervals, and errors a person can act on."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charte.cli import app
from charte.cli.staff import parse_duration, parse_target

runner = CliRunner()


def test_single_interval_prints_the_published_figures() -> None:
    result = runner.invoke(app, ["staff", "--calls", "100", "--per", "30min", "--aht", "3min", "--target", "80/20"])
    assert result.exit_code == 0, result.output
    assert "14" in result.output and "88.84%" in result.output and "71.43%" in result.output


def test_single_interval_with_patience_uses_erlang_a() -> None:
    result = runner.invoke(app, ["staff", "--calls", "100", "--per", "30min", "--aht", "180s", "--target", "80/20",
                                 "--patience", "5min"])
    assert result.exit_code == 0, result.output
    # callers who hang up free agents: 13 suffice (checked against mpmath in test_staffing)
    assert "Erlang A" in result.output
    assert any(line.startswith("│ agents") and line.rstrip("│ ").endswith("13") for line in result.output.splitlines())


def test_csv_of_intervals_adds_staffing_columns(tmp_path: Path) -> None:
    source = tmp_path / "intervals.csv"
    source.write_text("interval_start;offered;aht_seconds\n2026-01-05T08:00;100;180\n2026-01-05T08:30;0;\n",
                      encoding="utf-8")
    target = tmp_path / "staffed.csv"
    result = runner.invoke(app, ["staff", "--csv", str(source), "--per", "30min", "--aht", "200s",
                                 "--target", "80/20", "--shrinkage", "0.3", "--out", str(target)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [r["agents"] for r in rows] == ["14", "0"]
    assert rows[0]["scheduled_agents"] == "20" and rows[0]["interval_start"] == "2026-01-05T08:00"
    assert float(rows[0]["service_level"]) == pytest.approx(0.88835, abs=1e-5)


def test_csv_error_names_file_line_and_column(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("calls\n10\n-4\n", encoding="utf-8")
    result = runner.invoke(app, ["staff", "--csv", str(source)])
    assert result.exit_code != 0
    assert "bad.csv:3" in result.output and "`calls` is -4" in result.output


def test_bad_numbers_exit_with_the_argument_named() -> None:
    result = runner.invoke(app, ["staff", "--calls", "-3"])
    assert result.exit_code == 2
    assert "[negative_value] `calls`" in result.output
    assert runner.invoke(app, ["staff", "--calls", "3", "--target", "120/20"]).exit_code == 2


@pytest.mark.parametrize(("text", "seconds"), [("280s", 280), ("4min40s", 280), ("30min", 1800), ("1h", 3600),
                                                ("4,5min", 270), ("90", 90)])
def test_durations_read_as_a_planner_writes_them(text: str, seconds: float) -> None:
    assert parse_duration(text, "--aht") == seconds


def test_targets_read_as_percent_over_seconds() -> None:
    assert parse_target("80/20") == (0.8, 20.0)
    assert parse_target("90%/1min") == (0.9, 60.0)
