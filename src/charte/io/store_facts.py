"""Interval facts of a month from the import store (``charte import``), for ``charte settle --store``.

For each activity of the contract, the store holds interval reports, contact records, or
neither (both for one activity would count the same contacts twice: an error). Interval
reports are read as they were imported; contact records become interval facts through the
same KPI formulas as ``charte kpi`` (:mod:`charte.measure`), with the answered-within thresholds
and the short-abandon limit of the activity's service commitments. Either way the result is the
canonical interval report (:data:`charte.domain.records.INTERVAL_REPORT`), checked like a facts
file. Contact records carry no agent time: an activity priced per productive hour needs the
ACD's interval report (settlement refuses otherwise, naming the missing column).

The store's partitions are local months of each import's zone; the month before and after are
read too, and settlement cuts the period in Paris time. One organisation's facts are read: when
the store holds an activity for several, ``organisation`` must say which (never added together,
as ``charte kpi``).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from charte.domain.calendar import Month
from charte.domain.contract import Contract
from charte.io.canonical import canonical_kpis
from charte.io.facts_store import committed_files
from charte.io.facts_tables import FileSpec, Table, read_arrow
from charte.settle import Problem

STORE_KINDS = ("interval_report", "contact_record")


def _spec_of(contract: Contract, activity: str, where: str, problems: list[Problem]) -> tuple[tuple[int, ...], float]:
    """Answered-within thresholds and short-abandon limit (seconds) the activity's commitments need."""
    found = {getattr(c, "threshold_seconds", None) for c in contract.commitments_for(activity)}
    thresholds = tuple(sorted(int(t) for t in found if t)) or (20,)
    shorts = {c.short_abandon_seconds for c in contract.commitments_for(activity) if c.short_abandon_seconds}
    if len(shorts) > 1:
        problems.append(Problem("short_abandon_thresholds_differ", where,
                                f"commitments of `{activity}` count short abandons under {sorted(shorts)} seconds; "
                                "expected one limit (an interval report carries one short_abandoned count)"))
    return thresholds, float(next(iter(shorts))) if shorts else 0.0


def store_interval_tables(root: Path, contract: Contract, month: Month, problems: list[Problem], *,
                          organisation: str | None = None, minutes: int = 30, spec: FileSpec) -> list[Table]:
    """The interval reports of the contract's activities for ``month`` (module docstring), checked."""
    if not (root / "imports").is_dir():
        problems.append(Problem("not_a_store", str(root), "no imports/ folder: expected a store written by "
                                "`charte import --store DIR`"))
        return []
    months = [str(month.previous()), str(month), str(month.next())]
    tables = []
    for activity in contract.as_of(month.first_day).activities:
        files = {kind: committed_files(root, kind, organisation=organisation, activity=activity.id, months=months)
                 for kind in STORE_KINDS}
        where = f"{root} ({activity.id})"
        owners = sorted({p.parts[-4].removeprefix("organisation=") for kind in STORE_KINDS for p in files[kind]})
        if len(owners) > 1:
            problems.append(Problem("several_organisations", where,
                                    f"the store holds `{activity.id}` for organisations {', '.join(owners)}; expected "
                                    "one: give --organisation (their facts are never added together)"))
            continue
        if files["interval_report"] and files["contact_record"]:
            problems.append(Problem("records_and_reports", where,
                                    f"the store holds both contact records and interval reports for `{activity.id}`; "
                                    "expected one source (the same contacts would count twice)"))
            continue
        if files["interval_report"]:
            table = pa.concat_tables([pq.read_table(p) for p in files["interval_report"]], promote_options="default")
            label = root / "interval_reports" / activity.id
            tables.append(read_arrow(table, label, spec, problems, table["source_row"].to_numpy()))
        elif files["contact_record"]:
            thresholds, short = _spec_of(contract, activity.id, where, problems)
            table = _from_records(files["contact_record"], thresholds, short, minutes)
            tables.append(read_arrow(table, root / "contact_records" / activity.id, spec, problems))
    return tables


def _from_records(files: list[Path], thresholds: tuple[int, ...], short: float, minutes: int) -> pa.Table:
    """Interval facts of contact records (the formulas of :mod:`charte.measure`), as a canonical interval report."""
    from charte.measure.engines import duckdb_backend, read_facts
    from charte.measure.formulas import KpiSpec
    from charte.measure.kpis import kpis, labelled

    con = duckdb_backend()
    records = read_facts(con, [str(p) for p in files])
    spec = KpiSpec(thresholds=thresholds, short_abandon_seconds=short)
    result = labelled(con.to_pyarrow(kpis(records=records, spec=spec, minutes=minutes, by="interval")), "interval")
    return canonical_kpis(result, minutes)
