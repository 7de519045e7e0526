"""What a spreadsheet cell may hold: text that a spreadsheet would run as a formula is made inert.

The rule (OWASP "CSV Injection"): a cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab, a
carriage return or a line feed — or their full-width forms ``＝ ＋ － ＠``, or any of them after
leading spaces — is read by Excel and LibreOffice as a formula (``=HYPERLINK(...)``,
``=cmd|' /C calc'!A0``). Every CSV and XLSX that charte writes passes its text through
:func:`inert`, which prefixes such text with a single quote (``'``), the mark spreadsheets show as
"this is text". A plain number (``-12.50``, ``+33 1 23 45 67 89``, ``-1,5 %``) is no formula and
is left as it is, so negative amounts stay readable as numbers.

The rule lives here, at the bottom of the layers, because exports are written at several layers
(the invoice XLSX in ``charte.io``, the barometer in ``charte.observatory``, the telesales audit in
``charte.telesales``, the CLI's tables). :data:`FORMULA_START` and :data:`PLAIN_NUMBER` are RE2-compatible
so the same patterns serve Python text, Arrow columns (``charte.io.spreadsheet``) and DuckDB SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final, TypeVar

#: Text a spreadsheet would read as the start of a formula.
FORMULA_START: Final = "^[ \u00a0]*[=+\\-@\t\r\n\uff1d\uff0b\uff0d\uff20]"
#: A signed number, with optional spaces, separators, exponent or percent sign: never a formula.
PLAIN_NUMBER: Final = "^[+\\-]?[0-9][0-9 .,\u00a0\u202f]*([eE][+\\-]?[0-9]+)?[ \u00a0]*%?$"
#: What is put before a neutralised text.
MARK: Final = "'"

_FORMULA: Final = re.compile(FORMULA_START)
_NUMBER: Final = re.compile(PLAIN_NUMBER)

T = TypeVar("T")


def needs_mark(text: str) -> bool:
    """True when a spreadsheet would run ``text`` as a formula."""
    return _FORMULA.match(text) is not None and _NUMBER.match(text) is None


def inert(value: T) -> T | str:
    """``value`` unchanged, unless it is text a spreadsheet would run: then the same text after a ``'``."""
    if isinstance(value, str) and needs_mark(value):
        return MARK + value
    return value


def inert_row(values: Iterable[T]) -> list[T | str]:
    """Every cell of a row through :func:`inert`."""
    return [inert(v) for v in values]


def inert_record(record: Mapping[str, T]) -> dict[str, T | str]:
    """Every value of a record (a CSV ``DictWriter`` row) through :func:`inert`."""
    return {key: inert(value) for key, value in record.items()}





def sql_inert(column: str) -> str:
    """A SQL expression (DuckDB, RE2 patterns) giving ``column`` through the same rule, for exports that a
    database writes itself (``COPY ... TO 'x.csv'``). ``column`` is a quoted identifier of a text column."""
    mark = MARK.replace("'", "''")
    return (f"CASE WHEN regexp_matches({column}, '{FORMULA_START}') AND NOT regexp_matches({column}, "
            f"'{PLAIN_NUMBER}') THEN '{mark}' || {column} ELSE {column} END")
__all__ = ["FORMULA_START", "MARK", "PLAIN_NUMBER", "inert", "inert_record", "inert_row", "needs_mark", "sql_inert"]
