"""Axis 7 of the SP2C charter (2019) and Code de commerce L442-1 II: ending the contract responsibly.

Ending an established commercial relationship, even partially, needs written **notice**
reflecting its length (``relationship_since``); 18 months protect from any claim
(law table ``notice.safe_harbour_months``). ``notice_per_year`` states a proportional rule the
parties agree on (a practice, e.g. one month per year of relationship). The **ramp-down**
reduces volumes gradually over the notice so the provider can redeploy or train its staff.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from charte.domain.contract.clause import Clause
from charte.domain.contract.quantities import CalendarSpan, Share


class RampDown(Clause):
    """How volumes fall during the notice: ``linear`` to zero, by ``steps``, or ``none``."""

    profile: Literal["linear", "steps", "none"] = "linear"
    over: CalendarSpan | None = Field(default=None, description="the whole notice when absent")
    minimum_volume: Share | None = Field(default=None, description="volume guaranteed during ramp-down, of forecast")


class Exit(Clause):
    """Axis 7: notice and ramp-down."""

    notice: CalendarSpan
    notice_per_year: CalendarSpan | None = Field(default=None, description="agreed notice per year of relationship")
    ramp_down: RampDown = RampDown()
    reversibility: bool = Field(default=True, description="the provider hands over knowledge and data at the end")
