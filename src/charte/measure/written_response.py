"""Response times of written contacts (email, chat) in business hours, relationally.

``OpeningHours.business_seconds(a, b)`` counts opening seconds between two instants. To do
it for millions of e-mails on any engine, the opening calendar becomes a table with one row
per UTC minute of the period: ``open_before`` (opening seconds from the start of the table
to that minute) and ``is_open`` (1 when the minute lies in opening hours). With
F(t) = open_before[⌊t/60⌋] + is_open[⌊t/60⌋] × (t − 60⌊t/60⌋), business seconds between a and b
are F(b) − F(a): two equi-joins, no per-row Python. Opening hours are minute-precise
(``HH:MM``) and UTC offsets are whole minutes, so every minute is wholly open or closed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from charte.domain.calendar import PARIS
from charte.domain.opening_hours import OpeningHours


def minute_clock(hours: OpeningHours, first: datetime, last: datetime, zone: ZoneInfo = PARIS) -> pa.Table:
    """The opening calendar from ``first`` to ``last`` (aware instants), one row per UTC minute."""
    start_min = int(first.astimezone(UTC).timestamp()) // 60
    end_min = int(last.astimezone(UTC).timestamp()) // 60 + 1
    is_open = np.zeros(end_min - start_min, dtype=np.int64)
    day = first.astimezone(zone).date() - timedelta(days=1)
    while day <= last.astimezone(zone).date():
        for a, b in hours.real_spans(day, zone):
            lo = max(int(a.timestamp()) // 60, start_min) - start_min
            hi = min(int(b.timestamp()) // 60, end_min) - start_min
            if hi > lo:
                is_open[lo:hi] = 1
        day += timedelta(days=1)
    open_before = np.concatenate([[0], np.cumsum(is_open * 60)[:-1]])
    return pa.table({
        "clock_minute": pa.array(np.arange(start_min, end_min, dtype=np.int64)),
        "open_before": pa.array(open_before.astype(np.int64)),
        "is_open": pa.array(is_open),
    })
