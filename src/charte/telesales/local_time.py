"""Local time on any engine: a zone's UTC offsets and a territory's holidays as plain expressions.

Over the span of a campaign a zone has a handful of UTC offsets (two changes a year in
Europe/Paris, none overseas). :func:`transitions` finds them with the time-zone database, hour
by hour; the offset of an instant is then a ``CASE`` on its microseconds, which every engine
evaluates the same way — no engine's own time-zone rules are used. A wall-clock time is read
back to an instant through the same pieces, and one that falls in the hour skipped when clocks
go forward, or in the hour lived twice when they go back, is reported, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir

from charte.domain.calendar import public_holidays

EPOCH = date(1970, 1, 1)
HOUR_US = 3_600_000_000
DAY_US = 86_400_000_000
SKIPPED = "skipped"
TWICE = "twice"


def day_number(d: date) -> int:
    """Days since 1970-01-01 (the engines' local days are counted so)."""
    return (d - EPOCH).days


def transitions(zone: str, first_us: int, last_us: int) -> list[tuple[int, int]]:
    """(from_us, offset_seconds) pieces covering [first_us, last_us], found hour by hour."""
    tz = ZoneInfo(zone)
    t = (first_us // HOUR_US) * HOUR_US
    pieces: list[tuple[int, int]] = []
    while True:
        offset = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=t)).astimezone(tz).utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        if not pieces or pieces[-1][1] != seconds:
            pieces.append((t, seconds))
        if t > last_us:
            return pieces
        t += HOUR_US


def _us(seconds: int) -> ir.IntegerValue:
    # Ibis writes integer literals bare and engines type 3600 as a 32-bit INTEGER: offsets are added in
    # microseconds, never multiplied on the engine (3600 * 1000000 overflows there)
    return ibis.literal(seconds * 1_000_000, "int64")


def offset_of(us: ir.IntegerValue, pieces: Sequence[tuple[int, int]]) -> ir.IntegerValue:
    """UTC offset in microseconds of the instant ``us`` (µs since the epoch), from the zone's ``pieces``."""
    if len(pieces) == 1:
        return _us(pieces[0][1])
    branches = [(us < start, _us(prev[1])) for prev, (start, _) in pairwise(pieces)]
    return ibis.cases(*branches, else_=_us(pieces[-1][1]))


def zone_offset(us: ir.IntegerValue, zone_idx: ir.IntegerValue, zones: Sequence[str], first_us: int,
                last_us: int) -> ir.IntegerValue:
    """UTC offset in microseconds of ``us`` in the zone numbered ``zone_idx`` of ``zones``."""
    if len(zones) == 1:
        return offset_of(us, transitions(zones[0], first_us, last_us))
    branches = [(zone_idx == i, offset_of(us, transitions(zone, first_us, last_us))) for i, zone in enumerate(zones)]
    return ibis.cases(*branches)


def wall_to_instant(wall_us: ir.IntegerValue, zone: str, first_wall_us: int, last_wall_us: int
                    ) -> tuple[ir.IntegerValue, ir.StringValue | None]:
    """(instant in µs, why it is not one) of a wall-clock time in ``zone`` written as µs since the epoch.

    ``why`` is :data:`SKIPPED` in the hour clocks skip, :data:`TWICE` in the hour they repeat,
    null otherwise (then the instant is the only one showing that wall time); None when the zone does not
    change its offset over the span.
    """
    day = DAY_US
    pieces = transitions(zone, first_wall_us - day, last_wall_us + day)
    offset = _us(pieces[-1][1])
    problems: list[tuple[Any, Any]] = []
    if len(pieces) > 1:
        # piece i covers wall times [start_i + o_i, start_{i+1} + o_i); between them a gap or an overlap
        ends = [(start + prev[1] * 1_000_000, prev[1]) for prev, (start, _) in pairwise(pieces)]
        offset = ibis.cases(*[(wall_us < end, _us(o)) for end, o in ends], else_=_us(pieces[-1][1]))
        for prev, (start, after) in pairwise(pieces):
            before_end, after_start = start + prev[1] * 1_000_000, start + after * 1_000_000
            lo, hi, why = ((before_end, after_start, SKIPPED) if after > prev[1]
                           else (after_start, before_end, TWICE))
            problems.append(((wall_us >= lo) & (wall_us < hi), ibis.literal(why)))
    return wall_us - offset, (ibis.cases(*problems, else_=ibis.null("string")) if problems else None)


def holidays_by_subdivision(subdivisions: Sequence[str | None], first_day: date, last_day: date
                            ) -> list[dict[int, str]]:
    """For each subdivision (None: metropolitan France), its public holidays as day number → name."""
    out = []
    for sub in subdivisions:
        days: dict[int, str] = {}
        for year in range(first_day.year, last_day.year + 1):
            days |= {day_number(d): name for d, name in public_holidays(year, sub).items()}
        out.append(days)
    return out


def is_holiday(local_day: ir.IntegerValue, sub_idx: ir.IntegerValue, holidays: Sequence[dict[int, str]]
               ) -> ir.BooleanValue:
    """The local day is a public holiday of the attempt's subdivision (an IN list per subdivision)."""
    branches = [(sub_idx == i, local_day.isin(sorted(days)) if days else ibis.literal(False))
                for i, days in enumerate(holidays)]
    if not branches:
        return ibis.literal(False)
    return ibis.cases(*branches, else_=ibis.literal(False)).fill_null(False)


def holiday_name(local_day: ir.IntegerValue, sub_idx: ir.IntegerValue, holidays: Sequence[dict[int, str]]
                 ) -> ir.StringValue:
    """The holiday's name of a local day in the attempt's subdivision (null when none)."""
    branches = [((sub_idx == i) & (local_day == day), ibis.literal(name))
                for i, days in enumerate(holidays) for day, name in sorted(days.items())]
    return ibis.cases(*branches, else_=ibis.null("string")) if branches else ibis.null("string")
