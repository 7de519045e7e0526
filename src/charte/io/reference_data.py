"""Reference data on disk: the series shipped with charte plus the published values a user added.

The user's values live in a folder (``--reference DIR``, ``$CHARTE_REFERENCE``, or
``./charte-reference``): each CSV added with ``charte reference add`` is copied there under the
SHA-256 of its content, never overwritten (the same file twice adds nothing), so what a
settlement used stays retrievable. The book a command works with is the shipped series extended
by every file of the folder; a value that contradicts another for the same period is refused
(:class:`ReferenceDataError`), never silently replaced.

Formats read (every bad row reported with its line):

* the reference CSV of :mod:`charte.domain.reference`
  (``series,period,value,source,published_on,until``);
* the older index CSV ``series,month,value`` (``--index``), read as monthly values whose source
  is the file;
* the older rates CSV ``table,half_year_start,rate,source`` (``--rates``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from charte.domain.reference import (
    CsvProblem,
    ReferenceBook,
    ReferenceConflictError,
    ReferencePoint,
    from_older_csv,
    is_older_csv,
    parse_csv,
    shipped_book,
)
from charte.settle import IndexValue, ReferenceStamp

DEFAULT_FOLDER: Final = "charte-reference"


class ReferenceDataError(ValueError):
    """Reference files that cannot be used; ``problems`` are ``file:line: [code] message`` lines."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


def folder_of(folder: Path | None = None) -> Path:
    """The user's reference folder: the one given, ``$CHARTE_REFERENCE``, or ``./charte-reference``."""
    return folder or Path(os.environ.get("CHARTE_REFERENCE") or DEFAULT_FOLDER)


def read_points(path: Path) -> list[ReferencePoint]:
    """The points of one file in any accepted format (module docstring); every problem at once."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceDataError([f"{path}: [unreadable_file] {exc}; expected a UTF-8 CSV"]) from None
    if is_older_csv(text):
        text = from_older_csv(text, f"file {path.name}")
    points, problems = parse_csv(text)
    if problems:
        raise ReferenceDataError([_render(path, p) for p in problems])
    return points


def _render(path: Path, problem: CsvProblem) -> str:
    return f"{path}:{problem.line}: [{problem.code}] {problem.message}"


def load_book(folder: Path | None = None, extra: Iterable[Path] = ()) -> ReferenceBook:
    """The shipped series, extended by every CSV of the user's folder, then by ``extra`` files."""
    root = folder_of(folder)
    files = sorted(root.glob("*.csv")) if root.is_dir() else []
    return extend(shipped_book(), [*files, *extra])


def extend(book: ReferenceBook, files: Iterable[Path]) -> ReferenceBook:
    problems: list[str] = []
    points: list[ReferencePoint] = []
    for path in files:
        try:
            points += read_points(path)
        except ReferenceDataError as error:
            problems += error.problems
    if problems:
        raise ReferenceDataError(problems)
    try:
        return book.extended(points)
    except ReferenceConflictError as conflict:
        raise ReferenceDataError([f"[reference_conflict] {conflict}"]) from None


def reference_versions(folder: Path | None = None) -> dict[str, str]:
    """Version (SHA-256 of the content) of every reference series, shipped and added: for evidence bindings."""
    return load_book(folder).versions()


@dataclass(frozen=True)
class Added:
    path: Path
    points: int
    status: str   # added | already_added


def add_file(path: Path, folder: Path | None = None) -> Added:
    """Check ``path`` against the book and keep a copy in the user's folder (named by content hash)."""
    root = folder_of(folder)
    points = read_points(path)
    extend(load_book(root), [path])  # refuses a value contradicting one already held
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    target = root / f"{digest}-{path.stem}.csv"
    if root.is_dir() and any(p.name.startswith(digest) for p in root.glob("*.csv")):
        return Added(target, len(points), "already_added")
    root.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    shutil.copyfile(path, tmp)
    os.replace(tmp, target)
    return Added(target, len(points), "added")


def index_values(book: ReferenceBook, series: str) -> list[IndexValue]:
    """The monthly values of ``series`` as settlement facts."""
    from charte.domain.calendar import Month

    return [IndexValue(series, Month.of(p.start), p.value) for p in book.get(series).points]


def stamp(book: ReferenceBook, series: str) -> ReferenceStamp:
    """What a settlement records about a series it rests on: version, last known date, illustrative or not."""
    found = book.get(series)
    return ReferenceStamp(series, found.version, found.illustrative, found.last_known,
                          "; ".join(sorted({p.source for p in found.points}))[:500])
