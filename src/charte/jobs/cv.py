"""Curricula vitae: PDF only, size-limited, stored once by their SHA-256.

A file is accepted when it starts with the PDF header ``%PDF-`` (ISO 32000-1 §7.5.2), ends with the
end-of-file marker ``%%EOF`` in its last 1,024 bytes (§7.5.5), and is at most :data:`MAX_CV_BYTES` long. The
name a person gave the file is never used on disk: the file is ``<sha256>.pdf`` in the CV folder.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Final

from charte.jobs.problems import FieldProblem

MAX_CV_BYTES: Final = 2 * 1024 * 1024


def check_cv(content: bytes, field: str = "cv") -> list[FieldProblem]:
    if len(content) > MAX_CV_BYTES:
        return [FieldProblem(field, "cv_too_large", "the file is {size} kB; at most {limit} kB",
                             {"size": len(content) // 1024, "limit": MAX_CV_BYTES // 1024})]
    if not content.startswith(b"%PDF-"):
        return [FieldProblem(field, "cv_not_pdf", "the file is not a PDF (it does not start with %PDF-); export "
                             "your CV as PDF")]
    if b"%%EOF" not in content[-1024:]:
        return [FieldProblem(field, "cv_truncated", "the PDF has no end-of-file marker: it is truncated or "
                             "damaged")]
    return []


def cv_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def store_cv(folder: Path, content: bytes) -> str:
    """Write the CV (once) as ``<sha256>.pdf`` and return the digest; the content must have passed
    :func:`check_cv`."""
    digest = cv_digest(content)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}.pdf"
    if not path.exists():
        temporary = folder / f".{digest}.{os.getpid()}.tmp"
        temporary.write_bytes(content)
        temporary.replace(path)
    return digest


def cv_path(folder: Path, digest: str) -> Path | None:
    """The stored file of a digest (only 64 hex digits are looked up), or ``None``."""
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        return None
    path = folder / f"{digest}.pdf"
    return path if path.exists() else None
