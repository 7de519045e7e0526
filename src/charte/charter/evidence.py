"""What a scorecard is judged on: the contract, its settled months, and optional observations.

Observations the settlement does not carry are optional typed inputs, so a scorecard works
with whatever is known and says "not enough data" for the rest:

- :class:`PaymentRecord` — an invoice's due date and the day it was paid (``None``: unpaid),
  for axis 6 (any ledger can produce them; ``charte.payments`` is not required);
- measured AHT per activity (seconds), to convert a price per contact into a price per
  productive hour (axis 4);
- :class:`IvrObservation` and dial-mode counts, for the 2010 charter's IVR and dialer items.

The contract's own validation rules (:mod:`charte.domain.contract.checks`) are run once here and
their findings reused by the axes, so a rule is written once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from charte.charter.history import SettledMonth
from charte.domain.contract import Contract
from charte.domain.contract import Finding as ContractProblem
from charte.domain.contract.checks import ContractParts, check
from charte.domain.reference import ReferenceBook


@dataclass(frozen=True)
class PaymentRecord:
    """One invoice as paid (or not): ``days_late`` counts to ``paid`` or, when unpaid, to the day judged."""

    invoice: str
    due: date
    paid: date | None = None

    def days_late(self, today: date) -> int:
        return max(0, ((self.paid or today) - self.due).days)


@dataclass(frozen=True)
class IvrObservation:
    """IVR measured over the period: median seconds before a person, share of calls reaching a person."""

    median_seconds_before_agent: Decimal
    share_reaching_agent: Decimal
    calls: int


@dataclass(frozen=True)
class Evidence:
    """Everything one scorecard reads (see the module docstring)."""

    contract: Contract
    history: tuple[SettledMonth, ...]
    today: date
    payments: tuple[PaymentRecord, ...] | None = None
    measured_aht: Mapping[str, Decimal] = field(default_factory=dict)
    ivr: IvrObservation | None = None
    dial_modes: Mapping[str, int] | None = None
    floor_overrides: Mapping[str, Decimal] = field(default_factory=dict)
    reference: ReferenceBook | None = None   # the SMIC series (shipped + user's values); None: the shipped one

    def contract_problems(self, *codes: str) -> list[ContractProblem]:
        """The contract-validation findings with one of ``codes`` (checked on :attr:`today`)."""
        found = check(ContractParts.of_contract(self.contract), on=self.today)
        return [f for f in found if f.code in codes]

    @property
    def months(self) -> int:
        return len(self.history)
