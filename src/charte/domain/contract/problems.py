"""Problems found in a contract, as values: a stable code, where (a path into the document), what.

A :class:`Finding` locates itself by its path into the contract document
(``("service_commitments", 2, "activity")``); the YAML reader turns the path into a file and
line. :func:`from_validation_error` translates Pydantic's errors into findings with stable
snake_case codes and plain words: what was expected, what was found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from pydantic import ValidationError

Severity = Literal["error", "warning"]
Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem of a contract document. ``path`` points at the offending node."""

    code: str
    path: Path
    message: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def dotted(path: Path) -> str:
    """``("activities", 0, "pricing")`` → ``activities[0].pricing``."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "the contract"


#: Pydantic error types → charte codes (custom errors raised by the clauses keep their own code).
_CODES: Final[dict[str, str]] = {
    "missing": "missing_field",
    "extra_forbidden": "unknown_field",
    "literal_error": "unknown_choice",
    "enum": "unknown_choice",
    "union_tag_invalid": "unknown_choice",
    "union_tag_not_found": "missing_field",
    "value_error": "invalid_value",
    "assertion_error": "invalid_value",
    "greater_than": "invalid_value",
    "greater_than_equal": "invalid_value",
    "less_than": "invalid_value",
    "less_than_equal": "invalid_value",
    "too_short": "invalid_value",
    "too_long": "invalid_value",
    "date_from_datetime_inexact": "invalid_value",
    "date_parsing": "wrong_type",
}

_EXPECTED: Final[dict[str, str]] = {
    "int": "a whole number",
    "bool": "true or false",
    "string": "text",
    "str": "text",
    "date": "a date written YYYY-MM-DD",
    "decimal": "an exact number",
    "list": "a list",
    "tuple": "a list",
    "dict": "a mapping (key: value lines)",
    "model": "a mapping (key: value lines)",
    "model_attributes": "a mapping (key: value lines)",
    "float": "a number",
}


def _found(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "nothing (an empty value)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: Mapping[str, Any], path: Path) -> tuple[str, str]:
    kind = str(error["type"])
    where = f"`{dotted(path)}`"
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "missing_field", f"{where} is missing; this clause requires it"
    if kind == "extra_forbidden":
        return "unknown_field", f"{where} is not a known field here; check its spelling or remove it"
    if kind in ("literal_error", "enum"):
        return "unknown_choice", f"{where} is {_found(error.get('input'))}; expected one of {ctx.get('expected', '?')}"
    if kind == "union_tag_invalid":
        return "unknown_choice", (f"{where}: {ctx.get('discriminator', 'kind')} {ctx.get('tag')!r} is not known; "
                                  f"expected one of {ctx.get('expected_tags', '?')}")
    if kind == "union_tag_not_found":
        return "missing_field", f"{where} needs {ctx.get('discriminator', 'a kind')} to say which kind it is"
    if kind.endswith(("_type", "_parsing")) and kind not in _CODES:
        base = kind.rsplit("_", 1)[0]
        expected = _EXPECTED.get(base, base.replace("_", " "))
        return "wrong_type", f"{where} is {_found(error.get('input'))}; expected {expected}"
    code = _CODES.get(kind, kind)
    text = str(error.get("msg", ""))
    if code == "invalid_value" and kind in _CODES:
        text = f"{text[0].lower()}{text[1:]}" if text else text
        text = text.replace("input should be", "expected").replace("Value error, ", "")
        return code, f"{where}: {text}; found {_found(error.get('input'))}"
    return code, f"{where}: {text}"


_TAG_KEYS: Final = ("per", "metric")


def document_path(document: Any, loc: Sequence[str | int]) -> Path:
    """Pydantic's location with the tags of tagged unions removed (``pricing.handled_contact.price``
    → ``pricing.price``), so that it is a path into the document as written."""
    path: list[str | int] = []
    node = document
    for step in loc:
        if isinstance(node, Mapping) and isinstance(step, str) and step not in node \
                and any(node.get(key) == step for key in _TAG_KEYS):
            continue
        path.append(step)
        if isinstance(node, Mapping) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, list | tuple) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            node = None
    return tuple(path)


def from_validation_error(error: ValidationError, prefix: Path = (), document: Any = None) -> list[Finding]:
    """Every error of a Pydantic validation, as findings under ``prefix``; ``document`` is the
    validated input, used to drop tagged-union tags from locations."""
    findings = []
    items = error.errors(include_url=False)
    for item in items:
        loc = tuple(item["loc"])
        if item["type"] == "too_short" and any(len(o["loc"]) > len(loc) and tuple(o["loc"][:len(loc)]) == loc
                                              for o in items):
            continue  # a list emptied by its broken items: the items' own errors say it
        path = prefix + (document_path(document, loc) if document is not None else loc)
        code, message = _message(item, path)
        findings.append(Finding(code, path, message))
    return findings


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_error]


def summary(findings: Sequence[Finding]) -> str:
    n_errors = sum(1 for f in findings if f.is_error)
    n_warnings = len(findings) - n_errors
    return f"{n_errors} error{'s' * (n_errors != 1)}, {n_warnings} warning{'s' * (n_warnings != 1)}"
