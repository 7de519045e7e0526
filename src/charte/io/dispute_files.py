"""Files of a dispute: the evidence of a settled month read from its facts folder, and versions submitted as files.

The evidence (:class:`charte.disputes.MonthEvidence`) is read by
:func:`charte.io.settlement_files.load_facts` itself (so its digest is the settlement's
``inputs_sha256`` when nothing changed), with every forecast issue kept apart: a what-if may
use another issue of a horizon.

Other versions come as files in the canonical formats (CSV with a header, or Parquet):

* a **forecast** file (``activity, horizon, issued_on, granularity, period_start, volume,
  aht_seconds``; ``period_start`` with its zone, e.g. ``2026-10-13T06:00:00Z``) — each
  (activity, horizon, issued_on) is one version;
* an **interval report** (the ``interval_report`` schema of ``charte demo``) — a corrected
  version of an activity's report, identified by the file's SHA-256.

An unreadable file gives one problem naming the file and what was expected; nothing is read
from it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from charte.disputes import IntervalReportVersion, MonthEvidence
from charte.domain.calendar import Month
from charte.domain.contract import Contract
from charte.io.settlement_files import _read_table, forecast_series, interval_blocks, load_facts
from charte.settle import ForecastSeries, IndexValue, Problem, SettlementError

FORECAST_COLUMNS = ("activity", "horizon", "issued_on", "granularity", "period_start", "volume", "aht_seconds")
INTERVAL_COLUMNS = ("activity", "interval_start", "offered", "handled", "abandoned")


def load_evidence(contract: Contract, period: Month, folder: Path, *, index_values: Iterable[IndexValue] = (),
                  other_forecasts: Sequence[ForecastSeries] = (),
                  corrected_reports: Sequence[IntervalReportVersion] = ()) -> MonthEvidence:
    """The month's evidence from a facts folder, read by :func:`load_facts` itself, forecast issues kept apart."""
    facts = load_facts(folder, index_values=index_values)
    table = _read_table(folder, "forecasts", required=False)
    issues = tuple(forecast_series(table)) if table is not None else ()
    return MonthEvidence(contract, period, facts.intervals, issues, facts.staffing, facts.incidents, facts.index_values,
                    facts.kpis, facts.successes, tuple(other_forecasts), tuple(corrected_reports))


def _table(path: Path, expected: Sequence[str], name: str) -> pa.Table:
    try:
        table = pq.read_table(path) if name.lower().endswith(".parquet") else pacsv.read_csv(path)
    except (pa.ArrowException, OSError) as error:
        raise SettlementError([Problem("unreadable_evidence", name,
                                       f"expected a CSV with a header line or a Parquet file; {error}")]) from None
    missing = [c for c in expected if c not in table.column_names]
    if missing:
        raise SettlementError([Problem("missing_column", name,
                                       f"columns {', '.join(missing)} are missing; expected {', '.join(expected)}")])
    return table


def forecast_versions(path: Path, name: str | None = None) -> list[ForecastSeries]:
    """The forecast issues of a file (module docstring; ``name``: the file's name as given, CSV unless it ends
    in ``.parquet``); problems as one :class:`SettlementError`."""
    name = name or path.name
    table = _table(path, FORECAST_COLUMNS, name)
    try:
        return forecast_series(table)
    except (pa.ArrowException, ValueError, TypeError) as error:
        if isinstance(error, SettlementError):
            raise
        raise SettlementError([Problem("unreadable_evidence", name, f"{type(error).__name__}: {error}")]) \
            from None


def corrected_reports(path: Path, name: str | None = None, submitted_by: str = "") -> list[IntervalReportVersion]:
    """The interval report of a file as new versions (one per activity), identified by the file's SHA-256."""
    name = name or path.name
    table = _table(path, INTERVAL_COLUMNS, name)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        blocks = interval_blocks(table)
    except (pa.ArrowException, ValueError, TypeError, KeyError) as error:
        if isinstance(error, SettlementError):
            raise
        raise SettlementError([Problem("unreadable_evidence", name, f"{type(error).__name__}: {error}")]) \
            from None
    return [IntervalReportVersion(digest, block, submitted_by, name) for block in blocks]


__all__ = ["FORECAST_COLUMNS", "INTERVAL_COLUMNS", "corrected_reports", "forecast_versions", "load_evidence"]
