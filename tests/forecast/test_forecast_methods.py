from datetime import date, timedelta

import numpy as np
import pytest
from tests.forecast.synthetic_calls import FIRST, LEVEL, PROFILE, WEEKDAY, expected_day, generate

from charte.forecast.evaluation import forecasts_at, rolling_origin, week_days
from charte.forecast.history import IntervalHistory
from charte.forecast.methods import (
    planning_forecast,
    seasonal_naive,
    standard_methods,
)
from charte.forecast.special_days import Event, PlanningCalendar

CALENDAR = PlanningCalendar()


def test_the_planning_forecast_recovers_the_stated_level_weekday_and_profile() -> None:
    history = generate(12)
    days = week_days(FIRST + timedelta(weeks=12), CALENDAR)
    forecast = planning_forecast(history, days, CALENDAR)
    for i, day in enumerate(days):
        total = forecast.point[i].sum()
        assert total == pytest.approx(LEVEL * WEEKDAY[day.weekday()], rel=0.02)
        assert forecast.point[i] / total == pytest.approx(PROFILE, abs=0.004)
    assert np.all(forecast.lower <= forecast.point) and np.all(forecast.point <= forecast.upper)


def test_the_harness_scores_the_planning_forecast_near_the_poisson_floor_on_a_known_structure() -> None:
    history = generate(16)
    evaluation = rolling_origin(history, standard_methods(with_statsforecast=False), CALENDAR, origins=4)
    ours = evaluation.scores["charte (level×weekday×calendar, shrunk profile)"]
    naive = evaluation.scores["seasonal naive (same slot last week)"]
    # Poisson noise alone: E|N − λ| ≈ sqrt(2λ/π); summed over the week it is about 4.6 % of volume here
    floor = sum((np.sqrt(2 * expected_day(d) / np.pi)).sum() for d in week_days(FIRST, CALENDAR))
    floor /= sum(expected_day(d).sum() for d in week_days(FIRST, CALENDAR))
    assert ours.wape < floor * 1.1
    assert naive.wape > ours.wape * 1.15  # last week's noise on top of this week's
    assert abs(ours.bias) < 0.01
    assert ours.intervals == 4 * 5 * 12


def test_no_information_from_after_the_origin_reaches_any_forecast() -> None:
    history = generate(14)
    origin = FIRST + timedelta(weeks=12)
    corrupted = history.counts.copy()
    corrupted[[i for i, d in enumerate(history.days) if d >= origin]] *= 50.0
    spoiled = IntervalHistory(history.days, corrupted, history.minutes, history.opening)
    methods = standard_methods(with_statsforecast=True)
    clean = forecasts_at(history, origin, methods, CALENDAR)
    dirty = forecasts_at(spoiled, origin, methods, CALENDAR)
    for name in methods:
        np.testing.assert_array_equal(clean[name][0], dirty[name][0], err_msg=name)


def test_holidays_and_missing_days_do_not_shift_the_weekly_pattern() -> None:
    # Two French holidays (Easter Monday 6 April, 1 May) and two lost days (a Wednesday, a Friday).
    holidays = frozenset({date(2026, 4, 6), date(2026, 5, 1)})
    lost = frozenset({date(2026, 2, 11), date(2026, 3, 20)})
    history = generate(20, missing=holidays | lost, noise=False)
    calendar = PlanningCalendar(closures=holidays)
    days = week_days(FIRST + timedelta(weeks=20), calendar)
    for method in (planning_forecast, seasonal_naive):
        result = method(history, days, calendar)
        point = result.point if hasattr(result, "point") else result
        for i, day in enumerate(days):
            assert point[i] == pytest.approx(expected_day(day), rel=1e-6), (method, day)


def test_a_week_with_a_holiday_forecasts_zero_on_it_and_carry_over_after_it_when_history_shows_it() -> None:
    history = generate(20, noise=False)
    # In history, every day after a closure carried 30 % more: three past closures, each a Tuesday.
    closures = [date(2026, 1, 20), date(2026, 2, 17), date(2026, 3, 17)]
    counts = history.counts.copy()
    for closed in closures:
        counts[history.days.index(closed)] = 0.0
        counts[history.days.index(closed + timedelta(days=1))] *= 1.3
    history = IntervalHistory(history.days, counts, history.minutes, history.opening)
    calendar = PlanningCalendar(closures=frozenset([*closures, date(2026, 5, 26)]))
    days = [date(2026, 5, 25) + timedelta(days=k) for k in range(5)]
    forecast = planning_forecast(history, days, calendar)
    assert forecast.point[1].sum() == 0.0
    after = forecast.point[2].sum() / (LEVEL * WEEKDAY[2])
    assert 1.15 < after < 1.31  # shrunk towards no effect, but clearly there


def test_a_declared_event_without_history_takes_its_declared_uplift() -> None:
    history = generate(12, noise=False)
    day = FIRST + timedelta(weeks=12, days=2)
    calendar = PlanningCalendar(events=(Event("mailing", frozenset({day}), uplift=1.25),))
    forecast = planning_forecast(history, [day], calendar)
    assert forecast.point[0].sum() == pytest.approx(1.25 * LEVEL * WEEKDAY[2], rel=1e-6)
