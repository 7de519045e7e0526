"""The pay floor of an offer, worked by hand from the SMIC and the Code du travail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from charte.domain.law import Resolved
from charte.jobs.pay import check_pay_floor, minimum_for, smic_of

D = Decimal


def smic_1202(day: date) -> Resolved:
    """The SMIC of 1 January 2026 (décret n° 2025-1228: 12.02 € gross per hour), known until 31 May 2026."""
    if not date(2026, 1, 1) <= day <= date(2026, 5, 31):
        raise LookupError(day)
    return Resolved("smic.hourly_gross", D("12.02"), "EUR gross per hour", "Décret n° 2025-1228", False)


START = date(2026, 3, 2)


def test_the_monthly_smic_for_35_hours_is_the_published_one() -> None:
    # 12.02 × 35 × 52 / 12 = 1,823.0333… → 1,823.03 €, the monthly SMIC published for 2026 (DOMAIN.md)
    assert minimum_for("month", D(35), D("12.02")) == D("1823.03")
    assert check_pay_floor("cdi", D("1823.03"), "month", D(35), START, smic_1202) == []
    [problem] = check_pay_floor("cdi", D("1823.02"), "month", D(35), START, smic_1202)
    assert (problem.field, problem.code) == ("pay_min", "pay_below_minimum")
    assert problem.params["least"] == D("1823.03")


@pytest.mark.parametrize(("period", "hours", "least"), [
    ("hour", "35", "12.02"),
    ("year", "35", "21876.40"),      # 12.02 × 35 × 52 = 21,876.40
    ("month", "24", "1250.08"),      # 12.02 × 24 × 52 / 12 = 1,250.08 (part time)
    ("month", "39", "2031.38"),      # 12.02 × 39 × 52 / 12 = 2,031.38 (hours beyond 35 are paid at least the SMIC)
])
def test_each_period_is_brought_to_the_stated_hours(period: str, hours: str, least: str) -> None:
    assert check_pay_floor("cdd", D(least), period, D(hours), START, smic_1202) == []  # type: ignore[arg-type]
    below = D(least) - D("0.01")
    assert [p.code for p in check_pay_floor("interim", below, period, D(hours), START, smic_1202)] == [  # type: ignore[arg-type]
        "pay_below_minimum"]


def test_work_study_is_checked_against_the_lowest_legal_share() -> None:
    # apprenticeship: 27 % of the SMIC (under 18, first year; Code du travail D6222-26):
    # 0.27 × 12.02 × 35 × 52 / 12 = 492.219 → 492.22 €
    assert check_pay_floor("apprenticeship", D("492.22"), "month", D(35), START, smic_1202) == []
    [problem] = check_pay_floor("apprenticeship", D("492.21"), "month", D(35), START, smic_1202)
    assert problem.params["least"] == D("492.22") and problem.params["share"] == "27 %"
    # professionalisation: 55 %: 0.55 × 12.02 × 35 × 52 / 12 = 1,002.668… → 1,002.67 €
    assert check_pay_floor("professionalisation", D("1002.67"), "month", D(35), START, smic_1202) == []
    assert check_pay_floor("professionalisation", D("1002.66"), "month", D(35), START, smic_1202)


def test_an_internship_is_not_checked_against_the_smic() -> None:
    assert check_pay_floor("internship", D("4.00"), "hour", D(35), START, smic_1202) == []


def test_a_start_date_past_the_smic_table_is_refused_at_the_start_date() -> None:
    [problem] = check_pay_floor("cdi", D("3000"), "month", D(35), date(2026, 6, 1), smic_1202)
    assert (problem.field, problem.code) == ("start_on", "smic_unknown")


def test_the_law_table_gives_the_smic_of_2025() -> None:
    # décret n° 2024-951: 11.88 € from 1 November 2024, unchanged on 1 January 2025
    assert smic_of(date(2025, 6, 1)).value == D("11.88")
