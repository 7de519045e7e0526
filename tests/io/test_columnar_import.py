"""The columnar CSV path gives exactly what the row-by-row path gives (the reference).

Each test imports one file twice, ``columnar=False`` and ``columnar=True``, into two stores,
and compares everything an analyst can see: the error (if any), the quality report (issues
in order, with rows, codes and messages), the stored rows with their schema, the
quarantine and the manifest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import shared_data

from charte.io import csv_columnar
from charte.io.facts_store import FactsStore
from charte.io.importing import ImportRejectedError, import_file
from charte.io.mapping import load_mapping, parse_mapping
from charte.io.quality import SourceError

DIRTY_MAPPING = """
mapping: dirty
timezone: Europe/Paris
constants: {channel: voice_inbound, activity: service}
fields:
  contact_id: {template: "{Site}-{Id}"}
  queue: {column: File, empty: ["-"]}
  arrived_at:
    date: {column: Jour, format: "%d/%m/%Y"}
    time: {column: Heure, format: "h:mm:ss"}
  wait_seconds: {column: Attente, format: "h:mm:ss"}
  talk_seconds: Conv
  wrap_seconds: {column: ACW, format: minutes}
  agent_id: {column: Agent, empty: ["-"]}
  outcome: {column: Statut, codes: {T: answered, A: abandoned, F: "!phantom_record"},
            never_queued_when: {column: Attente, values: ["0:00:00"]}}
"""

DIRTY_ROWS = [
    "1;S1;01/10/2026;8:00:00;0:00:20;120,5;1,5;a1;T;Q1",       # clean
    "2;S1;01/10/2026;08:00:01;0:00:20;120;0;a1;T;Q1",          # clean, two-digit hour
    "3;S1;1/10/2026;8:00:02;0:00:20;120;0;a1;T;Q1",            # valid but unusual date: row path
    "4;S1;01/10/2026;8:00:03;0:0:2;120;0;a1;T;Q1",             # single-digit minutes
    "5;S1;01/10/2026;8:00:04;0:00:20;n/a;0;a1;T;Q1",           # bad number
    "6;S1;01/10/2026;8:00:05;0:00:20;-3;0;a1;T;Q1",            # negative duration (flag)
    "7;S1;01/10/2026;8:00:06;0:00:20;100;0;-;T;Q1",            # answered without agent
    "8;S1;01/10/2026;8:00:07;0:00:20;100;0;-;A;Q1",            # abandoned with service
    "9;S1;01/10/2026;8:00:08;0:00:00;0;0;-;A;Q1",              # never queued: ivr_only
    "10;S1;01/10/2026;8:00:09;0:00:20;0;0;-;F;Q1",             # phantom
    "11;S1;01/10/2026;8:00:10;0:00:20;0;0;-;Z;Q1",             # unknown code
    "1;S1;01/10/2026;8:00:11;0:00:20;60;0;a2;T;Q1",            # duplicate of row 2
    "12;S1;29/03/2026;2:30:00;0:00:20;60;0;a2;T;Q1",           # DST gap
    "13;S1;25/10/2026;2:30:00;0:00:20;60;0;a2;T;Q1",           # ambiguous hour
    "14;S1;25/10/2026;3:30:00;0:00:20;60;0;a2;T;Q1",           # DST day, clear time
    "15;S1;25/10/2026;1:59:59;0:00:20;60;0;a2;T;Q1",           # DST day, clear time
    "16;S1;30/02/2026;8:00:00;0:00:20;60;0;a2;T;Q1",           # no such date
    "17;S1;01/10/2026;24:00:00;0:00:20;60;0;a2;T;Q1",          # no such time
    "18;S1;01/10/2026;8:00:00;0:00:20;60;0;a2;T",              # wrong field count
    "",                                                        # blank line
    '19;"S1";01/10/2026;8:00:00;0:00:20;"60";0;a2;T;Q1',        # quoted fields
    "20;S1;01/10/2026; 8:00:00 ;0:00:20;1.234,5;0;a2;T;-",      # spaces, dotted thousands
    "21;S1;01/11/2026;9:00:00;0:00:20;1 234;0,5;a3;T;Q2",       # next month, space thousands
    "22;;01/11/2026;9:00:00;0:00:20;10;0;a3;T;Q2",              # missing part of the id
    "23;S1;;9:00:00;0:00:20;10;0;a3;T;Q2",                      # missing date
    "24;S1;01/11/2026;9:00:00;0:00:20;;;a3;A;Q2",              # abandoned, nothing else
    "1;S1;01/11/2026;9:00:00;0:00:20;10;0;a3;T;Q2",             # another duplicate of row 2
]
HEADER = "Id;Site;Jour;Heure;Attente;Conv;ACW;Agent;Statut;File"


def _stored(store: FactsStore, kind: str) -> pa.Table | None:
    files = store.files(kind)
    return pa.concat_tables([pq.read_table(f) for f in files]) if files else None


def import_both(path: Path, mapping: Any, root: Path, **options: Any) -> dict[bool, dict[str, Any]]:
    out: dict[bool, dict[str, Any]] = {}
    for columnar in (False, True):
        store = FactsStore(root / ("columnar" if columnar else "rows"))
        try:
            result = import_file(path, mapping, store, columnar=columnar, **options)
        except (SourceError, ImportRejectedError) as exc:
            report = getattr(exc, "report", None)
            out[columnar] = {"error": str(exc), "issues": report.issues if report else None,
                             "stored": sorted(str(p.relative_to(store.root)) for p in store.root.rglob("*.*"))}
            continue
        assert result.report is not None
        kind = result.manifest.kind
        out[columnar] = {
            "issues": result.report.issues, "report": result.report.to_dict(), "manifest": result.manifest,
            "rows": _stored(store, kind), "schemas": [pq.read_schema(f) for f in store.files(kind)],
            "quarantine": store.quarantine(result.import_id), "dialect": result.dialect,
        }
    return out


def assert_same(both: dict[bool, dict[str, Any]]) -> dict[str, Any]:
    rows, columnar = both[False], both[True]
    assert rows.keys() == columnar.keys()
    for key, expected in rows.items():
        found = columnar[key]
        if isinstance(expected, pa.Table):
            assert found is not None and found.schema == expected.schema, key
            assert found.to_pylist() == expected.to_pylist(), key
        else:
            assert found == expected, key
    return rows


def _write(path: Path, lines: list[str], encoding: str = "cp1252", end: str = "\r\n") -> Path:
    path.write_bytes((end.join(lines) + end).encode(encoding))
    return path


def test_dirty_file_gives_the_same_rows_report_and_quarantine(tmp_path: Path) -> None:
    path = _write(tmp_path / "dirty.csv", [HEADER, *DIRTY_ROWS])
    result = assert_same(import_both(path, parse_mapping(DIRTY_MAPPING), tmp_path))
    codes = result["report"]["issues"]
    # the file really is dirty in every way the row path knows (so the comparison means something)
    for code in ("bad_duration", "negative_duration", "answered_without_agent", "abandoned_with_service",
                 "phantom_record", "unknown_code", "duplicate_id", "dst_gap", "dst_ambiguous", "bad_date",
                 "bad_timestamp", "wrong_field_count", "missing_value"):
        assert code in codes, code
    assert codes["duplicate_id"]["rows"] == [13, 28]
    assert result["rows"].num_rows > 10 and len(result["manifest"].files) == 3  # two months + quarantine


def test_columnar_path_is_the_one_taken_for_these_mappings(tmp_path: Path) -> None:
    # the dirty file is read block by block (no fallback), so the comparison above compares two paths
    dirty = _write(tmp_path / "dirty.csv", [HEADER, *DIRTY_ROWS])
    (block,) = csv_columnar.blocks(dirty, "cp1252", ";", 10, 1 << 20)
    assert block.rows.tolist() == [n for n in range(2, len(DIRTY_ROWS) + 2) if n != 21]  # line 21 is blank
    spanning = _write(tmp_path / "spanning.csv", [HEADER, '1;"S\n1";01/10/2026;8:00:00;0:00:20;1;0;a;T;Q'])
    with pytest.raises(csv_columnar.NotVectorisableError):
        list(csv_columnar.blocks(spanning, "cp1252", ";", 10, 1 << 20))
    assert csv_columnar.supports(parse_mapping(DIRTY_MAPPING))
    assert csv_columnar.supports(load_mapping("anonymous-bank-1999"))
    assert csv_columnar.supports(load_mapping("acd-interval-report"))
    assert not csv_columnar.supports(parse_mapping(DIRTY_MAPPING.replace('"%d/%m/%Y"', '"%d %b %Y"')))


def test_duplicates_against_a_stored_file_and_second_import(tmp_path: Path) -> None:
    mapping = parse_mapping(DIRTY_MAPPING)
    first = _write(tmp_path / "first.csv", [HEADER, *DIRTY_ROWS[:3]])
    second = _write(tmp_path / "second.csv", [HEADER, *DIRTY_ROWS[1:6]])
    for columnar in (False, True):
        store = FactsStore(tmp_path / f"store{columnar}")
        import_file(first, mapping, store, columnar=columnar)
    both = {}
    for columnar in (False, True):
        store = FactsStore(tmp_path / f"store{columnar}")
        result = import_file(second, mapping, store, columnar=columnar)
        assert result.report is not None
        again = import_file(second, mapping, store, columnar=columnar)
        both[columnar] = (result.report.issues, result.manifest.rows_written, again.status,
                          _stored(store, "contact_record").to_pylist(), store.quarantine(result.import_id))
    assert both[True] == both[False]
    assert [i.code for i in both[True][0]].count("duplicate_id") == 2


def test_reject_file_policy_refuses_the_same_way(tmp_path: Path) -> None:
    path = _write(tmp_path / "dirty.csv", [HEADER, *DIRTY_ROWS])
    mapping = parse_mapping(DIRTY_MAPPING + "quality: {policy: reject_file}\n")
    both = import_both(path, mapping, tmp_path)
    assert_same(both)
    assert "file_rejected" in both[True]["error"] and not [p for p in both[True]["stored"] if "month=" in p]


def test_interval_report_with_repeated_hour_quarantined(tmp_path: Path) -> None:
    header = ("Date;Interval;Queue;Offered;Handled;Abandoned;Short abandoned;Answered in 20s;Answered in 40s;"
              "Wait answered;Wait abandoned;Handle time;Staffed time;Productive time")
    lines = [header]
    for interval in ("01:30", "02:00", "02:30", "02:00", "02:30", "03:00"):
        for queue in ("A", "B"):
            lines.append(f"25/10/2026;{interval};{queue};10;8;2;1;6;7;0:02:00;0:00:30;0:40:00;1:00:00;0:50:00")
    lines.append("25/10/2026;03:30;A;10;9;2;1;6;7;0:02:00;0:00:30;0:40:00;1:00:00;0:50:00")  # counts too high
    lines.append("25/10/2026;03:45;A;10;8;2;1;6;7;0:02:00;0:00:30;0:40:00;1:00:00;0:50:00")  # not a 30-min start
    lines.append("25/10/2026;03:00;A;10;8;2;1;6;7;0:02:00;0:00:30;0:40:00;1:00:00;0:50:00")  # duplicate
    path = _write(tmp_path / "acd.csv", lines)
    shipped = load_mapping("acd-interval-report").text
    mapping = parse_mapping(shipped.replace("policy: reject_file", "policy: quarantine"))
    result = assert_same(import_both(path, mapping, tmp_path, activity="svc"))
    # the 8 rows of 02:00 and 02:30 (twice, two queues) cannot be told apart without an offset
    assert result["report"]["issues"]["dst_ambiguous"]["count"] == 8
    assert set(result["report"]["issues"]) == {"dst_ambiguous", "counts_inconsistent", "bad_interval", "duplicate_id"}
    assert result["rows"].num_rows == 5  # 01:30 ×2, 03:00 ×2, 03:30 (flagged, kept)


def test_utf8_bom_lf_and_quoted_field_spanning_lines(tmp_path: Path) -> None:
    lines = [HEADER.replace(";", ","), *(r.replace(";", ",").replace(",5", ".5") for r in DIRTY_ROWS[:4]),
             '30,S1,01/10/2026,8:00:00,0:00:20,60,0,"agent\nwith a break",T,Q1',
             "31,S1,01/10/2026,8:00:00,0:00:20,60,0,a,T,Q1"]
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines) + "\n").encode("utf-8"))
    result = assert_same(import_both(path, parse_mapping(DIRTY_MAPPING), tmp_path))
    assert result["rows"].num_rows == 6


@pytest.mark.realdata
def test_real_anonymous_bank_file_gives_the_same_result(tmp_path: Path) -> None:
    path = shared_data("anonymous-bank-1999", "january.txt")
    result = assert_same(import_both(path, load_mapping("anonymous-bank-1999"), tmp_path))
    assert result["report"]["rows_read"] > 30_000
    assert {"phantom_record", "negative_duration", "answered_without_agent", "abandoned_with_service"} \
        <= set(result["report"]["issues"])


_TOKENS = {
    "Id": st.sampled_from(["1", "2", "3", " 4 ", "", "x"]),
    "Site": st.sampled_from(["S1", "S2", ""]),
    "Jour": st.sampled_from(["01/10/2026", "25/10/2026", "29/03/2026", "1/10/2026", "31/04/2026", "", "2026-10-01"]),
    "Heure": st.sampled_from(["8:00:00", "02:30:00", "2:30:00", "3:00:00", "23:59:59", "1:5:00", "x", "", "25:00:00"]),
    "Attente": st.sampled_from(["0:00:20", "0:00:00", "-0:00:05", "0:01:5", "", "12"]),
    "Conv": st.sampled_from(["120", "120,5", "-1", "", "1.234,5", "0", "1e3", ",5"]),
    "ACW": st.sampled_from(["0", "1,5", "", "-2", "abc"]),
    "Agent": st.sampled_from(["a1", "-", "", " a2 "]),
    "Statut": st.sampled_from(["T", "A", "F", "Z", "", " T "]),
    "File": st.sampled_from(["Q1", "-", '"Q;2"', ""]),
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.fixed_dictionaries(_TOKENS), min_size=1, max_size=12), st.booleans())
def test_fuzzed_files_give_the_same_result(tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, str]],
                                           short_line: bool) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    lines = [HEADER, *(";".join(row[c] for c in HEADER.split(";")) for row in rows)]
    if short_line:
        lines.insert(2, "1;S1")
    assert_same(import_both(_write(root / "f.csv", lines), parse_mapping(DIRTY_MAPPING), root))
