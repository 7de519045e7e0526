"""Issue 19: weekday and hour-of-day roll-ups, the queued-callers abandonment rate, and `charte kpi` on
stores holding several organisations, empty periods and mistyped paths. Expected figures by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.measure.test_kpi_engines import rec, records_table, run
from typer.testing import CliRunner

from charte.cli import app
from charte.measure.formulas import KpiSpec

MONDAY = datetime(2026, 10, 5, 7, 0, tzinfo=UTC)  # 09:00 in Paris (CEST)


def test_abandonment_among_queued_callers_beside_the_offered_based_rate(backend: Any, load: Any) -> None:
    # 5 offered: answered at once (wait 0), answered after 10 s and 5 s, abandoned after 3 s and 40 s.
    # abandoned ÷ offered = 2/5; queued = the 2 answered after a wait + the 2 abandoned = 4 → 2/4.
    rows = [rec(MONDAY + timedelta(minutes=1), "answered", 0, 100),
            rec(MONDAY + timedelta(minutes=2), "answered", 10, 100),
            rec(MONDAY + timedelta(minutes=3), "answered", 5, 100),
            rec(MONDAY + timedelta(minutes=4), "abandoned", 3),
            rec(MONDAY + timedelta(minutes=5), "abandoned", 40),
            rec(MONDAY + timedelta(minutes=6), "ivr_only", None, None, ivr=30)]
    (day,) = run(backend, load, records_table(rows), spec=KpiSpec(thresholds=(20,)), by="day")
    assert (day["offered"], day["abandoned"], day["queued"]) == (5, 2, 4)
    assert day["abandon_rate"] == pytest.approx(2 / 5)
    assert day["abandon_rate_queued"] == pytest.approx(2 / 4)


def test_weekday_and_hour_of_day_roll_ups(backend: Any, load: Any) -> None:
    # Two Mondays (5 and 12 October) and a Tuesday; 09:xx and 14:xx in Paris.
    rows = [rec(MONDAY + timedelta(minutes=5), "answered", 5, 60),
            rec(MONDAY + timedelta(days=7, minutes=40), "answered", 5, 60),
            rec(MONDAY + timedelta(days=7, hours=5, minutes=1), "abandoned", 30),
            rec(MONDAY + timedelta(days=1, minutes=10), "answered", 50, 60)]
    by_weekday = run(backend, load, records_table(rows), spec=KpiSpec(thresholds=(20,)), by="weekday")
    assert [(r["weekday"], r["offered"], r["handled"]) for r in by_weekday] == [(1, 3, 2), (2, 1, 1)]
    by_hour = run(backend, load, records_table(rows), spec=KpiSpec(thresholds=(20,)), by="hour")
    assert [(r["hour"], r["offered"], r["answered_within_20s"]) for r in by_hour] == [(9, 3, 2), (14, 1, 0)]


MAPPING = """
mapping: cli
timezone: Europe/Paris
constants: {channel: voice_inbound}
fields:
  contact_id: id
  arrived_at: at
  wait_seconds: wait
  handle_seconds: handle
  outcome: {column: status, codes: {A: answered, X: abandoned}}
"""
CALLS = "id,at,wait,handle,status\n1,2026-10-05 09:00:00,10,100,A\n2,2026-10-05 09:05:00,30,300,A\n" \
        "3,2026-10-05 09:06:00,12,0,X\n"


@pytest.fixture
def two_organisations(tmp_path: Path) -> str:
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "calls.csv").write_text(CALLS, encoding="utf-8")
    store = str(tmp_path / "facts")
    for organisation in ("relais", "autre-prestataire"):
        done = CliRunner().invoke(app, ["import", str(tmp_path / "calls.csv"), "--mapping", str(tmp_path / "m.yaml"),
                                        "--activity", "svc", "--store", store, "--organisation", organisation])
        assert done.exit_code == 0, done.output
    return store


def test_kpi_refuses_to_add_organisations_together(two_organisations: str) -> None:
    result = CliRunner().invoke(app, ["kpi", "--activity", "svc", "--period", "2026-10", "--by", "day",
                                      "--store", two_organisations])
    assert result.exit_code == 2
    assert "autre-prestataire, relais" in " ".join(result.output.split())
    one = CliRunner().invoke(app, ["kpi", "--activity", "svc", "--period", "2026-10", "--by", "day", "--store",
                                   two_organisations, "--organisation", "relais", "--format", "json"])
    assert one.exit_code == 0, one.output
    (day,) = json.loads(one.stdout)
    assert day["offered"] == 3  # one organisation's three calls, not six


def test_a_period_without_data_says_so(two_organisations: str) -> None:
    result = CliRunner().invoke(app, ["kpi", "--activity", "svc", "--period", "2026-11", "--store",
                                      two_organisations, "--organisation", "relais"])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "in 2026-11" in said and "months with facts: 2026-10" in said


def test_a_mistyped_store_creates_no_folder(tmp_path: Path) -> None:
    store = tmp_path / "factz"
    result = CliRunner().invoke(app, ["kpi", "--activity", "svc", "--period", "2026-10", "--store", str(store)])
    assert result.exit_code == 2 and "no facts store" in " ".join(result.output.split())
    assert not store.exists()
