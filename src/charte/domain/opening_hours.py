"""Opening hours of an activity, in a subset of the OpenStreetMap ``opening_hours`` syntax.

Examples::

    Mo-Fr 08:00-20:00; Sa 09:00-18:00          (closed Sundays; open on public holidays)
    Mo-Fr 08:00-12:00,14:00-18:00; PH off      (closed on French public holidays)
    24/7

Rules are separated by ``;``. A rule is a day selector (``Mo``, ``Mo-Fr``, ``Mo,We,Fr``,
``PH`` for public holidays; ranges may wrap, ``Su-Th``) followed by comma-separated
``HH:MM-HH:MM`` spans (an end of ``24:00`` or ``00:00`` is midnight) or ``off``. A later
rule for the same day replaces an earlier one, as in OSM. Opening hours are local wall
times: on a 23-hour day a span over 02:00–03:00 is one hour shorter in real time, on a
25-hour day one hour longer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Final
from zoneinfo import ZoneInfo

from charte.domain.calendar import PARIS, Interval, day_intervals, is_public_holiday

DAY_CODES: Final = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_SPAN = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")

Span = tuple[int, int]  # minutes after local midnight, [start, end)


class OpeningHoursError(ValueError):
    """Opening hours that cannot be read; the message says which part and why."""


def _parse_days(selector: str) -> list[int | str]:
    days: list[int | str] = []
    for raw in selector.split(","):
        part = raw.strip()
        if part == "PH":
            days.append("PH")
            continue
        if "-" in part:
            first, last = part.split("-", 1)
            if first not in DAY_CODES or last not in DAY_CODES:
                raise OpeningHoursError(f"{part!r} is not a day range; expected e.g. Mo-Fr")
            a, b = DAY_CODES.index(first), DAY_CODES.index(last)
            days.extend(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        elif part in DAY_CODES:
            days.append(DAY_CODES.index(part))
        else:
            raise OpeningHoursError(f"{part!r} is not a day; expected one of {', '.join(DAY_CODES)} or PH")
    return days


def _parse_spans(text: str) -> list[Span]:
    if text.strip() == "off":
        return []
    spans: list[Span] = []
    for raw in text.split(","):
        match = _SPAN.match(raw.strip())
        if not match:
            raise OpeningHoursError(f"{raw.strip()!r} is not a time span; expected HH:MM-HH:MM")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
            raise OpeningHoursError(f"{raw.strip()!r} has an impossible time")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end == 0:  # "18:00-00:00": open until midnight, as "18:00-24:00"
            end = 1440
        if end <= start:
            raise OpeningHoursError(f"{raw.strip()!r} ends before it starts (spans past midnight are not supported)")
        spans.append((start, end))
    spans.sort()
    for (_, end), (start, _) in pairwise(spans):
        if start < end:
            raise OpeningHoursError(f"spans in {text.strip()!r} overlap")
    return spans


@dataclass(frozen=True)
class OpeningHours:
    """Weekly opening hours plus a rule for public holidays.

    ``holidays`` is ``None`` when public holidays follow their weekday's hours.
    """

    text: str
    weekly: tuple[tuple[Span, ...], ...]  # Monday first
    holidays: tuple[Span, ...] | None = None
    holiday_subdivision: str | None = field(default=None, compare=False)

    @classmethod
    def parse(cls, text: str, holiday_subdivision: str | None = None) -> OpeningHours:
        source = text.strip()
        if not source:
            raise OpeningHoursError("opening hours are empty; expected e.g. 'Mo-Fr 08:00-20:00'")
        if source == "24/7":
            return cls(source, tuple(((0, 1440),) for _ in range(7)), None, holiday_subdivision)
        weekly: list[tuple[Span, ...]] = [() for _ in range(7)]
        holiday_rule: tuple[Span, ...] | None = None
        for rule in filter(None, (r.strip() for r in source.split(";"))):
            selector, _, hours = rule.partition(" ")
            if not hours.strip():
                raise OpeningHoursError(f"rule {rule!r} has no hours; expected e.g. 'Mo-Fr 08:00-20:00' or 'PH off'")
            spans = tuple(_parse_spans(hours))
            for day in _parse_days(selector):
                if day == "PH":
                    holiday_rule = spans
                else:
                    weekly[int(day)] = spans
        return cls(source, tuple(weekly), holiday_rule, holiday_subdivision)

    def spans_on(self, day: date) -> tuple[Span, ...]:
        """Opening spans of a local day, public-holiday rule applied."""
        if self.holidays is not None and is_public_holiday(day, self.holiday_subdivision):
            return self.holidays
        return self.weekly[day.weekday()]

    def is_open_on(self, day: date) -> bool:
        return bool(self.spans_on(day))

    def is_open(self, moment: datetime, tz: ZoneInfo = PARIS) -> bool:
        local = moment.astimezone(tz)
        minute = local.hour * 60 + local.minute + local.second / 60
        return any(a <= minute < b for a, b in self.spans_on(local.date()))

    def real_spans(self, day: date, tz: ZoneInfo = PARIS) -> list[tuple[datetime, datetime]]:
        """Opening spans of a day as UTC instants (DST applied)."""
        return [(_wall(day, a, tz), _wall(day, b, tz)) for a, b in self.spans_on(day)]

    def open_intervals(self, day: date, minutes: int, tz: ZoneInfo = PARIS) -> list[Interval]:
        """The intervals of a day that lie wholly inside opening hours."""
        spans = self.real_spans(day, tz)
        return [
            iv for iv in day_intervals(day, minutes, tz)
            if any(a <= iv.start and iv.end <= b for a, b in spans)
        ]

    def open_seconds(self, day: date, tz: ZoneInfo = PARIS) -> int:
        return sum(int((b - a).total_seconds()) for a, b in self.real_spans(day, tz))

    def business_seconds(self, start: datetime, end: datetime, tz: ZoneInfo = PARIS) -> int:
        """Seconds of opening time between two aware instants (e-mail and back-office response times)."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end <= start:
            return 0
        total = 0
        day = start.astimezone(tz).date()
        last = end.astimezone(tz).date()
        while day <= last:
            for a, b in self.real_spans(day, tz):
                lo, hi = max(a, start), min(b, end)
                if hi > lo:
                    total += int((hi - lo).total_seconds())
            day += timedelta(days=1)
        return total

    def __str__(self) -> str:
        return self.text


def _wall(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """UTC instant of a local wall time; a time in a DST gap moves to the end of the gap."""
    if minute >= 1440:
        naive = datetime.combine(day + timedelta(days=1), time(0))
    else:
        naive = datetime.combine(day, time(minute // 60, minute % 60))
    instant = naive.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != naive:  # skipped hour: clocks jumped forward
        return naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    return instant
