"""The facts a month is settled on, typed and validated at the edge.

Interval reports (the canonical :data:`charte.domain.records.INTERVAL_REPORT` schema with its
``answered_within_<T>s`` columns), forecasts by horizon, the provider's staffing plan,
incidents, index values, and the KPIs that interval reports cannot carry (quality score, FCR,
conversion, response times) are the only inputs of :func:`charte.settle.engine.settle`.

Large inputs are columnar (numpy arrays, one block per activity) so a month of 30-minute
intervals for ten activities is read without building a Python object per row. Every block
is sorted on construction: the order rows arrive in changes nothing, and
:meth:`Facts.digest` is the same for the same facts (a replayable settlement hashes it).

Problems a person can act on are collected as :class:`Problem` values and raised together in
one :class:`SettlementError`: a settlement is complete or it is not made.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from charte.domain.calendar import PARIS, Month

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: Columns of an interval block that hold counts (integers) and seconds (floats).
COUNT_COLUMNS = ("offered", "handled", "abandoned", "short_abandoned")
SECONDS_COLUMNS = ("wait_seconds_answered", "wait_seconds_abandoned", "handle_seconds", "staffed_seconds",
                   "productive_seconds", "talk_seconds")
#: Optional counts a per-minute price may need: minutes started, each contact's time rounded up to the minute
#: (measured from contact records, :mod:`charte.measure.interval_facts`).
STARTED_MINUTES = ("handle_started_minutes", "talk_started_minutes")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing that stops a settlement: a stable ``code``, ``where`` it is, and what was expected and found."""

    code: str
    where: str
    message: str

    def format(self) -> str:
        return f"{self.where}: [{self.code}] {self.message}"


class SettlementError(ValueError):
    """The settlement cannot be made; every problem found is listed (never a partial invoice)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.format() for p in self.problems))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)


def _epoch_seconds(values: Any, where: str) -> IntArray:
    """Instants as whole UTC seconds since 1970 (datetimes must carry a zone)."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return values.astype("datetime64[s]").astype(np.int64)
    out = np.empty(len(values), dtype=np.int64)
    for i, value in enumerate(values):
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise SettlementError([Problem("naive_instant", where,
                                           f"row {i + 1}: expected an instant with its zone; found {value!r}")])
        out[i] = int(value.timestamp())
    return out


def instant(epoch_seconds: int) -> datetime:
    return datetime.fromtimestamp(int(epoch_seconds), tz=UTC)


def _check_non_negative(name: str, values: np.ndarray, where: str, problems: list[Problem]) -> None:
    bad = np.flatnonzero(~(values >= 0))
    if bad.size:
        problems.append(Problem("negative_value", where,
                                f"`{name}` is {values[bad[0]]} on row {bad[0] + 1} ({bad.size} rows); "
                                "expected 0 or more"))


def _whole(name: str, values: np.ndarray, where: str, problems: list[Problem]) -> IntArray:
    """Counts as integers; a fractional, NaN or infinite count is a problem, never truncated to a whole number."""
    if values.dtype.kind in "iu":
        return values.astype(np.int64)
    numbers = values.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(numbers) | (numbers != np.floor(numbers)))
    if bad.size:
        problems.append(Problem("not_a_whole_number", where,
                                f"`{name}` is {numbers[bad[0]]} on row {bad[0] + 1} ({bad.size} rows); expected a "
                                "whole number of contacts"))
    return np.where(np.isfinite(numbers), numbers, 0).astype(np.int64)


def _finite(name: str, values: FloatArray, where: str, problems: list[Problem]) -> FloatArray:
    """Seconds as floats; NaN (an empty cell) or infinity is a problem, never read as 0."""
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        problems.append(Problem("missing_value", where,
                                f"`{name}` is {values[bad[0]]} on row {bad[0] + 1} ({bad.size} rows); expected "
                                "seconds, 0 or more (leave the column out when the report does not carry it)"))
    return np.where(np.isfinite(values), values, 0.0)


@dataclass(frozen=True, eq=False)
class IntervalBlock:
    """One activity's interval report over the period, sorted by interval start (UTC epoch seconds)."""

    activity: str
    minutes: int
    start: IntArray
    counts: Mapping[str, IntArray]
    seconds: Mapping[str, FloatArray]
    answered_within: Mapping[int, IntArray]
    abandoned_within: Mapping[int, IntArray] = field(default_factory=dict)
    given: frozenset[str] = frozenset()      # optional columns the report actually carried

    @property
    def missing(self) -> frozenset[str]:
        """Seconds columns the report does not carry (held as zeros; a rule that needs one must refuse)."""
        return frozenset(SECONDS_COLUMNS) - self.given

    def __len__(self) -> int:
        return int(self.start.size)

    def column(self, name: str) -> np.ndarray:
        """A fact by its canonical name: counts, seconds, ``answered_within_<T>s``, ``abandoned_within_<T>s``."""
        if name in self.counts:
            return self.counts[name]
        if name in self.seconds:
            return self.seconds[name]
        for prefix, table in (("answered_within_", self.answered_within), ("abandoned_within_", self.abandoned_within)):
            if name.startswith(prefix) and name.endswith("s") and int(name[len(prefix):-1]) in table:
                return table[int(name[len(prefix):-1])]
        raise KeyError(name)

    def rows(self, keep: np.ndarray) -> IntervalBlock:
        """The same report restricted to the rows of ``keep`` (a mask)."""
        if keep.all():
            return self
        return IntervalBlock(self.activity, self.minutes, self.start[keep],
                             {k: v[keep] for k, v in self.counts.items()},
                             {k: v[keep] for k, v in self.seconds.items()},
                             {k: v[keep] for k, v in self.answered_within.items()},
                             {k: v[keep] for k, v in self.abandoned_within.items()}, self.given)

    def has(self, name: str) -> bool:
        try:
            self.column(name)
        except (KeyError, ValueError):
            return False
        return True

    def total(self, name: str) -> float:
        return float(self.column(name).sum())

    @classmethod
    def build(cls, activity: str, columns: Mapping[str, Any], *, where: str = "interval report") -> IntervalBlock:
        """Validate and sort one activity's columns (names of :data:`INTERVAL_REPORT`, ``answered_within_<T>s``).

        ``interval_start`` takes zoned datetimes or ``datetime64``; ``interval_minutes`` one value or a column.
        """
        where = f"{where} ({activity})"
        problems: list[Problem] = []
        start = _epoch_seconds(columns["interval_start"], where)
        minutes_values = np.unique(np.asarray(columns.get("interval_minutes", 30), dtype=np.int64))
        if minutes_values.size != 1 or int(minutes_values[0]) not in (15, 30, 60):
            problems.append(Problem("interval_minutes", where,
                                    f"expected one interval length of 15, 30 or 60 minutes; found {minutes_values}"))
        order = np.argsort(start, kind="stable")
        start = start[order]
        if start.size and np.any(np.diff(start) == 0):
            dup = start[1:][np.diff(start) == 0][0]
            problems.append(Problem("duplicate_interval", where,
                                    f"interval {instant(dup):%Y-%m-%d %H:%M} UTC appears twice"))
        counts: dict[str, IntArray] = {}
        for name in COUNT_COLUMNS:
            raw = columns.get(name)
            if raw is None and name != "short_abandoned":
                problems.append(Problem("missing_column", where, f"`{name}` is missing; expected a count per interval"))
                continue
            values: IntArray = (np.zeros(start.size, np.int64) if raw is None
                                else _whole(name, np.asarray(raw), where, problems)[order])
            _check_non_negative(name, values, where, problems)
            counts[name] = values
        for name in STARTED_MINUTES:
            if columns.get(name) is not None:
                counts[name] = _whole(name, np.asarray(columns[name]), where, problems)[order]
                _check_non_negative(name, counts[name], where, problems)
        seconds: dict[str, FloatArray] = {}
        for name in SECONDS_COLUMNS:
            raw = columns.get(name)
            secs: FloatArray = (np.zeros(start.size) if raw is None
                                else _finite(name, np.asarray(raw, dtype=np.float64), where, problems)[order])
            _check_non_negative(name, secs, where, problems)
            seconds[name] = secs
        answered: dict[int, IntArray] = {}
        abandoned: dict[int, IntArray] = {}
        for name, raw in columns.items():
            if name.startswith("answered_within_") and name.endswith("s"):
                answered[int(name[len("answered_within_"):-1])] = _whole(name, np.asarray(raw), where, problems)[order]
            elif name.startswith("abandoned_within_") and name.endswith("s"):
                abandoned[int(name[len("abandoned_within_"):-1])] = _whole(name, np.asarray(raw), where,
                                                                           problems)[order]
        if not problems and counts["handled"].size and np.any(counts["handled"] + counts["abandoned"]
                                                              > counts["offered"]):
            i = int(np.flatnonzero(counts["handled"] + counts["abandoned"] > counts["offered"])[0])
            problems.append(Problem("offered_below_outcomes", where,
                                    f"interval {instant(start[i]):%Y-%m-%d %H:%M} UTC: handled + abandoned "
                                    f"({counts['handled'][i] + counts['abandoned'][i]}) exceeds offered "
                                    f"({counts['offered'][i]})"))
        if problems:
            raise SettlementError(problems)
        given = frozenset(name for name in (*SECONDS_COLUMNS, *STARTED_MINUTES) if columns.get(name) is not None)
        return cls(activity, int(minutes_values[0]), start, counts, seconds, answered, abandoned, given)

    def digest(self, h: Any) -> None:
        h.update(f"intervals|{self.activity}|{self.minutes}|".encode())
        h.update(self.start.astype("<i8").tobytes())
        for name in sorted(self.counts):
            h.update(name.encode() + self.counts[name].astype("<i8").tobytes())
        for name in sorted(self.seconds):
            h.update(name.encode() + self.seconds[name].astype("<f8").tobytes())
        for threshold in sorted(self.answered_within):
            h.update(f"aw{threshold}".encode() + self.answered_within[threshold].astype("<i8").tobytes())
        for threshold in sorted(self.abandoned_within):
            h.update(f"bw{threshold}".encode() + self.abandoned_within[threshold].astype("<i8").tobytes())


@dataclass(frozen=True, eq=False)
class ForecastSeries:
    """One issued version of the forecast of one activity at one horizon: volume (exact, in thousandths) and AHT
    per period it forecasts.

    A version is what the client sent at one time: ``issued_on`` (its date) and, when the
    evidence register or the file records it, ``issued_at`` (the submission instant, with its
    zone). Facts keep every version; which one counts for each forecast period is decided
    against the horizon's deadline by :mod:`charte.settle.forecast_versions`.
    """

    activity: str
    horizon: str
    granularity: str
    issued_on: date
    period_start: IntArray
    volume_milli: IntArray
    aht_seconds: FloatArray
    issued_at: datetime | None = None
    source: str = ""

    @property
    def volume(self) -> FloatArray:
        return self.volume_milli / 1000.0

    @property
    def total_volume(self) -> Decimal:
        return Decimal(int(self.volume_milli.sum())) / 1000

    @property
    def issued(self) -> str:
        """When the version was issued, as written: the instant (ISO, UTC) when known, else the date."""
        if self.issued_at is not None:
            return self.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return self.issued_on.isoformat()

    @property
    def issue_day(self) -> date:
        """The Paris calendar day the version was issued on (deadlines are counted in days)."""
        if self.issued_at is not None:
            return self.issued_at.astimezone(PARIS).date()
        return self.issued_on

    @property
    def issue_order(self) -> tuple[int, int]:
        """Sort key of issue time: the instant when known, else the day's first instant (Paris)."""
        if self.issued_at is not None:
            return int(self.issued_at.timestamp()), 1
        midnight = datetime(self.issued_on.year, self.issued_on.month, self.issued_on.day, tzinfo=PARIS)
        return int(midnight.timestamp()), 0

    @property
    def content_sha256(self) -> str:
        """SHA-256 of the version's rows (periods, volumes, AHT): names the version whatever file it came in."""
        h = hashlib.sha256(f"{self.activity}|{self.horizon}|{self.granularity}|".encode())
        h.update(self.period_start.astype("<i8").tobytes() + self.volume_milli.astype("<i8").tobytes())
        h.update(self.aht_seconds.astype("<f8").tobytes())
        return h.hexdigest()

    @classmethod
    def build(cls, activity: str, horizon: str, granularity: str, issued_on: date, period_start: Any,
              volume: Any, aht_seconds: Any, *, issued_at: datetime | None = None, source: str = "") -> ForecastSeries:
        where = f"forecasts ({activity}, {horizon}, issued {issued_at or issued_on})"
        problems: list[Problem] = []
        if issued_at is not None and issued_at.tzinfo is None:
            problems.append(Problem("naive_instant", where,
                                    f"`issued_at` is {issued_at.isoformat()}; expected an instant with its zone"))
        start = _epoch_seconds(period_start, where)
        order = np.argsort(start, kind="stable")
        vol = np.asarray(volume, dtype=np.float64)[order]
        aht = np.asarray(aht_seconds, dtype=np.float64)[order]
        _check_non_negative("volume", vol, where, problems)
        _check_non_negative("aht_seconds", aht, where, problems)
        if start.size and np.any(np.diff(start[order]) == 0):
            dup = start[order][1:][np.diff(start[order]) == 0][0]
            problems.append(Problem("duplicate_forecast", where,
                                    f"period {instant(dup):%Y-%m-%d %H:%M} UTC is forecast twice in one version"))
        if problems:
            raise SettlementError(problems)
        return cls(activity, horizon, granularity, issued_on, start[order], np.rint(vol * 1000).astype(np.int64), aht,
                   issued_at, source)

    def rows(self, keep: np.ndarray) -> ForecastSeries:
        """The same version restricted to the rows of ``keep`` (a mask or indices)."""
        return replace(self, period_start=self.period_start[keep], volume_milli=self.volume_milli[keep],
                       aht_seconds=self.aht_seconds[keep])

    def digest(self, h: Any) -> None:
        h.update(f"forecast|{self.activity}|{self.horizon}|{self.granularity}|{self.issued_on}|{self.issued}|".encode())
        h.update(self.period_start.astype("<i8").tobytes() + self.volume_milli.astype("<i8").tobytes())
        h.update(self.aht_seconds.astype("<f8").tobytes())


@dataclass(frozen=True, eq=False)
class StaffingBlock:
    """The agents the provider planned per interval for the forecast (its schedule), one activity."""

    activity: str
    minutes: int
    start: IntArray
    planned_agents: FloatArray

    @property
    def planned_hours(self) -> Decimal:
        """Σ planned agents × interval length, in hours (exact to the thousandth of an agent)."""
        agent_milli = int(np.rint(self.planned_agents * 1000).astype(np.int64).sum())
        return Decimal(agent_milli) * self.minutes / 60 / 1000

    @classmethod
    def build(cls, activity: str, minutes: int, interval_start: Any, planned_agents: Any) -> StaffingBlock:
        where = f"staffing ({activity})"
        start = _epoch_seconds(interval_start, where)
        order = np.argsort(start, kind="stable")
        agents = np.asarray(planned_agents, dtype=np.float64)[order]
        problems: list[Problem] = []
        _check_non_negative("planned_agents", agents, where, problems)
        if problems:
            raise SettlementError(problems)
        return cls(activity, minutes, start[order], agents)

    def digest(self, h: Any) -> None:
        h.update(f"staffing|{self.activity}|{self.minutes}|".encode())
        h.update(self.start.astype("<i8").tobytes() + self.planned_agents.astype("<f8").tobytes())


#: What an incident did to the activity's data (:class:`Incident` ``effect``).
INCIDENT_EFFECTS = ("degraded", "closed", "no_contacts")


@dataclass(frozen=True, order=True, slots=True)
class Incident:
    """A period when service could not be judged normally: ``side`` client, provider or none (force majeure).

    ``effect`` says what the incident did to the facts: ``degraded`` (service went on, judged
    with the exclusions of the contract), ``closed`` (the activity did not open: strike, site
    evacuation, telephony down — no interval rows are expected), ``no_contacts`` (open, but no
    contact arrived, so the ACD exported no row). A day of opening hours with no interval row is
    a data gap unless a ``closed`` or ``no_contacts`` incident covers its opening hours
    (:mod:`charte.settle.coverage`).
    """

    activity: str
    start: datetime
    end: datetime
    kind: str
    side: str = "client"
    description: str = ""
    effect: str = "degraded"


@dataclass(frozen=True, order=True, slots=True)
class IndexValue:
    """The published value of a monthly index (``series`` e.g. ``syntec``) for ``month``."""

    series: str
    month: Month
    value: Decimal


@dataclass(frozen=True, order=True, slots=True)
class ReferenceStamp:
    """A reference series the facts carry (:mod:`charte.domain.reference`): its version and whether it is real.

    ``version`` is the SHA-256 of the series' content; ``illustrative`` marks made-up values (the
    demo's), which can never reach a numbered invoice.
    """

    series: str
    version: str
    illustrative: bool = False
    last_known: date | None = None
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "illustrative": self.illustrative,
                "last_known": self.last_known.isoformat() if self.last_known else None, "source": self.source}


@dataclass(frozen=True, order=True, slots=True)
class MeasuredKpi:
    """A commitment's result measured outside interval reports (quality score, FCR, conversion, response time).

    ``value`` is a share (0.87 for 87%) or seconds for ASA; ``sample`` how many contacts it rests on;
    ``agents`` how many agents were monitored (a quality score's sample is checked against the
    contract's ``evaluations_per_agent``).
    """

    activity: str
    commitment: str
    value: Decimal
    sample: int | None = None
    agents: int | None = None


@dataclass(frozen=True, order=True, slots=True)
class Successes:
    """Successes of a commercial activity (sales, appointments) and the value sold, for a success fee."""

    activity: str
    count: int
    value_sold: Decimal = Decimal(0)


@dataclass(frozen=True, eq=False)
class Facts:
    """Everything a month is settled on besides the contract (see the module docstring)."""

    intervals: tuple[IntervalBlock, ...] = ()
    forecasts: tuple[ForecastSeries, ...] = ()
    staffing: tuple[StaffingBlock, ...] = ()
    incidents: tuple[Incident, ...] = ()
    index_values: tuple[IndexValue, ...] = ()
    kpis: tuple[MeasuredKpi, ...] = ()
    successes: tuple[Successes, ...] = ()
    _digest: list[str] = field(default_factory=list, repr=False)
    references: tuple[ReferenceStamp, ...] = ()

    @classmethod
    def of(cls, *, intervals: Iterable[IntervalBlock] = (), forecasts: Iterable[ForecastSeries] = (),
           staffing: Iterable[StaffingBlock] = (), incidents: Iterable[Incident] = (),
           index_values: Iterable[IndexValue] = (), kpis: Iterable[MeasuredKpi] = (),
           successes: Iterable[Successes] = (), references: Iterable[ReferenceStamp] = ()) -> Facts:
        """Facts in a canonical order (the order rows or blocks are given in changes nothing)."""
        blocks = sorted(intervals, key=lambda b: b.activity)
        problems = [Problem("duplicate_activity_block", f"interval report ({b.activity})",
                            "the activity's intervals are given in two blocks; expected one")
                    for a, b in itertools.pairwise(blocks) if a.activity == b.activity]
        series = sorted(forecasts, key=lambda f: (f.activity, f.horizon, f.issue_order, f.content_sha256))
        index = sorted(index_values)
        problems += [Problem("duplicate_index_value", f"index {b.series} {b.month}",
                             f"two values ({a.value} and {b.value}); expected one")
                     for a, b in itertools.pairwise(index) if (a.series, a.month) == (b.series, b.month)]
        if problems:
            raise SettlementError(problems)
        return cls(tuple(blocks), tuple(series), tuple(sorted(staffing, key=lambda s: s.activity)),
                   tuple(sorted(incidents)), tuple(index), tuple(sorted(kpis)),
                   tuple(sorted(successes)), references=tuple(sorted(set(references))))

    def intervals_of(self, activity: str) -> IntervalBlock | None:
        return next((b for b in self.intervals if b.activity == activity), None)

    def forecast(self, activity: str, horizon: str) -> ForecastSeries | None:
        """The forecast of ``activity`` at ``horizon`` when the facts hold one version (a settled month's facts,
        after :func:`charte.settle.forecast_versions.select_forecasts`); else the latest issued."""
        found = [f for f in self.forecasts if f.activity == activity and f.horizon == horizon]
        return found[-1] if found else None

    def forecast_versions(self, activity: str, horizon: str) -> list[ForecastSeries]:
        """Every issued version of ``activity``'s forecast at ``horizon``, in order of issue."""
        return [f for f in self.forecasts if f.activity == activity and f.horizon == horizon]

    def staffing_of(self, activity: str) -> StaffingBlock | None:
        return next((s for s in self.staffing if s.activity == activity), None)

    def index_value(self, series: str, month: Month) -> Decimal | None:
        return next((v.value for v in self.index_values if v.series == series and v.month == month), None)

    def kpi(self, activity: str, commitment: str) -> MeasuredKpi | None:
        return next((k for k in self.kpis if k.activity == activity and k.commitment == commitment), None)

    def successes_of(self, activity: str) -> Successes | None:
        return next((s for s in self.successes if s.activity == activity), None)

    def activities(self) -> set[str]:
        """Every activity any fact names."""
        named = {b.activity for b in self.intervals} | {f.activity for f in self.forecasts}
        named |= {s.activity for s in self.staffing} | {i.activity for i in self.incidents}
        return named | {k.activity for k in self.kpis} | {s.activity for s in self.successes}

    def digest(self) -> str:
        """SHA-256 of the facts in canonical order (cached)."""
        if not self._digest:
            h = hashlib.sha256()
            for block in self.intervals:
                block.digest(h)
            for series in self.forecasts:
                series.digest(h)
            for staffing in self.staffing:
                staffing.digest(h)
            for row in (*self.incidents, *self.index_values, *self.kpis, *self.successes):
                h.update(repr(row).encode())
            for stamp in self.references:
                h.update(f"reference|{stamp.series}|{stamp.version}|{stamp.illustrative}".encode())
            self._digest.append(h.hexdigest())
        return self._digest[0]


def interval_block(activity: str, rows: Sequence[Mapping[str, Any]]) -> IntervalBlock:
    """An :class:`IntervalBlock` from rows (dicts of column → value), for tests and small inputs."""
    names = {name for row in rows for name in row}
    return IntervalBlock.build(activity, {name: [row.get(name, 0) for row in rows] for name in names})
