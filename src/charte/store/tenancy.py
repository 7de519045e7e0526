"""Who may see and do what with a contract (issue 8: tenants sealed from each other).

- The two parties (the provider and the client organisations named at upload) see the contract,
  its facts and its settlements. Either may upload facts and invite a mediator; only the provider
  settles a month (it issues the invoice).
- A mediator organisation invited by a party sees the contract read-only (replay).
- Nobody else sees that it exists: the trade body, the platform's administrators and every other
  provider or client get ``None`` from :func:`contract_access` (the web answers 404).
- Writing needs the membership role ``manager``; a ``reader`` only reads.
- Consent (issue 17): a contract uploaded by one party is a *proposal* until the other party's manager
  accepts it. Until then both parties see the proposal (the counterparty to read what it is asked to
  accept) but nobody uploads facts, settles or invites a mediator; a declined proposal is seen by its
  proposer only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from charte.store.models import ContractRow, ContractShareRow, OrganisationRow

Standing = Literal["provider", "client", "mediator"]


@dataclass(frozen=True)
class Access:
    """What an organisation (acting with a membership role) may do with one contract."""

    contract: ContractRow
    standing: Standing
    role: str = "manager"
    organisation_id: str = ""

    @property
    def is_party(self) -> bool:
        return self.standing in ("provider", "client")

    @property
    def accepted(self) -> bool:
        return self.contract.status == "accepted"

    @property
    def may_upload_facts(self) -> bool:
        return self.accepted and self.is_party and self.role == "manager"

    @property
    def may_settle(self) -> bool:
        return self.accepted and self.standing == "provider" and self.role == "manager"

    @property
    def may_share(self) -> bool:
        return self.accepted and self.is_party and self.role == "manager"

    @property
    def may_decide(self) -> bool:
        """The counterparty's manager accepts or declines a proposal."""
        return (self.contract.status == "proposed" and self.is_party and self.role == "manager"
                and self.contract.proposed_by_organisation_id != self.organisation_id)


def contract_access(session: Session, organisation: OrganisationRow, contract_id: str,
                    role: str = "manager") -> Access | None:
    """The organisation's access to the contract, or ``None`` when it must not know the contract exists."""
    contract = session.get(ContractRow, contract_id)
    if contract is None:
        return None
    if contract.status == "declined" and contract.proposed_by_organisation_id != organisation.id:
        return None
    if organisation.kind == "provider" and contract.provider_organisation_id == organisation.id:
        return Access(contract, "provider", role, organisation.id)
    if organisation.kind == "client" and contract.client_organisation_id == organisation.id:
        return Access(contract, "client", role, organisation.id)
    if organisation.kind == "mediator" and contract.status == "accepted":
        share = session.scalar(select(ContractShareRow).where(
            ContractShareRow.contract_id == contract.id, ContractShareRow.mediator_organisation_id == organisation.id))
        if share is not None:
            return Access(contract, "mediator", "reader", organisation.id)
    return None


def visible_contracts(session: Session, organisation: OrganisationRow) -> list[ContractRow]:
    """The contracts the organisation may see, newest first."""
    seen = or_(ContractRow.status != "declined", ContractRow.proposed_by_organisation_id == organisation.id)
    if organisation.kind == "provider":
        where = (ContractRow.provider_organisation_id == organisation.id) & seen
    elif organisation.kind == "client":
        where = (ContractRow.client_organisation_id == organisation.id) & seen
    elif organisation.kind == "mediator":
        shared = select(ContractShareRow.contract_id).where(
            ContractShareRow.mediator_organisation_id == organisation.id)
        where = ContractRow.id.in_(shared) & (ContractRow.status == "accepted")
    else:
        return []
    return list(session.scalars(select(ContractRow).where(where).order_by(ContractRow.created_at.desc())))
