"""Import one file of contact records or interval reports into the facts store.

``import_file(path, mapping, store)`` reads the file (CSV, XLSX or Parquet), converts each
row by the mapping, checks it (:mod:`charte.io.quality`), and commits the accepted rows as one
transaction (:mod:`charte.io.facts_store`). Under the ``reject_file`` policy one rejected row
refuses the file (:class:`ImportRejectedError`, nothing written); under ``quarantine`` the
rejected rows are stored aside with their row number, reasons and raw values. Importing the
same file twice the same way (organisation, mapping, activity, policy) adds nothing
(:func:`import_identity`). Contact ids already stored for the same organisation, activity and
month are rejected as ``duplicate_id`` — except those of the import being replaced
(``replaces``), which is taken out when the new one commits. The import runs under its lease
(:meth:`FactsStore.lease`): a reader opening the store meanwhile never touches its files.

CSV files are read column by column (:mod:`charte.io.csv_columnar`, blocks of 32 MiB streamed
to a staged Parquet file, duplicate ids found in DuckDB); any row it cannot vouch for goes
through the row-by-row path, which stays the reference and reads XLSX and Parquet sources.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from charte.domain.calendar import GRANULARITIES
from charte.io import csv_columnar
from charte.io.canonical import arrow_schema
from charte.io.conversion import RowConverter
from charte.io.csv_source import open_csv
from charte.io.facts_store import FactsStore, Manifest
from charte.io.faults import fault_point
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


def import_identity(path: Path, organisation: str, mapping: Mapping, policy: Policy) -> tuple[str, dict[str, str]]:
    """The import's id — a hash of the file's bytes and of how it is read: the organisation, the mapping (its
    text, with the constants given on the command line, e.g. the activity) and the policy — and what it covers."""
    constants = {name: str(rule.constant) for name, rule in sorted(mapping.fields.items()) if rule.constant is not None}
    identity = {"organisation": organisation, "mapping": mapping.name,
                "mapping_sha256": hashlib.sha256(mapping.text.encode()).hexdigest() if mapping.text else "",
                "constants": json.dumps(constants, sort_keys=True, ensure_ascii=False), "policy": str(policy),
                "file_sha256": _sha256_of(path)}
    digest = hashlib.sha256()
    for key in sorted(identity):
        digest.update(f"{key}={identity[key]}".encode() + b"\0")
    return digest.hexdigest()[:24], identity


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
                            collector: _Collector, replaces: str | None = None) -> pa.Table:
    existing = store.existing_ids(table, organisation, replaces)
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
                progress: Progress | None = None, columnar: bool = True, replaces: str | None = None) -> ImportResult:
    """Import one file; see the module docstring for the rules.

    CSV files go through the columnar reader (:mod:`charte.io.csv_columnar`) when the mapping
    allows it; ``columnar=False`` forces the row-by-row path (the reference; same result).
    ``replaces``: the id of a committed import this one takes the place of (taken out when this one commits).
    """
    path = Path(path)
    if not path.exists():
        raise SourceError("file_not_found", str(path), "no such file")
    mapping = mapping.with_constants(activity=activity)
    check_complete(mapping, mapping.name)
    policy = policy or mapping.policy
    if replaces is not None and not store.has_import(replaces):
        raise SourceError("unknown_import", replaces, f"no import {replaces!r} to replace in {store.root}; imports: "
                          + (", ".join(store.imports()) or "none"))
    import_id, identity = import_identity(path, organisation, mapping, policy)
    if import_id == replaces:
        raise SourceError("same_import", replaces, "the file, mapping and policy are those of the import to "
                                                   "replace; nothing would change")
    with store.lease(import_id):
        if store.has_import(import_id):
            return ImportResult(import_id, "already_imported", None, store.manifest(import_id), {})
        return _import_leased(path, mapping, store, organisation, import_id, policy, progress, columnar,
                              replaces, identity)


def _import_leased(path: Path, mapping: Mapping, store: FactsStore, organisation: str, import_id: str,
                   policy: Policy, progress: Progress | None, columnar: bool, replaces: str | None,
                   identity: dict[str, str]) -> ImportResult:
    if columnar and path.suffix.lower() not in (".xlsx", ".xlsm", ".parquet") and csv_columnar.supports(mapping):
        try:
            return _import_columnar(path, mapping, store, organisation, import_id, policy, progress, replaces,
                                    identity)
        except csv_columnar.NotVectorisableError:
            pass  # the row path reads this file (and reports its file-level error, if any)
    report = QualityReport(str(path))
    collector = _Collector(mapping, organisation, import_id)
    dialect = read_rows(path, mapping, collector, report, progress)
    table = collector.table()
    if mapping.kind == "contact_record":
        table = _drop_stored_duplicates(table, store, organisation, report, collector, replaces)
    if policy is Policy.REJECT_FILE and report.rows_rejected:
        raise ImportRejectedError(report)
    manifest = Manifest(import_id, mapping.kind, str(path), mapping.name, organisation, table.num_rows,
                        len(collector.quarantine), [], report.to_dict(max_rows_per_code=1000), replaces, identity)
    manifest = store.commit(manifest, table, collector.quarantine_table())
    return ImportResult(import_id, "imported", report, manifest, dialect)


def _row_path(row_no: int, fields: list[Any], header: list[str], converter: RowConverter, mapping: Mapping
              ) -> tuple[dict[str, Any], list[Issue], bool, dict[str, Any]]:
    """One row as :func:`read_rows` reads it, before the duplicate check: record, issues, eligible, raw."""
    raw = dict(zip(header, fields, strict=False))
    if len(fields) != len(header):
        return {}, [issue(row_no, "wrong_field_count", None, f"has {len(fields)} fields; expected {len(header)}")], \
            False, raw
    rec, problems = converter.convert(row_no, raw)
    if any(p.rejects for p in problems):
        return rec, problems, False, raw
    if mapping.kind == "contact_record":
        problems += check_contact(row_no, rec, set(mapping.fields), mapping.reject)
    else:
        problems += _interval_problems(row_no, rec, mapping.reject)
    return rec, problems, True, raw


def _fast_table(columns: dict[str, Any], keep: np.ndarray, rows: np.ndarray, collector: _Collector,
                primary: str) -> pa.Table:
    """Accepted clean rows of a block as a table of the storage schema (as ``_Collector._chunk`` builds it)."""
    n = int(keep.sum())
    mask = pa.array(keep)
    arrays = []
    for field in collector.schema:
        value = columns.get(field.name) if field.name in collector.columns else None
        if value is None:
            arrays.append(pa.nulls(n, field.type))
        elif isinstance(value, csv_columnar.Constant):
            arrays.append(pa.repeat(pa.scalar(value.value, field.type), n))
        elif isinstance(value, tuple):
            epoch = np.where(value[2], 0, value[0])[keep]
            arrays.append(csv_columnar.with_nulls(epoch, value[2][keep], pa.int64()).cast(field.type))
        else:
            arrays.append(value.filter(mask).cast(field.type))
    epoch_us, offsets, _ = columns[primary]
    epoch_us, offsets = epoch_us[keep], offsets[keep]
    local_days = (epoch_us // 1_000_000 + offsets) // 86400
    first = int(local_days.min()) if n else 0
    where = local_days - first
    span = range(int(where.max(initial=0)) + 1)
    months = pa.array([f"{(EPOCH_DAY + timedelta(days=first + d)):%Y-%m}" for d in span], pa.string())
    arrays += [
        pa.repeat(pa.scalar(collector.organisation, pa.string()), n),
        months.take(pa.array(where.reshape(-1), pa.int64())),
        pa.array(local_days.astype(np.int32), pa.int32()).cast(pa.date32()),
        pa.array(offsets.astype(np.int32), pa.int32()),
        pa.array(rows[keep], pa.int64()),
        pa.repeat(pa.scalar(collector.import_id, pa.string()), n),
    ]
    return pa.Table.from_arrays(arrays, schema=pa.schema([*collector.schema, *STORAGE_FIELDS]))


def _fast_contact_ids(columns: dict[str, Any], keep: np.ndarray) -> pa.Array:
    value = columns.get("contact_id")
    if isinstance(value, csv_columnar.Constant):
        return pa.repeat(pa.scalar(value.value, pa.string()), int(keep.sum()))
    if value is None:
        return pa.nulls(int(keep.sum()), pa.string())
    return value.filter(pa.array(keep)).cast(pa.string())


def _fast_keys(kind: str, columns: dict[str, Any], keep: np.ndarray) -> list[Any]:
    def values(name: str) -> list[Any]:
        value = columns.get(name)
        if value is None:
            return [None] * int(keep.sum())
        if isinstance(value, csv_columnar.Constant):
            return [value.value] * int(keep.sum())
        if isinstance(value, tuple):
            return list(zip(value[0][keep].tolist(), value[1][keep].tolist(), strict=True))
        return list(value.filter(pa.array(keep)).to_pylist())
    if kind == "contact_record":
        return values("contact_id")
    return list(zip(values("activity"), values("queue"), values("interval_start"), strict=True))


def _import_columnar(path: Path, mapping: Mapping, store: FactsStore, organisation: str, import_id: str,
                     policy: Policy, progress: Progress | None, replaces: str | None = None,
                     identity: dict[str, str] | None = None) -> ImportResult:
    """The CSV import block by block: same report, rows and quarantine as the row path, in bounded memory."""
    header, _records, csv_dialect = open_csv(path, mapping.source)
    dialect = {"format": "csv", "encoding": csv_dialect.encoding, "delimiter": csv_dialect.delimiter,
               "decimal": csv_dialect.decimal}
    missing = sorted(mapping.source_columns() - set(header))
    if missing:
        raise SourceError("missing_column", str(path), f"columns {missing} named by mapping `{mapping.name}` are "
                          f"not in the file; found {header}", 1)
    report = QualityReport(str(path))
    converter = RowConverter(mapping, csv_dialect.decimal)
    reader = csv_columnar.ColumnReader(mapping, converter, header)
    collector = _Collector(mapping, organisation, import_id)
    primary = "arrived_at" if mapping.kind == "contact_record" else "interval_start"
    mapped = set(mapping.fields)
    seen = csv_columnar.SeenKeys(mapping.kind)
    staging = store.root / ".staging" / f"{import_id}.incoming"
    staging.mkdir(parents=True, exist_ok=True)
    staged = staging / "accepted.parquet"
    schema = pa.schema([*collector.schema, *STORAGE_FIELDS])
    written = 0
    try:
        # Parquet encoding of one block (it releases the GIL) overlaps the reading of the next
        with pq.ParquetWriter(staged, schema, compression="zstd") as writer, ThreadPoolExecutor(1) as background:
            pending: Future[None] | None = None
            for block in csv_columnar.blocks(path, csv_dialect.encoding, csv_dialect.delimiter, len(header),
                                             mapping.source.max_line_bytes):
                table = _columnar_block(block, header, mapping, converter, reader, collector, seen, report,
                                        primary, mapped)
                if table.num_rows:
                    if pending is not None:
                        pending.result()
                    pending = background.submit(writer.write_table, table)
                    written += table.num_rows
                if progress is not None:
                    progress(report.rows_read)
            if pending is not None:
                pending.result()
        if report.rows_read == 0:
            raise SourceError("empty_file", str(path), "the file has a header but no rows; expected at least one row")
        dropped: set[int] = set()
        fault_point("import.staged")
        if mapping.kind == "contact_record" and written:
            for row_no, cid in store.stored_duplicates(staged, organisation, replaces):
                problem = issue(row_no, "duplicate_id", "contact_id", f"{cid!r} is already stored for this activity "
                                "and month (another file)")
                report.issues.append(problem)
                report.rows_rejected += 1
                collector.set_aside(row_no, [problem], {"contact_id": cid})
                dropped.add(row_no)
        if policy is Policy.REJECT_FILE and report.rows_rejected:
            raise ImportRejectedError(report)
        manifest = Manifest(import_id, mapping.kind, str(path), mapping.name, organisation, written - len(dropped),
                            len(collector.quarantine), [], report.to_dict(max_rows_per_code=1000), replaces,
                            identity or {})
        manifest = store.commit_staged(manifest, staged, dropped, collector.quarantine_table())
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(OSError):
            staging.parent.rmdir()  # only when no other import is staging
    return ImportResult(import_id, "imported", report, manifest, dialect)


def _columnar_block(block: csv_columnar.Block, header: list[str], mapping: Mapping, converter: RowConverter,
                    reader: csv_columnar.ColumnReader, collector: _Collector, seen: csv_columnar.SeenKeys,
                    report: QualityReport, primary: str, mapped: set[str]) -> pa.Table:
    simple_at = np.flatnonzero(block.simple)
    fast_rows = block.rows[simple_at]
    fields = block.fields if block.simple.all() else block.fields.filter(pa.array(block.simple))
    columns, clean = reader.convert(fields)
    if clean.any():
        if mapping.kind == "contact_record":
            clean &= csv_columnar.contact_checks(columns, mapped, len(fields))
        else:
            clean &= csv_columnar.interval_checks(columns, len(fields))
    # every other row goes through the row path, in row order
    slow: list[tuple[int, list[Any]]] = [(int(block.rows[i]), block.parsed[int(i)]) for i in
                                        np.flatnonzero(~block.simple)]
    unclean = np.flatnonzero(~clean)
    slow += zip(fast_rows[unclean].tolist(), csv_columnar.records(fields, unclean), strict=True)
    slow.sort(key=lambda item: item[0])
    results = {row: _row_path(row, values, header, converter, mapping) for row, values in slow}
    # duplicate ids: eligible rows (read without rejection) in row order
    eligible_rows = [row for row, (_r, _p, eligible, _raw) in results.items() if eligible]
    slow_keys = [_dedup_key(mapping.kind, results[r][0]) for r in eligible_rows]
    rows = np.concatenate([fast_rows[clean], np.array(eligible_rows, dtype=np.int64)])
    order = np.argsort(rows, kind="stable")
    keys: Any
    if mapping.kind == "contact_record":
        keys = pa.concat_arrays([_fast_contact_ids(columns, clean), pa.array(slow_keys, pa.string())])
        keys = keys.take(pa.array(order, pa.int64()))
    else:
        every = _fast_keys(mapping.kind, columns, clean) + slow_keys
        keys = [every[i] for i in order]
    duplicates = seen.duplicates(rows[order], keys) if len(rows) else set()
    issues: dict[int, list[Issue]] = {}
    raws: dict[int, dict[str, Any]] = {}
    for row, (_rec, problems, _eligible, raw) in results.items():
        if row in duplicates:
            problems.append(csv_columnar.duplicate_issue(row, mapping.kind, _dedup_key(mapping.kind, _rec)))
        issues[row], raws[row] = problems, raw
    keep = clean.copy()
    for row in duplicates:
        if row in results:
            continue
        at = int(np.searchsorted(fast_rows, row))
        keep[at] = False
        raws[row] = dict(zip(header, csv_columnar.records(fields, np.array([at]))[0], strict=False))
        rec, _problems = converter.convert(row, raws[row])  # clean: no issue, only the key is wanted
        issues[row] = [csv_columnar.duplicate_issue(row, mapping.kind, _dedup_key(mapping.kind, rec))]
    report.rows_read += int(keep.sum())
    for row in sorted(issues):
        if report.add_row(issues[row]):
            collector.keep(row, results[row][0], primary)
        else:
            collector.set_aside(row, issues[row], raws[row])
    tables = [_fast_table(columns, keep, fast_rows, collector, primary)] if keep.any() else []
    slow_table = pa.concat_tables([*collector.chunks, collector._chunk()])
    collector.chunks = []
    if slow_table.num_rows:
        tables.append(slow_table)
    if not tables:
        return slow_table
    table = pa.concat_tables(tables)
    return table.take(pc.sort_indices(table["source_row"])) if len(tables) > 1 else table
