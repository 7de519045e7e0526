"""The planning calendar: working days, closures and declared events, and the day effects they cause.

Call volumes do not only follow the weekday. Three calendar effects recur in every
published call-center study (Brown et al. 2005, JASA; Weinberg, Brown & Stroud 2007; Ibrahim
et al. 2016, "Modeling and forecasting call center arrivals: a literature survey"):

* **carry-over after a closure** — calls that could not be made on a closed weekday (a
  public holiday, a declared closure) arrive on the next working days, strongest on the
  first and fading over the next two;
* **month turn** — billing, salaries and statements concentrate contacts on the last and
  the first working days of a month;
* **declared events** — a client's mailing, a price change, an outage: dates the client
  announces, whose effect is learnt from past occurrences of the same event (or taken from
  the declared uplift when the event never happened before).

Each effect is a 0/1 feature of a day; its size is *estimated* from the history (and shrunk
to nothing when the history does not show it), never assumed. A series without month-turn
activity therefore gets a month-turn effect near zero.

Closures are the working weekdays the center is closed: by default the public holidays of
the activity's country (``holidays`` package; French ones via :mod:`charte.domain.calendar`),
plus declared closures. A holiday is closed even when the history has contacts on it (those are
counted apart and left out of the fit); a planner whose center works on public holidays models
them instead as **special days** (``holidays="special"``): an event whose effect is learnt from
past holidays, with no uplift assumed when none was seen.

The working week (which weekdays, which hours each) is a :class:`~charte.forecast.working_week.WorkingWeek`;
days outside it are neither forecast nor used to fit the daily level or the intraday profile.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from charte.domain.calendar import public_holidays
from charte.forecast.working_week import WorkingWeek

#: Names of the fixed calendar features, in column order.
CALENDAR_FEATURES: tuple[str, ...] = (
    "after_closure_1",
    "after_closure_2",
    "after_closure_3",
    "month_last_working_day",
    "month_first_working_day",
    "month_second_working_day",
)


@dataclass(frozen=True, slots=True)
class Event:
    """A declared event (e.g. a client mailing) on some days; ``uplift`` is the declared
    multiplicative effect (1.15 = +15 %), used as the prior when history cannot tell."""

    name: str
    days: frozenset[date]
    uplift: float = 1.0


@dataclass(frozen=True, slots=True)
class PlanningCalendar:
    """Which weekdays are worked, which are closed, and which carry a declared event."""

    closures: frozenset[date] = frozenset()
    events: tuple[Event, ...] = ()
    working_weekdays: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))
    week: WorkingWeek | None = None  # hours per weekday; when given, its weekdays are the working ones

    def __post_init__(self) -> None:
        if self.week is not None and self.week.working_weekdays != self.working_weekdays:
            raise ValueError(f"[working_week_mismatch] working weekdays {sorted(self.working_weekdays)} differ from "
                             f"the working week {self.week.describe()}")

    @classmethod
    def of_country(
        cls, country: str, years: Iterable[int], *, week: WorkingWeek | None = None, holidays: str = "close",
        subdivision: str | None = None, closures: Iterable[date] = (), events: tuple[Event, ...] = (),
    ) -> PlanningCalendar:
        """Public holidays of ``country`` (ISO code, ``holidays`` package) closed (``holidays="close"``) or
        modelled as special days (``"special"``), on ``week`` (Monday–Friday when not given)."""
        import holidays as holiday_tables

        if holidays not in ("close", "special"):
            raise ValueError(f"[unknown_holiday_mode] holidays mode {holidays!r}; expected 'close' or 'special'")
        table = holiday_tables.country_holidays(country, subdiv=subdivision, years=list(years))
        days = frozenset(table)
        weekdays = week.working_weekdays if week is not None else frozenset(range(5))
        if holidays == "special":
            return cls(frozenset(closures), (*events, Event("public_holiday", days, 1.0)), weekdays, week)
        return cls(days | frozenset(closures), events, weekdays, week)

    def open_mask(self, weekday: int, minutes: int, slots: int) -> NDArray[np.bool_]:
        """Slots of a weekday inside its hours (all of them when no working week is stated)."""
        if self.week is None:
            return np.ones(slots, dtype=bool)
        mask = self.week.open_mask(weekday, minutes)
        if mask.size != slots:
            raise ValueError(f"[working_week_grid] the working week {self.week.describe()} has {mask.size} slots of "
                             f"{minutes} minutes; the history has {slots}")
        return mask

    @classmethod
    def french(
        cls, years: Iterable[int], *, subdivision: str | None = None, closures: Iterable[date] = (),
        events: tuple[Event, ...] = (), working_weekdays: Iterable[int] = range(5),
    ) -> PlanningCalendar:
        """Closed on French public holidays (``PH off``) of ``years`` plus ``closures``."""
        days = {d for y in years for d in public_holidays(y, subdivision)} | set(closures)
        return cls(frozenset(days), events, frozenset(working_weekdays))

    def working_history_days(self, days: Iterable[date]) -> list[date]:
        return [d for d in days if self.is_working(d)]

    def is_working(self, day: date) -> bool:
        return day.weekday() in self.working_weekdays and day not in self.closures

    def working_days(self, first: date, count: int) -> list[date]:
        """The ``count`` working days from ``first`` onwards (``first`` included when worked)."""
        out: list[date] = []
        day = first
        while len(out) < count:
            if self.is_working(day):
                out.append(day)
            day += timedelta(days=1)
        return out

    def _step(self, day: date, direction: int) -> date:
        day += timedelta(days=direction)
        while not self.is_working(day):
            day += timedelta(days=direction)
        return day

    def _closed_weekdays_between(self, earlier: date, later: date) -> int:
        return sum(
            1 for k in range(1, (later - earlier).days)
            if (earlier + timedelta(days=k)).weekday() in self.working_weekdays
        )

    def features(self, day: date) -> NDArray[np.float64]:
        """The calendar features of ``day`` (:data:`CALENDAR_FEATURES` then one per event)."""
        values: list[float] = []
        current = day
        for _ in range(3):
            previous = self._step(current, -1)
            values.append(1.0 if self._closed_weekdays_between(previous, current) else 0.0)
            current = previous
        previous = self._step(day, -1)
        values.append(1.0 if self._step(day, 1).month != day.month else 0.0)
        values.append(1.0 if previous.month != day.month else 0.0)
        values.append(1.0 if previous.month == day.month and self._step(previous, -1).month != day.month else 0.0)
        values.extend(1.0 if day in event.days else 0.0 for event in self.events)
        return np.array(values)

    def feature_names(self) -> tuple[str, ...]:
        return CALENDAR_FEATURES + tuple(f"event:{e.name}" for e in self.events)

    def feature_priors(self) -> NDArray[np.float64]:
        """Prior mean of each effect on the log scale: 0 for calendar effects, log(uplift) for events."""
        return np.array([0.0] * len(CALENDAR_FEATURES) + [float(np.log(e.uplift)) for e in self.events])
