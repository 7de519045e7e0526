"""Each malformed input gives its documented error code; hypothesis fuzzes the CSV reader."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charte.io.csv_source import open_csv
from charte.io.facts_store import FactsStore
from charte.io.importing import import_file
from charte.io.mapping import MappingError, SourceOptions, parse_mapping
from charte.io.quality import SourceError

MAPPING = """
mapping: t
timezone: Europe/Paris
constants: {channel: voice_inbound, activity: A}
source: {decimal: ","}
fields:
  contact_id: Id
  arrived_at: {column: Arrivée, format: "%d/%m/%Y %H:%M:%S"}
  handle_seconds: DMT
  outcome: {column: Statut, codes: {T: answered, A: abandoned}}
"""


def run(tmp_path: Path, data: bytes, mapping: str = MAPPING) -> object:
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    return import_file(path, parse_mapping(mapping), FactsStore(tmp_path / "facts"))


def test_wrong_encoding(tmp_path: Path) -> None:
    data = "Id;Arrivée;DMT;Statut\r\nc1;05/10/2026 09:00:00;12,5;T\r\n".encode("cp1252")
    with pytest.raises(SourceError) as err:
        run(tmp_path, data, MAPPING.replace('source: {decimal: ","}', 'source: {decimal: ",", encoding: utf-8}'))
    assert err.value.code == "encoding_mismatch" and err.value.line == 1
    assert "source.encoding: cp1252" in str(err.value)


def test_missing_column(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as err:
        run(tmp_path, b"Id;Arrivee;Statut\nc1;05/10/2026 09:00:00;T\n")
    assert err.value.code == "missing_column"
    assert "['Arrivée', 'DMT']" in str(err.value)


def test_bad_number_format(tmp_path: Path) -> None:
    result = run(tmp_path, "Id;Arrivée;DMT;Statut\nc1;05/10/2026 09:00:00;12.5;T\n".encode())
    assert result.report.counts() == {"bad_duration": 1}  # type: ignore[attr-defined]
    assert "expected a duration in seconds with a decimal comma" in result.report.issues[0].message  # type: ignore[attr-defined]


def test_duplicate_ids(tmp_path: Path) -> None:
    data = "Id;Arrivée;DMT;Statut\nc1;05/10/2026 09:00:00;1;T\nc1;05/10/2026 09:01:00;2;T\n".encode()
    result = run(tmp_path, data)
    assert result.report.rows_with("duplicate_id") == [3]  # type: ignore[attr-defined]


def test_ambiguous_dst_hour(tmp_path: Path) -> None:
    result = run(tmp_path, "Id;Arrivée;DMT;Statut\nc1;25/10/2026 02:15:00;1;T\n".encode())
    assert result.report.rows_with("dst_ambiguous") == [2]  # type: ignore[attr-defined]


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as err:
        run(tmp_path, b"")
    assert err.value.code == "empty_file"
    with pytest.raises(SourceError) as err:
        run(tmp_path, "Id;Arrivée;DMT;Statut\r\n".encode())
    assert err.value.code == "empty_file"


def test_huge_line(tmp_path: Path) -> None:
    big = "x" * (2 << 20)
    data = f"Id;Arrivée;DMT;Statut\nc1;05/10/2026 09:00:00;1;T\nc2;{big};1;T\n".encode()
    with pytest.raises(SourceError) as err:
        run(tmp_path, data)
    assert err.value.code == "line_too_long" and err.value.line == 3


def test_unknown_mapping_field() -> None:
    with pytest.raises(MappingError) as err:
        parse_mapping("fields: {caller_number: Num}")
    assert err.value.code == "unknown_field"


FIELD = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_characters='"'), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(FIELD, min_size=3, max_size=3), min_size=1, max_size=12),
       delimiter=st.sampled_from([";", "\t", "|"]), crlf=st.booleans(), bom=st.booleans())
def test_reader_round_trips_any_written_csv(tmp_path: Path, rows: list[list[str]], delimiter: str, crlf: bool,
                                            bom: bool) -> None:
    """Whatever the csv module writes (quotes, delimiters in fields, CRLF, BOM), the reader gives back."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n",
                        quoting=csv.QUOTE_ALL)
    writer.writerow(["a", "b", "c"])
    writer.writerows(rows)
    path = tmp_path / "fuzz.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8"))
    header, records, dialect = open_csv(path, SourceOptions(delimiter=delimiter))
    assert header == ["a", "b", "c"]
    read = list(records)
    kept = [r for r in rows if any(f.strip() for f in r) or len(r) != 1]
    assert [fields for _, fields in read] == kept
    assert dialect.encoding == ("utf-8-sig" if bom else "utf-8")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_reader_never_crashes_on_garbage(tmp_path: Path, data: bytes) -> None:
    """Arbitrary bytes give rows or a SourceError with a code, never another exception."""
    path = tmp_path / "garbage.csv"
    path.write_bytes(data)
    try:
        _, records, _ = open_csv(path, SourceOptions())
        for line, fields in records:
            assert line >= 2 and isinstance(fields, list)
    except SourceError as exc:
        assert exc.code in {"empty_file", "unsupported_encoding", "encoding_mismatch", "malformed_csv",
                            "line_too_long"}


@given(st.decimals(min_value=-10**9, max_value=10**9, places=3, allow_nan=False, allow_infinity=False),
       st.booleans())
def test_decimal_comma_numbers_read_back(value: object, thousands: bool) -> None:
    """A number written the French way (1 234 567,125 or 1.234.567,125) reads back to the same value."""
    from charte.io.conversion import parse_number

    text = f"{value:,.3f}".replace(",", " " if thousands else "").replace(".", ",")
    assert parse_number(text, ",") == pytest.approx(float(value))  # type: ignore[arg-type]
    dotted = f"{value:,.3f}".replace(",", "_").replace(".", ",").replace("_", ".")
    assert parse_number(dotted, ",") == pytest.approx(float(value))  # type: ignore[arg-type]
