from datetime import date, datetime

import pytest

from charte.domain.calendar import PARIS
from charte.domain.opening_hours import OpeningHours, OpeningHoursError

DEMO = "Mo-Fr 08:00-20:00; Sa 09:00-18:00; PH off"


def test_weekday_saturday_sunday_and_holiday():
    hours = OpeningHours.parse(DEMO)
    assert len(hours.open_intervals(date(2026, 10, 26), 30)) == 24  # Monday 08:00-20:00
    assert len(hours.open_intervals(date(2026, 10, 31), 30)) == 18  # Saturday 09:00-18:00
    assert hours.open_intervals(date(2026, 10, 25), 30) == []  # Sunday
    assert hours.open_intervals(date(2026, 11, 11), 30) == []  # Armistice, a Wednesday


def test_holidays_follow_weekday_without_a_ph_rule():
    assert OpeningHours.parse("Mo-Fr 08:00-20:00").is_open_on(date(2026, 11, 11))


def test_split_spans_and_is_open():
    hours = OpeningHours.parse("Mo-Fr 08:00-12:00,14:00-18:00")
    assert hours.is_open(datetime(2026, 10, 27, 11, 59, tzinfo=PARIS))
    assert not hours.is_open(datetime(2026, 10, 27, 12, 0, tzinfo=PARIS))
    assert hours.open_seconds(date(2026, 10, 27)) == 8 * 3600


def test_round_the_clock_on_dst_days():
    hours = OpeningHours.parse("24/7")
    assert hours.open_seconds(date(2026, 3, 29)) == 23 * 3600
    assert hours.open_seconds(date(2026, 10, 25)) == 25 * 3600
    assert len(hours.open_intervals(date(2026, 10, 25), 30)) == 50


def test_night_span_across_the_changed_hour():
    hours = OpeningHours.parse("Su 01:00-04:00")
    assert hours.open_seconds(date(2026, 3, 29)) == 2 * 3600
    assert hours.open_seconds(date(2026, 10, 25)) == 4 * 3600


def test_business_seconds_skip_closed_time():
    hours = OpeningHours.parse(DEMO)
    # Friday 19:00 → Monday 09:00: 1 h Friday + 9 h Saturday + 1 h Monday = 11 h
    start = datetime(2026, 10, 23, 19, 0, tzinfo=PARIS)
    end = datetime(2026, 10, 26, 9, 0, tzinfo=PARIS)
    assert hours.business_seconds(start, end) == 11 * 3600
    assert hours.business_seconds(end, start) == 0


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("", "empty"), ("Mo-Fx 08:00-20:00", "not a day"), ("Mo 8h-20h", "not a time span"),
     ("Mo 20:00-08:00", "ends before"), ("Mo 08:00-12:00,11:00-14:00", "overlap"), ("Mo", "no hours"),
     ("Mo 25:00-26:00", "impossible")],
)
def test_bad_opening_hours_say_what_is_wrong(text, fragment):
    with pytest.raises(OpeningHoursError, match=fragment):
        OpeningHours.parse(text)


def test_a_sunday_to_thursday_week_open_until_midnight() -> None:
    # issue 19: a Sunday–Thursday operation, open until midnight (written 24:00 or 00:00)
    for text in ("Su-Th 18:00-24:00", "Su-Th 18:00-00:00"):
        hours = OpeningHours.parse(text)
        assert hours.weekly[6] == ((18 * 60, 1440),) and hours.weekly[3] == ((18 * 60, 1440),)
        assert hours.weekly[4] == () and hours.weekly[5] == ()
        assert hours.is_open_on(date(2026, 3, 1)) and not hours.is_open_on(date(2026, 3, 6))  # Sunday, Friday
