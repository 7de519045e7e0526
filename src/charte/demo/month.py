"""A realistic month of inbound voice facts for one activity, deterministic from a seed.

What is generated, and how (each assumption is a field of :class:`Assumptions`):

- **Arrivals**: a Poisson process whose rate is piecewise constant per five-minute slot. The
  shape is the real intraday and weekday shape of a bank's call center
  (:mod:`charte.demo.arrival_profile`) laid over the activity's opening hours; each day's
  level varies (gamma, ``day_level_cv``), Saturdays run at ``saturday_level`` of a mean
  weekday, and one day carries an unannounced client mailing (``surge_factor``).
- **Handle times**: log-normal with mean ``aht_seconds`` and coefficient of variation
  ``handle_cv`` (Brown et al. 2005 found log-normal service times), split into talk, hold
  and after-call work that add up exactly.
- **Impatient callers**: exponential patience with mean ``mean_patience_seconds``.
- **Agents**: the provider staffs each 30-minute interval to the client's week-ahead
  forecast (Erlang A, the contract's service-level target), then absenteeism removes a
  binomial share of the planned agents.
- **Waits, answers and abandons** come from simulating the FCFS queue with those agents
  (:func:`charte.workforce.simulate_queue`), never drawn independently.
- **Forecasts**: the client's month-ahead (per day) and week-ahead (per interval)
  forecasts, with log-normal errors and a month-ahead bias; neither knows of the mailing.
- **Incidents**: one client-side outage (the client's CRM down) that slows calls and
  brings repeat calls, declared as an incident so settlement can exclude it.

Randomness comes only from ``numpy.random.Generator(PCG64(seed))``; the same seed gives the
same month, byte for byte.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from charte.demo.arrival_profile import SLOT_MINUTES, WeeklyProfile, embedded
from charte.domain.calendar import PARIS, Interval, Month, local_midnight
from charte.domain.opening_hours import OpeningHours
from charte.domain.records import Channel, Outcome, answered_within_column
from charte.io.canonical import contact_records_table, interval_report_table
from charte.workforce import QueueOutcome, required_agents, simulate_queue

INTERVAL_MINUTES = 30
INTERVAL_SECONDS = INTERVAL_MINUTES * 60
SLOT_SECONDS = SLOT_MINUTES * 60


@dataclass(frozen=True)
class Assumptions:
    """The demo's stated assumptions. They are realistic settings, not charter figures."""

    monthly_calls: int = 42_000
    aht_seconds: float = 300.0
    handle_cv: float = 1.0
    mean_patience_seconds: float = 200.0
    ivr_median_seconds: float = 35.0
    saturday_level: float = 0.40
    day_level_cv: float = 0.04
    m1_bias: float = -0.02
    m1_sigma: float = 0.04
    w1_day_sigma: float = 0.03
    w1_interval_sigma: float = 0.06
    forecast_aht_error: float = -0.02
    absenteeism: float = 0.03
    aux_share: float = 0.10
    wrap_share: float = 0.12
    hold_probability: float = 0.2
    surge_open_weekday: int = 9
    surge_factor: float = 1.30
    outage_open_weekday: int = 15
    outage_start: str = "14:00"
    outage_minutes: int = 90
    outage_arrival_factor: float = 1.40
    outage_handle_factor: float = 1.50
    staffing_factor: float = 1.0


@dataclass(frozen=True)
class ServiceTarget:
    """The service-level clause the provider staffs to (from the contract)."""

    target: float = 0.80
    threshold_seconds: int = 20
    short_abandon_seconds: int = 5


@dataclass(frozen=True)
class Incident:
    activity: str
    kind: str
    side: str
    start: datetime
    end: datetime
    description: str


@dataclass(frozen=True)
class DemoMonth:
    """Everything generated for one activity and one month."""

    activity: str
    month: Month
    seed: int
    assumptions: Assumptions
    target: ServiceTarget
    records: pa.Table
    interval_report: pa.Table
    forecasts: pa.Table
    staffing: pa.Table
    incidents: tuple[Incident, ...]
    expected_calls: np.ndarray = field(repr=False)  # true Poisson mean per 30-min interval
    interval_starts: np.ndarray = field(repr=False)  # seconds from month start (UTC), per interval
    origin: datetime = field(default=datetime(1970, 1, 1, tzinfo=UTC))

    def summary(self) -> dict[str, float]:
        rep = self.interval_report
        offered = int(np.sum(rep["offered"].to_numpy()))
        handled = int(np.sum(rep["handled"].to_numpy()))
        short = int(np.sum(rep["short_abandoned"].to_numpy()))
        within = int(np.sum(rep[answered_within_column(self.target.threshold_seconds)].to_numpy()))
        return {
            "offered": offered,
            "handled": handled,
            "abandoned": offered - handled,
            "service_level": within / max(offered - short, 1),
            "answer_rate": handled / max(offered, 1),
            "asa_seconds": float(np.sum(rep["wait_seconds_answered"].to_numpy())) / max(handled, 1),
            "aht_seconds": float(np.sum(rep["handle_seconds"].to_numpy())) / max(handled, 1),
            "productive_hours": float(np.sum(rep["productive_seconds"].to_numpy())) / 3600,
        }


def _open_weekday(days: list[date], hours: OpeningHours, n: int) -> date:
    weekdays = [d for d in days if d.weekday() < 5 and hours.is_open_on(d)]
    return weekdays[min(n, len(weekdays)) - 1]


def _slots(month: Month, hours: OpeningHours, tz: ZoneInfo) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Open five-minute slots: start (s from origin), local date ordinal, local minute of day."""
    origin = local_midnight(month.first_day, tz).astimezone(UTC)
    starts, days, minutes = [], [], []
    step = timedelta(minutes=SLOT_MINUTES)
    for day in month.days():
        for a, b in hours.real_spans(day, tz):
            t = a
            while t + step <= b:
                local = t.astimezone(tz)
                starts.append((t - origin).total_seconds())
                days.append(day.toordinal())
                minutes.append(local.hour * 60 + local.minute)
                t += step
    return np.array(starts), np.array(days, dtype=np.int64), np.array(minutes, dtype=np.int64)


def _expected_per_slot(
    profile: WeeklyProfile, a: Assumptions, rng: np.random.Generator, slot_day: np.ndarray, slot_minute: np.ndarray,
) -> tuple[np.ndarray, dict[int, float], dict[int, float]]:
    """Poisson mean per open slot; also each day's planned level (what forecasts know) and true level."""
    open_days = sorted(set(slot_day.tolist()))
    weights = {}
    for ordinal in open_days:
        wd = date.fromordinal(ordinal).weekday()
        # weekdays at the source's weekday level; Saturdays (and, half as busy, Sundays) at a stated level
        weights[ordinal] = profile.level[wd] if wd < 5 else a.saturday_level if wd == 5 else a.saturday_level / 2
    scale = a.monthly_calls / sum(weights.values())
    planned = {d: w * scale for d, w in weights.items()}
    shape = 1.0 / a.day_level_cv**2
    true = {d: v * rng.gamma(shape, 1.0 / shape) for d, v in planned.items()}
    lam = np.zeros(len(slot_day))
    for ordinal in open_days:
        mask = slot_day == ordinal
        wd = date.fromordinal(ordinal).weekday()
        profile_day = wd if wd < 5 else 4  # weekends take Friday's shape (no weekend in the source)
        idx = np.clip((slot_minute[mask] - 7 * 60) // SLOT_MINUTES, 0, profile.intraday.shape[1] - 1)
        shares = profile.intraday[profile_day][idx]
        lam[mask] = true[ordinal] * shares / shares.sum()
    return lam, planned, true


def generate_month(
    activity: str,
    hours: OpeningHours,
    month: Month,
    *,
    seed: int = 2026,
    assumptions: Assumptions | None = None,
    target: ServiceTarget | None = None,
    tz: ZoneInfo = PARIS,
    profile: WeeklyProfile | None = None,
) -> DemoMonth:
    """Generate one month of inbound voice contacts for ``activity`` (see the module docstring)."""
    a = assumptions or Assumptions()
    tgt = target or ServiceTarget()
    prof = profile or embedded()
    rng = np.random.Generator(np.random.PCG64(seed))
    origin = local_midnight(month.first_day, tz).astimezone(UTC)
    days = month.days()

    slot_start, slot_day, slot_minute = _slots(month, hours, tz)
    lam, planned_day, true_day = _expected_per_slot(prof, a, rng, slot_day, slot_minute)

    surge_day = _open_weekday(days, hours, a.surge_open_weekday)
    outage_day = _open_weekday(days, hours, a.outage_open_weekday)
    h, m = (int(x) for x in a.outage_start.split(":"))
    outage_start = datetime(outage_day.year, outage_day.month, outage_day.day, h, m, tzinfo=tz).astimezone(UTC)
    outage_end = outage_start + timedelta(minutes=a.outage_minutes)
    o0, o1 = (outage_start - origin).total_seconds(), (outage_end - origin).total_seconds()
    lam_forecastable = lam.copy()
    lam[slot_day == surge_day.toordinal()] *= a.surge_factor
    in_outage_slot = (slot_start >= o0) & (slot_start < o1)
    lam[in_outage_slot] *= a.outage_arrival_factor

    # Intervals of the whole month (closed ones included: 0 agents).
    intervals = month.intervals(INTERVAL_MINUTES, tz)
    iv_start = np.array([(iv.start - origin).total_seconds() for iv in intervals])
    slot_iv = np.searchsorted(iv_start, slot_start, side="right") - 1
    expected_iv = np.bincount(slot_iv, weights=lam, minlength=len(intervals))
    forecastable_iv = np.bincount(slot_iv, weights=lam_forecastable, minlength=len(intervals))

    # The client's forecasts: M-1 per day (biased), W-1 per interval; neither knows the mailing.
    forecasts, w1_calls = _forecasts(activity, month, intervals, slot_iv, slot_day, forecastable_iv, planned_day,
                                     true_day, a, rng, tz)
    forecast_aht = a.aht_seconds * (1 + a.forecast_aht_error)

    # The provider staffs to the week-ahead forecast; absenteeism removes some agents.
    planned = np.zeros(len(intervals), dtype=np.int64)
    open_iv = w1_calls > 0
    planned[open_iv] = required_agents(
        w1_calls[open_iv] * a.staffing_factor, INTERVAL_SECONDS, np.full(open_iv.sum(), forecast_aht),
        sl_target=tgt.target, sl_seconds=tgt.threshold_seconds, patience_seconds=a.mean_patience_seconds,
    )
    on_duty = planned - rng.binomial(planned, a.absenteeism)

    # Callers: Poisson counts per slot, uniform within the slot.
    counts = rng.poisson(lam)
    arrivals = np.sort(np.repeat(slot_start, counts) + rng.uniform(0, SLOT_SECONDS, counts.sum()))
    n = arrivals.size
    sigma = np.sqrt(np.log1p(a.handle_cv**2))
    service = rng.lognormal(np.log(a.aht_seconds) - sigma**2 / 2, sigma, n)
    in_outage = (arrivals >= o0) & (arrivals < o1)
    service[in_outage] *= a.outage_handle_factor
    patience = rng.exponential(a.mean_patience_seconds, n)
    ivr = rng.lognormal(np.log(a.ivr_median_seconds), 0.5, n)

    outcome = simulate_queue(arrivals, service, patience, iv_start, on_duty)

    records = _records(activity, arrivals, service, ivr, outcome, origin, rng, a, tz)
    caller_iv = np.searchsorted(iv_start, arrivals, side="right") - 1
    report = _interval_report(activity, intervals, caller_iv, outcome, service, on_duty, tgt, a)
    staffing = pa.table({
        "activity": [activity] * len(intervals),
        "interval_start": pa.array([iv.start for iv in intervals], pa.timestamp("us", tz="UTC")),
        "forecast_calls_w1": np.round(w1_calls, 2),
        "planned_agents": planned,
        "on_duty_agents": on_duty,
    })
    incidents = (
        Incident(activity, "client_outage", "client", outage_start, outage_end,
                 "Client CRM unavailable: agents could not look up accounts; repeat calls."),
    )
    return DemoMonth(activity, month, seed, a, tgt, records, report, forecasts, staffing, incidents,
                     expected_iv, iv_start, origin)


def _forecasts(
    activity: str, month: Month, intervals: list[Interval], slot_iv: np.ndarray, slot_day: np.ndarray,
    forecastable_iv: np.ndarray, planned_day: dict[int, float], true_day: dict[int, float], a: Assumptions,
    rng: np.random.Generator, tz: ZoneInfo,
) -> tuple[pa.Table, np.ndarray]:
    """M-1 per day (biased, from the planned level) and W-1 per interval (near the true level)."""
    rows: dict[str, list[object]] = {k: [] for k in ("activity", "horizon", "issued_on", "granularity", "period_start",
                                             "volume", "aht_seconds")}
    m1_issued = month.first_day - timedelta(days=31)
    for ordinal in sorted(planned_day):
        day = date.fromordinal(ordinal)
        volume = planned_day[ordinal] * np.exp(rng.normal(a.m1_bias, a.m1_sigma))
        _row(rows, activity, "M-1", m1_issued, "day", local_midnight(day, tz), volume,
             a.aht_seconds * (1 + a.forecast_aht_error))
    # W-1: knows each day's true level up to a small error, and each interval's share up to noise.
    w1 = np.zeros(len(intervals))
    day_error = {d: np.exp(rng.normal(0, a.w1_day_sigma)) for d in true_day}
    for ordinal in sorted(true_day):
        iv_of_day = np.unique(slot_iv[slot_day == ordinal])
        shares = forecastable_iv[iv_of_day] * np.exp(rng.normal(0, a.w1_interval_sigma, iv_of_day.size))
        w1[iv_of_day] = true_day[ordinal] * day_error[ordinal] * shares / shares.sum()
    forecast_aht = a.aht_seconds * (1 + a.forecast_aht_error)
    for i in np.flatnonzero(w1 > 0):
        start = intervals[i].start
        issued = start.astimezone(tz).date() - timedelta(days=7 + start.astimezone(tz).weekday())
        _row(rows, activity, "W-1", issued, f"{INTERVAL_MINUTES}min", start, w1[i], forecast_aht)
    table = pa.table({
        "activity": rows["activity"], "horizon": rows["horizon"],
        "issued_on": pa.array(rows["issued_on"], pa.date32()), "granularity": rows["granularity"],
        "period_start": pa.array(rows["period_start"], pa.timestamp("us", tz="UTC")),
        "volume": rows["volume"], "aht_seconds": rows["aht_seconds"],
    })
    return table, w1


def _row(rows: dict[str, list[object]], activity: str, horizon: str, issued: date, granularity: str, start: datetime,
         volume: float, aht: float) -> None:
    rows["activity"].append(activity)
    rows["horizon"].append(horizon)
    rows["issued_on"].append(issued)
    rows["granularity"].append(granularity)
    rows["period_start"].append(start.astimezone(UTC))
    rows["volume"].append(round(float(volume), 1))
    rows["aht_seconds"].append(round(float(aht), 1))


def _records(
    activity: str, arrivals: np.ndarray, service: np.ndarray, ivr: np.ndarray, outcome: QueueOutcome, origin: datetime,
    rng: np.random.Generator, a: Assumptions, tz: ZoneInfo,
) -> pa.Table:
    n = arrivals.size
    answered = np.asarray(outcome.answered)
    handle = np.where(answered, np.round(service, 1), 0.0)
    wrap = np.round(handle * a.wrap_share * rng.uniform(0.5, 1.5, n), 1)
    hold = np.where(rng.uniform(size=n) < a.hold_probability, np.round(handle * rng.uniform(0.05, 0.2, n), 1), 0.0)
    talk = np.round(handle - wrap - hold, 1)
    handle = talk + hold + wrap  # exactly the sum of its parts after rounding
    origin_us = int(origin.timestamp() * 1_000_000)
    arrived_us = origin_us + np.round(arrivals * 1_000_000).astype(np.int64)
    ids = np.char.add(f"{activity}-", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
    agents = np.asarray(outcome.agent)
    labels = np.char.add("P", np.char.zfill(agents.astype(str), 3)).tolist()
    agent_ids = [label if agent >= 0 else None for label, agent in zip(labels, agents.tolist(), strict=True)]
    return contact_records_table({
        "contact_id": ids.tolist(),
        "activity": [activity] * n,
        "queue": [f"{activity}-fr"] * n,
        "channel": [Channel.VOICE_INBOUND.value] * n,
        "arrived_at": pa.array(arrived_us, pa.timestamp("us", tz="UTC")),
        "ivr_seconds": np.round(ivr, 1),
        "wait_seconds": np.round(np.asarray(outcome.wait), 1),
        "outcome": np.where(answered, Outcome.ANSWERED.value, Outcome.ABANDONED.value).tolist(),
        "talk_seconds": pa.array(talk, mask=~answered),  # null: not applicable to an abandoned call
        "hold_seconds": pa.array(hold, mask=~answered),
        "wrap_seconds": pa.array(wrap, mask=~answered),
        "handle_seconds": handle,
        "agent_id": agent_ids,
    })


def _interval_report(
    activity: str, intervals: list[Interval], caller_iv: np.ndarray, outcome: QueueOutcome, service: np.ndarray,
    on_duty: np.ndarray, tgt: ServiceTarget, a: Assumptions,
) -> pa.Table:
    k = len(intervals)
    answered = np.asarray(outcome.answered)
    wait = np.round(np.asarray(outcome.wait), 1)
    handle = np.where(answered, np.round(service, 1), 0.0)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(caller_iv[mask], minlength=k).astype(np.int64)

    def total(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return np.round(np.bincount(caller_iv[mask], weights=values[mask], minlength=k), 1)

    productive = on_duty.astype(float) * INTERVAL_SECONDS
    columns = {
        "activity": [activity] * k,
        "interval_start": pa.array([iv.start for iv in intervals], pa.timestamp("us", tz="UTC")),
        "interval_minutes": np.full(k, INTERVAL_MINUTES, dtype=np.int64),
        "offered": count(np.ones_like(answered)),
        "handled": count(answered),
        "abandoned": count(~answered),
        "short_abandoned": count(~answered & (wait < tgt.short_abandon_seconds)),
        "wait_seconds_answered": total(wait, answered),
        "wait_seconds_abandoned": total(wait, ~answered),
        "handle_seconds": total(handle, answered),
        "staffed_seconds": np.round(productive / (1 - a.aux_share), 1),
        "productive_seconds": productive,
    }
    for threshold in sorted({tgt.threshold_seconds, 30, 60}):
        columns[answered_within_column(threshold)] = count(answered & (wait <= threshold))
    return interval_report_table(columns)


def assumptions_dict(a: Assumptions) -> dict[str, object]:
    return asdict(a)
