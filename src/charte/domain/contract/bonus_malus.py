"""Axis 3 of the SP2C charter (2019): proper use of bonus, malus and penalties.

A **grid** per service commitment: a malus of ``per_point`` of the base per point (percentage
point, or second for ASA) the result falls short of ``below`` (the commitment's target when
absent), and a bonus of ``per_point`` per point above ``above``. Each grid is capped
(``cap_malus``, ``cap_bonus``, as shares of the base) and the sum over all grids is capped
again (``overall_cap``). The base is the month's invoice of the activity (or the whole
contract).

**Points** (``points``): the gap between the result and the threshold, in percentage points
(seconds for ASA). By default ``pro_rata``: the gap as measured, to the hundredth of a point
(79.55% against 82% is 2.45 points); ``full_points`` counts whole points only (2), as
"par point entier"; ``started_points`` counts a started point whole (3), as "par point ou
fraction de point".

Charter principles made explicit: **symmetry** (a grid that can cost the provider can also
reward it), **no double penalty** (one shortfall is penalised once, even if two commitments
measure it), and **incident exclusions** (months or intervals hit by a client-side incident
or force majeure are set aside).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from charte.domain.contract.clause import Clause
from charte.domain.contract.quantities import ExactNumber, Percent, Share


class MalusRule(Clause):
    """Malus: ``per_point`` of the base for each point under ``below``."""

    per_point: Percent
    below: ExactNumber | None = Field(default=None, description="threshold ('78%'; seconds for ASA); target if absent")


class BonusRule(Clause):
    """Bonus: ``per_point`` of the base for each point over ``above``."""

    per_point: Percent
    above: ExactNumber | None = Field(default=None, description="threshold ('85%'; seconds for ASA); target if absent")


class Grid(Clause):
    """The bonus/malus grid of one service commitment, with its caps (shares of the base)."""

    malus: MalusRule | None = None
    bonus: BonusRule | None = None
    cap_malus: Share | None = None
    cap_bonus: Share | None = None


class OverallCap(Clause):
    """Caps over all grids together, as shares of the base."""

    malus: Share
    bonus: Share | None = None


IncidentKind = Literal["client_outage", "telecom_outage", "force_majeure", "strike", "client_process_change"]


class BonusMalus(Clause):
    """Axis 3: grids per commitment (keyed by commitment id) and the rules over them."""

    base: Literal["activity_invoice", "contract_invoice"] = "activity_invoice"
    grids: dict[str, Grid] = Field(min_length=1)
    overall_cap: OverallCap
    points: Literal["pro_rata", "full_points", "started_points"] = Field(
        default="pro_rata",
        description="pro_rata: every fraction of a point counts (gap measured to the hundredth of a point); "
                    "full_points: only whole points count; started_points: a started point counts whole")
    symmetric: bool = True
    no_double_penalty: bool = True
    excluded_incidents: tuple[IncidentKind, ...] = ("client_outage", "force_majeure")
