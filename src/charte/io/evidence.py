"""Evidence files: which party owns each kind of fact, what a submitted file must be, and where it is kept.

**Kinds of fact and their owner.** The client submits its forecasts and the incidents on its
side (an outage of its CRM, a mailing it announced); the provider submits what its systems
measured — interval reports, contact records, its staffing plan, the KPIs interval reports
cannot carry (quality, FCR, conversion) and the successes of commercial activities. Index
values are reference data either party may submit (the settlement names the version used).
A party never submits the other party's kind of fact (:data:`FACT_KINDS`).

**What a file must be.** Its content is checked at submission, before it is kept: a
``.parquet`` must be a complete Parquet file (``PAR1`` at both ends — a ZIP renamed
``.parquet``, or an upload cut short, is refused saying so), a ``.csv`` UTF-8 text without NUL
bytes; then it is read as the settlement will read it (:mod:`charte.io.settlement_files`): every
problem (missing column, naive timestamp, negative count, an activity the contract does not
have, nothing in the month) is listed at once and nothing is kept.

**Where it is kept.** :class:`EvidenceObjects` is a content-addressed folder: a file is stored
under its SHA-256 (``ab/cdef…``), written to a staging file, flushed and linked into place —
never overwritten, never modified (read-only). The same bytes submitted twice are kept once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import secrets
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from charte.domain.calendar import PARIS, Month
from charte.domain.contract import Contract
from charte.domain.records import CONTACT_RECORD, required_names
from charte.io import settlement_files as files
from charte.io.facts_tables import Table, read_arrow
from charte.io.facts_tables import read_table as read_facts_table
from charte.io.reference_data import ReferenceDataError, read_points
from charte.settle.facts import (
    Facts,
    ForecastSeries,
    Incident,
    IndexValue,
    IntervalBlock,
    MeasuredKpi,
    Problem,
    ReferenceStamp,
    SettlementError,
    StaffingBlock,
    Successes,
)

Party = Literal["client", "provider"]
Owner = Literal["client", "provider", "either"]
FileFormat = Literal["parquet", "csv"]
MAX_EVIDENCE_BYTES = 500 * 1024 * 1024


@dataclass(frozen=True)
class FactKind:
    """A kind of fact the register keeps: who submits it, in which formats, and which versions a settlement uses.

    ``versions``: ``latest`` — a new submission supersedes the previous one for the month;
    ``all`` — every version is kept in play (forecasts: which one counts for a period depends on
    when it was submitted, against the horizon's deadline). ``settles``: whether the settlement
    reads it (contact records are kept as evidence of the interval figures, not read by it).
    """

    name: str
    owner: Owner
    formats: tuple[FileFormat, ...]
    versions: Literal["latest", "all"]
    label_en: str
    label_fr: str
    settles: bool = True

    def owned_by(self, party: str) -> bool:
        return self.owner in ("either", party)


FACT_KINDS: Mapping[str, FactKind] = {k.name: k for k in (
    FactKind("interval_report", "provider", ("parquet", "csv"), "latest", "ACD interval report",
             "rapport d'intervalles ACD"),
    FactKind("contact_records", "provider", ("parquet", "csv"), "latest", "contact records",
             "enregistrements de contacts", settles=False),
    FactKind("staffing", "provider", ("parquet", "csv"), "latest", "staffing plan", "planning des effectifs"),
    FactKind("kpis", "provider", ("csv",), "latest", "measured KPIs (quality, FCR…)",
             "indicateurs mesurés (qualité, FCR…)"),
    FactKind("successes", "provider", ("csv",), "latest", "successes (sales, appointments)",
             "succès (ventes, rendez-vous)"),
    FactKind("forecasts", "client", ("parquet", "csv"), "all", "forecasts", "prévisions"),
    FactKind("incidents", "client", ("csv",), "latest", "client-side incidents", "incidents côté client"),
    FactKind("index_values", "either", ("csv",), "latest", "index values", "valeurs d'indice"),
)}


class EvidenceRejected(ValueError):  # noqa: N818  (the register's answer)
    """A submission refused: every problem found, nothing kept."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.format() for p in problems))


# ---------------------------------------------------------------- what a file is

@dataclass(frozen=True)
class Sniffed:
    what: str        # parquet | truncated_parquet | zip | gzip | pdf | text | binary | empty
    detail: str = ""


def sniff(path: Path) -> Sniffed:
    """What the bytes of ``path`` are, from their first and last bytes (never from the file's name)."""
    size = path.stat().st_size
    if size == 0:
        return Sniffed("empty")
    with path.open("rb") as handle:
        head = handle.read(65536)
        handle.seek(max(0, size - 8))
        tail = handle.read()
    if head.startswith(b"PAR1"):
        return Sniffed("parquet") if size >= 12 and tail.endswith(b"PAR1") else Sniffed(
            "truncated_parquet", f"starts with PAR1 but does not end with it ({size:,} bytes)")
    for magic, what in ((b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"), (b"\x1f\x8b", "gzip"), (b"%PDF", "pdf")):
        if head.startswith(magic):
            return Sniffed(what, f"starts with {magic!r}")
    nul = head.find(b"\x00")
    if nul >= 0:
        return Sniffed("binary", f"NUL byte at offset {nul:,}")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # a character cut by the 64 KiB window is not an error
            return Sniffed("binary", f"not UTF-8 at offset {error.start:,}")
    return Sniffed("text")


def expected_format(file_name: str, kind: FactKind) -> tuple[FileFormat | None, list[Problem]]:
    suffix = Path(file_name).suffix.lower().lstrip(".")
    if suffix not in kind.formats:
        allowed = " or ".join(f".{f}" for f in kind.formats)
        found = f".{suffix}" if suffix else "no suffix"
        return None, [Problem("unexpected_file_type", file_name,
                              f"{kind.name} is submitted as {allowed}; found {found}")]
    return "parquet" if suffix == "parquet" else "csv", []


def _content_problems(path: Path, file_name: str, file_format: FileFormat) -> list[Problem]:
    found = sniff(path)
    if file_format == "parquet":
        if found.what == "parquet":
            return []
        if found.what == "truncated_parquet":
            return [Problem("truncated_file", file_name, f"the Parquet file is cut short: it {found.detail}; "
                                                         "expected a complete Parquet file (was the upload cut?)")]
        return [Problem("not_parquet", file_name, f"the file is {_describe(found)}; expected a Parquet file "
                                                  "(starts and ends with the bytes PAR1)")]
    if found.what == "text":
        return []
    return [Problem("not_csv", file_name, f"the file is {_describe(found)}; expected a CSV text file in UTF-8")]


def _describe(found: Sniffed) -> str:
    names = {"zip": "a ZIP archive (or an Excel workbook)", "gzip": "a gzip archive", "pdf": "a PDF document",
             "binary": "binary data", "empty": "empty", "text": "text", "parquet": "a Parquet file",
             "truncated_parquet": "a truncated Parquet file"}
    return names[found.what] + (f" ({found.detail})" if found.detail else "")


# ---------------------------------------------------------------- reading a file as the settlement does

def read_table(path: Path, file_format: FileFormat) -> pa.Table:
    return pq.read_table(path) if file_format == "parquet" else pacsv.read_csv(path)


@dataclass
class Summary:
    """What a submitted file holds, kept with the submission and shown beside each version."""

    rows: int = 0
    activities: list[str] = field(default_factory=list)
    first: str | None = None
    last: str | None = None
    horizons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "activities": self.activities, "first": self.first, "last": self.last,
                "horizons": self.horizons}


def _span(starts: Iterable[np.ndarray]) -> tuple[str | None, str | None]:
    values = [s for s in starts if s.size]
    if not values:
        return None, None
    low, high = min(int(s.min()) for s in values), max(int(s.max()) for s in values)
    return (datetime.fromtimestamp(low, UTC).isoformat().replace("+00:00", "Z"),
            datetime.fromtimestamp(high, UTC).isoformat().replace("+00:00", "Z"))


def _in_month(starts: Iterable[np.ndarray], month: Month) -> bool:
    first = int(datetime.combine(month.first_day, datetime.min.time(), PARIS).timestamp())
    end = int(datetime.combine(month.next().first_day, datetime.min.time(), PARIS).timestamp())
    return any(bool(((s >= first) & (s < end)).any()) for s in starts)


def facts_table(path: Path, kind: str, file_format: FileFormat) -> Table:
    """A kept file of facts read and checked as a facts folder's file is (:mod:`charte.io.facts_tables`: every
    column typed, every bad cell named); :class:`SettlementError` with every problem otherwise."""
    problems: list[Problem] = []
    spec = files.FILES[kind]
    table = read_arrow(pq.read_table(path), path, spec, problems) if file_format == "parquet" \
        else read_facts_table(path, spec, problems)
    if problems or table is None:
        raise SettlementError(problems or [Problem("unreadable_file", str(path), f"expected {spec.title}")])
    return table


def _checked(parse: Callable[[list[Problem]], Any]) -> Any:
    problems: list[Problem] = []
    parsed = parse(problems)
    if problems:
        raise SettlementError(problems)
    return parsed


def parse_evidence(path: Path, kind: str, file_format: FileFormat, *, minutes: Mapping[str, int] | None = None
                   ) -> tuple[Any, Summary]:
    """The file read as the settlement reads it (typed facts) and its summary; :class:`SettlementError` otherwise."""
    summary = Summary()
    parsed: Any
    if kind == "contact_records":
        arrow = read_table(path, file_format)
        summary.rows = arrow.num_rows
        if "activity" not in arrow.column_names:
            raise SettlementError([Problem("missing_column", path.name, "`activity` is missing; expected a column "
                                                                        "naming the contract's activity of each row")])
        parsed = _contact_records(arrow, path.name)
        summary.activities = sorted(set(arrow.column("activity").to_pylist()))
        summary.first, summary.last = _span([parsed])
        return parsed, summary
    if kind == "index_values":
        try:
            points = read_points(path)
        except ReferenceDataError as error:
            raise SettlementError([Problem("invalid_reference_value", path.name, line)
                                   for line in error.problems]) from None
        summary.rows = len(points)
        summary.first = min((p.start.isoformat() for p in points), default=None)
        summary.last = max((p.start.isoformat() for p in points), default=None)
        return points, summary
    table = facts_table(path, kind, file_format)
    summary.rows = len(table)
    summary.activities = sorted({str(a) for a in table.columns["activity"].tolist()}) if table.has("activity") else []
    if kind == "interval_report":
        parsed = _checked(lambda problems: files.interval_blocks(table, problems))
        summary.first, summary.last = _span([b.start for b in parsed])
    elif kind == "forecasts":
        parsed = _checked(lambda problems: files.forecast_series(table, problems))
        summary.first, summary.last = _span([s.period_start for s in parsed])
        summary.horizons = sorted({s.horizon for s in parsed})
    elif kind == "staffing":
        parsed = _checked(lambda problems: files.staffing_blocks(table, dict(minutes or {}), problems))
        summary.first, summary.last = _span([s.start for s in parsed])
    elif kind == "incidents":
        parsed = _checked(lambda problems: files.incidents(table, problems))
        summary.first = min((i.start.isoformat() for i in parsed), default=None)
        summary.last = max((i.end.isoformat() for i in parsed), default=None)
    elif kind == "kpis":
        parsed = files.measured_kpis(table)
    else:
        parsed = files.successes_of(table)
    return parsed, summary


def _contact_records(table: pa.Table, where: str) -> np.ndarray:
    missing = [name for name in required_names(CONTACT_RECORD) if name not in table.column_names]
    if missing:
        raise SettlementError([Problem("missing_column", where, f"columns {missing} are missing; expected the "
                                                                "canonical contact-record columns")])
    column = table.column("arrived_at")
    if not pa.types.is_timestamp(column.type) or column.type.tz is None:
        raise SettlementError([Problem("naive_instant", where, f"`arrived_at` is {column.type}; expected instants "
                                                               "with their zone (timestamp with tz)")])
    values: np.ndarray = pc.cast(column, pa.timestamp("s", tz="UTC"), safe=False).to_numpy(zero_copy_only=False)
    return values.astype("datetime64[s]").astype(np.int64)


def check_evidence(path: Path, file_name: str, kind: str, contract: Contract, month: Month
                   ) -> tuple[FileFormat, Summary]:
    """The file's format and summary when it may enter the register for ``month``; :class:`EvidenceRejected` lists
    every problem otherwise (see the module docstring)."""
    fact = FACT_KINDS.get(kind)
    if fact is None:
        raise EvidenceRejected([Problem("unknown_fact_kind", file_name, f"kind {kind!r}: expected one of "
                                        + ", ".join(FACT_KINDS))])
    if path.stat().st_size > MAX_EVIDENCE_BYTES:
        raise EvidenceRejected([Problem("file_too_large", file_name, f"{path.stat().st_size:,} bytes; at most "
                                        f"{MAX_EVIDENCE_BYTES:,}")])
    file_format, problems = expected_format(file_name, fact)
    if file_format is None:
        raise EvidenceRejected(problems)
    problems = _content_problems(path, file_name, file_format)
    if problems:
        raise EvidenceRejected(problems)
    try:
        parsed, summary = parse_evidence(path, kind, file_format)
    except SettlementError as error:
        here = str(path)  # the file as received (a staging path of the server): named by its file name instead
        raise EvidenceRejected([Problem(p.code, _where(file_name, p.where.replace(here, file_name)),
                                        p.message.replace(here, file_name)) for p in error.problems]) from None
    except (KeyError, ValueError, TypeError, pa.ArrowException, OSError) as error:
        raise EvidenceRejected([Problem("unreadable_file", file_name, f"{_reason(error).replace(str(path), file_name)}"
                                        "; expected the columns of "
                                        f"{kind} described in the README (charte.io.settlement_files)")]) from None
    problems = _month_problems(parsed, summary, kind, file_name, contract, month)
    if problems:
        raise EvidenceRejected(problems)
    return file_format, summary


def _where(file_name: str, where: str) -> str:
    return where if where.startswith(file_name) else f"{file_name}: {where}"


def _year_starts(starts: np.ndarray, month: Month) -> np.ndarray:
    first = int(datetime.combine(month.first_day, datetime.min.time(), PARIS).timestamp())
    years = {datetime.fromtimestamp(int(s), PARIS).year for s in starts}
    return np.array([first] if month.year in years else [], dtype=np.int64)


def _reason(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"column {error} is missing"
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"


def _month_problems(parsed: Any, summary: Summary, kind: str, file_name: str, contract: Contract,
                    month: Month) -> list[Problem]:
    problems: list[Problem] = []
    known = {a.id for a in contract.activities}
    unknown = [a for a in summary.activities if a not in known]
    if unknown and kind != "index_values":
        problems.append(Problem("unknown_activity", file_name,
                                f"activities {', '.join(unknown)} are not in contract {contract.id}; expected one of "
                                + ", ".join(sorted(known))))
    if summary.rows == 0:
        problems.append(Problem("empty_file", file_name, "the file has no row; expected the month's facts"))
        return problems
    if kind == "interval_report":
        starts = [b.start for b in parsed]
    elif kind == "forecasts":  # a yearly forecast (a budget) covers the month when it forecasts its year
        starts = [s.period_start if s.granularity != "year" else _year_starts(s.period_start, month) for s in parsed]
    elif kind == "staffing":
        starts = [s.start for s in parsed]
    elif kind == "contact_records":
        starts = [parsed]
    else:
        return problems
    if not _in_month(starts, month):
        problems.append(Problem("nothing_in_month", file_name,
                                f"no row of {month} (Europe/Paris); the file runs from {summary.first} to "
                                f"{summary.last} — submit it for the month it covers"))
    return problems


# ---------------------------------------------------------------- the content-addressed folder

@dataclass(frozen=True)
class Staged:
    """A file received and hashed, not yet in the register's folder."""

    path: Path
    sha256: str
    size: int


class EvidenceObjects:
    """A folder of files stored under their SHA-256, never overwritten (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"{sha256!r} is not a SHA-256 in hex")
        return self.root / sha256[:2] / sha256[2:]

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def _incoming(self) -> Path:
        folder = self.root / ".incoming"
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.iterdir():  # files staged by a process that died before committing them
            pid = stale.name.split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                stale.unlink(missing_ok=True)
        return folder

    def stage_chunks(self, chunks: Iterable[bytes], *, limit: int = MAX_EVIDENCE_BYTES) -> Staged:
        """Write ``chunks`` to a staging file, hashing them; refuses more than ``limit`` bytes."""
        path = self._incoming() / f"{os.getpid()}-{secrets.token_hex(8)}"
        digest, size = hashlib.sha256(), 0
        try:
            with path.open("wb") as handle:
                for chunk in chunks:
                    size += len(chunk)
                    if size > limit:
                        raise EvidenceRejected([Problem("file_too_large", "upload", f"more than {limit:,} bytes")])
                    digest.update(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Staged(path, digest.hexdigest(), size)

    async def stage_stream(self, chunks: AsyncIterator[bytes], *, limit: int = MAX_EVIDENCE_BYTES) -> Staged:
        """:meth:`stage_chunks` for an upload read chunk by chunk (never all in memory)."""
        path = self._incoming() / f"{os.getpid()}-{secrets.token_hex(8)}"
        digest, size = hashlib.sha256(), 0
        try:
            with path.open("wb") as handle:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > limit:
                        raise EvidenceRejected([Problem("file_too_large", "upload", f"more than {limit:,} bytes")])
                    digest.update(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Staged(path, digest.hexdigest(), size)

    def stage_file(self, source: Path) -> Staged:
        with source.open("rb") as handle:
            return self.stage_chunks(iter(lambda: handle.read(1 << 20), b""))

    def commit(self, staged: Staged) -> Path:
        """Link the staged file into place under its hash (kept once; an existing copy is never replaced)."""
        target = self.path(staged.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(staged.path, target)
            os.chmod(target, 0o444)
            _fsync_dir(target.parent)
        except FileExistsError:
            pass
        finally:
            staged.path.unlink(missing_ok=True)
        return target

    def discard(self, staged: Staged) -> None:
        staged.path.unlink(missing_ok=True)

    def put_bytes(self, data: bytes) -> str:
        """Keep ``data`` (a contract's text, a reference series) and return its SHA-256."""
        staged = self.stage_chunks([data])
        self.commit(staged)
        return staged.sha256

    def read_bytes(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def intact(self, sha256: str) -> bool:
        """Whether the stored file still hashes to its name."""
        path = self.path(sha256)
        if not path.is_file():
            return False
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest() == sha256


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---------------------------------------------------------------- facts from kept files

@dataclass(frozen=True)
class KeptFile:
    """One version of one kind of fact, as the settlement receives it."""

    kind: str
    path: Path
    file_format: FileFormat
    submitted_at: datetime


def facts_from_files(kept: Iterable[KeptFile], index_values: Iterable[IndexValue] = (),
                     references: Iterable[ReferenceStamp] = ()) -> Facts:
    """The facts a settlement reads from the chosen versions (forecasts: every version, issued when submitted).

    Index values are not read here: they are reference data (``index_values`` and ``references``, built by
    :func:`charte.store.replay.settle_from_register` from the reference book and the month's submissions)."""
    intervals: list[IntervalBlock] = []
    forecasts: list[ForecastSeries] = []
    staffing: list[Table] = []
    incidents: list[Incident] = []
    kpis: list[MeasuredKpi] = []
    successes: list[Successes] = []
    problems: list[Problem] = []
    for item in sorted(kept, key=lambda k: (k.kind, k.submitted_at)):
        if item.kind not in files.FILES:
            continue
        table = facts_table(item.path, item.kind, item.file_format)
        if item.kind == "interval_report":
            intervals += files.interval_blocks(table, problems)
        elif item.kind == "forecasts":
            forecasts += [issued_when_submitted(s, item.submitted_at, item.path.parent.name + item.path.name)
                          for s in files.forecast_series(table, problems)]
        elif item.kind == "staffing":
            staffing.append(table)
        elif item.kind == "incidents":
            incidents += files.incidents(table, problems)
        elif item.kind == "kpis":
            kpis += files.measured_kpis(table)
        elif item.kind == "successes":
            successes += files.successes_of(table)
    minutes = {b.activity: b.minutes for b in intervals}
    blocks: list[StaffingBlock] = [b for table in staffing for b in files.staffing_blocks(table, minutes, problems)]
    if problems:
        raise SettlementError(problems)
    return Facts.of(intervals=intervals, forecasts=forecasts, staffing=blocks, incidents=incidents,
                    index_values=list(index_values), kpis=kpis, successes=successes, references=references)


def issued_when_submitted(series: ForecastSeries, submitted_at: datetime, sha256: str = "") -> ForecastSeries:
    """The forecast version as the register witnessed it: issued when it was submitted (``issued_at``, and
    ``issued_on`` its Paris day), whatever its file says.

    The time the file itself claims (``issued_on``, ``issued_at``) is the client's word; the register's
    clock is what a third party can rely on, so a forecast back-dated in its file counts from its
    submission: the settlement compares that instant with each horizon's deadline
    (:mod:`charte.settle.forecast_versions`).
    """
    from dataclasses import replace

    return replace(series, issued_on=submitted_at.astimezone(PARIS).date(), issued_at=submitted_at,
                   source=f"register {sha256[:12]}" if sha256 else series.source)


# ---------------------------------------------------------------- what the settlement was computed with

SOFTWARE = ("charte", "numpy", "scipy", "pyarrow", "holidays", "pydantic", "pyyaml")


def software_versions() -> tuple[tuple[str, str], ...]:
    """The versions of the software a settlement depends on (Python, charte and the libraries it computes with)."""
    found = [("python", platform.python_version())]
    for name in SOFTWARE:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, "not installed"))
    return tuple(found)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def submitted_instant(moment: datetime) -> str:
    """An instant as the register writes it: UTC, ISO 8601, to the microsecond, with ``Z``."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no zone; expected an instant")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def chunks_of(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from iter(lambda: handle.read(1 << 20), b"")


__all__ = [
    "FACT_KINDS", "EvidenceObjects", "EvidenceRejected", "FactKind", "KeptFile", "Staged", "Summary",
    "check_evidence", "facts_from_files", "file_sha256", "issued_when_submitted", "parse_evidence",
    "parse_instant", "read_table", "sniff", "software_versions", "submitted_instant",
]
