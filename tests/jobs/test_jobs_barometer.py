"""The barometer's work-study placements (issue 22): the job board's placements of a school year per function,
published under the observatory's disclosure rules (at least 3 host companies in a cell, none above 80 % of it),
with complementary suppression so that a withheld function is not the total minus the others."""

from __future__ import annotations

from charte.jobs.workstudy import OUTSIDE_THE_BOARD, placements_release


def test_a_function_placed_by_three_companies_is_published() -> None:
    # service: hosts A (2), B (1), C (1) → 4 placements, 3 companies, the largest 2/4 = 50 % ≤ 80 %: published.
    # commercial: D (1), E (1), F (1) → 3, published; support: none → empty (0); total: 7 over 6 companies.
    placements = [("A", "service"), ("A", "service"), ("B", "service"), ("C", "service"),
                  ("D", "commercial"), ("E", "commercial"), ("F", "commercial")]
    release = placements_release("2026-2027", placements)
    published = {f: c.published for f, c in release.cells.items()}
    assert published == {"service": 4, "commercial": 3, "support": 0, "total": 7}


def test_a_function_placed_by_one_company_is_withheld_and_cannot_be_recovered() -> None:
    # commercial: only D (1) → fewer than 3 companies: withheld (primary). With service (3 companies, 3) and
    # support (empty) published, a published total 4 would give commercial = 4 − 3 − 0 = 1: something else
    # must be withheld too.
    placements = [("A", "service"), ("B", "service"), ("C", "service"), ("D", "commercial")]
    cells = placements_release("2026-2027", placements).cells
    assert cells["commercial"].status == "primary" and cells["commercial"].mark == "(s)"
    shown = [cells[f].published for f in ("service", "support", "total")]
    assert None in shown


def test_placements_outside_the_board_count_as_one_company() -> None:
    # three placements the trade body recorded for cohorts (hosts unknown) are ONE contributor: withheld.
    release = placements_release("2026-2027", [(OUTSIDE_THE_BOARD, "service")] * 3)
    assert release.cells["service"].status == "primary"
    assert release.cells["service"].members == 1
