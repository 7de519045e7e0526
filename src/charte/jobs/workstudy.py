"""Work-study (alternance): the schools' cohorts, the places host platforms offer, the placements made.

The founding partnership (SMT and the IGS group, 2002: a work-study diploma "assistance-conseil vente à
distance", pilot cities Paris, Lyon and Toulouse, "the difficulty is finding young people, not placing them")
is followed here per **school year** (1 September – 31 August) and per **city** (a commune; the arrondissements
of Paris, Lyon and Marseille count in their city) and **function**:

- *places offered* (supply): the places of members' work-study offers starting in the year, once approved
  (pending and hidden offers do not count);
- *students* (demand): the students of the schools' cohorts starting in the year; a cohort that names no
  function counts under ``any``;
- *candidates seeking* (demand): candidates of the job board who look for work-study in that city and function
  and are not placed;
- *placements*: work-study placements made in the year (by a member hiring an applicant to a work-study offer,
  or recorded by the trade body), counted without any link to the person;
- *unfilled places*: places offered minus the placements made on those offers, never below zero.

Only totals by city and function are shown: no member's figure. The barometer (``/observatory``) publishes
the year's placements per function under the observatory's disclosure control (:func:`placements_release`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from charte.observatory.disclosure import Atom, CellSpec, DisclosureRules, ProtectedCell, protect
from charte.observatory.members import FUNCTIONS

ANY: Final = "any"


def school_year(day: date) -> str:
    """``2026-2027`` for any day from 1 September 2026 to 31 August 2027."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}-{first + 1}"


def school_year_bounds(year: str) -> tuple[date, date]:
    first = int(year[:4])
    if year != f"{first}-{first + 1}":
        raise ValueError(f"school year {year!r}: expected e.g. 2026-2027")
    return date(first, 9, 1), date(first + 1, 8, 31)


@dataclass(frozen=True)
class PlacesOffered:
    offer_id: str
    city: str            # the city's INSEE code
    function: str
    places: int
    start_on: date


@dataclass(frozen=True)
class CohortDemand:
    cohort_id: str
    city: str
    function: str | None
    students: int
    starts_on: date


@dataclass(frozen=True)
class PlacementMade:
    city: str
    function: str
    placed_on: date
    offer_id: str | None = None
    cohort_id: str | None = None


@dataclass(frozen=True)
class SeekerWish:
    cities: tuple[str, ...]
    functions: tuple[str, ...]


@dataclass
class Cell:
    places_offered: int = 0
    students: int = 0
    candidates_seeking: int = 0
    placements: int = 0
    placements_on_offers: int = 0

    @property
    def unfilled(self) -> int:
        return max(0, self.places_offered - self.placements_on_offers)

    @property
    def demand(self) -> int:
        return self.students + self.candidates_seeking


@dataclass
class Dashboard:
    year: str
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)   # (city, function) → figures
    unplaced_by_cohort: dict[str, int] = field(default_factory=dict)

    def cities(self) -> list[str]:
        return sorted({c for c, _ in self.cells})

    def total(self) -> Cell:
        out = Cell()
        for cell in self.cells.values():
            out.places_offered += cell.places_offered
            out.students += cell.students
            out.candidates_seeking += cell.candidates_seeking
            out.placements += cell.placements
            out.placements_on_offers += cell.placements_on_offers
        return out


def dashboard(year: str, offers: list[PlacesOffered], cohorts: list[CohortDemand],
              placements: list[PlacementMade], seekers: list[SeekerWish]) -> Dashboard:
    """The supply and demand of one school year, per city and function (see the module docstring)."""
    first, last = school_year_bounds(year)
    cells: dict[tuple[str, str], Cell] = defaultdict(Cell)
    offered = {o.offer_id for o in offers if first <= o.start_on <= last}
    for o in offers:
        if o.offer_id in offered:
            cells[(o.city, o.function)].places_offered += o.places
    in_year = [c for c in cohorts if first <= c.starts_on <= last]
    for c in in_year:
        cells[(c.city, c.function or ANY)].students += c.students
    placed_by_cohort: dict[str, int] = defaultdict(int)
    for p in placements:
        if first <= p.placed_on <= last:
            cell = cells[(p.city, p.function)]
            cell.placements += 1
            if p.offer_id in offered:
                cell.placements_on_offers += 1
            if p.cohort_id:
                placed_by_cohort[p.cohort_id] += 1
    for s in seekers:
        for city in dict.fromkeys(s.cities):
            for function in s.functions:
                cells[(city, function)].candidates_seeking += 1
    return Dashboard(year, dict(cells), {c.cohort_id: max(0, c.students - placed_by_cohort[c.cohort_id])
                                         for c in in_year})


OUTSIDE_THE_BOARD: Final = "outside the job board"


@dataclass(frozen=True)
class PlacementsRelease:
    """The work-study placements of a school year per function, as the barometer publishes them (issue 22):
    each cell under the observatory's disclosure control, by host company (:mod:`charte.observatory.disclosure`:
    at least ``min_members`` companies, none dominant; complementary suppression so that no withheld cell is
    recovered from the total)."""

    year: str
    cells: dict[str, ProtectedCell]  # function (service, commercial, support, total) → cell

    @property
    def functions(self) -> tuple[str, ...]:
        return (*FUNCTIONS, "total")


def placements_release(year: str, placements: Iterable[tuple[str, str]],
                       rules: DisclosureRules | None = None) -> PlacementsRelease:
    """``placements``: (host, function) of each placement of the year — the host is the SIREN of the member whose
    offer was filled, or :data:`OUTSIDE_THE_BOARD` for the placements the trade body recorded for a cohort (their
    hosts unknown, counted as ONE contributor, so they never make a cell look shared by more companies)."""
    data: dict[tuple[str, Atom], int] = {}
    for host, function in placements:
        key = (host, (year, function))
        data[key] = data.get(key, 0) + 1
    specs = [CellSpec(("work_study", f), frozenset({(year, f)})) for f in FUNCTIONS]
    specs.append(CellSpec(("work_study", "total"), frozenset((year, f) for f in FUNCTIONS)))
    release = protect(specs, data, rules)
    return PlacementsRelease(year, {key[1]: cell for key, cell in release.cells.items()})
