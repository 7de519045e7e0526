import math
from datetime import date, time, timedelta

import numpy as np
import pytest

from charte.forecast.evaluation import bias, daily_wape, format_table, rolling_origin, share_off, wape
from charte.forecast.history import IntervalHistory
from charte.forecast.methods import seasonal_naive
from charte.forecast.special_days import PlanningCalendar

ACTUAL = np.array([[10.0, 20.0], [30.0, 40.0]])
FORECAST = np.array([[12.0, 18.0], [30.0, 50.0]])


def test_accuracy_measures_by_hand() -> None:
    assert wape(ACTUAL, FORECAST) == pytest.approx((2 + 2 + 0 + 10) / 100)
    assert bias(ACTUAL, FORECAST) == pytest.approx((2 - 2 + 0 + 10) / 100)
    assert daily_wape(ACTUAL, FORECAST) == pytest.approx((0 + 10) / 100)
    assert share_off(ACTUAL, FORECAST) == pytest.approx(2 / 4)  # 2/10 and 10/40 are above 10 %; 2/20 is exactly 10 %
    assert share_off(np.array([0.0, 0.0]), np.array([0.0, 1.0])) == 0.5


def test_a_repeating_week_is_forecast_exactly_by_the_seasonal_naive() -> None:
    every_day = (date(2026, 1, 5) + timedelta(days=k) for k in range(33))  # Monday 5 Jan to Friday 6 Feb
    days = tuple(d for d in every_day if d.weekday() < 5)
    rng = np.random.default_rng(1)
    week = rng.integers(1, 50, size=(7, 4)).astype(float)
    counts = np.array([week[d.weekday()] for d in days])
    history = IntervalHistory(days, counts, 60, time(9))
    evaluation = rolling_origin(history, {"naive": seasonal_naive}, PlanningCalendar(), origins=2)
    scores = evaluation.scores["naive"]
    assert scores.wape == 0.0 and scores.intervals == 2 * 5 * 4
    assert math.isnan(scores.mase)  # the naive's in-sample error is 0 too: MASE is 0/0, undefined
    assert evaluation.origins == (date(2026, 1, 26), date(2026, 2, 2))
    assert "| naive | 0.0000 |" in format_table(evaluation)
