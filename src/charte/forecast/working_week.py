"""The working week of a planned activity: which weekdays it works and its hours on each.

A Sunday–Thursday operation, a Friday that closes at noon, a line open until midnight: the
planner states the week once, in the contract's own opening-hours syntax
(:mod:`charte.domain.opening_hours`, e.g. ``Su-Th 08:00-20:00; Fr 08:00-12:00``) or as one
window for a set of days. Hours are local wall-clock minutes after midnight; ``24:00`` (or
``00:00`` given as a closing time) is midnight at the end of the day.

The forecaster works on one grid of slots for the whole week, from the earliest opening to the
latest closing; a weekday's slots outside its own hours are closed (forecast 0, never staffed),
and contacts found there are counted apart, never folded into an open slot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from typing import Final

import numpy as np
from numpy.typing import NDArray

from charte.domain.opening_hours import DAY_CODES, OpeningHours, OpeningHoursError

MIDNIGHT: Final = 1440
_CLOCK: Final = re.compile(r"^(\d{1,2}):(\d{2})$")


class WorkingWeekError(ValueError):
    """A working week that cannot be used (the message says which part and why)."""


def parse_clock(text: str, *, closing: bool = False) -> int:
    """``HH:MM`` → minutes after midnight; ``24:00`` is midnight at the day's end, and so is ``00:00``
    when it is a closing time (a line open "until 00:00" closes at midnight)."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise WorkingWeekError(f"{text!r} is not a time; expected HH:MM (24:00 for midnight at the day's end)")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise WorkingWeekError(f"{text!r} is not a time of day; expected 00:00 to 24:00")
    value = hours * 60 + minutes
    return MIDNIGHT if closing and value == 0 else value


def parse_days(text: str) -> frozenset[int]:
    """``Mo-Fr``, ``Su-Th``, ``Mo,We,Fr`` → weekday numbers (0 = Monday)."""
    days: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        first, _, last = part.partition("-")
        if first not in DAY_CODES or (last and last not in DAY_CODES):
            raise WorkingWeekError(f"{part!r} is not a day or day range; expected e.g. Mo-Fr, Su-Th or Mo,We,Fr")
        a = DAY_CODES.index(first)
        b = DAY_CODES.index(last) if last else a
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return frozenset(days)


@dataclass(frozen=True, slots=True)
class WorkingWeek:
    """Opening spans per weekday (Monday first), minutes after local midnight, ``[start, end)``."""

    spans: tuple[tuple[tuple[int, int], ...], ...]

    def __post_init__(self) -> None:
        if len(self.spans) != 7:
            raise WorkingWeekError("a working week has 7 weekdays")
        if not any(self.spans):
            raise WorkingWeekError("the working week has no open hour; expected at least one open weekday")

    @classmethod
    def uniform(cls, opening: int, closing: int, days: Iterable[int] = range(5)) -> WorkingWeek:
        """The same window ``[opening, closing)`` on each of ``days``."""
        if not 0 <= opening < closing <= MIDNIGHT:
            raise WorkingWeekError(f"opening {_label(opening)} is not before closing {_label(closing)} "
                                   "(spans past midnight are not supported; use 24:00 for midnight)")
        chosen = set(days)
        return cls(tuple(((opening, closing),) if k in chosen else () for k in range(7)))

    @classmethod
    def from_hours(cls, hours: OpeningHours | str) -> WorkingWeek:
        """The weekly part of opening hours (public holidays are the planning calendar's business)."""
        try:
            parsed = hours if isinstance(hours, OpeningHours) else OpeningHours.parse(hours)
        except OpeningHoursError as exc:
            raise WorkingWeekError(f"opening hours {str(hours)!r} cannot be read: {exc}") from None
        return cls(tuple(tuple(day) for day in parsed.weekly))

    @property
    def working_weekdays(self) -> frozenset[int]:
        return frozenset(k for k in range(7) if self.spans[k])

    @property
    def window(self) -> tuple[int, int]:
        """(earliest opening, latest closing) over the week: the forecast grid."""
        return min(a for day in self.spans for a, _ in day), max(b for day in self.spans for _, b in day)

    def slots(self, minutes: int) -> int:
        first, last = self.window
        if (last - first) % minutes:
            raise WorkingWeekError(f"{_label(first)}–{_label(last)} is not a whole number of {minutes}-minute slots")
        return (last - first) // minutes

    def open_mask(self, weekday: int, minutes: int) -> NDArray[np.bool_]:
        """Slots of the week's grid wholly inside ``weekday``'s hours."""
        first, _ = self.window
        starts = first + minutes * np.arange(self.slots(minutes))
        mask = np.zeros(starts.size, dtype=bool)
        for a, b in self.spans[weekday]:
            mask |= (starts >= a) & (starts + minutes <= b)
        return mask

    def opening_time(self) -> time:
        first, _ = self.window
        return time(first // 60, first % 60)

    def describe(self) -> str:
        parts = []
        for k, day in enumerate(self.spans):
            if day:
                parts.append(f"{DAY_CODES[k]} " + ",".join(f"{_label(a)}-{_label(b)}" for a, b in day))
        return "; ".join(parts)


def _label(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
