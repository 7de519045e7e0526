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

import csv
import hashlib
import io
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from charte.domain.reference import (
    ILLUSTRATIVE_MARK,
    CsvProblem,
    ReferenceBook,
    ReferenceConflictError,
    ReferencePoint,
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
    header = next((line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")
    columns = {c.strip() for c in next(csv.reader([header]), [])}
    if {"series", "month", "value"} <= columns and "period" not in columns:
        text = _from_index_csv(text, path)
    elif {"table", "half_year_start", "rate"} <= columns:
        text = _from_rates_csv(text, path)
    points, problems = parse_csv(text, source_name=str(path))
    if problems:
        raise ReferenceDataError([_render(path, p) for p in problems])
    return points


def _render(path: Path, problem: CsvProblem) -> str:
    return f"{path}:{problem.line}: [{problem.code}] {problem.message}"


def _rewrite(text: str, header: str, convert: dict[str, str], fixed: dict[str, str]) -> str:
    """The same lines (comments kept, so line numbers stay) with the header and columns renamed."""
    out = []
    seen_header = False
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            out.append(line)
            continue
        if not seen_header:
            old_header = [h.strip() for h in next(csv.reader([line]))]
            out.append(header)
            seen_header = True
            continue
        record = dict(zip(old_header, (v.strip() for v in next(csv.reader([line]))), strict=False))
        values = {new: record.get(old, "") for new, old in convert.items()} | fixed
        if not values.get("source"):
            values["source"] = fixed.get("source", "")
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow([values.get(c, "") for c in header.split(",")])
        out.append(buffer.getvalue())
    return "\n".join(out)


def _from_index_csv(text: str, path: Path) -> str:
    return _rewrite(text, "series,period,value,source,published_on,until",
                    {"series": "series", "period": "month", "value": "value"}, {"source": f"index file {path.name}"})


def _from_rates_csv(text: str, path: Path) -> str:
    return _rewrite(text, "series,period,value,source,published_on,until",
                    {"series": "table", "period": "half_year_start", "value": "rate", "source": "source"},
                    {"source": f"rates file {path.name}"} if "source" not in text.splitlines()[0] else {})


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
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    target = root / f"{digest[:16]}-{path.stem}.csv"
    if any(p.name.startswith(digest[:16]) for p in root.glob("*.csv")) if root.is_dir() else False:
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


def illustrative_file(path: Path) -> bool:
    return any(line.strip().lower() == ILLUSTRATIVE_MARK for line in path.read_text(encoding="utf-8").splitlines())
