"""Writing CSV and XLSX exports with every text cell made inert (:mod:`charte.domain.cells`).

The writers here are the ones the CLI and the web use for tables: an Arrow table to CSV
(:func:`write_csv_table`), rows to CSV (:func:`write_csv_rows`), and :func:`inert_table` for an Arrow
table about to be written some other way. Each one passes text through the single rule of
:func:`charte.domain.cells.inert`, so an activity, campaign or party name such as
``=HYPERLINK("http://…")`` arrives in the spreadsheet as text, never as a live formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from charte.domain.cells import FORMULA_START, MARK, PLAIN_NUMBER, inert, inert_record, inert_row


def _inert_column(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return column
    risky = pc.and_(pc.match_substring_regex(column, FORMULA_START),
                    pc.invert(pc.match_substring_regex(column, PLAIN_NUMBER)))
    marked = pc.binary_join_element_wise(pa.scalar(MARK, column.type), column, pa.scalar("", column.type))
    return pc.if_else(pc.fill_null(risky, False), marked, column)


def inert_table(table: pa.Table) -> pa.Table:
    """The table with every text cell a spreadsheet would run as a formula made inert."""
    return pa.table([_inert_column(c) for c in table.columns], schema=table.schema)


def write_csv_table(table: pa.Table, target: str | Path | IO[bytes]) -> None:
    """An Arrow table as CSV (header, UTF-8), text made inert."""
    pacsv.write_csv(inert_table(table), target)


def write_csv_rows(target: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any] | Mapping[str, Any]]) -> int:
    """Rows (sequences, or mappings keyed by ``header``) as CSV into an open text stream; returns the count."""
    count = 0
    writer = csv.writer(target)
    writer.writerow(inert_row(header))
    for row in rows:
        values = [inert_record(row).get(h, "") for h in header] if isinstance(row, Mapping) else inert_row(row)
        writer.writerow(values)
        count += 1
    return count


__all__ = ["inert", "inert_row", "inert_table", "write_csv_rows", "write_csv_table"]
