from datetime import date, datetime, time

import numpy as np
import pytest

from charte.forecast.history import HistoryError, IntervalHistory


def test_points_fold_into_slots_by_local_time_and_the_closing_slot_folds_into_the_last() -> None:
    points = [
        (datetime(2003, 3, 3, 7, 0), 1.0), (datetime(2003, 3, 3, 7, 25), 2.0),  # slot 0
        (datetime(2003, 3, 3, 20, 55), 4.0), (datetime(2003, 3, 3, 21, 0), 8.0),  # last slot (21:00 folded)
        (datetime(2003, 3, 5, 7, 30), 16.0),  # 3/4 absent: no row, not a row of zeros
    ]
    history = IntervalHistory.from_points(points, minutes=30, opening=time(7), closing=time(21))
    assert history.days == (date(2003, 3, 3), date(2003, 3, 5))
    assert history.slots == 28
    assert history.counts[0, 0] == 3.0 and history.counts[0, 27] == 12.0 and history.counts[1, 1] == 16.0
    assert history.counts.sum() == 31.0
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
