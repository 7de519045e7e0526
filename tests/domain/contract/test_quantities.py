"""Units as written in a contract: parse ↔ format round trips and refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from charte.domain.contract.quantities import (
    format_percent,
    format_seconds,
    parse_amount,
    parse_month_day,
    parse_percent,
    parse_seconds,
    parse_span,
)


@pytest.mark.parametrize(("text", "fraction"), [("10%", "0.10"), ("0.5%", "0.005"), ("100%", "1"), ("12,5 %", "0.125")])
def test_percent_reads_as_fraction(text: str, fraction: str) -> None:
    assert parse_percent(text) == Decimal(fraction)


@given(st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False))
def test_percent_round_trip(value: Decimal) -> None:
    fraction = value / 100
    assert parse_percent(format_percent(fraction)) == fraction


@pytest.mark.parametrize("bad", ["10", 0.1, 10, "ten %", True])
def test_percent_needs_its_sign(bad: object) -> None:
    with pytest.raises(PydanticCustomError) as raised:
        parse_percent(bad)
    assert raised.value.type == "invalid_percentage"


def test_amount_refuses_floats_and_keeps_cents() -> None:
    assert parse_amount("28.50") == Decimal("28.50") and str(parse_amount("28.50")) == "28.50"
    assert parse_amount("1 234,50") == Decimal("1234.50")
    assert parse_amount(40) == Decimal(40)
    with pytest.raises(PydanticCustomError) as raised:
        parse_amount(28.5)
    assert raised.value.type == "amount_not_exact"
    assert '"28.50"' in raised.value.message()
    with pytest.raises(PydanticCustomError):
        parse_amount("-1")


@pytest.mark.parametrize(("text", "seconds"), [("20s", 20), ("5min", 300), ("4h", 14400), ("90 seconds", 90)])
def test_seconds(text: str, seconds: int) -> None:
    assert parse_seconds(text) == seconds


@given(st.integers(min_value=0, max_value=10**6))
def test_seconds_round_trip(seconds: int) -> None:
    assert parse_seconds(format_seconds(seconds)) == seconds


def test_seconds_need_a_unit() -> None:
    with pytest.raises(PydanticCustomError) as raised:
        parse_seconds(20)
    assert raised.value.type == "invalid_duration" and "'20s'" in raised.value.message()


def test_calendar_spans() -> None:
    month = parse_span("1 month")
    assert str(month) == "1 month" and str(parse_span("45 days")) == "45 days"
    assert month.before(date(2026, 3, 31)) == date(2026, 2, 28)  # clamped to the month's end
    assert parse_span("2 weeks").after(date(2026, 1, 1)) == date(2026, 1, 15)
    assert parse_span("1 year").approx_months == 12
    with pytest.raises(PydanticCustomError):
        parse_span("a fortnight")


def test_month_day() -> None:
    assert str(parse_month_day("01-01")) == "01-01"
    assert parse_month_day("02-29").in_year(2027) == date(2027, 2, 28)
    with pytest.raises(PydanticCustomError):
        parse_month_day("13-01")
