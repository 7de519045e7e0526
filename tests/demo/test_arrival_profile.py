import numpy as np
import pytest
from tests.conftest import shared_data

from charte.demo.arrival_profile import SLOTS_PER_DAY, derive, embedded


def test_embedded_profile_is_a_distribution_per_weekday():
    p = embedded()
    assert p.intraday.shape == (5, SLOTS_PER_DAY)
    assert np.allclose(p.intraday.sum(axis=1), 1.0, atol=1e-6)
    assert p.level.mean() == pytest.approx(1.0, abs=1e-6)
    # Monday is the busiest weekday of the source (Brown/Weinberg bank data)
    assert p.level.argmax() == 0


@pytest.mark.realdata
def test_embedded_profile_matches_the_real_data():
    fresh = derive(shared_data("bank-calls-2003", "calls_5min_2003.csv"))
    assert fresh.days_used == 164  # 169 weekdays between 3 Mar and 24 Oct 2003, six missing... see README
    assert np.allclose(fresh.intraday, embedded().intraday, atol=1e-7)
    assert np.allclose(fresh.level, embedded().level, atol=1e-6)
