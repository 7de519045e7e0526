"""``charte staff``: one interval, a CSV of intervals, and errors a person can act on."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from tests.workforce.workforce_reference import erlang_a_reference, erlang_c_reference
from typer.testing import CliRunner

from charte.cli import app
from charte.cli.staff import parse_duration, parse_target
from charte.workforce import WorkforceInputError

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
    assert rows[0]["scheduled_agents_shrinkage_30pct"] == "20" and rows[0]["interval_start"] == "2026-01-05T08:00"
    assert float(rows[0]["service_level_20s_min_80pct_achieved"]) == pytest.approx(0.88835, abs=1e-5)
    assert rows[0]["model"] == "Erlang C" and rows[0]["set_by"] == "service_level_20s"


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


# -- issue 19: targets read consistently, clean errors, every target reported ---------------------

def _agents(output: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith("│ agents"))
    return line.split("│")[2].strip()


def test_a_share_below_one_is_read_as_the_library_reads_it() -> None:
    # 0.8/20 is 80 % within 20 s, not 0.8 %: 100 calls / 30 min at 180 s (10 Erlangs) need 14 agents
    # (Erlang C tables: 13 agents give 79.56 %, 14 give 88.84 %); 0.8%/20 states a 0.8 % target.
    assert parse_target("0.8/20") == (0.8, 20.0)
    assert parse_target("0.8%/20") == (0.008, 20.0)
    result = runner.invoke(app, ["staff", "--calls", "100", "--aht", "180s", "--target", "0.8/20"])
    assert result.exit_code == 0, result.output
    assert _agents(result.output) == "14" and "≥ 80%" in result.output


def test_targets_are_shown_with_their_decimals() -> None:
    result = runner.invoke(app, ["staff", "--calls", "100", "--aht", "180s", "--target", "99.9/5"])
    assert result.exit_code == 0, result.output
    assert "99.9%" in result.output and "100%" not in result.output


@pytest.mark.parametrize("options", [["--max-occupancy", "85"], ["--max-abandonment", "0", "--patience", "60s"],
                                     ["--max-abandonment", "5", "--patience", "60s"], ["--shrinkage", "1.2"],
                                     ["--shrinkage", "30"], ["--max-abandonment", "0.05"],
                                     ["--max-wait-probability", "50"]])
def test_bad_shares_are_clean_errors(options: list[str]) -> None:
    result = runner.invoke(app, ["staff", "--calls", "100", "--aht", "180s", *options])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # an error message, not a traceback


def test_abandonment_cap_without_patience_is_refused() -> None:
    result = runner.invoke(app, ["staff", "--calls", "100", "--aht", "180s", "--max-abandonment", "0.05"])
    assert result.exit_code == 2 and "--patience" in result.output


def test_every_target_is_reported_with_the_ones_that_set_the_staffing() -> None:
    # 10 Erlangs, Erlang C: 13 agents give 79.56 % within 20 s and 89.51 % within 60 s (mpmath
    # reference), both short of 80 % and 90 %: 14 agents, and both targets set the staffing;
    # occupancy 10/14 = 71.43 % stays under its 85 % cap, which does not.
    (_, at13_20), = erlang_c_reference(10.0, [13], 180.0, 20.0)
    (_, at13_60), = erlang_c_reference(10.0, [13], 180.0, 60.0)
    assert at13_20 < 0.8 and at13_60 < 0.9
    result = runner.invoke(app, ["staff", "--calls", "100", "--aht", "180s", "--target", "80/20", "--target", "90/60",
                                 "--max-occupancy", "85%"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert _agents(result.output) == "14"
    assert sum("sets the staffing" in line for line in lines) == 2
    assert any("71.43%" in line and "≤ 85% — met" in line for line in lines)


def test_wait_probability_target() -> None:
    # P(wait) ≤ 50 % at 10 Erlangs: 11 agents wait 68.2 %, 12 agents 44.9 % (mpmath reference)
    (p11, _), (p12, _) = erlang_c_reference(10.0, [11, 12], 180.0, 20.0)
    assert p11 > 0.5 >= p12
    result = runner.invoke(app, ["staff", "--calls", "100", "--aht", "180s", "--max-wait-probability", "0.5"])
    assert result.exit_code == 0, result.output
    assert _agents(result.output) == "12" and f"{float(p12):.2%}" in result.output


def test_reverse_calculation_gives_what_n_agents_deliver() -> None:
    # 12 agents at 10 Erlangs with 2-minute patience (Erlang A, mpmath reference)
    ref = erlang_a_reference(10.0, 12, 180.0, 120.0, 20.0)
    result = runner.invoke(app, ["staff", "--calls", "100", "--aht", "180s", "--agents", "12", "--patience", "120s"])
    assert result.exit_code == 0, result.output
    assert _agents(result.output) == "12"
    assert f"{float(ref['service_level']):.2%}" in result.output
    assert f"{float(ref['abandonment']):.2%}" in result.output


def test_chat_concurrency_divides_the_servers() -> None:
    # 40 conversations per 30 min lasting 12 min each: 16 Erlangs of conversation slots; Erlang C
    # 80/20 needs the smallest n with SL ≥ 0.8 (mpmath), then ⌈n / 3⌉ agents.
    n = next(k for k in range(17, 40) if erlang_c_reference(16.0, [k], 720.0, 20.0)[0][1] >= 0.8)
    result = runner.invoke(app, ["staff", "--calls", "40", "--aht", "12min", "--concurrency", "3"])
    assert result.exit_code == 0, result.output
    assert _agents(result.output) == str(-(-n // 3))
    slots = next(line for line in result.output.splitlines() if line.startswith("│ conversation slots"))
    assert slots.split("│")[2].strip() == str(n)


def test_failed_csv_run_leaves_out_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import charte.cli.staff as staff_module

    source = tmp_path / "intervals.csv"
    source.write_text("calls\n100\n120\n", encoding="utf-8")
    target = tmp_path / "staffed.csv"
    target.write_text("previous run\n", encoding="utf-8")
    real = staff_module.staff_for_targets
    calls_made: list[int] = []

    def failing_second_chunk(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls_made.append(1)
        if len(calls_made) == 2:
            raise WorkforceInputError("not_a_number", "calls", "must be a number; found NaN")
        return real(*args, **kwargs)

    monkeypatch.setattr(staff_module, "CHUNK", 1)
    monkeypatch.setattr(staff_module, "staff_for_targets", failing_second_chunk)
    result = runner.invoke(app, ["staff", "--csv", str(source), "--aht", "180s", "--out", str(target)])
    assert result.exit_code == 2, result.output
    assert target.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intervals.csv", "staffed.csv"]  # no partial file left


def test_csv_columns_name_model_and_threshold(tmp_path: Path) -> None:
    source = tmp_path / "intervals.csv"
    source.write_text("calls,patience_seconds\n100,120\n100,\n", encoding="utf-8")
    result = runner.invoke(app, ["staff", "--csv", str(source), "--aht", "180s", "--target", "80/20",
                                 "--max-asa", "30s"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["model"] == "Erlang A, mean patience 120 s" and rows[1]["model"] == "Erlang C"
    assert "service_level_20s_min_80pct_achieved" in rows[0] and "asa_max_30s_achieved" in rows[0]
