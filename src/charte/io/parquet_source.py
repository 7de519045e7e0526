"""Parquet files as a source: columns by name, values with their Parquet types.

Row numbers are 1-based positions in the file (there is no header line). Batches are read
one at a time. Timestamps with a zone are instants (no DST question); timestamps without a
zone are local wall times in the mapping's zone, checked for DST gaps and repeated hours.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from charte.io.quality import SourceError

BATCH_ROWS = 65_536


def open_parquet(path: Path) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    try:
        handle = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a non-Parquet file
        raise SourceError("unreadable_parquet", str(path), f"not a readable Parquet file ({exc})") from None
    if handle.metadata.num_rows == 0:
        raise SourceError("empty_file", str(path), "the file has no rows")
    header = list(handle.schema_arrow.names)

    def records() -> Iterator[tuple[int, list[Any]]]:
        number = 0
        for batch in handle.iter_batches(batch_size=BATCH_ROWS):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for values in zip(*columns, strict=True):
                number += 1
                yield number, list(values)

    return header, records()
