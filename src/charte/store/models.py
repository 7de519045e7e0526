"""The rows of the web application's store (SQLAlchemy 2 declarative models).

Tenancy rule (issue 8): every row that holds a contract's data carries the organisation ids of the
contract's two parties; a contract is visible to those two organisations and to a mediator one of
them invited (:class:`ContractShareRow`), to nobody else. Money is never a float: settlement totals
are Decimal text, the settlement itself is the engine's canonical JSON (decimals as exact strings).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import DateTime, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

OrganisationKind = Literal["provider", "client", "trade_body", "mediator", "admin"]
ORGANISATION_KINDS: tuple[OrganisationKind, ...] = ("provider", "client", "trade_body", "mediator", "admin")
MembershipRole = Literal["manager", "reader"]
MEMBERSHIP_ROLES: tuple[MembershipRole, ...] = ("manager", "reader")
ContractStatus = Literal["proposed", "accepted", "declined"]

NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s",
          "pk": "pk_%(table_name)s"}


def new_id() -> str:
    """A random identifier (32 hex digits): URLs never reveal how many rows exist."""
    return uuid.uuid4().hex


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: DateTime(timezone=True)}  # noqa: RUF012  (SQLAlchemy's own attribute)


class OrganisationRow(Base):
    __tablename__ = "organisation"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # OrganisationKind
    siren: Mapped[str | None] = mapped_column(String(9), default=None)
    created_at: Mapped[datetime] = mapped_column(default=now)


class UserRow(Base):
    __tablename__ = "app_user"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))  # Argon2id, see charte.store.passwords
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)

    memberships: Mapped[list[MembershipRow]] = relationship(back_populates="user", lazy="selectin")


class MembershipRow(Base):
    """A user belongs to one or more organisations with a role (manager: may write; reader: may read)."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20), default="manager")  # MembershipRole

    user: Mapped[UserRow] = relationship(back_populates="memberships")
    organisation: Mapped[OrganisationRow] = relationship(lazy="joined")


class ContractRow(Base):
    """A contract's YAML text as uploaded, its two parties' organisations and the id the validation found."""

    __tablename__ = "contract"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    contract_id: Mapped[str] = mapped_column(String(200))  # the `id:` of the validated document
    name: Mapped[str] = mapped_column(String(300), default="")
    yaml_text: Mapped[str] = mapped_column(Text)
    provider_organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), index=True)
    client_organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), index=True)
    uploaded_by: Mapped[str | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=now)
    # issue 17: a contract is proposed by one party and shared only once the other accepts it
    status: Mapped[str] = mapped_column(String(12), default="accepted", server_default="accepted")  # ContractStatus
    proposed_by_organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisation.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class ContractShareRow(Base):
    """A mediator organisation invited by one of the parties: read-only replay of the contract."""

    __tablename__ = "contract_share"
    __table_args__ = (UniqueConstraint("contract_id", "mediator_organisation_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    mediator_organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    invited_by_organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class ApiTokenRow(Base):
    """A token for systems that push data: scoped to ONE organisation, only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    revoked: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)  # issue 17: tokens expire
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    created_by: Mapped[str | None] = mapped_column(String(32), default=None)


class FactsUploadRow(Base):
    """One upload of facts files for a contract (the files stay on disk, in Parquet/CSV)."""

    __tablename__ = "facts_upload"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    files_json: Mapped[str] = mapped_column(Text)  # {"interval_report.parquet": "sha256", ...}
    uploaded_by_organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class SettlementRow(Base):
    """A settled month: the engine's canonical JSON, the explanations (fr, en) and the inputs' hash."""

    __tablename__ = "settlement"
    __table_args__ = (Index("ix_settlement_contract_period", "contract_id", "period"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    settlement_json: Mapped[str] = mapped_column(Text)
    explanations_json: Mapped[str] = mapped_column(Text)  # [{"number": 1, "fr": "...", "en": "..."}]
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    total_excluding_vat: Mapped[str] = mapped_column(String(40))  # Decimal text, never a float
    total_including_vat: Mapped[str] = mapped_column(String(40))
    settled_by_organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class AuditLogRow(Base):
    """Who did what, when (logins, uploads, settlements, shares)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=now)
    user_id: Mapped[str | None] = mapped_column(String(32), default=None)
    organisation_id: Mapped[str | None] = mapped_column(String(32), default=None)
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


# ---------------------------------------------------------------- issue 17: sessions, throttling, invitations

class WebSessionRow(Base):
    """A signed-in browser session. The cookie holds a random token; only its SHA-256 is stored here, so a
    copy of the database opens no session. Deleting the row ends the session (logout, password change,
    member removed, account disabled, "sign out everywhere")."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's token
    user_id: Mapped[str] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_seen_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime] = mapped_column()  # absolute end, whatever the activity
    client_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")


class LoginThrottleRow(Base):
    """Failed sign-ins counted by key (``ip:…``, ``account:…``, ``pair:…``) and the sign-ins that succeeded
    (``known:…``), shared by every worker of the server."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(default=now)
    last_at: Mapped[datetime] = mapped_column(default=now, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(default=None)


class InvitationRow(Base):
    """An invitation to join an organisation (its first manager, by the administrator; a colleague, by one of
    its managers). The link's token is shown or mailed once; only its SHA-256 is stored."""

    __tablename__ = "invitation"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20), default="manager")  # MembershipRole
    invited_by_user_id: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)
    accepted_user_id: Mapped[str | None] = mapped_column(String(32), default=None)
    revoked: Mapped[bool] = mapped_column(default=False)
