"""Contact-record CSV import: dialect detection, conversion, quality report, storage rules."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from charte.io.facts_store import FactsStore
from charte.io.importing import ImportRejectedError, import_file
from charte.io.mapping import parse_mapping
from charte.io.quality import Policy

MAPPING = """
mapping: test-acd
kind: contact_record
timezone: Europe/Paris
constants: {channel: voice_inbound}
fields:
  contact_id: Id
  activity: Activité
  arrived_at:
    date: {column: Jour, format: "%d/%m/%Y"}
    time: {column: Heure, format: "h:mm:ss"}
  wait_seconds: {column: Attente, format: "h:mm:ss"}
  handle_seconds: {column: DMT}
  agent_id: {column: Agent, empty: ["-"]}
  outcome: {column: Statut, codes: {Traité: answered, Abandonné: abandoned, Test: "!test_call"}}
"""

HEADER = "Id;Activité;Jour;Heure;Attente;DMT;Agent;Statut"


def write(tmp_path: Path, name: str, lines: list[str], encoding: str = "cp1252", newline: str = "\r\n") -> Path:
    path = tmp_path / name
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


def stored(store: FactsStore) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for path in store.files("contact_record"):
        rows += pq.read_table(path).to_pylist()
    return sorted(rows, key=lambda r: str(r["contact_id"]))


def test_cp1252_semicolon_decimal_comma_crlf(tmp_path: Path) -> None:
    path = write(tmp_path, "oct.csv", [
        HEADER,
        "c1;Réclamations;05/10/2026;9:00:05;0:00:12;185,5;Élodie;Traité",
        "c2;Réclamations;05/10/2026;23:59:59;0:01:03;0;-;Abandonné",
    ])
    store = FactsStore(tmp_path / "facts")
    result = import_file(path, parse_mapping(MAPPING), store, organisation="relais")
    assert result.dialect == {"format": "csv", "encoding": "cp1252", "delimiter": ";", "decimal": ","}
    assert result.report is not None and result.report.rows_rejected == 0
    c1, c2 = stored(store)
    # 09:00:05 Paris summer time (UTC+2) is 07:00:05 UTC
    assert c1["arrived_at"] == datetime(2026, 10, 5, 7, 0, 5, tzinfo=UTC)
    assert (c1["wait_seconds"], c1["handle_seconds"], c1["agent_id"], c1["activity"]) == (12.0, 185.5, "Élodie",
                                                                                           "Réclamations")
    assert (c2["outcome"], c2["wait_seconds"], c2["agent_id"], c2["utc_offset_seconds"]) == ("abandoned", 63.0,
                                                                                              None, 7200)
    assert c2["month"] == "2026-10" and str(c2["local_date"]) == "2026-10-05"
    assert store.files("contact_record")[0].parts[-4:-1] == ("organisation=relais", "activity=R%C3%A9clamations",
                                                             "month=2026-10")


def test_utf8_bom_comma_delimiter_lf(tmp_path: Path) -> None:
    lines = [HEADER.replace(";", ","), "c1,Réclamations,05/10/2026,9:00:05,0:00:12,185.5,Élodie,Traité"]
    path = write(tmp_path, "oct.csv", lines, encoding="utf-8-sig", newline="\n")
    result = import_file(path, parse_mapping(MAPPING), FactsStore(tmp_path / "facts"))
    assert result.dialect["encoding"] == "utf-8-sig" and result.dialect["delimiter"] == ","
    assert result.dialect["decimal"] == "."
    assert result.manifest.rows_written == 1


def dirty_file(tmp_path: Path) -> Path:
    return write(tmp_path, "dirty.csv", [
        HEADER,
        "c1;A;05/10/2026;9:00:00;0:00:12;180;Ana;Traité",
        "c2;A;05/10/2026;9:01:00;0:00:12;180;-;Traité",          # line 3: answered without agent (flag)
        "c3;A;05/10/2026;9:02:00;0:00:30;45;-;Abandonné",        # line 4: abandoned with service (flag)
        "c4;A;05/10/2026;9:03:00;0:00:10;1.234,5;Ana;Traité",    # line 5: thousands dot + decimal comma: ok
        "c5;A;05/10/2026;9:04:00;0:00:10;12x;Ana;Traité",         # line 6: bad duration (reject)
        "c11;A;05/10/2026;9:04:30;0:00:10;7,5;Ana;Traité",        # line 7: decimal comma (detected from this)
        "c6;A;05/10/2026;9:05:00;0:00:10;60;Ana;Test",            # line 8: code marked !test_call (reject)
        "c7;A;05/10/2026;9:06:00;0:00:10;60;Ana;Inconnu",         # line 9: unknown code (reject)
        "c1;A;05/10/2026;9:07:00;0:00:10;60;Ana;Traité",          # line 10: duplicate id (reject)
        "c8;A;05/10/2026;9:08:00;-0:00:10;60;Ana;Traité",         # line 11: negative wait (flag, dropped)
        "c9;A;05/10/2026;9:09:00;0:00:10;60;Ana",                 # line 12: wrong field count (reject)
        "c10;A;;9:10:00;0:00:10;60;Ana;Traité",                   # line 13: missing arrival (reject)
    ])


def test_quality_report_counts_every_row_by_reason(tmp_path: Path) -> None:
    store = FactsStore(tmp_path / "facts")
    result = import_file(dirty_file(tmp_path), parse_mapping(MAPPING), store)
    report = result.report
    assert report is not None
    assert (report.rows_read, report.rows_rejected, report.rows_flagged) == (12, 6, 3)
    expected = {"answered_without_agent": [3], "abandoned_with_service": [4], "bad_duration": [6], "test_call": [8],
                "unknown_code": [9], "duplicate_id": [10], "negative_duration": [11], "wrong_field_count": [12],
                "missing_value": [13]}
    assert {code: report.rows_with(code) for code in report.counts()} == expected
    assert [r["contact_id"] for r in stored(store)] == ["c1", "c11", "c2", "c3", "c4", "c8"]
    c4 = next(r for r in stored(store) if r["contact_id"] == "c4")
    assert c4["handle_seconds"] == 1234.5
    c8 = next(r for r in stored(store) if r["contact_id"] == "c8")
    assert c8["wait_seconds"] is None
    quarantine = store.quarantine(result.import_id)
    assert quarantine is not None
    assert sorted(quarantine["source_row"].to_pylist()) == [6, 8, 9, 10, 12, 13]
    raw_by_row = dict(zip(quarantine["source_row"].to_pylist(), quarantine["raw"].to_pylist(), strict=True))
    assert '"DMT": "12x"' in raw_by_row[6]
    assert report.lines(1)[0].endswith("dirty.csv:3: [answered_without_agent] `agent_id` contact answered but "
                                       "no agent recorded")


def test_reject_file_policy_changes_nothing(tmp_path: Path) -> None:
    store = FactsStore(tmp_path / "facts")
    with pytest.raises(ImportRejectedError) as err:
        import_file(dirty_file(tmp_path), parse_mapping(MAPPING), store, policy=Policy.REJECT_FILE)
    assert err.value.report.rows_rejected == 6
    assert "[file_rejected] 6 of 12 rows rejected" in str(err.value)
    assert store.imports() == [] and store.files("contact_record") == []


def test_same_file_twice_adds_nothing_and_stored_ids_are_duplicates(tmp_path: Path) -> None:
    store = FactsStore(tmp_path / "facts")
    path = write(tmp_path, "a.csv", [HEADER, "c1;A;05/10/2026;9:00:00;0:00:12;180;Ana;Traité"])
    first = import_file(path, parse_mapping(MAPPING), store)
    again = import_file(path, parse_mapping(MAPPING), FactsStore(tmp_path / "facts"))
    assert (first.status, again.status, again.import_id) == ("imported", "already_imported", first.import_id)
    assert len(stored(store)) == 1
    other = write(tmp_path, "b.csv", [HEADER, "c1;A;05/10/2026;9:00:00;0:00:12;999;Ana;Traité",
                                      "c2;A;05/10/2026;9:00:00;0:00:12;180;Ana;Traité"])
    second = import_file(other, parse_mapping(MAPPING), store)
    assert second.report is not None and second.report.rows_with("duplicate_id") == [2]
    assert [r["contact_id"] for r in stored(store)] == ["c1", "c2"]
    assert next(r for r in stored(store) if r["contact_id"] == "c1")["handle_seconds"] == 180.0


def test_interrupted_import_leaves_nothing(tmp_path: Path) -> None:
    store = FactsStore(tmp_path / "facts")
    path = write(tmp_path, "a.csv", [HEADER, "c1;A;05/10/2026;9:00:00;0:00:12;180;Ana;Traité"])
    result = import_file(path, parse_mapping(MAPPING), store)
    store.manifest_path(result.import_id).unlink()  # as if the process died before its commit record
    reopened = FactsStore(tmp_path / "facts")
    assert reopened.files("contact_record") == []
    assert import_file(path, parse_mapping(MAPPING), reopened).status == "imported"


def test_dst_gap_and_ambiguous_hour(tmp_path: Path) -> None:
    path = write(tmp_path, "dst.csv", [
        HEADER,
        "g1;A;29/03/2026;2:30:00;0:00:10;60;Ana;Traité",   # skipped hour: rejected
        "a1;A;25/10/2026;2:30:00;0:00:10;60;Ana;Traité",   # repeated hour, no offset: rejected
        "ok;A;25/10/2026;3:30:00;0:00:10;60;Ana;Traité",
    ])
    result = import_file(path, parse_mapping(MAPPING), FactsStore(tmp_path / "facts"))
    assert result.report is not None
    assert result.report.counts() == {"dst_gap": 1, "dst_ambiguous": 1}
    assert (result.report.rows_with("dst_gap"), result.report.rows_with("dst_ambiguous")) == ([2], [3])


def test_offset_column_settles_the_repeated_hour(tmp_path: Path) -> None:
    mapping = MAPPING.replace('    time: {column: Heure, format: "h:mm:ss"}',
                              '    time: {column: Heure, format: "h:mm:ss"}\n    offset: Décalage')
    path = write(tmp_path, "dst.csv", [
        HEADER + ";Décalage",
        "a1;A;25/10/2026;2:30:00;0:00:10;60;Ana;Traité;+02:00",
        "a2;A;25/10/2026;2:30:00;0:00:10;60;Ana;Traité;+01:00",
    ])
    store = FactsStore(tmp_path / "facts")
    import_file(path, parse_mapping(mapping), store)
    a1, a2 = stored(store)
    assert a1["arrived_at"] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert a2["arrived_at"] == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert (a1["utc_offset_seconds"], a2["utc_offset_seconds"]) == (7200, 3600)


def test_written_contact_answered_before_it_arrived_is_flagged(tmp_path: Path) -> None:
    mapping = """
mapping: mail
timezone: Europe/Paris
constants: {channel: email, activity: courriers}
fields:
  contact_id: id
  arrived_at: received
  first_response_at: answered
  outcome: {column: state, codes: {done: answered, open: pending}}
"""
    path = tmp_path / "mail.csv"
    path.write_text("id,received,answered,state\n"
                    "m1,2026-10-05 09:00:00,2026-10-05 10:30:00,done\n"
                    "m2,2026-10-05 09:00:00,2026-10-05 08:00:00,done\n"
                    "m3,2026-10-05 09:00:00,,open\n", encoding="utf-8")
    store = FactsStore(tmp_path / "facts")
    result = import_file(path, parse_mapping(mapping), store)
    assert result.report is not None and result.report.rows_with("end_before_start") == [3]
    rows = stored(store)
    assert [r["first_response_at"] for r in rows] == [datetime(2026, 10, 5, 8, 30, tzinfo=UTC), None, None]
    assert [r["outcome"] for r in rows] == ["answered", "answered", "pending"]
