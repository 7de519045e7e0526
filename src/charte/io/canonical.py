"""Arrow form of the canonical schemas (``charte.domain.records``), and writers for them.

Timestamps are stored as UTC instants (``timestamp[us, tz=UTC]``); durations as float64
seconds; counts as int64. CSV output writes timestamps in ISO 8601 with their offset, so a
reader never has to guess the zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from charte.domain.records import ANSWERED_WITHIN, CONTACT_RECORD, INTERVAL_REPORT, FieldSpec

_ARROW_TYPES: Mapping[str, pa.DataType] = {
    "string": pa.string(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "seconds": pa.float64(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "number": pa.float64(),
    "decimal": pa.string(),
}


def arrow_schema(specs: tuple[FieldSpec, ...], extra: tuple[str, ...] = ()) -> pa.Schema:
    """Arrow schema of a canonical schema; ``extra`` adds ``answered_within_<T>s`` count columns."""
    fields = [pa.field(f.name, _ARROW_TYPES[f.type], nullable=not f.required) for f in specs]
    for name in extra:
        if not ANSWERED_WITHIN.match(name):
            raise ValueError(f"extra column {name!r} is not of the form answered_within_<T>s")
        fields.append(pa.field(name, pa.int64(), nullable=False))
    return pa.schema(fields)


def contact_records_table(columns: Mapping[str, Any]) -> pa.Table:
    """Build a contact-record table; missing optional columns are filled with nulls."""
    return _table(CONTACT_RECORD, columns)


def interval_report_table(columns: Mapping[str, Any]) -> pa.Table:
    extra = tuple(sorted((c for c in columns if ANSWERED_WITHIN.match(c)), key=_threshold))
    return _table(INTERVAL_REPORT, columns, extra)


def _threshold(name: str) -> int:
    match = ANSWERED_WITHIN.match(name)
    assert match is not None
    return int(match.group(1))


def _table(specs: tuple[FieldSpec, ...], columns: Mapping[str, Any], extra: tuple[str, ...] = ()) -> pa.Table:
    schema = arrow_schema(specs, extra)
    known = set(schema.names)
    unknown = sorted(set(columns) - known)
    if unknown:
        raise ValueError(f"columns {unknown} are not in the canonical schema")
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns have different lengths: {sorted(lengths)}")
    rows = lengths.pop() if lengths else 0
    arrays = []
    for field in schema:
        if field.name in columns:
            arrays.append(pa.array(columns[field.name], type=field.type))
        elif not field.nullable:
            raise ValueError(f"required column {field.name!r} is missing")
        else:
            arrays.append(pa.nulls(rows, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


#: Names of :mod:`charte.measure`'s interval facts that the canonical interval report spells otherwise.
MEASURE_TO_CANONICAL: Mapping[str, str] = {"wait_answered_seconds": "wait_seconds_answered",
                                           "wait_abandoned_seconds": "wait_seconds_abandoned"}


def canonical_kpis(result: pa.Table, minutes: int | None = None) -> pa.Table:
    """KPIs (``charte kpi``) under the canonical interval-report names; per interval, with ``interval_minutes``.

    Per interval, the result *is* an interval report: ``charte settle --facts`` reads it as one (its
    ratio columns are skipped). The columns no source carried (staffed and productive seconds from
    contact records) are dropped rather than written empty.
    """
    table = result.rename_columns([MEASURE_TO_CANONICAL.get(n, n) for n in result.column_names])
    for name in ("staffed_seconds", "productive_seconds"):
        if name in table.column_names and table.num_rows and table[name].null_count == table.num_rows:
            table = table.drop_columns([name])
    if minutes is not None and "interval_start" in table.column_names and "interval_minutes" not in table.column_names:
        at = table.column_names.index("interval_start") + 1
        table = table.add_column(at, "interval_minutes", pa.repeat(pa.scalar(minutes, pa.int64()), table.num_rows))
    return table


def write_parquet(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")


def write_csv(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, path)
