"""CSV exports as they come: encoding, delimiter and decimal mark detected unless the mapping states them.

Detection, on the first 64 KiB: a UTF-8 byte-order mark means ``utf-8-sig``; bytes that
decode as UTF-8 mean ``utf-8``; anything else is read as ``cp1252`` (the Windows export
default in France). The delimiter is whichever of ``;`` tab ``,`` ``|`` the header line holds
most. The decimal mark is ``,`` when the delimiter is not a comma and a sampled field looks
like ``12,5``. CRLF, LF and quoted fields spanning lines are all read.

File-level errors (:class:`~charte.io.quality.SourceError` codes): ``empty_file``,
``unsupported_encoding`` (UTF-16/32), ``encoding_mismatch`` (bytes not valid in the stated or
detected encoding, with their line), ``line_too_long`` (over ``source.max_line_bytes``,
1 MiB by default), ``malformed_csv``.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from charte.io.mapping import SourceOptions
from charte.io.quality import SourceError

SAMPLE_BYTES = 64 * 1024
DELIMITERS = (";", "\t", ",", "|")
_DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")


@dataclass(frozen=True, slots=True)
class CsvDialect:
    encoding: str
    delimiter: str
    decimal: str


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def detect_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def detect_decimal(rows: list[list[str]], delimiter: str) -> str:
    if delimiter == ",":
        return "."
    return "," if any(_DECIMAL_COMMA.match(f) for row in rows for f in row) else "."


def _decoded_lines(path: Path, encoding: str, max_line: int, counter: list[int]) -> Iterator[str]:
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            counter[0] = number
            if len(raw) > max_line:
                raise SourceError("line_too_long", str(path), f"line is {len(raw):,} bytes; expected at most "
                                  f"{max_line:,} (source.max_line_bytes)", number)
            body = raw[len(codecs.BOM_UTF8):] if number == 1 and raw.startswith(codecs.BOM_UTF8) else raw
            try:
                yield body.decode(codec)
            except UnicodeDecodeError as exc:
                bad = body[exc.start:exc.start + 4]
                hint = "cp1252" if codec.startswith("utf") else "utf-8"
                raise SourceError("encoding_mismatch", str(path), f"bytes {bad!r} at column {exc.start + 1} are not "
                                  f"valid {encoding}; expected {encoding} text (set `source.encoding: {hint}` in the "
                                  "mapping if the file is in that encoding)", number) from None


def open_csv(path: Path, options: SourceOptions) -> tuple[list[str], Iterator[tuple[int, list[str]]], CsvDialect]:
    """Header, then ``(line number, fields)`` for every record, and the dialect used."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if not sample.strip():
        raise SourceError("empty_file", str(path), "the file is empty; expected a header line and rows")
    encoding = options.encoding or detect_encoding(sample)
    if encoding.lower().replace("_", "-") in ("utf-16", "utf-32", "utf-16-le", "utf-16-be"):
        raise SourceError("unsupported_encoding", str(path), f"{encoding} is not supported; expected an 8-bit "
                          "encoding (utf-8, cp1252, latin-1): re-export the file as UTF-8")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise SourceError("unsupported_encoding", str(path), f"unknown encoding {encoding!r}") from None
    counter = [0]
    lines = _decoded_lines(path, encoding, options.max_line_bytes, counter)
    header_line = next(lines, "")
    if not header_line.strip():
        raise SourceError("empty_file", str(path), "the first line is empty; expected a header line", 1)
    delimiter = options.delimiter or detect_delimiter(header_line)
    csv.field_size_limit(max(options.max_line_bytes, 1024))
    try:
        header = [h.strip() for h in next(csv.reader([header_line.rstrip("\r\n")], delimiter=delimiter))]
        sample_rows = list(csv.reader(sample.decode(encoding, errors="replace").splitlines()[1:200],
                                      delimiter=delimiter))
    except csv.Error as exc:
        raise SourceError("malformed_csv", str(path), f"the header or first lines cannot be read as CSV ({exc})",
                          1) from None
    decimal = options.decimal or detect_decimal(sample_rows, delimiter)

    def records() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(lines, delimiter=delimiter, strict=False)
        start = 2
        try:
            for fields in reader:
                line = start
                start = counter[0] + 1
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue  # blank line: not a record
                yield line, fields
        except csv.Error as exc:
            raise SourceError("malformed_csv", str(path), f"{exc}", counter[0]) from None

    return header, records(), CsvDialect(encoding, delimiter, decimal)
