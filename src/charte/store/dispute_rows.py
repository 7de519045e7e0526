"""The rows of disputes (issue 16): the claim, its thread, its what-ifs, its attachments.

Tenancy rule (as for every row holding a contract's data): a dispute carries the organisation ids
of the contract's two parties and of the mediator invited to it; nobody else sees it. Steps of the
thread are never updated or deleted — each is sealed with the SHA-256 of its content and of the
previous step (:func:`charte.disputes.chain`). Amounts are Decimal text, never floats.
Attachments are files stored once by their SHA-256 under the data folder; a row links a file to
a dispute, and a file is served only through such a link.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from charte.store.models import Base, new_id, now


class DisputeRow(Base):
    """A client's claim on an issued invoice, and where the dispute stands."""

    __tablename__ = "dispute"
    __table_args__ = (Index("ix_dispute_contract_invoice", "contract_id", "invoice_number"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    provider_organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    client_organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    mediator_organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisation.id"), default=None)
    period: Mapped[str] = mapped_column(String(7))
    invoice_number: Mapped[str] = mapped_column(String(40))
    invoice_date: Mapped[date] = mapped_column(Date)
    invoice_total: Mapped[str] = mapped_column(String(40))        # including VAT, Decimal text
    settlement_id: Mapped[str] = mapped_column(ForeignKey("settlement.id"))
    scope: Mapped[str] = mapped_column(String(20))                # charte.disputes.Scope
    line: Mapped[int | None] = mapped_column(default=None)
    commitment: Mapped[str | None] = mapped_column(String(200), default=None)
    reason: Mapped[str] = mapped_column(String(40))               # charte.disputes.Reason
    text: Mapped[str] = mapped_column(Text, default="")
    disputed_amount: Mapped[str] = mapped_column(String(40))      # including VAT, Decimal text
    status: Mapped[str] = mapped_column(String(20), default="open")  # charte.disputes.Status
    invoice_status: Mapped[str] = mapped_column(String(20))       # in_dispute | refused while open
    document_number: Mapped[str | None] = mapped_column(String(40), default=None)
    opened_by_user_id: Mapped[str | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=now)


class DisputeEntryRow(Base):
    """One step of a dispute's thread: immutable, sealed by its SHA-256 chained to the previous step."""

    __tablename__ = "dispute_entry"
    __table_args__ = (UniqueConstraint("dispute_id", "seq"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    dispute_id: Mapped[str] = mapped_column(ForeignKey("dispute.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(30))                 # charte.disputes.Kind
    at: Mapped[datetime]
    standing: Mapped[str] = mapped_column(String(20))             # client | provider | mediator
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    author: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    whatif_id: Mapped[str | None] = mapped_column(String(32), default=None)
    document: Mapped[str | None] = mapped_column(String(40), default=None)
    attachments_json: Mapped[str] = mapped_column(Text, default="[]")   # SHA-256 of each attached file
    previous_sha256: Mapped[str] = mapped_column(String(64), default="")
    sha256: Mapped[str] = mapped_column(String(64))


class WhatIfRow(Base):
    """A what-if proposed in a dispute: its changes, who proposed it, and its outcome as canonical JSON."""

    __tablename__ = "dispute_whatif"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    dispute_id: Mapped[str] = mapped_column(ForeignKey("dispute.id", ondelete="CASCADE"), index=True)
    standing: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    changes_json: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str] = mapped_column(Text)                # charte.disputes.WhatIf.as_dict()
    proposed_settlement_json: Mapped[str | None] = mapped_column(Text, default=None)
    settled: Mapped[bool] = mapped_column(default=False)
    difference: Mapped[str] = mapped_column(String(40), default="0.00")   # excluding VAT, Decimal text
    created_at: Mapped[datetime] = mapped_column(default=now)


class DisputeAttachmentRow(Base):
    """A file attached to a dispute (CSV, PDF, image), stored once under its SHA-256."""

    __tablename__ = "dispute_attachment"
    __table_args__ = (UniqueConstraint("dispute_id", "sha256"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    dispute_id: Mapped[str] = mapped_column(ForeignKey("dispute.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    evidence: Mapped[str | None] = mapped_column(String(30), default=None)  # forecasts | interval_report
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)

