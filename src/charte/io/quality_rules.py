"""The quality rules of an import, written once as Ibis expressions (DuckDB in this process, Spark unchanged).

A record that was read without an unreadable value is checked by the rules of its kind
(DOMAIN.md KPI definitions; the codes and severities are :mod:`charte.io.quality`'s):

contact records
  * ``negative_duration`` — a negative IVR, wait, talk, hold, wrap or handle time is unknown, not
    negative: the value is dropped, the contact kept;
  * a missing ``handle_seconds`` while talk, hold or wrap times are given becomes their sum;
  * ``answered_without_agent`` — answered, but the mapped agent column is empty;
  * ``abandoned_with_service`` — abandoned (or ended in the IVR) yet with talk or handle time;
  * ``end_before_start`` — a first response or closure before the arrival: that time is dropped.

every record
  * ``nul_in_identifier`` — a text value holding a NUL byte rejects the row
    (:func:`~charte.io.quality.check_text`; found on the block in this process, before the engine runs).

interval reports
  * ``bad_interval`` — a length other than 15, 30 or 60 minutes, or a start off the local grid
    of that length (then no other rule is checked);
  * ``negative_count`` (rejects the row) and ``negative_duration`` (the value is dropped);
  * ``counts_inconsistent`` — handled + abandoned above offered, or more answered within a
    threshold than handled.

:func:`checks` gives, for a table of records, the corrected columns and one
:class:`Check` per rule and column: when it applies and the values its message shows.
:class:`RuleRun` evaluates them on an engine: on DuckDB the query is compiled once and run on
every block of a streamed file; on Spark each block is sent to the cluster and checked there.
The messages are written in Python from the fetched values (:func:`message`), so every engine reports the same words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from charte.domain.calendar import GRANULARITIES
from charte.io.quality import Issue, check_text, issue
from charte.measure import engines

SECONDS = ("ivr_seconds", "wait_seconds", "talk_seconds", "hold_seconds", "wrap_seconds", "handle_seconds")
COUNTS = ("offered", "handled", "abandoned", "short_abandoned")
LATER = ("first_response_at", "closed_at")
FLAGS = "_rule_flags"


@dataclass(frozen=True)
class Check:
    """One rule on one column: ``when`` the row has the problem, and the ``values`` its message shows."""

    code: str
    column: str | None
    when: ir.BooleanValue
    values: dict[str, ir.Value]


def _null(like: ir.Value) -> ir.Value:
    return ibis.null(like.type().copy(nullable=True))


def _negative(value: ir.NumericValue) -> ir.BooleanValue:
    return (value < 0).fill_null(False)


def contact_checks(t: ir.Table, con: Any, mapped: set[str]) -> tuple[dict[str, ir.Value], list[Check]]:
    """Corrected columns and checks of contact records (order: the order of :func:`~charte.io.quality`)."""
    out: list[Check] = []
    fixed: dict[str, ir.Value] = {}
    for name in SECONDS:
        negative = _negative(t[name])
        out.append(Check("negative_duration", name, negative, {"value": t[name]}))
        fixed[name] = ibis.cases((negative, ibis.null("float64")), else_=t[name])
    parts = [fixed[n] for n in SECONDS[2:5]]
    given = ibis.or_(*[p.notnull() for p in parts])
    total = parts[0].fill_null(0.0) + parts[1].fill_null(0.0) + parts[2].fill_null(0.0)
    fixed["handle_seconds"] = ibis.cases((fixed["handle_seconds"].isnull() & given, total),
                                         else_=fixed["handle_seconds"])
    answered = (t.outcome == "answered").fill_null(False)
    if "agent_id" in mapped:
        out.append(Check("answered_without_agent", "agent_id", answered & t.agent_id.isnull(), {}))
    ended = t.outcome.isin(["abandoned", "ivr_only"]).fill_null(False)
    service = ibis.greatest(fixed["handle_seconds"].fill_null(0.0), fixed["talk_seconds"].fill_null(0.0))
    out.append(Check("abandoned_with_service", "handle_seconds", ended & (service > 0),
                     {"outcome": t.outcome, "service": service}))
    arrived = engines.epoch_us(con, t.arrived_at)
    for name in LATER:
        later = engines.epoch_us(con, t[name])
        before = (arrived.notnull() & later.notnull() & (later < arrived)).fill_null(False)
        out.append(Check("end_before_start", name, before, {"arrived": arrived, "later": later}))
        fixed[name] = ibis.cases((before, _null(t[name])), else_=t[name])
    return fixed, out


def interval_checks(t: ir.Table, con: Any, order: Sequence[str]) -> tuple[dict[str, ir.Value], list[Check]]:
    """Corrected columns and checks of interval-report rows; ``order`` is the mapping's order of its fields."""
    minutes, start = t.interval_minutes, t.interval_start
    known = minutes.notnull() & start.notnull()
    bad_length = known & ~minutes.isin(sorted(GRANULARITIES))
    start_us = engines.epoch_us(con, start)
    step_us = minutes.cast("int64") * 60_000_000
    local_us = start_us + t.utc_offset_seconds.cast("int64") * ibis.literal(1_000_000, "int64")
    off_grid = known & ~bad_length & ((local_us % step_us != 0) | (start_us % 1_000_000 != 0))
    checked = known & ~bad_length & ~off_grid  # a bad interval is the row's only problem
    out = [Check("bad_interval", "interval_minutes", bad_length, {"minutes": minutes}),
           Check("bad_interval", "interval_start", off_grid, {"minutes": minutes})]
    fixed: dict[str, ir.Value] = {}
    for name in order:
        if name in COUNTS or name.startswith("answered_within_"):
            out.append(Check("negative_count", name, checked & _negative(t[name]), {"value": t[name]}))
        if name.endswith("_seconds"):
            negative = checked & _negative(t[name])
            out.append(Check("negative_duration", name, negative, {"value": t[name]}))
            fixed[name] = ibis.cases((negative, ibis.null("float64")), else_=t[name])
    offered, handled, abandoned = t.offered, t.handled, t.abandoned
    over = checked & (handled + abandoned > offered).fill_null(False)
    out.append(Check("counts_inconsistent", "offered", over,
                     {"handled": handled, "abandoned": abandoned, "offered": offered}))
    for name in order:
        if name.startswith("answered_within_"):
            more = checked & (t[name] > handled).fill_null(False)
            out.append(Check("counts_inconsistent", name, more, {"value": t[name], "handled": handled}))
    return fixed, out


def message(code: str, column: str | None, values: dict[str, Any], contact: bool) -> str:
    """The words of an issue (``contact``: of a contact record, else of an interval-report row)."""
    if code == "negative_duration":
        kept = "(value dropped, contact kept)" if contact else "(value dropped)"
        return f"is {values['value']:g} s; expected 0 or more {kept}"
    if code == "answered_without_agent":
        return "contact answered but no agent recorded"
    if code == "abandoned_with_service":
        return f"contact {values['outcome']} but has {values['service']:g} s of service"
    if code == "end_before_start":
        return f"is {(values['arrived'] - values['later']) / 1e6:g} s before arrival; expected at or after arrival " \
               "(value dropped)"
    if code == "bad_interval":
        if column == "interval_minutes":
            return f"is {values['minutes']}; expected 15, 30 or 60"
        return f"does not start a {values['minutes']}-minute interval"
    if code == "negative_count":
        return f"is {values['value']}; expected 0 or more"
    if code == "counts_inconsistent":
        if column == "offered":
            return f"handled {values['handled']} + abandoned {values['abandoned']} exceeds offered {values['offered']}"
        return f"is {values['value']}, more than handled {values['handled']}"
    raise ValueError(f"no message for rule {code!r}")


def _holds_nul(chunk: pa.Array) -> bool:
    """Whether the bytes behind a string array hold a NUL (a memchr over its data buffer: a NUL seen there may lie
    outside the array's slice, so the values are then checked one by one; none there means none in the values)."""
    data = chunk.buffers()[2]
    return data is not None and b"\x00" in data.to_pybytes()


class RuleRun:
    """The rules of one import, for tables of one schema: corrected rows and each row's issues."""

    def __init__(self, con: Any, kind: str, schema: pa.Schema | Any, mapped: Sequence[str],
                 reject: frozenset[str]) -> None:
        self.con, self.kind, self.reject = con, kind, reject
        self.mapped = list(mapped)
        self.contact = kind == "contact_record"
        self._placeholder = ibis.table(schema if not isinstance(schema, pa.Schema) else ibis.Schema.from_pyarrow(
            schema), name=ibis.util.gen_name("block"))
        self._sql: str | None = None

    def _columns(self, t: ir.Table) -> tuple[dict[str, ir.Value], list[Check]]:
        """The corrected columns, the bit mask of the checks each row fails (``_rule_flags``) and the values of
        the failed checks' messages (``_v<check>_<name>``, null when the check passes)."""
        if self.contact:
            fixed, found = contact_checks(t, self.con, set(self.mapped))
        else:
            fixed, found = interval_checks(t, self.con, self.mapped)
        flags = ibis.literal(0, "int64")
        details: dict[str, ir.Value] = {}
        for i, check in enumerate(found):
            flags = flags + ibis.cases((check.when, ibis.literal(1 << i, "int64")), else_=ibis.literal(0, "int64"))
            for key, value in check.values.items():
                details[f"_v{i}_{key}"] = ibis.cases((check.when, value), else_=_null(value))
        return {**fixed, FLAGS: flags, **details}, found

    def expression(self, t: ir.Table) -> tuple[ir.Table, list[Check]]:
        """``t`` with its columns corrected, ``_rule_flags`` and the messages' values (see :meth:`_columns`)."""
        columns, found = self._columns(t)
        return t.mutate(**columns), found

    def narrow(self, t: ir.Table) -> tuple[ir.Table, list[Check]]:
        """Only ``source_row``, the corrected columns, ``_rule_flags`` and the messages' values: what
        :meth:`on_block` fetches (the block's other columns stay in this process, never copied by the engine)."""
        columns, found = self._columns(t)
        return t.select("source_row", **columns), found

    def rejecting_mask(self, found: Sequence[Check]) -> int:
        """Checks whose code rejects the row (a negative count, or a flag the mapping promotes)."""
        mask = 0
        for i, check in enumerate(found):
            if issue(0, check.code, check.column, "", self.reject).rejects:
                mask |= 1 << i
        return mask

    def on_block(self, block: pa.Table) -> tuple[pa.Table, dict[int, list[Issue]]]:
        """One block of records (Arrow, read in this process): corrected rows and the issues per source row.

        On DuckDB the query compiled once is run on the block in place; on Spark the block is sent to
        the cluster as a DataFrame and the same expression runs there, its rows brought back in
        source-row order.
        """
        texts = self.text_issues(block)
        if engines.engine_name(self.con) != "duckdb":
            sent = ibis.memtable(block)
            checked, found = self.narrow(sent)
            first, last = block["source_row"][0].as_py(), block["source_row"][-1].as_py()
            out = engines.spark_to_pyarrow(self.con, checked.order_by("source_row"),
                                           f"the quality rules on rows {first}–{last}")
            return self._with_texts(self.split(block, out, found), texts)
        checked, found = self.narrow(self._placeholder)
        if self._sql is None:
            self._sql = self.con.compile(checked)
        raw = self.con.con
        raw.register(self._placeholder.get_name(), block)
        try:
            out = raw.sql(self._sql).to_arrow_table()
        finally:
            raw.unregister(self._placeholder.get_name())
        return self._with_texts(self.split(block, out, found), texts)

    def text_issues(self, block: pa.Table) -> dict[int, list[Issue]]:
        """``nul_in_identifier`` per source row: text values holding a NUL byte
        (:func:`~charte.io.quality.check_text`)."""
        import pyarrow.compute as pc

        out: dict[int, list[Issue]] = {}
        for name in block.column_names:
            column = block[name]
            if name == "import_id" or not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
                continue
            if not any(_holds_nul(chunk) for chunk in column.chunks):
                continue
            hit = pc.fill_null(pc.match_substring(column, "\x00"), False)
            if not pc.any(hit).as_py():
                continue
            rows, values = block["source_row"].filter(hit).to_pylist(), column.filter(hit).to_pylist()
            for number, value in zip(rows, values, strict=True):
                out.setdefault(int(number), []).extend(check_text(int(number), {name: value}, self.reject))
        return out

    @staticmethod
    def _with_texts(result: tuple[pa.Table, dict[int, list[Issue]]],
                    texts: dict[int, list[Issue]]) -> tuple[pa.Table, dict[int, list[Issue]]]:
        table, found = result
        for number, problems in texts.items():
            found[number] = [*problems, *found.get(number, [])]
        return table, found

    def split(self, block: pa.Table, out: pa.Table, found: Sequence[Check]) -> tuple[pa.Table, dict[int, list[Issue]]]:
        """``block`` with the corrected columns of ``out`` (the :meth:`narrow` result) put in place, and the
        issues of the rows that fail a check."""
        import pyarrow.compute as pc

        if not out["source_row"].equals(block["source_row"]):  # an engine is free to return rows in any order
            out = out.take(pc.index_in(block["source_row"], out["source_row"]))
        extra = [n for n in out.column_names if n == FLAGS or n.startswith("_v")]
        corrected = block
        for name in out.column_names:
            if name != "source_row" and name not in extra:
                at = corrected.schema.get_field_index(name)
                corrected = corrected.set_column(at, corrected.schema.field(at), out[name].cast(
                    corrected.schema.field(at).type))
        flagged = out.filter(pc.not_equal(out[FLAGS], 0))
        return corrected, self.issues(flagged.select(["source_row", *extra]).to_pylist(), found)

    def issues(self, rows: list[dict[str, Any]], found: Sequence[Check]) -> dict[int, list[Issue]]:
        """Issues per source row, in the rules' order, from the flagged rows' bit masks and values."""
        out: dict[int, list[Issue]] = {}
        for row in rows:
            flags = row[FLAGS]
            number = int(row["source_row"])
            for i, check in enumerate(found):
                if flags & (1 << i):
                    values = {key: row[f"_v{i}_{key}"] for key in check.values}
                    text = message(check.code, check.column, values, self.contact)
                    out.setdefault(number, []).append(issue(number, check.code, check.column, text, self.reject))
        return out
