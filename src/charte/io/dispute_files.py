"""Files of a dispute: other versions of a month's evidence, submitted as files.

A what-if re-settles the month from the facts its settlement read (built by the same call the
settlement used: :func:`charte.io.settlement_files.settlement_facts`, kept whole in
:class:`charte.disputes.MonthEvidence`) and from versions submitted during the dispute, in the
canonical formats (CSV with a header, or Parquet; :mod:`charte.io.settlement_files`):

* a **forecast** file (the ``forecasts`` format: ``activity, horizon, issued_on, granularity,
  period_start, volume, aht_seconds``; ``period_start`` with its zone) — each (activity,
  horizon, issue) is one version;
* an **interval report** (the ``interval_report`` format) — a corrected version of the
  activities it holds, identified by the file's SHA-256.

Every problem of a file is reported at once (file, line, column, expected, found), as
:class:`~charte.settle.SettlementError`; nothing is read from a file that has one.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from charte.disputes import IntervalReportVersion
from charte.io.facts_tables import read_table
from charte.io.settlement_files import FILES, forecast_series, interval_blocks
from charte.settle import ForecastSeries, Problem, SettlementError


def _table(path: Path, stem: str, name: str, problems: list[Problem]):  # type: ignore[no-untyped-def]
    """Read ``path`` as a ``stem`` file, its format told by ``name``'s extension (the stored copy has none)."""
    suffix = ".parquet" if name.lower().endswith(".parquet") else ".csv"
    with tempfile.TemporaryDirectory() as folder:
        named = Path(folder) / (Path(name).stem + suffix)
        shutil.copyfile(path, named)
        return read_table(named, FILES[stem], problems)


def forecast_versions(path: Path, name: str | None = None) -> list[ForecastSeries]:
    """The forecast versions of a file (module docstring; ``name``: the file's name as given)."""
    problems: list[Problem] = []
    table = _table(path, "forecasts", name or path.name, problems)
    found = forecast_series(table, problems) if table is not None and not problems else []
    if problems:
        raise SettlementError(problems)
    return found


def corrected_reports(path: Path, name: str | None = None, submitted_by: str = "") -> list[IntervalReportVersion]:
    """The interval report of a file as new versions (one per activity), identified by the file's SHA-256."""
    problems: list[Problem] = []
    label = name or path.name
    table = _table(path, "interval_report", label, problems)
    blocks = interval_blocks(table, problems) if table is not None and not problems else []
    if problems:
        raise SettlementError(problems)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return [IntervalReportVersion(digest, block, submitted_by, label) for block in blocks]


__all__ = ["corrected_reports", "forecast_versions"]
