"""XLSX and Parquet sources, and the shipped ACD interval-report mapping (cp1252, decimal comma, DST order)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from charte.io.facts_store import FactsStore
from charte.io.importing import ImportRejectedError, import_file
from charte.io.mapping import load_mapping, parse_mapping, shipped_mappings

MAPPING = """
mapping: sheet
timezone: Europe/Paris
constants: {channel: voice_inbound, activity: A}
fields:
  contact_id: Id
  arrived_at: {column: Arrival}
  wait_seconds: {column: Wait, format: "h:mm:ss"}
  outcome: {column: Outcome, codes: {ok: answered, ab: abandoned}}
"""


def stored(store: FactsStore, kind: str = "contact_record") -> list[dict[str, object]]:
    return [r for p in store.files(kind) for r in pq.read_table(p).to_pylist()]


def test_xlsx_cells_keep_their_types(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Id", "Arrival", "Wait", "Outcome"])
    sheet.append(["x1", datetime(2026, 10, 5, 9, 0, 5), time(0, 1, 3), "ok"])
    sheet.append(["x2", "2026-10-05 09:10:00", "0:00:04", "ab"])
    sheet.append(["x3", datetime(2026, 3, 29, 2, 30), time(0, 0, 1), "ok"])  # DST gap
    path = tmp_path / "calls.xlsx"
    book.save(path)
    store = FactsStore(tmp_path / "facts")
    result = import_file(path, parse_mapping(MAPPING), store)
    assert result.report is not None and result.report.rows_with("dst_gap") == [4]
    rows = sorted(stored(store), key=lambda r: str(r["contact_id"]))
    assert rows[0]["arrived_at"] == datetime(2026, 10, 5, 7, 0, 5, tzinfo=UTC)
    assert (rows[0]["wait_seconds"], rows[1]["wait_seconds"], rows[1]["outcome"]) == (63.0, 4.0, "abandoned")


def test_parquet_source(tmp_path: Path) -> None:
    path = tmp_path / "calls.parquet"
    pq.write_table(pa.table({"Id": ["p1", "p2"], "Arrival": [datetime(2026, 10, 5, 9), datetime(2026, 10, 25, 2, 30)],
                             "Wait": ["0:00:10", "0:00:20"], "Outcome": ["ok", "ok"]}), path)
    store = FactsStore(tmp_path / "facts")
    result = import_file(path, parse_mapping(MAPPING), store)
    assert result.report is not None and result.report.rows_with("dst_ambiguous") == [2]
    assert [r["contact_id"] for r in stored(store)] == ["p1"]


ACD = [
    "Date;Interval;Queue;Offered;Handled;Abandoned;Short abandoned;Answered in 20s;Answered in 40s;"
    "Wait answered;Wait abandoned;Handle time;Staffed time;Productive time",
    "25/10/2026;02:00;Facturation;10;9;1;0;7;9;0:01:30;0:00:40;0:30:00;1:00:00;0:50:00",
    "25/10/2026;02:00;Réclamations;4;4;0;0;4;4;0:00:20;0:00:00;0:10:00;0:30:00;0:20:00",
    "25/10/2026;02:00;Facturation;6;5;1;1;5;5;0:00:30;0:00:02;0:15:00;1:00:00;0:40:00",
]


def test_shipped_acd_interval_mapping_reads_the_repeated_hour_from_an_offset_column(tmp_path: Path) -> None:
    assert {"acd-interval-report", "anonymous-bank-1999"} <= set(shipped_mappings())
    offsets = ["UTC offset", "+02:00", "+02:00", "+01:00"]  # the export says which pass each row holds
    path = tmp_path / "acd.csv"
    path.write_bytes("\r\n".join(f"{line};{o}" for line, o in zip(ACD, offsets, strict=True)).encode("cp1252"))
    text = load_mapping("acd-interval-report").text.replace("# offset: UTC offset", "offset: UTC offset")
    store = FactsStore(tmp_path / "facts")
    import_file(path, parse_mapping(text), store, activity="service-client")
    rows = sorted(stored(store, "interval_report"), key=lambda r: (str(r["queue"]), r["interval_start"]))
    assert [(r["queue"], r["interval_start"]) for r in rows] == [
        ("Facturation", datetime(2026, 10, 25, 0, 0, tzinfo=UTC)),   # first pass: 02:00 CEST
        ("Facturation", datetime(2026, 10, 25, 1, 0, tzinfo=UTC)),   # second pass: 02:00 CET
        ("Réclamations", datetime(2026, 10, 25, 0, 0, tzinfo=UTC)),
    ]
    assert (rows[0]["wait_seconds_answered"], rows[0]["productive_seconds"], rows[0]["answered_within_40s"]) == (
        90.0, 3000.0, 9)


def test_acd_interval_mapping_rejects_the_file_on_inconsistent_counts(tmp_path: Path) -> None:
    path = tmp_path / "acd.csv"
    path.write_text("\n".join([ACD[0], "05/10/2026;09:00;F;10;9;-1;0;7;9;0:01:30;0:00:40;0:30:00;1:00:00;0:50:00",
                               "05/10/2026;09:15;F;1;1;0;0;1;1;0:00:01;0:00:00;0:01:00;0:30:00;0:20:00"]),
                    encoding="utf-8")
    store = FactsStore(tmp_path / "facts")
    with pytest.raises(ImportRejectedError) as err:
        import_file(path, load_mapping("acd-interval-report"), store, activity="s")
    assert err.value.report.counts() == {"negative_count": 1, "bad_interval": 1}
    assert store.files("interval_report") == []
