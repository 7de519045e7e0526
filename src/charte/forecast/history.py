"""Contact history as a day × slot table, indexed by date and local time of day.

A planner's history is counts of contacts per interval of *local wall-clock time* within
the opening window (e.g. 07:00–21:00 in 30-minute slots = 28 slots). Rows are calendar
dates, never positions: a missing day (closure, lost export) is simply absent, so the
weekly pattern cannot drift the way a fixed 845-slot cycle does after the first gap.

Slots are wall-clock, so a day-time contact center is unaffected by DST changes (the
02:00–03:00 hour never falls inside its opening window; a line open at night counts the
repeated hour of a 25-hour day in the same wall-clock slot). Contacts outside the working
week (:mod:`charte.forecast.working_week`) — before the day's opening, at or after its
closing, or on a weekday that is not worked — are *not* folded into an open slot: they are
counted apart (:class:`OutsideHours`) so the planner sees them reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

import numpy as np
from numpy.typing import NDArray

from charte.domain.calendar import check_granularity
from charte.forecast.working_week import MIDNIGHT, WorkingWeek

FloatArray = NDArray[np.float64]


class HistoryError(ValueError):
    """History that cannot be used for forecasting (the message names what and where)."""


@dataclass(frozen=True, slots=True)
class OutsideHours:
    """Contacts of the source left out of the table, by reason (never silently folded)."""

    before_opening: float = 0.0
    after_closing: float = 0.0
    closed_weekday: float = 0.0
    closed_day: float = 0.0  # public holidays and declared closures (removed by :meth:`IntervalHistory.without`)

    @property
    def total(self) -> float:
        return self.before_opening + self.after_closing + self.closed_weekday + self.closed_day

    def describe(self) -> str:
        parts = [(self.before_opening, "before opening"), (self.after_closing, "at or after closing"),
                 (self.closed_weekday, "on weekdays not worked"), (self.closed_day, "on public holidays or closures")]
        return ", ".join(f"{n:,.0f} {why}" for n, why in parts if n)


@dataclass(frozen=True, slots=True)
class IntervalHistory:
    """Counts of contacts per (date, slot): ``counts[i, j]`` is day ``days[i]``, slot ``j``.

    ``opening`` is the local start time of slot 0 and ``minutes`` the slot length, so slot
    ``j`` starts at ``opening + j * minutes``. ``days`` is strictly increasing.
    """

    days: tuple[date, ...]
    counts: FloatArray
    minutes: int
    opening: time
    outside: OutsideHours = OutsideHours()

    def __post_init__(self) -> None:
        check_granularity(self.minutes)
        if self.counts.ndim != 2 or self.counts.shape[0] != len(self.days):
            raise HistoryError(f"[history_shape] counts shape {self.counts.shape} does not match {len(self.days)} days")
        if any(b <= a for a, b in zip(self.days, self.days[1:], strict=False)):
            raise HistoryError("[history_days_unsorted] days must be strictly increasing, without duplicates")
        if np.any(~np.isfinite(self.counts)) or np.any(self.counts < 0):
            raise HistoryError("[history_negative_count] counts must be finite and 0 or more")

    @property
    def slots(self) -> int:
        return int(self.counts.shape[1])

    def before(self, day: date) -> IntervalHistory:
        """The history strictly before ``day``: what a forecaster issued at that origin may use."""
        n = sum(1 for d in self.days if d < day)
        return IntervalHistory(self.days[:n], self.counts[:n].copy(), self.minutes, self.opening, self.outside)

    def without(self, closed: frozenset[date]) -> IntervalHistory:
        """The history less the rows of ``closed`` days (their contacts counted in ``outside.closed_day``)."""
        keep = [i for i, d in enumerate(self.days) if d not in closed]
        dropped = float(self.counts.sum() - self.counts[keep].sum())
        o = self.outside
        outside = OutsideHours(o.before_opening, o.after_closing, o.closed_weekday, o.closed_day + dropped)
        return IntervalHistory(tuple(self.days[i] for i in keep), self.counts[keep].copy(), self.minutes,
                               self.opening, outside)

    def row(self, day: date) -> FloatArray | None:
        try:
            return np.asarray(self.counts[self.days.index(day)], dtype=float)
        except ValueError:
            return None

    def slot_labels(self) -> list[str]:
        start = self.opening.hour * 60 + self.opening.minute
        minutes = [start + j * self.minutes for j in range(self.slots)]
        return [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]

    @classmethod
    def from_points(
        cls,
        points: Iterable[tuple[datetime, float]],
        *,
        minutes: int,
        opening: time | None = None,
        closing: time | None = None,
        week: WorkingWeek | None = None,
    ) -> IntervalHistory:
        """Aggregate (local timestamp, count) points into a day × slot table.

        Timestamps are local wall-clock times (naive, or aware: the wall time is used; convert
        them to the activity's zone first). The grid is ``week``'s (or ``[opening, closing)`` on
        every day, ``closing`` 00:00 meaning midnight); points outside their weekday's hours are
        counted in :attr:`outside`, not added to any slot.
        """
        check_granularity(minutes)
        if week is None:
            if opening is None or closing is None:
                raise HistoryError("[history_window] give the working week, or opening and closing times")
            end = closing.hour * 60 + closing.minute or MIDNIGHT
            first_minute = opening.hour * 60 + opening.minute
            if end <= first_minute or (end - first_minute) % minutes:
                raise HistoryError(f"[history_window] {opening}–{closing} is not a whole number of "
                                   f"{minutes}-minute slots")
            week = WorkingWeek.uniform(first_minute, end, range(7))
        first, last = week.window
        if (last - first) % minutes:
            raise HistoryError(f"[history_window] the working week {week.describe()} is not a whole number of "
                               f"{minutes}-minute slots")
        n_slots = (last - first) // minutes
        masks = [week.open_mask(k, minutes) for k in range(7)]
        table: dict[date, FloatArray] = {}
        before = after = closed = 0.0
        for moment, value in points:
            weekday = moment.weekday()
            if not week.spans[weekday]:
                closed += float(value)
                continue
            minute = moment.hour * 60 + moment.minute
            slot = (minute - first) // minutes
            if 0 <= slot < n_slots and masks[weekday][slot]:
                table.setdefault(moment.date(), np.zeros(n_slots))[slot] += float(value)
            elif minute < min(a for a, _ in week.spans[weekday]):
                before += float(value)
            else:
                after += float(value)
        days = tuple(sorted(table))
        counts = np.array([table[d] for d in days]) if days else np.zeros((0, n_slots))
        return cls(days, counts, minutes, week.opening_time(), OutsideHours(before, after, closed))

    @classmethod
    def from_rows(cls, days: Sequence[date], counts: FloatArray, *, minutes: int, opening: time) -> IntervalHistory:
        order = np.argsort(np.array([d.toordinal() for d in days]))
        return cls(tuple(days[i] for i in order), np.asarray(counts, dtype=float)[order], minutes, opening)
