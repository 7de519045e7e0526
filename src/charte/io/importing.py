"""Import one file of contact records or interval reports into the facts store.

``import_file(path, mapping, store)`` reads the file (CSV, XLSX or Parquet), converts each
row by the mapping, checks it (the rules of :mod:`charte.io.quality_rules`, run on blocks of rows by
DuckDB in this process or by a Spark cluster), and commits the accepted rows as one
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

from charte.io import csv_columnar
from charte.io.canonical import arrow_schema
from charte.io.conversion import RowConverter
from charte.io.csv_source import open_csv
from charte.io.facts_store import FactsStore, Manifest
from charte.io.faults import fault_point
from charte.io.mapping import Mapping, check_complete
from charte.io.parquet_source import open_parquet
from charte.io.quality import Issue, Policy, QualityReport, SourceError, issue
from charte.io.quality_rules import RuleRun
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
        self.storage_schema = pa.schema([*self.schema, *STORAGE_FIELDS])
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
        return pa.Table.from_arrays(arrays, schema=self.storage_schema)

    def quarantine_table(self) -> pa.Table:
        return pa.Table.from_pylist(self.quarantine, schema=pa.schema([
            ("source_row", pa.int64()), ("reasons", pa.string()), ("messages", pa.string()), ("raw", pa.string())]))


def _dedup_key(kind: str, rec: dict[str, Any]) -> Any:
    if kind == "contact_record":
        return rec.get("contact_id")
    return rec.get("activity"), rec.get("queue"), rec.get("interval_start")


CHUNK_ROWS = 20_000  # rows read before the rules run on them: bounded memory for raw values
SPARK_CHUNK_ROWS = 500_000  # on Spark each chunk is one job on the cluster: fewer, larger ones


@dataclass
class _Read:
    """A row as converted: its record (None when a problem rejects it), its problems, its raw values."""

    row: int
    rec: dict[str, Any] | None
    problems: list[Issue]
    raw: dict[str, Any]


def _converted(row_no: int, fields: list[Any], header: list[str], converter: RowConverter) -> _Read:
    raw = dict(zip(header, fields, strict=False))
    if len(fields) != len(header):
        return _Read(row_no, None, [issue(row_no, "wrong_field_count", None,
                                          f"has {len(fields)} fields; expected {len(header)}")], raw)
    rec, problems = converter.convert(row_no, raw)
    return _Read(row_no, None if any(p.rejects for p in problems) else rec, problems, raw)


def rules_for(mapping: Mapping, collector: _Collector, engine: Any = None) -> RuleRun:
    """The quality rules of ``mapping``'s records on ``engine`` (an Ibis backend; DuckDB in this process
    by default, or Spark: the same expressions, so the same codes, counts and row numbers)."""
    from charte.measure.engines import duckdb_backend

    schema = pa.schema([*collector.schema, *STORAGE_FIELDS])
    return RuleRun(engine if engine is not None else duckdb_backend(), mapping.kind, schema, list(mapping.fields),
                   mapping.reject)


def _checked(table: pa.Table, rules: RuleRun, schema: pa.Schema) -> tuple[pa.Table, dict[int, list[Issue]]]:
    if not table.num_rows:
        return table, {}
    corrected, found = rules.on_block(table)
    return (corrected if corrected.schema.equals(schema) else corrected.cast(schema)), found


def _settle_reads(reads: list[_Read], mapping: Mapping, collector: _Collector, report: QualityReport,
                  rules: RuleRun, seen: set[Any]) -> None:
    """The rules and the duplicate check on rows read in order; each row kept (corrected) or set aside."""
    primary = "arrived_at" if mapping.kind == "contact_record" else "interval_start"
    scratch = _Collector(mapping, collector.organisation, collector.import_id)
    for read in reads:
        if read.rec is not None:
            scratch.keep(read.row, read.rec, primary)
    corrected, found = _checked(scratch.table(), rules, collector.storage_schema)
    kept: list[int] = []
    position = 0
    for read in reads:
        problems = read.problems
        if read.rec is not None:
            flagged = found.get(read.row)
            if flagged:
                problems = [*problems, *flagged]
            key = _dedup_key(mapping.kind, read.rec)
            if key in seen:
                problems.append(csv_columnar.duplicate_issue(read.row, mapping.kind, key))
            seen.add(key)
            if report.add_row(problems):
                kept.append(position)
            else:
                collector.set_aside(read.row, problems, read.raw)
            position += 1
        else:
            report.add_row(problems)
            collector.set_aside(read.row, problems, read.raw)
    if len(kept) == corrected.num_rows:
        collector.chunks.append(corrected)
    elif kept:
        collector.chunks.append(corrected.take(pa.array(kept, pa.int64())))


def read_rows(path: Path, mapping: Mapping, collector: _Collector, report: QualityReport,
              progress: Progress | None = None, engine: Any = None) -> dict[str, str]:
    """Convert and check every row of ``path`` into ``collector``; problems go to ``report``."""
    header, rows, dialect = _open(path, mapping)
    missing = sorted(mapping.source_columns() - set(header))
    if missing:
        raise SourceError("missing_column", str(path), f"columns {missing} named by mapping `{mapping.name}` are "
                          f"not in the file; found {header}", 1)
    converter = RowConverter(mapping, dialect["decimal"])
    rules = rules_for(mapping, collector, engine)
    chunk = CHUNK_ROWS if engine is None or engine.name == "duckdb" else SPARK_CHUNK_ROWS
    seen: set[Any] = set()
    reads: list[_Read] = []
    for row_no, fields in rows:
        reads.append(_converted(row_no, fields, header, converter))
        if len(reads) >= chunk:
            _settle_reads(reads, mapping, collector, report, rules, seen)
            reads = []
            if progress is not None:
                progress(report.rows_read)
    _settle_reads(reads, mapping, collector, report, rules, seen)
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
                progress: Progress | None = None, columnar: bool = True, engine: Any = None,
                replaces: str | None = None) -> ImportResult:
    """Import one file; see the module docstring for the rules.

    CSV files go through the columnar reader (:mod:`charte.io.csv_columnar`) when the mapping
    allows it; ``columnar=False`` forces the row-by-row path (the reference; same result).
    ``engine`` (an Ibis backend) runs the quality rules: DuckDB in this process by default, or a
    Spark cluster (``charte import --engine spark``); the file is read and converted here either way,
    and the store is written by its commit protocol (a failed job leaves it as it was).
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
                              replaces, identity, engine)


def _import_leased(path: Path, mapping: Mapping, store: FactsStore, organisation: str, import_id: str,
                   policy: Policy, progress: Progress | None, columnar: bool, replaces: str | None,
                   identity: dict[str, str], engine: Any = None) -> ImportResult:
    if columnar and path.suffix.lower() not in (".xlsx", ".xlsm", ".parquet") and csv_columnar.supports(mapping):
        try:
            return _import_columnar(path, mapping, store, organisation, import_id, policy, progress, engine,
                                    replaces, identity)
        except csv_columnar.NotVectorisableError:
            pass  # the row path reads this file (and reports its file-level error, if any)
    report = QualityReport(str(path))
    collector = _Collector(mapping, organisation, import_id)
    dialect = read_rows(path, mapping, collector, report, progress, engine)
    table = collector.table()
    if mapping.kind == "contact_record":
        table = _drop_stored_duplicates(table, store, organisation, report, collector, replaces)
    if policy is Policy.REJECT_FILE and report.rows_rejected:
        raise ImportRejectedError(report)
    manifest = Manifest(import_id, mapping.kind, str(path), mapping.name, organisation, table.num_rows,
                        len(collector.quarantine), [], report.to_dict(max_rows_per_code=1000), replaces, identity)
    manifest = store.commit(manifest, table, collector.quarantine_table())
    return ImportResult(import_id, "imported", report, manifest, dialect)


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


def _import_columnar(path: Path, mapping: Mapping, store: FactsStore, organisation: str, import_id: str,
                     policy: Policy, progress: Progress | None, engine: Any = None, replaces: str | None = None,
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
    rules = rules_for(mapping, collector, engine)
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
                                        primary, rules)
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
                    report: QualityReport, primary: str, rules: RuleRun) -> pa.Table:
    """One block: converted by columns (rows the reader cannot vouch for by the row converter), checked by the
    rules, duplicates found; the kept rows, corrected, in row order."""
    simple_at = np.flatnonzero(block.simple)
    fast_rows = block.rows[simple_at]
    fields = block.fields if block.simple.all() else block.fields.filter(pa.array(block.simple))
    columns, clean = reader.convert(fields)
    slow: list[tuple[int, list[Any]]] = [(int(block.rows[i]), block.parsed[int(i)]) for i in
                                        np.flatnonzero(~block.simple)]
    unclean = np.flatnonzero(~clean)
    slow += zip(fast_rows[unclean].tolist(), csv_columnar.records(fields, unclean), strict=True)
    slow.sort(key=lambda item: item[0])
    reads = {row: _converted(row, values, header, converter) for row, values in slow}
    scratch = _Collector(mapping, collector.organisation, collector.import_id)
    for row, read in reads.items():
        if read.rec is not None:
            scratch.keep(row, read.rec, primary)
    parts = [_fast_table(columns, clean, fast_rows, collector, primary)] if clean.any() else []
    slow_table = scratch.table()
    if slow_table.num_rows or not parts:
        parts.append(slow_table)
    eligible = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
    if len(parts) > 1:
        eligible = eligible.take(pc.sort_indices(eligible["source_row"]))
    corrected, found = _checked(eligible, rules, collector.storage_schema)
    rows = eligible["source_row"].to_numpy()
    duplicates = seen.duplicates(rows, _table_keys(mapping.kind, eligible)) if len(rows) else set()
    issues: dict[int, list[Issue]] = {row: read.problems for row, read in reads.items() if read.rec is None}
    for row, problems in found.items():
        issues[row] = list(problems)
    for row in duplicates:
        key = _dedup_key(mapping.kind, _row_keys(mapping.kind, eligible, int(np.searchsorted(rows, row))))
        issues.setdefault(row, []).append(csv_columnar.duplicate_issue(row, mapping.kind, key))
    report.rows_read += len(rows) - sum(1 for row in issues if row not in reads or reads[row].rec is not None)
    dropped: list[int] = []
    for row in sorted(issues):
        if report.add_row(issues[row]):
            continue
        if row in reads:
            raw = reads[row].raw
        else:
            at = int(np.searchsorted(fast_rows, row))
            raw = dict(zip(header, csv_columnar.records(fields, np.array([at]))[0], strict=False))
        collector.set_aside(row, issues[row], raw)
        if row not in reads or reads[row].rec is not None:
            dropped.append(row)
    if dropped:
        corrected = corrected.filter(pc.invert(pc.is_in(corrected["source_row"], pa.array(dropped, pa.int64()))))
    return corrected


def _table_keys(kind: str, table: pa.Table) -> Any:
    """Duplicate-check keys of a table's rows, as :func:`_dedup_key` gives them for a record."""
    if kind == "contact_record":
        return table["contact_id"]
    starts = pc.cast(table["interval_start"], pa.int64()).to_pylist()
    offsets = table["utc_offset_seconds"].to_pylist()
    return list(zip(table["activity"].to_pylist(), table["queue"].to_pylist(),
                    zip(starts, offsets, strict=True), strict=True))


def _row_keys(kind: str, table: pa.Table, at: int) -> dict[str, Any]:
    """The fields of row ``at`` that :func:`_dedup_key` reads."""
    if kind == "contact_record":
        return {"contact_id": table["contact_id"][at].as_py()}
    start = pc.cast(table["interval_start"], pa.int64())[at].as_py()
    return {"activity": table["activity"][at].as_py(), "queue": table["queue"][at].as_py(),
            "interval_start": (start, table["utc_offset_seconds"][at].as_py())}
