"""KPI formulas on hand-computed cases, run on every engine (DuckDB, Spark local) with equal results."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest

from charte.domain.opening_hours import OpeningHours
from charte.domain.records import CONTACT_RECORD, INTERVAL_REPORT
from charte.io.canonical import arrow_schema
from charte.measure.formulas import KpiSpec, ServiceLevelFormula
from charte.measure.kpis import clock_for, kpis, labelled

PARIS = ZoneInfo("Europe/Paris")
_ids = itertools.count()


def rec(at: datetime, outcome: str, wait: float | None = None, handle: float | None = None, *,
        channel: str = "voice_inbound", first_response: datetime | None = None, ivr: float | None = None,
        activity: str = "svc") -> dict[str, Any]:
    local = at.astimezone(PARIS)
    offset = local.utcoffset()
    assert offset is not None
    return {"contact_id": f"c{next(_ids)}", "activity": activity, "channel": channel, "arrived_at": at,
            "outcome": outcome, "wait_seconds": wait, "handle_seconds": handle, "ivr_seconds": ivr,
            "first_response_at": first_response, "utc_offset_seconds": int(offset.total_seconds()),
            "local_date": local.date()}


def records_table(rows: list[dict[str, Any]]) -> pa.Table:
    schema = pa.schema([*arrow_schema(CONTACT_RECORD), pa.field("utc_offset_seconds", pa.int32()),
                        pa.field("local_date", pa.date32())])
    full = [{name: r.get(name) for name in schema.names} for r in rows]
    return pa.Table.from_pylist(full, schema=schema)


def run(backend: Any, load: Any, table: pa.Table, **kwargs: Any) -> list[dict[str, Any]]:
    by = kwargs.get("by", "interval")
    return labelled(backend.to_pyarrow(kpis(load(table), **kwargs)), by).to_pylist()


T0 = datetime(2026, 10, 5, 7, 0, tzinfo=UTC)  # 09:00 Paris


def test_interval_kpis_by_hand(backend: Any, load: Any) -> None:
    rows = [rec(T0 + timedelta(minutes=1), "answered", 5, 100, ivr=10),
            rec(T0 + timedelta(minutes=2), "answered", 20, 200, ivr=20),
            rec(T0 + timedelta(minutes=3), "answered", 30, 300),
            rec(T0 + timedelta(minutes=4), "abandoned", 3),
            rec(T0 + timedelta(minutes=5), "abandoned", 40),
            rec(T0 + timedelta(minutes=6), "ivr_only", None, None, ivr=30),
            rec(T0 + timedelta(minutes=31), "answered", 0, 60)]
    out = run(backend, load, records_table(rows), spec=KpiSpec(thresholds=(10, 20)), minutes=30)
    first, second = out
    assert first["interval_start_local"] == "2026-10-05T09:00+02:00"
    assert second["interval_start_local"] == "2026-10-05T09:30+02:00"
    assert (first["offered"], first["handled"], first["abandoned"], first["short_abandoned"]) == (5, 3, 2, 1)
    assert (first["answered_within_10s"], first["answered_within_20s"], first["ivr_only"]) == (1, 2, 1)
    assert first["service_level_20s"] == pytest.approx(2 / 4)  # answered within 20 s ÷ (offered − short)
    assert first["service_level_10s"] == pytest.approx(1 / 4)
    assert first["answer_rate"] == pytest.approx(3 / 5)
    assert first["abandon_rate"] == pytest.approx(2 / 5)
    assert first["asa_seconds"] == pytest.approx(55 / 3)
    assert first["aht_seconds"] == pytest.approx(200.0)
    assert first["ivr_mean_seconds"] == pytest.approx(20.0)
    assert first["occupancy"] is None  # no staffed time in contact records
    day = run(backend, load, records_table(rows), spec=KpiSpec(thresholds=(20,),
              service_level=ServiceLevelFormula.OFFERED), by="day")
    assert day[0]["day"] == date(2026, 10, 5)
    assert (day[0]["offered"], day[0]["service_level_20s"]) == (6, pytest.approx(3 / 6))


@pytest.mark.parametrize(("day", "half_hours"), [(date(2026, 3, 29), 46), (date(2026, 10, 25), 50),
                                                 (date(2026, 10, 26), 48)])
def test_dst_days_have_46_or_50_half_hours(backend: Any, load: Any, day: date, half_hours: int) -> None:
    start = datetime(day.year, day.month, day.day, tzinfo=PARIS).astimezone(UTC)
    end = (datetime(day.year, day.month, day.day, tzinfo=PARIS) + timedelta(days=1)).astimezone(UTC)
    rows, t = [], start
    while t < end:
        rows.append(rec(t + timedelta(minutes=7), "answered", 1, 10))
        t += timedelta(minutes=30)
    out = run(backend, load, records_table(rows), minutes=30)
    labels = [r["interval_start_local"] for r in out]
    assert len(labels) == len(set(labels)) == half_hours
    assert all(r["handled"] == 1 for r in out)
    if half_hours == 50:
        assert "2026-10-25T02:00+02:00" in labels and "2026-10-25T02:00+01:00" in labels
    if half_hours == 46:
        assert not any(label.startswith("2026-03-29T02:") for label in labels)
    assert run(backend, load, records_table(rows), by="day")[0]["handled"] == half_hours


def test_interval_reports_are_first_class(backend: Any, load: Any) -> None:
    schema = pa.schema([*arrow_schema(INTERVAL_REPORT, ("answered_within_20s",)),
                        pa.field("utc_offset_seconds", pa.int32()), pa.field("local_date", pa.date32())])
    report_rows = [
        {"activity": "svc", "interval_start": T0, "interval_minutes": 15, "offered": 10, "handled": 8,
         "abandoned": 2, "short_abandoned": 1, "answered_within_20s": 6, "wait_seconds_answered": 80.0,
         "handle_seconds": 1600.0, "productive_seconds": 2000.0, "utc_offset_seconds": 7200,
         "local_date": date(2026, 10, 5)},
        {"activity": "svc", "interval_start": T0 + timedelta(minutes=15), "interval_minutes": 15, "offered": 10,
         "handled": 10, "abandoned": 0, "short_abandoned": 0, "answered_within_20s": 10,
         "wait_seconds_answered": 20.0, "handle_seconds": 2000.0, "productive_seconds": 2500.0,
         "utc_offset_seconds": 7200, "local_date": date(2026, 10, 5)},
    ]
    table = pa.Table.from_pylist([{n: r.get(n) for n in schema.names} for r in report_rows], schema=schema)
    reports = load(table)
    out = labelled(backend.to_pyarrow(kpis(reports=reports, minutes=30)), "interval").to_pylist()
    assert len(out) == 1
    k = out[0]
    assert (k["offered"], k["handled"], k["answered_within_20s"]) == (20, 18, 16)
    assert k["service_level_20s"] == pytest.approx(16 / 19)
    assert k["asa_seconds"] == pytest.approx(100 / 18)
    assert k["aht_seconds"] == pytest.approx(200.0)
    assert k["occupancy"] == pytest.approx(3600 / 4500)


def test_written_share_within_business_hours(backend: Any, load: Any) -> None:
    monday_19h = datetime(2026, 10, 5, 17, 0, tzinfo=UTC)
    saturday_10h = datetime(2026, 10, 10, 8, 0, tzinfo=UTC)
    rows = [
        # 19:00 Mon → 09:00 Tue: 1 h Monday evening + 1 h Tuesday morning = 2 business hours
        rec(monday_19h, "answered", channel="email", first_response=monday_19h + timedelta(hours=14)),
        # Sat 10:00 (closed) → Mon 08:30: 30 business minutes
        rec(saturday_10h, "answered", channel="email", first_response=saturday_10h + timedelta(hours=46.5)),
        rec(saturday_10h, "pending", channel="email"),  # never answered: received, not within
    ]
    spec = KpiSpec(written_within_hours=(1, 2), opening_hours=OpeningHours.parse("Mo-Fr 08:00-20:00"))
    table = records_table(rows)
    clock = clock_for(load(table), spec)
    out = run(backend, load, table, spec=spec, by="month", clock=clock)
    assert out[0]["written_received"] == 3
    assert (out[0]["written_within_60min"], out[0]["written_within_120min"]) == (1, 2)
    assert out[0]["written_within_120min_share"] == pytest.approx(2 / 3)
    hours = spec.opening_hours
    assert hours is not None
    assert hours.business_seconds(rows[0]["arrived_at"], rows[0]["first_response_at"]) == 7200  # independent check


@pytest.mark.spark
def test_duckdb_and_spark_agree_on_random_records(spark_backend: Any, tmp_path: Any) -> None:
    import random

    import pyarrow.parquet as pq

    from charte.measure.engines import duckdb_backend

    rnd = random.Random(7)
    start = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    rows = []
    for _ in range(3000):
        outcome = rnd.choice(["answered", "answered", "answered", "abandoned", "ivr_only"])
        rows.append(rec(start + timedelta(seconds=rnd.randrange(3 * 86400)), outcome,
                        rnd.choice([None, rnd.uniform(0, 120)]), rnd.uniform(30, 600) if outcome == "answered" else 0,
                        ivr=rnd.choice([None, rnd.uniform(0, 60)]), activity=rnd.choice(["a", "b"])))
    path = tmp_path / "r.parquet"
    pq.write_table(records_table(rows), path)
    spec = KpiSpec(thresholds=(15, 30, 60), short_abandon_seconds=3)
    for by in ("interval", "day", "week", "month"):
        expected = kpis(duckdb_backend().read_parquet(str(path)), spec=spec, by=by)
        got = kpis(spark_backend.read_parquet(str(path)), spec=spec, by=by)
        left = expected.to_pyarrow().to_pylist()  # executes on the DuckDB backend it was built on
        right = spark_backend.to_pyarrow(got).to_pylist()
        assert len(left) == len(right) > 0
        for a, b in zip(left, right, strict=True):
            assert a.keys() == b.keys()
            for key in a:
                if isinstance(a[key], float):
                    assert b[key] == pytest.approx(a[key], rel=1e-12), (by, key)
                else:
                    assert a[key] == b[key], (by, key)


def test_duckdb_backend_runs_in_utc_whatever_the_machine_zone() -> None:
    """On a session in Europe/Paris, Ibis's epoch of a zoned timestamp shifts by the offset; ours does not."""
    import duckdb

    from charte.measure.engines import duckdb_backend

    plain = duckdb.connect()
    plain.sql("SET TimeZone = 'Europe/Paris'")
    shifted = plain.sql("SELECT epoch(CAST(TIMESTAMPTZ '2026-10-05 07:00:00Z' AS TIMESTAMP))").fetchall()
    assert shifted[0][0] == 1791183600 + 7200  # the trap the helper avoids
    con = duckdb_backend()
    assert con.raw_sql("SELECT current_setting('TimeZone')").fetchall()[0][0] == "UTC"
