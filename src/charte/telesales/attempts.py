"""The attempts file: outbound attempt records read, typed and checked before any rule runs.

One row per dialed attempt (canonical contact records, channel ``voice_outbound``; the columns
are documented in the README and in ``charte telesales audit --help``). Before the audit:

* ``contact_id`` is the attempt's stable key: an empty key or a key used twice is refused
  (two attempts at the same instant would otherwise be mistaken for one another);
* ``arrived_at`` is an instant: a Parquet ``TIMESTAMPTZ``, or ISO 8601 text with its UTC offset
  (``2026-03-10T09:30:00+01:00``, ``…09:30+0100``, ``…09:30:00Z``); a time without offset is read
  in the zone the caller states (``zone``) and refused when none is stated — never read as UTC —
  or when that zone's clocks skip or repeat it (a change of time);
* ``refused`` and ``contract_in_progress`` are yes/no in the importers' words (``true``,
  ``1``, ``oui``…), ``dial_mode`` one of the canonical modes whatever its case, spaces or
  dashes; any other value is refused.

Every problem is reported at once (up to :data:`MAX_PROBLEMS`) as ``file:row: [code] `column` …``
and nothing is audited. The checks are Ibis expressions, the same on DuckDB and Spark: one
profiling scan gathers counts and the few distinct values of the coded columns, which are then
translated by a ``CASE`` on literal values (cheap on every later scan); rows are located (file
and row) only when a problem exists. Text times are recognised by one pattern and rebuilt in one
canonical form before the engine reads them, so both engines accept exactly the same texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa

from charte.domain.records import DialMode
from charte.measure import engines
from charte.telesales.local_time import SKIPPED, TWICE, wall_to_instant

MAX_PROBLEMS: Final = 50
#: Canonical booleans, as the importers read them (charte.io.conversion): anything else is refused.
TRUE_WORDS: Final[tuple[str, ...]] = ("1", "true", "yes", "y", "oui", "o", "vrai")
FALSE_WORDS: Final[tuple[str, ...]] = ("0", "false", "no", "n", "non", "faux")
_CLOCK: Final = r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}:[0-9]{2})(:[0-9]{2})?([.,][0-9]{1,9})?"
#: an ISO 8601 instant: date, time, UTC offset (``Z``, ``+01``, ``+0100``, ``+01:00``, a space allowed before it)
AWARE: Final = "^" + _CLOCK + r" ?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$"
#: a wall-clock time without offset (a bare date is midnight)
NAIVE: Final = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})([T ]([0-9]{2}:[0-9]{2})(:[0-9]{2})?([.,][0-9]{1,9})?)?$"
OPTIONAL: Final = ("consumer_hash", "number_hash", "refused", "dial_mode")
_EMPTY_TIME: Final = "is empty; expected the dial time"
_NO_OFFSET: Final = "has no UTC offset; state the zone of the file's times (--zone): it is never read as UTC"


class AuditInputError(ValueError):
    """Attempt records the audit cannot read; the message says what was expected and found.

    ``problems`` lists every bad cell found (``file:row: [code] `column` …``), at most
    :data:`MAX_PROBLEMS` of them.
    """

    def __init__(self, code: str, source: str, message: str, problems: tuple[str, ...] = ()) -> None:
        self.code = code
        self.problems = problems
        text = f"{source}: [{code}] {message}"
        super().__init__("\n".join((text, *problems)) if problems else text)


@dataclass(frozen=True)
class Attempts:
    """Attempt records on an engine: ``table`` to audit, ``located`` the same rows with ``_src_file`` and
    ``_src_row`` (read only to name a bad row), ``kinds`` what each column holds."""

    con: Any
    table: ir.Table
    located: ir.Table
    kinds: dict[str, str]
    source: str


def attempts_from_files(con: Any, paths: Sequence[str | Path]) -> Attempts:
    """Canonical attempt records (Parquet, or CSV read as text) on the engine ``con``.

    Rows are located as the CSV line (header = 1) or the Parquet row (from 1) of their file. Paths may be
    globs (``store/contact_records/*/*/*/*.parquet``) or URLs the engine reads.
    """
    if not paths:
        raise AuditInputError("no_input", "<attempts>", "no attempt file given")
    names = [str(p) for p in paths]
    for name in names:
        if not engines.is_url(name) and "*" not in name and not Path(name).exists():
            raise AuditInputError("file_not_found", name, "no such file")
    if all(n.lower().endswith(".parquet") for n in names):
        table = engines.read_parquet(con, names, union_by_name=True)
        located = engines.read_parquet_located(con, names)
    else:
        text = engines.read_csv_text(con, names)
        if engines.engine_name(con) == "duckdb":
            text = engines.materialise(con, text)  # read and numbered once (DuckDB numbers a CSV scan in order)
        located = text
        table = text.drop("_src_file", "_src_row")
    return Attempts(con, table, located, engines.column_kinds(con, table), ", ".join(names))


def attempts_from_arrow(con: Any, arrow: pa.Table) -> Attempts:
    """An in-memory Arrow table of canonical attempt records; its rows are located as ``<table>:N``."""
    n = arrow.num_rows
    located = ibis.memtable(arrow.append_column("_src_file", pa.repeat(pa.scalar("<table>"), n))
                            .append_column("_src_row", pa.array(range(1, n + 1), pa.int64())))
    table = located.drop("_src_file", "_src_row")
    return Attempts(con, table, located, engines.arrow_kinds(arrow.schema), "<table>")


def _boolean_word(value: str) -> bool | None:
    word = value.strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def _dial_word(value: str) -> str | None:
    word = re.sub(r"[\s-]+", "_", value.strip().lower())
    return word if word in {m.value for m in DialMode} else None


def _coded(column: ir.Value, values: list[Any], read: Callable[[str], Any], boolean: bool) -> tuple[ir.Value,
                                                                                                    list[str]]:
    """A ``CASE`` translating each distinct text value of ``column``, and the values that mean nothing."""
    meaning: dict[str, Any] = {}
    bad = []
    for value in values:
        if value is None or not str(value).strip():
            continue
        meant = read(str(value))
        if meant is None:
            bad.append(str(value))
        else:
            meaning[str(value)] = meant
    default = ibis.literal(False) if boolean else ibis.null("string")
    if not meaning:
        return default, bad
    return column.cast("string").substitute(meaning, else_=default), bad


@dataclass(frozen=True)
class _Instant:
    """``arrived_at`` read as microseconds since the epoch, and why a cell is bad (null when fine)."""

    us: ir.IntegerValue
    why: ir.StringValue


def _canonical_aware(text: ir.StringValue) -> ir.StringValue:
    """An ISO instant matching :data:`AWARE` rewritten ``YYYY-MM-DD HH:MM[:SS][.ffffff]+HH:MM``."""
    part = [text.re_extract(AWARE, i) for i in range(7)]
    offset = part[5]
    zone = ibis.cases((offset == "Z", ibis.literal("+00:00")),
                      (offset.length() == 3, offset + ":00"),
                      else_=offset.left(3) + ":" + offset.right(2))
    return part[1] + " " + part[2] + part[3] + _fraction(part[4]) + zone


def _canonical_naive(text: ir.StringValue) -> ir.StringValue:
    part = [text.re_extract(NAIVE, i) for i in range(6)]
    clock = ibis.cases((part[3] == "", ibis.literal("00:00")), else_=part[3])
    return part[1] + " " + clock + part[4] + _fraction(part[5])


def _fraction(fraction: ir.StringValue) -> ir.StringValue:
    """``,5`` or ``.5`` → ``.5``; beyond microseconds, digits are cut (both engines keep µs)."""
    return ibis.cases((fraction == "", ibis.literal("")), else_="." + fraction.substr(1, 6))


def _instant(con: Any, attempts: Attempts, zone: str | None) -> _Instant:
    """How ``arrived_at`` is read, by what the column holds."""
    t = attempts.table
    kind = attempts.kinds["arrived_at"]
    column = t.arrived_at
    if kind == "instant":
        return _Instant(engines.epoch_us(con, column), ibis.cases((column.isnull(), ibis.literal(_EMPTY_TIME)),
                                                                  else_=ibis.null("string")))
    if kind in ("naive", "date"):
        wall = engines.epoch_us(con, column.cast(dt.Timestamp()))
        return _from_wall(con, attempts, wall, column.isnull(), ibis.literal(False), zone)
    text = column.cast("string").strip()
    aware = text.re_search(AWARE)
    naive = text.re_search(NAIVE)
    parsed = _canonical_aware(text).try_cast(dt.Timestamp(timezone="UTC"))
    instant = _from_wall(con, attempts, engines.epoch_us(con, _canonical_naive(text).try_cast(dt.Timestamp())),
                         column.isnull() | (text == ""), aware | ~naive, zone)
    us = ibis.cases((aware, engines.epoch_us(con, parsed)), else_=instant.us)
    why = ibis.cases((column.isnull() | (text == ""), ibis.literal(_EMPTY_TIME)),
                     (aware & parsed.isnull(), ibis.literal("is not a date and time")),
                     (~aware & ~naive, ibis.literal("is not a date and time")),
                     (~aware, instant.why), else_=ibis.null("string"))
    return _Instant(us, why)


def _from_wall(con: Any, attempts: Attempts, wall: ir.IntegerValue, empty: ir.BooleanValue,
               not_wall: ir.BooleanValue, zone: str | None) -> _Instant:
    """Wall-clock microseconds to an instant in ``zone``; refused without a zone, or in a DST change's hour."""
    if zone is None:
        why = ibis.cases((empty, ibis.literal(_EMPTY_TIME)), (not_wall, ibis.null("string")),
                         (wall.isnull(), ibis.literal("is not a date and time")),
                         else_=ibis.literal(_NO_OFFSET))
        return _Instant(ibis.null("int64"), why)
    span = con.to_pyarrow(attempts.table.aggregate(lo=wall.min(), hi=wall.max()))
    lo, hi = span["lo"][0].as_py(), span["hi"][0].as_py()
    if lo is None:
        lo = hi = 0
    us, status = wall_to_instant(wall, zone, lo, hi)
    branches: list[tuple[Any, Any]] = [(empty, ibis.literal(_EMPTY_TIME)), (not_wall, ibis.null("string")),
                                       (wall.isnull(), ibis.literal("is not a date and time"))]
    if status is not None:
        branches += [(status == SKIPPED, ibis.literal(f"does not exist in {zone}: clocks skip that hour; give "
                                                      "its UTC offset")),
                     (status == TWICE, ibis.literal(f"happens twice in {zone}: clocks repeat that hour; give its "
                                                    "UTC offset"))]
    why = ibis.cases(*branches, else_=ibis.null("string"))
    return _Instant(us, why)


def normalise(attempts: Attempts, zone: str | None) -> tuple[ir.Table, set[str]]:
    """The attempts typed as the audit reads them, absent columns NULL; and the columns present (a column
    the export never fills counts as absent, but ``consent_ref``: a missing proof is missing).

    Raises :class:`AuditInputError` naming every bad cell, then every attempt key used twice.
    """
    con, t, kinds = attempts.con, attempts.table, attempts.kinds
    for required in ("arrived_at", "contact_id"):
        if required not in kinds:
            raise AuditInputError("missing_column", attempts.source, f"`{required}` is required (`contact_id` is "
                                  f"the attempt's stable key); found {sorted(kinds)}")
    outbound = (t.channel == "voice_outbound") if "channel" in kinds else ibis.literal(True)
    instant = _instant(con, attempts, zone)
    key = t.contact_id.cast("string")
    no_key = key.isnull() | (key.strip() == "")
    coded = [c for c in ("refused", "contract_in_progress", "dial_mode") if c in kinds
             and not (c != "dial_mode" and kinds[c] == "boolean")]
    optional = [c for c in OPTIONAL if c in kinds]
    metrics: dict[str, Any] = {"_no_key": no_key.sum(), "_bad_time": instant.why.notnull().sum()}
    metrics |= {f"_values_{c}": t[c].cast("string").collect(distinct=True) for c in coded}
    metrics |= {f"_filled_{c}": t[c].count() for c in optional}
    profile = con.to_pyarrow(t.filter(outbound).aggregate(**metrics)).to_pylist()[0]
    exprs: dict[str, ir.Value] = {}
    bad: dict[str, list[str]] = {}
    for name in ("refused", "contract_in_progress"):
        if name in coded:
            exprs[name], bad[name] = _coded(t[name], profile[f"_values_{name}"] or [], _boolean_word, True)
        else:
            exprs[name] = t[name].fill_null(False) if name in kinds else ibis.literal(False)
    if "dial_mode" in coded:
        exprs["dial_mode"], bad["dial_mode"] = _coded(t.dial_mode, profile["_values_dial_mode"] or [], _dial_word,
                                                      False)
    else:
        exprs["dial_mode"] = ibis.null("string")
    if profile["_no_key"] or profile["_bad_time"] or any(bad.values()):
        raise _bad_cells(attempts, zone, bad)
    _refuse_repeated_keys(attempts)
    present = {c for c in kinds if profile.get(f"_filled_{c}", 1)}

    def text(name: str) -> ir.StringValue:
        return t[name].cast("string") if name in present else ibis.null("string")

    norm = t.filter(outbound).select(
        contact_id=key, us=instant.us,
        consumer_hash=text("consumer_hash"), number_hash=text("number_hash"),
        refused=exprs["refused"],
        consent_ref=text("consent_ref").strip().nullif(""),
        hours_consent_ref=text("hours_consent_ref").strip().nullif(""),
        dial_mode=exprs["dial_mode"],
        campaign=ibis.coalesce(text("campaign"), text("activity"), ibis.literal("")),
        team=text("team").fill_null(""), professional=text("professional").fill_null(""),
        contract_in_progress=exprs["contract_in_progress"],
        consumer_department=text("consumer_department").strip().fill_null(""),
    )
    if kinds["arrived_at"] == "text":
        norm = engines.materialise(con, norm)  # parse text times once
    return norm, present


def _located_checks(attempts: Attempts, zone: str | None, bad: dict[str, list[str]]
                    ) -> tuple[ir.Table, list[tuple[str, ir.StringValue]]]:
    """The located rows and, per checked column, why its cell is bad (null when fine)."""
    located = attempts.located
    on_located = Attempts(attempts.con, located, located, attempts.kinds, attempts.source)
    key = located.contact_id.cast("string")
    checks: list[tuple[str, ir.StringValue]] = [
        ("contact_id", ibis.cases((key.isnull() | (key.strip() == ""),
                                   ibis.literal("is empty; every attempt needs its own stable key")),
                                  else_=ibis.null("string"))),
        ("arrived_at", _instant(attempts.con, on_located, zone).why)]
    for name, values in bad.items():
        if values:
            expected = ("a yes/no value (" + "/".join(TRUE_WORDS + FALSE_WORDS) + ")" if name != "dial_mode"
                        else "one of " + ", ".join(m.value for m in DialMode))
            cell = located[name].cast("string")
            checks.append((name, ibis.cases((cell.isin(values), "is " + cell + f"; expected {expected}"),
                                            else_=ibis.null("string"))))
    if "channel" in attempts.kinds:
        located = located.filter(located.channel == "voice_outbound")
    return located, checks


def _bad_cells(attempts: Attempts, zone: str | None, bad: dict[str, list[str]]) -> AuditInputError:
    """The first rows holding a bad cell, each cell named by file, row and column."""
    located, checks = _located_checks(attempts, zone, bad)
    whys = {f"why_{i}": why for i, (_, why) in enumerate(checks)}
    rows = located.select(located._src_file, located._src_row, **whys)
    any_bad = ibis.or_(*[rows[name].notnull() for name in whys])
    found = attempts.con.to_pyarrow(rows.filter(any_bad).order_by(["_src_file", "_src_row"]).limit(MAX_PROBLEMS))
    problems = tuple(f"{engines.source_name(row['_src_file'])}:{row['_src_row']}: [bad_cell] `{name}` {row[f'why_{i}']}"
                     for row in found.to_pylist() for i, (name, _) in enumerate(checks)
                     if row[f"why_{i}"] is not None)
    source = engines.source_name(found["_src_file"][0].as_py()) if found.num_rows else attempts.source
    return AuditInputError("bad_cells", source, f"bad cells in the attempts; nothing was audited "
                           f"(the first {found.num_rows} rows holding one below)", problems)


def _refuse_repeated_keys(attempts: Attempts) -> None:
    con, t = attempts.con, attempts.table
    outbound = t.filter(t.channel == "voice_outbound") if "channel" in attempts.kinds else t
    key = outbound.contact_id.cast("string")
    # integers group faster than strings: keys whose 64-bit hash repeats are the only candidates, then checked exactly
    hashed = outbound.select(h=key.hash())
    candidates = con.to_pyarrow(hashed.group_by("h").aggregate(n=hashed.count()).filter(ibis._.n > 1)
                                .select("h").limit(1000))["h"].to_pylist()
    if not candidates:
        return
    keyed = outbound.select(k=key).filter(key.hash().isin(candidates))
    keys = con.to_pyarrow(keyed.group_by("k").aggregate(n=keyed.count()).filter(ibis._.n > 1).order_by("k")
                          .limit(MAX_PROBLEMS)).to_pylist()
    if not keys:
        return
    listing = [k["k"] for k in keys]
    located = attempts.located
    hits = located.filter(located.contact_id.cast("string").isin(listing))
    hits = hits.select(k=hits.contact_id.cast("string"), f=hits._src_file, r=hits._src_row)
    first = hits.mutate(at=ibis.row_number().over(ibis.window(group_by="k", order_by=["f", "r"]))).filter(ibis._.at < 3)
    where: dict[str, list[str]] = {}
    for row in con.to_pyarrow(first.order_by(["k", "f", "r"])).to_pylist():
        where.setdefault(row["k"], []).append(f"{engines.source_name(row['f'])}:{row['r']}")
    problems = tuple(f"{', '.join(where.get(k['k'], []))}: [duplicate_attempt_key] `contact_id` {k['k']!r} is used "
                     f"by {k['n']} rows; each attempt needs its own key" for k in keys)
    first_place = where.get(keys[0]["k"], [attempts.source])[0].rsplit(":", 1)[0]
    raise AuditInputError("duplicate_attempt_key", first_place, f"{len(keys):,} attempt key(s) used more than "
                          "once; attempts at the same instant would be mistaken for one another, so nothing was "
                          "audited", problems)


def locate_departments(attempts: Attempts, unknown: list[str]) -> list[tuple[str, int, str]]:
    """(file, row, department) of the first rows whose department is one of ``unknown``."""
    located = attempts.located
    department = located.consumer_department.cast("string").strip().fill_null("")
    rows = located.filter(department.isin(unknown)) if unknown else located.limit(0)
    found = attempts.con.to_pyarrow(rows.select(f=rows._src_file, r=rows._src_row, d=department)
                                    .order_by(["f", "r"]).limit(MAX_PROBLEMS))
    return [(engines.source_name(r["f"]), int(r["r"]), str(r["d"])) for r in found.to_pylist()]
