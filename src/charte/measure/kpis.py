"""KPIs per interval, day, week or month, from interval facts (formulas in :mod:`charte.measure.formulas`).

Roll-up sums the additive facts over the period, then divides: the month's service level is
(answered within T over the month) ÷ (offered − short abandons over the month). Days and
weeks are local (Europe/Paris by default, the mapping's zone at import); weeks start on
Monday (ISO 8601). ``weekday`` sums every Monday, every Tuesday… of the facts given (ISO
number 1–7), ``hour`` every local hour of day (0–23): the weekly and daily patterns.

Two abandonment rates, each named by its denominator:

* ``abandon_rate`` = abandoned ÷ offered — the charters' and contracts' usual definition;
* ``abandon_rate_queued`` = abandoned ÷ queued (offered contacts that waited: answered after a
  wait, or abandoned) — P(Ab | W > 0), the abandonment rate among delayed callers used in the
  queueing studies of the Anonymous Bank call center (Brown, Gans, Mandelbaum et al. 2005,
  "Statistical analysis of a telephone call center", JASA; Mandelbaum & Zeltyn's Erlang-A
  analyses of the same data). Interval reports do not say who waited: null there.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from charte.domain import kpi_formulas
from charte.measure.formulas import KpiSpec
from charte.measure.interval_facts import SUMS, count_columns, facts_from_records, facts_from_reports, written_column
from charte.measure.written_response import minute_clock

Period = Literal["interval", "day", "week", "month", "weekday", "hour"]
PERIODS: tuple[str, ...] = ("interval", "day", "week", "month", "weekday", "hour")


def rollup(facts: ir.Table, spec: KpiSpec, by: Period) -> ir.Table:
    """Sum facts per activity and period; ``period`` is the interval's epoch start or the local date."""
    sums = {c: facts[c].sum().cast("int64") for c in count_columns(spec)}
    sums |= {c: facts[c].sum().cast("float64") for c in SUMS}
    if by == "interval":
        keys = {"period": facts.interval_start}
        sums |= {"utc_offset_seconds": facts.utc_offset_seconds.max(), "local_date": facts.local_date.max()}
    elif by == "day":
        keys = {"period": facts.local_date}
    elif by == "week":
        keys = {"period": facts.local_date.truncate("W")}
    elif by == "month":
        keys = {"period": facts.local_date.truncate("M")}
    elif by == "weekday":
        keys = {"period": (facts.local_date.day_of_week.index() + 1).cast("int64")}
    elif by == "hour":
        local = facts.interval_start + facts.utc_offset_seconds.cast("int64")
        keys = {"period": ((local % 86_400) // 3_600).cast("int64")}
    else:
        raise ValueError(f"period {by!r}; expected one of {', '.join(PERIODS)}")
    return facts.group_by([facts.activity, *(v.name(k) for k, v in keys.items())]).aggregate(**sums)


def _ratio(num: Any, den: Any) -> Any:
    return (num.cast("float64") / den.cast("float64").nullif(0.0)).cast("float64")


#: Facts of the formula book named differently in the measures' fact table.
FACT_COLUMNS = {"wait_seconds_answered": "wait_answered_seconds", "wait_seconds_abandoned": "wait_abandoned_seconds"}


def compile_formula(t: ir.Table, formula: kpi_formulas.Formula) -> Any:
    """The book's ``formula`` as an Ibis ratio on the fact table ``t`` (null when the denominator is 0)."""
    num, den = formula.apply(lambda fact: t[FACT_COLUMNS.get(fact, fact)])
    return _ratio(num, den)


def with_ratios(t: ir.Table, spec: KpiSpec) -> ir.Table:
    """Service level per threshold, answer and abandonment rates, ASA, AHT, occupancy (formula book), IVR time,
    written share."""
    ratios: dict[str, Any] = {
        f"service_level_{s}s": compile_formula(t, spec.service_level_formula(s)) for s in spec.thresholds
    }
    ratios |= {
        "answer_rate": compile_formula(t, spec.answer_rate_formula()),
        "abandon_rate": compile_formula(t, kpi_formulas.abandonment()),
        "abandon_rate_queued": _ratio(t.abandoned, t.queued),
        "asa_seconds": compile_formula(t, kpi_formulas.asa()),
        "aht_seconds": compile_formula(t, kpi_formulas.aht()),
        "occupancy": compile_formula(t, kpi_formulas.occupancy()),
        "ivr_mean_seconds": _ratio(t.ivr_seconds, t.ivr_contacts),
    }
    for hours in spec.written_within_hours:
        ratios[f"{written_column(hours)}_share"] = _ratio(t[written_column(hours)], t.written_received)
    return t.mutate(**ratios)


def kpis(records: ir.Table | None = None, reports: ir.Table | None = None, *, spec: KpiSpec | None = None,
         minutes: int = 30, by: Period = "interval", clock: pa.Table | None = None) -> ir.Table:
    """The KPI expression: facts from records and/or interval reports, rolled up ``by``, with ratios.

    Give records and reports for *different* activities: the same contacts counted from both
    would count twice.
    """
    spec = spec or KpiSpec()
    parts = []
    if records is not None:
        parts.append(facts_from_records(records, spec, minutes, clock))
    if reports is not None:
        parts.append(facts_from_reports(reports, spec, minutes))
    if not parts:
        raise ValueError("kpis needs contact records, interval reports or both")
    facts = parts[0] if len(parts) == 1 else ibis.union(*parts)
    return with_ratios(rollup(facts, spec, by), spec).order_by(["activity", "period"])


def clock_for(records: ir.Table, spec: KpiSpec) -> pa.Table | None:
    """The minute clock covering the written records' arrival and first response (None if not needed)."""
    if not spec.written_within_hours or spec.opening_hours is None:
        return None
    span = records.aggregate(lo=records.arrived_at.min(), hi=records.first_response_at.max()).to_pyarrow()
    lo, hi = span["lo"][0].as_py(), span["hi"][0].as_py()
    if lo is None:
        return minute_clock(spec.opening_hours, datetime(2000, 1, 1, tzinfo=UTC), datetime(2000, 1, 1, tzinfo=UTC),
                            spec.zone)
    hi = max(hi or lo, lo)
    return minute_clock(spec.opening_hours, _aware(lo), _aware(hi) + timedelta(minutes=1), spec.zone)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def labelled(result: pa.Table, by: Period) -> pa.Table:
    """Executed KPIs with a readable period: local ISO start with offset for intervals, a date otherwise."""
    if by != "interval":
        return result.rename_columns(["activity", by, *result.column_names[2:]])
    starts = result["period"].to_pylist()
    offsets = result["utc_offset_seconds"].to_pylist()
    labels = [
        datetime.fromtimestamp(s, tz=timezone(timedelta(seconds=o))).isoformat(timespec="minutes")
        for s, o in zip(starts, offsets, strict=True)
    ]
    instants = pc.cast(pc.multiply(result["period"], 1_000_000), pa.int64()).cast(pa.timestamp("us", tz="UTC"))
    out = result.drop_columns(["period"])
    out = out.add_column(1, "interval_start_local", pa.array(labels, pa.string()))
    return out.add_column(1, "interval_start", instants)
