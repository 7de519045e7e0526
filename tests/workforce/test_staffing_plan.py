from datetime import date

import mpmath
import numpy as np
import pytest

from charte.workforce.staffing_plan import StaffingPlanError, StaffingTarget, scheduled_agents, staffing_plan

DAYS = (date(2026, 11, 23), date(2026, 11, 24))


def erlang_c_agents_by_mpmath(calls: float, period: float, aht: float, target: float, t: float) -> int:
    """Fewest agents with 1 − C(n, A)·exp(−(n − A)·t/AHT) ≥ target (Erlang C, closed form, 50 digits)."""
    mpmath.mp.dps = 50
    a = mpmath.mpf(calls) * aht / period
    n = int(mpmath.floor(a)) + 1
    while True:
        head = sum(a**k / mpmath.factorial(k) for k in range(n))
        tail = a**n / mpmath.factorial(n) * n / (n - a)
        wait = tail / (head + tail)
        if 1 - wait * mpmath.exp(-(n - a) * t / aht) >= target:
            return n
        n += 1


def test_required_agents_per_interval_match_an_independent_erlang_c() -> None:
    calls = np.array([[100.0, 250.0, 40.0], [0.0, 180.0, 60.0]])
    target = StaffingTarget(aht_seconds=180.0, sl_target=0.8, sl_seconds=20.0, shrinkage=0.3)
    plan = staffing_plan(DAYS, calls, 30, target)
    expected = [[erlang_c_agents_by_mpmath(c, 1800, 180, 0.8, 20) if c > 0 else 0 for c in row] for row in calls]
    np.testing.assert_array_equal(plan.required, expected)
    assert plan.required[0, 0] == 14  # the textbook case: 10 Erlangs at 80/20 needs 14 agents


def test_shrinkage_fte_and_the_two_exports() -> None:
    calls = np.array([[100.0, 250.0], [60.0, 180.0]])
    plan = staffing_plan(DAYS, calls, 30, StaffingTarget(aht_seconds=180.0, sl_target=0.8, sl_seconds=20.0,
                                                        shrinkage=0.3))
    np.testing.assert_array_equal(plan.scheduled, np.ceil(plan.required / 0.7 - 1e-9))
    rows = plan.per_interval()
    assert [(r.day, r.slot) for r in rows][:3] == [(DAYS[0], 0), (DAYS[0], 1), (DAYS[1], 0)]
    days = plan.per_day()
    assert days[0].calls == 350.0
    assert days[0].scheduled_agent_hours == pytest.approx(plan.scheduled[0].sum() * 0.5)
    assert days[0].fte == pytest.approx(days[0].scheduled_agent_hours / 7.0)  # 35 h / 5 days
    assert plan.fte == pytest.approx(sum(d.fte for d in days) / 5)


def test_patience_lowers_the_requirement_erlang_a_versus_c() -> None:
    calls = np.array([[300.0]])
    impatient = staffing_plan(DAYS[:1], calls, 30, StaffingTarget(180.0, 0.8, 20.0, patience_seconds=60.0))
    patient = staffing_plan(DAYS[:1], calls, 30, StaffingTarget(180.0, 0.8, 20.0))
    assert impatient.required[0, 0] <= patient.required[0, 0]


def test_scheduled_agents_and_bad_inputs() -> None:
    np.testing.assert_array_equal(scheduled_agents(np.array([7, 10, 0]), 0.3), [10, 15, 0])
    with pytest.raises(StaffingPlanError, match="shrinkage_out_of_range"):
        StaffingTarget(180.0, 0.8, 20.0, shrinkage=1.0)
    with pytest.raises(StaffingPlanError, match="calls_shape"):
        staffing_plan(DAYS, np.zeros((1, 3)), 30, StaffingTarget(180.0, 0.8, 20.0))
