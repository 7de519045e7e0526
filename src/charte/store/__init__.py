"""The web application's store: organisations, users, contracts, settlements (SQLAlchemy 2 + Alembic).

SQLite embedded by default, PostgreSQL for teams (``CHARTE_DATABASE_URL``); facts stay in Parquet
files beside the database. See :mod:`charte.store.tenancy` for who sees what.
"""

from __future__ import annotations

from charte.store.accounts import (
    AccountError,
    IssuedToken,
    add_member,
    audit,
    authenticate,
    change_password,
    checked_siren,
    create_organisation,
    create_user,
    hash_password,
    issue_token,
    organisation_of_token,
    revoke_token,
    tokens_of,
    verify_password,
)
from charte.store.database import make_engine, migrate, session_factory, transaction
from charte.store.dispute_rows import (
    DisputeAttachmentRow,
    DisputeEntryRow,
    DisputeRow,
    WhatIfRow,
)
from charte.store.models import (
    ApiTokenRow,
    AuditLogRow,
    Base,
    ContractRow,
    ContractShareRow,
    FactsUploadRow,
    InvitationRow,
    LoginThrottleRow,
    MembershipRow,
    OrganisationRow,
    SettlementRow,
    UserRow,
    WebSessionRow,
)
from charte.store.tenancy import Access, contract_access, visible_contracts

__all__ = [
    "Access", "AccountError", "ApiTokenRow", "AuditLogRow", "Base", "ContractRow", "ContractShareRow",
    "DisputeAttachmentRow", "DisputeEntryRow", "DisputeRow", "FactsUploadRow", "InvitationRow", "IssuedToken",
    "LoginThrottleRow", "MembershipRow", "OrganisationRow", "SettlementRow", "UserRow", "WebSessionRow", "WhatIfRow",
    "add_member", "audit", "authenticate", "change_password", "checked_siren", "contract_access",
    "create_organisation", "create_user", "hash_password", "issue_token", "make_engine", "migrate",
    "organisation_of_token", "revoke_token", "session_factory", "tokens_of", "transaction", "verify_password",
    "visible_contracts",
]

# issue 22 — the job board's rows (imported here so that the metadata and the migrations see them)
from charte.store.job_rows import (
    JobApplicationRow,
    JobCandidateRow,
    JobCandidateSessionRow,
    JobCohortRow,
    JobOfferRow,
    JobPlacementRow,
    JobReportRow,
)

__all__ += ["JobApplicationRow", "JobCandidateRow", "JobCandidateSessionRow", "JobCohortRow", "JobOfferRow",
            "JobPlacementRow", "JobReportRow"]
