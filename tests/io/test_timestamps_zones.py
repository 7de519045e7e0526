"""Timestamps and their zone: nothing is read in a zone nobody stated, no offset is taken on trust.

A local time without an offset is only readable when the mapping states the zone of the file
(``timezone:``); an offset written in the file must be one the zone had at that instant
(UTC, written ``Z`` or ``+00:00``, is always an exact instant); the shipped ACD mapping never
settles the repeated hour of the autumn change by the order of the rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from charte.io.facts_store import FactsStore
from charte.io.importing import ImportRejectedError, import_file
from charte.io.mapping import MappingError, load_mapping, parse_mapping

NO_ZONE = """
mapping: no-zone
constants: {channel: voice_inbound, activity: A}
fields:
  contact_id: Id
  arrived_at: Arrival
  outcome: {column: Outcome, codes: {ok: answered}}
"""
PARIS = NO_ZONE.replace("mapping: no-zone", "mapping: paris\ntimezone: Europe/Paris")


def stored(store: FactsStore, kind: str = "contact_record") -> list[dict[str, object]]:
    return sorted((r for p in store.files(kind) for r in pq.read_table(p).to_pylist()),
                  key=lambda r: str(r.get("contact_id") or r.get("interval_start")))


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("columnar", [True, False])
def test_a_naive_time_is_refused_when_the_mapping_states_no_zone(tmp_path: Path, columnar: bool) -> None:
    # 31 October 23:30 with no offset: read as UTC it would be 1 November 00:30 in Paris (next month);
    # read as Paris it would be October. Neither may be guessed: the row is refused, named by line.
    path = write(tmp_path / "calls.csv", ["Id,Arrival,Outcome", "c1,2026-10-31 23:30:00,ok",
                                          "c2,2026-10-31T23:30:00+01:00,ok"])
    store = FactsStore(tmp_path / "facts")
    result = import_file(path, parse_mapping(NO_ZONE), store, columnar=columnar)
    assert result.report is not None
    assert result.report.rows_with("naive_timestamp") == [2]
    issue = next(i for i in result.report.issues if i.code == "naive_timestamp")
    assert issue.column == "Arrival" and "timezone" in issue.message and issue.rejects
    assert [r["contact_id"] for r in stored(store)] == ["c2"]


def test_a_naive_time_is_read_in_the_zone_the_mapping_states(tmp_path: Path) -> None:
    # Europe/Paris on 31 October 2026 is UTC+1 (the change was on the 25th): 23:30 local = 22:30 UTC,
    # filed under October.
    path = write(tmp_path / "calls.csv", ["Id,Arrival,Outcome", "c1,2026-10-31 23:30:00,ok"])
    store = FactsStore(tmp_path / "facts")
    import_file(path, parse_mapping(PARIS), store)
    (row,) = stored(store)
    assert row["arrived_at"] == datetime(2026, 10, 31, 22, 30, tzinfo=UTC)
    assert row["month"] == "2026-10"


def test_date_and_time_columns_without_a_zone_are_refused(tmp_path: Path) -> None:
    mapping = NO_ZONE.replace("  arrived_at: Arrival", "  arrived_at:\n    date: {column: Day, format: \"%d/%m/%Y\"}\n"
                              "    time: {column: Time, format: \"h:mm:ss\"}")
    path = write(tmp_path / "calls.csv", ["Id;Day;Time;Outcome", "c1;31/10/2026;23:30:00;ok"])
    with pytest.raises(ImportRejectedError) as err:
        import_file(path, parse_mapping(mapping + "quality: {policy: reject_file}\n"), FactsStore(tmp_path / "f"))
    assert err.value.report.counts() == {"naive_timestamp": 1}


@pytest.mark.parametrize("columnar", [True, False])
def test_an_offset_the_zone_never_had_then_is_refused(tmp_path: Path, columnar: bool) -> None:
    path = write(tmp_path / "calls.csv", [
        "Id,Arrival,Outcome",
        "summer,2026-07-01T10:00:00+02:00,ok",     # Paris in July: +02:00, accepted
        "winter,2026-07-01T10:00:00+01:00,ok",     # +01:00 in July: Paris never had it then
        "gap,2026-03-29T02:30:00+01:00,ok",        # = 01:30 UTC, when Paris was already at +02:00
        "utc,2026-07-01T08:00:00Z,ok",             # a UTC instant: always exact
        "far,2026-07-01T10:00:00+05:30,ok",
    ])
    store = FactsStore(tmp_path / "facts")
    result = import_file(path, parse_mapping(PARIS), store, columnar=columnar)
    assert result.report is not None
    assert result.report.rows_with("offset_mismatch") == [3, 4, 6]
    message = next(i.message for i in result.report.issues if i.row == 3)
    assert "+01:00" in message and "+02:00" in message and "Europe/Paris" in message
    rows = {r["contact_id"]: r for r in stored(store)}
    assert set(rows) == {"summer", "utc"}
    assert rows["summer"]["arrived_at"] == rows["utc"]["arrived_at"] == datetime(2026, 7, 1, 8, tzinfo=UTC)
    assert rows["utc"]["utc_offset_seconds"] == 7200  # filed under Paris local time


def test_an_offset_column_is_checked_against_the_zone(tmp_path: Path) -> None:
    mapping = PARIS.replace("  arrived_at: Arrival", "  arrived_at:\n    date: {column: Day, format: \"%d/%m/%Y\"}\n"
                            "    time: {column: Time, format: \"h:mm:ss\"}\n    offset: Offset")
    path = write(tmp_path / "calls.csv", [
        "Id;Day;Time;Offset;Outcome",
        "first;25/10/2026;02:30:00;+02:00;ok",    # first pass of the repeated hour
        "second;25/10/2026;02:30:00;+01:00;ok",   # second pass
        "wrong;25/10/2026;12:00:00;+02:00;ok",    # noon on the 25th is already +01:00
    ])
    store = FactsStore(tmp_path / "facts")
    result = import_file(path, parse_mapping(mapping), store)
    assert result.report is not None and result.report.rows_with("offset_mismatch") == [4]
    rows = {r["contact_id"]: r["arrived_at"] for r in stored(store)}
    assert rows == {"first": datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
                    "second": datetime(2026, 10, 25, 1, 30, tzinfo=UTC)}


def test_parquet_instants_with_a_zone_are_checked_and_naive_ones_need_the_mapping_zone(tmp_path: Path) -> None:
    path = tmp_path / "calls.parquet"
    pq.write_table(pa.table({
        "Id": ["p1"], "Arrival": pa.array([datetime(2026, 10, 31, 22, 30, tzinfo=UTC)], pa.timestamp("us", tz="UTC")),
        "Outcome": ["ok"]}), path)
    naive = tmp_path / "naive.parquet"
    pq.write_table(pa.table({"Id": ["n1"], "Arrival": [datetime(2026, 10, 31, 23, 30)], "Outcome": ["ok"]}), naive)
    store = FactsStore(tmp_path / "facts")
    import_file(path, parse_mapping(NO_ZONE), store)
    result = import_file(naive, parse_mapping(NO_ZONE), store)
    assert result.report is not None and result.report.rows_with("naive_timestamp") == [1]  # Parquet row 1
    (row,) = stored(store)
    assert row["contact_id"] == "p1" and row["month"] == "2026-10"


ACD_HEADER = ("Date;Interval;Queue;Offered;Handled;Abandoned;Short abandoned;Answered in 20s;Answered in 40s;"
              "Wait answered;Wait abandoned;Handle time;Staffed time;Productive time")


def test_the_shipped_acd_mapping_refuses_the_repeated_hour_instead_of_guessing(tmp_path: Path) -> None:
    # 25 October 2026, 02:00 happens twice in Paris; two rows of the same queue at 02:00 could be
    # "first pass then second pass" or a duplicate export: the file must say which (an offset column).
    lines = [ACD_HEADER,
             "25/10/2026;01:30;F;10;9;1;0;7;9;0:01:30;0:00:40;0:30:00;1:00:00;0:50:00",
             "25/10/2026;02:00;F;10;9;1;0;7;9;0:01:30;0:00:40;0:30:00;1:00:00;0:50:00",
             "25/10/2026;02:00;F;6;5;1;1;5;5;0:00:30;0:00:02;0:15:00;1:00:00;0:40:00"]
    path = tmp_path / "acd.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    mapping = load_mapping("acd-interval-report")
    assert mapping.ambiguous_times == "reject"
    store = FactsStore(tmp_path / "facts")
    with pytest.raises(ImportRejectedError) as err:
        import_file(path, mapping, store, activity="svc")
    assert err.value.report.counts() == {"dst_ambiguous": 2}
    assert "offset" in next(i.message for i in err.value.report.issues)
    assert store.files("interval_report") == []


def test_by_order_is_no_longer_a_way_to_read_the_repeated_hour() -> None:
    with pytest.raises(MappingError) as err:
        parse_mapping(PARIS + "ambiguous_times: by_order\n")
    assert err.value.code == "bad_mapping" and "offset" in str(err.value)
