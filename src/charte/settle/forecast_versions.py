"""Axis 1 of the SP2C charter (2019): which issued forecast counts, for each period of the settled month.

The client commits to forecasts at stated horizons (``forecasts.horizons``), each due a span
ahead of the period it forecasts (:class:`charte.domain.contract.Horizon`). Facts may carry
several issued versions of a horizon (a W−1 each week, a corrected M−1); the evidence register
records when each was submitted. For one activity and one horizon:

1. **Cut by the period forecast.** A row belongs to the settled month when the period it
   forecasts starts on a (Paris) day of that month: a month row for October is October's,
   never November's; a file holding only September's forecast has nothing for October.
2. **Rows as written.** A version's granularity must be its horizon's
   (``forecast_granularity_mismatch``) and each row must start its period — local midnight
   of a day, a Monday, the 1st of a month, 1 January, a multiple of the interval
   (``misaligned_forecast_period``).
3. **Deadline.** A row's deadline is the day ``issued_before`` ahead of the first day of the
   period one issue covers (``issue_period``, else the row's own period, an interval's day).
   A version is on time for the row when issued on or before that day (Paris, until 24:00).
4. **Choice.** For each period, of the versions on time, the **latest issued** wins (issue
   instant; a version known only by its date counts from that day's first instant). Versions
   issued after the deadline never count: they are listed with a note. Two versions issued
   at the same time that disagree on a period are an error (``conflicting_forecast_versions``).
5. **Committed horizons.** The band's horizon, the minimum billing's, the interval band's and
   the fair-evaluation planning horizon must be there for every activity: no on-time row for
   the month is ``missing_forecast`` (naming the late versions, if any); an opening day of the
   activity without a row is ``incomplete_forecast`` (each day named).

The result states, per horizon, which version supplied the month (issue time, content
SHA-256, how many periods) and which were superseded or late, and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from charte.domain.calendar import Month
from charte.domain.contract import CalendarSpanValue, Contract
from charte.domain.contract.settlement_rules import INTERVAL_METRICS, staffing_horizon
from charte.settle.facts import Facts, ForecastSeries, Problem, instant
from charte.settle.period import (
    at_local_midnight,
    day_number,
    day_of,
    in_month,
    local_day_numbers,
    open_days,
    period_first_days,
)


@dataclass(frozen=True)
class VersionUse:
    """One issued version of a horizon's forecast and what became of it for the settled month."""

    activity: str
    horizon: str
    issued: str
    content_sha256: str
    status: str            # used | superseded | late | partly_late | outside_period
    periods_in_month: int
    periods_used: int
    first_deadline: str | None
    last_deadline: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def committed_horizons(contract: Contract) -> dict[str, str]:
    """Horizons the settlement rests on, each with why (a missing one is an error)."""
    clause = contract.forecasts
    if clause is None:
        return {}
    needed = {clause.reference_horizon.name: "the band is checked against it"}
    if clause.minimum_billing is not None:
        name = clause.minimum_billing.horizon or clause.reference_horizon.name
        needed.setdefault(name, "the minimum billing is computed on it")
    for name, why in extra_committed_horizons(contract):
        needed.setdefault(name, why)
    return needed


def extra_committed_horizons(contract: Contract) -> Iterable[tuple[str, str]]:
    """Horizons other clauses rest on: the interval band's, and the one fair evaluation sizes the staffing on."""
    clause = contract.forecasts
    if clause is None:
        return ()
    out = []
    if clause.interval_band is not None:
        out.append((clause.interval_band.horizon, "the interval band is checked against it"))
    fair = any(c.evaluation.value == "fair" and c.metric in INTERVAL_METRICS for c in contract.service_commitments)
    horizon = staffing_horizon(clause)
    if fair and horizon is not None:
        out.append((horizon.name, "fair evaluation sizes the staffing on it"))
    return out


def _row_problems(contract: Contract, version: ForecastSeries, problems: list[Problem]) -> bool:
    """Granularity and alignment of a version's rows; ``False`` when the version cannot be used."""
    assert contract.forecasts is not None
    where = f"forecasts ({version.activity}, {version.horizon}, issued {version.issued})"
    horizon = contract.forecasts.horizon(version.horizon)
    if version.granularity != horizon.granularity:
        problems.append(Problem("forecast_granularity_mismatch", where,
                                f"the version forecasts per {version.granularity}; horizon {horizon.name} is written "
                                f"per {horizon.granularity} in the contract"))
        return False
    start = version.period_start
    if start.size == 0:
        return True
    g = version.granularity
    if g.endswith("min"):
        bad = start % (int(g[:-3]) * 60) != 0
    else:
        days = local_day_numbers(start)
        bad = ~at_local_midnight(start) | (period_first_days(days, g) != days)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        problems.append(Problem("misaligned_forecast_period", where,
                                f"row {first + 1} starts at {instant(start[first]):%Y-%m-%d %H:%M} UTC, which is not "
                                f"the start of a {g} (Paris time); expected each row at the first instant of the "
                                f"period it forecasts ({int(bad.sum())} rows)"))
        return False
    return True


@lru_cache(maxsize=4096)
def _deadline_day(first: int, span: CalendarSpanValue) -> int:
    return day_number(span.before(day_of(first)))


def _deadlines(contract: Contract, version: ForecastSeries, days: np.ndarray) -> np.ndarray:
    """Deadline day (days since 1970) of each row (rule 3 of the module docstring)."""
    assert contract.forecasts is not None
    horizon = contract.forecasts.horizon(version.horizon)
    firsts = period_first_days(days, horizon.issue_period or version.granularity)
    unique, inverse = np.unique(firsts, return_inverse=True)
    per_first = np.fromiter((_deadline_day(int(f), horizon.issued_before) for f in unique), np.int64, unique.size)
    result: np.ndarray = per_first[inverse]
    return result


@dataclass
class _Candidate:
    version: ForecastSeries
    rows: np.ndarray       # indices of the version's rows in the month
    deadline: np.ndarray   # per row
    on_time: np.ndarray    # per row


def _candidates(contract: Contract, period: Month, versions: list[ForecastSeries],
                problems: list[Problem]) -> list[_Candidate]:
    out = []
    for version in versions:
        if not _row_problems(contract, version, problems):
            continue
        rows = np.flatnonzero(in_month(version.period_start, period))
        days = local_day_numbers(version.period_start[rows])
        deadline = _deadlines(contract, version, days)
        out.append(_Candidate(version, rows, deadline, day_number(version.issue_day) <= deadline))
    return out


def _choose(candidates: list[_Candidate], problems: list[Problem]) -> tuple[ForecastSeries | None, list[int]]:
    """The month's effective series (latest on-time version per period) and rows used per candidate."""
    used = [0] * len(candidates)
    if len(candidates) == 1:  # one version: its rows on time, as issued
        only = candidates[0]
        pick = only.rows[only.on_time]
        used[0] = int(pick.size)
        return (only.version.rows(pick) if pick.size else None), used
    keys, volumes, ahts, ranks, owners = [], [], [], [], []
    for i, c in enumerate(candidates):
        pick = c.rows[c.on_time]
        keys.append(c.version.period_start[pick])
        volumes.append(c.version.volume_milli[pick])
        ahts.append(c.version.aht_seconds[pick])
        ranks.append(np.full(pick.size, c.version.issue_order[0] * 2 + c.version.issue_order[1], np.int64))
        owners.append(np.full(pick.size, i, np.int64))
    if not candidates or not sum(k.size for k in keys):
        return None, used
    key, vol, aht = np.concatenate(keys), np.concatenate(volumes), np.concatenate(ahts)
    rank, owner = np.concatenate(ranks), np.concatenate(owners)
    order = np.lexsort((-rank, key))
    first = np.ones(order.size, dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    pick = order[first]
    tie = ~first & (rank[order] == np.roll(rank[order], 1))
    for j in np.flatnonzero(tie):
        a, b = order[j - 1], order[j]
        if vol[a] != vol[b] or aht[a] != aht[b]:
            va = candidates[owner[a]].version
            problems.append(Problem("conflicting_forecast_versions", f"forecasts ({va.activity}, {va.horizon})",
                                    f"two versions issued at the same time ({va.issued}) disagree on the period "
                                    f"{instant(key[a]):%Y-%m-%d %H:%M} UTC ({vol[a] / 1000} vs {vol[b] / 1000}); "
                                    "expected one version per issue time"))
            break
    for i in owner[pick].tolist():
        used[i] += 1
    base = candidates[int(owner[pick][np.argmax(rank[pick])])].version
    chosen = ForecastSeries(base.activity, base.horizon, base.granularity, base.issued_on, key[pick], vol[pick],
                            aht[pick], base.issued_at, "selected")
    return chosen, used


def _uses(candidates: list[_Candidate], used: list[int]) -> list[VersionUse]:
    out = []
    for c, n in zip(candidates, used, strict=True):
        v = c.version
        total = int(c.rows.size)
        late = int((~c.on_time).sum())
        first = day_of(int(c.deadline.min())).isoformat() if total else None
        last = day_of(int(c.deadline.max())).isoformat() if total else None
        if total == 0:
            status, reason = "outside_period", "forecasts no period of the settled month"
        elif late == total:
            status, reason = "late", f"issued {v.issue_day.isoformat()}, after its deadline ({first}" + (
                f" to {last}" if last != first else "") + "): never counts"
        elif n:
            status = "used" if not late else "partly_late"
            reason = (f"latest version issued by the deadline for {n} of its {total} periods"
                      + (f"; {late} periods issued after their deadline" if late else ""))
        else:
            status, reason = "superseded", "on time, but a later version issued by the deadline replaces it"
        out.append(VersionUse(v.activity, v.horizon, v.issued, v.content_sha256, status, total, n, first, last, reason))
    return out


def _coverage(contract: Contract, period: Month, activity: str, horizon: str, chosen: ForecastSeries | None,
              candidates: list[_Candidate], why: str, problems: list[Problem]) -> None:
    where = f"forecasts ({activity}, {horizon})"
    late = [c.version.issued for c in candidates if c.rows.size and (~c.on_time).any()]
    if chosen is None or chosen.volume_milli.size == 0:
        tail = (f"; version(s) issued {', '.join(late)} came after the deadline and do not count" if late
                else "; the facts hold none for this month")
        problems.append(Problem("missing_forecast", where,
                                f"no {horizon} forecast of `{activity}` issued by its deadline for {period} ({why})"
                                + tail))
        return
    g = chosen.granularity
    if g in ("month", "year", "week"):
        return
    have = set(local_day_numbers(chosen.period_start).tolist())
    missing = [d for d in open_days(contract, contract.activity(activity), period) if day_number(d) not in have]
    if missing:
        problems.append(Problem("incomplete_forecast", where,
                                f"the {horizon} forecast of `{activity}` has no row for {len(missing)} opening day(s) "
                                f"of {period}: {', '.join(d.isoformat() for d in missing[:10])}"
                                + (" …" if len(missing) > 10 else "")
                                + (f" (version(s) issued {', '.join(late)} came after the deadline)" if late else "")
                                + f"; {why}"))


def select_forecasts(contract: Contract, period: Month, facts: Facts,
                     problems: list[Problem]) -> tuple[list[ForecastSeries], list[VersionUse]]:
    """The month's forecast per activity and horizon (rules in the module docstring) and every version's fate."""
    clause = contract.forecasts
    if clause is None:
        return [], []
    known_horizons = {h.name for h in clause.horizons}
    committed = committed_horizons(contract)
    activities = {a.id for a in contract.activities}
    chosen_all: list[ForecastSeries] = []
    uses: list[VersionUse] = []
    pairs = {(f.activity, f.horizon) for f in facts.forecasts if f.activity in activities}
    pairs |= {(a, h) for a in activities for h in committed}
    for activity, horizon in sorted(pairs):
        if horizon not in known_horizons:
            problems.append(Problem("unknown_horizon", f"forecasts ({activity}, {horizon})",
                                    f"horizon `{horizon}` is not among the contract's horizons "
                                    f"({', '.join(h.name for h in clause.horizons)})"))
            continue
        candidates = _candidates(contract, period, facts.forecast_versions(activity, horizon), problems)
        chosen, used = _choose(candidates, problems)
        uses += _uses(candidates, used)
        if horizon in committed:
            _coverage(contract, period, activity, horizon, chosen, candidates, committed[horizon], problems)
        if chosen is not None:
            chosen_all.append(chosen)
    return chosen_all, uses
