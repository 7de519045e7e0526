"""Work-study supply and demand per city and function, counted by hand."""

from __future__ import annotations

from datetime import date

import pytest

from charte.jobs.workstudy import (
    ANY,
    CohortDemand,
    PlacementMade,
    PlacesOffered,
    SeekerWish,
    dashboard,
    school_year,
    school_year_bounds,
)


def test_school_years_run_from_september_to_august() -> None:
    assert school_year(date(2026, 9, 1)) == "2026-2027"
    assert school_year(date(2027, 8, 31)) == "2026-2027"
    assert school_year(date(2026, 8, 31)) == "2025-2026"
    assert school_year_bounds("2026-2027") == (date(2026, 9, 1), date(2027, 8, 31))
    with pytest.raises(ValueError, match="2026-2027"):
        school_year_bounds("2026-2028")


def test_supply_demand_placements_and_unfilled_places() -> None:
    offers = [PlacesOffered("o1", "69123", "service", 4, date(2026, 9, 1)),
              PlacesOffered("o2", "69123", "commercial", 2, date(2026, 10, 1)),
              PlacesOffered("o3", "31555", "service", 3, date(2026, 9, 15)),
              PlacesOffered("old", "69123", "service", 9, date(2026, 6, 1))]          # previous school year
    cohorts = [CohortDemand("c1", "69123", None, 12, date(2026, 9, 7)),
               CohortDemand("c2", "31555", "service", 8, date(2026, 9, 7))]
    placements = [PlacementMade("69123", "service", date(2026, 9, 3), "o1", "c1"),
                  PlacementMade("69123", "service", date(2026, 9, 4), "o1", None),
                  PlacementMade("69123", "service", date(2026, 9, 5), None, "c1"),          # found elsewhere
                  PlacementMade("31555", "service", date(2026, 9, 20), "o3", "c2"),
                  PlacementMade("31555", "service", date(2026, 8, 20), "o3", "c2")]         # before the year
    seekers = [SeekerWish(("69123", "69266"), ("service", "commercial")), SeekerWish(("31555",), ("support",))]
    board = dashboard("2026-2027", offers, cohorts, placements, seekers)
    lyon_service = board.cells[("69123", "service")]
    assert (lyon_service.places_offered, lyon_service.placements, lyon_service.unfilled) == (4, 3, 2)
    assert lyon_service.candidates_seeking == 1
    assert board.cells[("69123", ANY)].students == 12
    assert board.cells[("69123", "commercial")].unfilled == 2
    toulouse = board.cells[("31555", "service")]
    assert (toulouse.places_offered, toulouse.students, toulouse.placements, toulouse.unfilled) == (3, 8, 1, 2)
    assert board.unplaced_by_cohort == {"c1": 10, "c2": 7}
    total = board.total()
    assert (total.places_offered, total.students, total.placements, total.candidates_seeking) == (9, 20, 4, 5)
    assert board.cities() == ["31555", "69123", "69266"]
