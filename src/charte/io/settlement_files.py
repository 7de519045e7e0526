"""Files of a settlement: the facts read from a folder, index values from a CSV, the settlement written as JSON.

A facts folder holds the canonical files (Parquet preferred, CSV read otherwise; formats in
:mod:`charte.io.facts_tables` and the README's "Input formats"): ``interval_report`` (the
:data:`~charte.domain.records.INTERVAL_REPORT` schema), ``forecasts``, ``staffing``,
``incidents`` and optionally ``kpis``, ``successes`` and ``index_values.csv``. Every problem
of every file is reported at once, with file, line, column, expected and found
(:class:`~charte.settle.SettlementError`); nothing is read as 0 or truncated.

An interval report given per ACD queue is summed per activity and interval (its counts and
seconds are additive); the same queue twice at one interval is an error.

Index values come from the reference data (:mod:`charte.io.reference_data`): the shipped
series, the user's folder, ``--index`` files and the folder's ``index_values.csv``
(:func:`settlement_facts`). The illustrative Syntec series shipped for ``charte demo`` is never
read unless asked for (:func:`illustrative_index`), and then marks the settlement.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Final

import numpy as np

from charte.domain.calendar import Month
from charte.domain.contract import Contract
from charte.domain.money import D
from charte.domain.records import (
    FORECAST,
    INCIDENT,
    INTERVAL_REPORT,
    MEASURED_KPI,
    STAFFING,
    SUCCESSES,
    FieldSpec,
)
from charte.domain.reference import ReferenceBook
from charte.io.facts_tables import ColumnSpec, FileSpec, Table, find, read_table
from charte.io.reference_data import ReferenceDataError, extend, index_values, load_book, read_points, stamp
from charte.settle import (
    Facts,
    ForecastSeries,
    Incident,
    IndexValue,
    IntervalBlock,
    MeasuredKpi,
    Problem,
    ReferenceStamp,
    Settlement,
    SettlementError,
    StaffingBlock,
    Successes,
)

ILLUSTRATIVE_SYNTEC = "syntec-illustrative.csv"
_KINDS: Final = {"string": "text", "timestamp": "instant", "integer": "count", "seconds": "seconds",
                 "number": "number", "date": "date", "decimal": "decimal"}


def _spec(stem: str, title: str, fields: tuple[FieldSpec, ...], **extra: Any) -> FileSpec:
    columns = tuple(ColumnSpec(f.name, "choice" if f.choices else _KINDS[f.type], f.required,  # type: ignore[arg-type]
                               f.description, f.choices) for f in fields)
    return FileSpec(stem, title, columns, **extra)


#: Columns ``charte kpi`` and the import store add beside the interval facts: accepted, not used.
KPI_AND_STORE_COLUMNS: Final = (
    "interval_start_local", "utc_offset_seconds", "local_date", "organisation", "month", "source_row", "import_id",
    "ivr_contacts", "ivr_only", "written_received", "ivr_seconds", "queued", "answer_rate", "abandon_rate",
    "abandon_rate_queued", "asa_seconds", "aht_seconds", "occupancy", "ivr_mean_seconds")
FILES: Final[dict[str, FileSpec]] = {
    "interval_report": _spec(
        "interval_report", "an interval report", INTERVAL_REPORT,
        patterns=((r"answered_within_([0-9]+)s", ColumnSpec("answered_within", "count", False,
                                                             "contacts answered within T seconds")),
                  (r"abandoned_within_([0-9]+)s", ColumnSpec("abandoned_within", "count", False,
                                                              "contacts abandoned within T seconds"))),
        ignored=KPI_AND_STORE_COLUMNS,
        ignored_patterns=(r"service_level_[0-9]+s", r"written_within_[0-9]+min(_share)?")),
    "forecasts": _spec("forecasts", "the forecasts", FORECAST),
    "staffing": _spec("staffing", "the staffing plan", STAFFING,
                      ignored=("forecast_calls_w1", "on_duty_agents")),
    "incidents": _spec("incidents", "the incidents", INCIDENT),
    "kpis": _spec("kpis", "the measured KPIs", MEASURED_KPI),
    "successes": _spec("successes", "the successes", SUCCESSES),
}


_TYPE_WORDS: Final = {"text": "text", "choice": "one of", "instant": "instant with offset", "date": "date YYYY-MM-DD",
                      "count": "whole number ≥ 0", "seconds": "seconds ≥ 0", "number": "number ≥ 0",
                      "decimal": "decimal"}


def formats_help() -> str:
    """The facts folder's files and columns, for ``--help`` (written from the canonical schemas)."""
    parts = ["Facts folder: Parquet (timestamps with a zone) or CSV (UTF-8, comma-separated, header, decimal "
             "point, instants ISO 8601 with offset such as 2026-10-01T08:30:00+02:00 or …Z; a local time without "
             "offset is refused). Files (required columns marked *):"]
    for stem, spec in FILES.items():
        columns = []
        for c in spec.columns:
            kind = f"{_TYPE_WORDS[c.kind]} {'|'.join(c.choices)}" if c.choices else _TYPE_WORDS[c.kind]
            columns.append(f"{c.name}{'*' if c.required else ''} ({kind})")
        extra = "; answered_within_<T>s (whole number ≥ 0) per threshold" if spec.patterns else ""
        parts.append(f"{stem}.parquet|.csv: {', '.join(columns)}{extra}.")
    parts.append("index_values.csv: series,period,value,source[,published_on,until] (see `charte reference --help`).")
    return " ".join(parts)


def illustrative_syntec_path() -> Path:
    """The illustrative Syntec series shipped with the package (NOT the published index)."""
    return Path(str(resources.files("charte.examples").joinpath(ILLUSTRATIVE_SYNTEC)))


def _groups(table: Table) -> dict[str, np.ndarray]:
    """Record positions of each activity, in file order."""
    activity = table.columns["activity"]
    return {str(a): np.flatnonzero(activity == a) for a in sorted(set(activity.tolist()))}


def interval_blocks(table: Table, problems: list[Problem]) -> list[IntervalBlock]:
    """One block per activity; queues summed per interval (see the module docstring)."""
    blocks = []
    names = [n for n in table.columns if n not in ("activity", "queue", "interval_start")]
    for activity, rows in _groups(table).items():
        start = table.columns["interval_start"][rows].astype(np.int64)
        queue = table.columns["queue"][rows] if table.has("queue") else np.full(rows.size, "", dtype=object)
        keys = [(int(s), str(q)) for s, q in zip(start, queue, strict=True)]
        first: dict[tuple[int, str], int] = {}
        for i, key in enumerate(keys):
            if key in first:
                problems.append(Problem("duplicate_interval", table.where(int(rows[i])),
                                        f"`{activity}`{f' queue {key[1]!r}' if key[1] else ''} at "
                                        f"{datetime.fromtimestamp(key[0], tz=UTC):%Y-%m-%d %H:%M} UTC is already on "
                                        f"{table.unit} {int(table.positions[rows[first[key]]])}; expected one row"))
            else:
                first[key] = i
        starts, inverse = np.unique(start, return_inverse=True)
        columns: dict[str, Any] = {"interval_start": starts.astype("datetime64[s]")}
        for name in names:
            values = table.columns[name][rows]
            if name == "interval_minutes":
                minutes = np.unique(values)
                columns[name] = minutes if minutes.size != 1 else np.full(starts.size, minutes[0])
                continue
            summed = np.zeros(starts.size, dtype=values.dtype)
            np.add.at(summed, inverse, values)
            columns[name] = summed
        try:
            blocks.append(IntervalBlock.build(activity, columns, where=str(table.path)))
        except SettlementError as error:
            problems += error.problems
    return blocks


def forecast_series(table: Table, problems: list[Problem]) -> list[ForecastSeries]:
    """One version per (activity, horizon, granularity, issued_on[, issued_at]); every version is kept."""
    out = []
    keys: dict[tuple[str, str, str, str, int], list[int]] = {}
    c = table.columns
    has_at = table.has("issued_at")
    for i in range(len(table)):
        issued_s = int(c["issued_at"][i].astype(np.int64)) if has_at else -1
        keys.setdefault((str(c["activity"][i]), str(c["horizon"][i]), str(c["granularity"][i]),
                         str(c["issued_on"][i]), issued_s), []).append(i)
    for (activity, horizon, granularity, _issued, at_seconds), rows in sorted(keys.items()):
        at = np.asarray(rows)
        issued_at = datetime.fromtimestamp(at_seconds, tz=UTC) if at_seconds >= 0 else None
        try:
            out.append(ForecastSeries.build(activity, horizon, granularity, c["issued_on"][at[0]],
                                            c["period_start"][at], c["volume"][at], c["aht_seconds"][at],
                                            issued_at=issued_at))
        except SettlementError as error:
            problems += [Problem(p.code, str(table.path), f"{p.where}: {p.message}") for p in error.problems]
    return out


def staffing_blocks(table: Table, minutes: dict[str, int], problems: list[Problem]) -> list[StaffingBlock]:
    out = []
    for activity, rows in _groups(table).items():
        try:
            out.append(StaffingBlock.build(activity, minutes.get(activity, 30), table.columns["interval_start"][rows],
                                           table.columns["planned_agents"][rows]))
        except SettlementError as error:
            problems += [Problem(p.code, str(table.path), f"{p.where}: {p.message}") for p in error.problems]
    return out


def incidents(table: Table, problems: list[Problem]) -> list[Incident]:
    c = table.columns
    out = []
    for i in range(len(table)):
        start, end = (datetime.fromtimestamp(int(c[k][i].astype(np.int64)), tz=UTC) for k in ("start", "end"))
        if end <= start:
            problems.append(Problem("end_before_start", table.where(i),
                                    f"`end` {end:%Y-%m-%d %H:%M} UTC is not after `start` {start:%Y-%m-%d %H:%M} UTC; "
                                    "expected an incident that lasts"))
            continue
        description = str(c["description"][i]) if table.has("description") and c["description"][i] else ""
        effect = str(c["effect"][i]) if table.has("effect") and c["effect"][i] else "degraded"
        out.append(Incident(str(c["activity"][i]), start, end, str(c["kind"][i]), str(c["side"][i]), description,
                            effect))
    return out


def load_index_values(path: Path) -> list[IndexValue]:
    """Monthly values of an index CSV (``series,month,value`` or the reference format); every bad row, its line."""
    try:
        points = read_points(path)
    except ReferenceDataError as error:
        raise SettlementError([_problem(line) for line in error.problems]) from None
    return [IndexValue(p.series, Month.of(p.start), p.value) for p in points]


def _problem(line: str) -> Problem:
    """A ``file:line: [code] message`` line of the reference reader as a settlement problem."""
    where, _, rest = line.partition(": [")
    code, _, message = rest.partition("] ")
    return Problem(code or "invalid_reference_value", where, message or line)


def index_series(contract: Contract, month: Month) -> str | None:
    """The index the contract's indexation clause names for ``month`` (None without indexation)."""
    clause = contract.as_of(month.first_day).indexation
    return clause.index if clause is not None else None


def illustrative_index() -> tuple[list[IndexValue], ReferenceStamp]:
    """The ILLUSTRATIVE Syntec series shipped for ``charte demo``, and the stamp that marks a settlement using it."""
    path = illustrative_syntec_path()
    book = extend(ReferenceBook(), [path])
    return index_values(book, "syntec"), stamp(book, "syntec")


def settlement_facts(folder: Path | None, contract: Contract, month: Month, *, reference: Path | None = None,
                     index_files: Iterable[Path] = (), store: Path | None = None, organisation: str | None = None,
                     minutes: int = 30) -> Facts:
    """The facts of ``folder`` and/or the import ``store``, with the values of the contract's index.

    The reference book is the shipped series + the user's folder (``reference``) + ``index_files``
    + the folder's ``index_values.csv``; the settlement records the version of the series it uses.
    With ``store``, the intervals come from ``charte import``'s store (:mod:`charte.io.store_facts`)
    and the folder, if given, holds the other facts (forecasts, staffing, incidents...).
    """
    found_index = folder is not None and (folder / "index_values.csv").exists()
    files = [*index_files, *([folder / "index_values.csv"] if folder is not None and found_index else [])]
    try:
        book = load_book(reference, files)
    except ReferenceDataError as error:
        raise SettlementError([_problem(line) for line in error.problems]) from None
    series = index_series(contract, month)
    values = index_values(book, series) if series else []
    stamps = [stamp(book, series)] if series else []
    intervals = None
    if store is not None:
        from charte.io.store_facts import store_interval_tables

        problems: list[Problem] = []
        if folder is not None and find(folder, "interval_report") is not None:
            problems.append(Problem("intervals_given_twice", str(find(folder, "interval_report")),
                                    f"the intervals come from the store {store}; expected no interval_report in the "
                                    "facts folder (or settle from the folder without --store)"))
        tables = store_interval_tables(store, contract, month, problems, organisation=organisation, minutes=minutes,
                                       spec=FILES["interval_report"])
        if problems:
            raise SettlementError(problems)
        intervals = [block for table in tables for block in interval_blocks(table, problems)]
        if problems:
            raise SettlementError(problems)
    return load_facts(folder, index_values=values, references=stamps, read_index_file=False, intervals=intervals)


def _read(folder: Path, stem: str, problems: list[Problem], *, required: bool) -> Table | None:
    path = find(folder, stem)
    if path is None:
        if required:
            problems.append(Problem("missing_file", str(folder / f"{stem}.parquet"),
                                    f"no {stem}.parquet or {stem}.csv in {folder}"))
        return None
    return read_table(path, FILES[stem], problems)


def load_facts(folder: Path | None, *, index_values: Iterable[IndexValue] = (),
               references: Iterable[ReferenceStamp] = (), read_index_file: bool = True,
               intervals: list[IntervalBlock] | None = None) -> Facts:
    """The facts in ``folder`` (files in the module docstring), plus ``index_values``; every problem at once.

    ``intervals`` given (from the import store), the folder's ``interval_report`` is not read; ``folder``
    may then be None (no forecasts, staffing or incidents).
    """
    problems: list[Problem] = []
    tables = {stem: _read(folder, stem, problems, required=stem == "interval_report" and intervals is None)
              if folder is not None and (stem != "interval_report" or intervals is None) else None for stem in FILES}
    if problems:
        raise SettlementError(problems)
    if intervals is None:
        intervals = interval_blocks(tables["interval_report"], problems) if tables["interval_report"] else []
    minutes = {b.activity: b.minutes for b in intervals}
    index = list(index_values)
    if read_index_file and folder is not None and (folder / "index_values.csv").exists():
        try:
            index += load_index_values(folder / "index_values.csv")
        except SettlementError as error:
            problems += error.problems
    forecasts = forecast_series(tables["forecasts"], problems) if tables["forecasts"] else []
    staffing = staffing_blocks(tables["staffing"], minutes, problems) if tables["staffing"] else []
    found_incidents = incidents(tables["incidents"], problems) if tables["incidents"] else []
    kpis = measured_kpis(tables["kpis"])
    successes = successes_of(tables["successes"])
    if problems:
        raise SettlementError(problems)
    return Facts.of(intervals=intervals, forecasts=forecasts, staffing=staffing, incidents=found_incidents,
                    index_values=index, kpis=kpis, successes=successes, references=references)


def measured_kpis(table: Table | None) -> list[MeasuredKpi]:
    """The measured KPIs of a ``kpis`` file (read by :func:`~charte.io.facts_tables.read_table`)."""
    return [MeasuredKpi(str(r["activity"]), str(r["commitment"]), r["value"],
                        int(r["sample"]) if r.get("sample") is not None else None,
                        int(r["agents"]) if r.get("agents") is not None else None) for r in _rows(table)]


def successes_of(table: Table | None) -> list[Successes]:
    """The successes of a ``successes`` file (read by :func:`~charte.io.facts_tables.read_table`)."""
    return [Successes(str(r["activity"]), int(r["count"]), r.get("value_sold") or D("0")) for r in _rows(table)]


def _rows(table: Table | None) -> list[dict[str, Any]]:
    if table is None:
        return []
    return [{name: values[i] for name, values in table.columns.items()} for i in range(len(table))]


def write_settlement_json(settlement: Settlement, path: Path) -> Path:
    """Write the canonical JSON of ``settlement`` (byte-identical for the same inputs), atomically: a crash leaves
    the previous file or the new one, never a truncated settlement."""
    import os

    from charte.io.faults import fault_point

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(settlement.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    fault_point("settlement.before_replace")
    os.replace(tmp, path)
    return path
