"""The settlement period and its calendar: a month in Europe/Paris, its days and weeks.

Facts carry UTC instants (:mod:`charte.domain.records`); a contract's month, day and week are
French local time (DST-aware: a day has 46, 48 or 50 half-hours). Local days are computed
once per distinct UTC hour, vectorised over the intervals.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from functools import lru_cache

import numpy as np

from charte.domain.calendar import PARIS, Month
from charte.domain.contract import Activity, Contract
from charte.domain.opening_hours import OpeningHours
from charte.settle.facts import IntArray

_EPOCH = date(1970, 1, 1)
#: Granularities in order, finest first (:data:`charte.domain.contract.forecast_commitments.Granularity`).
GRANULARITY_ORDER = ("15min", "30min", "60min", "day", "week", "month", "year")


@lru_cache(maxsize=65536)
def _offset_of_hour(hour: int) -> int:
    """UTC offset (seconds) of Europe/Paris during the UTC hour ``hour`` (hours since 1970)."""
    offset = datetime.fromtimestamp(hour * 3600, tz=UTC).astimezone(PARIS).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


@lru_cache(maxsize=256)
def _offsets(first_hour: int, last_hour: int) -> np.ndarray:
    """UTC offsets of every UTC hour from ``first_hour`` to ``last_hour`` (a month's range is reused)."""
    return np.fromiter((_offset_of_hour(h) for h in range(first_hour, last_hour + 1)), np.int64,
                       last_hour - first_hour + 1)


def utc_offsets(start: IntArray) -> IntArray:
    """UTC offset of Europe/Paris (seconds) at each instant."""
    if start.size == 0:
        return np.zeros(0, np.int64)
    hours = start // 3600
    first, last = int(hours.min()), int(hours.max())
    if last - first > 24 * 800:  # more than two years: per distinct hour
        unique, inverse = np.unique(hours, return_inverse=True)
        offsets: IntArray = np.fromiter((_offset_of_hour(int(h)) for h in unique), np.int64, unique.size)[inverse]
        return offsets
    result: IntArray = _offsets(first, last)[hours - first]
    return result


def local_day_numbers(start: IntArray) -> IntArray:
    """Local (Paris) calendar day of each instant, as days since 1970-01-01."""
    result: IntArray = (start + utc_offsets(start)) // 86400
    return result


def at_local_midnight(start: IntArray) -> np.ndarray:
    """Mask of the instants that are a local (Paris) midnight."""
    return np.asarray((start + utc_offsets(start)) % 86400 == 0)


def day_number(day: date) -> int:
    return (day - _EPOCH).days


def day_of(number: int) -> date:
    return date.fromordinal(_EPOCH.toordinal() + int(number))


def in_month(start: IntArray, month: Month) -> np.ndarray:
    """Mask of the instants whose local day lies in ``month``."""
    days = local_day_numbers(start)
    return (days >= day_number(month.first_day)) & (days <= day_number(month.last_day))


def group_keys(start: IntArray, granularity: str, block_minutes: int) -> IntArray:
    """Key of the period of ``granularity`` each instant falls in (equal keys: same period).

    Minute granularities finer than the intervals group by interval; coarser ones by their own length.
    Weeks are ISO weeks (Monday first) of local days; month and year are one key within a month.
    """
    if granularity.endswith("min"):
        seconds = max(int(granularity[:-3]), block_minutes) * 60
        return start // seconds
    days = local_day_numbers(start)
    if granularity == "day":
        return days
    if granularity == "week":
        return (days + 3) // 7  # 1970-01-01 was a Thursday: +3 makes weeks start on Monday
    return np.zeros(start.size, np.int64)


def finer(a: str, b: str) -> bool:
    return GRANULARITY_ORDER.index(a) < GRANULARITY_ORDER.index(b)


def period_first_days(days: IntArray, period: str) -> IntArray:
    """First local day (days since 1970) of the ``period`` (``day``, ``week``, ``month``, ``year``) holding each day.

    Minute granularities map to their day (an interval's forecast is due by its day's deadline).
    """
    if period.endswith("min") or period == "day":
        return days
    if period == "week":
        return days - (days + 3) % 7  # 1970-01-01 was a Thursday: Monday is (days + 3) % 7 == 0
    unique, inverse = np.unique(days, return_inverse=True)
    firsts = np.fromiter((_first_of(int(n), period) for n in unique), np.int64, unique.size)
    result: IntArray = firsts[inverse]
    return result


@lru_cache(maxsize=65536)
def _first_of(number: int, period: str) -> int:
    day = day_of(number)
    return day_number(date(day.year, day.month, 1) if period == "month" else date(day.year, 1, 1))


def open_days(contract: Contract, activity: Activity, month: Month) -> list[date]:
    """The days of ``month`` inside the activity's opening hours (public holidays of the contract's subdivision)."""
    return list(_open_days(activity.hours, contract.holiday_subdivision, month))


@lru_cache(maxsize=1024)
def _open_days(hours: OpeningHours, subdivision: str | None, month: Month) -> tuple[date, ...]:
    local = replace(hours, holiday_subdivision=subdivision)
    return tuple(day for day in month.days() if local.is_open_on(day))


def inside_opening_hours(contract: Contract, activity: Activity, start: IntArray, minutes: int) -> np.ndarray:
    """Mask of the intervals lying wholly inside the activity's opening hours (Paris time, DST-aware)."""
    hours = replace(activity.hours, holiday_subdivision=contract.holiday_subdivision)
    days = local_day_numbers(start)
    mask = np.zeros(start.size, dtype=bool)
    end = start + minutes * 60
    for number in np.unique(days).tolist():
        rows = days == number
        for a, b in hours.real_spans(day_of(number)):
            mask[rows] |= (start[rows] >= int(a.timestamp())) & (end[rows] <= int(b.timestamp()))
    return mask
