"""The reference jobs ("métiers repères") offers are posted under, read from ``data/reference_jobs.yaml``.

Each job belongs to one or more of the trade's three functions (service, commercial, support) and to a
category of the observatory's declarations. Its level in the branch classification is ``None`` until the grid
is sourced (see the data file); an offer states its own position in the grid instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from charte.observatory.members import CATEGORIES, FUNCTIONS


@dataclass(frozen=True)
class ReferenceJob:
    id: str
    title: str
    title_en: str
    functions: tuple[str, ...]
    category: str
    rome: str
    level: str | None

    def title_in(self, language: str) -> str:
        return self.title if language == "fr" else self.title_en


@dataclass(frozen=True)
class ReferenceJobs:
    jobs: tuple[ReferenceJob, ...]
    source: str
    reviewed_on: date

    def get(self, job_id: str) -> ReferenceJob | None:
        return next((j for j in self.jobs if j.id == job_id), None)

    def for_function(self, function: str) -> tuple[ReferenceJob, ...]:
        return tuple(j for j in self.jobs if function in j.functions)


def _job(doc: dict[str, Any]) -> ReferenceJob:
    functions = tuple(doc["functions"])
    if not functions or any(f not in FUNCTIONS for f in functions) or doc["category"] not in CATEGORIES:
        raise ValueError(f"reference job {doc.get('id')!r}: functions {functions} or category {doc['category']!r} "
                         "not among the observatory's")
    return ReferenceJob(str(doc["id"]), str(doc["title"]), str(doc["title_en"]), functions, str(doc["category"]),
                        str(doc["rome"]), None if doc.get("level") is None else str(doc["level"]))


@cache
def reference_jobs() -> ReferenceJobs:
    """The shipped list (read once)."""
    text = resources.files("charte.jobs").joinpath("data", "reference_jobs.yaml").read_text("utf-8")
    doc = yaml.safe_load(text)
    jobs = tuple(_job(j) for j in doc["jobs"])
    if len({j.id for j in jobs}) != len(jobs):
        raise ValueError("reference_jobs.yaml: duplicate job id")
    return ReferenceJobs(jobs, str(doc["source"]), doc["reviewed_on"])
