"""Contract files in YAML: read with line numbers, report every problem, write back.

``load_contract(path)`` returns a :class:`~charte.domain.contract.Contract` or raises
:class:`ContractInvalid` carrying every :class:`Problem`; ``check_contract_file(path)``
returns the problems (errors and warnings) without raising. A problem prints as
``file:line: [code] message`` (beancount's ``format_error`` shape): the line is that of the
YAML node the problem is about, found by composing the YAML (``yaml.compose``) and following
the problem's path through the node tree.

Duplicate keys, which YAML readers usually resolve silently (last one wins), are errors here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path as FilePath
from typing import Any, Final

import yaml

from charte.domain.contract import Contract, Finding, validate_document
from charte.domain.contract.problems import Path, Severity

_ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SCHEMA_ID: Final = "https://charte.example/schema/contract.schema.json"


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem of a contract file, where a person can find it."""

    file: str
    line: int
    code: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: [{self.code}] {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self) -> str:
        """``file:line: [code] message``."""
        return str(self)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class ContractInvalid(ValueError):  # noqa: N818  (the name the CLI and the callers use)
    """A contract file with errors; ``problems`` holds every one of them (and the warnings)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.is_error]
        super().__init__(f"{len(errors)} error(s) in the contract:\n" + "\n".join(str(p) for p in errors))


# ---------------------------------------------------------------- YAML nodes and their lines

class _Lines:
    """Line of every node of a composed YAML document, by path; duplicate keys found on the way."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.lines: dict[Path, int] = {(): 1}
        self.duplicates: list[tuple[Path, int, str]] = []
        if root is not None:
            self.lines[()] = root.start_mark.line + 1
            self._walk(root, ())

    def _walk(self, node: yaml.Node, path: Path) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else repr(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen:
                    self.duplicates.append(((*path, key), line, f"`{key}` is given twice (lines {seen[key]} and "
                                                                f"{line}); YAML would silently keep the last one"))
                    continue
                seen[key] = line
                self.lines[(*path, key)] = line
                self._walk(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.lines[(*path, index)] = item.start_mark.line + 1
                self._walk(item, (*path, index))

    def line(self, path: Path) -> int:
        """Line of the deepest node of ``path`` that exists (a missing key points at its parent)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(str(s) if not isinstance(s, int) else s for s in path[:end]))
            if line is not None:
                return line
        return 1


def _parse(text: str, file: str) -> tuple[Any, _Lines, list[Problem]]:
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        lines = _Lines(root)
        document = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = str(error.problem or error.context or "cannot be read")
        if error.context and error.context_mark is not None:
            what += f" ({error.context} started on line {error.context_mark.line + 1})"
        return None, _Lines(None), [Problem(file, line, "yaml_syntax", f"not valid YAML: {what}")]
    except yaml.YAMLError as error:
        return None, _Lines(None), [Problem(file, 1, "yaml_syntax", f"not valid YAML: {error}")]
    finally:
        loader.dispose()
    problems = [Problem(file, line, "duplicate_key", message) for _, line, message in lines.duplicates]
    return document, lines, problems


def _problem(finding: Finding, lines: _Lines, file: str) -> Problem:
    return Problem(file, lines.line(finding.path), finding.code, finding.message, finding.severity)


def check_contract_text(
    text: str, file: str = "<contract>", on: date | None = None
) -> tuple[Contract | None, list[Problem]]:
    """Read a contract from YAML text: the contract (``None`` on any error) and every problem, by line."""
    document, lines, problems = _parse(text, file)
    if problems and document is None:
        return None, problems
    if document is None:
        return None, [Problem(file, 1, "missing_clause", "the file is empty; expected a contract's clauses")]
    validation = validate_document(document, on)
    problems += [_problem(f, lines, file) for f in validation.findings]
    problems.sort(key=lambda p: (p.line, p.severity != "error"))
    contract = validation.contract if not any(p.is_error for p in problems) else None
    return contract, problems


def check_contract_file(path: str | FilePath, on: date | None = None) -> list[Problem]:
    """Every problem (errors and warnings) of a contract file, in line order."""
    file = str(path)
    try:
        text = FilePath(path).read_text(encoding="utf-8")
    except OSError as error:
        return [Problem(file, 0, "unreadable_file", f"cannot read the file: {error.strerror or error}")]
    except UnicodeDecodeError as error:
        return [Problem(file, 1, "unreadable_file", f"the file is not UTF-8 ({error.reason} at byte {error.start})")]
    return check_contract_text(text, file, on)[1]


def load_contract(path: str | FilePath, on: date | None = None) -> Contract:
    """The contract of a YAML file; raises :class:`ContractInvalid` with every problem if it has an error."""
    file = str(path)
    try:
        text = FilePath(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise ContractInvalid(check_contract_file(path, on)) from None
    contract, problems = check_contract_text(text, file, on)
    if contract is None:
        raise ContractInvalid(problems)
    return contract


def loads_contract(text: str, file: str = "<contract>", on: date | None = None) -> Contract:
    """:func:`load_contract` for YAML text."""
    contract, problems = check_contract_text(text, file, on)
    if contract is None:
        raise ContractInvalid(problems)
    return contract


# ---------------------------------------------------------------- writing

def _with_dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _with_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_dates(v) for v in value]
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def dump_contract(contract: Contract) -> str:
    """The contract as YAML, written in the units a contract manager uses (reads back equal)."""
    return yaml.safe_dump(_with_dates(contract.document()), sort_keys=False, allow_unicode=True, width=110)


def contract_json_schema() -> dict[str, Any]:
    """JSON Schema of a contract file, for editors (YAML language servers read JSON Schema)."""
    schema = Contract.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def schema_text() -> str:
    return json.dumps(contract_json_schema(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def iter_problems(paths: list[str], on: date | None = None) -> Iterator[Problem]:
    for path in paths:
        yield from check_contract_file(path, on)
