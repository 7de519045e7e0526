"""Contact history as a day × slot table, indexed by date and local time of day.

A planner's history is counts of contacts per interval of *local wall-clock time* within
the opening window (e.g. 07:00–21:00 in 30-minute slots = 28 slots). Rows are calendar
dates, never positions: a missing day (closure, lost export) is simply absent, so the
weekly pattern cannot drift the way a fixed 845-slot cycle does after the first gap.

Slots are wall-clock, so a day-time contact center is unaffected by DST changes (the
02:00–03:00 hour never falls inside its opening window). Points before the opening slot
fold into the first slot and points at or after the closing time into the last one (e.g. a
series that records a lone 21:00 slot after a 07:00–21:00 day): nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

import numpy as np
from numpy.typing import NDArray

from charte.domain.calendar import check_granularity

FloatArray = NDArray[np.float64]


class HistoryError(ValueError):
    """History that cannot be used for forecasting (the message names what and where)."""


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
        return IntervalHistory(self.days[:n], self.counts[:n].copy(), self.minutes, self.opening)

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
        opening: time,
        closing: time,
    ) -> IntervalHistory:
        """Aggregate (local timestamp, count) points into a day × slot table.

        Timestamps are local wall-clock times (naive, or aware: the wall time is used).
        Slots cover ``[opening, closing)``; earlier points fold into the first slot, points
        at or after ``closing`` into the last.
        """
        check_granularity(minutes)
        first = opening.hour * 60 + opening.minute
        span = closing.hour * 60 + closing.minute - first
        if span <= 0 or span % minutes:
            raise HistoryError(f"[history_window] {opening}–{closing} is not a whole number of {minutes}-minute slots")
        n_slots = span // minutes
        table: dict[date, FloatArray] = {}
        for moment, value in points:
            slot = (moment.hour * 60 + moment.minute - first) // minutes
            row = table.setdefault(moment.date(), np.zeros(n_slots))
            row[min(max(slot, 0), n_slots - 1)] += float(value)
        days = tuple(sorted(table))
        counts = np.array([table[d] for d in days]) if days else np.zeros((0, n_slots))
        return cls(days, counts, minutes, opening)

    @classmethod
    def from_rows(cls, days: Sequence[date], counts: FloatArray, *, minutes: int, opening: time) -> IntervalHistory:
        order = np.argsort(np.array([d.toordinal() for d in days]))
        return cls(tuple(days[i] for i in order), np.asarray(counts, dtype=float)[order], minutes, opening)
