from datetime import date

from charte.forecast.special_days import CALENDAR_FEATURES, Event, PlanningCalendar


def feature(calendar: PlanningCalendar, day: date, name: str) -> float:
    return float(calendar.features(day)[calendar.feature_names().index(name)])


def test_carry_over_after_a_closure_marks_the_next_three_working_days() -> None:
    # Monday 2026-05-25 is Whit Monday (Lundi de Pentecôte), a French public holiday.
    calendar = PlanningCalendar.french([2026])
    assert not calendar.is_working(date(2026, 5, 25))
    assert feature(calendar, date(2026, 5, 26), "after_closure_1") == 1.0
    assert feature(calendar, date(2026, 5, 27), "after_closure_2") == 1.0
    assert feature(calendar, date(2026, 5, 28), "after_closure_3") == 1.0
    assert feature(calendar, date(2026, 5, 28), "after_closure_1") == 0.0
    # a weekend is not a closure: an ordinary Monday carries nothing over
    assert feature(calendar, date(2026, 6, 8), "after_closure_1") == 0.0


def test_month_turn_uses_working_days_not_calendar_days() -> None:
    calendar = PlanningCalendar.french([2026])
    # May 2026 ends on a Sunday: its last working day is Friday 29; June starts on Monday 1.
    assert feature(calendar, date(2026, 5, 29), "month_last_working_day") == 1.0
    assert feature(calendar, date(2026, 6, 1), "month_first_working_day") == 1.0
    assert feature(calendar, date(2026, 6, 2), "month_second_working_day") == 1.0
    # 1 May is a holiday, Friday: the first working day of May 2026 is Monday 4.
    assert feature(calendar, date(2026, 5, 4), "month_first_working_day") == 1.0


def test_declared_events_are_features_with_their_declared_prior() -> None:
    mailing = Event("mailing", frozenset({date(2026, 3, 10)}), uplift=1.2)
    calendar = PlanningCalendar(events=(mailing,))
    assert calendar.feature_names() == (*CALENDAR_FEATURES, "event:mailing")
    assert feature(calendar, date(2026, 3, 10), "event:mailing") == 1.0
    assert abs(calendar.feature_priors()[-1] - 0.18232155679395462) < 1e-12  # ln 1.2


def test_working_days_skip_weekends_and_closures() -> None:
    calendar = PlanningCalendar.french([2026])
    assert calendar.working_days(date(2026, 5, 22), 3) == [date(2026, 5, 22), date(2026, 5, 26), date(2026, 5, 27)]
