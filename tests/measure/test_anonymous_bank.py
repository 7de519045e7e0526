"""The real January 1999 Anonymous Bank file: dirt counted, KPIs checked against plain-Python figures.

The expected figures are computed here straight from the raw file with the csv module, by
the rules stated in the shipped mapping (arrival = q_start, or vru_exit when never queued;
HANG that never queued ended in the IVR; PHANTOM rows set aside), not through charte.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from tests.conftest import shared_data

from charte.io.facts_store import FactsStore
from charte.io.importing import ImportResult, import_file
from charte.io.mapping import load_mapping
from charte.measure.engines import duckdb_backend, read_facts
from charte.measure.formulas import KpiSpec
from charte.measure.kpis import kpis, labelled

pytestmark = pytest.mark.realdata


def seconds(text: str) -> int:
    h, m, s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


@pytest.fixture(scope="module")
def raw() -> list[dict[str, str]]:
    with shared_data("anonymous-bank-1999", "january.txt").open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[ImportResult, FactsStore]:
    path = shared_data("anonymous-bank-1999", "january.txt")
    store = FactsStore(tmp_path_factory.mktemp("facts"))
    return import_file(path, load_mapping("anonymous-bank-1999"), store, organisation="bank"), store


def test_dirt_is_counted_with_row_numbers(raw: list[dict[str, str]], imported: tuple[ImportResult, Any]) -> None:
    result, store = imported
    report = result.report
    assert report is not None
    numbered = list(enumerate(raw, start=2))  # line 1 is the header
    real = [(n, r) for n, r in numbered if r["outcome"] != "PHANTOM"]
    assert report.rows_read == len(raw) == 31_599
    assert report.rows_with("phantom_record") == [n for n, r in numbered if r["outcome"] == "PHANTOM"]
    assert len(report.rows_with("phantom_record")) == 240
    assert report.rows_with("negative_duration") == [n for n, r in real if int(r["vru_time"]) < 0]
    assert report.rows_with("answered_without_agent") == [
        n for n, r in real if r["outcome"] == "AGENT" and r["server"] == "NO_SERVER"]
    assert report.rows_with("abandoned_with_service") == [
        n for n, r in real if r["outcome"] == "HANG" and int(r["ser_time"]) > 0]
    assert set(report.counts()) == {"phantom_record", "negative_duration", "answered_without_agent",
                                    "abandoned_with_service"}
    assert result.manifest.rows_written == len(real)
    quarantine = store.quarantine(result.import_id)
    assert quarantine.num_rows == 240


def _arrival_day(r: dict[str, str]) -> date:
    clock = r["q_start"] if r["q_start"] != "0:00:00" else r["vru_exit"]
    day = datetime.strptime(r["date"], "%y%m%d").date()
    return day + timedelta(days=1) if seconds(clock) < seconds(r["vru_entry"]) - 12 * 3600 else day


def test_month_and_day_kpis_match_the_raw_file(raw: list[dict[str, str]], imported: tuple[ImportResult, Any]) -> None:
    _, store = imported
    records = read_facts(duckdb_backend(), store.glob("contact_record"))
    spec = KpiSpec(thresholds=(20, 60), short_abandon_seconds=5)
    month = kpis(records, spec=spec, by="month").to_pyarrow().to_pylist()
    assert len(month) == 1
    m = month[0]

    real = [r for r in raw if r["outcome"] != "PHANTOM"]
    agent = [r for r in real if r["outcome"] == "AGENT"]
    queued_hang = [r for r in real if r["outcome"] == "HANG" and r["q_start"] != "0:00:00"]
    short = [r for r in queued_hang if int(r["q_time"]) < 5]
    within20 = sum(1 for r in agent if int(r["q_time"]) <= 20)
    offered = len(agent) + len(queued_hang)
    assert (m["offered"], m["handled"], m["abandoned"], m["short_abandoned"]) == (
        offered, len(agent), len(queued_hang), len(short))
    assert m["ivr_only"] == sum(1 for r in real if r["outcome"] == "HANG" and r["q_start"] == "0:00:00")
    assert m["answered_within_20s"] == within20
    assert m["answered_within_60s"] == sum(1 for r in agent if int(r["q_time"]) <= 60)
    assert m["service_level_20s"] == pytest.approx(within20 / (offered - len(short)), rel=1e-12)
    assert m["answer_rate"] == pytest.approx(len(agent) / offered, rel=1e-12)
    assert m["asa_seconds"] == pytest.approx(sum(int(r["q_time"]) for r in agent) / len(agent), rel=1e-12)
    assert m["aht_seconds"] == pytest.approx(sum(int(r["ser_time"]) for r in agent) / len(agent), rel=1e-12)
    ivr = [int(r["vru_time"]) for r in real if int(r["vru_time"]) >= 0]
    assert m["ivr_mean_seconds"] == pytest.approx(sum(ivr) / len(ivr), rel=1e-12)

    days = labelled(kpis(records, spec=spec, by="day").to_pyarrow(), "day").to_pylist()
    expected = Counter(_arrival_day(r) for r in agent + queued_hang)
    assert {d["day"]: d["offered"] for d in days if d["offered"]} == dict(expected)
    assert date(1999, 1, 11) not in expected  # the source misses 11-12 January


def test_half_hours_of_one_day_match_the_raw_file(raw: list[dict[str, str]],
                                                  imported: tuple[ImportResult, Any]) -> None:
    _, store = imported
    records = read_facts(duckdb_backend(), store.glob("contact_record"))
    rows = labelled(kpis(records, spec=KpiSpec(), minutes=30, by="interval").to_pyarrow(), "interval").to_pylist()
    got = {r["interval_start_local"]: r["handled"] for r in rows if r["interval_start_local"].startswith("1999-01-04")}
    expected: Counter[str] = Counter()
    for r in raw:
        if r["outcome"] == "AGENT" and _arrival_day(r) == date(1999, 1, 4):
            clock = seconds(r["q_start"] if r["q_start"] != "0:00:00" else r["vru_exit"]) % 86400
            expected[f"1999-01-04T{clock // 3600:02d}:{clock % 3600 // 1800 * 30:02d}+02:00"] += 1
    assert {k: v for k, v in got.items() if v} == dict(expected)
