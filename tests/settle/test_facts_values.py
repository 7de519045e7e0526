"""Facts given in memory: counts are whole, seconds are numbers, a column a price needs is never read as 0."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from tests.settle.scenarios import contract

from charte.domain.calendar import Month
from charte.settle import IntervalBlock, SettlementError, settle
from charte.settle.facts import Facts

START = np.array([datetime(2026, 10, 5, 7, tzinfo=UTC), datetime(2026, 10, 5, 7, 30, tzinfo=UTC)])


def build(**columns: object) -> IntervalBlock:
    base: dict[str, object] = {"interval_start": START, "offered": [10, 10], "handled": [9, 9], "abandoned": [1, 1]}
    return IntervalBlock.build("inbound", {**base, **columns})


def test_a_fractional_count_is_refused_not_truncated() -> None:
    with pytest.raises(SettlementError) as error:
        build(offered=np.array([10.0, 8500.7]))
    (problem,) = error.value.problems
    assert problem.code == "not_a_whole_number" and "8500.7" in problem.message and "row 2" in problem.message


def test_nan_seconds_are_refused_not_read_as_zero() -> None:
    with pytest.raises(SettlementError) as error:
        build(handle_seconds=np.array([300.0, math.nan]))
    (problem,) = error.value.problems
    assert problem.code == "missing_value" and "`handle_seconds` is nan on row 2" in problem.message


def test_billing_per_productive_hour_needs_the_productive_seconds_column() -> None:
    # contact records carry no agent time: an interval report without productive_seconds used to bill 0.00 h
    facts = Facts.of(intervals=[build(handle_seconds=[300.0, 300.0])])
    with pytest.raises(SettlementError) as error:
        settle(contract(), Month(2026, 10), facts)
    assert "missing_column" in error.value.codes
    assert any("productive_seconds" in p.message for p in error.value.problems)
