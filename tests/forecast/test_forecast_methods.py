from datetime import date, timedelta

import numpy as np
import pytest
from tests.forecast.synthetic_calls import FIRST, LEVEL, PROFILE, SLOTS, WEEKDAY, expected_day, generate

from charte.forecast.daily_level import DailyLevelSettings, fit_daily_level, regime_start
from charte.forecast.evaluation import forecasts_at, rolling_origin, week_days
from charte.forecast.history import IntervalHistory
from charte.forecast.methods import (
    planning_forecast,
    seasonal_naive,
    standard_methods,
)
from charte.forecast.special_days import Event, PlanningCalendar
from charte.forecast.working_week import WorkingWeek

CALENDAR = PlanningCalendar()
FIRST_OPENING = generate(1).opening


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


# -- issue 19: working week, non-working days, level shifts, interval honesty -----------------------

def test_days_outside_the_working_week_do_not_feed_the_intraday_profile() -> None:
    # A Monday–Friday operation whose export also holds a few Saturday calls, all in the first slot:
    # the Monday forecast must be the one made without them (before: every day with calls was pooled).
    history = generate(12, noise=False)
    saturdays = [d + timedelta(days=5) for d in history.days if d.weekday() == 0]
    extra = np.zeros((len(saturdays), SLOTS))
    extra[:, 0] = 400.0
    with_saturdays = IntervalHistory.from_rows([*history.days, *saturdays], np.vstack([history.counts, extra]),
                                               minutes=30, opening=history.opening)
    monday = [FIRST + timedelta(weeks=12)]
    clean = planning_forecast(history, monday, CALENDAR).point
    polluted = planning_forecast(with_saturdays, monday, CALENDAR).point
    np.testing.assert_allclose(polluted, clean, rtol=1e-9)
    np.testing.assert_allclose(clean[0], expected_day(monday[0]), rtol=1e-6)


def test_a_weekday_closed_in_part_gets_nothing_in_its_closed_slots() -> None:
    # Friday closes after the 4th half-hour: its forecast keeps Friday's volume in its open slots only.
    week = WorkingWeek.from_hours("Mo-Th 08:00-14:00; Fr 08:00-10:00")
    history = generate(12, noise=False)
    counts = history.counts.copy()
    for i, d in enumerate(history.days):
        if d.weekday() == 4:
            counts[i, 4:] = 0.0
    history = IntervalHistory(history.days, counts, 30, history.opening)
    calendar = PlanningCalendar(working_weekdays=week.working_weekdays, week=week)
    friday = FIRST + timedelta(weeks=12, days=4)
    point = planning_forecast(history, [friday], calendar).point[0]
    assert (point[4:] == 0).all()
    np.testing.assert_allclose(point[:4], expected_day(friday)[:4], rtol=1e-6)


def shifted_history(weeks: int, shift_week: int, factor: float, seed: int = 11) -> IntervalHistory:
    """Mon–Fri Poisson days around the stated structure, every day from week ``shift_week`` × ``factor``."""
    rng = np.random.default_rng(seed)
    shift_day = FIRST + timedelta(weeks=shift_week)
    days = [FIRST + timedelta(days=k) for k in range(7 * weeks)]
    days = [d for d in days if d.weekday() < 5]
    rows = [rng.poisson(expected_day(d) * (factor if d >= shift_day else 1.0)).astype(float) for d in days]
    return IntervalHistory(tuple(days), np.array(rows), 30, FIRST_OPENING)


@pytest.mark.parametrize("factor", [1.20, 1.30, 0.75])
def test_a_level_shift_is_followed_from_the_first_week_after_it(factor: float) -> None:
    # +20 %, +30 % or −25 % from week 12. The forecast for week 12 is issued before any shifted day
    # and cannot see it (its error is the shift itself). From week 13 on, each week's total must be
    # within 5 % of the actual (tolerance: a week of ~9,000 Poisson calls varies by ~1 %, the level
    # is read from one shifted week); exponential smoothing alone left week 13 14 % short at +25 %.
    history = shifted_history(18, 12, factor)
    for week in range(13, 18):
        origin = FIRST + timedelta(weeks=week)
        days = week_days(origin, CALENDAR)
        forecast = planning_forecast(history.before(origin), days, CALENDAR)
        actual = np.array([history.row(d) for d in days])
        assert abs(forecast.point.sum() / actual.sum() - 1.0) < 0.05, (factor, week)


def test_a_stable_series_does_not_trigger_a_level_restart() -> None:
    history = generate(20)
    fit = fit_daily_level(history, CALENDAR)
    weeks = len({d - timedelta(days=d.weekday()) for d in history.days})
    levels = np.full(weeks, 0.0)
    assert regime_start(levels + np.random.default_rng(1).normal(0, 0.02, weeks), np.full(weeks, 5.0),
                        np.arange(weeks)[::-1].astype(float), 0.03, DailyLevelSettings()) == 0
    assert np.exp(fit.level + fit.weekday[0]) == pytest.approx(LEVEL * WEEKDAY[0], rel=0.02)


def test_prediction_intervals_are_skewed_like_counts_and_cover_poisson_days() -> None:
    # On a pure Poisson series with a stable structure, the 80 % interval must hold about 80 % of the
    # half-hours of held-out weeks: between 70 % and 95 % over 5 weeks × 60 slots (the model cannot know
    # the noise is pure Poisson and adds level uncertainty, so it may be somewhat wide, never narrow).
    history = generate(30, seed=5)
    inside = total = 0
    for week in range(25, 30):
        origin = FIRST + timedelta(weeks=week)
        days = week_days(origin, CALENDAR)
        forecast = planning_forecast(history.before(origin), days, CALENDAR)
        actual = np.array([history.row(d) for d in days])
        inside += int(((actual >= forecast.lower) & (actual <= forecast.upper)).sum())
        total += actual.size
        assert ((forecast.upper - forecast.point) >= (forecast.point - forecast.lower) - 1.0).all()
    assert 0.70 <= inside / total <= 0.95
