"""Contract files in YAML: read with line numbers, report every problem, write back.

``load_contract(path)`` returns a :class:`~charte.domain.contract.Contract` or raises
:class:`ContractInvalid` carrying every :class:`Problem`; ``check_contract_file(path)``
returns the problems (errors and warnings) without raising. A problem prints as
``file:line: [code] message`` (beancount's ``format_error`` shape): the line is that of the
YAML node the problem is about, found by composing the YAML (``yaml.compose``) and following
the problem's path through the node tree.

Duplicate keys, which YAML readers usually resolve silently (last one wins), are errors here.

Limits (issue 17): a contract is at most :data:`MAX_CONTRACT_BYTES`; its aliases (``*name``) may not
expand the document beyond :data:`MAX_EXPANDED_NODES` nodes, nest beyond :data:`MAX_DEPTH` levels or
refer to themselves. A few hundred bytes of nested aliases ("billion laughs") would otherwise expand
to millions of nodes before validation; they are refused, with the figures, before anything walks
the document.
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
#: The largest contract accepted, in bytes of UTF-8 (the longest real contract seen is under 100 kB).
MAX_CONTRACT_BYTES: Final = 2_000_000
#: The most nodes (mappings, sequences, scalars) a document may count once every alias is expanded.
MAX_EXPANDED_NODES: Final = 200_000
#: The deepest nesting of mappings and sequences.
MAX_DEPTH: Final = 64
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


def _expansion(root: yaml.Node) -> tuple[int, int] | None:
    """(nodes once every alias is expanded, depth), counted over the node graph with each shared node
    counted once per use but visited once; ``None`` when an alias refers to a node that contains it."""
    sizes: dict[int, tuple[int, int]] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if isinstance(node, yaml.ScalarNode):
            sizes[key] = (1, 0)
            continue
        if key in sizes and not children_done:
            continue
        children: list[yaml.Node] = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                                     else list(node.value))
        if not children_done:
            if key in open_nodes:
                return None
            open_nodes.add(key)
            stack.append((node, True))
            for child in children:
                if id(child) in open_nodes:
                    return None
                if id(child) not in sizes:
                    stack.append((child, False))
            continue
        open_nodes.discard(key)
        count = 1 + sum(sizes[id(c)][0] for c in children)
        depth = 1 + max((sizes[id(c)][1] for c in children), default=0)
        sizes[key] = (min(count, MAX_EXPANDED_NODES + 1), depth)
    return sizes[id(root)]


def _too_big(text: str, file: str) -> Problem | None:
    if len(text) * 4 <= MAX_CONTRACT_BYTES:  # no UTF-8 character takes more than 4 bytes
        return None
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_CONTRACT_BYTES:
        return Problem(file, 1, "contract_too_large", f"the contract is {size:,} bytes; the limit is "
                                                      f"{MAX_CONTRACT_BYTES:,} bytes (2 MB)")
    return None


def _unbounded(root: yaml.Node, file: str) -> Problem | None:
    expansion = _expansion(root)
    if expansion is None:
        return Problem(file, 1, "yaml_alias_loop", "an alias (`*name`) refers to a block that contains it; "
                                                   "expected each alias to repeat an earlier, complete block")
    nodes, depth = expansion
    if nodes > MAX_EXPANDED_NODES:
        return Problem(file, 1, "yaml_aliases_expand_too_far",
                       f"the aliases (`*name`) expand the document to more than {MAX_EXPANDED_NODES:,} values; "
                       "expected a contract written out, with aliases only repeating small blocks")
    if depth > MAX_DEPTH:
        return Problem(file, 1, "yaml_too_deep", f"blocks are nested {depth} levels deep; the limit is {MAX_DEPTH}")
    return None


def _parse(text: str, file: str) -> tuple[Any, _Lines, list[Problem]]:
    too_big = _too_big(text, file)
    if too_big is not None:
        return None, _Lines(None), [too_big]
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as error:  # a control character: refused before any parsing
        line = text[: error.position].count("\n") + 1
        message = f"not valid YAML: character #x{error.character:04x} is not allowed in a YAML text"
        return None, _Lines(None), [Problem(file, line, "yaml_syntax", message)]
    try:
        root = loader.get_single_node()
        refused = _unbounded(root, file) if root is not None else None
        if refused is not None:
            return None, _Lines(None), [refused]
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
    except RecursionError:
        return None, _Lines(None), [Problem(file, 1, "yaml_too_deep", f"blocks are nested too deep to read; the "
                                                                      f"limit is {MAX_DEPTH} levels")]
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
        size = FilePath(path).stat().st_size
        if size > MAX_CONTRACT_BYTES:
            return [Problem(file, 1, "contract_too_large", f"the contract is {size:,} bytes; the limit is "
                                                           f"{MAX_CONTRACT_BYTES:,} bytes (2 MB)")]
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


def line_of(text: str, path: tuple[str | int, ...]) -> int:
    """The line of the node at ``path`` in a contract's YAML text (of its parent when absent; 1 when unreadable),
    for problems found outside validation (e.g. a party's SIREN against the organisation uploading it)."""
    return _parse(text, "")[1].line(path)
