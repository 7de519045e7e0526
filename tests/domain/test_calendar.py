import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charte.domain.calendar import (
    PARIS,
    CalendarError,
    Month,
    day_intervals,
    day_length,
    interval_start,
    is_ambiguous,
    is_nonexistent,
    is_public_holiday,
    localize,
    public_holidays,
)

SPRING_FORWARD = date(2026, 3, 29)  # last Sunday of March 2026: 23 hours
FALL_BACK = date(2026, 10, 25)  # last Sunday of October 2026: 25 hours


@pytest.mark.parametrize(
    ("day", "minutes", "count"),
    [
        (SPRING_FORWARD, 30, 46), (FALL_BACK, 30, 50), (date(2026, 10, 26), 30, 48),
        (SPRING_FORWARD, 15, 92), (FALL_BACK, 15, 100), (SPRING_FORWARD, 60, 23), (FALL_BACK, 60, 25),
    ],
)
def test_interval_counts_follow_the_real_length_of_the_day(day, minutes, count):
    assert len(day_intervals(day, minutes)) == count


def test_day_lengths():
    assert day_length(SPRING_FORWARD) == timedelta(hours=23)
    assert day_length(FALL_BACK) == timedelta(hours=25)
    assert day_length(date(2026, 7, 1)) == timedelta(hours=24)


def test_spring_forward_skips_two_oclock():
    labels = [iv.label() for iv in day_intervals(SPRING_FORWARD, 60)]
    assert labels[:3] == ["00:00", "01:00", "03:00"]


def test_fall_back_repeats_two_oclock_with_offsets():
    labels = [iv.label() for iv in day_intervals(FALL_BACK, 60)]
    assert labels[1:5] == ["01:00", "02:00 +0200", "02:00 +0100", "03:00"]
    assert all(iv.seconds == 3600 for iv in day_intervals(FALL_BACK, 60))


def test_intervals_tile_the_day_without_gaps():
    ivs = day_intervals(FALL_BACK, 15)
    assert all(a.end == b.start for a, b in itertools.pairwise(ivs))
    assert ivs[0].start == datetime(2026, 10, 24, 22, tzinfo=UTC)
    assert ivs[-1].end == datetime(2026, 10, 25, 23, tzinfo=UTC)


def test_month_of_october_2026_has_two_extra_half_hours():
    assert len(Month.parse("2026-10").intervals(30)) == 31 * 48 + 2
    assert len(Month.parse("2026-03").intervals(30)) == 31 * 48 - 2


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)),
       st.sampled_from([15, 30, 60]))
def test_interval_start_holds_the_moment(moment, minutes):
    start = interval_start(moment, minutes)
    assert start <= moment < start + timedelta(minutes=minutes)
    local = start.astimezone(PARIS)
    assert local.minute % minutes == 0 if minutes < 60 else local.minute == 0


def test_interval_start_needs_a_zone():
    with pytest.raises(CalendarError, match="no time zone"):
        interval_start(datetime(2026, 10, 1, 12), 30)


def test_localize_refuses_the_skipped_and_the_repeated_hour():
    with pytest.raises(CalendarError, match="does not exist"):
        localize(datetime(2026, 3, 29, 2, 30))
    with pytest.raises(CalendarError, match="happens twice"):
        localize(datetime(2026, 10, 25, 2, 30))
    first = localize(datetime(2026, 10, 25, 2, 30), fold=0)
    second = localize(datetime(2026, 10, 25, 2, 30), fold=1)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    assert is_ambiguous(datetime(2026, 10, 25, 2, 0)) and not is_ambiguous(datetime(2026, 10, 25, 3, 0))
    assert is_nonexistent(datetime(2026, 3, 29, 2, 0)) and not is_nonexistent(datetime(2026, 3, 29, 3, 0))


def test_french_public_holidays_2026():
    # Easter Sunday 2026 is 5 April: Easter Monday 6 April, Ascension 14 May, Whit Monday 25 May.
    days = public_holidays(2026)
    assert len(days) == 11
    for d in (date(2026, 1, 1), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 8), date(2026, 5, 14),
              date(2026, 5, 25), date(2026, 7, 14), date(2026, 8, 15), date(2026, 11, 1), date(2026, 11, 11),
              date(2026, 12, 25)):
        assert is_public_holiday(d)
    assert not is_public_holiday(date(2026, 12, 26))
    assert is_public_holiday(date(2026, 12, 26), "57")  # Saint-Étienne in Alsace-Moselle


def test_month_arithmetic():
    m = Month.parse("2026-01")
    assert str(m.previous()) == "2025-12" and str(m.plus(13)) == "2027-02" and str(m.plus(-1)) == "2025-12"
    assert Month.parse("2028-02").last_day == date(2028, 2, 29)
    with pytest.raises(CalendarError, match="YYYY-MM"):
        Month.parse("10/2026")
    with pytest.raises(CalendarError, match="15, 30 or 60"):
        day_intervals(FALL_BACK, 20)
