"""The planning forecaster on real data: bank-calls-2003 (see ../shared/data/README.md)."""

import csv
from datetime import datetime, time

import holidays
import pytest
from tests.conftest import shared_data

from charte.forecast.evaluation import rolling_origin
from charte.forecast.history import IntervalHistory
from charte.forecast.methods import standard_methods
from charte.forecast.special_days import PlanningCalendar

OURS = "charte (level×weekday×calendar, shrunk profile)"


@pytest.mark.realdata
def test_the_planning_forecast_beats_every_baseline_on_the_last_eight_weeks() -> None:
    path = shared_data("bank-calls-2003", "calls_5min_2003.csv")
    with path.open(newline="") as handle:
        points = [(datetime.fromisoformat(r["DateTime"]), float(r["Calls"])) for r in csv.DictReader(handle)]
    history = IntervalHistory.from_points(points, minutes=30, opening=time(7), closing=time(21))
    assert (len(history.days), history.slots, history.counts.sum()) == (164, 28, sum(v for _, v in points))
    present = set(history.days)
    closed = frozenset(d for d in holidays.country_holidays("US", years=2003)
                       if history.days[0] <= d <= history.days[-1] and d.weekday() < 5 and d not in present)
    evaluation = rolling_origin(history, standard_methods(with_statsforecast=False), PlanningCalendar(closed))
    ours = evaluation.scores[OURS]
    assert ours.wape <= 0.066 and ours.daily_wape <= 0.055 and abs(ours.bias) <= 0.02
    assert all(ours.wape < s.wape for name, s in evaluation.scores.items() if name != OURS)
