"""Import one file of contact records or interval reports into the facts store.

``import_file(path, mapping, store)`` reads the file (CSV, XLSX or Parquet), converts each
row by the mapping, checks it (:mod:`charte.io.quality`), and commits the accepted rows as one
transaction (:mod:`charte.io.facts_store`). Under the ``reject_file`` policy one rejected row
refuses the file (:class:`ImportRejectedError`, nothing written); under ``quarantine`` the
rejected rows are stored aside with their row number, reasons and raw values. Importing the
same file twice adds nothing. Contact ids already stored for the same organisation,
activity and month are rejected as ``duplicate_id``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from charte.domain.calendar import GRANULARITIES
from charte.io.canonical import arrow_schema
from charte.io.conversion import RowConverter
from charte.io.csv_source import open_csv
from charte.io.facts_store import FactsStore, Manifest
from charte.io.mapping import Mapping, check_complete
from charte.io.parquet_source import open_parquet
from charte.io.quality import Issue, Policy, QualityReport, SourceError, check_contact, check_interval, issue
from charte.io.xlsx_source import open_xlsx

Progress = Callable[[int], None]
EPOCH_DAY = date(1970, 1, 1)
STORAGE_FIELDS = (
    pa.field("organisation", pa.string(), nullable=False),
    pa.field("month", pa.string(), nullable=False),
    pa.field("local_date", pa.date32(), nullable=False),
    pa.field("utc_offset_seconds", pa.int32(), nullable=False),
    pa.field("source_row", pa.int64(), nullable=False),
    pa.field("import_id", pa.string(), nullable=False),
)


class ImportRejectedError(Exception):
    """The file was refused under the ``reject_file`` policy; ``report`` says why, row by row."""

    code = "file_rejected"

    def __init__(self, report: QualityReport) -> None:
        self.report = report
        counts = ", ".join(f"{code}: {n}" for code, n in report.counts().items())
        super().__init__(f"{report.source}: [file_rejected] {report.rows_rejected} of {report.rows_read} rows "
                         f"rejected ({counts}); policy reject_file imports nothing")


@dataclass(frozen=True)
class ImportResult:
    import_id: str
    status: str  # imported | already_imported
    report: QualityReport | None
    manifest: Manifest
    dialect: dict[str, str]


def file_hash(path: Path, organisation: str) -> str:
    digest = hashlib.sha256(organisation.encode() + b"\0")
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:24]


def _open(path: Path, mapping: Mapping) -> tuple[list[str], Iterator[tuple[int, list[Any]]], dict[str, str]]:
    fmt = mapping.source.format
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm") or fmt == "xlsx":
        header, rows = open_xlsx(path, mapping.source)
        return header, rows, {"format": "xlsx", "decimal": mapping.source.decimal or "."}
    if suffix == ".parquet" or fmt == "parquet":
        header, rows = open_parquet(path)
        return header, rows, {"format": "parquet", "decimal": mapping.source.decimal or "."}
    header, records, dialect = open_csv(path, mapping.source)
    return header, iter(records), {"format": "csv", "encoding": dialect.encoding, "delimiter": dialect.delimiter,
                                   "decimal": dialect.decimal}


class _Collector:
    """Accepted rows as columns, rejected rows as quarantine entries."""

    CHUNK_ROWS = 200_000  # accepted rows go to Arrow every so often: memory stays near the Arrow size

    def __init__(self, mapping: Mapping, organisation: str, import_id: str) -> None:
        self.kind = mapping.kind
        self.organisation, self.import_id = organisation, import_id
        self.chunks: list[pa.Table] = []
        self.extra = tuple(f"answered_within_{t}s" for t in mapping.thresholds())
        self.schema = arrow_schema(mapping.schema, self.extra)
        # only mapped fields are collected row by row; the others become null columns at the end
        self.columns: dict[str, list[Any]] = {f.name: [] for f in self.schema if f.name in mapping.fields}
        self.local_days: list[int] = []
        self.offsets: list[int] = []
        self.rows: list[int] = []
        self.quarantine: list[dict[str, Any]] = []
        self.timestamps = {f.name for f in self.schema if pa.types.is_timestamp(f.type)}

    def keep(self, row_no: int, rec: dict[str, Any], primary: str) -> None:
        epoch_us, offset = rec[primary]
        timestamps = self.timestamps
        for name, values in self.columns.items():
            value = rec.get(name)
            values.append(value[0] if value is not None and name in timestamps else value)
        self.local_days.append((epoch_us // 1_000_000 + offset) // 86400)
        self.offsets.append(offset)
        self.rows.append(row_no)
        if len(self.rows) >= self.CHUNK_ROWS:
            self.chunks.append(self._chunk())

    def set_aside(self, row_no: int, issues: list[Issue], raw: dict[str, Any]) -> None:
        self.quarantine.append({
            "source_row": row_no,
            "reasons": ",".join(sorted({i.code for i in issues if i.rejects})),
            "messages": " | ".join(i.message if not i.column else f"`{i.column}` {i.message}" for i in issues),
            "raw": json.dumps(raw, default=str, ensure_ascii=False),
        })

    def table(self) -> pa.Table:
        """Every accepted row, with the storage columns (organisation, month, local date, offset, row, import)."""
        return pa.concat_tables([*self.chunks, self._chunk()])

    def _chunk(self) -> pa.Table:
        organisation, import_id = self.organisation, self.import_id
        arrays = []
        n = len(self.rows)
        for field in self.schema:
            values = self.columns.get(field.name)
            if values is None:
                arrays.append(pa.nulls(n, field.type))
            elif field.name in self.timestamps:
                arrays.append(pa.array(values, pa.int64()).cast(field.type))
            else:
                arrays.append(pa.array(values, field.type))
        months = {d: f"{(EPOCH_DAY + timedelta(days=d)):%Y-%m}" for d in set(self.local_days)}
        arrays += [
            pa.array([organisation] * n, pa.string()),
            pa.array([months[d] for d in self.local_days], pa.string()),
            pa.array(self.local_days, pa.int32()).cast(pa.date32()),
            pa.array(self.offsets, pa.int32()),
            pa.array(self.rows, pa.int64()),
            pa.array([import_id] * n, pa.string()),
        ]
        for values in self.columns.values():
            values.clear()
        self.local_days, self.offsets, self.rows = [], [], []
        return pa.Table.from_arrays(arrays, schema=pa.schema([*self.schema, *STORAGE_FIELDS]))

    def quarantine_table(self) -> pa.Table:
        return pa.Table.from_pylist(self.quarantine, schema=pa.schema([
            ("source_row", pa.int64()), ("reasons", pa.string()), ("messages", pa.string()), ("raw", pa.string())]))


def _interval_problems(row_no: int, rec: dict[str, Any], reject: frozenset[str]) -> list[Issue]:
    minutes, start = rec.get("interval_minutes"), rec.get("interval_start")
    if minutes is None or start is None:
        return []
    if minutes not in GRANULARITIES:
        return [issue(row_no, "bad_interval", "interval_minutes", f"is {minutes}; expected 15, 30 or 60")]
    epoch_us, offset = start
    if (epoch_us // 1_000_000 + offset) % (minutes * 60) or epoch_us % 1_000_000:
        return [issue(row_no, "bad_interval", "interval_start", f"does not start a {minutes}-minute interval")]
    return check_interval(row_no, rec, reject)


def _dedup_key(kind: str, rec: dict[str, Any]) -> Any:
    if kind == "contact_record":
        return rec.get("contact_id")
    return rec.get("activity"), rec.get("queue"), rec.get("interval_start")


def read_rows(path: Path, mapping: Mapping, collector: _Collector, report: QualityReport,
              progress: Progress | None = None) -> dict[str, str]:
    """Convert and check every row of ``path`` into ``collector``; problems go to ``report``."""
    header, rows, dialect = _open(path, mapping)
    missing = sorted(mapping.source_columns() - set(header))
    if missing:
        raise SourceError("missing_column", str(path), f"columns {missing} named by mapping `{mapping.name}` are "
                          f"not in the file; found {header}", 1)
    converter = RowConverter(mapping, dialect["decimal"])
    primary = "arrived_at" if mapping.kind == "contact_record" else "interval_start"
    mapped, reject, width = set(mapping.fields), mapping.reject, len(header)
    seen: set[Any] = set()
    for row_no, fields in rows:
        raw = dict(zip(header, fields, strict=False))
        if len(fields) != width:
            problems = [issue(row_no, "wrong_field_count", None, f"has {len(fields)} fields; expected {width}")]
            report.add_row(problems)
            collector.set_aside(row_no, problems, raw)
            continue
        rec, problems = converter.convert(row_no, raw)
        if not any(p.rejects for p in problems):
            if mapping.kind == "contact_record":
                problems += check_contact(row_no, rec, mapped, reject)
            else:
                problems += _interval_problems(row_no, rec, reject)
            key = _dedup_key(mapping.kind, rec)
            if key in seen:
                problems.append(issue(row_no, "duplicate_id", "contact_id" if mapping.kind == "contact_record"
                                      else "interval_start", f"{key!r} appears earlier in the file"))
            seen.add(key)
        if report.add_row(problems):
            collector.keep(row_no, rec, primary)
        else:
            collector.set_aside(row_no, problems, raw)
        if progress is not None and report.rows_read % 10_000 == 0:
            progress(report.rows_read)
    if report.rows_read == 0:
        raise SourceError("empty_file", str(path), "the file has a header but no rows; expected at least one row")
    return dialect


def _drop_stored_duplicates(table: pa.Table, store: FactsStore, organisation: str, report: QualityReport,
                            collector: _Collector) -> pa.Table:
    existing = store.existing_ids(table, organisation)
    if not existing:
        return table
    keep = []
    for i, (cid, row_no) in enumerate(zip(table["contact_id"].to_pylist(), table["source_row"].to_pylist(),
                                          strict=True)):
        if cid in existing:
            problem = issue(row_no, "duplicate_id", "contact_id", f"{cid!r} is already stored for this activity "
                            "and month (another file)")
            report.issues.append(problem)
            report.rows_rejected += 1
            collector.set_aside(row_no, [problem], {"contact_id": cid})
        else:
            keep.append(i)
    return table.take(keep)


def import_file(path: str | Path, mapping: Mapping, store: FactsStore, *, organisation: str = "default",
                activity: str | None = None, policy: Policy | None = None,
                progress: Progress | None = None) -> ImportResult:
    """Import one file; see the module docstring for the rules."""
    path = Path(path)
    if not path.exists():
        raise SourceError("file_not_found", str(path), "no such file")
    import_id = file_hash(path, organisation)
    if store.has_import(import_id):
        return ImportResult(import_id, "already_imported", None, store.manifest(import_id), {})
    mapping = mapping.with_constants(activity=activity)
    check_complete(mapping, mapping.name)
    policy = policy or mapping.policy
    report = QualityReport(str(path))
    collector = _Collector(mapping, organisation, import_id)
    dialect = read_rows(path, mapping, collector, report, progress)
    table = collector.table()
    if mapping.kind == "contact_record":
        table = _drop_stored_duplicates(table, store, organisation, report, collector)
    if policy is Policy.REJECT_FILE and report.rows_rejected:
        raise ImportRejectedError(report)
    manifest = Manifest(import_id, mapping.kind, str(path), mapping.name, organisation, table.num_rows,
                        len(collector.quarantine), [], report.to_dict(max_rows_per_code=1000))
    manifest = store.commit(manifest, table, collector.quarantine_table())
    return ImportResult(import_id, "imported", report, manifest, dialect)
