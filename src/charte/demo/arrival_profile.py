"""The shape of a real call-center week, taken from public data.

The demo's arrivals follow the intraday and weekly shape of a real inbound call center:
five-minute volumes of a large North American commercial bank, weekdays 07:00–21:00,
164 days of 2003 (Weinberg, Brown & Stroud 2007, JASA; the ``calls``/``bank_calls`` data of
the R packages fpp2/fpp3). Only the *shape* is kept: per weekday, the share of the day's
calls in each five-minute slot, and the weekday's level relative to the mean weekday. The
derived profile ships with the package (``bank_calls_2003_profile.json``, made by
``scripts/derive_arrival_profile.py``); the data itself stays outside the repository.

Days are indexed by date and slot, never by position: six weekdays are missing from the
source, so a fixed 845-slot weekly cycle would drift.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

import numpy as np

SLOT_MINUTES = 5
FIRST_SLOT_MINUTE = 7 * 60  # 07:00
SLOTS_PER_DAY = 169  # 07:00 … 21:00 inclusive
PROFILE_FILE = "bank_calls_2003_profile.json"
SOURCE = (
    "bank-calls-2003 (fpp2::calls / fpp3::bank_calls; Weinberg, Brown & Stroud 2007): "
    "5-minute weekday volumes 07:00-21:00, 2003-03-03 to 2003-10-24"
)


@dataclass(frozen=True)
class WeeklyProfile:
    """Intraday shares per weekday (Monday=0 … Friday=4) and weekday levels.

    ``intraday[d][s]`` is the mean share of weekday ``d``'s calls that arrive in slot ``s``
    (slot 0 starts 07:00); each row sums to 1. ``level[d]`` is weekday ``d``'s mean daily
    volume divided by the mean over all weekdays.
    """

    intraday: np.ndarray  # shape (5, 169)
    level: np.ndarray  # shape (5,)
    days_used: int
    source: str = SOURCE


def derive(csv_path: Path) -> WeeklyProfile:
    """Compute the profile from ``calls_5min_2003.csv`` (``DateTime,Calls``)."""
    per_day: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(SLOTS_PER_DAY))
    weekday_of: dict[str, int] = {}
    with csv_path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            stamp = datetime.strptime(row["DateTime"], "%Y-%m-%d %H:%M:%S")
            slot = (stamp.hour * 60 + stamp.minute - FIRST_SLOT_MINUTE) // SLOT_MINUTES
            key = stamp.date().isoformat()
            per_day[key][slot] += float(row["Calls"])
            weekday_of[key] = stamp.weekday()
    shares = np.zeros((5, SLOTS_PER_DAY))
    totals: dict[int, list[float]] = defaultdict(list)
    for key, volumes in per_day.items():
        d = weekday_of[key]
        shares[d] += volumes / volumes.sum()
        totals[d].append(float(volumes.sum()))
    counts = np.array([len(totals[d]) for d in range(5)], dtype=float)
    intraday = shares / counts[:, None]
    means = np.array([np.mean(totals[d]) for d in range(5)])
    return WeeklyProfile(intraday=intraday, level=means / means.mean(), days_used=len(per_day))


def to_json(profile: WeeklyProfile) -> str:
    return json.dumps(
        {
            "source": profile.source,
            "days_used": profile.days_used,
            "slot_minutes": SLOT_MINUTES,
            "first_slot": "07:00",
            "level": [round(float(x), 6) for x in profile.level],
            "intraday": [[round(float(x), 8) for x in row] for row in profile.intraday],
        },
        indent=1,
    )


def embedded() -> WeeklyProfile:
    """The profile shipped with the package."""
    data = json.loads(resources.files("charte.demo").joinpath(PROFILE_FILE).read_text())
    return WeeklyProfile(
        intraday=np.array(data["intraday"]), level=np.array(data["level"]), days_used=data["days_used"],
        source=data["source"],
    )
