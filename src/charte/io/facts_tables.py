"""The canonical facts files, read column by column with errors a contract manager can act on.

Each file of a facts folder has a :class:`FileSpec`: its columns, their type, unit and whether
they are required. A file is Parquet (preferred) or CSV. CSV files are UTF-8 (a BOM is
accepted), **comma-separated**, with a header line, numbers with a decimal point and no
thousands separator, instants in ISO 8601 **with their offset** (``2026-10-01T00:00:00+02:00``
or ``2026-09-30 22:00:00Z``), dates as ``YYYY-MM-DD``. Exports in another dialect (``;``,
decimal comma, local times) go through ``charte import`` and a mapping, which is made for them.

Every problem of every file is collected and reported together, each with the file, the line
(CSV) or row (Parquet), the column, what was expected and what was found; nothing is
truncated (8,500.7 calls is an error, not 8,500), no empty or ``NaN`` cell becomes 0, and an
instant without an offset is refused (it would be read in a zone nobody stated). An offset
other than UTC must be Europe/Paris's at that instant (the zone settlements are made in).
Optional columns are given on every row or on none. Columns a file may carry for other uses
(the ratios ``charte kpi`` adds, the import store's bookkeeping) are named in ``ignored`` and
skipped; any other column is an error, so a misspelt name is never read as absent.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Final, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from charte.domain.calendar import PARIS
from charte.settle.facts import Problem

Kind = Literal["text", "instant", "date", "count", "seconds", "number", "decimal", "choice"]
#: Problems listed one by one per column and kind of problem; the rest are counted in one more line.
SHOWN_PER_COLUMN: Final = 10
_COUNT = r"^[0-9]+(\.0+)?$"
_NUMBER = r"^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EXPECTED: Final[dict[str, str]] = {
    "text": "a non-empty text",
    "instant": "an instant in ISO 8601 with its offset, e.g. 2026-10-01T08:30:00+02:00 or 2026-10-01 06:30:00Z",
    "date": "a date YYYY-MM-DD",
    "count": "a whole number, 0 or more",
    "seconds": "a number of seconds, 0 or more, with a decimal point",
    "number": "a number, 0 or more, with a decimal point",
    "decimal": "a decimal number with a decimal point",
}


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a facts file: its type, whether it is required, and what it means (with its unit)."""

    name: str
    kind: Kind
    required: bool
    description: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileSpec:
    """A facts file: its columns, the column families named by pattern, the columns it may carry and skip."""

    stem: str
    title: str
    columns: tuple[ColumnSpec, ...]
    patterns: tuple[tuple[str, ColumnSpec], ...] = ()
    ignored: tuple[str, ...] = ()
    ignored_patterns: tuple[str, ...] = ()

    def spec(self, name: str) -> ColumnSpec | None:
        for column in self.columns:
            if column.name == name:
                return column
        for pattern, template in self.patterns:
            if re.fullmatch(pattern, name):
                return ColumnSpec(name, template.kind, False, template.description)
        return None

    def is_ignored(self, name: str) -> bool:
        return name in self.ignored or any(re.fullmatch(p, name) for p in self.ignored_patterns)


@dataclass
class Table:
    """Typed columns of one file (only the columns it carries), the line or row of each record, its problems."""

    path: Path
    unit: str                          # "line" (CSV) or "row" (Parquet)
    positions: np.ndarray              # line (CSV) or row (Parquet) number of each record
    columns: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.positions.size)

    def where(self, i: int) -> str:
        return f"{self.path}:{int(self.positions[i])}" if self.unit == "line" else \
            f"{self.path}, row {int(self.positions[i])}"

    def has(self, name: str) -> bool:
        return name in self.columns


def find(folder: Path, stem: str) -> Path | None:
    """``stem.parquet`` or else ``stem.csv`` in ``folder``."""
    for suffix in (".parquet", ".csv"):
        if (folder / f"{stem}{suffix}").exists():
            return folder / f"{stem}{suffix}"
    return None


def read_table(path: Path, spec: FileSpec, problems: list[Problem]) -> Table | None:
    """Read and check one facts file; problems go to ``problems`` (None when the file cannot be read at all)."""
    raw = _read_parquet(path, problems) if path.suffix == ".parquet" else _read_csv(path, problems)
    if raw is None:
        return None
    return _checked(path, spec, problems, *raw)


def read_arrow(table: pa.Table, label: Path, spec: FileSpec, problems: list[Problem],
               positions: np.ndarray | None = None) -> Table:
    """Check an Arrow table as :func:`read_table` checks a file (``label`` and ``positions`` name its rows)."""
    rows = positions if positions is not None else np.arange(1, table.num_rows + 1, dtype=np.int64)
    arrays = [table.column(i).combine_chunks() for i in range(table.num_columns)]
    return _checked(label, spec, problems, list(table.column_names), arrays, rows, "row")


def _checked(path: Path, spec: FileSpec, problems: list[Problem], names: list[str], arrays: list[pa.Array],
             positions: np.ndarray, unit: str) -> Table:
    table = Table(path, unit, positions)
    before = len(problems)
    for name in names:
        if spec.spec(name) is None and not spec.is_ignored(name):
            problems.append(Problem("unknown_column", f"{path}:1" if unit == "line" else str(path),
                                    f"column `{name}` is not a column of {spec.title}; expected "
                                    f"{_column_list(spec)}{_did_you_mean(name, spec)}"))
    for column in spec.columns:
        if column.required and column.name not in names:
            problems.append(Problem("missing_column", f"{path}:1" if unit == "line" else str(path),
                                    f"column `{column.name}` ({column.description}) is missing; found "
                                    f"{', '.join(names) or 'no column'}"))
    if len(problems) > before:
        return table
    for name, array in zip(names, arrays, strict=True):
        found = spec.spec(name)
        if found is not None:
            values = _convert(table, found, array, problems)
            if values is not None:
                table.columns[name] = values
    return table


def _column_list(spec: FileSpec) -> str:
    names = [c.name for c in spec.columns] + [p.replace("([0-9]+)", "<T>") for p, _ in spec.patterns]
    return ", ".join(names)


def _did_you_mean(name: str, spec: FileSpec) -> str:
    import difflib

    words = set(name.split("_"))
    close = [c.name for c in spec.columns if set(c.name.split("_")) == words]  # the same words in another order
    close = close or difflib.get_close_matches(name, [c.name for c in spec.columns], n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


# -- reading -----------------------------------------------------------------------------------------


def _read_csv(path: Path, problems: list[Problem]
              ) -> tuple[list[str], list[pa.Array], np.ndarray, str] | None:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem("not_utf8", str(path), f"byte {exc.start} is not UTF-8; expected a UTF-8 file "
                                "(re-save it as UTF-8, or import the export with `charte import` and a mapping)"))
        return None
    first = text.split("\n", 1)[0]
    if "," not in first and (";" in first or "\t" in first):
        sep = "';'" if ";" in first else "a tab"
        problems.append(Problem("not_comma_separated", f"{path}:1",
                                f"the header is separated by {sep}; canonical facts files are comma-separated "
                                "with a decimal point (as `charte demo` and `charte kpi --format csv` write them). "
                                "Import an ACD export with `charte import --mapping ...` and settle with --store"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        problems.append(Problem("empty_file", str(path), "the file is empty; expected a header line"))
        return None
    rows: list[list[str]] = []
    lines: list[int] = []
    start = reader.line_num + 1
    for record in reader:
        if not record or (len(record) == 1 and not record[0].strip()):
            start = reader.line_num + 1
            continue
        if len(record) != len(header):
            problems.append(Problem("wrong_field_count", f"{path}:{start}",
                                    f"has {len(record)} fields; expected {len(header)} as in the header"))
        else:
            rows.append(record)
            lines.append(start)
        start = reader.line_num + 1
    columns = [pa.array([r[i] for r in rows], pa.string()) for i in range(len(header))]
    return header, columns, np.asarray(lines, dtype=np.int64), "line"


def _read_parquet(path: Path, problems: list[Problem]
                  ) -> tuple[list[str], list[pa.Array], np.ndarray, str] | None:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        problems.append(Problem("unreadable_parquet", str(path), f"not a readable Parquet file: {exc}"))
        return None
    arrays = [table.column(i).combine_chunks() for i in range(table.num_columns)]
    return list(table.column_names), arrays, np.arange(1, table.num_rows + 1, dtype=np.int64), "row"


# -- converting --------------------------------------------------------------------------------------


def _np(mask: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _report(table: Table, column: str, code: str, bad: np.ndarray, found: Callable[[int], str], expected: str,
            problems: list[Problem]) -> None:
    """One problem per bad record (the first few), and a count of the others."""
    at = np.flatnonzero(bad)
    for i in at[:SHOWN_PER_COLUMN]:
        problems.append(Problem(code, table.where(int(i)), f"`{column}` is {found(int(i))}; expected {expected}"))
    if at.size > SHOWN_PER_COLUMN:
        more = ", ".join(str(int(table.positions[i])) for i in at[SHOWN_PER_COLUMN:SHOWN_PER_COLUMN + 10])
        problems.append(Problem(code, str(table.path), f"`{column}`: the same problem on {at.size - SHOWN_PER_COLUMN} "
                                f"more {table.unit}s ({more}{', …' if at.size > SHOWN_PER_COLUMN + 10 else ''})"))


def _convert(table: Table, column: ColumnSpec, array: pa.Array, problems: list[Problem]) -> np.ndarray | None:
    """Typed values of one column, or None when it is an optional column left empty on every record."""
    n = len(array)
    if pa.types.is_timestamp(array.type) and column.kind == "instant":
        return _native_instants(table, column, array, problems)
    text = _as_text(array)
    blank = _np(pc.equal(pc.utf8_trim_whitespace(text), "")) | _np(pc.is_null(text))
    if blank.all() and not column.required and n:
        return None
    if blank.any():
        expected = _EXPECTED.get(column.kind, "a value")
        note = "" if column.required else " (the column is given on other rows: fill it on every row, or drop it)"
        _report(table, column.name, "missing_value", blank, lambda i: "empty", expected + note, problems)
    stripped = pc.utf8_trim_whitespace(pc.fill_null(text, ""))
    return _PARSERS[column.kind](table, column, stripped, ~blank, problems)


def _as_text(array: pa.Array) -> pa.Array:
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array.cast(pa.string())
    if pa.types.is_floating(array.type):
        values = array.to_numpy(zero_copy_only=False)
        return pa.array([None if v is None else repr(float(v)) for v in values], pa.string(),
                        mask=np.asarray(pc.is_null(array).to_numpy(zero_copy_only=False), dtype=bool))
    if pa.types.is_date(array.type):
        return pc.strftime(array.cast(pa.timestamp("s")), "%Y-%m-%d")
    return array.cast(pa.string())


def _texts(table: Table, column: ColumnSpec, text: pa.Array, filled: np.ndarray, problems: list[Problem]
           ) -> np.ndarray:
    values = np.asarray(text.to_pylist(), dtype=object)
    if column.choices:
        bad = filled & ~np.isin(values, column.choices)
        _report(table, column.name, "unknown_choice", bad, lambda i: repr(values[i]),
                "one of " + ", ".join(column.choices), problems)
    return values


def _counts(table: Table, column: ColumnSpec, text: pa.Array, filled: np.ndarray, problems: list[Problem]
            ) -> np.ndarray:
    ok = _np(pc.match_substring_regex(text, _COUNT))
    negative = filled & ~ok & _np(pc.match_substring_regex(text, r"^-[0-9]+(\.0+)?$"))
    found = np.asarray(text.to_pylist(), dtype=object)
    _report(table, column.name, "negative_value", negative, lambda i: repr(found[i]), _EXPECTED["count"], problems)
    _report(table, column.name, "not_a_whole_number", filled & ~ok & ~negative, lambda i: repr(found[i]),
            f"{_EXPECTED['count']} ({column.description})", problems)
    usable = pc.if_else(pa.array(ok), text, "0")
    return np.asarray(pc.cast(pc.cast(usable, pa.float64()), pa.int64()).to_numpy(zero_copy_only=False))


def _numbers(table: Table, column: ColumnSpec, text: pa.Array, filled: np.ndarray, problems: list[Problem]
             ) -> np.ndarray:
    ok = _np(pc.match_substring_regex(text, _NUMBER))
    found = np.asarray(text.to_pylist(), dtype=object)
    values = np.asarray(pc.cast(pc.if_else(pa.array(ok), text, "0"), pa.float64()).to_numpy(zero_copy_only=False))
    expected = _EXPECTED[column.kind]
    _report(table, column.name, "not_a_number", filled & ~ok, lambda i: repr(found[i]),
            f"{expected} ({column.description})", problems)
    _report(table, column.name, "negative_value", filled & ok & (values < 0), lambda i: repr(found[i]), expected,
            problems)
    return values


def _decimals(table: Table, column: ColumnSpec, text: pa.Array, filled: np.ndarray, problems: list[Problem]
              ) -> np.ndarray:
    from decimal import Decimal, InvalidOperation

    found = text.to_pylist()
    values = np.empty(len(found), dtype=object)
    bad = np.zeros(len(found), dtype=bool)
    for i, value in enumerate(found):
        try:
            number = Decimal(value) if filled[i] and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value) else None
        except InvalidOperation:
            number = None
        bad[i] = filled[i] and number is None
        values[i] = number
    _report(table, column.name, "not_a_number", bad, lambda i: repr(found[i]),
            f"{_EXPECTED['decimal']} ({column.description})", problems)
    return values


def _dates(table: Table, column: ColumnSpec, text: pa.Array, filled: np.ndarray, problems: list[Problem]
           ) -> np.ndarray:
    found = text.to_pylist()
    values = np.empty(len(found), dtype=object)
    bad = np.zeros(len(found), dtype=bool)
    for i, value in enumerate(found):
        if not filled[i]:
            continue
        try:
            values[i] = date.fromisoformat(value) if _DATE.match(value) else None
        except ValueError:
            values[i] = None
        bad[i] = values[i] is None
    _report(table, column.name, "bad_date", bad, lambda i: repr(found[i]), _EXPECTED["date"], problems)
    return values


def _instants(table: Table, column: ColumnSpec, text: pa.Array, filled: np.ndarray, problems: list[Problem]
              ) -> np.ndarray:
    """UTC seconds since 1970 of ISO 8601 instants; a missing offset or one Paris did not have is an error."""
    found = text.to_pylist()
    seconds = np.zeros(len(found), dtype=np.int64)
    unreadable, naive, mismatch = (np.zeros(len(found), dtype=bool) for _ in range(3))
    detail: dict[int, str] = {}
    for i, value in enumerate(found):
        if not filled[i]:
            continue
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            unreadable[i] = True
            continue
        offset = moment.utcoffset()
        if offset is None:
            naive[i] = True
            continue
        paris = moment.astimezone(PARIS).utcoffset()
        if offset and offset != paris:
            mismatch[i] = True
            detail[i] = f"Europe/Paris was at {_signed(paris)} at that instant, not {_signed(offset)}"
            continue
        seconds[i] = int(moment.timestamp())
    _report(table, column.name, "bad_instant", unreadable, lambda i: repr(found[i]), _EXPECTED["instant"], problems)
    _report(table, column.name, "naive_instant", naive, lambda i: f"{found[i]!r} with no UTC offset",
            "an offset (+02:00, +01:00 or Z): a local time alone does not say which zone it is in", problems)
    _report(table, column.name, "offset_mismatch", mismatch, lambda i: f"{found[i]!r}: {detail[i]}",
            "the Europe/Paris offset of that instant, or a UTC time (Z)", problems)
    return seconds.astype("datetime64[s]")


def _native_instants(table: Table, column: ColumnSpec, array: pa.Array, problems: list[Problem]) -> np.ndarray | None:
    if array.type.tz is None:
        problems.append(Problem("naive_instant", str(table.path),
                                f"`{column.name}` is a Parquet {array.type} with no time zone; expected a timestamp "
                                "with a zone (e.g. timestamp[us, tz=UTC]): a local time alone does not say which "
                                "zone it is in"))
        return None
    nulls = _np(pc.is_null(array))
    if nulls.all() and not column.required and len(array):
        return None
    _report(table, column.name, "missing_value", nulls, lambda i: "empty", _EXPECTED["instant"], problems)
    seconds = pc.cast(pc.fill_null(array.cast(pa.timestamp("s", tz="UTC")), 0), pa.int64())
    return np.asarray(seconds.to_numpy(zero_copy_only=False), dtype=np.int64).astype("datetime64[s]")


def _signed(offset: timedelta | None) -> str:
    minutes = int(offset.total_seconds()) // 60 if offset is not None else 0
    return f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


_PARSERS: Final[dict[str, Callable[[Table, ColumnSpec, pa.Array, np.ndarray, list[Problem]], np.ndarray]]] = {
    "text": _texts, "choice": _texts, "count": _counts, "seconds": _numbers, "number": _numbers,
    "decimal": _decimals, "date": _dates, "instant": _instants,
}


def instants_of(values: np.ndarray) -> list[datetime]:
    """Zoned datetimes (UTC) of a ``datetime64[s]`` column."""
    return [datetime.fromtimestamp(int(v), tz=UTC) for v in values.astype(np.int64)]
