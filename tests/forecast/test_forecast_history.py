from datetime import date, datetime, time

import numpy as np
import pytest

from charte.forecast.history import HistoryError, IntervalHistory
from charte.forecast.working_week import WorkingWeek, WorkingWeekError, parse_clock, parse_days


def test_points_land_in_slots_by_local_time_and_calls_outside_hours_are_counted_apart() -> None:
    points = [
        (datetime(2003, 3, 3, 7, 0), 1.0), (datetime(2003, 3, 3, 7, 25), 2.0),  # slot 0
        (datetime(2003, 3, 3, 20, 55), 4.0), (datetime(2003, 3, 3, 21, 0), 8.0),  # last slot; 21:00 is after closing
        (datetime(2003, 3, 3, 6, 55), 32.0),  # before opening: counted apart, not folded into 07:00
        (datetime(2003, 3, 5, 7, 30), 16.0),  # 3/4 absent: no row, not a row of zeros
    ]
    history = IntervalHistory.from_points(points, minutes=30, opening=time(7), closing=time(21))
    assert history.days == (date(2003, 3, 3), date(2003, 3, 5))
    assert history.slots == 28
    assert history.counts[0, 0] == 3.0 and history.counts[0, 27] == 4.0 and history.counts[1, 1] == 16.0
    assert history.counts.sum() == 23.0
    assert (history.outside.before_opening, history.outside.after_closing) == (32.0, 8.0)
    assert history.slot_labels()[:2] == ["07:00", "07:30"] and history.slot_labels()[-1] == "20:30"


def test_before_keeps_only_the_past() -> None:
    history = IntervalHistory((date(2026, 1, 5), date(2026, 1, 6)), np.ones((2, 3)), 30, time(8))
    assert history.before(date(2026, 1, 6)).days == (date(2026, 1, 5),)
    assert history.before(date(2026, 1, 5)).days == ()


@pytest.mark.parametrize(
    ("days", "counts", "code"),
    [
        ((date(2026, 1, 6), date(2026, 1, 5)), np.ones((2, 3)), "history_days_unsorted"),
        ((date(2026, 1, 5),), -np.ones((1, 3)), "history_negative_count"),
        ((date(2026, 1, 5),), np.ones((2, 3)), "history_shape"),
    ],
)
def test_bad_history_is_refused_with_a_code(days: tuple[date, ...], counts: np.ndarray, code: str) -> None:
    with pytest.raises(HistoryError, match=code):
        IntervalHistory(days, counts, 30, time(8))


def test_a_window_that_is_not_whole_slots_is_refused() -> None:
    with pytest.raises(HistoryError, match="history_window"):
        IntervalHistory.from_points([], minutes=60, opening=time(8), closing=time(8, 30))


def test_a_sunday_to_thursday_week_with_a_short_friday_and_a_line_open_until_midnight() -> None:
    week = WorkingWeek.from_hours("Su-Th 18:00-24:00; Fr 18:00-20:00")
    assert week.working_weekdays == frozenset({6, 0, 1, 2, 3, 4})
    assert week.window == (18 * 60, 1440) and week.slots(60) == 6
    assert list(week.open_mask(4, 60)) == [True, True, False, False, False, False]
    points = [
        (datetime(2026, 3, 1, 23, 30), 5.0),  # Sunday 23:00 slot: worked
        (datetime(2026, 3, 6, 21, 0), 7.0),  # Friday 21:00: after Friday's closing
        (datetime(2026, 3, 7, 19, 0), 11.0),  # Saturday: not worked
    ]
    history = IntervalHistory.from_points(points, minutes=60, week=week)
    assert history.days == (date(2026, 3, 1),) and history.counts[0, 5] == 5.0
    assert (history.outside.after_closing, history.outside.closed_weekday) == (7.0, 11.0)


@pytest.mark.parametrize(("text", "closing", "minutes"), [("24:00", True, 1440), ("00:00", True, 1440),
                                                          ("00:00", False, 0), ("7:30", False, 450)])
def test_midnight_is_written_24_00_or_00_00_as_a_closing_time(text: str, closing: bool, minutes: int) -> None:
    assert parse_clock(text, closing=closing) == minutes


@pytest.mark.parametrize("text", ["25:00", "12:60", "noon"])
def test_impossible_times_are_refused(text: str) -> None:
    with pytest.raises(WorkingWeekError):
        parse_clock(text)


def test_days_read_as_a_planner_writes_them() -> None:
    assert parse_days("Su-Th") == frozenset({6, 0, 1, 2, 3})
    assert parse_days("Mo,We,Fr") == frozenset({0, 2, 4})
