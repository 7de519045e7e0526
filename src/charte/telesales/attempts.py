"""The attempts file: outbound attempt records read, typed and checked before any rule runs.

One row per dialed attempt (canonical contact records, channel ``voice_outbound``; the columns
are documented in the README and in ``charte telesales audit --help``). Before the audit:

* ``contact_id`` is the attempt's stable key: an empty key or a key used twice is refused
  (two attempts at the same instant would otherwise be mistaken for one another);
* ``arrived_at`` is an instant: a Parquet ``TIMESTAMPTZ``, or text with its UTC offset; a
  time without offset is read in the zone the caller states (``zone``) and refused when none
  is stated — never read as UTC;
* ``refused`` and ``contract_in_progress`` are yes/no in the importers' words (``true``,
  ``1``, ``oui``…), ``dial_mode`` one of the canonical modes whatever its case, spaces or
  dashes; any other value is refused.

Every problem is reported at once (up to :data:`MAX_PROBLEMS`) as ``file:row: [code] `column` …``
and nothing is audited. The checks stay relational: one profiling scan gathers counts and the
few distinct values of the coded columns, which are then translated by a ``CASE`` on literal
values (cheap on every later scan); rows are located (file and row) only when a problem exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import duckdb

from charte.domain.records import DialMode

MAX_PROBLEMS: Final = 50
#: Canonical booleans, as the importers read them (charte.io.conversion): anything else is refused.
TRUE_WORDS: Final[tuple[str, ...]] = ("1", "true", "yes", "y", "oui", "o", "vrai")
FALSE_WORDS: Final[tuple[str, ...]] = ("0", "false", "no", "n", "non", "faux")
#: a UTC offset after a time of day (``09:30:00+01:00``, ``09:30Z``); a bare date's ``-10`` is not one
OFFSET: Final = r"[0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)? ?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$"
OPTIONAL: Final = ("consumer_hash", "number_hash", "refused", "dial_mode")


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


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def attempts_from_files(con: duckdb.DuckDBPyConnection, paths: Sequence[str | Path]) -> str:
    """Register canonical attempt records (Parquet or CSV) as ``ts_input``; ``ts_input_located`` adds each
    row's file and row (CSV line, header = 1; Parquet row from 1), read only to name a bad row."""
    if not paths:
        raise AuditInputError("no_input", "<attempts>", "no attempt file given")
    files = [Path(p) for p in paths]
    for p in files:
        if not p.exists():
            raise AuditInputError("file_not_found", str(p), "no such file")
    if all(p.suffix.lower() == ".parquet" for p in files):
        listing = "[" + ", ".join(quote(str(p)) for p in files) + "]"
        con.execute(f"CREATE OR REPLACE VIEW ts_input AS SELECT * FROM read_parquet({listing}, union_by_name=true)")
        con.execute(f"CREATE OR REPLACE VIEW ts_input_located AS SELECT * EXCLUDE (filename, file_row_number), "
                    f"filename AS _src_file, file_row_number + 1 AS _src_row FROM read_parquet({listing}, "
                    "union_by_name=true, filename=true, file_row_number=true)")
    else:
        # read as text (department codes keep their leading zero, offsets are honoured), typed in ts_norm
        parts = [f"SELECT *, {quote(str(p))} AS _src_file, row_number() OVER () + 1 AS _src_row "
                 f"FROM read_csv({quote(str(p))}, header=true, all_varchar=true)" for p in files]
        con.execute("CREATE OR REPLACE TEMP TABLE ts_input AS " + " UNION ALL BY NAME ".join(parts))
        con.execute("CREATE OR REPLACE TEMP VIEW ts_input_located AS SELECT * FROM ts_input")
    return "ts_input"


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    rows = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    return {str(r[0]): str(r[1]) for r in rows if not str(r[0]).startswith("_src_")}


def _located(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """The relation with ``_src_file`` and ``_src_row`` (an in-memory table: ``<table>`` and its row)."""
    name = f"{relation}_located"
    known = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [name]).fetchone()
    if not known or not known[0]:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT *, '<table>' AS _src_file, "
                    f"row_number() OVER () AS _src_row FROM {relation}")
    return name


def _instant(column_type: str, zone: str | None) -> tuple[str, str]:
    """(instant of ``arrived_at``, why a cell is bad — NULL when fine), by the column's type."""
    kind = column_type.upper()
    empty = "WHEN arrived_at IS NULL THEN 'is empty; expected the dial time'"
    if "TIME ZONE" in kind:
        return "arrived_at", f"CASE {empty} END"
    if kind.startswith("TIMESTAMP") or kind == "DATE":
        if zone is None:
            return ("CAST(NULL AS TIMESTAMPTZ)", f"CASE {empty} ELSE 'has no UTC offset (a naive timestamp); state "
                    "the zone of the file''s times (--zone): it is never read as UTC' END")
        return f"timezone({quote(zone)}, CAST(arrived_at AS TIMESTAMP))", f"CASE {empty} END"
    text = "trim(CAST(arrived_at AS VARCHAR))"
    aware = f"regexp_matches({text}, '{OFFSET}')"
    naive = f"timezone({quote(zone)}, TRY_CAST({text} AS TIMESTAMP))" if zone else "CAST(NULL AS TIMESTAMPTZ)"
    instant = f"CASE WHEN {aware} THEN TRY_CAST({text} AS TIMESTAMPTZ) ELSE {naive} END"
    unstated = "NULL" if zone else ("'has no UTC offset; state the zone of the file''s times (--zone): "
                                    "it is never read as UTC'")
    why = (f"CASE {empty} WHEN {text} = '' THEN 'is empty; expected the dial time' "
           f"WHEN {aware} AND TRY_CAST({text} AS TIMESTAMPTZ) IS NULL THEN 'is not a date and time' "
           f"WHEN NOT {aware} AND TRY_CAST({text} AS TIMESTAMP) IS NULL THEN 'is not a date and time' "
           f"WHEN NOT {aware} THEN {unstated} END")
    return instant, why


def _boolean_word(value: str) -> bool | None:
    word = value.strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def _dial_word(value: str) -> str | None:
    word = re.sub(r"[\s-]+", "_", value.strip().lower())
    return word if word in {m.value for m in DialMode} else None


def _coded(name: str, values: list[Any], read: Any, sql_type: str) -> tuple[str, list[str]]:
    """A ``CASE`` translating each distinct text value of ``name``, and the values that mean nothing."""
    whens, bad = [], []
    for value in values:
        if value is None or not str(value).strip():
            continue
        meant = read(str(value))
        if meant is None:
            bad.append(str(value))
        else:
            literal = ("true" if meant else "false") if isinstance(meant, bool) else quote(meant)
            whens.append(f"WHEN {quote(str(value))} THEN {literal}")
    default = "false" if sql_type == "BOOLEAN" else "NULL"
    if not whens:
        return f"CAST({default} AS {sql_type})", bad
    return f"CASE CAST({name} AS VARCHAR) {' '.join(whens)} ELSE {default} END", bad


def normalise(con: duckdb.DuckDBPyConnection, relation: str, zone: str | None) -> set[str]:
    """View ``ts_norm``: every column the audit reads, typed, absent ones NULL; returns the columns present
    (a column the export never fills counts as absent, but ``consent_ref``: a missing proof is missing).

    Raises :class:`AuditInputError` naming every bad cell, then every attempt key used twice.
    """
    present = _columns(con, relation)
    for required in ("arrived_at", "contact_id"):
        if required not in present:
            raise AuditInputError("missing_column", relation, f"`{required}` is required (`contact_id` is the "
                                  f"attempt's stable key); found {sorted(present)}")
    outbound = "channel = 'voice_outbound'" if "channel" in present else "true"
    instant, arrived_why = _instant(present["arrived_at"], zone)
    no_key = "contact_id IS NULL OR trim(CAST(contact_id AS VARCHAR)) = ''"
    coded = [c for c in ("refused", "contract_in_progress", "dial_mode") if c in present
             and not (c != "dial_mode" and present[c].upper() == "BOOLEAN")]
    optional = [c for c in OPTIONAL if c in present]
    profile = con.execute(
        f"SELECT count(*) FILTER (WHERE {no_key}), count(*) FILTER (WHERE ({arrived_why}) IS NOT NULL)"
        + "".join(f", list(DISTINCT CAST({c} AS VARCHAR))" for c in coded)
        + "".join(f", count({c})" for c in optional)
        + f" FROM {relation} WHERE {outbound}").fetchone()
    assert profile is not None
    values = dict(zip(coded, profile[2:2 + len(coded)], strict=True))
    filled = dict(zip(optional, profile[2 + len(coded):], strict=True))
    exprs: dict[str, str] = {}
    bad: dict[str, list[str]] = {}
    for name in ("refused", "contract_in_progress"):
        if name in values:
            exprs[name], bad[name] = _coded(name, values[name], _boolean_word, "BOOLEAN")
        else:
            exprs[name] = f"coalesce({name}, false)" if name in present else "false"
    if "dial_mode" in values:
        exprs["dial_mode"], bad["dial_mode"] = _coded("dial_mode", values["dial_mode"], _dial_word, "VARCHAR")
    else:
        exprs["dial_mode"] = "CAST(NULL AS VARCHAR)"
    if profile[0] or profile[1] or any(bad.values()):
        raise _bad_cells(con, relation, outbound, no_key, arrived_why, bad)
    _refuse_repeated_keys(con, relation, outbound)
    present = {c: t for c, t in present.items() if filled.get(c, 1)}

    def col(name: str) -> str:
        return name if name in present else "NULL"

    kind = "TABLE" if present["arrived_at"].upper() == "VARCHAR" else "VIEW"  # parse text times once
    con.execute(f"""
        CREATE OR REPLACE TEMP {kind} ts_norm AS
        SELECT CAST(contact_id AS VARCHAR) AS contact_id, epoch_us({instant}) AS us,
               CAST({col('consumer_hash')} AS VARCHAR) AS consumer_hash,
               CAST({col('number_hash')} AS VARCHAR) AS number_hash,
               {exprs['refused']} AS refused,
               nullif(trim(CAST({col('consent_ref')} AS VARCHAR)), '') AS consent_ref,
               nullif(trim(CAST({col('hours_consent_ref')} AS VARCHAR)), '') AS hours_consent_ref,
               {exprs['dial_mode']} AS dial_mode,
               coalesce(CAST({col('campaign')} AS VARCHAR), CAST({col('activity')} AS VARCHAR), '') AS campaign,
               coalesce(CAST({col('team')} AS VARCHAR), '') AS team,
               coalesce(CAST({col('professional')} AS VARCHAR), '') AS professional,
               {exprs['contract_in_progress']} AS contract_in_progress,
               coalesce(trim(CAST({col('consumer_department')} AS VARCHAR)), '') AS consumer_department
        FROM {relation} WHERE {outbound}""")
    return set(present)


def _bad_cells(con: duckdb.DuckDBPyConnection, relation: str, outbound: str, no_key: str, arrived_why: str,
               bad: dict[str, list[str]]) -> AuditInputError:
    """The first rows holding a bad cell, each cell named by file, row and column."""
    checks = [("contact_id", f"CASE WHEN {no_key} THEN 'is empty; every attempt needs its own stable key' END"),
              ("arrived_at", arrived_why)]
    for name, values in bad.items():
        if values:
            listing = ", ".join(quote(v) for v in values)
            expected = ("a yes/no value (" + "/".join(TRUE_WORDS + FALSE_WORDS) + ")" if name != "dial_mode"
                        else "one of " + ", ".join(m.value for m in DialMode))
            checks.append((name, f"CASE WHEN CAST({name} AS VARCHAR) IN ({listing}) THEN 'is ' || "
                                 f"CAST({name} AS VARCHAR) || '; expected {expected}' END"))
    whys = ", ".join(f"{why} AS why_{i}" for i, (_, why) in enumerate(checks))
    any_bad = " OR ".join(f"why_{i} IS NOT NULL" for i in range(len(checks)))
    rows = con.execute(f"SELECT * FROM (SELECT _src_file, _src_row, {whys} FROM {_located(con, relation)} "
                       f"WHERE {outbound}) WHERE {any_bad} ORDER BY _src_file, _src_row LIMIT {MAX_PROBLEMS}"
                       ).fetchall()
    problems = tuple(f"{row[0]}:{row[1]}: [bad_cell] `{name}` {why}"
                     for row in rows for (name, _), why in zip(checks, row[2:], strict=True) if why is not None)
    source = str(rows[0][0]) if rows else relation
    return AuditInputError("bad_cells", source, f"bad cells in the attempts; nothing was audited "
                           f"(the first {len(rows)} rows holding one below)", problems)


def _refuse_repeated_keys(con: duckdb.DuckDBPyConnection, relation: str, outbound: str) -> None:
    # integers group faster than strings: keys whose 64-bit hash repeats are the only candidates, then checked exactly
    candidates = con.execute(f"SELECT h FROM (SELECT hash(CAST(contact_id AS VARCHAR)) AS h FROM {relation} "
                             f"WHERE {outbound}) GROUP BY h HAVING count(*) > 1 LIMIT 1000").fetchall()
    if not candidates:
        return
    hashes = ", ".join(str(h) for (h,) in candidates)
    keys = con.execute(f"SELECT CAST(contact_id AS VARCHAR) AS k, count(*) FROM {relation} WHERE {outbound} AND "
                       f"hash(CAST(contact_id AS VARCHAR)) IN ({hashes}) GROUP BY k HAVING count(*) > 1 ORDER BY k "
                       f"LIMIT {MAX_PROBLEMS}").fetchall()
    if not keys:
        return
    listing = ", ".join(quote(str(k)) for k, _ in keys)
    where = dict(con.execute(f"SELECT CAST(contact_id AS VARCHAR) AS k, list(_src_file || ':' || _src_row ORDER BY "
                             f"_src_file, _src_row) FROM {_located(con, relation)} WHERE CAST(contact_id AS VARCHAR) "
                             f"IN ({listing}) GROUP BY k").fetchall())
    problems = tuple(f"{', '.join(where.get(k, [])[:3])}: [duplicate_attempt_key] `contact_id` {k!r} is used by "
                     f"{n} rows; each attempt needs its own key" for k, n in keys)
    first = where.get(keys[0][0], [relation])[0].rsplit(":", 1)[0]
    raise AuditInputError("duplicate_attempt_key", first, f"{len(keys):,} attempt key(s) used more than once; "
                          "attempts at the same instant would be mistaken for one another, so nothing was audited",
                          problems)


def locate_departments(con: duckdb.DuckDBPyConnection, relation: str, unknown: list[str]) -> list[tuple[Any, ...]]:
    """(file, row, department) of the first rows whose department is one of ``unknown``."""
    listing = ", ".join(quote(d) for d in unknown) or "NULL"
    return con.execute(f"SELECT _src_file, _src_row, consumer_department FROM {_located(con, relation)} "
                       f"WHERE coalesce(trim(CAST(consumer_department AS VARCHAR)), '') IN ({listing}) "
                       f"ORDER BY _src_file, _src_row LIMIT {MAX_PROBLEMS}").fetchall()
