"""Reading a contract document into a :class:`Contract`, collecting every problem at once.

A document is the plain data of a contract file (mappings, lists, text, numbers, dates).
Each top-level clause is validated on its own, so a broken clause does not hide the
problems of the others; then the cross-clause rules (:mod:`charte.domain.contract.checks`)
run on every clause that validated; then each amendment is applied in turn and the
version it produces is checked the same way, its problems pointing into the amendment.
The contract is built only if no error was found: nothing is ever half-loaded.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from charte.domain.contract.activities import Activity
from charte.domain.contract.amendments import Amendment, patch_location
from charte.domain.contract.checks import ContractParts, check
from charte.domain.contract.model import Contract, version_document
from charte.domain.contract.problems import Finding, from_validation_error
from charte.domain.contract.service_commitments import ServiceCommitment


@dataclass(frozen=True)
class Validation:
    """The outcome of reading a document: the contract (only when there is no error) and every finding."""

    contract: Contract | None
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return self.contract is not None


@cache
def _clause_adapters() -> dict[str, tuple[str, TypeAdapter[Any], bool]]:
    """Per YAML key: the field name, a validator for the clause alone, and whether it is required."""
    adapters = {}
    for name, info in Contract.model_fields.items():
        key = info.alias or name
        annotated: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        adapters[key] = (name, TypeAdapter(annotated), info.is_required())
    return adapters


def _clauses(document: Mapping[str, Any]) -> tuple[dict[str, Any], list[Finding]]:
    """Validate each top-level clause alone; return the valid ones (by field name) and the findings."""
    adapters = _clause_adapters()
    clauses: dict[str, Any] = {}
    findings: list[Finding] = []
    for key in document:
        if key not in adapters:
            close = difflib.get_close_matches(str(key), list(adapters), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f"; known clauses: {', '.join(adapters)}"
            findings.append(Finding("unknown_field", (key,), f"`{key}` is not a clause of a contract{hint}"))
    for key, (name, adapter, required) in adapters.items():
        if key not in document:
            if required:
                findings.append(Finding("missing_clause", (), f"the `{key}` clause is missing; a contract needs one"))
            continue
        try:
            clauses[name] = adapter.validate_python(document[key])
        except ValidationError as error:
            findings += from_validation_error(error, (key,), document[key])
            if name in _ITEM_LISTS and isinstance(document[key], list):
                clauses[name] = _valid_items(name, document[key])
    return clauses, findings


#: List clauses whose valid items are kept for the cross-clause rules when other items are broken.
_ITEM_LISTS: dict[str, Any] = {"activities": Activity, "service_commitments": ServiceCommitment}


def _valid_items(name: str, items: list[Any]) -> tuple[Any, ...]:
    adapter = _item_adapter(name)
    valid = []
    for item in items:
        try:
            valid.append(adapter.validate_python(item))
        except ValidationError:
            continue
    return tuple(valid)


@cache
def _item_adapter(name: str) -> TypeAdapter[Any]:
    return TypeAdapter(_ITEM_LISTS[name])


def _declared_ids(document: Mapping[str, Any], key: str) -> frozenset[str]:
    """Ids written in a list clause, valid or not (a reference to a broken item is not 'unknown')."""
    items = document.get(key)
    if not isinstance(items, list):
        return frozenset()
    return frozenset(str(i["id"]) for i in items if isinstance(i, Mapping) and "id" in i)


def _broken_commitments(document: Mapping[str, Any], valid: Any) -> tuple[tuple[int, str, str], ...]:
    """Commitments that failed their own validation but name an activity: the reference is still checked."""
    items = document.get("service_commitments")
    if not isinstance(items, list):
        return ()
    valid_ids = {c.id for c in valid or ()}
    return tuple(
        (index, str(item.get("id")), item["activity"]) for index, item in enumerate(items)
        if isinstance(item, Mapping) and isinstance(item.get("activity"), str) and item.get("id") not in valid_ids
    )


def _reference_day(document: Mapping[str, Any]) -> date | None:
    term = document.get("term")
    start = term.get("start") if isinstance(term, Mapping) else None
    return start if isinstance(start, date) else None


def _check_document(document: Any, on: date | None) -> tuple[dict[str, Any], list[Finding]]:
    if not isinstance(document, Mapping):
        return {}, [Finding("wrong_type", (), "the file is not a mapping of clauses; expected `contract:`, "
                                              "`client:`, `provider:`… at the start of lines")]
    clauses, findings = _clauses(document)
    parts = ContractParts.of_clauses(
        clauses, (Contract.model_fields[name].alias or name for name in clauses),
        declared={key: _declared_ids(document, key) for key in _ITEM_LISTS},
        reference_day=_reference_day(document),
        broken_commitments=_broken_commitments(document, clauses.get("service_commitments")),
    )
    findings += check(parts, on)
    return clauses, findings


def _amendment_findings(document: Mapping[str, Any], amendments: tuple[Amendment, ...],
                        base: list[Finding]) -> list[Finding]:
    """Errors each amendment introduces in the version it produces, located in the amendment."""
    findings: list[Finding] = []
    order = sorted(range(len(amendments)), key=lambda i: amendments[i].effective)
    previous = {(f.code, f.path) for f in base if f.is_error}
    for count, index in enumerate(order, start=1):
        amendment = amendments[index]
        version = version_document(document, tuple(amendments[i] for i in order[:count]))
        _, version_findings = _check_document(version, None)
        current = {(f.code, f.path) for f in version_findings if f.is_error}
        for finding in version_findings:
            if not finding.is_error or (finding.code, finding.path) in previous:
                continue
            where = patch_location(amendment.changes, version, finding.path)
            findings.append(Finding(finding.code, ("amendments", index, "changes", *where),
                                    f"amendment {amendment.id!r} (effective {amendment.effective.isoformat()}): "
                                    f"{finding.message}"))
        previous = current
    return findings


def validate_document(document: Any, on: date | None = None) -> Validation:
    """Read a contract document; ``on`` dates the checks that depend on today (certification expiry)."""
    clauses, findings = _check_document(document, on)
    amendments = clauses.get("amendments")
    if isinstance(document, Mapping) and amendments:
        findings += _amendment_findings(document, amendments, findings)
    if any(f.is_error for f in findings):
        return Validation(None, tuple(findings))
    try:
        contract = Contract.model_validate(document)
    except ValidationError as error:  # a rule the per-clause pass missed: still reported, never half-loaded
        return Validation(None, (*findings, *from_validation_error(error, (), document)))
    return Validation(contract, tuple(findings))
