"""The calendar of intervals: local (Europe/Paris by default), DST-aware.

Contact-center figures are counted per 15, 30 or 60 minute interval of *local* time.
A day is the span from one local midnight to the next, so it is not always 24 hours:
the last Sunday of March has 23 hours (46 half-hours: 02:00–03:00 does not exist) and
the last Sunday of October has 25 (50 half-hours: 02:00–03:00 happens twice, told apart
by ``fold``). Intervals are therefore stepped in UTC and labelled in local time; nothing
here assumes 24 hours a day.

French public holidays come from the ``holidays`` package (metropolitan France by
default; Alsace-Moselle and overseas departments via ``subdivision``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Final, Literal
from zoneinfo import ZoneInfo

import holidays

PARIS: Final = ZoneInfo("Europe/Paris")
Granularity = Literal[15, 30, 60]
GRANULARITIES: Final[tuple[int, ...]] = (15, 30, 60)


class CalendarError(ValueError):
    """A date, period or granularity that cannot be used."""


def check_granularity(minutes: int) -> int:
    if minutes not in GRANULARITIES:
        raise CalendarError(f"interval length {minutes} min is not supported; expected 15, 30 or 60")
    return minutes


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open span ``[start, end)`` of real time.

    ``start`` and ``end`` are kept in UTC: Python compares and subtracts two datetimes of
    the same zone by wall time, which is wrong across a DST change. Use
    :meth:`local_start` for display.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise CalendarError("interval bounds need a time zone")
        object.__setattr__(self, "start", self.start.astimezone(UTC))
        object.__setattr__(self, "end", self.end.astimezone(UTC))

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())

    def local_start(self, tz: ZoneInfo = PARIS) -> datetime:
        return self.start.astimezone(tz)

    def label(self, tz: ZoneInfo = PARIS) -> str:
        """``HH:MM`` of local start; the repeated hour of a 25-hour day gets its UTC offset."""
        local = self.local_start(tz)
        text = local.strftime("%H:%M")
        if _is_ambiguous(local.replace(tzinfo=None), tz):
            text += local.strftime(" %z")
        return text


def local_midnight(day: date, tz: ZoneInfo = PARIS) -> datetime:
    """The aware datetime at which ``day`` starts in ``tz`` (midnight exists in Europe/Paris)."""
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def day_length(day: date, tz: ZoneInfo = PARIS) -> timedelta:
    """Real length of a local day: 23, 24 or 25 hours in Europe/Paris."""
    start = local_midnight(day, tz).astimezone(UTC)
    end = local_midnight(day + timedelta(days=1), tz).astimezone(UTC)
    return end - start


def day_intervals(day: date, minutes: int, tz: ZoneInfo = PARIS) -> list[Interval]:
    """Every interval of one local day, stepped in real time (46/48/50 half-hours)."""
    check_granularity(minutes)
    start = local_midnight(day, tz).astimezone(UTC)
    end = local_midnight(day + timedelta(days=1), tz).astimezone(UTC)
    step = timedelta(minutes=minutes)
    out: list[Interval] = []
    t = start
    while t < end:
        out.append(Interval(t, t + step))
        t += step
    return out


def interval_start(moment: datetime, minutes: int, tz: ZoneInfo = PARIS) -> datetime:
    """Start of the interval holding an aware ``moment``.

    Intervals are aligned on local midnight stepped in real time, which for Europe/Paris
    (whole-hour offsets, changes on the hour) is the same as flooring the UTC time.
    """
    if moment.tzinfo is None:
        raise CalendarError(f"{moment.isoformat()} has no time zone; intervals need aware times")
    check_granularity(minutes)
    day = moment.astimezone(tz).date()
    origin = local_midnight(day, tz).astimezone(UTC)
    elapsed = (moment.astimezone(UTC) - origin) // timedelta(minutes=minutes)
    return (origin + elapsed * timedelta(minutes=minutes)).astimezone(tz)


def days(first: date, last: date) -> list[date]:
    """Every date from ``first`` to ``last`` inclusive."""
    if last < first:
        raise CalendarError(f"period ends {last} before it starts {first}")
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month, the usual settlement period (``2026-10``)."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise CalendarError(f"month {self.month} is not between 1 and 12")

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _MONTH.match(text.strip())
        if not match:
            raise CalendarError(f"{text!r} is not a month; expected YYYY-MM, e.g. 2026-10")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def days(self) -> list[date]:
        return days(self.first_day, self.last_day)

    def intervals(self, minutes: int, tz: ZoneInfo = PARIS) -> list[Interval]:
        return [iv for day in self.days() for iv in day_intervals(day, minutes, tz)]

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@lru_cache(maxsize=64)
def _holiday_table(year: int, subdivision: str | None) -> dict[date, str]:
    table = holidays.country_holidays("FR", subdiv=subdivision, years=year, language="fr")
    return dict(table.items())


def public_holidays(year: int, subdivision: str | None = None) -> dict[date, str]:
    """French public holidays (jours fériés) of a year, name by date.

    ``subdivision`` follows the ``holidays`` package: ``None`` for metropolitan France,
    ``"57"``/``"67"``/``"68"`` for Alsace-Moselle (Good Friday, 26 December), ``"974"``
    for La Réunion, etc.
    """
    return dict(_holiday_table(year, subdivision))


def is_public_holiday(day: date, subdivision: str | None = None) -> bool:
    return day in _holiday_table(day.year, subdivision)


def _is_ambiguous(naive: datetime, tz: ZoneInfo) -> bool:
    return naive.replace(tzinfo=tz, fold=0).utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset()


def is_ambiguous(naive: datetime, tz: ZoneInfo = PARIS) -> bool:
    """True when a local wall time happens twice (the repeated hour of a 25-hour day)."""
    return _is_ambiguous(naive, tz)


def is_nonexistent(naive: datetime, tz: ZoneInfo = PARIS) -> bool:
    """True when a local wall time never happens (the skipped hour of a 23-hour day)."""
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive


def localize(naive: datetime, tz: ZoneInfo = PARIS, *, fold: int | None = None) -> datetime:
    """Attach a zone to a local wall time, refusing what DST makes unclear.

    A time in the skipped hour is an error; a time in the repeated hour is an error unless
    ``fold`` says which of the two (0 = the first, summer time; 1 = the second).
    """
    if naive.tzinfo is not None:
        raise CalendarError(f"{naive.isoformat()} already has a time zone")
    if is_nonexistent(naive, tz):
        raise CalendarError(f"{naive:%Y-%m-%d %H:%M:%S} does not exist in {tz.key} (clocks jump forward)")
    if _is_ambiguous(naive, tz):
        if fold is None:
            raise CalendarError(
                f"{naive:%Y-%m-%d %H:%M:%S} happens twice in {tz.key} (clocks go back); "
                "an offset or fold is needed"
            )
        return naive.replace(tzinfo=tz, fold=fold)
    return naive.replace(tzinfo=tz)
