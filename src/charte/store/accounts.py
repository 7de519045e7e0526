"""Organisations, users, memberships and API tokens: creation and verification.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106); API tokens are random
(``secrets.token_urlsafe``), shown once, and only their SHA-256 is stored, so a copy of the
database does not give access to the API.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from charte.store.models import (
    MEMBERSHIP_ROLES,
    ORGANISATION_KINDS,
    ApiTokenRow,
    AuditLogRow,
    MembershipRow,
    OrganisationRow,
    UserRow,
)

_HASHER = PasswordHasher()
# A hash to verify against when the user does not exist, so both paths cost the same time.
_DUMMY_HASH = _HASHER.hash("charte: no such user")


class AccountError(ValueError):
    """A request about accounts that cannot be done; ``code`` is a stable snake_case code."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_organisation(session: Session, name: str, kind: str, siren: str | None = None) -> OrganisationRow:
    if kind not in ORGANISATION_KINDS:
        raise AccountError("unknown_organisation_kind",
                           f"kind {kind!r}: expected one of {', '.join(ORGANISATION_KINDS)}")
    row = OrganisationRow(name=name, kind=kind, siren=siren)
    session.add(row)
    session.flush()
    return row


def create_user(session: Session, email: str, password: str, display_name: str = "") -> UserRow:
    email = email.strip().lower()
    if len(password) < 8:
        raise AccountError("password_too_short", "the password needs at least 8 characters")
    if session.scalar(select(UserRow).where(UserRow.email == email)) is not None:
        raise AccountError("email_taken", f"a user with the e-mail {email} already exists")
    row = UserRow(email=email, display_name=display_name or email, password_hash=hash_password(password))
    session.add(row)
    session.flush()
    return row


def add_member(session: Session, user: UserRow, organisation: OrganisationRow, role: str = "manager") -> MembershipRow:
    if role not in MEMBERSHIP_ROLES:
        raise AccountError("unknown_role", f"role {role!r}: expected one of {', '.join(MEMBERSHIP_ROLES)}")
    row = MembershipRow(user_id=user.id, organisation_id=organisation.id, role=role)
    session.add(row)
    session.flush()
    session.refresh(user)
    return row


def authenticate(session: Session, email: str, password: str) -> UserRow | None:
    """The active user with this e-mail and password, or ``None`` (same work either way)."""
    user = session.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    row: ApiTokenRow
    token: str  # shown once; only its SHA-256 is stored


def issue_token(session: Session, organisation: OrganisationRow, label: str = "") -> IssuedToken:
    token = "ct_" + secrets.token_urlsafe(32)
    row = ApiTokenRow(organisation_id=organisation.id, token_sha256=_digest(token), label=label)
    session.add(row)
    session.flush()
    return IssuedToken(row, token)


def organisation_of_token(session: Session, token: str) -> OrganisationRow | None:
    """The organisation a (non-revoked) token speaks for, or ``None``."""
    row = session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_sha256 == _digest(token),
                                                   ApiTokenRow.revoked.is_(False)))
    return session.get(OrganisationRow, row.organisation_id) if row is not None else None


def audit(session: Session, action: str, *, user_id: str | None = None, organisation_id: str | None = None,
          target: str = "", detail: str = "") -> None:
    session.add(AuditLogRow(action=action, user_id=user_id, organisation_id=organisation_id, target=target[:300],
                            detail=detail))
