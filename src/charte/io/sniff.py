"""What a file's bytes say it is, whatever its name says (a ZIP renamed ``.parquet`` is a ZIP).

:func:`content_problem` looks at the first bytes (and, for Parquet, the last four) and answers
``None`` when they fit the format the name announces, or what was found instead. Magic numbers:
Parquet starts and ends with ``PAR1`` (Apache Parquet file format); XLSX is a ZIP (``PK\\x03\\x04``,
ECMA-376 Open Packaging); CSV is text — no NUL byte, readable as UTF-8 or Windows-1252 — and none of
the binary signatures below.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Final

PARQUET_MAGIC: Final = b"PAR1"
SIGNATURES: Final[tuple[tuple[bytes, str], ...]] = (
    (b"PK\x03\x04", "a ZIP archive (or an XLSX workbook)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"%PDF", "a PDF document"),
    (b"PAR1", "a Parquet file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (XLS)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program (ELF)"),
    (b"MZ", "a Windows program"),
)
#: How many leading bytes :func:`content_problem` needs.
HEAD_BYTES: Final = 4096


def _what(head: bytes) -> str:
    return next((what for magic, what in SIGNATURES if head.startswith(magic)), "binary data")


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    sample = head[: HEAD_BYTES - 4]  # a multi-byte character may be cut at the end
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        try:
            sample.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return True


def content_problem(name: str, head: bytes, tail: bytes = b"") -> str | None:
    """``None`` when ``head`` (the first :data:`HEAD_BYTES` bytes) and ``tail`` (the last 4) fit the format of
    ``name``'s suffix (``.parquet``, ``.csv``, ``.xlsx``); otherwise a sentence saying what was expected and found."""
    suffix = PurePath(name).suffix.lower()
    if not head:
        return "the file is empty"
    if suffix == ".parquet":
        if head.startswith(PARQUET_MAGIC) and tail.endswith(PARQUET_MAGIC):
            return None
        return f"expected a Parquet file (starting and ending with PAR1); found {_what(head)}"
    if suffix == ".xlsx":
        return None if head.startswith(b"PK\x03\x04") else f"expected an XLSX workbook; found {_what(head)}"
    if suffix in (".csv", ".txt"):
        if any(head.startswith(magic) for magic, _ in SIGNATURES) or not _is_text(head):
            return f"expected CSV text; found {_what(head)}"
        return None
    return None


__all__ = ["HEAD_BYTES", "content_problem"]
