"""Facts on disk: Parquet datasets partitioned by organisation, activity and month, read with DuckDB.

Layout under a root folder::

    contact_records/organisation=<org>/activity=<activity>/month=<YYYY-MM>/<import_id>.parquet
    interval_reports/organisation=<org>/activity=<activity>/month=<YYYY-MM>/<import_id>.parquet
    quarantine/<import_id>.parquet        rejected rows: source row, reasons, raw values (JSON)
    imports/<import_id>.json              the manifest: the commit record of one import
    removed/<import_id>/…                 an import taken out (its manifest and files, kept, never read)
    .leases/<import_id>.lock              held (flock) by the process running that import

An import is a transaction: its files are written under ``.staging/<import_id>/``, moved into
place, and the manifest is written last (atomically). A data file whose import has no
manifest is debris of an interrupted import and is deleted when the store is opened — unless
that import is still running: each import holds a **lease** (an exclusive ``flock`` on its lock
file, released by the system when the process ends, even killed), and cleaning never touches
the staging folder or the files of an import whose lease is held. Readers only ever see
committed imports.

``import_id`` is a hash of the file's bytes, the organisation, the mapping (its text), the
activity and the policy: the same file imported twice the same way adds nothing; imported
with another mapping it is another import. An import is taken out with :meth:`FactsStore.remove`
or replaced by a new one (``replaces``): its files move to ``removed/`` — never deleted, so no
data a settled month rested on is lost — and readers stop seeing it. The month is the *local*
month of the contact (or interval) in the mapping's zone. Partition columns are also stored
inside each file, so readers use ``hive_partitioning=false``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from charte.io.faults import fault_point

DATASETS = {"contact_record": "contact_records", "interval_report": "interval_reports"}


@dataclass(frozen=True)
class Manifest:
    import_id: str
    kind: str
    source: str
    mapping: str
    organisation: str
    rows_written: int
    rows_quarantined: int
    files: list[str]
    report: dict[str, Any]
    replaces: str | None = None
    identity: dict[str, str] = field(default_factory=dict)


class FactsStore:
    """A folder of facts. Opening it clears debris of interrupted imports."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._recover()

    # -- reading ------------------------------------------------------------------------------
    def manifest_path(self, import_id: str) -> Path:
        return self.root / "imports" / f"{import_id}.json"

    def has_import(self, import_id: str) -> bool:
        return self.manifest_path(import_id).exists()

    def manifest(self, import_id: str) -> Manifest:
        return Manifest(**json.loads(self.manifest_path(import_id).read_text(encoding="utf-8")))

    def imports(self) -> list[str]:
        """Committed imports, not replaced by a later one."""
        committed = sorted(p.stem for p in (self.root / "imports").glob("*.json"))
        replaced = {self.manifest(i).replaces for i in committed} - {None}
        return [i for i in committed if i not in replaced]

    def files(self, kind: str, organisation: str | None = None, activity: str | None = None) -> list[Path]:
        """The data files of committed imports (a running import's files are never read)."""
        org = f"organisation={quote(organisation, safe='')}" if organisation else "organisation=*"
        act = f"activity={quote(activity, safe='')}" if activity else "activity=*"
        live = set(self.imports())
        return sorted(p for p in (self.root / DATASETS[kind]).glob(f"{org}/{act}/month=*/*.parquet")
                      if p.stem in live)

    def glob(self, kind: str) -> str:
        """A glob over every file of a dataset, for ``read_parquet`` (DuckDB, Ibis); prefer :meth:`files`, which
        leaves out an import still running."""
        return str(self.root / DATASETS[kind] / "*" / "*" / "*" / "*.parquet")

    # -- leases -------------------------------------------------------------------------------
    def _lease_path(self, import_id: str) -> Path:
        folder = self.root / ".leases"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{import_id}.lock"

    @contextlib.contextmanager
    def lease(self, import_id: str) -> Iterator[None]:
        """Hold ``import_id``'s lease for the block (waiting while another process runs the same import)."""
        with self._lease_path(import_id).open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def is_running(self, import_id: str) -> bool:
        """Whether a process holds ``import_id``'s lease (an import in progress)."""
        path = self.root / ".leases" / f"{import_id}.lock"
        if not path.exists():
            return False
        with path.open("a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
        return False

    # -- taking an import out -----------------------------------------------------------------
    def remove(self, import_id: str) -> Manifest:
        """Take a committed import out: its manifest and files move to ``removed/<import_id>/`` (kept, not read)."""
        if not self.has_import(import_id):
            known = ", ".join(self.imports()) or "none"
            raise KeyError(f"no import {import_id!r} in {self.root} (imports: {known})")
        with self.lease(import_id):
            manifest = self.manifest(import_id)
            self._retire(manifest)
        return manifest

    def _retire(self, manifest: Manifest) -> None:
        """Move an import to ``removed/``: the manifest first (readers stop seeing it at once), then its files."""
        target = self.root / "removed" / manifest.import_id
        target.mkdir(parents=True, exist_ok=True)
        if self.manifest_path(manifest.import_id).exists():
            os.replace(self.manifest_path(manifest.import_id), target / "manifest.json")
        for relative in manifest.files:
            source = self.root / relative
            if source.exists():
                (target / relative).parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target / relative)

    def quarantine(self, import_id: str) -> pa.Table | None:
        path = self.root / "quarantine" / f"{import_id}.parquet"
        return pq.read_table(path) if path.exists() else None

    def existing_ids(self, table: pa.Table, organisation: str, excluding: str | None = None) -> set[str]:
        """Contact ids of ``table`` already stored for the same organisation, activity and month (``excluding``:
        an import being replaced)."""
        files = [str(p) for p in self.files("contact_record", organisation) if p.stem != excluding]
        if not files or table.num_rows == 0:
            return set()
        con = duckdb.connect()
        con.register("incoming", table.select(["contact_id", "activity", "month"]))
        rows = con.execute(
            "SELECT DISTINCT i.contact_id FROM incoming i JOIN read_parquet(?, hive_partitioning=false) s "
            "ON s.contact_id = i.contact_id AND s.activity = i.activity AND s.month = i.month", [files]
        ).fetchall()
        return {r[0] for r in rows}

    def stored_duplicates(self, staged: Path, organisation: str, excluding: str | None = None
                          ) -> list[tuple[int, str]]:
        """(source row, contact id) of staged rows whose id is already stored for the same activity and month."""
        files = [str(p) for p in self.files("contact_record", organisation) if p.stem != excluding]
        if not files:
            return []
        con = duckdb.connect()
        return [(int(r[0]), str(r[1])) for r in con.execute(
            "SELECT i.source_row, i.contact_id FROM read_parquet(?) i WHERE EXISTS (SELECT 1 FROM "
            "read_parquet(?, hive_partitioning=false) s WHERE s.contact_id = i.contact_id AND s.activity = i.activity "
            "AND s.month = i.month) ORDER BY i.source_row", [str(staged), files]).fetchall()]

    # -- writing ------------------------------------------------------------------------------
    def commit(self, manifest: Manifest, table: pa.Table, quarantined: pa.Table | None) -> Manifest:
        """Write one import's partitions and quarantine, then its manifest; all or nothing."""
        scratch = self.root / ".staging" / f"{manifest.import_id}.parts"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        parts: list[tuple[Path, Path]] = []
        for i, (relative, part) in enumerate(_partitions(table, DATASETS[manifest.kind], manifest.import_id)):
            written = scratch / f"part-{i}.parquet"
            pq.write_table(part, written, compression="zstd")
            parts.append((written, relative))
        try:
            return self._commit_files(manifest, parts, quarantined)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def commit_staged(self, manifest: Manifest, staged: Path, dropped: set[int], quarantined: pa.Table | None
                      ) -> Manifest:
        """:meth:`commit` for accepted rows already staged in one Parquet file (streamed, never all in memory).

        Rows whose ``source_row`` is in ``dropped`` are left out. A file of one partition and no
        dropped row is moved into place as it is.
        """
        source = pq.ParquetFile(staged)
        keys = _staged_keys(source)
        if len(keys) == 1 and not dropped:
            part = staged.with_name("part.parquet")
            os.replace(staged, part)
            return self._commit_files(manifest, [(part, _partition_path(DATASETS[manifest.kind], keys[0],
                                                                        manifest.import_id))], quarantined)
        writers: dict[tuple[str, str, str], pq.ParquetWriter] = {}
        paths: dict[tuple[str, str, str], Path] = {}
        drop = pa.array(sorted(dropped), pa.int64())
        try:
            for batch in source.iter_batches(batch_size=1 << 20):
                table = pa.Table.from_batches([batch], schema=source.schema_arrow)
                if len(drop):
                    table = table.filter(pc.invert(pc.is_in(table["source_row"], drop)))
                for key in _keys_of(table):
                    if key not in writers:
                        paths[key] = staged.parent / f"part-{len(paths)}.parquet"
                        writers[key] = pq.ParquetWriter(paths[key], source.schema_arrow, compression="zstd")
                    writers[key].write_table(table.filter(_key_mask(table, key)))
        finally:
            for writer in writers.values():
                writer.close()
        parts = [(paths[key], _partition_path(DATASETS[manifest.kind], key, manifest.import_id))
                 for key in sorted(paths)]
        return self._commit_files(manifest, parts, quarantined)

    def _commit_files(self, manifest: Manifest, parts: list[tuple[Path, Path]], quarantined: pa.Table | None
                      ) -> Manifest:
        staging = self.root / ".staging" / manifest.import_id
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        moves: list[tuple[Path, Path]] = []
        for written, relative in parts:
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(written, target)
            moves.append((target, self.root / relative))
        if quarantined is not None and quarantined.num_rows:
            relative = Path("quarantine") / f"{manifest.import_id}.parquet"
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(quarantined, staging / relative, compression="zstd")
            moves.append((staging / relative, self.root / relative))
        for source, target in moves:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        final = Manifest(**{**manifest.__dict__, "files": [str(t.relative_to(self.root)) for _, t in moves]})
        path = self.manifest_path(manifest.import_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(final.__dict__, indent=1, ensure_ascii=False), encoding="utf-8")
        fault_point("import.before_manifest")
        os.replace(tmp, path)
        shutil.rmtree(staging, ignore_errors=True)
        if final.replaces and self.has_import(final.replaces):
            self._retire(self.manifest(final.replaces))
        return final

    def _recover(self) -> None:
        """Clear the debris of interrupted imports — never what a running import (lease held) is writing — and
        finish taking out imports a committed replacement names."""
        staging = self.root / ".staging"
        if staging.exists():
            for entry in staging.iterdir():
                if not self.is_running(entry.name.split(".", 1)[0]):
                    shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
        committed = {p.stem for p in (self.root / "imports").glob("*.json")}
        for folder in [*DATASETS.values(), "quarantine"]:
            for path in (self.root / folder).rglob("*.parquet"):
                if path.stem not in committed and not self.is_running(path.stem):
                    path.unlink(missing_ok=True)
        for tmp in (self.root / "imports").glob("*.tmp"):
            if not self.is_running(tmp.name.split(".", 1)[0]):
                tmp.unlink(missing_ok=True)
        for import_id in sorted(committed):
            replaced = self.manifest(import_id).replaces
            if replaced and self.has_import(replaced) and not self.is_running(replaced):
                self._retire(self.manifest(replaced))


def committed_files(root: Path, kind: str, *, organisation: str | None = None, activity: str | None = None,
                    months: Iterable[str] | None = None) -> list[Path]:
    """Data files of committed imports (those with a manifest), read-only: the store is neither created nor cleaned.

    A file whose import has no manifest yet (an import being committed, or debris) is left out.
    """
    committed = {p.stem for p in (root / "imports").glob("*.json")}
    org = f"organisation={quote(organisation, safe='')}" if organisation else "organisation=*"
    act = f"activity={quote(activity, safe='')}" if activity else "activity=*"
    wanted = set(months) if months is not None else None
    return sorted(p for p in (root / DATASETS[kind]).glob(f"{org}/{act}/month=*/*.parquet")
                  if p.stem in committed and (wanted is None or p.parent.name.removeprefix("month=") in wanted))


def _partitions(table: pa.Table, dataset: str, import_id: str) -> list[tuple[Path, pa.Table]]:
    keys = table.select(["organisation", "activity", "month"]).group_by(["organisation", "activity", "month"]) \
        .aggregate([]).to_pylist()
    out = []
    for key in sorted(keys, key=lambda k: (k["organisation"], k["activity"], k["month"])):
        relative = (Path(dataset) / f"organisation={quote(key['organisation'], safe='')}"
                    / f"activity={quote(key['activity'], safe='')}" / f"month={key['month']}" / f"{import_id}.parquet")
        if len(keys) == 1:  # one partition: no copy
            return [(relative, table)]
        mask = pc.and_(pc.and_(pc.equal(table["organisation"], key["organisation"]),
                               pc.equal(table["activity"], key["activity"])),
                       pc.equal(table["month"], key["month"]))
        out.append((relative, table.filter(mask)))
    return out


def _partition_path(dataset: str, key: tuple[str, str, str], import_id: str) -> Path:
    organisation, activity, month = key
    return (Path(dataset) / f"organisation={quote(organisation, safe='')}" / f"activity={quote(activity, safe='')}"
            / f"month={month}" / f"{import_id}.parquet")


def _keys_of(table: pa.Table) -> list[tuple[str, str, str]]:
    keys = table.select(["organisation", "activity", "month"]).group_by(["organisation", "activity", "month"]) \
        .aggregate([]).to_pylist()
    return sorted((k["organisation"], k["activity"], k["month"]) for k in keys)


def _key_mask(table: pa.Table, key: tuple[str, str, str]) -> pa.Array:
    return pc.and_(pc.and_(pc.equal(table["organisation"], key[0]), pc.equal(table["activity"], key[1])),
                   pc.equal(table["month"], key[2]))


def _staged_keys(source: pq.ParquetFile) -> list[tuple[str, str, str]]:
    keys: set[tuple[str, str, str]] = set()
    for batch in source.iter_batches(batch_size=1 << 20, columns=["organisation", "activity", "month"]):
        keys.update(_keys_of(pa.Table.from_batches([batch])))
    return sorted(keys)
