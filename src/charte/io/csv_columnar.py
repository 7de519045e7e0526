"""CSV import column by column: the same rows, values and quality report as the row-by-row path, fast.

The row path (:class:`~charte.io.conversion.RowConverter` then the checks of
:mod:`charte.io.quality`) is the reference. This module reads the file in blocks of lines,
splits fields with Arrow, converts each mapped column with vectorised kernels and evaluates
every rule of the row path as a vectorised *predicate*: a row is **clean** when each of its
values was read by a pattern whose result is known to equal the row path's (``12,5``,
``0:03:25``, ``25/10/2026``...) and no check fires. Every other row (a flag, a rejection, a
value in an unusual but valid spelling, a time on a day whose UTC offset changes) is handed
to the row path itself, so its issues, messages and values are the row path's by
construction. Duplicate ids are found per block against the ids already seen, kept in
DuckDB. Accepted rows are streamed to one staged Parquet file, never held all at once.

Not vectorised (the whole file then goes through the row path, see :func:`supports`):
XLSX and Parquet sources, ``boolean`` fields, templates with literal braces, ``strptime``
formats using directives other than ``%d %m %Y %y %H %M %S``. A file whose bytes the fast
reader cannot split line by line exactly as :mod:`csv` would (a quoted field spanning lines,
a carriage return inside a line, a line over ``max_line_bytes``, bytes invalid in the
encoding) raises :class:`NotVectorisableError` before anything is stored; the caller then runs
the row path, which reports the file-level error where there is one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from charte.io.conversion import EPOCH, BadValueError, RowConverter
from charte.io.mapping import FieldRule, Mapping
from charte.io.quality import Issue, issue

BLOCK_BYTES = 32 << 20
#: characters ``str.strip()`` removes (``str.isspace``), so trimming in Arrow equals trimming in Python
PY_WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_DIRECTIVES = {"%d": ("d", 2), "%m": ("m", 2), "%Y": ("Y", 4), "%y": ("y", 2), "%H": ("H", 2), "%M": ("M", 2),
               "%S": ("S", 2)}
_ISO_MINUTES = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}$",
                [("Y", 0, 4), ("m", 5, 2), ("d", 8, 2), ("H", 11, 2), ("M", 14, 2)])
_ISO_SECONDS = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}$",
                [("Y", 0, 4), ("m", 5, 2), ("d", 8, 2), ("H", 11, 2), ("M", 14, 2), ("S", 17, 2)])
_HMS = r"^[0-9]{1,9}:[0-5][0-9]:[0-5][0-9]$"


@dataclass(frozen=True)
class Constant:
    """A field given by the mapping as a constant: one value for every row."""

    value: Any


class NotVectorisableError(Exception):
    """The columnar reader cannot guarantee the row path's result for this file; use the row path."""


def _pattern(fmt: str) -> tuple[str, list[tuple[str, int, int]]]:
    """A strict regex for a strptime format (fixed-width numbers) and where each number sits: (letter, start, width)."""
    out, layout, i, at = ["^"], [], 0, 0
    while i < len(fmt):
        if fmt[i] == "%":
            directive = fmt[i:i + 2]
            if directive not in _DIRECTIVES:
                raise NotVectorisableError(f"strptime directive {directive!r}")
            letter, width = _DIRECTIVES[directive]
            out.append(f"[0-9]{{{width}}}")
            layout.append((letter, at, width))
            i, at = i + 2, at + width
        else:
            if fmt[i].isspace() or not fmt[i].isascii():
                raise NotVectorisableError("whitespace or non-ASCII text in a strptime format")
            out.append(re.escape(fmt[i]))
            i, at = i + 1, at + 1
    return "".join(out) + "$", layout


def supports(mapping: Mapping) -> bool:
    """True when every field of the mapping can be read column by column."""
    try:
        for rule in mapping.fields.values():
            _check_rule(rule)
    except NotVectorisableError:
        return False
    return mapping.source.format == "csv"


def _check_rule(rule: FieldRule) -> None:
    if rule.constant is not None:
        if rule.type == "timestamp":
            raise NotVectorisableError("constant timestamp")
        return
    if rule.type == "boolean":
        raise NotVectorisableError("boolean field")
    if rule.template is not None:
        literal = re.sub(r"\{([^{}]+)\}", "", rule.template)
        if "{" in literal or "}" in literal:
            raise NotVectorisableError("template with literal braces")
    if rule.type == "timestamp":
        if rule.date is not None and rule.time is not None:
            _letters(rule.date.format, {"d", "m"}, {"d", "m", "Y", "y"})
            if rule.time.format != "h:mm:ss":
                _letters(rule.time.format, {"H", "M"}, {"H", "M", "S"})
        elif rule.format not in (None, "iso"):
            _letters(rule.format or "", {"d", "m", "H", "M"}, {"d", "m", "Y", "y", "H", "M", "S"})


def _letters(fmt: str, needed: set[str], allowed: set[str]) -> None:
    """A format the columnar reader reads exactly: each directive once, the needed ones present."""
    letters = [letter for letter, _at, _width in _pattern(fmt)[1]]
    found = set(letters)
    if len(letters) != len(found) or not needed <= found or not found <= allowed \
            or ("d" in needed and not found & {"Y", "y"}) or {"Y", "y"} <= found:
        raise NotVectorisableError(f"strptime format {fmt!r}")


# -- reading lines ----------------------------------------------------------------------------------


@dataclass
class Block:
    """Records of one block: physical line number, and either Arrow-split fields or csv-parsed fields."""

    rows: np.ndarray            # line number of each record
    fields: pa.ListArray | pa.Table  # fields split on the delimiter (valid where ``simple``), or columns
    simple: np.ndarray          # no quote in the line and the right number of fields
    parsed: dict[int, list[str]]  # csv-parsed fields of the other records, by position


class _OneLine:
    """Feeds one line to :mod:`csv` and notices when the record would need the next line."""

    def __init__(self, line: str) -> None:
        self.lines = [line + "\n"]
        self.asked_more = False

    def __iter__(self) -> _OneLine:
        return self

    def __next__(self) -> str:
        if self.lines:
            return self.lines.pop()
        self.asked_more = True
        raise StopIteration


def _csv_fields(line: str, delimiter: str) -> list[str]:
    feed = _OneLine(line)
    try:
        fields = next(csv.reader(feed, delimiter=delimiter, strict=False))
    except (csv.Error, StopIteration) as exc:
        raise NotVectorisableError(f"csv cannot read the line alone ({exc})") from None
    if feed.asked_more:
        raise NotVectorisableError("a quoted field spans lines")
    return fields


def blocks(path: Path, encoding: str, delimiter: str, width: int, max_line: int) -> Iterator[Block]:
    """The records after the header line, block by block (line numbers as :func:`open_csv` gives them)."""
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    with path.open("rb") as handle:
        first = handle.readline()
        if len(first) > max_line:
            raise NotVectorisableError("long header line")
        line_no = 2
        rest = b""
        while True:
            chunk = handle.read(BLOCK_BYTES)
            data = rest + chunk
            if not data:
                return
            if chunk:
                cut = data.rfind(b"\n")
                if cut < 0:
                    if len(data) > max_line:
                        raise NotVectorisableError("line too long")
                    rest = data
                    continue
                data, rest = data[:cut + 1], data[cut + 1:]
            else:
                rest = b""
            yield _block(data, codec, delimiter, width, max_line, line_no)
            line_no += data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def _block(data: bytes, codec: str, delimiter: str, width: int, max_line: int, line_no: int) -> Block:
    ends = np.flatnonzero(np.frombuffer(data, np.uint8) == 10)
    lengths = np.diff(np.concatenate(([-1], ends, [len(data) - 1] if not data.endswith(b"\n") else [])))
    if lengths.size and lengths.max() > max_line:
        raise NotVectorisableError("line too long")
    if data.count(b"\r") != data.count(b"\r\n") + data.endswith(b"\r") or b"\x00" in data:
        raise NotVectorisableError("carriage return inside a line, or NUL byte")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise NotVectorisableError("bytes invalid in the encoding") from None
    if width > 1 and '"' not in text:
        table = _parse_plain(text, codec, data, delimiter, width)
        if table is not None and table.num_rows == len(lengths):
            return Block(line_no + np.arange(len(lengths), dtype=np.int64), table, np.ones(len(lengths), bool), {})
    lines = pc.split_pattern(pa.array([text[:-1] if text.endswith("\n") else text]), "\n").flatten()
    if "\r" in text:
        lines = pc.utf8_rtrim(lines, "\r")
    rows = line_no + np.arange(len(lines), dtype=np.int64)
    if width == 1:
        nonblank = _np(pc.not_equal(pc.utf8_trim(lines, PY_WHITESPACE), ""))
        lines, rows = lines.filter(pa.array(nonblank)), rows[nonblank]
    fields = pc.split_pattern(lines, delimiter)
    simple = pc.list_value_length(fields).to_numpy(zero_copy_only=False) == width
    if '"' in text:
        simple &= ~_np(pc.match_substring(lines, '"'))
    parsed: dict[int, list[str]] = {}
    blank = []
    for i in np.flatnonzero(~simple):
        line = lines[int(i)].as_py()
        record = _csv_fields(line, delimiter) if '"' in line else line.split(delimiter)
        if not record or (len(record) == 1 and not record[0].strip()):
            blank.append(i)  # a blank line is not a record (as in ``open_csv``)
            continue
        parsed[int(i)] = record
    if blank:
        keep = np.ones(len(rows), dtype=bool)
        keep[blank] = False
        renumber = np.cumsum(keep) - 1
        parsed = {int(renumber[i]): v for i, v in parsed.items()}
        fields, rows, simple = fields.filter(pa.array(keep)), rows[keep], simple[keep]
    return Block(rows, fields, simple, parsed)


def _parse_plain(text: str, codec: str, data: bytes, delimiter: str, width: int) -> pa.Table | None:
    """Columns of a block without quotes where every line has ``width`` fields (else None)."""
    utf8 = data if codec.replace("_", "-").lower() in ("utf-8", "ascii", "us-ascii") else text.encode("utf-8")
    irregular = []

    def note(_row: Any) -> str:
        irregular.append(True)  # a blank line or a wrong field count: the line-by-line split decides
        return "skip"

    names = [f"c{i}" for i in range(width)]
    table = pacsv.read_csv(
        io.BytesIO(utf8), read_options=pacsv.ReadOptions(column_names=names, block_size=8 << 20),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False, ignore_empty_lines=False,
                                         invalid_row_handler=note),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False))
    return None if irregular else table


# -- converting columns -----------------------------------------------------------------------------


def with_nulls(values: np.ndarray, nulls: np.ndarray, type_: pa.DataType) -> pa.Array:
    """An Arrow array of ``values`` with nulls where ``nulls`` (``pa.array(mask=...)`` is slow)."""
    array = pa.array(values, type_)
    return pc.if_else(pa.array(nulls), pa.scalar(None, type_), array) if nulls.any() else array


def _np(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _strip(values: pa.Array) -> pa.Array:
    return pc.utf8_trim(values, PY_WHITESPACE)


def _none_if(values: pa.Array, empty: frozenset[str]) -> pa.Array:
    """Stripped values, null where blank or one of the ``empty`` tokens (``_blank`` of the row path)."""
    stripped = _strip(values)
    blank = pc.is_in(stripped, pa.array(sorted({"", *empty}), pa.string()))
    return pc.if_else(blank, pa.scalar(None, pa.string()), stripped)


def _ints(groups: pa.Array, name: str) -> np.ndarray:
    return np.asarray(pc.cast(pc.struct_field(groups, name), pa.int64()).to_numpy(zero_copy_only=False))


def _buffers(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Start offsets (one more than rows) and bytes of a string array."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = values.cast(pa.string())
    _validity, offsets, data = values.buffers()
    starts = np.frombuffer(offsets, np.int32)[values.offset:values.offset + len(values) + 1].astype(np.int64)
    body = np.frombuffer(data, np.uint8) if data is not None and data.size else np.zeros(1, np.uint8)
    return starts, np.concatenate([body, np.zeros(32, np.uint8)])


def _number_at(body: np.ndarray, at: np.ndarray, width: int, ok: np.ndarray) -> np.ndarray:
    value = np.zeros(len(at), np.int64)
    at = np.where(ok, at, 0)
    for k in range(width):
        value = value * 10 + body[at + k].astype(np.int64) - 48
    return np.where(ok, value, 0)


def _match(values: pa.Array, pattern: str, layout: list[tuple[str, int, int]]
           ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Rows matching ``pattern`` (a fixed-width layout), and each number of the layout (zeros elsewhere)."""
    ok = _np(pc.match_substring_regex(values, pattern))
    starts, body = _buffers(values)
    return ok, {letter: _number_at(body, starts[:-1] + at, width, ok) for letter, at, width in layout}


def _match_iso(values: pa.Array) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    ok16, short = _match(values, *_ISO_MINUTES)
    ok19, full = _match(values, *_ISO_SECONDS)
    return ok16 | ok19, {k: np.where(ok19, full[k], short.get(k, 0)) for k in full}


def _match_hms(values: pa.Array) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``h:mm:ss`` with two-digit minutes and seconds (others go to the row path)."""
    ok = _np(pc.match_substring_regex(values, _HMS))
    starts, body = _buffers(values)
    ends = starts[1:]
    hours = np.zeros(len(ok), np.int64)
    begin = np.where(ok, starts[:-1], 0)
    digits = np.where(ok, ends - 6 - starts[:-1], 0)
    for k in range(int(digits.max()) if len(digits) else 0):
        more = k < digits
        hours = np.where(more, hours * 10 + body[begin + k].astype(np.int64) - 48, hours)
    return ok, {"H": hours, "M": _number_at(body, ends - 5, 2, ok), "S": _number_at(body, ends - 2, 2, ok)}


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant), and whether the date exists."""
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    dim = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(m - 1, 0, 11)] + ((m == 2) & leap)
    valid = (y >= 1) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= dim)
    yy = y - (m <= 2)
    era = np.floor_divide(yy, 400)
    yoe = yy - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468, valid


class ColumnReader:
    """Vectorised twin of :class:`RowConverter`: values of clean rows, and which rows are clean."""

    def __init__(self, mapping: Mapping, converter: RowConverter, header: list[str]) -> None:
        self.mapping, self.converter = mapping, converter
        self.index = {name: i for i, name in enumerate(header)}
        self.decimal = converter.decimal
        self._day_offsets: dict[int, np.ndarray] = {}

    def convert(self, fields: pa.ListArray | pa.Table) -> tuple[dict[str, Any], np.ndarray]:
        """Canonical columns (timestamps as (epoch µs, offset s) arrays) and the clean mask."""
        self._cache: dict[str, pa.Array] = {}
        self._fields, n = fields, len(fields)
        ok = np.ones(n, dtype=bool)
        out: dict[str, Any] = {}
        required = self.converter.required
        for name, rule in self.mapping.fields.items():
            if rule.constant is not None:
                try:
                    value = dict(self.converter.readers)[name]({})
                except BadValueError:
                    return out, np.zeros(n, dtype=bool)
                out[name] = Constant(value)
                if value is None and name in required:
                    ok[:] = False
                continue
            values, good = self._field(rule)
            ok &= good
            if name in required:
                ok &= ~values[2] if isinstance(values, tuple) else ~_np(pc.is_null(values))
            out[name] = values
        return out, ok

    def _column(self, name: str) -> pa.Array:
        if name not in self._cache:
            if isinstance(self._fields, pa.Table):
                self._cache[name] = self._fields.column(self.index[name]).combine_chunks()
            else:
                self._cache[name] = pc.list_element(self._fields, self.index[name])
        return self._cache[name]

    def _raw(self, rule: FieldRule) -> pa.Array:
        if rule.template is not None:
            names = re.findall(r"\{([^{}]+)\}", rule.template)
            pieces = re.split(r"\{[^{}]+\}", rule.template)
            parts = [_none_if(self._column(n), rule.empty) for n in names]
            args: list[Any] = []
            for literal, part in zip(pieces, [*parts, None], strict=True):
                if literal:
                    args.append(pa.scalar(literal))
                if part is not None:
                    args.append(part)
            return pc.binary_join_element_wise(*args, "") if len(args) > 1 else args[0]
        if len(rule.columns) == 1:
            return _none_if(self._column(rule.columns[0]), rule.empty)
        return pc.coalesce(*(_none_if(self._column(c), rule.empty) for c in rule.columns))

    def _field(self, rule: FieldRule) -> tuple[Any, np.ndarray]:
        if rule.type == "timestamp":
            return self._timestamp(rule)
        raw = self._raw(rule)
        absent = _np(pc.is_null(raw))
        if rule.type == "seconds":
            values, ok = self._duration(raw, rule.format or "seconds")
            return with_nulls(values, absent, pa.float64()), ok | absent
        if rule.type == "integer":
            ok = _np(pc.match_substring_regex(raw, r"^-?[0-9]{1,15}$"))
            number = pc.cast(pc.if_else(pa.array(ok), raw, "0"), pa.int64())
            return pc.if_else(pa.array(absent), pa.scalar(None, pa.int64()), number), ok | absent
        if rule.codes is not None or rule.name in ("outcome", "channel", "dial_mode"):
            return self._coded(rule, raw, absent)
        return raw, np.ones(len(raw), dtype=bool)

    def _duration(self, raw: pa.Array, fmt: str) -> tuple[np.ndarray, np.ndarray]:
        if fmt == "h:mm:ss":
            ok, g = _match_hms(raw)
            return (g["H"] * 3600 + g["M"] * 60 + g["S"]).astype(np.float64), ok
        point = r"\." if self.decimal == "." else ","
        ok = _np(pc.match_substring_regex(raw, rf"^-?[0-9]+({point}[0-9]+)?$"))
        text = pc.if_else(pa.array(ok), pc.replace_substring(raw, ",", "."), "0")
        number = np.asarray(pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False))
        return number * {"seconds": 1.0, "minutes": 60.0, "milliseconds": 0.001}[fmt], ok

    def _coded(self, rule: FieldRule, raw: pa.Array, absent: np.ndarray) -> tuple[pa.Array, np.ndarray]:
        from charte.domain.records import Channel, Outcome

        text = raw
        ok = np.ones(len(raw), dtype=bool)
        if rule.codes is not None:
            keys = list(rule.codes)
            position = pc.index_in(raw, pa.array(keys, pa.string()))
            ok &= absent | _np(pc.is_valid(position))
            text = pc.take(pa.array([rule.codes[k] for k in keys], pa.string()), position)
            ok &= ~_np(pc.starts_with(text, "!"))
        allowed = {"outcome": {o.value for o in Outcome}, "channel": {c.value for c in Channel}}.get(rule.name)
        if allowed is not None:
            ok &= absent | _np(pc.is_in(text, pa.array(sorted(allowed), pa.string())))
        if rule.never_queued_when:
            column, tokens = rule.never_queued_when
            never = _np(pc.is_null(_none_if(self._column(column), tokens)))
            text = pc.if_else(pa.array(_np(pc.equal(text, Outcome.ABANDONED.value)) & never),
                              pa.scalar(Outcome.IVR_ONLY.value), text)
        return text, ok

    # -- timestamps --------------------------------------------------------------------------------
    def _time_of_day(self, raw: pa.Array, fmt: str) -> tuple[np.ndarray, np.ndarray]:
        if fmt == "h:mm:ss":
            ok, g = _match_hms(raw)
        else:
            ok, g = _match(raw, *_pattern(fmt))
        hours, minutes, secs = (g.get(k, np.zeros(len(raw), np.int64)) for k in "HMS")
        ok &= (hours < 24) & (minutes < 60) & (secs < 60)
        return hours * 3600 + minutes * 60 + secs, ok

    def _naive(self, rule: FieldRule) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Wall-clock seconds since 1970-01-01 (local), readable mask, absent mask."""
        if rule.date is not None and rule.time is not None:
            dpart, tpart = rule.date, rule.time
            draw = pc.coalesce(*(_none_if(self._column(c), dpart.empty) for c in dpart.columns))
            traw = pc.coalesce(*(_none_if(self._column(c), tpart.empty) for c in tpart.columns))
            absent = _np(pc.is_null(draw)) | _np(pc.is_null(traw))
            dok, g = _match(draw, *_pattern(dpart.format))
            year = g["Y"] if "Y" in g else np.where(g["y"] < 69, 2000 + g["y"], 1900 + g["y"])
            days, valid = _days_from_civil(year, g["m"], g["d"])
            clock, tok = self._time_of_day(traw, tpart.format)
            ok = dok & valid & tok
            if rule.day_rollover_after:
                anchor_raw = _strip(self._column(rule.day_rollover_after))
                has_anchor = _np(pc.not_equal(anchor_raw, ""))
                anchor, aok = self._time_of_day(anchor_raw, tpart.format)
                ok &= ~has_anchor | aok
                clock = clock + np.where(has_anchor & (clock < anchor - 43200), 86400, 0)
            return days * 86400 + clock, ok | absent, absent
        raw = self._raw(rule)
        absent = _np(pc.is_null(raw))
        ok, g = _match_iso(raw) if rule.format in (None, "iso") else _match(raw, *_pattern(rule.format or ""))
        year = g["Y"] if "Y" in g else np.where(g["y"] < 69, 2000 + g["y"], 1900 + g["y"])
        days, valid = _days_from_civil(year, g["m"], g["d"])
        zeros = np.zeros(len(raw), np.int64)
        hours, minutes, secs = (g.get(k, zeros) for k in "HMS")
        ok &= valid & (hours < 24) & (minutes < 60) & (secs < 60)
        return days * 86400 + hours * 3600 + minutes * 60 + secs, ok | absent, absent

    def _timestamp(self, rule: FieldRule) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
        wall, ok, absent = self._naive(rule)
        if not self.mapping.zone_stated:
            ok &= absent  # a local time with no stated zone: the row path refuses it (naive_timestamp)
        if rule.offset:
            ok &= _np(pc.equal(_strip(self._column(rule.offset)), ""))
        wall = np.where(ok & ~absent, wall, 0)
        offsets = np.zeros(len(wall), np.int64)
        day = np.floor_divide(wall, 86400)
        for d in np.unique(day[ok & ~absent]):
            sel = day == d
            steady = self.converter.clock._steady_offset((EPOCH + timedelta(days=int(d))).date())
            if steady is not None:
                offsets[sel] = steady
                continue
            table = self._changing_day(int(d), np.unique(wall[sel & ok & ~absent] - int(d) * 86400))
            found = table[wall[sel] - int(d) * 86400]
            offsets[sel] = np.where(found == _UNCLEAR, 0, found)
            ok[sel] &= (found != _UNCLEAR) | absent[sel]
        epoch_us = (wall - offsets) * 1_000_000
        return (epoch_us, offsets, absent), ok

    def _changing_day(self, day: int, seconds: np.ndarray) -> np.ndarray:
        """UTC offset of each wall second of a day whose offset changes; ``_UNCLEAR`` in the gap/repeat."""
        table = self._day_offsets.setdefault(day, np.full(86400, _UNKNOWN, np.int64))
        midnight = EPOCH + timedelta(days=day)
        for second in seconds[table[seconds] == _UNKNOWN]:
            try:
                _, offset = self.converter.clock.to_utc(midnight + timedelta(seconds=int(second)), None, None)
            except BadValueError:
                offset = _UNCLEAR
            table[second] = offset
        return table


_UNKNOWN = -(1 << 40)
_UNCLEAR = -(1 << 41)


# -- duplicate ids ----------------------------------------------------------------------------------


class SeenKeys:
    """Keys of the rows read so far (contact ids in DuckDB; interval keys in a set)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.keys: set[Any] = set()
        if kind == "contact_record":
            self.con = duckdb.connect()
            self.con.execute("SET preserve_insertion_order=false")
            self.con.execute("CREATE TABLE seen (key VARCHAR)")

    def duplicates(self, rows: np.ndarray, keys: list[Any] | pa.Array | pa.ChunkedArray) -> set[int]:
        """Row numbers (of ``rows``, in row order) whose key appeared in an earlier eligible row."""
        if self.kind != "contact_record":
            out = set()
            for row, key in zip(rows.tolist(), keys, strict=True):
                if key in self.keys:
                    out.add(row)
                self.keys.add(key)
            return out
        if isinstance(keys, pa.ChunkedArray):  # pa.array would walk it value by value in Python
            keys = keys.combine_chunks()
        batch = pa.table({"row": pa.array(rows, pa.int64()), "key": keys.cast(pa.string()) if isinstance(
            keys, pa.Array) else pa.array(keys, pa.string())})
        self.con.register("batch", batch)
        found = self.con.execute("SELECT b.row FROM batch b SEMI JOIN seen s ON s.key = b.key").fetchall()
        if self.con.execute("SELECT count(*) > count(DISTINCT key) FROM batch").fetchone() == (True,):
            found += self.con.execute(
                "SELECT row FROM (SELECT row, row_number() OVER (PARTITION BY key ORDER BY row) AS n FROM batch "
                "WHERE key IN (SELECT key FROM batch GROUP BY key HAVING count(*) > 1)) WHERE n > 1").fetchall()
        self.con.execute("INSERT INTO seen SELECT DISTINCT key FROM batch")
        self.con.unregister("batch")
        return {int(r[0]) for r in found}


def duplicate_issue(row: int, kind: str, key: Any) -> Issue:
    return issue(row, "duplicate_id", "contact_id" if kind == "contact_record" else "interval_start",
                 f"{key!r} appears earlier in the file")


def records(fields: pa.ListArray | pa.Table, positions: np.ndarray) -> list[list[str]]:
    """Fields of the records at ``positions``, as the csv module gives them."""
    picked = fields.take(pa.array(positions, pa.int64()))
    if isinstance(picked, pa.Table):
        return [list(row.values()) for row in picked.to_pylist()]
    return list(picked.to_pylist())
