"""Files of a settlement: the facts read from a folder, index values from a CSV, the settlement written as JSON.

A facts folder holds the canonical files ``charte demo`` writes (Parquet preferred, CSV read
otherwise): ``interval_report``, ``forecasts`` (activity, horizon, issued_on[, issued_at], granularity,
period_start, volume, aht_seconds; one version per issue), ``staffing`` (activity, interval_start, planned_agents),
``incidents.csv`` (activity, kind, side, start, end[, description][, effect: degraded, closed or
no_contacts]); and optionally
``kpis.csv`` (activity, commitment, value[, sample][, agents]), ``successes.csv`` (activity, count,
value_sold) and ``index_values.csv``. An index CSV has columns ``series,month,value``
(``month`` as YYYY-MM; lines starting with ``#`` are comments).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from charte.domain.calendar import CalendarError, Month
from charte.domain.money import D, MoneyError
from charte.settle import (
    Facts,
    ForecastSeries,
    Incident,
    IndexValue,
    IntervalBlock,
    MeasuredKpi,
    Problem,
    Settlement,
    SettlementError,
    StaffingBlock,
    Successes,
)

ILLUSTRATIVE_SYNTEC = "syntec-illustrative.csv"


def illustrative_syntec_path() -> Path:
    """The illustrative Syntec series shipped with the package (NOT the published index)."""
    return Path(str(resources.files("charte.examples").joinpath(ILLUSTRATIVE_SYNTEC)))


def _read_table(folder: Path, stem: str, *, required: bool) -> pa.Table | None:
    for suffix, reader in ((".parquet", pq.read_table), (".csv", pacsv.read_csv)):
        path = folder / f"{stem}{suffix}"
        if path.exists():
            return reader(path)
    if required:
        raise SettlementError([Problem("missing_file", str(folder / f"{stem}.parquet"),
                                       f"no {stem}.parquet or {stem}.csv in {folder}")])
    return None


def _split(table: pa.Table) -> dict[str, pa.Table]:
    activities = sorted(set(table.column("activity").to_pylist()))
    return {a: table.filter(pc.equal(table.column("activity"), a)) for a in activities}


def _numpy(table: pa.Table, name: str) -> np.ndarray:
    values: np.ndarray = table.column(name).to_numpy(zero_copy_only=False)
    return values


def _instants(table: pa.Table, name: str) -> np.ndarray:
    column = table.column(name)
    if not pa.types.is_timestamp(column.type):
        column = pc.cast(column, pa.timestamp("us", tz="UTC"))
    values: np.ndarray = column.cast(pa.timestamp("s", tz="UTC")).to_numpy(zero_copy_only=False)
    return values.astype("datetime64[s]")


def interval_blocks(table: pa.Table) -> list[IntervalBlock]:
    blocks = []
    for activity, part in _split(table).items():
        columns: dict[str, Any] = {name: _numpy(part, name) for name in part.column_names
                                   if name not in ("activity", "queue", "interval_start")}
        columns["interval_start"] = _instants(part, "interval_start")
        blocks.append(IntervalBlock.build(activity, columns))
    return blocks


def forecast_series(table: pa.Table) -> list[ForecastSeries]:
    """One version per (activity, horizon, granularity, issued_on[, issued_at]); every version is kept."""
    out = []
    has_at = "issued_at" in table.column_names
    at_text = (pc.cast(table.column("issued_at"), pa.string()) if has_at
               else pa.array([""] * table.num_rows, pa.string()))
    keys = sorted({(a, h, str(g), str(i), t or "") for a, h, g, i, t in zip(
        table.column("activity").to_pylist(), table.column("horizon").to_pylist(),
        table.column("granularity").to_pylist(), table.column("issued_on").to_pylist(), at_text.to_pylist(),
        strict=True)})
    for activity, horizon, granularity, issued, at in keys:
        mask = pc.and_(pc.equal(table.column("activity"), activity), pc.equal(table.column("horizon"), horizon))
        mask = pc.and_(mask, pc.equal(pc.cast(table.column("issued_on"), pa.string()), issued))
        if has_at:
            mask = pc.and_(mask, pc.equal(pc.fill_null(at_text, ""), at))
        part = table.filter(mask)
        try:
            issued_at = _instant(at) if at else None
        except ValueError as exc:
            raise SettlementError([Problem("invalid_issued_at", f"forecasts ({activity}, {horizon})",
                                           f"`issued_at` {at!r}: expected an instant with its zone ({exc})")]) from None
        out.append(ForecastSeries.build(activity, horizon, granularity, date.fromisoformat(issued),
                                        _instants(part, "period_start"), _numpy(part, "volume"),
                                        _numpy(part, "aht_seconds"), issued_at=issued_at))
    return out


def staffing_blocks(table: pa.Table, minutes: dict[str, int]) -> list[StaffingBlock]:
    return [StaffingBlock.build(a, minutes.get(a, 30), _instants(part, "interval_start"),
                                _numpy(part, "planned_agents")) for a, part in _split(table).items()]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.lstrip().startswith("#")))


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no zone")
    return moment


def incidents(path: Path) -> list[Incident]:
    return [Incident(r["activity"], _instant(r["start"]), _instant(r["end"]), r["kind"], r.get("side") or "client",
                     r.get("description") or "", r.get("effect") or "degraded") for r in _csv_rows(path)]


def load_index_values(path: Path) -> list[IndexValue]:
    """Index values from a CSV ``series,month,value``; every bad row is reported with its line."""
    values: list[IndexValue] = []
    problems: list[Problem] = []
    for line, row in enumerate(_csv_rows(path), start=2):
        try:
            values.append(IndexValue(row["series"].strip(), Month.parse(row["month"]), D(row["value"])))
        except (KeyError, CalendarError, MoneyError, AttributeError) as exc:
            problems.append(Problem("invalid_index_value", f"{path}:{line}",
                                    f"expected series,month (YYYY-MM),value; {exc}"))
    if problems:
        raise SettlementError(problems)
    return values


def kpis_from_csv(path: Path) -> list[MeasuredKpi]:
    """Measured KPIs from a CSV ``activity,commitment,value[,sample][,agents]``."""
    return [MeasuredKpi(r["activity"], r["commitment"], D(r["value"]), int(r["sample"]) if r.get("sample") else None,
                        int(r["agents"]) if r.get("agents") else None)
            for r in _csv_rows(path)]


def successes_from_csv(path: Path) -> list[Successes]:
    """Successes of commercial activities from a CSV ``activity,count[,value_sold]``."""
    return [Successes(r["activity"], int(r["count"]), D(r.get("value_sold") or "0")) for r in _csv_rows(path)]


def load_facts(folder: Path, *, index_values: Iterable[IndexValue] = ()) -> Facts:
    """The facts in ``folder`` (files in the module docstring), plus ``index_values``."""
    intervals = interval_blocks(_read_table(folder, "interval_report", required=True))
    minutes = {b.activity: b.minutes for b in intervals}
    forecasts_table = _read_table(folder, "forecasts", required=False)
    staffing_table = _read_table(folder, "staffing", required=False)
    index = list(index_values)
    if (folder / "index_values.csv").exists():
        index += load_index_values(folder / "index_values.csv")
    return Facts.of(
        intervals=intervals,
        forecasts=forecast_series(forecasts_table) if forecasts_table is not None else (),
        staffing=staffing_blocks(staffing_table, minutes) if staffing_table is not None else (),
        incidents=incidents(folder / "incidents.csv") if (folder / "incidents.csv").exists() else (),
        index_values=index,
        kpis=kpis_from_csv(folder / "kpis.csv") if (folder / "kpis.csv").exists() else (),
        successes=successes_from_csv(folder / "successes.csv") if (folder / "successes.csv").exists() else (),
    )


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
