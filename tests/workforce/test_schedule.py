import numpy as np
import pytest

from charte.workforce.schedule import ScheduleError, Shift, ShiftRules, schedule_shifts, shift_catalogue


def independent_coverage(shifts: tuple[tuple[Shift, int], ...], days: int, slots: int) -> np.ndarray:
    """Agents present per (day, slot), counted from the shift list alone."""
    coverage = np.zeros((days, slots), dtype=int)
    for shift, count in shifts:
        for slot in range(shift.start, shift.start + shift.length):
            if slot != shift.break_slot:
                coverage[shift.day, slot] += count
    return coverage


def realistic_week() -> np.ndarray:
    """Agents needed per half hour 07:00–21:00, a morning and an afternoon peak, Monday highest."""
    t = np.arange(28)
    shape = np.exp(-(((t - 6) / 4) ** 2)) + 0.8 * np.exp(-(((t - 15) / 5) ** 2)) + 0.15
    return np.array([np.ceil(60 * f * shape) for f in (1.15, 1.0, 0.95, 0.97, 1.02)]).astype(np.int64)


def test_a_requirement_of_two_agents_for_eight_hours_costs_sixteen_hours() -> None:
    required = np.zeros((1, 20), dtype=np.int64)
    required[0, 2:18] = 2  # 16 half-hours
    schedule = schedule_shifts(required, 30)
    assert schedule.cost == pytest.approx(16.0)
    assert schedule.lp_bound == pytest.approx(16.0)
    np.testing.assert_array_equal(independent_coverage(schedule.shifts, 1, 20), schedule.coverage)


@pytest.mark.parametrize("rules", [ShiftRules(), ShiftRules(lengths_hours=(7.0, 8.0))])
def test_a_realistic_week_is_covered_within_two_percent_of_the_lp_bound(rules: ShiftRules) -> None:
    required = realistic_week()
    schedule = schedule_shifts(required, 30, rules)
    coverage = independent_coverage(schedule.shifts, *required.shape)
    np.testing.assert_array_equal(coverage, schedule.coverage)
    assert np.all(coverage >= required)
    assert schedule.under_covered_intervals == []
    paid = sum(count * shift.paid_slots * 0.5 for shift, count in schedule.shifts)
    assert schedule.cost == pytest.approx(paid)
    assert schedule.lp_bound <= schedule.cost <= 1.02 * schedule.lp_bound
    assert all(s.break_slot is not None for s, _ in schedule.shifts if s.length > 12)


def test_a_capped_workforce_reports_the_intervals_it_cannot_cover() -> None:
    required = np.full((1, 16), 3, dtype=np.int64)
    schedule = schedule_shifts(required, 30, ShiftRules(lengths_hours=(8.0,), max_agents_per_day=2))
    coverage = independent_coverage(schedule.shifts, 1, 16)
    np.testing.assert_array_equal(coverage, schedule.coverage)
    missing = {(d, s): n for d, s, n in schedule.under_covered_intervals}
    assert missing == {(0, s): 3 - coverage[0, s] for s in range(16) if coverage[0, s] < 3}
    assert sum(missing.values()) >= 16  # two agents can give at most 30 of the 48 agent-slots asked


def test_breaks_keep_their_margin_and_impossible_rules_are_refused() -> None:
    for shift in shift_catalogue(1, 28, 30):
        if shift.break_slot is not None:
            assert shift.start + 4 <= shift.break_slot < shift.start + shift.length - 4
    with pytest.raises(ScheduleError, match="no_admissible_shift"):
        shift_catalogue(1, 6, 30, ShiftRules(lengths_hours=(4.0,)))
