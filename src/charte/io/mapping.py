"""The mapping file: which source column is which canonical field, and how it is written.

A mapping is a small YAML file (shipped ones live in ``charte/io/mappings/``)::

    mapping: anonymous-bank-1999
    kind: contact_record            # or interval_report
    source: {format: csv, delimiter: "\\t", encoding: ascii, decimal: "."}   # each optional: detected
    timezone: Asia/Jerusalem        # zone of the local times in the file (required for times without offset)
    ambiguous_times: reject         # reject | first | second (repeated DST hour)
    constants: {channel: voice_inbound}
    fields:
      contact_id: {template: "{vru+line}-{call_id}"}
      arrived_at:
        date: {column: date, format: "%y%m%d"}
        time: {columns: [q_start, vru_exit], format: "h:mm:ss", empty: ["0:00:00"]}
        day_rollover_after: vru_entry
      wait_seconds: {column: q_time}                    # seconds by default
      handle_seconds: {column: "Handle time", format: "h:mm:ss"}
      agent_id: {column: server, empty: [NO_SERVER]}
      outcome: {column: outcome, codes: {AGENT: answered, HANG: abandoned, PHANTOM: "!phantom_record"},
                never_queued_when: {column: q_start, values: ["0:00:00", ""]}}
    quality: {policy: quarantine, reject: []}

Field rules: ``column`` (one column), ``columns`` (first non-empty), ``template`` (columns
joined by a ``str.format`` pattern), ``constant``; ``empty`` lists extra tokens meaning "no
value"; ``format`` is ``seconds | h:mm:ss | minutes | milliseconds`` for durations, ``iso`` or
a ``strptime`` pattern for timestamps; ``codes`` maps source codes to canonical values, a code
written ``"!reason"`` rejects the row with that reason. ``offset`` names a column holding the
UTC offset (``+02:00``) that settles an ambiguous local time.

Zones: a local time without an offset is read in ``timezone`` and **only** when the mapping
states it; otherwise the row is refused (``naive_timestamp``). ``timezone`` is also the calendar
the records are filed under (local day and month), Europe/Paris when not stated. An offset in
the file (``2026-07-01T10:00:00+02:00`` or an ``offset`` column) must be the zone's offset at
that instant (``offset_mismatch`` otherwise: an offset the zone never had then, or a local time
that does not exist); UTC (``Z``, ``+00:00``) is always an exact instant. The repeated hour of
the autumn change is refused (``dst_ambiguous``) unless an offset settles it or the mapping
states ``ambiguous_times: first`` or ``second`` (the export documents which pass it holds);
the order of the rows is never used to guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from charte.domain.records import (
    ANSWERED_WITHIN,
    CONTACT_RECORD,
    INTERVAL_REPORT,
    FieldSpec,
    required_names,
)
from charte.io.quality import FLAGGING, Policy

SHIPPED = Path(__file__).parent / "mappings"
KINDS = {"contact_record": CONTACT_RECORD, "interval_report": INTERVAL_REPORT}
DURATION_FORMATS = ("seconds", "h:mm:ss", "minutes", "milliseconds")
AMBIGUOUS_POLICIES = ("reject", "first", "second")
DEFAULT_ZONE = "Europe/Paris"
_TEMPLATE_FIELD = re.compile(r"\{([^{}]+)\}")


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file and the key."""

    def __init__(self, code: str, source: str, message: str) -> None:
        self.code = code
        super().__init__(f"{source}: [{code}] {message}")


@dataclass(frozen=True, slots=True)
class PartRule:
    """Date or time part of a timestamp given in separate columns."""

    columns: tuple[str, ...]
    format: str
    empty: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How one canonical field is read from a source row."""

    name: str
    type: str
    columns: tuple[str, ...] = ()
    template: str | None = None
    constant: Any = None
    format: str | None = None
    empty: frozenset[str] = frozenset()
    codes: dict[str, str] | None = None
    date: PartRule | None = None
    time: PartRule | None = None
    day_rollover_after: str | None = None
    offset: str | None = None
    never_queued_when: tuple[str, frozenset[str]] | None = None

    def source_columns(self) -> set[str]:
        cols = set(self.columns)
        if self.template:
            cols |= set(_TEMPLATE_FIELD.findall(self.template))
        for part in (self.date, self.time):
            if part:
                cols |= set(part.columns)
        if self.never_queued_when:
            cols.add(self.never_queued_when[0])
        for extra in (self.day_rollover_after, self.offset):
            if extra:
                cols.add(extra)
        return cols


@dataclass(frozen=True)
class SourceOptions:
    format: str = "csv"
    delimiter: str | None = None
    encoding: str | None = None
    decimal: str | None = None
    sheet: str | None = None
    max_line_bytes: int = 1 << 20


@dataclass(frozen=True)
class Mapping:
    """A validated mapping file."""

    name: str
    kind: str
    timezone: ZoneInfo
    fields: dict[str, FieldRule]
    source: SourceOptions = field(default_factory=SourceOptions)
    ambiguous_times: str = "reject"
    policy: Policy = Policy.QUARANTINE
    reject: frozenset[str] = frozenset()
    text: str = ""
    zone_stated: bool = True

    @property
    def schema(self) -> tuple[FieldSpec, ...]:
        return KINDS[self.kind]

    def source_columns(self) -> set[str]:
        out: set[str] = set()
        for rule in self.fields.values():
            out |= rule.source_columns()
        return out

    def thresholds(self) -> list[int]:
        """Thresholds (seconds) of the ``answered_within_<T>s`` columns an interval report carries."""
        return sorted(int(m.group(1)) for n in self.fields if (m := ANSWERED_WITHIN.match(n)))

    def with_constants(self, **values: str | None) -> Mapping:
        """A copy where fields are set to constants (e.g. the activity given on the command line)."""
        fields = dict(self.fields)
        for name, value in values.items():
            if value is not None:
                fields[name] = FieldRule(name, _field_type(self.kind, name, self.name), constant=value)
        return Mapping(self.name, self.kind, self.timezone, fields, self.source, self.ambiguous_times,
                       self.policy, self.reject, self.text, self.zone_stated)


def _field_type(kind: str, name: str, source: str) -> str:
    if kind == "interval_report" and ANSWERED_WITHIN.match(name):
        return "integer"
    for spec in KINDS[kind]:
        if spec.name == name:
            return spec.type
    raise MappingError("unknown_field", source, f"`{name}` is not a field of a {kind}; "
                       f"expected one of {', '.join(s.name for s in KINDS[kind])}")


def _strings(value: Any, where: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise MappingError("bad_mapping", source, f"{where}: expected a column name or a list of names, found {value!r}")


def _part(raw: Any, where: str, source: str) -> PartRule:
    if not isinstance(raw, dict):
        raise MappingError("bad_mapping", source, f"{where}: expected {{column: ..., format: ...}}, found {raw!r}")
    cols = _strings(raw.get("column", raw.get("columns")), where, source)
    fmt = raw.get("format")
    if not isinstance(fmt, str):
        raise MappingError("bad_mapping", source, f"{where}: `format` is required (e.g. %d/%m/%Y or h:mm:ss)")
    return PartRule(cols, fmt, frozenset(str(e) for e in raw.get("empty", [])))


def _rule(kind: str, name: str, raw: Any, source: str) -> FieldRule:
    ftype = _field_type(kind, name, source)
    where = f"fields.{name}"
    if isinstance(raw, str):
        raw = {"column": raw}
    if not isinstance(raw, dict):
        raise MappingError("bad_mapping", source, f"{where}: expected a column name or a table, found {raw!r}")
    known = {"column", "columns", "template", "constant", "format", "empty", "codes", "date", "time",
             "day_rollover_after", "offset", "never_queued_when"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise MappingError("bad_mapping", source, f"{where}: unknown keys {unknown}; expected some of {sorted(known)}")
    columns: tuple[str, ...] = ()
    if "column" in raw or "columns" in raw:
        columns = _strings(raw.get("column", raw.get("columns")), where, source)
    date = _part(raw["date"], f"{where}.date", source) if "date" in raw else None
    time = _part(raw["time"], f"{where}.time", source) if "time" in raw else None
    ways = sum(bool(x) for x in (columns, "template" in raw, "constant" in raw, date))
    if ways != 1:
        raise MappingError("bad_mapping", source, f"{where}: give exactly one of column, columns, template, "
                           "constant or date+time")
    if (date is None) != (time is None):
        raise MappingError("bad_mapping", source, f"{where}: `date` and `time` go together")
    fmt = raw.get("format")
    if ftype == "seconds":
        fmt = fmt or "seconds"
        if fmt not in DURATION_FORMATS:
            raise MappingError("bad_mapping", source, f"{where}: duration format {fmt!r}; "
                               f"expected one of {', '.join(DURATION_FORMATS)}")
    if ftype == "timestamp" and not date:
        fmt = fmt or "iso"
    codes = raw.get("codes")
    if codes is not None:
        codes = {str(k): str(v) for k, v in codes.items()}
    return FieldRule(
        name, ftype, columns, raw.get("template"), raw.get("constant"), fmt,
        frozenset(str(e) for e in raw.get("empty", [])), codes, date, time,
        raw.get("day_rollover_after"), raw.get("offset"), _never_queued(raw.get("never_queued_when"), where, source),
    )


def _never_queued(raw: Any, where: str, source: str) -> tuple[str, frozenset[str]] | None:
    """``never_queued_when: {column: q_start, values: ["0:00:00", ""]}``: an abandon that never queued is ivr_only."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("column"), str):
        raise MappingError("bad_mapping", source, f"{where}.never_queued_when: expected {{column: ..., values: [...]}}")
    return raw["column"], frozenset(str(v) for v in raw.get("values", [""]))


def parse_mapping(text: str, source: str = "<mapping>") -> Mapping:
    """Validate a mapping's YAML text."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError("bad_yaml", source, f"not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise MappingError("bad_mapping", source, "expected a table with keys mapping, kind, fields")
    kind = raw.get("kind", "contact_record")
    if kind not in KINDS:
        raise MappingError("bad_mapping", source, f"kind {kind!r}; expected contact_record or interval_report")
    try:
        zone = ZoneInfo(str(raw.get("timezone", DEFAULT_ZONE)))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise MappingError("unknown_timezone", source, f"timezone {raw.get('timezone')!r} is not an IANA zone") from exc
    fields = {name: _rule(kind, name, spec, source) for name, spec in (raw.get("fields") or {}).items()}
    for name, value in (raw.get("constants") or {}).items():
        fields[name] = FieldRule(name, _field_type(kind, name, source), constant=value)
    src = raw.get("source") or {}
    options = SourceOptions(
        format=src.get("format", "csv"), delimiter=src.get("delimiter"), encoding=src.get("encoding"),
        decimal=src.get("decimal"), sheet=src.get("sheet"), max_line_bytes=int(src.get("max_line_bytes", 1 << 20)),
    )
    if options.decimal not in (None, ".", ","):
        raise MappingError("bad_mapping", source, f"source.decimal {options.decimal!r}; expected '.' or ','")
    ambiguous = raw.get("ambiguous_times", "reject")
    if ambiguous not in AMBIGUOUS_POLICIES:
        hint = ("; the order of rows does not say which pass of the repeated hour a row holds: add a UTC "
                "offset column (`offset:` under the timestamp field)") if ambiguous == "by_order" else ""
        raise MappingError("bad_mapping", source, f"ambiguous_times {ambiguous!r}; expected one of "
                           f"{', '.join(AMBIGUOUS_POLICIES)}{hint}")
    quality = raw.get("quality") or {}
    try:
        policy = Policy(quality.get("policy", "quarantine"))
    except ValueError as exc:
        raise MappingError("bad_mapping", source, "quality.policy: expected quarantine or reject_file") from exc
    promote = frozenset(quality.get("reject", []))
    if not promote <= FLAGGING:
        raise MappingError("bad_mapping", source, f"quality.reject: {sorted(promote - FLAGGING)} are not flags; "
                           f"expected some of {sorted(FLAGGING)}")
    mapping = Mapping(str(raw.get("mapping", Path(source).stem)), kind, zone, fields, options, ambiguous, policy,
                      promote, text, "timezone" in raw)
    return mapping


def check_complete(mapping: Mapping, source: str = "<mapping>") -> None:
    """Every required field of the schema must be mapped (after command-line constants are applied)."""
    missing = [n for n in required_names(mapping.schema) if n not in mapping.fields]
    if missing:
        raise MappingError("unmapped_field", source, f"required fields {missing} are not mapped; add them under "
                           "`fields:` or `constants:` (activity can also be given on the command line)")


def load_mapping(name_or_path: str | Path) -> Mapping:
    """Read a mapping from a path, or by name among the shipped mappings (``anonymous-bank-1999``)."""
    path = Path(name_or_path)
    if not path.exists():
        shipped = SHIPPED / f"{name_or_path}.yaml"
        if not shipped.exists():
            names = ", ".join(sorted(p.stem for p in SHIPPED.glob("*.yaml")))
            raise MappingError("mapping_not_found", str(name_or_path), f"no such file and no shipped mapping of "
                               f"that name; shipped: {names}")
        path = shipped
    return parse_mapping(path.read_text(encoding="utf-8"), str(path))


def shipped_mappings() -> list[str]:
    return sorted(p.stem for p in SHIPPED.glob("*.yaml"))


def mapping_help() -> str:
    """The mapping file and the canonical fields, for ``charte import --help`` (written from the schemas)."""
    def fields(kind: str) -> str:
        return ", ".join(f"{f.name}{'*' if f.required else ''} ({f.type})" for f in KINDS[kind])
    return (
        "Source files: CSV (delimiter ',', ';', tab or '|', encoding UTF-8 or cp1252, decimal point or comma: "
        "detected, or stated in the mapping's `source:`), XLSX (first sheet or `source.sheet`), Parquet. "
        "A mapping (YAML) says which source column is which canonical field: `mapping` (name), `kind` "
        "(contact_record | interval_report), `source` {format, delimiter, encoding, decimal, sheet}, "
        "`timezone` (IANA zone of the file's local times: REQUIRED to read a time without a UTC offset; "
        "an offset in the file must be the zone's at that instant), `ambiguous_times` (reject | first | "
        "second: the repeated hour of the autumn change; never guessed from the row order), `constants`, "
        "`fields` (per field: column | columns | template | constant, format — seconds | h:mm:ss | minutes | "
        "milliseconds for durations, iso or a strptime pattern for times —, date+time parts, offset column, "
        "empty tokens, codes), `quality` {policy: quarantine | reject_file, reject: flags to treat as "
        "rejections}. "
        f"Contact record fields (* required): {fields('contact_record')}. "
        f"Interval report fields: {fields('interval_report')}, answered_within_<T>s (integer) per threshold. "
        f"Shipped mappings: {', '.join(shipped_mappings())}."
    )
