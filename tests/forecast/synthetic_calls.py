"""Series generated from a stated structure, for tests that must recover it."""

from __future__ import annotations

from datetime import date, time, timedelta

import numpy as np

from charte.forecast.history import IntervalHistory

#: Stated structure: 12 half-hour slots, Monday-heavy week, morning peak.
SLOTS = 12
LEVEL = 2000.0
WEEKDAY = np.array([1.30, 1.05, 0.95, 0.90, 0.80, 0.0, 0.0])
PROFILE = np.array([2, 5, 9, 12, 11, 9, 8, 10, 11, 9, 8, 6], dtype=float)
PROFILE = PROFILE / PROFILE.sum()
FIRST = date(2026, 1, 5)  # a Monday


def expected_day(day: date) -> np.ndarray:
    return LEVEL * WEEKDAY[day.weekday()] * PROFILE


def generate(weeks: int, *, missing: frozenset[date] = frozenset(), noise: bool = True,
             seed: int = 7) -> IntervalHistory:
    """Mon–Fri days of ``weeks`` weeks from :data:`FIRST`, Poisson around the stated structure."""
    rng = np.random.default_rng(seed)
    days = [FIRST + timedelta(days=k) for k in range(7 * weeks)]
    days = [d for d in days if d.weekday() < 5 and d not in missing]
    rows = [rng.poisson(expected_day(d)).astype(float) if noise else expected_day(d) for d in days]
    return IntervalHistory(tuple(days), np.array(rows), 30, time(8, 0))
