from datetime import date
from decimal import Decimal

import pytest

from charte.domain import law


def test_values_come_with_their_source():
    r = law.resolve("payment.max_days_from_invoice", date(2026, 10, 31))
    assert r.value == Decimal(60) and "L441-10" in r.source and not r.overridden
    assert law.value("recovery_indemnity.eur", date(2026, 1, 1)) == Decimal(40)


def test_a_constant_does_not_exist_before_its_date():
    with pytest.raises(law.UnknownConstantError, match="no value before 2013-01-01"):
        law.resolve("recovery_indemnity.eur", date(2012, 6, 1))


def test_contract_override_wins_and_says_so():
    r = law.resolve("recovery_indemnity.eur", date(2026, 1, 1), {"recovery_indemnity.eur": Decimal(60)})
    assert r.value == Decimal(60) and r.overridden and "override" in r.source


def test_unknown_key_lists_the_known_ones():
    with pytest.raises(law.UnknownConstantError, match=r"payment\.default_days"):
        law.resolve("payment.nonsense", date(2026, 1, 1))


def test_every_entry_cites_a_source():
    for entry in law.TABLE + law.CHARTER_PRACTICE:
        assert entry.source and entry.unit
