"""Axis 4 of the SP2C charter (2019): a socially responsible price.

Inputs of the cost floor of a productive hour. The charter's public text gives no figure,
so every input is a contract setting with a documented default, overridable in the YAML:

    loaded hour   = hourly wage × (1 + employer charges)
    paid per productive hour = 1 ÷ ((1 − shrinkage) × occupancy)
    supervision   = supervisor loaded hour ÷ span of control
    floor per productive hour = (loaded hour × paid per productive hour + supervision)
                                × (1 + overheads) × (1 + margin)

Shrinkage is the share of paid time not logged (breaks, training, absence); occupancy the
share of logged time spent handling (DOMAIN.md). The computation lives with settlement.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from charte.domain.contract.clause import Clause
from charte.domain.contract.quantities import Amount, Percent, Share


class PriceFloor(Clause):
    """Axis 4 inputs; the defaults are stated settings, not charter figures."""

    classification: str | None = Field(default=None, description="job classification of the agents, e.g. 'niveau II'")
    hourly_wage: Amount = Field(description="gross hourly wage of an agent, EUR")
    employer_charges: Percent = Field(default=Decimal("0.42"))
    shrinkage: Share = Field(default=Decimal("0.30"))
    occupancy: Share = Field(default=Decimal("0.85"))
    span_of_control: int = Field(default=15, ge=1, description="agents per team leader")
    supervisor_hourly_wage: Amount | None = Field(default=None, description="gross; 1.3 × agent wage when absent")
    overheads: Percent = Field(default=Decimal("0.15"))
    margin: Percent = Field(default=Decimal("0.05"))
