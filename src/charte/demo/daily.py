"""Per-day view of a generated month: volumes against the client's forecasts, service given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from charte.domain.calendar import PARIS
from charte.domain.records import answered_within_column


@dataclass(frozen=True)
class Day:
    day: date
    offered: int
    handled: int
    abandoned: int
    short_abandoned: int
    answered_within: int
    forecast_m1: float
    forecast_w1: float
    wait_answered: float
    handle: float
    productive_seconds: float
    planned_agent_intervals: int
    on_duty_agent_intervals: int

    @property
    def service_level(self) -> float | None:
        base = self.offered - self.short_abandoned
        return self.answered_within / base if base else None

    @property
    def abandon_rate(self) -> float | None:
        return self.abandoned / self.offered if self.offered else None

    @property
    def asa(self) -> float | None:
        return self.wait_answered / self.handled if self.handled else None

    @property
    def aht(self) -> float | None:
        return self.handle / self.handled if self.handled else None

    def out_of_band(self, under: float, over: float) -> bool:
        """True when the day's volume left the M-1 forecast's band (−under … +over)."""
        gap = self.gap_to(self.forecast_m1)
        return gap is not None and not -under <= gap <= over

    def gap_to(self, forecast: float) -> float | None:
        """Actual over forecast, minus one (+0.12 = 12% above the forecast)."""
        return self.offered / forecast - 1 if forecast else None


def _local_days(stamps: pa.Array, tz: ZoneInfo) -> np.ndarray:
    return np.array([s.astimezone(tz).date().toordinal() for s in stamps.to_pylist()], dtype=np.int64)


def daily(report: pa.Table, forecasts: pa.Table, staffing: pa.Table, threshold: int,
          tz: ZoneInfo = PARIS) -> list[Day]:
    """Sum the interval report per local day and put the forecasts beside it."""
    day_of = _local_days(report["interval_start"], tz)
    col = {name: report[name].to_numpy() for name in
           ("offered", "handled", "abandoned", "short_abandoned", "wait_seconds_answered", "handle_seconds",
            "productive_seconds")}
    within = report[answered_within_column(threshold)].to_numpy()
    m1 = forecasts.filter(pc.equal(forecasts["horizon"], "M-1"))
    w1 = forecasts.filter(pc.equal(forecasts["horizon"], "W-1"))
    m1_by_day = dict(zip(_local_days(m1["period_start"], tz).tolist(), m1["volume"].to_pylist(), strict=True))
    w1_days = _local_days(w1["period_start"], tz)
    w1_vol = w1["volume"].to_numpy()
    staff_days = _local_days(staffing["interval_start"], tz)
    planned = staffing["planned_agents"].to_numpy()
    on_duty = staffing["on_duty_agents"].to_numpy()
    out = []
    for ordinal in sorted(set(day_of.tolist())):
        mask = day_of == ordinal
        if col["offered"][mask].sum() == 0 and ordinal not in m1_by_day:
            continue
        smask = staff_days == ordinal
        out.append(Day(
            day=date.fromordinal(ordinal),
            offered=int(col["offered"][mask].sum()),
            handled=int(col["handled"][mask].sum()),
            abandoned=int(col["abandoned"][mask].sum()),
            short_abandoned=int(col["short_abandoned"][mask].sum()),
            answered_within=int(within[mask].sum()),
            forecast_m1=float(m1_by_day.get(ordinal, 0.0)),
            forecast_w1=float(w1_vol[w1_days == ordinal].sum()),
            wait_answered=float(col["wait_seconds_answered"][mask].sum()),
            handle=float(col["handle_seconds"][mask].sum()),
            productive_seconds=float(col["productive_seconds"][mask].sum()),
            planned_agent_intervals=int(planned[smask].sum()),
            on_duty_agent_intervals=int(on_duty[smask].sum()),
        ))
    return out
