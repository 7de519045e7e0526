"""The committed facts of a store, found through the engine that will read them.

A store is a local folder (:mod:`charte.io.facts_store`) or the same layout under a URL the
engine understands (``s3a://bucket/facts`` on a Spark cluster with the Hadoop S3A connector,
``s3://…`` on DuckDB with its ``httpfs`` extension, ``hdfs://…``, ``file:///…``). Readers only
ever see committed imports: an import's files count once its manifest
(``imports/<import_id>.json``, written last) exists. In a local folder the files are found as
:func:`~charte.io.facts_store.committed_files` finds them; under a URL the manifests are listed
and read by the engine itself and their ``files`` are the store's contents — no rename is
needed, so object storage (where a rename is a copy) keeps the same all-or-nothing rule.
Nothing here writes: reading never creates or cleans a store.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from charte.io.facts_store import DATASETS, committed_files
from charte.measure import engines


class StoreNotFoundError(ValueError):
    """No store at the given place; the message says what was expected."""

    code = "no_store"


def _join(root: str, relative: str) -> str:
    return root.rstrip("/") + "/" + relative


def manifests(con: Any, root: str) -> list[dict[str, Any]]:
    """The manifests of a store at a URL, read by the engine (raises :class:`StoreNotFoundError` when none)."""
    pattern = _join(root, "imports/*.json")
    if engines.engine_name(con) == "duckdb":
        raw = con.con.execute("SELECT content FROM read_text(?)", [pattern]).fetchall() if _has_files(con, pattern) \
            else []
        texts = [row[0] for row in raw]
    else:
        texts = _spark_texts(con, pattern)
    if not texts:
        raise StoreNotFoundError(f"no facts store at {root}: no imports/*.json manifest; expected a store written "
                                 "by `charte import`")
    found = [json.loads(text) for text in texts]
    replaced = {m.get("replaces") for m in found} - {None}
    return [m for m in found if m["import_id"] not in replaced]


def _has_files(con: Any, pattern: str) -> bool:
    return bool(con.con.execute("SELECT count(*) FROM glob(?)", [pattern]).fetchone()[0])


def _spark_texts(con: Any, pattern: str) -> list[str]:
    session = con._session
    jvm = session.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(pattern)
    fs = path.getFileSystem(session.sparkContext._jsc.hadoopConfiguration())
    statuses = fs.globStatus(path)
    if not statuses:
        return []
    files = [str(s.getPath().toString()) for s in statuses]
    rows = session.read.text(files, wholetext=True).collect()
    return [row[0] for row in rows]


def store_files(con: Any, root: str | Path, kind: str, *, organisation: str | None = None,
                activity: str | None = None, months: Iterable[str] | None = None) -> list[str]:
    """Data files of ``kind`` (``contact_record`` or ``interval_report``) of committed imports, filtered."""
    if not engines.is_url(root):
        folder = Path(root)
        if not (folder / "imports").is_dir():
            raise StoreNotFoundError(f"no facts store at {folder}; expected a folder written by `charte import` "
                                     "(--store or CHARTE_FACTS)")
        return [str(p) for p in committed_files(folder, kind, organisation=organisation, activity=activity,
                                                months=months)]
    wanted = set(months) if months is not None else None
    out = []
    for manifest in manifests(con, str(root)):
        if manifest.get("kind") != kind:
            continue
        for relative in manifest.get("files", []):
            parts = relative.split("/")
            if parts[0] != DATASETS[kind] or len(parts) < 5:
                continue
            org, act, month = (unquote(p.split("=", 1)[1]) for p in parts[1:4])
            if (organisation is None or org == organisation) and (activity is None or act == activity) \
                    and (wanted is None or month in wanted):
                out.append(_join(str(root), relative))
    return sorted(out)


def organisations_of(files: Iterable[str]) -> list[str]:
    """Organisations whose files these are (from the ``organisation=`` folder of each)."""
    found = set()
    for name in files:
        for part in str(name).replace("\\", "/").split("/"):
            if part.startswith("organisation="):
                found.add(unquote(part.split("=", 1)[1]))
    return sorted(found)


def partition_folder(organisation: str, activity: str, month: str) -> str:
    """``organisation=<org>/activity=<activity>/month=<YYYY-MM>`` as the store names it."""
    return f"organisation={quote(organisation, safe='')}/activity={quote(activity, safe='')}/month={month}"
