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
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from charte.io.conversion import EPOCH, BadValueError, RowConverter
from charte.io.mapping import FieldRule, Mapping
from charte.io.quality import Issue, QualityReport, check_contact, issue

BLOCK_BYTES = 32 << 20
#: characters ``str.strip()`` removes (``str.isspace``), so trimming in Arrow equals trimming in Python
PY_WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_DIRECTIVES = {"%d": ("d", "([0-9]{2})"), "%m": ("m", "([0-9]{2})"), "%Y": ("Y", "([0-9]{4})"),
               "%y": ("y", "([0-9]{2})"), "%H": ("H", "([0-9]{2})"), "%M": ("M", "([0-9]{2})"),
               "%S": ("S", "([0-9]{2})")}
_ISO = (r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?$", "YmdHMS")
_HMS = r"^([0-9]{1,9}):([0-5]?[0-9]):([0-5]?[0-9])$"


class NotVectorisableError(Exception):
    """The columnar reader cannot guarantee the row path's result for this file; use the row path."""


def _pattern(fmt: str) -> tuple[str, str]:
    """A strict regex for a strptime format, and the directive letter of each group."""
    out, letters, i = ["^"], "", 0
    while i < len(fmt):
        if fmt[i] == "%":
            directive = fmt[i:i + 2]
            if directive not in _DIRECTIVES:
                raise NotVectorisableError(f"strptime directive {directive!r}")
            letter, group = _DIRECTIVES[directive]
            out.append(group)
            letters += letter
            i += 2
        else:
            if fmt[i].isspace():
                raise NotVectorisableError("whitespace in a strptime format")
            out.append(re.escape(fmt[i]))
            i += 1
    return "".join(out) + "$", letters


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
        return
    if rule.type == "boolean":
        raise NotVectorisableError("boolean field")
    if rule.template is not None:
        literal = re.sub(r"\{([^{}]+)\}", "", rule.template)
        if "{" in literal or "}" in literal:
            raise NotVectorisableError("template with literal braces")
    if rule.type == "timestamp":
        if rule.date is not None and rule.time is not None:
            _pattern(rule.date.format)
            if rule.time.format != "h:mm:ss":
                _pattern(rule.time.format)
        elif rule.format not in (None, "iso"):
            _pattern(rule.format)


# -- reading lines ----------------------------------------------------------------------------------


@dataclass
class Block:
    """Records of one block: physical line number, and either Arrow-split fields or csv-parsed fields."""

    rows: np.ndarray            # line number of each record
    fields: pa.ListArray        # fields split on the delimiter (valid where ``simple``)
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
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise NotVectorisableError("bytes invalid in the encoding") from None
    if "\x00" in text:
        raise NotVectorisableError("NUL character")
    lines = pc.split_pattern(pa.array([text[:-1] if text.endswith("\n") else text]), "\n").flatten()
    if pc.any(pc.match_substring_regex(lines, "\r.")).as_py():
        raise NotVectorisableError("carriage return inside a line")
    lines = pc.replace_substring_regex(lines, "\r$", "")
    rows = line_no + np.arange(len(lines), dtype=np.int64)
    nonblank = pc.not_equal(pc.utf8_trim(lines, PY_WHITESPACE), "").to_numpy(zero_copy_only=False)
    lines = lines.filter(pa.array(nonblank))
    rows = rows[nonblank]
    fields = pc.split_pattern(lines, delimiter)
    quoted = pc.match_substring(lines, '"').to_numpy(zero_copy_only=False)
    simple = (pc.list_value_length(fields).to_numpy(zero_copy_only=False) == width) & ~quoted
    parsed: dict[int, list[str]] = {}
    for i in np.flatnonzero(~simple):
        line = lines[int(i)].as_py()
        parsed[int(i)] = _csv_fields(line, delimiter) if '"' in line else line.split(delimiter)
    return Block(rows, fields, simple, parsed)


# -- converting columns -----------------------------------------------------------------------------


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


def _match(values: pa.Array, pattern: str, letters: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Rows matching ``pattern`` (others get zeros) and the integer value of each named group."""
    named = re.sub(r"\((?!\?:)", lambda _m, c=iter(range(100)): f"(?P<g{next(c)}>", pattern)
    ok = _np(pc.match_substring_regex(values, pattern))
    filled = pc.if_else(pa.array(ok), values, pa.scalar(_example(pattern, letters)))
    groups = pc.extract_regex(filled, named)
    out = {}
    for i, letter in enumerate(letters):
        text = pc.struct_field(groups, f"g{i}")
        text = pc.if_else(pc.equal(text, ""), "0", text)
        out[letter] = np.asarray(pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False))
    return ok, out


def _example(pattern: str, letters: str) -> str:
    samples = {"d": "01", "m": "01", "Y": "2000", "y": "00", "H": "00", "M": "00", "S": "00"}
    text = pattern.strip("^$")
    for letter in letters:
        text = re.sub(r"\((?!\?:)[^()]*\)", samples.get(letter, "0"), text, count=1)
    text = re.sub(r"\(\?:[^()]*\)\?", "", text)
    text = text.replace("[T ]", "T")
    return re.sub(r"\\(.)", r"\1", text)


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

    def convert(self, fields: pa.ListArray) -> tuple[dict[str, Any], np.ndarray]:
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
                out[name] = ("constant", value)
                if value is None and name in required:
                    ok[:] = False
                continue
            values, good = self._field(rule)
            ok &= good
            if name in required:
                present = values[0] if isinstance(values, tuple) else values
                ok &= ~np.asarray(pc.is_null(present).to_numpy(zero_copy_only=False)) \
                    if isinstance(present, pa.Array) else ~np.isnan(present)
            out[name] = values
        return out, ok

    def _column(self, name: str) -> pa.Array:
        if name not in self._cache:
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
            return pa.array(np.where(absent, np.nan, values), from_pandas=True), ok | absent
        if rule.type == "integer":
            number, ok = _match(raw, r"^(-?[0-9]{1,15})$", "i")
            return pa.array(number["i"], mask=absent), ok | absent
        if rule.codes is not None or rule.name in ("outcome", "channel", "dial_mode"):
            return self._coded(rule, raw, absent)
        return raw, np.ones(len(raw), dtype=bool)

    def _duration(self, raw: pa.Array, fmt: str) -> tuple[np.ndarray, np.ndarray]:
        if fmt == "h:mm:ss":
            ok, g = _match(raw, _HMS, "HMS")
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
            ok, g = _match(raw, _HMS, "HMS")
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
        pattern, letters = _ISO if rule.format in (None, "iso") else _pattern(rule.format or "")
        ok, g = _match(raw, pattern, letters)
        year = g["Y"] if "Y" in g else np.where(g["y"] < 69, 2000 + g["y"], 1900 + g["y"])
        days, valid = _days_from_civil(year, g["m"], g["d"])
        zeros = np.zeros(len(raw), np.int64)
        hours, minutes, secs = (g.get(k, zeros) for k in "HMS")
        ok &= valid & (hours < 24) & (minutes < 60) & (secs < 60)
        return days * 86400 + hours * 3600 + minutes * 60 + secs, ok | absent, absent

    def _timestamp(self, rule: FieldRule) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
        wall, ok, absent = self._naive(rule)
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


# -- checks as predicates ---------------------------------------------------------------------------

_SECONDS = ("ivr_seconds", "wait_seconds", "talk_seconds", "hold_seconds", "wrap_seconds", "handle_seconds")


def contact_checks(columns: dict[str, Any], mapped: set[str], n: int) -> np.ndarray:
    """Rows where :func:`~charte.io.quality.check_contact` finds nothing; fills ``handle_seconds`` as it does."""
    clean = np.ones(n, dtype=bool)
    arrays = {name: _float_column(columns.get(name), n) for name in _SECONDS}
    for name in _SECONDS:
        clean &= ~(arrays[name] < 0)
    handle = arrays["handle_seconds"]
    parts = [arrays[name] for name in _SECONDS[2:5]]
    given = np.zeros(n, dtype=bool)
    total = np.zeros(n)
    for part in parts:
        given |= ~np.isnan(part)
        total = total + np.nan_to_num(part, nan=0.0)
    fill = np.isnan(handle) & given
    if fill.any():
        handle = np.where(fill, total, handle)
        if "handle_seconds" in columns:
            columns["handle_seconds"] = pa.array(handle, from_pandas=True)
    outcome = _string_column(columns.get("outcome"), n)
    if "agent_id" in mapped:
        agent = _string_column(columns.get("agent_id"), n)
        clean &= ~((outcome == "answered") & (agent == None))  # noqa: E711 (object array)
    abandoned = (outcome == "abandoned") | (outcome == "ivr_only")
    service = np.maximum(np.nan_to_num(handle, nan=0.0), np.nan_to_num(arrays["talk_seconds"], nan=0.0))
    clean &= ~(abandoned & (service > 0))
    arrived = columns.get("arrived_at")
    if isinstance(arrived, tuple):
        for name in ("first_response_at", "closed_at"):
            later = columns.get(name)
            if isinstance(later, tuple):
                clean &= ~(~arrived[2] & ~later[2] & (later[0] < arrived[0]))
            elif isinstance(later, tuple) is False and later is not None:
                clean[:] = False  # constant timestamps: leave to the row path
    return clean


def _float_column(value: Any, n: int) -> np.ndarray:
    if value is None:
        return np.full(n, np.nan)
    if isinstance(value, tuple) and value and value[0] == "constant":
        return np.full(n, np.nan if value[1] is None else float(value[1]))
    return np.asarray(pc.fill_null(pc.cast(value, pa.float64()), np.nan).to_numpy(zero_copy_only=False))


def _string_column(value: Any, n: int) -> np.ndarray:
    if value is None:
        return np.full(n, None, dtype=object)
    if isinstance(value, tuple) and value and value[0] == "constant":
        return np.full(n, value[1], dtype=object)
    return np.asarray(value.to_numpy(zero_copy_only=False), dtype=object)


def interval_checks(columns: dict[str, Any], n: int) -> np.ndarray:
    """Rows where ``_interval_problems`` of the row path finds nothing (else the row path decides)."""
    from charte.domain.calendar import GRANULARITIES

    clean = np.ones(n, dtype=bool)
    ints: dict[str, np.ndarray] = {}
    for name, value in columns.items():
        if name.endswith("_seconds"):
            clean &= ~(_float_column(value, n) < 0)
        elif name in ("interval_minutes", "offered", "handled", "abandoned", "short_abandoned") \
                or name.startswith("answered_within_"):
            ints[name] = _float_column(value, n)
            if name != "interval_minutes":
                clean &= ~(ints[name] < 0)
    minutes = ints.get("interval_minutes", np.full(n, np.nan))
    clean &= np.isin(minutes, list(GRANULARITIES))
    start = columns.get("interval_start")
    if not isinstance(start, tuple) or isinstance(start[0], str):
        return np.zeros(n, dtype=bool)
    epoch_us, offset, absent = start
    step = np.where(np.isnan(minutes), 1, minutes).astype(np.int64) * 60
    clean &= ~absent & ((epoch_us // 1_000_000 + offset) % step == 0) & (epoch_us % 1_000_000 == 0)
    offered, handled, abandoned = (ints.get(k, np.full(n, np.nan)) for k in ("offered", "handled", "abandoned"))
    known = ~np.isnan(offered) & ~np.isnan(handled) & ~np.isnan(abandoned)
    clean &= ~(known & (handled + abandoned > offered))
    for name, value in ints.items():
        if name.startswith("answered_within_"):
            clean &= ~(~np.isnan(value) & ~np.isnan(handled) & (value > handled))
    return clean


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

    def duplicates(self, rows: np.ndarray, keys: list[Any] | pa.Array) -> set[int]:
        """Row numbers (of ``rows``, in row order) whose key appeared in an earlier eligible row."""
        if self.kind != "contact_record":
            out = set()
            for row, key in zip(rows.tolist(), keys, strict=True):
                if key in self.keys:
                    out.add(row)
                self.keys.add(key)
            return out
        batch = pa.table({"row": pa.array(rows, pa.int64()), "key": pa.array(keys, pa.string())})
        self.con.register("batch", batch)
        found = self.con.execute(
            "SELECT row FROM (SELECT row, key, row_number() OVER (PARTITION BY key ORDER BY row) AS n FROM batch) b "
            "WHERE n > 1 OR EXISTS (SELECT 1 FROM seen s WHERE s.key IS NOT DISTINCT FROM b.key)").fetchall()
        self.con.execute("INSERT INTO seen SELECT DISTINCT key FROM batch b "
                         "WHERE NOT EXISTS (SELECT 1 FROM seen s WHERE s.key IS NOT DISTINCT FROM b.key)")
        self.con.unregister("batch")
        return {r[0] for r in found}


SlowRow = Callable[[int, list[str]], tuple[dict[str, Any], list[Issue], bool, dict[str, Any]]]


def contact_check_rows(row: int, rec: dict[str, Any], mapped: set[str], reject: frozenset[str]) -> list[Issue]:
    return check_contact(row, rec, mapped, reject)


def quality_of_block(report: QualityReport, issues_by_row: dict[int, list[Issue]], clean_rows: int) -> None:
    """Add one block's rows to the report in row order."""
    report.rows_read += clean_rows
    for row in sorted(issues_by_row):
        report.add_row(issues_by_row[row])


def duplicate_issue(row: int, kind: str, key: Any) -> Issue:
    return issue(row, "duplicate_id", "contact_id" if kind == "contact_record" else "interval_start",
                 f"{key!r} appears earlier in the file")


def wall_datetime(seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=seconds)
