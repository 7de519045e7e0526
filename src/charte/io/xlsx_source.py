"""Excel workbooks (``.xlsx``) as a source: the first sheet (or ``source.sheet``), header on row 1.

Cells keep their Excel types (dates come as datetimes, durations as times or day fractions)
and the converters accept them as such. Read with openpyxl in read-only mode, row by row.
An ``.xlsx`` is a ZIP archive: a file that is not one (a CSV renamed ``.xlsx``, an old ``.xls``,
a damaged download) is refused saying what it is instead (``not_a_workbook``).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from charte.io.mapping import SourceOptions
from charte.io.quality import SourceError


def open_xlsx(path: Path, options: SourceOptions) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """Header, then ``(sheet row number, cells)`` for every non-empty row."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_is_workbook(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, zipfile.BadZipFile) as exc:
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


def _check_is_workbook(path: Path) -> None:
    """Refuse, saying what the file is, anything that is not a ZIP archive (an .xlsx always is)."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path):
        return
    if not head:
        found = "an empty file"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        found = "an old Excel 97-2003 workbook (.xls); save it as .xlsx"
    elif head.startswith(b"PK"):
        found = "a damaged or truncated ZIP archive"
    elif b"\x00" not in head:
        found = "text (a CSV renamed .xlsx?); import it as CSV"
    else:
        found = "binary data that is not a workbook"
    raise SourceError("not_a_workbook", str(path), f"the file is {found}; expected an .xlsx workbook (a ZIP archive "
                                                   "starting with PK)")
