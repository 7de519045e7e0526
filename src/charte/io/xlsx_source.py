"""Excel workbooks (``.xlsx``) as a source: the first sheet (or ``source.sheet``), header on row 1.

Cells keep their Excel types (dates come as datetimes, durations as times or day fractions)
and the converters accept them as such. Read with openpyxl in read-only mode, row by row.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from charte.io.mapping import SourceOptions
from charte.io.quality import SourceError


def open_xlsx(path: Path, options: SourceOptions) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """Header, then ``(sheet row number, cells)`` for every non-empty row."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SourceError("unreadable_workbook", str(path), f"not a readable .xlsx workbook ({exc})") from None
    if options.sheet is not None and options.sheet not in book.sheetnames:
        raise SourceError("missing_sheet", str(path), f"no sheet {options.sheet!r}; found {book.sheetnames}")
    sheet = book[options.sheet] if options.sheet else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None or all(c is None for c in first):
        book.close()
        raise SourceError("empty_file", str(path), "the sheet is empty; expected a header row and rows", 1)
    header = [str(c).strip() if c is not None else "" for c in first]

    def records() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, cells in enumerate(rows, start=2):
                if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                    continue
                yield number, list(cells[: len(header)]) + [None] * (len(header) - len(cells))
        finally:
            book.close()

    return header, records()
