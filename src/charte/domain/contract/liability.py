"""Axis 8 of the SP2C charter (2019): limitation of liability and of cumulated penalties.

Liability is capped either at ``cap_months_of_billing`` months of billing (the last twelve
months' average) or at a fixed ``cap_amount``. Penalties (maluses included) are capped
per year as a share of annual billing (``penalties_cap``), and may count toward the
liability cap. Usual carve-outs (gross negligence, wilful misconduct) are listed.
"""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from charte.domain.contract.clause import Clause
from charte.domain.contract.quantities import Amount, Share


class Liability(Clause):
    """Axis 8: caps on liability and penalties."""

    cap_months_of_billing: int | None = Field(default=None, ge=1)
    cap_amount: Amount | None = None
    penalties_cap: Share | None = Field(default=None, description="yearly penalties at most this share of billing")
    penalties_count_toward_cap: bool = True
    carve_outs: tuple[str, ...] = ("gross_negligence", "wilful_misconduct")

    @model_validator(mode="after")
    def _one_cap(self) -> Liability:
        if (self.cap_months_of_billing is None) == (self.cap_amount is None):
            raise PydanticCustomError(
                "invalid_value", "liability needs exactly one cap: `cap_months_of_billing` or `cap_amount`", {}
            )
        return self
