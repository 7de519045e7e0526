"""Who may see and do what with a contract (issue 8: tenants sealed from each other).

- The two parties (the provider and the client organisations named at upload) see the contract,
  its facts and its settlements. Either may upload facts and invite a mediator; only the provider
  settles a month (it issues the invoice).
- A mediator organisation invited by a party sees the contract read-only (replay).
- Nobody else sees that it exists: the trade body, the platform's administrators and every other
  provider or client get ``None`` from :func:`contract_access` (the web answers 404).
- Writing needs the membership role ``manager``; a ``reader`` only reads.
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

    @property
    def is_party(self) -> bool:
        return self.standing in ("provider", "client")

    @property
    def may_upload_facts(self) -> bool:
        return self.is_party and self.role == "manager"

    @property
    def may_settle(self) -> bool:
        return self.standing == "provider" and self.role == "manager"

    @property
    def may_share(self) -> bool:
        return self.is_party and self.role == "manager"


def contract_access(session: Session, organisation: OrganisationRow, contract_id: str,
                    role: str = "manager") -> Access | None:
    """The organisation's access to the contract, or ``None`` when it must not know the contract exists."""
    contract = session.get(ContractRow, contract_id)
    if contract is None:
        return None
    if organisation.kind == "provider" and contract.provider_organisation_id == organisation.id:
        return Access(contract, "provider", role)
    if organisation.kind == "client" and contract.client_organisation_id == organisation.id:
        return Access(contract, "client", role)
    if organisation.kind == "mediator":
        share = session.scalar(select(ContractShareRow).where(
            ContractShareRow.contract_id == contract.id, ContractShareRow.mediator_organisation_id == organisation.id))
        if share is not None:
            return Access(contract, "mediator", "reader")
    return None


def visible_contracts(session: Session, organisation: OrganisationRow) -> list[ContractRow]:
    """The contracts the organisation may see, newest first."""
    if organisation.kind == "provider":
        where = ContractRow.provider_organisation_id == organisation.id
    elif organisation.kind == "client":
        where = ContractRow.client_organisation_id == organisation.id
    elif organisation.kind == "mediator":
        shared = select(ContractShareRow.contract_id).where(
            ContractShareRow.mediator_organisation_id == organisation.id)
        where = ContractRow.id.in_(shared)
    else:
        return []
    return list(session.scalars(select(ContractRow).where(or_(where)).order_by(ContractRow.created_at.desc())))
