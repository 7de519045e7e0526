"""Additive facts per activity and interval, from contact records or from interval reports.

Intervals are buckets of UTC epoch seconds (``interval_start`` = epoch − epoch mod step).
For zones whose offsets are whole hours and change on the hour (Europe/Paris), this is
exactly the local 15/30/60-minute grid aligned on local midnight, with 46 half-hours on the
spring-forward day and 50 on the fall-back day, the repeated hour's two passes kept apart.
Each fact row carries the zone's UTC offset and the local date of its interval.

Facts are sums and counts only (see :mod:`charte.measure.formulas` for what each means);
ratios are taken after any roll-up.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.common.exceptions
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa

from charte.domain.calendar import check_granularity
from charte.domain.kpi_formulas import abandoned_within
from charte.domain.records import answered_within_column
from charte.measure.formulas import KpiSpec

WRITTEN = ("email", "chat")
SUMS = ("wait_answered_seconds", "wait_abandoned_seconds", "handle_seconds", "talk_seconds", "ivr_seconds",
        "staffed_seconds", "productive_seconds")
#: Minutes started (each contact's time rounded up to the minute), for per-minute prices billed that way.
STARTED_MINUTES = ("handle_started_minutes", "talk_started_minutes")


def written_column(hours: float) -> str:
    return f"written_within_{round(hours * 60)}min"


def count_columns(spec: KpiSpec) -> list[str]:
    return ["offered", "handled", "abandoned", "short_abandoned", "queued",
            *(answered_within_column(t) for t in spec.thresholds),
            *(abandoned_within(t) for t in spec.thresholds), *STARTED_MINUTES, "ivr_contacts", "ivr_only",
            "written_received",
            *(written_column(h) for h in spec.written_within_hours)]


def fact_columns(spec: KpiSpec) -> list[str]:
    """Columns of interval facts, in order, whatever the input."""
    return ["activity", "interval_start", "interval_minutes", "utc_offset_seconds", "local_date",
            *count_columns(spec), *SUMS]


@ibis.udf.scalar.builtin(name="epoch")  # type: ignore[untyped-decorator]
def _duckdb_epoch(ts: dt.Timestamp(timezone="UTC")) -> dt.float64:  # type: ignore[valid-type]
    """DuckDB's own ``epoch(timestamptz)``: exact, and free of the session time zone."""


def epoch_seconds(table: ir.Table, column: str) -> ir.IntegerValue:
    """Seconds since the Unix epoch of a UTC timestamp column, as int64.

    The one engine-specific line of the pipeline: on DuckDB, Ibis's portable ``epoch_seconds()``
    casts through the session time zone (slow, and wrong unless the session is in UTC), so
    DuckDB's ``epoch()`` is called directly; every other engine gets the portable form (Spark
    sessions must be in UTC, see :mod:`charte.measure.engines`).
    """
    try:
        engine = table._find_backend().name
    except ibis.common.exceptions.IbisError:
        engine = None
    if engine == "duckdb":
        return _duckdb_epoch(table[column]).cast("int64")
    return table[column].epoch_seconds().cast("int64")


def _interval_keys(epoch: ir.IntegerValue, minutes: int) -> ir.IntegerValue:
    step = check_granularity(minutes) * 60
    return (epoch - epoch % step).cast("int64")


def _business_seconds(records: ir.Table, spec: KpiSpec, clock: pa.Table) -> ir.Table:
    """``records`` with a ``business_seconds`` column (first response − arrival, opening time only)."""
    cal = ibis.memtable(clock)
    a = epoch_seconds(records, "arrived_at")
    r = epoch_seconds(records, "first_response_at")
    base = records.mutate(_a=a, _am=a // 60, _r=r, _rm=r // 60)
    ca = cal.rename(a_minute="clock_minute", a_before="open_before", a_open="is_open")
    cr = cal.rename(r_minute="clock_minute", r_before="open_before", r_open="is_open")
    joined = base.left_join(ca, base._am == ca.a_minute).left_join(cr, base._rm == cr.r_minute)
    fa = joined.a_before + joined.a_open * (joined._a - joined._am * 60)
    fr = joined.r_before + joined.r_open * (joined._r - joined._rm * 60)
    return joined.mutate(business_seconds=(fr - fa)).drop("_a", "_am", "_r", "_rm", "a_minute", "a_before",
                                                             "a_open", "r_minute", "r_before", "r_open")


def facts_from_records(records: ir.Table, spec: KpiSpec, minutes: int = 30,
                       clock: pa.Table | None = None) -> ir.Table:
    """Interval facts of canonical contact records (stored form: with ``utc_offset_seconds``, ``local_date``).

    ``clock`` is the :func:`~charte.measure.written_response.minute_clock` covering the records,
    needed only when ``spec.written_within_hours`` is set.
    """
    if spec.written_within_hours:
        if clock is None:
            raise ValueError("written_within_hours needs the minute clock of the period (minute_clock)")
        records = _business_seconds(records, spec, clock)
    t = records.mutate(
        interval_start=_interval_keys(epoch_seconds(records, "arrived_at"), minutes),
        _wait=records.wait_seconds.fill_null(0.0),
    )
    answered, abandoned = t.outcome == "answered", t.outcome == "abandoned"
    written = t.channel.isin(WRITTEN)
    metrics: dict[str, Any] = {
        "utc_offset_seconds": t.utc_offset_seconds.max(),
        "local_date": t.local_date.max(),
        "offered": t.count(where=answered | abandoned),
        "handled": t.count(where=answered),
        "abandoned": t.count(where=abandoned),
        "short_abandoned": t.count(where=abandoned & (t._wait < spec.short_abandon_seconds)),
        # offered contacts that waited in queue (answered after a wait, or abandoned)
        "queued": t.count(where=(answered & (t._wait > 0)) | abandoned),
    }
    for threshold in spec.thresholds:
        metrics[answered_within_column(threshold)] = t.count(where=answered & (t._wait <= threshold))
        metrics[abandoned_within(threshold)] = t.count(where=abandoned & (t._wait <= threshold))
    metrics |= {
        "ivr_contacts": t.ivr_seconds.count(),
        "ivr_only": t.count(where=t.outcome == "ivr_only"),
        "written_received": t.count(where=written),
    }
    for hours in spec.written_within_hours:
        within = written & t.first_response_at.notnull() & (t.business_seconds <= hours * 3600)
        metrics[written_column(hours)] = t.count(where=within)
    metrics |= {
        "wait_answered_seconds": t._wait.sum(where=answered).fill_null(0.0).cast("float64"),
        "wait_abandoned_seconds": t._wait.sum(where=abandoned).fill_null(0.0).cast("float64"),
        "handle_seconds": t.handle_seconds.sum(where=answered).fill_null(0.0).cast("float64"),
        "talk_seconds": t.talk_seconds.sum(where=answered).fill_null(0.0).cast("float64"),
        "ivr_seconds": t.ivr_seconds.sum().fill_null(0.0).cast("float64"),
        "handle_started_minutes": (t.handle_seconds.fill_null(0.0) / 60.0).ceil().sum(where=answered)
        .fill_null(0).cast("int64"),
        "talk_started_minutes": (t.talk_seconds.fill_null(0.0) / 60.0).ceil().sum(where=answered)
        .fill_null(0).cast("int64"),
    }
    out = t.group_by(["activity", "interval_start"]).aggregate(**metrics)
    return out.mutate(staffed_seconds=ibis.null("float64"), productive_seconds=ibis.null("float64"),
                      interval_minutes=ibis.literal(minutes, "int64")).select(*fact_columns(spec))


def facts_from_reports(reports: ir.Table, spec: KpiSpec, minutes: int = 30) -> ir.Table:
    """Interval facts of ACD interval reports, re-bucketed to ``minutes`` (15 → 30 → 60, never finer)."""
    missing = [answered_within_column(t) for t in spec.thresholds if answered_within_column(t) not in reports.columns]
    if missing:
        raise ValueError(f"the interval reports have no {', '.join(missing)} column; the contract's thresholds "
                         f"{list(spec.thresholds)} need them (found {', '.join(reports.columns)})")

    t = reports.mutate(interval_start=_interval_keys(epoch_seconds(reports, "interval_start"), minutes))
    metrics: dict[str, Any] = {
        "utc_offset_seconds": t.utc_offset_seconds.max(),
        "local_date": t.local_date.max(),
        "offered": t.offered.sum().cast("int64"),
        "handled": t.handled.sum().cast("int64"),
        "abandoned": t.abandoned.sum().cast("int64"),
    }
    later: dict[str, Any] = {"queued": ibis.null("int64")}  # an interval report does not say who waited
    if "short_abandoned" in t.columns:
        metrics["short_abandoned"] = t.short_abandoned.fill_null(0).sum().cast("int64")
    else:
        later["short_abandoned"] = ibis.literal(0, "int64")
    for threshold in spec.thresholds:
        metrics[answered_within_column(threshold)] = t[answered_within_column(threshold)].sum().cast("int64")
        if abandoned_within(threshold) in t.columns:
            metrics[abandoned_within(threshold)] = t[abandoned_within(threshold)].fill_null(0).sum().cast("int64")
        else:  # reports without it cannot measure abandons after the threshold
            later[abandoned_within(threshold)] = ibis.null("int64")
    later |= {"ivr_contacts": ibis.literal(0, "int64"), "ivr_only": ibis.literal(0, "int64"),
              "written_received": ibis.literal(0, "int64"), "ivr_seconds": ibis.literal(0.0, "float64")}
    for hours in spec.written_within_hours:
        later[written_column(hours)] = ibis.literal(0, "int64")
    source = {"wait_answered_seconds": "wait_seconds_answered", "wait_abandoned_seconds": "wait_seconds_abandoned",
              "handle_seconds": "handle_seconds", "talk_seconds": "talk_seconds", "staffed_seconds": "staffed_seconds",
              "productive_seconds": "productive_seconds"}
    for name in STARTED_MINUTES:  # reports carry them only when exported from contact records
        if name in reports.columns:
            metrics[name] = t[name].fill_null(0).sum().cast("int64")
        else:
            later[name] = ibis.null("int64")
    for name, column in source.items():
        if column in reports.columns:
            metrics[name] = t[column].cast("float64").sum()
        else:
            later[name] = ibis.null("float64")
    out = t.group_by(["activity", "interval_start"]).aggregate(**metrics)
    return out.mutate(interval_minutes=ibis.literal(minutes, "int64"), **later).select(*fact_columns(spec))
