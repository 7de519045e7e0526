"""The contract: every clause of a contact-center outsourcing contract, typed and frozen.

Clauses by charter axis (SP2C 2019): forecasts (axis 1), service_commitments (axis 2),
bonus_malus (axis 3), price_floor (axis 4), indexation (axis 5), payment_terms (axis 6),
exit (axis 7), liability (axis 8); plus the parties, term, activities and their pricing,
the 2010 charter's items, how invoices are contested (``disputes``), overrides of legal
constants and the amendments (avenants).

A :class:`Contract` only exists valid: building one runs the cross-clause rules of
:mod:`charte.domain.contract.checks` and refuses any error. Read a YAML file with
:func:`charte.io.contract_yaml.load_contract`, which reports every problem with its line.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field, PrivateAttr, model_validator
from pydantic_core import PydanticCustomError

from charte.domain import law
from charte.domain.contract.activities import Activity
from charte.domain.contract.amendments import Amendment, apply_patch, in_force
from charte.domain.contract.bonus_malus import BonusMalus
from charte.domain.contract.charter_2010 import Charter2010
from charte.domain.contract.clause import Clause, Identifier
from charte.domain.contract.disputes import DisputeTerms
from charte.domain.contract.exit import Exit
from charte.domain.contract.forecast_commitments import ForecastCommitments
from charte.domain.contract.indexation import Indexation
from charte.domain.contract.liability import Liability
from charte.domain.contract.parties import Party, Provider, Term
from charte.domain.contract.payment_terms import PaymentTerms
from charte.domain.contract.price_floor import PriceFloor
from charte.domain.contract.quantities import ExactNumber
from charte.domain.contract.service_commitments import ServiceCommitment


class Contract(Clause):
    """An outsourcing contract between a client and a provider (see the module docstring)."""

    id: Identifier = Field(alias="contract", description="the contract's identifier")
    title: str | None = None
    client: Party
    provider: Provider
    relationship_since: date | None = Field(default=None, description="start of the established business relationship")
    term: Term
    holiday_subdivision: str | None = Field(default=None, description="e.g. '57' for Moselle public holidays")
    activities: tuple[Activity, ...] = Field(min_length=1)
    forecasts: ForecastCommitments | None = None
    service_commitments: tuple[ServiceCommitment, ...] = ()
    bonus_malus: BonusMalus | None = None
    price_floor: PriceFloor | None = None
    indexation: Indexation | None = None
    payment_terms: PaymentTerms
    exit: Exit | None = None
    liability: Liability | None = None
    charter_2010: Charter2010 | None = None
    disputes: DisputeTerms | None = Field(default=None, description="answer period and dispute window")
    law_overrides: dict[str, ExactNumber] = Field(default_factory=dict, description="keys of charte.domain.law")
    amendments: tuple[Amendment, ...] = ()

    _applied: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _consistent(self) -> Contract:
        from charte.domain.contract.checks import ContractParts, check

        problems = [f for f in check(ContractParts.of_contract(self)) if f.is_error]
        if problems:
            raise PydanticCustomError(
                "contract_inconsistent", "{problems}",
                {"problems": "; ".join(f"[{f.code}] {f.message}" for f in problems)},
            )
        return self

    # ------------------------------------------------------------ look-ups

    def activity(self, activity_id: str) -> Activity:
        for activity in self.activities:
            if activity.id == activity_id:
                return activity
        raise KeyError(f"no activity {activity_id!r}; activities: {', '.join(a.id for a in self.activities)}")

    def commitment(self, commitment_id: str) -> ServiceCommitment:
        for commitment in self.service_commitments:
            if commitment.id == commitment_id:
                return commitment
        raise KeyError(f"no service commitment {commitment_id!r}")

    def commitments_for(self, activity_id: str) -> tuple[ServiceCommitment, ...]:
        return tuple(c for c in self.service_commitments if c.activity == activity_id)

    def law(self, key: str, on: date) -> law.Resolved:
        """A legal or charter constant on ``on``, this contract's override first."""
        return law.resolve(key, on, self.law_overrides)

    def law_value(self, key: str, on: date) -> Decimal:
        return self.law(key, on).value

    # ------------------------------------------------------------ versions

    @property
    def name(self) -> str:
        """The contract's title, or its id when it has none."""
        return self.title or self.id

    @property
    def applied_amendments(self) -> tuple[str, ...]:
        """Ids of the amendments folded into this version (empty for the contract as signed)."""
        return self._applied

    def document(self) -> dict[str, Any]:
        """The contract as a plain document (YAML/JSON-ready), written as a contract manager writes it."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=False)

    def as_of(self, day: date) -> Contract:
        """The version in force on ``day``: the signed contract with every amendment effective by then.

        The returned version keeps the amendment list (its history); :attr:`applied_amendments`
        says which were folded in.
        """
        applied = in_force(self.amendments, day)
        if not applied:
            return self
        document = version_document(self.document(), applied)
        version = Contract.model_validate(document)
        version._applied = tuple(a.id for a in applied)
        return version


def version_document(base: Mapping[str, Any], amendments: tuple[Amendment, ...]) -> dict[str, Any]:
    """``base`` (a contract document) with ``amendments`` applied in order; the amendment list is kept."""
    document = dict(base)
    for amendment in amendments:
        document = apply_patch(document, amendment.changes)
    document["amendments"] = base.get("amendments", [])
    return document
