"""Axis 4 of the SP2C charter (2019): a socially responsible price.

Inputs of the cost floor of a productive hour. The charter's public text gives no figure,
so every input is a contract setting with a documented default, overridable in the YAML.

The employer's cost of an hour is computed from the law (:mod:`charte.charter.price_floor`):
the employer contribution rates of the dated law table, plus the provider's own rates
(``accident_rate``: its AT-MP rate; ``other_employer_charges``: vocational training,
apprenticeship tax, AGS, social dialogue, mobility, health cover and prévoyance), minus the
single degressive general reduction (RGDU) at the wage. A contract may instead state a flat
rate, ``employer_charges``: an explicit override (then the law's model and the two settings
above are not used, and stating them too is refused).

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

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from charte.domain.contract.clause import Clause
from charte.domain.contract.quantities import Amount, Percent, Share


class PriceFloor(Clause):
    """Axis 4 inputs; the defaults are stated settings, not charter figures."""

    classification: str | None = Field(default=None, description="job classification of the agents, e.g. 'niveau II'")
    hourly_wage: Amount = Field(description="gross hourly wage of an agent, EUR")
    employer_charges: Percent | None = Field(
        default=None, description="flat employer charges, an explicit override of the law's model (RGDU)")
    employer_headcount: int = Field(default=50, ge=1, description="employees of the provider: sets FNAL and "
                                    "Tdelta (fewer than 50, or 50 and more)")
    accident_rate: Percent = Field(default=Decimal("0.01"), description="the provider's AT-MP rate (company-specific,"
                                   " notified by the CARSAT); 1 % is a setting, not a legal figure")
    other_employer_charges: Percent = Field(
        default=Decimal("0.03"), description="training, apprenticeship tax, AGS, social dialogue, mobility, health "
        "cover, prévoyance (company-specific); 3 % is a setting, not a legal figure")
    shrinkage: Share = Field(default=Decimal("0.30"))
    occupancy: Share = Field(default=Decimal("0.85"))
    span_of_control: int = Field(default=15, ge=1, description="agents per team leader")
    supervisor_hourly_wage: Amount | None = Field(default=None, description="gross; 1.3 × agent wage when absent")
    overheads: Percent = Field(default=Decimal("0.15"))
    margin: Percent = Field(default=Decimal("0.05"))

    @model_validator(mode="after")
    def _flat_rate_alone(self) -> PriceFloor:
        """A flat rate replaces the law's model: the model's own settings cannot be stated beside it."""
        if self.employer_charges is not None:
            # compared with the defaults, not by presence: a serialised contract (amendments) carries every field
            both = sorted(name for name in ("employer_headcount", "accident_rate", "other_employer_charges")
                          if getattr(self, name) != type(self).model_fields[name].default)
            if both:
                raise PydanticCustomError(
                    "flat_rate_with_model_settings",
                    "employer_charges (a flat rate) replaces the law's employer-cost model, which {names} belong "
                    "to; state either the flat rate or the model's settings", {"names": ", ".join(both)})
        return self
