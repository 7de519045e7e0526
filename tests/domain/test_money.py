from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charte.domain.money import D, Money, MoneyError, round_cents, total


def test_d_reads_french_and_plain_decimals():
    assert D("28.50") == Decimal("28.50")
    assert D("28,50") == Decimal("28.50")
    assert D("1 234,50") == Decimal("1234.50")
    assert D("1\u202f234,5") == Decimal("1234.5")
    assert D(12) == Decimal(12)


@pytest.mark.parametrize("bad", [0.1, True, "12,3,4", "abc", "NaN", "Infinity", None])
def test_d_refuses_inexact_or_unreadable_values(bad):
    with pytest.raises(MoneyError):
        D(bad)


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("0.005", "0.01"), ("0.015", "0.02"), ("-0.005", "-0.01"), ("2.675", "2.68"), ("1.004999", "1.00")],
)
def test_rounding_is_half_away_from_zero(amount, cents):
    # Hand-checked: commercial rounding (arrondi commercial), not banker's rounding.
    assert round_cents(Decimal(amount)) == Decimal(cents)


def test_money_is_exact_until_rounded():
    price = Money.of("28.50")
    line = price * Decimal("1.0327")  # an indexed price, 28.50 × 1.0327 = 29.43195
    assert line.amount == Decimal("29.431950")
    assert line.rounded().amount == Decimal("29.43")
    assert line.cents == 2943
    assert not line.is_rounded
    assert Money.from_cents(2943) == line.rounded()


def test_money_refuses_floats_in_arithmetic():
    with pytest.raises(TypeError):
        Money.of("1") * 1.5  # type: ignore[operator]


def test_french_format():
    assert Money.of("1234.5").format_fr() == "1\u202f234,50\u00a0€"


cents = st.integers(min_value=-10**12, max_value=10**12)


@given(st.lists(cents, max_size=50))
def test_total_of_rounded_lines_is_exact(values):
    lines = [Money.from_cents(v) for v in values]
    assert total(lines).cents == sum(values)
    assert total(lines).is_rounded
