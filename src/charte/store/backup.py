"""Backup and restore of a charte server: every table of the database and every file of the storage folder,
in one archive that restores into an empty database of either kind (SQLite or PostgreSQL).

The archive (``.tar.gz``) holds ``manifest.json`` (charte version, Alembic revision, rows per table, the
SHA-256 of every member), ``database/<table>.jsonl`` (one JSON object per row, tables in foreign-key
order, read in ONE transaction so the copy is consistent) and ``files/…`` (the storage folder, without
the SQLite database itself). Restoring checks every checksum first, refuses a database that already
holds rows or a storage folder that is not empty, brings the schema to the archive's revision, loads the
rows, copies the files, then migrates to the latest schema. Sessions and sign-in counters are not
restored (everybody signs in again).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, LargeBinary, Numeric, Table, func, inspect, select, text
from sqlalchemy.types import Date, DateTime

from charte.store.database import migrate
from charte.store.models import Base

SKIPPED_TABLES = ("web_session", "login_throttle")  # ephemeral: everybody signs in again after a restore
FORMAT = 1


class BackupError(RuntimeError):
    """The archive cannot be restored here (the message says why and changes nothing)."""


@dataclass(frozen=True)
class BackupSummary:
    archive: Path
    revision: str
    rows: dict[str, int]
    files: int


def _revision(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED_TABLES]


def _encode(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for column in table.columns:
        value = out.get(column.name)
        if value is None:
            continue
        if isinstance(column.type, DateTime):
            out[column.name] = datetime.fromisoformat(value)
        elif isinstance(column.type, Date):
            out[column.name] = date.fromisoformat(value)
        elif isinstance(column.type, Numeric):
            out[column.name] = Decimal(value)
        elif isinstance(column.type, LargeBinary):
            out[column.name] = base64.b64decode(value)
    return out


def _add(archive: tarfile.TarFile, name: str, content: bytes, digests: dict[str, str]) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    archive.addfile(info, io.BytesIO(content))
    digests[name] = hashlib.sha256(content).hexdigest()


def _storage_files(storage: Path, database_file: Path | None) -> list[Path]:
    skip = {database_file, *(database_file.with_name(database_file.name + s) for s in ("-wal", "-shm", "-journal"))} \
        if database_file else set()
    return sorted(p for p in storage.rglob("*") if p.is_file() and p.resolve() not in {s.resolve() for s in skip
                                                                                      if s is not None})


def backup(engine: Engine, storage: Path, archive: Path, version: str = "") -> BackupSummary:
    """Write the database (one consistent read) and the storage folder into ``archive``."""
    database_file = Path(engine.url.database) if engine.url.get_backend_name() == "sqlite" and engine.url.database \
        and engine.url.database != ":memory:" else None
    digests: dict[str, str] = {}
    rows: dict[str, int] = {}
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(archive.name + ".part")
    options = {"isolation_level": "REPEATABLE READ"} if engine.url.get_backend_name() == "postgresql" else {}
    with tarfile.open(partial, "w:gz") as out:
        with engine.connect().execution_options(**options) as connection, connection.begin():
            revision = str(connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one())
            for table in _tables():
                lines = [json.dumps({k: _encode(v) for k, v in row._mapping.items()}, ensure_ascii=False)
                         for row in connection.execute(select(table))]
                rows[table.name] = len(lines)
                _add(out, f"database/{table.name}.jsonl", ("\n".join(lines) + "\n" if lines else "").encode(),
                     digests)
        files = _storage_files(storage, database_file) if storage.exists() else []
        for path in files:
            _add(out, f"files/{path.relative_to(storage).as_posix()}", path.read_bytes(), digests)
        manifest = {"format": FORMAT, "charte": version, "revision": revision, "rows": rows,
                    "tables": [t.name for t in _tables()], "sha256": digests}
        _add(out, "manifest.json", json.dumps(manifest, indent=1).encode(), {})
    partial.replace(archive)
    return BackupSummary(archive, revision, rows, len(files))


def _read(archive: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(archive, "r:gz") as source:
            for info in source.getmembers():
                if not info.isfile():
                    continue
                name = info.name
                if name.startswith("/") or ".." in Path(name).parts:
                    raise BackupError(f"{archive.name}: member {name!r} points outside the archive")
                handle = source.extractfile(info)
                assert handle is not None
                members[name] = handle.read()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive.name}: not a charte backup archive ({error})") from None
    if "manifest.json" not in members:
        raise BackupError(f"{archive.name}: no manifest.json; not a charte backup")
    manifest = json.loads(members.pop("manifest.json"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive.name}: backup format {manifest.get('format')}; expected {FORMAT}")
    for name, digest in manifest["sha256"].items():
        if hashlib.sha256(members.get(name, b"")).hexdigest() != digest:
            raise BackupError(f"{archive.name}: {name} does not match its checksum; the archive is damaged")
    return manifest, members


def restore(engine: Engine, storage: Path, archive: Path) -> BackupSummary:
    """Restore ``archive`` into an EMPTY database and an empty (or missing) storage folder."""
    manifest, members = _read(archive)
    database_file = Path(engine.url.database) if engine.url.get_backend_name() == "sqlite" and engine.url.database \
        and engine.url.database != ":memory:" else None
    if storage.exists() and _storage_files(storage, database_file):
        raise BackupError(f"the storage folder {storage} is not empty; restore into an empty one")
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        for table in _tables():
            if table.name in present and connection.execute(select(func.count()).select_from(table)).scalar_one():
                raise BackupError(f"the database already holds rows (table {table.name}); restore into an empty one")
    migrate(engine, manifest["revision"])
    tables = {t.name: t for t in _tables()}
    with engine.begin() as connection:
        for name in manifest["tables"]:
            lines = members.get(f"database/{name}.jsonl", b"").decode()
            if name not in tables:
                if lines.strip():
                    raise BackupError(f"table {name} of the backup is unknown to this version of charte")
                continue
            records = [_decode(tables[name], json.loads(line)) for line in lines.splitlines() if line]
            if records:
                connection.execute(tables[name].insert(), records)
        if engine.url.get_backend_name() == "postgresql":
            for table in tables.values():
                for column in table.columns:
                    if column.autoincrement is True and column.primary_key:
                        connection.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                            f"COALESCE((SELECT max({column.name}) FROM {table.name}), 0) + 1, false)"))
    with tempfile.TemporaryDirectory(dir=storage.parent if storage.parent.exists() else None) as scratch:
        staged = Path(scratch) / "files"
        staged.mkdir()
        count = 0
        for name, content in members.items():
            if name.startswith("files/"):
                target = staged / name[len("files/"):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
                count += 1
        storage.mkdir(parents=True, exist_ok=True)
        for child in staged.iterdir():
            shutil.move(str(child), storage / child.name)
    migrate(engine)
    return BackupSummary(archive, manifest["revision"], dict(manifest["rows"]), count)
