"""A problem with one field of a form, in words a person can act on, in any language.

Each problem names its field (so the page shows it beside that field), a stable snake_case code, and an English
``template`` with named ``params``; the page translates the template from the message catalog and formats the
parameters for its locale (amounts, dates), so one problem reads right in French and in English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any


@dataclass(frozen=True)
class FieldProblem:
    field: str
    code: str
    template: str
    params: Mapping[str, Any] = dataclass_field(default_factory=dict)

    @property
    def message(self) -> str:
        """The English text (``template`` with its parameters)."""
        return self.template.format(**{k: str(v) for k, v in self.params.items()})

    def __str__(self) -> str:
        return f"{self.field}: [{self.code}] {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "message": self.message}


def by_field(problems: list[FieldProblem]) -> dict[str, list[FieldProblem]]:
    """The problems grouped by field, in the order they were found."""
    out: dict[str, list[FieldProblem]] = {}
    for problem in problems:
        out.setdefault(problem.field, []).append(problem)
    return out
