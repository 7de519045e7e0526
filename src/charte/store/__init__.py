"""The store: organisations, users, contracts, settlements, the evidence register and the invoice ledger
(SQLAlchemy 2 + Alembic).

SQLite embedded by default, PostgreSQL for teams (``CHARTE_DATABASE_URL``); facts stay in files
beside the database (Parquet, and the register's files kept under their hash). See
:mod:`charte.store.tenancy` for who sees what, :mod:`charte.store.register` and
:mod:`charte.store.ledger` for the evidence and the invoices.
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
from charte.store.chain import ChainHeadRow
from charte.store.database import make_engine, migrate, session_factory, transaction, write_transaction
from charte.store.dispute_rows import (
    DisputeAttachmentRow,
    DisputeEntryRow,
    DisputeRow,
    WhatIfRow,
)
from charte.store.ledger import LedgerEntryRow, SqlLedger
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
from charte.store.register import EvidenceRow, Register, Submission
from charte.store.tenancy import Access, contract_access, visible_contracts

__all__ = [
    "Access", "AccountError", "ApiTokenRow", "AuditLogRow", "Base", "ChainHeadRow", "ContractRow",
    "ContractShareRow", "DisputeAttachmentRow", "DisputeEntryRow", "DisputeRow", "EvidenceRow", "FactsUploadRow",
    "InvitationRow", "IssuedToken", "LedgerEntryRow", "LoginThrottleRow", "MembershipRow", "OrganisationRow",
    "Register", "SettlementRow", "SqlLedger", "Submission", "UserRow", "WebSessionRow", "WhatIfRow", "add_member",
    "audit", "authenticate", "change_password", "checked_siren", "contract_access", "create_organisation",
    "create_user", "hash_password", "issue_token", "make_engine", "migrate", "organisation_of_token", "revoke_token",
    "session_factory", "tokens_of", "transaction", "verify_password", "visible_contracts", "write_transaction",
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
